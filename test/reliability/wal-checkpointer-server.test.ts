/**
 * The real server's WAL checkpointer thread (src/jobs/wal-checkpointer.ts, MOTCUA_SQLITE_WAL_CHECKPOINT_MS), on both
 * SQLite drivers: it starts with the server, checkpoints while receipts are taken, stops with the server on SIGTERM
 * (exit code 0 within the drain, no error logged), and every acknowledged write is read back after the restart.
 */
import { BACKENDS, SQLITE_BETTER } from '../support/backends';
import { killAllServerProcesses, prepareDatabase, startServerProcess, type PreparedDatabase } from '../support/server-process';
import { AckLog, ApiClient, pool, submissionBody } from '../support/api-client';
import { auditFindings, missingAcks } from '../support/db-checks';
import { openDb } from '../../src/store/db';

const SQLITE = BACKENDS.find((b) => b.name === 'sqlite')!;
const RECEIPTS = 60;

afterAll(async () => {
  await killAllServerProcesses();
});

describe.each([
  { driver: 'sqlite3' as const, backend: SQLITE },
  { driver: 'better-sqlite3' as const, backend: SQLITE_BETTER },
])('the server on SQLite ($driver) with its WAL checkpointer', ({ driver, backend }) => {
  let prepared: PreparedDatabase;
  beforeAll(async () => {
    prepared = await prepareDatabase(backend);
  });
  afterAll(async () => {
    await prepared?.drop();
  });

  test('the checkpointer stops with the server, and every acknowledged write is read back after the restart', async () => {
    const servers: { name: string; output(): string }[] = [];
    try {
      await stopsAndReadsBack(servers);
    } catch (err) {
      // a failure seen once under load, not reproduced since: whatever it is, the servers' own words come with it
      const outputs = servers.map((s) => `--- ${s.name} ---\n${s.output().slice(-6000)}`).join('\n');
      if (err instanceof Error) err.message = `${err.message}\n\nserver output:\n${outputs}`;
      throw err;
    }
  }, 120_000);

  async function stopsAndReadsBack(servers: { name: string; output(): string }[]): Promise<void> {
    const env = {
      ...prepared.env,
      MOTCUA_SQLITE_DRIVER: driver,
      MOTCUA_SQLITE_WAL_CHECKPOINT_MS: '20',
      MOTCUA_SWEEP_INTERVAL_MS: '0',
      MOTCUA_CHECKPOINT_INTERVAL_MS: '0',
    };
    const server = await startServerProcess({ name: `wal-${driver}`, env });
    servers.push({ name: `wal-${driver}`, output: () => server.output() });
    const log = new AckLog();
    const client = new ApiClient(server.baseUrl);
    await pool(RECEIPTS, 4, async (i) => {
      const res = await client.call('POST', '/api/dossiers', { as: 'counter', body: submissionBody(i) });
      if (res.status !== 201) throw new Error(`submission ${i}: ${res.status} ${JSON.stringify(res.body)}`);
      log.record({ code: res.body.code, type: 'SUBMIT', fromVersion: 0, version: res.body.version, actor: 'counter', via: driver });
    });
    expect(server.logLines().some((l) => l.job === 'wal-checkpointer' && l.intervalMs === 20)).toBe(true);

    server.kill('SIGTERM');
    expect(await server.waitForExit(15_000)).toEqual({ code: 0, signal: null }); // no hang (the thread ends; terminated after 5 s at worst), no crash
    const lines = server.logLines();
    expect(lines.filter((l) => Number(l.level) >= 50)).toEqual([]);
    const stopped = lines.findIndex((l) => l.job === 'wal-checkpointer' && l.msg === 'WAL checkpointer stopped');
    expect(stopped).toBeGreaterThan(-1);
    expect(lines[stopped]).toMatchObject({ failures: 0, checkpoints: expect.any(Number) });
    expect(Number(lines[stopped]!.checkpoints)).toBeGreaterThan(0);
    expect(stopped).toBeLessThan(lines.findIndex((l) => l.msg === 'stopped')); // before the database closed

    const db = openDb({ url: prepared.url, sqliteDriver: driver });
    try {
      expect(await missingAcks(db, log.acks)).toEqual([]);
      expect((await auditFindings(db)).findings).toEqual([]);
    } finally {
      await db.destroy();
    }
    const again = await startServerProcess({ name: `wal-${driver} restarted`, env });
    servers.push({ name: `wal-${driver} restarted`, output: () => again.output() });
    const first = log.acks[0]!;
    const read = await new ApiClient(again.baseUrl).call('GET', `/api/dossiers/${first.code}`, { as: 'counter' });
    expect(read.status).toBe(200);
    expect(read.body.version).toBe(first.version);
    again.kill('SIGTERM');
    expect(await again.waitForExit(15_000)).toEqual({ code: 0, signal: null });
  }
});
