/**
 * Durable commits on SQLite (issue 18): what every connection actually runs with, read back with
 * `PRAGMA synchronous` on both drivers, on the engine's connection, on the backup's connection and in the
 * real server process (its start-up log line reads it back from its own connection); a non-durable
 * choice is possible only knowingly (MOTCUA_SQLITE_SYNCHRONOUS) and warned about; and the files the
 * project creates (the database file, its directories, a backup) are fsynced with their directories.
 * On PostgreSQL the server reads back fsync and synchronous_commit the same way and warns when either is off.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import { ConfigError, loadConfig } from '../../src/config';
import { createEngineContext, dbOptionsFromConfig } from '../../src/app/engine-factory';
import { openDb, sqliteSynchronousOf, type SqliteDriver, type SqliteSynchronous } from '../../src/store/db';
import { createFileDurable, mkdirDurable } from '../../src/store/durable-files';
import { backupSqlite } from '../../src/ops/backup';
import { openBackupConnection } from '../../src/store/sqlite-backup';
import { killAllServerProcesses, startServerProcess } from '../support/server-process';
import { BACKENDS, POSTGRES_URL } from '../support/backends';

const POSTGRES = BACKENDS.some((b) => b.name === 'postgres');

const DRIVERS: SqliteDriver[] = ['sqlite3', 'better-sqlite3'];

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-durability-'));
});
afterAll(async () => {
  await killAllServerProcesses();
  fs.rmSync(dir, { recursive: true, force: true });
});

let n = 0;
const freshFile = () => path.join(dir, `db-${++n}`, 'motcua.sqlite');

async function journalMode(db: Knex): Promise<string> {
  const rows = (await db.raw('PRAGMA journal_mode')) as { journal_mode: string }[];
  return rows[0]!.journal_mode;
}

/** Runs `fn` (awaited) while recording which paths were fsynced (fs.openSync then fs.fsyncSync on that descriptor). */
async function recordFsyncs<T>(fn: () => T | Promise<T>): Promise<{ result: T; synced: string[] }> {
  const opened = new Map<number, string>();
  const synced: string[] = [];
  const realOpen = fs.openSync;
  const open = jest.spyOn(fs, 'openSync').mockImplementation((...args: Parameters<typeof fs.openSync>) => {
    const fd = realOpen(...args);
    opened.set(fd, path.resolve(String(args[0])));
    return fd;
  });
  const realFsync = fs.fsyncSync;
  const fsync = jest.spyOn(fs, 'fsyncSync').mockImplementation((fd: number) => {
    synced.push(opened.get(fd) ?? `fd ${fd}`);
    realFsync(fd);
  });
  try {
    return { result: await fn(), synced };
  } finally {
    open.mockRestore();
    fsync.mockRestore();
  }
}

describe('MOTCUA_SQLITE_SYNCHRONOUS', () => {
  test('defaults to FULL; NORMAL and EXTRA are accepted; anything else stops the server naming the variable', () => {
    expect(loadConfig({}).MOTCUA_SQLITE_SYNCHRONOUS).toBe('FULL');
    expect(loadConfig({ MOTCUA_SQLITE_SYNCHRONOUS: 'NORMAL' }).MOTCUA_SQLITE_SYNCHRONOUS).toBe('NORMAL');
    expect(loadConfig({ MOTCUA_SQLITE_SYNCHRONOUS: 'EXTRA' }).MOTCUA_SQLITE_SYNCHRONOUS).toBe('EXTRA');
    for (const wrong of ['OFF', '0', 'full', 'fast']) {
      expect(() => loadConfig({ MOTCUA_SQLITE_SYNCHRONOUS: wrong })).toThrow(ConfigError);
      expect(() => loadConfig({ MOTCUA_SQLITE_SYNCHRONOUS: wrong })).toThrow(/MOTCUA_SQLITE_SYNCHRONOUS/);
    }
    expect(dbOptionsFromConfig(loadConfig({ MOTCUA_SQLITE_SYNCHRONOUS: 'NORMAL' })).sqliteSynchronous).toBe('NORMAL');
  });
});

describe.each(DRIVERS)('every connection of the %s driver', (driver) => {
  test('runs with synchronous=FULL in WAL mode by default, also a connection opened after the first one closed', async () => {
    const db = openDb({ url: freshFile(), sqliteDriver: driver });
    try {
      expect(await journalMode(db)).toBe('wal');
      expect(await sqliteSynchronousOf(db)).toBe('FULL');
      // the pool's single connection replaced by a new one: the pragma is set per connection, not once
      await db.destroy();
      db.initialize();
      expect(await sqliteSynchronousOf(db)).toBe('FULL');
    } finally {
      await db.destroy();
    }
  });

  test.each<SqliteSynchronous>(['NORMAL', 'EXTRA'])('runs with the synchronous level the operator chose (%s)', async (level) => {
    const db = openDb({ url: freshFile(), sqliteDriver: driver, sqliteSynchronous: level });
    try {
      expect(await sqliteSynchronousOf(db)).toBe(level);
    } finally {
      await db.destroy();
    }
  });

  test("the engine's connection, configured from the environment's defaults, runs with FULL", async () => {
    const config = loadConfig({ DATABASE_URL: freshFile(), MOTCUA_SQLITE_DRIVER: driver });
    const ctx = await createEngineContext(dbOptionsFromConfig(config));
    try {
      expect(await sqliteSynchronousOf(ctx.db)).toBe('FULL');
    } finally {
      await ctx.close();
    }
  });
});

