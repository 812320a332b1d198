/**
 * Whole-database verification: every dossier, page by page, with progress and a summary; a clean
 * database has no findings, a tampered one has each finding counted by kind.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, APPROVE, hanoi, type StartedEngine, startEngine, submission } from '../support/engine';
import { createCheckpoint } from '../../src/audit/checkpoints';
import { verifyAll, verifyAllStream, type VerifyProgress } from '../../src/audit/verify-all';
import type { Finding } from '../../src/audit/verify-dossier';
import { asDatabaseOwner, deleteDossierAsOwner } from '../support/db-owner';

const PROC = '1.001612';

describe.each(BACKENDS)('verifying the whole database on $name', (backend) => {
  let t: StartedEngine;
  const codes: { code: string; id: string }[] = [];
  beforeAll(async () => {
    t = await startEngine(backend);
    // 7 dossiers at different stages: 2, 3, 4, 5, 7, 7, 7 events.
    for (let i = 0; i < 7; i++) {
      t.at('2026-03-03 09:00');
      const d = await t.engine.submit(submission(PROC), ACTORS.counter);
      codes.push({ code: d.code, id: d.id });
      if (i === 0) continue;
      t.at('2026-03-03 10:00');
      await t.engine.act(d.code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
      if (i === 1) continue;
      t.at('2026-03-03 11:00');
      await t.engine.act(d.code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
      if (i === 2) continue;
      t.at('2026-03-04 09:00');
      await t.engine.act(d.code, { type: 'COMPLETE_STEP' }, ACTORS.specialist);
      if (i === 3) continue;
      t.at('2026-03-05 09:00');
      await t.engine.act(d.code, APPROVE, ACTORS.leader);
      t.at('2026-03-05 14:00');
      await t.engine.act(d.code, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter);
    }
  });
  afterAll(async () => t.drop());

  test('a clean database has no findings, and the summary counts dossiers, events and throughput', async () => {
    const progress: VerifyProgress[] = [];
    const findings: Finding[] = [];
    const summary = await verifyAll(t.db, {
      pageSize: 2,
      progressEveryMs: 0,
      onProgress: (p) => progress.push(p),
      onFinding: (f) => void findings.push(f),
    });
    expect(findings).toEqual([]);
    expect(summary).toMatchObject({ dossiers: 7, events: 35, findings: 0, dossiersWithFindings: 0, checkpoints: 0 });
    expect(Object.values(summary.findingsByKind).every((n) => n === 0)).toBe(true);
    expect(summary.findingsByKind).toHaveProperty('hash_mismatch', 0);
    expect(summary.findingsByKind).toHaveProperty('dossier_deleted', 0);
    expect(summary.dossiersPerSecond).toBeGreaterThan(0);
    expect(summary.eventsPerSecond).toBeGreaterThan(0);
    // One progress report per page (4 pages of 2) and a final one, counting up to every dossier.
    expect(progress.map((p) => p.dossiers)).toEqual([2, 4, 6, 7, 7]);
    expect(progress.every((p) => p.totalDossiers === 7)).toBe(true);
  });

  test('tampered dossiers are each found, and counted by kind; a deleted one through the checkpoint', async () => {
    await createCheckpoint(t.db, hanoi('2026-03-05 17:00'));
    const [, , , gapped, edited, gone, drifted] = codes;
    await asDatabaseOwner(t.db); // as the database owner: the application itself cannot change history
    await t.db('dossier_events').where({ dossier_id: edited!.id, seq: 3 }).update({ actor: 'mallory' });
    await deleteDossierAsOwner(t.db, gone!.id);
    await t.db('dossiers').where({ id: drifted!.id }).update({ final_timeliness: 'on_time' });
    await t.db('dossier_events').where({ dossier_id: gapped!.id, seq: 3 }).delete();

    const messages = [];
    for await (const m of verifyAllStream(t.db, { pageSize: 3 })) messages.push(m);
    const summary = messages.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', dossiers: 6, events: 27, checkpoints: 1, dossiersWithFindings: 3 });
    if (summary.type !== 'summary') throw new Error('no summary');
    // The gap also leaves ASSIGN out of the replay: the next completion is impossible in "received".
    expect(summary.findingsByKind).toMatchObject({
      hash_mismatch: 1,
      missing_sequence: 1,
      impossible_transition: 1,
      projection_drift: 1,
      dossier_deleted: 1,
      events_deleted: 1,
    });
    expect(summary.findings).toBe(6);
    const found = messages.filter((m) => m.type === 'finding');
    expect(found).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ dossierCode: edited!.code, seq: 3, kind: 'hash_mismatch' }),
        expect.objectContaining({ dossierCode: gapped!.code, seq: 3, kind: 'missing_sequence' }),
        expect.objectContaining({ dossierCode: drifted!.code, kind: 'projection_drift', field: 'final_timeliness' }),
        expect.objectContaining({ dossierCode: gone!.code, kind: 'dossier_deleted' }),
        expect.objectContaining({ dossierCode: '(database)', kind: 'events_deleted' }),
      ]),
    );
    expect(summary.findings).toBe(found.length);
  });
});
