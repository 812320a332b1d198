/**
 * Group commit (issue 16): the works waiting for a database handle's writer share one transaction. SQLite has one
 * writer connection, so concurrent engine actions queue for it and each paid its own BEGIN and COMMIT (and, with
 * synchronous=FULL, its own WAL sync); a committer per handle now takes the works queued when the writer frees
 * (at most MAX_BATCH, no waiting for more), opens ONE transaction, runs each work in it one after another inside
 * its own SAVEPOINT, COMMITs once, and only then answers every caller:
 * - nothing is answered before the real COMMIT: a work's result is held until the batch's COMMIT has returned;
 * - a work that throws is rolled back to its own savepoint and its caller gets its error (a version conflict, a
 *   409, …); the works before and after it go on and commit;
 * - works run in the order they were queued, each seeing the writes of those before it, exactly as if serial:
 *   two actions on one dossier in one batch apply in order, and a stale one meets a version conflict;
 * - a COMMIT that fails (or a failure that ends the transaction itself, when a savepoint can no longer be rolled
 *   back to) answers every caller whose work had succeeded with that error, and nothing of the batch is written;
 * - what a work asks to run after commit (`signalAfterCommit`, the events counter: ./outbox-signal.ts
 *   `commitListeners`) runs after the batch's COMMIT, and only for the works that were kept.
 * A work that finds the writer free runs at once as a plain transaction (no savepoint, no queue), as without the
 * committer; the works arriving meanwhile form the next batch. The connection is given
 * back between batches, so the handle's other users (reads, other writers), queued for it meanwhile, get it in
 * turn. Only the engine's actions go through here (src/engine/engine.ts), and only on SQLite by default
 * (docs/engine.md, "Group commit", says why and what was measured).
 */
import type { Db, Tx } from './db';
import { runInTx } from './direct-sql';
import { inDirectTransaction, keepCommit } from './direct-transaction';
import { collectAfterCommit } from './outbox-signal';

/** The most works one transaction takes (bounds how long the writer is held, and the rollback lost to one failed COMMIT). */
export const MAX_BATCH = 32;

interface Waiting {
  work: (tx: Tx) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

interface Committer {
  queue: Waiting[];
  running: boolean;
}

/** Committers by database handle (a Knex instance). */
const committers = new WeakMap<Db, Committer>();

/** What the last batches on a handle looked like, for tests and the benchmark. */
export interface BatchStats {
  batches: number;
  works: number;
  largest: number;
}
const statsOf = new WeakMap<Db, BatchStats>();

/** How many works wait for the next batch on `db`. */
export function waitingWorks(db: Db): number {
  return committers.get(db)?.queue.length ?? 0;
}

export function batchStats(db: Db): BatchStats {
  return { ...(statsOf.get(db) ?? { batches: 0, works: 0, largest: 0 }) };
}

/**
 * Runs `work` in a transaction of `db` shared with the other works queued at the same time (see above). Resolves
 * with the work's result once the shared transaction has committed; rejects with the work's own error (its writes
 * rolled back, the others' kept) or with the COMMIT's.
 */
export function inGroupTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  let committer = committers.get(db);
  if (!committer) committers.set(db, (committer = { queue: [], running: false }));
  const c = committer;
  // the writer is free: this work is a batch of one, a plain transaction; what arrives meanwhile waits for the next batch
  if (!c.running) return runAlone(db, c, work);
  return new Promise<T>((resolve, reject) => {
    c.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
  });
}

async function runAlone<T>(db: Db, c: Committer, work: (tx: Tx) => Promise<T>): Promise<T> {
  c.running = true;
  try {
    return await inDirectTransaction(db, work);
  } finally {
    count(db, 1);
    c.running = false;
    if (c.queue.length) void drain(db, c);
  }
}

function count(db: Db, works: number): void {
  const s = statsOf.get(db) ?? { batches: 0, works: 0, largest: 0 };
  s.batches += 1;
  s.works += works;
  s.largest = Math.max(s.largest, works);
  statsOf.set(db, s);
}

async function drain(db: Db, c: Committer): Promise<void> {
  c.running = true;
  try {
    while (c.queue.length) await runBatch(db, c);
  } finally {
    c.running = false;
  }
}

type Outcome = { ok: true; value: unknown; afterCommit: (() => void)[] } | { ok: false; err: unknown };

async function runBatch(db: Db, c: Committer): Promise<void> {
  let batch: Waiting[] = [];
  let started = false;
  const outcomes: Outcome[] = [];
  try {
    await inDirectTransaction(db, async (tx) => {
      // what is queued now that the writer is ours; later arrivals wait for the next batch
      started = true;
      batch = c.queue.splice(0, MAX_BATCH);
      if (batch.length === 1) {
        // alone: a plain transaction, its after-commit signals on the transaction's own commit
        outcomes.push({ ok: true, value: await batch[0]!.work(tx), afterCommit: [] });
        return;
      }
      // the batch's COMMIT is its own, after every work: no work's last statement carries it (runInTx's `commit`)
      keepCommit(tx);
      for (const w of batch) {
        await runInTx(tx, 'SAVEPOINT motcua_group', [], false);
        const signals = collectAfterCommit(tx);
        try {
          const value = await w.work(tx);
          await runInTx(tx, 'RELEASE SAVEPOINT motcua_group', [], false);
          outcomes.push({ ok: true, value, afterCommit: signals.end() });
        } catch (err) {
          signals.end();
          outcomes.push({ ok: false, err });
          // only this work's writes go; if the transaction itself is gone, this throws and the batch fails
          await runInTx(tx, 'ROLLBACK TO SAVEPOINT motcua_group', [], false);
          await runInTx(tx, 'RELEASE SAVEPOINT motcua_group', [], false);
        }
      }
    });
  } catch (err) {
    // no transaction at all (the connection could not be had): the works it was opened for get that error
    if (!started) batch = c.queue.splice(0, MAX_BATCH);
    // the COMMIT failed, or the transaction ended under a work: nothing of the batch is written
    for (const [i, w] of batch.entries()) {
      const outcome = outcomes[i];
      w.reject(outcome && !outcome.ok ? outcome.err : err);
    }
    return;
  } finally {
    count(db, batch.length);
  }
  for (const outcome of outcomes) if (outcome.ok) for (const fire of outcome.afterCommit) fire();
  for (const [i, w] of batch.entries()) {
    const outcome = outcomes[i]!;
    if (outcome.ok) w.resolve(outcome.value);
    else w.reject(outcome.err);
  }
}
