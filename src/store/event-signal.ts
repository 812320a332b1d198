/**
 * Events committed by this process, as they commit: what GET /metrics counts (`motcua_transitions_total`)
 * instead of counting the whole history by type at every scrape. `signalEventsAfterCommit` is called by the
 * append path with the transaction that wrote the events; the listeners registered with `onEventsCommitted`
 * for the same database run once it has committed (never for a rolled-back one).
 */
import type { Knex } from 'knex';
import { commitListeners } from './outbox-signal';

const eventsCommitted = commitListeners<[types: readonly string[]]>();

/** Registers `fn` to run with the events' types after each commit on `db` that wrote events; returns the unregistration. */
export function onEventsCommitted(db: Knex, fn: (types: readonly string[]) => void): () => void {
  return eventsCommitted.on(db, fn);
}

/** After `tx` commits, tells this database's listeners the types of the events it wrote; never throws. */
export function signalEventsAfterCommit(tx: Knex | Knex.Transaction, events: readonly { type: string }[]): void {
  if (events.length)
    eventsCommitted.fireAfterCommit(
      tx,
      events.map((e) => e.type),
    );
}
