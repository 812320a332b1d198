/**
 * Parallel whole-database verification: a pool of worker threads, each with its OWN database
 * connection. The calling thread only walks the dossier ids (an index-only keyset scan) and hands
 * out ranges "(after, upto]" of one page each; a worker reads that range's dossier rows and events
 * itself, verifies them (./verify-dossier.ts) and sends back only the counts and the findings. So
 * the rows never cross threads, and memory is bounded by the pages in flight (two per worker), not
 * by the size of the database.
 *
 * A range goes to the worker with the fewest outstanding ranges, so a worker slowed down by a busy
 * core simply takes fewer. The thread entry is ./verify-workers-thread (started by
 * ../ops/worker-thread.ts, which also runs it as TypeScript under jest).
 */
import type { Worker } from 'node:worker_threads';
import { startWorkerThread } from '../ops/worker-thread';
import type { SharedConnection } from '../store/db';
import type { Finding } from './verify-dossier';

/** How a worker opens its own connection to the same database (structured-clonable). */
/** One page of dossiers: ids in (after, upto], in id order. */
export interface RangeRequest {
  id: number;
  after: string | null;
  upto: string;
  pageSize: number;
}

export interface RangeResult {
  dossiers: number;
  events: number;
  dossiersWithFindings: number;
  /** in dossier id order, each dossier's findings in the order verifyDossier gives them */
  findings: Finding[];
}

export type WorkerReply = { id: number; result: RangeResult } | { id: number; error: string } | { ready: true } | { failed: string };

function startWorker(conn: SharedConnection): Worker {
  return startWorkerThread(__filename, 'verify-workers-thread', { motcuaVerifyWorker: true, conn });
}

interface Slot {
  worker: Worker;
  outstanding: number;
  exited: boolean;
}

export class VerifyWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, { slot: Slot; resolve(r: RangeResult): void; reject(e: Error): void }>();
  private nextId = 0;
  private failure: Error | null = null;

  private constructor() {}

  /** Starts `n` workers on the database of `conn`; resolves once each has its connection open. */
  static async start(n: number, conn: SharedConnection): Promise<VerifyWorkerPool> {
    const pool = new VerifyWorkerPool();
    const ready: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const slot: Slot = { worker: startWorker(conn), outstanding: 0, exited: false };
      pool.slots.push(slot);
      ready.push(
        new Promise<void>((resolve, reject) => {
          slot.worker.on('message', (m: WorkerReply) => {
            if ('ready' in m) resolve();
            else if ('failed' in m) {
              const err = new Error(`verification worker failed: ${m.failed}`);
              reject(err);
              pool.fail(err);
            } else pool.settle(m);
          });
          slot.worker.on('error', (err) => {
            reject(err);
            pool.fail(err);
          });
          slot.worker.on('exit', (code) => {
            slot.exited = true;
            const err = new Error(`verification worker exited (code ${code})`);
            reject(err);
            if (pool.pendingOn(slot)) pool.fail(err);
          });
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  private pendingOn(slot: Slot): boolean {
    for (const p of this.pending.values()) if (p.slot === slot) return true;
    return false;
  }

  private settle(m: { id: number; result: RangeResult } | { id: number; error: string }): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    p.slot.outstanding -= 1;
    if ('result' in m) p.resolve(m.result);
    else p.reject(new Error(m.error));
  }

  private fail(err: Error): void {
    if (!this.failure) this.failure = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  /** Verifies the dossiers with ids in (after, upto] on the least busy worker. */
  verify(after: string | null, upto: string, pageSize: number): Promise<RangeResult> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.slots.reduce((a, b) => (b.outstanding < a.outstanding ? b : a));
    const id = this.nextId++;
    slot.outstanding += 1;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { slot, resolve, reject });
      const req: RangeRequest = { id, after, upto, pageSize };
      slot.worker.postMessage(req);
    });
  }

  /** Asks each worker to close its connection and exit; terminates any that does not within 5 s. */
  async close(): Promise<void> {
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.exited) return resolve();
            const timer = setTimeout(() => void s.worker.terminate().then(() => resolve()), 5000);
            s.worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            try {
              s.worker.postMessage({ close: true });
            } catch {
              void s.worker.terminate();
            }
          }),
      ),
    );
  }
}
