/**
 * The server's WAL checkpointer (src/jobs/wal-checkpointer.ts): with SQLite's automatic checkpoints off on the
 * writer's connection, a worker thread with its own connection keeps the WAL bounded while the engine writes from
 * several callers at once; without it the same writes pile up in the WAL. It stops cleanly, fails to start loudly,
 * and everything committed is read back from a new connection after the writer closed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BACKENDS, SQLITE_BETTER } from '../support/backends';
import { ACTORS, startEngine, submission, type StartedEngine } from '../support/engine';
import { WalCheckpointer, type WalCheckpointerOptions } from '../../src/jobs/wal-checkpointer';
import { openDb, type WalCheckpoint } from '../../src/store/db';

const SQLITES = [BACKENDS.find((b) => b.name === 'sqlite')!, SQLITE_BETTER];
const PAGE = 4096;
/** WAL pages in the file: its size (the most it ever held, as SQLite reuses the file from its start) over a frame's. */
const walPages = (t: StartedEngine) => {
  const file = `${t.dbUrl}-wal`;
  return fs.existsSync(file) ? Math.ceil((fs.statSync(file).size - 32) / (PAGE + 24)) : 0;
};
const RESTART_PAGES = 300;
/** The rule: the WAL never grows much past restartPages (what is written during one or two checkpoints on top). */
const BOUND = 3000;
const CALLERS = 8;
const EACH = 60; // a receipt and an assignment each: 960 writes, ~7000 WAL pages or more when nothing checkpoints

/** CALLERS callers, each submitting EACH dossiers and assigning them; the event loop turns between writes, as between requests. */
async function writeLoad(t: StartedEngine): Promise<Map<string, number>> {
  const written = new Map<string, number>();
  const caller = async () => {
    for (let i = 0; i < EACH; i++) {
      const d = await t.engine.submit(submission('1.001612'), ACTORS.counter);
      const a = await t.engine.act(d.code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter, { expectedVersion: d.version });
      written.set(d.code, a.version);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await Promise.all(Array.from({ length: CALLERS }, caller));
  return written;
}

function options(extra: Partial<WalCheckpointerOptions> = {}): WalCheckpointerOptions & { errors: Error[]; answers: WalCheckpoint[] } {
  const errors: Error[] = [];
  const answers: WalCheckpoint[] = [];
  return {
    intervalMs: 10,
    restartPages: RESTART_PAGES,
    onError: (e) => errors.push(e),
    onCheckpoint: (c) => answers.push(c),
    errors,
    answers,
    ...extra,
  };
}

describe.each(SQLITES)('the WAL checkpointer on $label', (backend) => {
  test('the WAL stays bounded while the server writes with automatic checkpoints off (and would not without the checkpointer)', async () => {
    const withIt = await startEngine(backend, '2026-03-03 09:00', { sqliteWalAutocheckpoint: 0 });
    const withoutIt = await startEngine(backend, '2026-03-03 09:00', { sqliteWalAutocheckpoint: 0 });
    try {
      const opts = options();
      const checkpointer = await WalCheckpointer.start(withIt.db, opts);
      await writeLoad(withIt);
      await checkpointer.stop();
      await writeLoad(withoutIt);
      expect(opts.errors).toEqual([]);
      expect(walPages(withIt)).toBeLessThanOrEqual(BOUND);
      expect(walPages(withoutIt)).toBeGreaterThan(BOUND);
      expect(checkpointer.stats.held).toBeGreaterThan(0); // the WAL reached restartPages and was started again
    } finally {
      await withIt.drop();
      await withoutIt.drop();
    }
  }, 120_000);

  test('everything committed while it ran is read back from a new connection after the writer closed', async () => {
    const t = await startEngine(backend, '2026-03-03 09:00', { sqliteWalAutocheckpoint: 0 });
    const opts = options();
    const checkpointer = await WalCheckpointer.start(t.db, opts);
    const written = await writeLoad(t);
    await checkpointer.stop();
    await t.close();
    const db = openDb({ url: t.dbUrl, sqliteDriver: backend === SQLITE_BETTER ? 'better-sqlite3' : 'sqlite3' });
    try {
      const rows = (await db('dossiers')
        .whereIn('code', [...written.keys()])
        .select('code', 'version')) as { code: string; version: number }[];
      expect(new Map(rows.map((r) => [r.code, Number(r.version)]))).toEqual(written);
      expect(written.size).toBe(CALLERS * EACH);
      expect(await db.raw('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    } finally {
      await db.destroy();
      await t.drop().catch(() => undefined); // closed above already
    }
    expect(opts.errors).toEqual([]);
  }, 120_000);

  test('stop() waits for the checkpoint under way and ends the thread; a second stop() is harmless', async () => {
    const t = await startEngine(backend);
    try {
      const opts = options({ intervalMs: 1 });
      const checkpointer = await WalCheckpointer.start(t.db, opts);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const before = checkpointer.stats.checkpoints;
      await checkpointer.stop();
      expect(before).toBeGreaterThan(0);
      expect(checkpointer.threadEnded).toBe(true);
      const after = checkpointer.stats.checkpoints;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(checkpointer.stats.checkpoints).toBe(after); // nothing runs once stopped
      await checkpointer.stop();
      expect(opts.errors).toEqual([]);
    } finally {
      await t.drop();
    }
  });

  test('a checkpointer that cannot open the database refuses to start (the server logs it and goes on)', async () => {
    const t = await startEngine(backend);
    try {
      fs.rmSync(path.dirname(t.dbUrl), { recursive: true, force: true }); // the server's connection still has it open
      await expect(WalCheckpointer.start(t.db, options())).rejects.toThrow(/could not open the database/);
      await t.engine.submit(submission('1.001612'), ACTORS.counter); // the server's connection goes on
    } finally {
      await t.drop();
    }
  });
});
