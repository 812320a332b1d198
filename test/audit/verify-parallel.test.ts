/**
 * Whole-database verification on worker threads (each with its own connection) gives exactly what
 * one thread gives: the same findings in the same order, the same counts and the same progress,
 * on a clean database and on a tampered one.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, APPROVE, hanoi, type StartedEngine, startEngine, submission } from '../support/engine';
import { createCheckpoint } from '../../src/audit/checkpoints';
import { verifyAllStream, type VerifyMessage } from '../../src/audit/verify-all';
import { VerifyWorkerPool } from '../../src/audit/verify-workers';
import { sharedConnectionOf } from '../../src/store/db';
import { asDatabaseOwner, deleteDossierAsOwner } from '../support/db-owner';

const PROC = '1.001612';
const DOSSIERS = 23;

/** The messages without their timings (elapsed and throughput differ from run to run). */
async function collect(t: StartedEngine, opts: { workers?: number; pageSize: number }): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const m of verifyAllStream(t.db, { ...opts, progressEveryMs: 0 })) out.push(untimed(m));
  return out;
}

function untimed(m: VerifyMessage): unknown {
  if (m.type === 'progress') return { ...m, elapsedMs: 0 };
  if (m.type === 'summary') return { ...m, elapsedMs: 0, dossiersPerSecond: 0, eventsPerSecond: 0 };
  return m;
}

describe.each(BACKENDS)('parallel verification on $name', (backend) => {
  let t: StartedEngine;
  const codes: { code: string; id: string }[] = [];
  beforeAll(async () => {
    t = await startEngine(backend);
    // Dossiers at stages of 2, 3, 4, 5 and 7 events, cycling.
    for (let i = 0; i < DOSSIERS; i++) {
      const stage = i % 5;
      t.at('2026-03-03 09:00');
      const d = await t.engine.submit(submission(PROC, 'counter', `Trần Thị Thu ${i}`), ACTORS.counter);
      codes.push({ code: d.code, id: d.id });
      if (stage === 0) continue;
      t.at('2026-03-03 10:00');
      await t.engine.act(d.code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
      if (stage === 1) continue;
      t.at('2026-03-03 11:00');
      await t.engine.act(d.code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
      if (stage === 2) continue;
      t.at('2026-03-04 09:00');
      await t.engine.act(d.code, { type: 'COMPLETE_STEP' }, ACTORS.specialist);
      if (stage === 3) continue;
      t.at('2026-03-05 09:00');
      await t.engine.act(d.code, APPROVE, ACTORS.leader);
      t.at('2026-03-05 14:00');
      await t.engine.act(d.code, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter);
    }
  }, 60_000);
  afterAll(async () => t.drop());

  test('a clean database: the workers report the same messages as one thread, with no findings', async () => {
    const sequential = await collect(t, { pageSize: 4 });
    const parallel = await collect(t, { pageSize: 4, workers: 2 });
    expect(parallel).toEqual(sequential);
    expect(parallel.at(-1)).toMatchObject({ type: 'summary', dossiers: DOSSIERS, findings: 0 });
  }, 60_000);

  test('the workers read through their own connection: a worker verifies a range it was only given the bounds of', async () => {
    const conn = sharedConnectionOf(t.db);
    expect(conn).not.toBeNull();
    const ids = (await t.db('dossiers').select('id').orderBy('id')).map((r: { id: string }) => r.id);
    const pool = await VerifyWorkerPool.start(2, conn!);
    try {
      const [first, rest] = await Promise.all([pool.verify(null, ids[9]!, 100), pool.verify(ids[9]!, ids.at(-1)!, 100)]);
      expect(first).toEqual({ dossiers: 10, events: expect.any(Number), dossiersWithFindings: 0, findings: [] });
      expect(rest.dossiers).toBe(DOSSIERS - 10);
      const [events] = await t.db('dossier_events').count({ n: '*' });
      expect(first.events + rest.events).toBe(Number(events!.n));
    } finally {
      await pool.close();
    }
  }, 60_000);

  test('a tampered database: the workers report each tampered dossier exactly as one thread does', async () => {
    await createCheckpoint(t.db, hanoi('2026-03-05 17:00'));
    const sorted = [...codes].sort((a, b) => (a.id < b.id ? -1 : 1));
    const edited = sorted[1]!; // first page
    const drifted = sorted[9]!; // another page, verified by the other worker
    const gone = sorted[20]!; // only the checkpoint can show it
    await asDatabaseOwner(t.db); // as the database owner: the application itself cannot change history
    await t.db('dossier_events').where({ dossier_id: edited.id, seq: 2 }).update({ actor: 'mallory' });
    await t.db('dossiers').where({ id: drifted.id }).update({ applicant_name: 'Người khác' });
    await deleteDossierAsOwner(t.db, gone.id);

    const sequential = await collect(t, { pageSize: 3 });
    const parallel = await collect(t, { pageSize: 3, workers: 3 });
    expect(parallel).toEqual(sequential);
    const summary = parallel.at(-1) as {
      type: string;
      dossiers: number;
      dossiersWithFindings: number;
      findingsByKind: Record<string, number>;
    };
    expect(summary).toMatchObject({ type: 'summary', dossiers: DOSSIERS - 1, dossiersWithFindings: 2, checkpoints: 1 });
    expect(summary.findingsByKind).toMatchObject({ hash_mismatch: 1, projection_drift: 1, dossier_deleted: 1 });
    expect(parallel).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'finding', dossierCode: edited.code, seq: 2, kind: 'hash_mismatch' }),
        expect.objectContaining({ type: 'finding', dossierCode: drifted.code, kind: 'projection_drift' }),
        expect.objectContaining({ type: 'finding', dossierCode: gone.code, kind: 'dossier_deleted' }),
      ]),
    );
  }, 60_000);
});