describe("the backup's connection", () => {
  test('runs with synchronous=FULL on a WAL database (VACUUM INTO writes the copy with the source connection’s level)', async () => {
    const file = freshFile();
    const ctx = await createEngineContext({ url: file, sqliteSynchronous: 'NORMAL' });
    await ctx.close();
    const source = openBackupConnection(file);
    try {
      expect(await journalMode(source)).toBe('wal');
      expect(await sqliteSynchronousOf(source)).toBe('FULL');
    } finally {
      await source.destroy();
    }
  });

  test('a backup is fsynced, and so are its new directories and the directory that holds its name', async () => {
    const file = freshFile();
    const ctx = await createEngineContext({ url: file });
    await ctx.close();
    const out = path.join(dir, 'backups', 'nested', 'copy.sqlite');
    const { result, synced } = await recordFsyncs(() => backupSqlite(file, out));
    expect(result.out).toBe(out);
    expect(synced.some((p) => p.startsWith(`${out}.partial-`))).toBe(true); // the copy's data, before it gets its name
    expect(synced).toEqual(expect.arrayContaining([dir, path.join(dir, 'backups'), path.join(dir, 'backups', 'nested')]));
    expect(synced.lastIndexOf(path.dirname(out))).toBeGreaterThan(synced.findIndex((p) => p.startsWith(`${out}.partial-`))); // the name after the data
  });
});

describe('the files the project creates', () => {
  test('a new database file is created, fsynced and recorded in its directory, whose new parents are recorded too', async () => {
    const file = path.join(dir, 'new', 'data', 'motcua.sqlite');
    const { result, synced } = await recordFsyncs(() => createFileDurable(file));
    expect(result).toBe(true);
    expect(fs.statSync(file).size).toBe(0);
    // each new directory's parent, then the file, then the directory holding the file's name
    expect(synced).toEqual([path.join(dir, 'new'), dir, file, path.join(dir, 'new', 'data')]);
    expect(await recordFsyncs(() => createFileDurable(file))).toEqual({ result: false, synced: [] }); // an existing file is left alone
    expect((await recordFsyncs(() => mkdirDurable(path.join(dir, 'new')))).synced).toEqual([]);
  });

  test('openDb creates the SQLite file durably before SQLite opens it', async () => {
    const file = path.join(dir, 'opened', 'motcua.sqlite');
    const { result: db, synced } = await recordFsyncs(() => openDb({ url: file }));
    expect(synced).toEqual(expect.arrayContaining([file, path.dirname(file)]));
    await db.destroy();
  });
});

describe('the real server', () => {
  const start = (name: string, env: Record<string, string>) =>
    startServerProcess({
      name,
      env: { DATABASE_URL: freshFile(), MOTCUA_SWEEP_INTERVAL_MS: '0', MOTCUA_CHECKPOINT_INTERVAL_MS: '0', ...env },
    });
  const durabilityLine = (lines: Record<string, unknown>[]) => lines.find((l) => typeof l.synchronous === 'string');

  test.each(DRIVERS)(
    'reads back synchronous=FULL from its own %s connection and says every acknowledged write is on stable storage',
    async (driver) => {
      const server = await start(`durable ${driver}`, { MOTCUA_SQLITE_DRIVER: driver });
      expect(durabilityLine(server.logLines())).toMatchObject({
        level: 'info',
        synchronous: 'FULL',
        msg: expect.stringContaining('on stable storage'),
      });
      server.kill('SIGTERM');
      await server.waitForExit();
    },
  );

  test('warns at start when an operator chose NORMAL', async () => {
    const server = await start('not durable', { MOTCUA_SQLITE_SYNCHRONOUS: 'NORMAL' });
    expect(durabilityLine(server.logLines())).toMatchObject({
      level: 'warn',
      synchronous: 'NORMAL',
      msg: expect.stringMatching(/NOT durable.*power cut.*docs\/deploy\.md/),
    });
    server.kill('SIGTERM');
    await server.waitForExit();
  });
  (POSTGRES ? test : test.skip)(
    'on PostgreSQL reads back fsync and synchronous_commit, and warns when a connection runs with synchronous_commit=off',
    async () => {
      const schema = `dur_${randomBytes(5).toString('hex')}`;
      const admin = knexFactory({ client: 'pg', connection: POSTGRES_URL, pool: { min: 0, max: 1 } });
      const pgLine = (lines: Record<string, unknown>[]) => lines.find((l) => typeof l.synchronous_commit === 'string');
      try {
        const env = { DATABASE_SCHEMA: schema, MOTCUA_SWEEP_INTERVAL_MS: '0', MOTCUA_CHECKPOINT_INTERVAL_MS: '0' };
        const durable = await startServerProcess({ name: 'postgres durable', env: { ...env, DATABASE_URL: POSTGRES_URL } });
        expect(pgLine(durable.logLines())).toMatchObject({ level: 'info', fsync: 'on', synchronous_commit: 'on' });
        durable.kill('SIGTERM');
        await durable.waitForExit();
        const url = `${POSTGRES_URL}${POSTGRES_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent('-c synchronous_commit=off')}`;
        const lax = await startServerProcess({ name: 'postgres synchronous_commit=off', env: { ...env, DATABASE_URL: url } });
        expect(pgLine(lax.logLines())).toMatchObject({
          level: 'warn',
          synchronous_commit: 'off',
          msg: expect.stringContaining('NOT durable'),
        });
        lax.kill('SIGTERM');
        await lax.waitForExit();
      } finally {
        await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
        await admin.destroy();
      }
    },
  );
});
