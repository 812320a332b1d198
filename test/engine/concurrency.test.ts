import { BACKENDS, SQLITE_BETTER } from '../support/backends';
import { ACTORS, startEngine, submission, type StartedEngine } from '../support/engine';
import { isMotcuaError } from '../../machines/engine/errors';
import { projectionDifferences } from '../../src/audit/replay';
import { findDossierByCode } from '../../src/store/dossier-store';
import { verifyDossier } from '../../src/audit/verify-dossier';
import { idempotencyKeyStatement } from '../../src/store/idempotency-store';
import type { Committed } from '../../src/engine/engine';

const HOUSEHOLD_BUSINESS = '1.001612';

// Also on the better-sqlite3 driver a centre may choose (MOTCUA_SQLITE_DRIVER): same guarantees.
describe.each([...BACKENDS, SQLITE_BETTER])('concurrent actions on $label', (backend) => {
  let t: StartedEngine;
  beforeAll(async () => {
    t = await startEngine(backend, '2026-03-03 09:00');
  });
  afterAll(async () => t.drop());

  async function expectProjectionEqualsReplay(code: string) {
    const row = (await findDossierByCode(t.db, code))!;
    expect(projectionDifferences(row, await t.engine.history(code))).toEqual([]);
  }

  test('two clerks acting on the same version of one dossier: exactly one wins, the others get a conflict', async () => {
    const d = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    const attempts = Array.from({ length: 12 }, (_, i) =>
      t.engine.act(d.code, { type: 'ASSIGN', assignee: `officer${i}` }, ACTORS.leader, { expectedVersion: d.version }),
    );
    const results = await Promise.allSettled(attempts);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.every((r) => isMotcuaError(r.reason, 'VERSION_CONFLICT'))).toBe(true);
    const history = await t.engine.history(d.code);
    expect(history.map((e) => e.seq)).toEqual([1, 2, 3]);
    await expectProjectionEqualsReplay(d.code);
  });

  test('many unversioned actions on one dossier are serialised: none lost, none duplicated, no gaps', async () => {
    const d = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await t.engine.act(d.code, { type: 'ASSIGN', assignee: 'first' }, ACTORS.leader);
    const n = 15;
    const results = await Promise.allSettled(
      Array.from({ length: n }, (_, i) => t.engine.act(d.code, { type: 'ASSIGN', assignee: `officer${i}` }, ACTORS.leader)),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const conflicts = results.filter((r) => r.status === 'rejected' && isMotcuaError(r.reason, 'VERSION_CONFLICT')).length;
    expect(ok + conflicts).toBe(n);
    const history = await t.engine.history(d.code);
    expect(history).toHaveLength(3 + ok);
    expect(history.map((e) => e.seq)).toEqual(history.map((_, i) => i + 1));
    await expectProjectionEqualsReplay(d.code);
  });

  test("an instance whose clock runs behind never stamps an event before the dossier's last one, so the chain still verifies", async () => {
    t.at('2026-03-05 10:00');
    const d = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    const assigned = await t.engine.act(d.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    t.clock.set(new Date(Date.parse(t.clock.now().toISOString()) - 250).toISOString()); // another instance, 250 ms behind
    await t.engine.act(d.code, { type: 'COMPLETE_STEP' }, ACTORS.counter, { expectedVersion: assigned.version });
    const history = await t.engine.history(d.code);
    const times = history.map((e) => e.occurredAt);
    expect([...times].sort()).toEqual(times);
    expect(times.at(-1)).toBe(times.at(-2));
    const row = (await findDossierByCode(t.db, d.code))!;
    expect(verifyDossier(row, history)).toEqual([]);
  });

  test('dossier codes submitted concurrently are unique and gap-free for the agency and day', async () => {
    t.at('2026-03-04 09:00');
    const created = await Promise.all(Array.from({ length: 25 }, () => t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter)));
    const seqs = created.map((d) => Number(d.code.split('-').at(-1))).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(created.every((d) => d.code.includes('-260304-'))).toBe(true);
  });

  test('a submission failing after its number was taken gives it back: in its own writes or after them, the day stays gap-free', async () => {
    // The number is taken last, and the writes after it are one statement on PostgreSQL (issue 16): a failure in
    // that statement (a used idempotency key) or after it must roll the number back as before.
    t.at('2026-03-05 09:00');
    const key = (created: { code: string; submitted_at: string }) =>
      idempotencyKeyStatement({
        username: 'counter',
        key: 'used-key-0001',
        requestHash: 'h',
        dossierCode: created.code,
        createdAt: created.submitted_at,
      });
    const first = await t.engine.submitCommitted(submission(HOUSEHOLD_BUSINESS), ACTORS.counter, { alsoWrite: key });
    const attempts = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        t.engine.submitCommitted(
          submission(HOUSEHOLD_BUSINESS),
          ACTORS.counter,
          i % 3 === 1
            ? { alsoWrite: key }
            : i % 3 === 2
              ? {
                  alsoInTransaction: async () => {
                    throw new Error('refused after writing');
                  },
                }
              : {},
        ),
      ),
    );
    const kept = attempts.filter((a): a is PromiseFulfilledResult<Committed> => a.status === 'fulfilled').map((a) => a.value.view);
    const failed = attempts.filter((a) => a.status === 'rejected').map((a) => (a as PromiseRejectedResult).reason as Error);
    expect(kept).toHaveLength(4);
    expect(failed.filter((e) => isMotcuaError(e, 'VERSION_CONFLICT'))).toHaveLength(4);
    expect(failed.filter((e) => e.message === 'refused after writing')).toHaveLength(4);
    const seqs = [first.view, ...kept].map((d) => Number(d.code.split('-').at(-1))).sort((a, b) => a - b);
    const n = seqs[0]!; // the day's numbers before this test's first submission were taken by others
    expect(seqs).toEqual([n, n + 1, n + 2, n + 3, n + 4]);
    const day = (await t.db('code_sequences').where({ day: '260305' })) as { last: unknown }[];
    expect(day.map((r) => Number(r.last))).toEqual([n + 4]);
    expect(Number((await t.db('dossiers').where('code', 'like', '%-260305-%').count({ n: '*' }))[0]!.n)).toBe(n + 4);
    for (const d of kept) await expectProjectionEqualsReplay(d.code);
  });

  test('concurrent work on many dossiers leaves every projection equal to the replay of its events', async () => {
    t.at('2026-03-05 09:00');
    const ds = await Promise.all(Array.from({ length: 10 }, () => t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter)));
    await Promise.all(
      ds.map(async (d) => {
        await t.engine.act(d.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
        while ((await t.engine.get(d.code)).allowedEvents.includes('COMPLETE_STEP'))
          await t.engine.act(d.code, { type: 'COMPLETE_STEP' }, ACTORS.specialist);
        await t.engine.act(
          d.code,
          { type: 'RECORD_RESULT', documentNumber: '1/GCN', documentDate: '2026-03-05', signer: 'Chủ tịch', digitised: true },
          ACTORS.leader,
        );
      }),
    );
    for (const d of ds) await expectProjectionEqualsReplay(d.code);
  });
});
