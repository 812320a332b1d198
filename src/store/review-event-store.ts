/**
 * The weekly review's log as stored (`review_events`): append-only records chained per (week, scope),
 * where scope (the `unit` column) is a unit code or 'centre'. The chain's rules (hashing, sign-off,
 * verification) are in src/reports/review-log.ts; this module reads and appends the rows.
 */
import type { Knex } from 'knex';
import { inRetriedTransaction, type Db } from './db';
import { toIso } from './time';

export const REVIEW_EVENT_TYPES = ['REVIEW_NOTE', 'WEEK_SIGNED_OFF'] as const;
export type ReviewEventType = (typeof REVIEW_EVENT_TYPES)[number];

export interface ReviewEvent {
  id: string;
  week: string;
  scope: string;
  seq: number;
  type: ReviewEventType;
  dossierCode: string | null;
  payload: Record<string, unknown>;
  actor: string;
  occurredAt: string;
  prevHash: string;
  hash: string;
}

function fromRow(r: Record<string, unknown>): ReviewEvent {
  return {
    id: String(r.id),
    week: String(r.week),
    scope: String(r.unit),
    seq: Number(r.seq),
    type: String(r.type) as ReviewEventType,
    dossierCode: r.dossier_code === null || r.dossier_code === undefined ? null : String(r.dossier_code),
    payload: JSON.parse(String(r.payload)) as Record<string, unknown>,
    actor: String(r.actor),
    occurredAt: toIso(r.occurred_at),
    prevHash: String(r.prev_hash),
    hash: String(r.hash),
  };
}

/** Every record of one week's chain, in order. */
export async function listReviewEvents(db: Knex | Knex.Transaction, week: string, scope: string): Promise<ReviewEvent[]> {
  const rows = await db('review_events').where({ week, unit: scope }).orderBy('seq', 'asc');
  return rows.map(fromRow);
}

/** Per week of `weeks`, the week's sign-off (or null) and how many notes its chain holds, for one scope. */
export async function weekStatuses(
  db: Db,
  scope: string,
  weeks: readonly string[],
): Promise<Map<string, { signOff: ReviewEvent | null; notes: number }>> {
  const out = new Map(weeks.map((w) => [w, { signOff: null as ReviewEvent | null, notes: 0 }]));
  if (!weeks.length) return out;
  const signOffs = await db('review_events').where({ unit: scope, type: 'WEEK_SIGNED_OFF' }).whereIn('week', weeks);
  for (const r of signOffs) out.get(String(r.week))!.signOff = fromRow(r);
  const notes = (await db('review_events')
    .select('week')
    .count({ n: '*' })
    .where({ unit: scope, type: 'REVIEW_NOTE' })
    .whereIn('week', weeks)
    .groupBy('week')) as { week: string; n: number | string }[];
  for (const r of notes) out.get(String(r.week))!.notes = Number(r.n);
  return out;
}

/** Whether the week's chain holds a sign-off. */
export async function isWeekSignedOff(db: Knex | Knex.Transaction, week: string, scope: string): Promise<boolean> {
  return Boolean(await db('review_events').where({ week, unit: scope, type: 'WEEK_SIGNED_OFF' }).first('seq'));
}

/**
 * Appends one record to a week's chain in one transaction: `make` is given whether the week is signed
 * off and the chain's head (null when empty) and returns the record to insert (or throws, which inserts
 * nothing). Two writers racing for the same seq: the loser gets the unique violation (isUniqueViolation). `make`
 * must be pure (it is: it numbers and hashes the record): the transaction is run again from its first read on a
 * PostgreSQL deadlock or serialization failure (inRetriedTransaction).
 */
export function appendReviewEvent(
  db: Db,
  week: string,
  scope: string,
  make: (state: { signedOff: boolean; head: { seq: number; hash: string } | null }) => ReviewEvent,
): Promise<ReviewEvent> {
  return inRetriedTransaction(db, async (tx) => {
    const signedOff = await isWeekSignedOff(tx, week, scope);
    const last = await tx('review_events').where({ week, unit: scope }).orderBy('seq', 'desc').first('seq', 'hash');
    const event = make({ signedOff, head: last ? { seq: Number(last.seq), hash: String(last.hash) } : null });
    await tx('review_events').insert({
      id: event.id,
      week: event.week,
      unit: event.scope,
      seq: event.seq,
      type: event.type,
      dossier_code: event.dossierCode,
      payload: JSON.stringify(event.payload),
      actor: event.actor,
      occurred_at: event.occurredAt,
      prev_hash: event.prevHash,
      hash: event.hash,
    });
    return event;
  });
}
