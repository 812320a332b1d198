/**
 * Anonymising a dossier history for the corpus. Pure: the same history and the same pseudonym table give
 * the same output. Dates and times are kept as they are (deadlines depend on the real calendar), so are
 * the procedure terms, units, step ids, enumerated codes and numbers. Replaced:
 * - the dossier id and code (by the history's number in the corpus);
 * - the applicant (name, ID number, phone, e-mail, address), the documents' names and every note;
 * - usernames (actors, assignees, officers) by stable pseudonyms (`user1`, `user2`…; `system` stays);
 * - every other text: reasons, missing documents, signers, document numbers, and any field a later chart
 *   version adds (a field is kept only if it is known to hold no personal data).
 */
import type { CorpusEvent } from './corpus';
import type { StoredEvent, SubmitPayload } from '../../machines/engine/event-codec';

export const HIDDEN = '[đã ẩn]';

/** Fields whose text is structural (dates, units, steps, enumerations): kept. */
const KEEP = new Set([
  'dueAt',
  'countedFrom',
  'newDueAt',
  'previousDueAt',
  'originalDueAt',
  'stepDueAt',
  'documentDate',
  'unit',
  'responsibleUnit',
  'responsibleStep',
  'stepId',
  'method',
  'channel',
  'agencyCode',
]);

/** Fields that name a user: replaced by a pseudonym. */
const USER_FIELDS = new Set(['assignee', 'responsibleOfficer', 'username', 'officer']);

const INSTANT_OR_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Stable pseudonyms for usernames across one export. */
export class Pseudonyms {
  private readonly names = new Map<string, string>([['system', 'system']]);

  of(username: string): string {
    let p = this.names.get(username);
    if (!p) {
      p = `user${this.names.size}`;
      this.names.set(username, p);
    }
    return p;
  }
}

export function corpusId(n: number): string {
  return `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;
}

export function corpusCode(n: number): string {
  return `CORPUS-${String(n).padStart(5, '0')}`;
}

function anonymiseValue(key: string, value: unknown, users: Pseudonyms, keepCodes: ReadonlySet<string>): unknown {
  if (typeof value === 'string') {
    if (USER_FIELDS.has(key)) return users.of(value);
    if (KEEP.has(key) || INSTANT_OR_DATE.test(value) || keepCodes.has(value)) return value;
    return HIDDEN;
  }
  if (Array.isArray(value)) return value.map((v) => anonymiseValue(key, v, users, keepCodes));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, anonymiseValue(k, v, users, keepCodes)]),
    );
  }
  return value;
}

function anonymiseSubmit(p: SubmitPayload, n: number, users: Pseudonyms): Record<string, unknown> {
  const digits = String(n).padStart(6, '0');
  const { code: _code, agencyCode, channel, terms, applicant, documents, note, ...other } = p;
  const out: Record<string, unknown> = {
    code: corpusCode(n),
    agencyCode,
    channel,
    terms,
    applicant: {
      fullName: `Người nộp ${digits}`,
      idNumber: `000000${digits}`,
      phone: `0900${digits}`,
      ...(applicant.email !== undefined ? { email: `nguoi${digits}@example.invalid` } : {}),
      address: 'Địa chỉ đã ẩn',
      ...(applicant.lookupFactor !== undefined ? { lookupFactor: applicant.lookupFactor } : {}),
    },
    documents: documents.map((d, i) => ({ name: `Giấy tờ ${i + 1}`, copies: d.copies })),
  };
  if (note !== undefined) out.note = HIDDEN;
  for (const [k, v] of Object.entries(other)) out[k] = anonymiseValue(k, v, users, new Set());
  return out;
}

/** The history of dossier number `n` of the corpus, anonymised. `events` must start with SUBMIT. */
export function anonymiseHistory(events: readonly StoredEvent[], n: number, users: Pseudonyms): CorpusEvent[] {
  const submit = events[0]?.payload as SubmitPayload | undefined;
  // enumerated codes the chart may check by value (a pause's reason among the procedure's)
  const keepCodes = new Set<string>(submit?.terms?.pauseReasons ?? []);
  return events.map((e) => ({
    seq: e.seq,
    type: e.type,
    payload:
      e.type === 'SUBMIT'
        ? anonymiseSubmit(e.payload as unknown as SubmitPayload, n, users)
        : (anonymiseValue('', e.payload, users, keepCodes) as Record<string, unknown>),
    actor: users.of(e.actor),
    actorUnit: e.actorUnit,
    occurredAt: e.occurredAt,
    machineVersion: e.machineVersion,
  }));
}
