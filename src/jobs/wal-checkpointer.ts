/**
 * The server's SQLite WAL checkpointer: checkpoints run on a worker thread with its own connection, off the
 * server's one thread and its one connection (MOTCUA_SQLITE_WAL_CHECKPOINT_MS; docs/deploy.md, "WAL checkpoints").
 *
 * By default SQLite checkpoints by itself: the commit that takes the WAL past 1000 pages copies them into the
 * database file and syncs it before it returns, inside that request, on the server's only thread (better-sqlite3
 * blocks it; with sqlite3 it holds the one connection). While this checkpointer runs, the server's connection
 * raises that threshold to WAL_BACKSTOP_PAGES, and the thread runs `PRAGMA wal_checkpoint(PASSIVE)` every
 * `intervalMs` on its own connection, opened with the server's driver: two copies of SQLite in one process would
 * not see each other's POSIX locks (https://www.sqlite.org/howtocorrupt.html, 2.2). PASSIVE takes no lock that
 * the writer or a reader waits for.
 *
 * Copying is not enough to bound the WAL: SQLite starts it again from its beginning only at a write that begins
 * while every frame is copied, and under steady load a commit lands during nearly every checkpoint. So when a
 * checkpoint finds `restartPages` frames or more, the next one runs at once while the server's connection is held
 * unused (withConnectionHeld: its statements wait, as behind a transaction): it copies only what was written
 * during the previous one, and the server's next write starts the WAL again. The server's thread does none of
 * that work; its requests wait for that one short checkpoint, once per `restartPages` pages.
 *
 * RESTART and TRUNCATE are never used: they take the writer's lock from another connection, and the server's
 * transactions begin deferred, so one upgrading from a read would fail with SQLITE_BUSY instead of waiting. A
 * reader in another process holding an old snapshot (a backup, an audit) pins the WAL as it does with SQLite's
 * own checkpoints. If the thread dies, SQLite's own checkpoint at WAL_BACKSTOP_PAGES still bounds the WAL.
 *
 * Durability is unchanged: commits sync (FULL) or not (NORMAL) as before; the thread's connection (synchronous
 * FULL) syncs the WAL before copying and the database file after, as SQLite's automatic checkpoint does.
 */
import type { Worker } from 'node:worker_threads';
import { startWorkerThread } from '../ops/worker-thread';
import { sharedConnectionOf, withConnectionHeld, type Db, type SharedConnection, type WalCheckpoint } from '../store/db';

/** `wal_autocheckpoint` of the server's connection while the checkpointer runs (~40 MB of WAL at 4 KiB pages). */
export const WAL_BACKSTOP_PAGES = 10_000;

/** WAL frames from which the next checkpoint holds the server's connection so that the WAL starts again (SQLite's own threshold). */
export const DEFAULT_RESTART_PAGES = 1000;

/** The longest the server's connection is held for one checkpoint; past it the server goes on and the answer is awaited. */
const HOLD_LIMIT_MS = 1000;

/** What the thread is started with (structured-clonable). */
export interface CheckpointerData {
  conn: SharedConnection;
}

export type CheckpointerRequest = { checkpoint: number } | { stop: true };

export type CheckpointerReply =
  { ready: true } | { failed: string } | { id: number; checkpoint: WalCheckpoint; ms: number } | { id: number; error: string };

export interface WalCheckpointerOptions {
  /** the pause between the end of one checkpoint and the start of the next */
  intervalMs: number;
  /** WAL frames from which the next checkpoint runs with the server's connection held (default DEFAULT_RESTART_PAGES) */
  restartPages?: number;
  /** the first failure of a run of failed checkpoints, or the thread ending unasked (the backstop then bounds the WAL) */
  onError(err: Error): void;
  /** checkpoints succeed again after `failures` failed ones */
  onRecovered?(failures: number): void;
  /** each checkpoint's answer, how long it took, and whether the server's connection was held meanwhile */
  onCheckpoint?(checkpoint: WalCheckpoint, ms: number, held: boolean): void;
}

export class WalCheckpointer {
  /** checkpoints done (held: with the server's connection held) and failed, and the most WAL frames one found */
  readonly stats = { checkpoints: 0, held: 0, failures: 0, largestLog: 0 };
  private readonly pending = new Map<number, (c: WalCheckpoint | null) => void>();
  private nextId = 0;
  private failing = 0;
  private stopping = false;
  private timer: NodeJS.Timeout | null = null;
  private cycle: Promise<void> | null = null;
  private readonly exited: Promise<void>;
  private ended = false;

  private constructor(
    private readonly db: Db,
    private readonly worker: Worker,
    private readonly opts: WalCheckpointerOptions,
  ) {
    this.exited = new Promise((resolve) =>
      worker.once('exit', () => {
        this.ended = true;
        resolve();
      }),
    );
  }

