/**
 * Two real server processes on one PostgreSQL schema, both sweeping deadlines every 100 ms, driven
 * concurrently through both: codes stay unique and gap-free, a same-version race has exactly one
 * winner, an Idempotency-Key sent to both at once makes one dossier, racing sweepers send each flag
 * once, and afterwards every acknowledged event is in the database exactly once and the whole-database
 * audit passes. PostgreSQL only: without it this suite fails (in CI) like every PostgreSQL suite.
 */
import type { Knex } from 'knex';
import { BACKENDS } from '../support/backends';
import { hanoi } from '../support/engine';
import {
  killAllServerProcesses,
  prepareDatabase,
  sleep,
  startServerProcess,
  type PreparedDatabase,
  type ServerProcess,
} from '../support/server-process';
import { AckLog, ApiClient, pool, submissionBody, type Reply } from '../support/api-client';
import {
  auditFindings,
  codeSequenceProblems,
  countOf,
  duplicateCodes,
  missingAcks,
  seqProblems,
  unacknowledgedUserEvents,
} from '../support/db-checks';

const POSTGRES = BACKENDS.find((b) => b.name === 'postgres');
const SUBMISSIONS = 60;
const IDEMPOTENT = 6;

(POSTGRES ? describe : describe.skip)('two server processes on one PostgreSQL', () => {
  let prepared: PreparedDatabase;
  let db: Knex;
  let servers: ServerProcess[] = [];
  let clients: ApiClient[] = [];
  const log = new AckLog();
  let codes: string[] = [];

  const ackFrom = (res: Reply, type: string, fromVersion: number, actor: string, via: string) =>
    log.record({ code: res.body.code, type, fromVersion, version: res.body.version, actor, via });

  beforeAll(async () => {
    prepared = await prepareDatabase(POSTGRES!);
    db = prepared.open();
    const env = {
      ...prepared.env,
      MOTCUA_TEST_CLOCK: '1',
      MOTCUA_SWEEP_INTERVAL_MS: '100',
      DATABASE_POOL_MAX: '5',
      MOTCUA_CHECKPOINT_INTERVAL_MS: '0',
    };
    // Started at the same moment: both run the start-up migrations and seeding on the one schema.
    servers = await Promise.all(['A', 'B'].map((name) => startServerProcess({ name, env })));
    clients = servers.map((s) => new ApiClient(s.baseUrl));
    await Promise.all(clients.map((c) => c.setClock(hanoi('2026-03-03 09:00'))));
  }, 60_000);

  afterAll(async () => {
    await killAllServerProcesses();
    await prepared?.drop();
  });

  const failureContext = () => servers.map((s) => `--- ${s.name} ---\n${s.output().slice(-3000)}`).join('\n');

  test('submissions through both instances on the same day get unique, gap-free codes', async () => {
    const statuses: number[] = [];
    await pool(SUBMISSIONS, 12, async (i) => {
      const via = i % 2;
      const res = await clients[via]!.call('POST', '/api/dossiers', { as: 'counter', body: submissionBody(i) });
      statuses.push(res.status);
      if (res.status === 201) ackFrom(res, 'SUBMIT', 0, 'counter', servers[via]!.name);
    });
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    codes = log.submissions().map((a) => a.code);
    expect(new Set(codes).size).toBe(SUBMISSIONS);
    expect(codeSequenceProblems(codes)).toEqual([]);
  });

  test('the same Idempotency-Key sent to both instances at once makes one dossier', async () => {
    for (let k = 0; k < IDEMPOTENT; k++) {
      const key = `two-instances-${k}-${Date.now()}`;
      const body = submissionBody(1000 + k);
      const [a, b] = await Promise.all(
        clients.map((c) => c.call('POST', '/api/dossiers', { as: 'counter', body, headers: { 'Idempotency-Key': key } })),
      );
      expect([a!.status, b!.status].sort()).toEqual([200, 201]);
      expect(a!.body.code).toBe(b!.body.code);
      const created = a!.status === 201 ? 0 : 1;
      ackFrom(created === 0 ? a! : b!, 'SUBMIT', 0, 'counter', servers[created]!.name);
    }
    codes = log.submissions().map((a) => a.code);
    expect(await countOf(db('dossiers'))).toBe(SUBMISSIONS + IDEMPOTENT);
    expect(codeSequenceProblems(codes)).toEqual([]);
  });

  test('the same action sent with the same version to both instances: exactly one wins, the other gets 409', async () => {
    const outcomes: string[] = [];
    const race = async (code: string, version: number, body: Record<string, unknown>): Promise<number> => {
      const replies = await Promise.all(
        clients.map((c) =>
          c.call('POST', `/api/dossiers/${code}/events`, { as: 'counter', body, headers: { 'If-Match': `"${version}"` } }),
        ),
      );
      const winners = replies.flatMap((r, i) => (r.status === 200 ? [i] : []));
      const losers = replies.filter((r) => r.status !== 200);
      outcomes.push(`${winners.length} won, ${losers.map((r) => `${r.status} ${r.body?.error?.code}`).join(', ')}`);
      if (winners.length !== 1) return version;
      ackFrom(replies[winners[0]!]!, String(body.type), version, 'counter', servers[winners[0]!]!.name);
      return replies[winners[0]!]!.body.version as number;
    };
    await pool(codes.length, 8, async (i) => {
      const code = codes[i]!;
      let version = log.latestVersions().get(code)!;
      version = await race(code, version, { type: 'ASSIGN', assignee: 'counter' });
      if (i % 2 === 0) await race(code, version, { type: 'COMPLETE_STEP' }); // on to the office's step
    });
    const expected = '1 won, 409 VERSION_CONFLICT';
    expect(outcomes.filter((o) => o !== expected)).toEqual([]);
    expect(outcomes.length).toBe(codes.length + Math.ceil(codes.length / 2));
  });

  async function flagCounts(type: string): Promise<Map<string, number>> {
    const rows = (await db('dossier_events as e')
      .join('dossiers as d', 'd.id', 'e.dossier_id')
      .where('e.type', type)
      .groupBy('d.code')
      .select('d.code')
      .count({ n: '*' })) as unknown as { code: string; n: unknown }[];
    return new Map(rows.map((r) => [String(r.code), Number(r.n)]));
  }

  /** Waits until every dossier carries each of `types` (the sweepers have caught up), then a little longer. */
  async function settle(types: string[]): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const counts = await Promise.all(types.map(flagCounts));
      if (counts.every((c) => c.size === codes.length)) break;
      if (Date.now() > deadline)
        throw new Error(
          `sweepers did not catch up: ${types.map((t, i) => `${t} on ${counts[i]!.size}`).join(', ')} of ${codes.length}\n${failureContext()}`,
        );
      await sleep(100);
    }
    await sleep(600); // several more sweeps on both instances: nothing may be sent twice
  }

  async function expectOncePerDossier(type: string): Promise<void> {
    const counts = await flagCounts(type);
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(counts.size).toBe(codes.length);
  }

  test('both sweepers racing past the deadlines send DEADLINE_APPROACHING, STEP_OVERDUE and DEADLINE_PASSED once per dossier', async () => {
    // Thu 05/03 after the close: one office day left (due Fri 17:00), and every step's own budget spent.
    await Promise.all(clients.map((c) => c.setClock(hanoi('2026-03-05 17:30'))));
    await Promise.all(clients.map((c) => c.call('POST', '/api/admin/sweep', { as: 'admin' }))); // and on demand, at the same time
    await settle(['DEADLINE_APPROACHING', 'STEP_OVERDUE']);
    await expectOncePerDossier('DEADLINE_APPROACHING');
    await expectOncePerDossier('STEP_OVERDUE');

    await Promise.all(clients.map((c) => c.setClock(hanoi('2026-03-06 17:30'))));
    await settle(['DEADLINE_PASSED']);
    await expectOncePerDossier('DEADLINE_PASSED');
    await expectOncePerDossier('DEADLINE_APPROACHING');
    await expectOncePerDossier('STEP_OVERDUE');
    const sweeps = servers.map((s) => s.logLines().filter((l) => l.job === 'sweeper' && l.level === 'error').length);
    expect(sweeps).toEqual([0, 0]);
  });

  test('afterwards no acknowledged event is lost or duplicated, seq is gap-free and the whole-database audit passes', async () => {
    expect(await missingAcks(db, log.acks)).toEqual([]);
    expect(await unacknowledgedUserEvents(db, log.acks, codes)).toEqual([]);
    expect(await seqProblems(db)).toEqual([]);
    expect(await duplicateCodes(db)).toEqual([]);
    const audit = await auditFindings(db);
    expect(audit.findings).toEqual([]);
    expect(audit.dossiers).toBe(SUBMISSIONS + IDEMPOTENT);
    expect(servers.every((s) => !s.exited())).toBe(true);
  });
});
