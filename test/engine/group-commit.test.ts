/**
 * Group commit (src/store/group-commit.ts, docs/engine.md "Group commit"): actions queued for the writer share one
 * transaction, each in its own savepoint, and are answered after its COMMIT. These tests hold the writer with a
 * first work so that the actions queued meanwhile form one batch, then check the rules on every database (on
 * PostgreSQL the server never batches, but the committer must keep the same rules there too).
 */
import { BACKENDS, SQLITE_BETTER } from '../support/backends';
import { ACTORS, startEngine, submission, type StartedEngine } from '../support/engine';
import { isMotcuaError } from '../../machines/engine/errors';
import { batchStats, inGroupTransaction, MAX_BATCH, waitingWorks } from '../../src/store/group-commit';
import { findDossierByCode } from '../../src/store/dossier-store';
import { onEventsCommitted } from '../../src/store/event-signal';
import { projectionDifferences } from '../../src/audit/replay';
import type { Db } from '../../src/store/db';
import { dbOptionsFromConfig } from '../../src/app/engine-factory';
import { loadConfig } from '../../src/config';

const HOUSEHOLD_BUSINESS = '1.001612';

interface QueryClient {
  _query(conn: unknown, obj: { sql: string }): Promise<unknown>;
}

/**
 * Counts the COMMITs the database has answered, and can make the next COMMIT fail as a disk error does: the
 * database rolls the transaction back and the COMMIT answers an error.
 */
function commitProbe(db: Db) {
  const proto = Object.getPrototypeOf(db.client) as QueryClient;
  const original = proto._query;
  const probe = { commits: 0, failNext: false, skip: 0, restore: () => void (proto._query = original) };
  proto._query = async function (this: QueryClient, conn, obj) {
    if (/^COMMIT/i.test(obj.sql)) {
      if (probe.failNext && probe.skip > 0) probe.skip -= 1;
      else if (probe.failNext) {
        probe.failNext = false;
        await original.call(this, conn, { ...obj, sql: 'ROLLBACK' });
        throw new Error('disk I/O error (simulated at COMMIT)');
      }
      const answer = await original.call(this, conn, obj);
      probe.commits += 1;
      return answer;
    }
    return original.call(this, conn, obj);
  };
  return probe;
}