  /** whether the thread has ended (stopped, or died: see onError) */
  get threadEnded(): boolean {
    return this.ended;
  }

  /**
   * Starts the thread on the SQLite file of `db` (the server's handle, opened with `sqliteWalAutocheckpoint`);
   * resolves once the thread's connection is open, rejects if it cannot open.
   */
  static async start(db: Db, opts: WalCheckpointerOptions): Promise<WalCheckpointer> {
    const conn = sharedConnectionOf(db);
    if (!conn || conn.client === 'pg') throw new Error('the WAL checkpointer needs a SQLite database file');
    if (!Number.isInteger(opts.intervalMs) || opts.intervalMs <= 0)
      throw new Error(`intervalMs must be a positive integer, got ${opts.intervalMs}`);
    const data: CheckpointerData = { conn };
    const worker = startWorkerThread(__filename, 'wal-checkpointer-thread', { ...data, motcuaWalCheckpointer: true });
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the WAL checkpointer thread ended before it was ready (code ${code})`));
      worker.once('exit', onExit);
      worker.once('error', reject);
      worker.once('message', (m: CheckpointerReply) => {
        worker.off('exit', onExit);
        worker.off('error', reject);
        if ('ready' in m) resolve();
        else reject(new Error(`the WAL checkpointer could not open the database: ${'failed' in m ? m.failed : JSON.stringify(m)}`));
      });
    }).catch(async (err: unknown) => {
      await worker.terminate();
      throw err;
    });
    const checkpointer = new WalCheckpointer(db, worker, opts);
    checkpointer.listen();
    checkpointer.schedule();
    return checkpointer;
  }

  private listen(): void {
    this.worker.on('message', (m: CheckpointerReply) => {
      if (!('id' in m)) return;
      const settle = this.pending.get(m.id);
      this.pending.delete(m.id);
      if ('checkpoint' in m) {
        this.stats.checkpoints += 1;
        this.stats.largestLog = Math.max(this.stats.largestLog, m.checkpoint.log);
        if (this.failing > 0) this.opts.onRecovered?.(this.failing);
        this.failing = 0;
        settle?.(m.checkpoint);
      } else {
        this.stats.failures += 1;
        if (this.failing++ === 0) this.opts.onError(new Error(`WAL checkpoint failed: ${m.error}`));
        settle?.(null);
      }
    });
    this.worker.on('error', (err) => this.opts.onError(err));
    this.worker.on('exit', (code) => {
      for (const settle of this.pending.values()) settle(null);
      this.pending.clear();
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      if (!this.stopping)
        this.opts.onError(
          new Error(`the WAL checkpointer thread ended (code ${code}); SQLite's own checkpoint now runs past ${WAL_BACKSTOP_PAGES} pages`),
        );
      this.stopping = true;
    });
  }

  /** One checkpoint on the thread: its answer, or null when it failed (reported) or the thread is gone. */
  private checkpoint(held: boolean): Promise<WalCheckpoint | null> {
    const id = this.nextId++;
    const started = performance.now();
    return new Promise<WalCheckpoint | null>((resolve) => {
      if (this.ended) return resolve(null); // a thread that died while the connection was being taken never answers
      this.pending.set(id, resolve);
      this.worker.postMessage({ checkpoint: id } satisfies CheckpointerRequest);
    }).then((c) => {
      if (c) {
        if (held) this.stats.held += 1;
        this.opts.onCheckpoint?.(c, performance.now() - started, held);
      }
      return c;
    });
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.cycle = this.runCycle().finally(() => {
        this.cycle = null;
        if (!this.stopping) this.schedule();
      });
    }, this.opts.intervalMs);
  }

  /** A checkpoint; when the WAL has grown to restartPages, another at once with the server's connection held. */
  private async runCycle(): Promise<void> {
    const c = await this.checkpoint(false);
    if (!c || c.log < (this.opts.restartPages ?? DEFAULT_RESTART_PAGES) || this.stopping) return;
    let answer: Promise<WalCheckpoint | null> | null = null;
    await withConnectionHeld(this.db, () => {
      answer = this.checkpoint(true); // asked only once the connection is held: nothing is written meanwhile
      return Promise.race([answer, new Promise((resolve) => setTimeout(resolve, HOLD_LIMIT_MS).unref())]);
    });
    await answer;
  }

  /** Lets a checkpoint under way finish, closes the thread's connection and waits for the thread to end (terminated after 5 s). */
  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      if (this.cycle) await this.cycle;
      this.worker.postMessage({ stop: true } satisfies CheckpointerRequest);
    }
    const timer = setTimeout(() => void this.worker.terminate(), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}
