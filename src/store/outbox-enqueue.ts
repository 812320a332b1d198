/**
 * The outbox's hot path, apart so that the dossier store can call it without importing the rest of the outbox
 * store: deliveries are queued by appendEvents, in the transaction that appends the events.
 */
import type { Knex } from 'knex';
import { dialectOfKnex } from './db';
import type { EventRow } from '../../machines/engine/rows';
import { signalAfterCommit } from './outbox-signal';
import { isTx, runInTx, type Statement } from './direct-sql';

/**
 * The subscribers a transition queues nothing for: the applicant channels the applicant no longer chose
 * (machines/notify/channels.ts `mutedApplicantSubscribers`). As a SQL condition on `s.id` and its parameters;
 * nothing when none is muted, so an ordinary transition's statement is unchanged.
 */
export function mutedCondition(muted: readonly string[]): { sql: string; params: string[] } {
  return muted.length ? { sql: ` AND s.id NOT IN (${muted.map(() => '?').join(', ')})`, params: [...muted] } : { sql: '', params: [] };
}

/**
 * The hot path: in the transaction that appends `events`, one delivery per event and active subscriber whose
 * filter takes the event's type (but for the `muted` subscribers). One INSERT … SELECT for all the events, whatever
 * the number of subscribers; in a transaction it goes straight to the driver (src/store/direct-sql.ts).
 */
export async function enqueueDeliveries(
  tx: Knex | Knex.Transaction,
  events: readonly EventRow[],
  muted: readonly string[] = [],
): Promise<void> {
  if (!events.length) return;
  const { sql: insert, params } = deliveriesStatement(tx, events, muted);
  const sql = `${insert}
     RETURNING subscriber_id`;
  let queued: number;
  if (isTx(tx)) queued = (await runInTx(tx, sql, params, true)).rows.length;
  else {
    const result = (await tx.raw(sql, params as Knex.RawBinding[])) as unknown[] | { rows: unknown[] };
    queued = (Array.isArray(result) ? result : result.rows).length;
  }
  // the dispatchers are woken once this transaction commits (src/store/outbox-signal.ts), when it queued anything:
  // a commit that queued nothing has nothing to deliver, and waking for it cost every instance a look per transition
  if (queued) signalAfterCommit(tx);
}

/**
 * enqueueDeliveries' statement, to be run with a transaction's other writes (src/store/direct-sql.ts `runTogether`):
 * the caller wakes the dispatchers after the commit when it queued anything (signalAfterCommit).
 */
export function deliveriesStatement(tx: Knex | Knex.Transaction, events: readonly EventRow[], muted: readonly string[] = []): Statement {
  // PostgreSQL types the parameters of a SELECT list as text unless told; SQLite must not be told (CAST AS uuid is numeric there)
  const [id, seq, at] = dialectOfKnex(tx as Knex) === 'postgres' ? ['?::uuid', '?::integer', '?::timestamptz'] : ['?', '?', '?'];
  const first = `SELECT ${id} AS dossier_id, ${seq} AS seq, ? AS type, ${at} AS at`;
  const rest = ` UNION ALL SELECT ${id}, ${seq}, ?, ${at}`.repeat(events.length - 1);
  const skip = mutedCondition(muted);
  return {
    sql: `INSERT INTO outbox_deliveries (subscriber_id, dossier_id, seq, event_type, created_at, next_attempt_at, state, attempts)
     SELECT s.id, ev.dossier_id, ev.seq, ev.type, ev.at, ev.at, 'pending', 0
     FROM (${first}${rest}) ev JOIN outbox_subscribers s ON s.active = 1
     WHERE EXISTS (SELECT 1 FROM outbox_subscriber_events f WHERE f.subscriber_id = s.id AND f.event_type IN (ev.type, '*'))${skip.sql}
     ORDER BY ev.seq, s.id`,
    params: [...events.flatMap((e) => [e.dossier_id, e.seq, e.type, e.occurred_at]), ...skip.params],
  };
}
