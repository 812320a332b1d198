/**
 * What a form module provides, and the environment it renders in (everything a form needs that is
 * not a fact of the dossier). Kept apart so that form modules and the index share one contract.
 */
import { UNITS } from '../../machines/procedures';
import type { Calendar } from '../../machines/calendar';
import type { FormData } from './form-data';
import { unitName } from './format';
import type { Issuer } from './layout';

export interface FormEnv {
  /** public origin of the citizen lookup page, e.g. "https://motcua.example.gov.vn" */
  baseUrl: string;
  /** the working-time calendar of the dossier's clock (see clockCalendarVersion in machines/dossier/facts.ts) */
  calendar: Calendar;
  /** governing body printed above the issuing unit */
  parent: string;
  /** place name of the dateline; null prints dots */
  place: string | null;
}

export interface FormRenderer {
  /** null when the form applies to the dossier, else why not (Vietnamese, shown to the user) */
  unavailable(data: FormData): string | null;
  /** the complete HTML document; call only when `unavailable` returned null */
  render(data: FormData, env: FormEnv): string;
}

/** The counter unit's code (the one-stop centre itself). */
export const COUNTER_UNIT: string = UNITS.find((u) => u.kind === 'counter')?.code ?? 'TTPVHCC';

/** The header's issuing side for a unit (the centre when null). */
export function issuerOf(env: FormEnv, unit: string | null): Issuer {
  return { parent: env.parent, name: unitName(unit ?? COUNTER_UNIT), place: env.place };
}