describe.each([...BACKENDS, SQLITE_BETTER])('group commit on $label', (backend) => {
  let t: StartedEngine;
  let probe: ReturnType<typeof commitProbe>;
  const committedEvents: string[] = [];
  beforeAll(async () => {
    t = await startEngine(backend, '2026-03-03 09:00', { groupCommit: true });
    probe = commitProbe(t.db);
    onEventsCommitted(t.db, (types) => committedEvents.push(...types));
    await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter); // reference data read and kept
  });
  afterAll(async () => {
    probe.restore();
    await t.drop();
  });

  /**
   * Holds the writer with a work of its own, in a batch of its own: what is queued meanwhile forms the next batch.
   * `release(n)` lets it go once `n` works wait.
   */
  async function holdWriter() {
    let open!: () => void;
    let started!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const running = new Promise<void>((resolve) => (started = resolve));
    // a statement, so that the holder's transaction has a COMMIT of its own (on PostgreSQL one that runs none sends none)
    const done = inGroupTransaction(t.db, async (tx) => {
      await tx.raw('SELECT 1');
      started();
      await gate;
    });
    await running;
    const release = async (n: number) => {
      while (waitingWorks(t.db) < n) await new Promise((resolve) => setTimeout(resolve, 5));
      open();
      await done;
    };
    return { release };
  }

  async function count(table: string): Promise<number> {
    const row = (await t.db(table).count({ n: '*' }).first()) as { n: number | string };
    return Number(row.n);
  }

  test('a caller is not answered before its transition is committed', async () => {
    const ds = [];
    for (let i = 0; i < 4; i++) ds.push(await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter));
    const before = batchStats(t.db);
    const hold = await holdWriter();
    const answers = ds.map((d) => {
      let commitsWhenWritten = -1;
      return t.engine
        .actCommitted(d.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader, {
          authorize: () => void (commitsWhenWritten = probe.commits),
        })
        .then((c) => ({ committedSince: probe.commits - commitsWhenWritten, version: c.row.version }));
    });
    await hold.release(ds.length);
    const answered = await Promise.all(answers);
    // every answer came after a COMMIT that followed its own work, and the four were one transaction
    expect(answered.every((a) => a.committedSince >= 1)).toBe(true);
    const after = batchStats(t.db);
    expect(after.batches - before.batches).toBe(2);
    expect(after.largest).toBeGreaterThanOrEqual(4);
    for (const d of ds) expect((await findDossierByCode(t.db, d.code))!.version).toBe(d.version + 1);
  });

  test('a failing transition in a batch does not undo its neighbours, and only the kept ones are counted', async () => {
    const dossiersBefore = await count('dossiers');
    committedEvents.length = 0;
    const hold = await holdWriter();
    const first = t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    const failing = t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter, {
      // after the dossier, its events, its code and its rollups are written
      alsoInTransaction: async () => {
        throw new Error('refused after writing');
      },
    });
    const third = t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await hold.release(3);
    const [a, b, c] = await Promise.allSettled([first, failing, third]);
    expect(a.status).toBe('fulfilled');
    expect(c.status).toBe('fulfilled');
    expect(b.status === 'rejected' && (b.reason as Error).message).toBe('refused after writing');
    const [x, z] = [(a as PromiseFulfilledResult<{ code: string }>).value, (c as PromiseFulfilledResult<{ code: string }>).value];
    expect(await count('dossiers')).toBe(dossiersBefore + 2);
    // the failed submission gave its number back: the codes are consecutive
    expect(Number(z.code.split('-').at(-1))).toBe(Number(x.code.split('-').at(-1)) + 1);
    for (const code of [x.code, z.code]) {
      const row = (await findDossierByCode(t.db, code))!;
      expect(projectionDifferences(row, await t.engine.history(code))).toEqual([]);
    }
    // the events counter heard of the two kept submissions only
    const kept = (await t.engine.history(x.code)).length + (await t.engine.history(z.code)).length;
    expect(committedEvents).toHaveLength(kept);
  });

  test('two transitions on one dossier in one batch apply in order, the stale one gets a version conflict', async () => {
    const d = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    const before = batchStats(t.db);
    const hold = await holdWriter();
    const assign = (assignee: string, expectedVersion?: number) =>
      t.engine.act(d.code, { type: 'ASSIGN', assignee }, ACTORS.leader, expectedVersion === undefined ? {} : { expectedVersion });
    const calls = [assign('first', d.version)];
    // queued in this order
    while (waitingWorks(t.db) < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    calls.push(assign('stale', d.version));
    while (waitingWorks(t.db) < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    calls.push(assign('unversioned'));
    await hold.release(3);
    const results = await Promise.allSettled(calls);
    expect(batchStats(t.db).batches - before.batches).toBe(2);
    const [first, stale, unversioned] = results as [
      PromiseSettledResult<{ version: number }>,
      PromiseSettledResult<{ version: number }>,
      PromiseSettledResult<{ version: number }>,
    ];
    expect(first.status === 'fulfilled' && first.value.version).toBe(d.version + 1);
    expect(stale.status === 'rejected' && isMotcuaError(stale.reason, 'VERSION_CONFLICT')).toBe(true);
    expect(unversioned.status === 'fulfilled' && unversioned.value.version).toBe(d.version + 2);
    const history = await t.engine.history(d.code);
    expect(history.map((e) => e.seq)).toEqual(history.map((_, i) => i + 1));
    expect(history.slice(-2).map((e) => (e.payload as { assignee?: string }).assignee)).toEqual(['first', 'unversioned']);
    const row = (await findDossierByCode(t.db, d.code))!;
    expect(row.version).toBe(d.version + 2);
    expect(projectionDifferences(row, history)).toEqual([]);
  });

  test('a COMMIT that fails answers every caller of the batch with the error and writes nothing', async () => {
    const d = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    const dossiersBefore = await count('dossiers');
    const eventsBefore = await count('dossier_events');
    committedEvents.length = 0;
    const hold = await holdWriter();
    probe.failNext = true; // the holder's own COMMIT is not in the engine's batch: fail the one after it
    probe.skip = 1;
    const calls = [
      t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter),
      t.engine.act(d.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader, { expectedVersion: d.version }),
      t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter),
    ];
    await hold.release(3);
    const results = await Promise.allSettled(calls);
    expect(results.map((r) => r.status === 'rejected' && (r.reason as Error).message)).toEqual(
      Array(3).fill('COMMIT; - disk I/O error (simulated at COMMIT)'),
    );
    expect(await count('dossiers')).toBe(dossiersBefore);
    expect(await count('dossier_events')).toBe(eventsBefore);
    expect((await findDossierByCode(t.db, d.code))!.version).toBe(d.version);
    expect(committedEvents).toEqual([]);
    // and the writer goes on
    await expect(t.engine.act(d.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader)).resolves.toMatchObject({
      version: d.version + 1,
    });
  });

  test(`a batch takes at most ${MAX_BATCH} actions, and reads and other writers are served between batches`, async () => {
    const ds = await Promise.all(Array.from({ length: 3 }, () => t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter)));
    const hold = await holdWriter();
    const acts = Array.from({ length: MAX_BATCH + 8 }, (_, i) =>
      t.engine.act(ds[i % ds.length]!.code, { type: 'ASSIGN', assignee: `officer${i}` }, ACTORS.leader),
    );
    // a read and a write of another kind, queued for the connection behind the held batch
    const read = t.engine.get(ds[0]!.code);
    const other = t.db.transaction(async (tx) =>
      tx('rate_limits').insert({ bucket: `group-commit-${backend.label}`, window_start: t.clock.now().toISOString(), count: 1 }),
    );
    await hold.release(acts.length);
    const settled = await Promise.allSettled([...acts, read, other]);
    expect(settled.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(batchStats(t.db).largest).toBeLessThanOrEqual(MAX_BATCH);
  });
});

describe('MOTCUA_GROUP_COMMIT', () => {
  test('the server batches by default (SQLite only: the engine factory leaves PostgreSQL unbatched) and 0 turns it off', () => {
    expect(dbOptionsFromConfig(loadConfig({})).groupCommit).toBeUndefined();
    expect(dbOptionsFromConfig(loadConfig({ MOTCUA_GROUP_COMMIT: '1' })).groupCommit).toBeUndefined();
    expect(dbOptionsFromConfig(loadConfig({ MOTCUA_GROUP_COMMIT: '0' })).groupCommit).toBe(false);
  });
});

describe.each(BACKENDS)('the default on $label', (backend) => {
  test(backend.name === 'sqlite' ? 'concurrent actions are batched' : 'actions are never batched', async () => {
    const t = await startEngine(backend, '2026-03-03 09:00');
    try {
      await Promise.all(Array.from({ length: 6 }, () => t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter)));
      const stats = batchStats(t.db);
      if (backend.name === 'sqlite') expect(stats.works).toBe(6);
      else expect(stats.batches).toBe(0);
    } finally {
      await t.drop();
    }
  });
});
