/**
 * The outbox's hot path, apart so that the dossier store can call it without importing the rest of the outbox
 * store: deliveries are queued by appendEvents, in the transaction that appends the events.
 */
import type { Knex } from 'knex';
import { dialectOfKnex } from './db';
import type { EventRow } from '../../machines/engine/rows';
import { signalAfterCommit } from './outbox-signal';

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
 * filter takes the event's type (but for the `muted` subscribers). One INSERT … SELECT per event, whatever the
 * number of subscribers.
 */
export async function enqueueDeliveries(
  tx: Knex | Knex.Transaction,
  events: readonly EventRow[],
  muted: readonly string[] = [],
): Promise<void> {
  // PostgreSQL types the parameters of a SELECT list as text unless told; SQLite must not be told (CAST AS uuid is numeric there)
  const values = dialectOfKnex(tx as Knex) === 'postgres' ? '?::uuid, ?::integer, ?, ?::timestamptz, ?::timestamptz' : '?, ?, ?, ?, ?';
  const skip = mutedCondition(muted);
  let queued = 0;
  for (const e of events) {
    const result = (await tx.raw(
      `INSERT INTO outbox_deliveries (subscriber_id, dossier_id, seq, event_type, created_at, next_attempt_at, state, attempts)
       SELECT s.id, ${values}, 'pending', 0 FROM outbox_subscribers s
       WHERE s.active = 1 AND EXISTS (SELECT 1 FROM outbox_subscriber_events f WHERE f.subscriber_id = s.id AND f.event_type IN (?, '*'))${skip.sql}
       RETURNING subscriber_id`,
      [e.dossier_id, e.seq, e.type, e.occurred_at, e.occurred_at, e.type, ...skip.params],
    )) as unknown[] | { rows: unknown[] };
    queued += (Array.isArray(result) ? result : result.rows).length;
  }
  // the dispatchers are woken once this transaction commits (src/store/outbox-signal.ts), when it queued anything:
  // a commit that queued nothing has nothing to deliver, and waking for it cost every instance a look per transition
  if (queued) signalAfterCommit(tx);
}
