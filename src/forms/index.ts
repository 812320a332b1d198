/**
 * Official forms of the one-stop mechanism, rendered as printable A4 HTML from a dossier's event log
 * and context. Pure: `renderForm` reads only its input (the route loads history, context and the
 * dossier's calendar). Form numbers follow the regulation in force when the dossier was received.
 */
import type { DossierContext } from '../../machines/dossier';
import type { Calendar } from '../../machines/calendar';
import type { StoredEvent } from '../../machines/engine/event-codec';
import { MotcuaError } from '../../machines/engine/errors';
import { apology } from './apology';
import { controlSlip } from './control-slip';
import { buildFormData, type People } from './form-data';
import { receipt } from './receipt';
import { refusal } from './refusal';
import type { FormRenderer } from './renderer';
import { supplement } from './supplement';
import { stopNotice } from './stop-notice';
import { pauseNotice } from './pause-notice';
import { returnReceipt } from './return-receipt';
import type { FormKind } from '../../machines/vocabulary';

export { FORM_KINDS, type FormKind } from '../../machines/vocabulary';
export { isFormKind } from './numbering';
export { buildFormData, type People } from './form-data';

/**
 * The forms that print the applicant's ID number or phone whole (every view of them is logged in
 * record_views); the control slip shows neither.
 */
export const FORMS_WITH_PERSONAL_DATA: readonly FormKind[] = ['receipt', 'supplement', 'refusal', 'apology', 'return-receipt'];

export interface FormInput {
  history: readonly StoredEvent[];
  context: DossierContext;
  /** the dossier's working-time calendar (version clockCalendarVersion(context), machines/dossier/facts.ts); the control slip measures steps with it */
  calendar: Calendar;
  /** public origin for the receipt's QR lookup link, e.g. "https://motcua.example.gov.vn" */
  baseUrl: string;
  /** governing body above the issuing unit; default "Ủy ban nhân dân xã" */
  parent?: string;
  /** place name of the dateline; default dots */
  place?: string | null;
  /** the users by username: forms print their full names and titles, never usernames */
  people?: People;
}

const RENDERERS: Record<FormKind, FormRenderer> = {
  receipt,
  supplement,
  refusal,
  apology,
  'control-slip': controlSlip,
  'stop-notice': stopNotice,
  'pause-notice': pauseNotice,
  'return-receipt': returnReceipt,
};

/**
 * Pure. The form as a complete HTML document. Throws MotcuaError NOT_FOUND when the form does not
 * apply to the dossier (yet), e.g. an apology form for a dossier without an apology.
 */
export function renderForm(kind: FormKind, input: FormInput): string {
  const data = buildFormData(input.history, input.context, input.people);
  const renderer = RENDERERS[kind];
  const why = renderer.unavailable(data);
  if (why) throw new MotcuaError('NOT_FOUND', why, { what: 'biểu mẫu', form: kind, code: data.code });
  return renderer.render(data, {
    baseUrl: input.baseUrl,
    calendar: input.calendar,
    parent: input.parent ?? 'Ủy ban nhân dân xã',
    place: input.place ?? null,
  });
}
