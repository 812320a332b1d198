/**
 * The chained logs are append-only in the database itself: the application's UPDATE, DELETE and TRUNCATE
 * are refused by triggers. A database owner can drop them; tampering with the database directly (SQL on
 * dossier_events and dossiers, on SQLite and PostgreSQL) is then still detected by the one-dossier verifier and located at the first broken event, with what is wrong.
 * Each test builds its own dossier through the engine, then edits the tables behind the engine's back.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, APPROVE, hanoi, type StartedEngine, startEngine, submission } from '../support/engine';
import { createEngineContext } from '../../src/app/engine-factory';
import { chartFor, CURRENT_CHART_VERSION, registerChartVersion, type ActorRef, type DossierChart } from '../../machines/dossier';
import { eventHash } from '../../machines/engine/hash';
import { loadDossierForAudit, verifyDossier, type Finding } from '../../src/audit/verify-dossier';
import { createCheckpoint } from '../../src/audit/checkpoints';
import { asDatabaseOwner } from '../support/db-owner';

const PROC = '1.001612'; // three steps: counter (TTPVHCC), specialist (KINHTE), leader (KINHTE)

// A lenient chart version that lets a result be recorded at any step (to show the verifier's own rule check).
const LENIENT = 9951;
registerChartVersion(LENIENT, chartFor(CURRENT_CHART_VERSION).provide({ guards: { onLastStep: () => true } }) as DossierChart);

type Stage = 'received' | 'assigned' | 'processing' | 'result' | 'returned';

describe.each(BACKENDS)('tampering with the event log on $name', (backend) => {
  let t: StartedEngine;
  beforeAll(async () => {
    t = await startEngine(backend);
  });
  afterAll(async () => t.drop());

  test('the application cannot alter history: UPDATE, DELETE (and TRUNCATE) on the chained logs are refused by the database', async () => {
    const { id } = await build('result');
    const before = await events(id).orderBy('seq');
    const refused = async (what: string, run: () => Promise<unknown>) => {
      const err = await run().then(
        () => null,
        (e: Error) => e,
      );
      expect({ what, refused: err?.message ?? 'accepted' }).toEqual({ what, refused: expect.stringMatching(/append-only/) });
    };
    await refused('edit an event', () => events(id).andWhere({ seq: 6 }).update({ payload: '{}' }));
    await refused('delete an event', () => events(id).andWhere({ seq: 6 }).delete());
    await refused('renumber events', () => events(id).update({ seq: t.db.raw('seq + 100') }));
    await refused('raw SQL', () => t.db.raw('DELETE FROM dossier_events WHERE dossier_id = ?', [id]));
    if (backend.name === 'postgres') await refused('truncate', () => t.db.raw('TRUNCATE dossier_events'));
    await t.db('review_events').insert({
      id: '0190e8a0-0000-7000-8000-000000000001',
      week: '2026-W10',
      unit: 'centre',
      seq: 1,
      type: 'REVIEW_NOTE',
      payload: '{}',
      actor: 'leader',
      occurred_at: hanoi('2026-03-10 09:00'),
      prev_hash: '0'.repeat(64),
      hash: '1'.repeat(64),
    });
    await refused('edit a review note', () => t.db('review_events').update({ payload: '{"x":1}' }));
    await refused('delete a review note', () => t.db('review_events').delete());
    await createCheckpoint(t.db, t.clock.now());
    await refused('edit a checkpoint', () => t.db('audit_checkpoints').update({ event_count: 0 }));
    await refused('delete a checkpoint', () => t.db('audit_checkpoints').delete());
    await refused('delete checkpoint heads', () => t.db('audit_checkpoint_heads').delete());
    expect(await events(id).orderBy('seq')).toEqual(before);
    expect(await verify((await t.db('dossiers').where({ id }).first()).code)).toEqual([]);
  });

  test('a database owner who drops the triggers can change history, and the audit still catches it', async () => {
    await asDatabaseOwner(t.db);
    const { code, id } = await build();
    await events(id).andWhere({ seq: 3 }).update({ actor: 'mallory' });
    expect((await verify(code))[0]).toMatchObject({ seq: 3, kind: 'hash_mismatch' });
  });

  /**
   * SUBMIT(1) RECEIVE(2) at 09:00 → ASSIGN(3) 10:00 → COMPLETE_STEP(4) 11:00 → COMPLETE_STEP(5) next day →
   * RECORD_RESULT(6) → RETURN_RESULT(7).
   */
  async function build(stage: Stage = 'returned', engine = t.engine): Promise<{ code: string; id: string }> {
    t.at('2026-03-03 09:00');
    const { code, id } = await engine.submit(submission(PROC), ACTORS.counter);
    if (stage === 'received') return { code, id };
    t.at('2026-03-03 10:00');
    await engine.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    if (stage === 'assigned') return { code, id };
    t.at('2026-03-03 11:00');
    await engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
    if (stage === 'processing') return { code, id };
    t.at('2026-03-04 09:00');
    await engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.specialist);
    t.at('2026-03-05 09:00');
    await engine.act(code, APPROVE, ACTORS.leader);
    if (stage === 'result') return { code, id };
    t.at('2026-03-05 14:00');
    await engine.act(code, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter);
    return { code, id };
  }

  async function verify(code: string): Promise<Finding[]> {
    const loaded = await loadDossierForAudit(t.db, code);
    return verifyDossier(loaded!.row, loaded!.events);
  }

  const events = (id: string) => t.db('dossier_events').where({ dossier_id: id });

  /** Appends a forged event with a correctly computed hash, and moves the dossier's head onto it. */
  async function forge(id: string, seq: number, type: string, payload: Record<string, unknown>, at: string, by: ActorRef): Promise<void> {
    const prev = await events(id)
      .andWhere({ seq: seq - 1 })
      .first();
    const prevHash = String(prev.hash);
    const machineVersion = Number(prev.machine_version);
    const hash = eventHash(prevHash, {
      dossierId: id,
      seq,
      type,
      payload,
      actor: by.username,
      actorUnit: by.unit,
      occurredAt: at,
      machineVersion,
    });
    await t.db('dossier_events').insert({
      dossier_id: id,
      seq,
      type,
      payload: JSON.stringify(payload),
      actor: by.username,
      actor_unit: by.unit,
      occurred_at: at,
      machine_version: machineVersion,
      prev_hash: prevHash,
      hash,
    });
    await t.db('dossiers').where({ id }).update({ version: seq, last_hash: hash });
  }

  const kinds = (fs: Finding[]) => fs.map((f) => f.kind);

  test('a dossier that nobody touched has no findings', async () => {
    const { code } = await build();
    expect(await verify(code)).toEqual([]);
    const { code: open } = await build('processing');
    expect(await verify(open)).toEqual([]);
  });

  test('an edited payload is found at its event', async () => {
    const { code, id } = await build();
    const row = await events(id).andWhere({ seq: 6 }).first();
    const payload = { ...JSON.parse(String(row.payload)), documentNumber: '99/GCN-HKD' };
    await events(id)
      .andWhere({ seq: 6 })
      .update({ payload: JSON.stringify(payload) });
    const findings = await verify(code);
    expect(findings[0]).toMatchObject({ dossierCode: code, seq: 6, kind: 'hash_mismatch' });
    expect(findings[0]!.message).toMatch(/RECORD_RESULT.*edited/);
    // The replay takes the edited content: the stored snapshot no longer matches it. No other chain finding.
    expect(kinds(findings)).toEqual(['hash_mismatch', 'projection_drift']);
    expect(findings[1]).toMatchObject({ field: 'snapshot', message: expect.stringMatching(/in context\.result$/) });
    expect(findings[1]!.stored).toEqual({ 'context.result': expect.objectContaining({ documentNumber: '15/GCN-HKD' }) });
  });

  test('an edited time is found at its event, even when it keeps the order', async () => {
    const { code, id } = await build();
    await events(id)
      .andWhere({ seq: 3 })
      .update({ occurred_at: hanoi('2026-03-03 09:30') });
    const findings = await verify(code);
    expect(findings[0]).toMatchObject({ seq: 3, kind: 'hash_mismatch' });
  });

  test('an altered hash column is told apart from an edited content', async () => {
    const { code, id } = await build();
    await events(id)
      .andWhere({ seq: 2 })
      .update({ hash: 'f'.repeat(64) });
    const [first] = await verify(code);
    expect(first).toMatchObject({ seq: 2, kind: 'hash_mismatch' });
    expect(first!.message).toMatch(/stored hash .* was altered/);
  });

  test('a deleted middle event is a missing sequence number at its place', async () => {
    const { code, id } = await build();
    await events(id).andWhere({ seq: 4 }).delete();
    const findings = await verify(code);
    expect(findings[0]).toMatchObject({ seq: 4, kind: 'missing_sequence' });
    expect(findings[0]!.message).toMatch(/seq 4 missing/);
    // Without the first step's completion the result comes one step too early.
    expect(findings[1]).toMatchObject({ seq: 6, kind: 'result_before_steps' });
  });

  test('a deleted middle event is found even when the later events are renumbered to close the gap', async () => {
    const { code, id } = await build();
    await events(id).andWhere({ seq: 4 }).delete();
    await events(id)
      .andWhere('seq', '>', 4)
      .update({ seq: t.db.raw('seq + 100') });
    await events(id)
      .andWhere('seq', '>', 100)
      .update({ seq: t.db.raw('seq - 101') });
    await t.db('dossiers').where({ id }).update({ version: 6 }); // the forger moves the head too
    const [first] = await verify(code);
    expect(first).toMatchObject({ seq: 4, kind: 'missing_sequence' });
    expect(first!.message).toMatch(/written as seq 5.*removed and the later ones renumbered/);
  });

  test('deleted last events are found at the head: the row names events that are gone', async () => {
    const { code, id } = await build();
    await events(id).andWhere('seq', '>=', 6).delete();
    const findings = await verify(code);
    expect(findings[0]).toMatchObject({ seq: 6, kind: 'head_mismatch', message: expect.stringMatching(/seq 6–7 removed from the end/) });
    // The row still shows the result and the hand-back that the remaining events no longer explain.
    expect(findings.slice(1).every((f) => f.kind === 'projection_drift')).toBe(true);
    expect(findings.find((f) => f.field === 'state')).toMatchObject({ stored: 'returned', replayed: 'processing' });
  });

  test('an inserted event is found at its place, with the events after it pushed up', async () => {
    const { code, id } = await build();
    await events(id)
      .andWhere('seq', '>=', 4)
      .update({ seq: t.db.raw('seq + 100') });
    await events(id)
      .andWhere('seq', '>', 100)
      .update({ seq: t.db.raw('seq - 99') });
    // A re-assignment that never happened, chained correctly after seq 3.
    await forge(id, 4, 'ASSIGN', { unit: 'TTPVHCC', assignee: 'mallory' }, hanoi('2026-03-03 10:30'), ACTORS.counter);
    await t
      .db('dossiers')
      .where({ id })
      .update({ version: 8, last_hash: String((await events(id).andWhere({ seq: 8 }).first()).hash) });
    const findings = await verify(code);
    expect(findings[0]).toMatchObject({ seq: 4, kind: 'inserted' });
    expect(findings[0]!.message).toMatch(/seq 4 \(ASSIGN\) is not part of the original chain/);
  });

  test('an event slipped into a gap with a valid hash is found as inserted', async () => {
    const { code, id } = await build();
    await events(id).andWhere({ seq: 4 }).delete();
    // The forger replaces the completion of step 1 by an event of his own, correctly chained after seq 3.
    const prev = String((await events(id).andWhere({ seq: 3 }).first()).hash);
    const at = hanoi('2026-03-03 11:00');
    const payload = { note: 'forged' };
    const hash = eventHash(prev, {
      dossierId: id,
      seq: 4,
      type: 'COMPLETE_STEP',
      payload,
      actor: 'counter',
      actorUnit: 'TTPVHCC',
      occurredAt: at,
      machineVersion: CURRENT_CHART_VERSION,
    });
    await t.db('dossier_events').insert({
      dossier_id: id,
      seq: 4,
      type: 'COMPLETE_STEP',
      payload: JSON.stringify(payload),
      actor: 'counter',
      actor_unit: 'TTPVHCC',
      occurred_at: at,
      machine_version: CURRENT_CHART_VERSION,
      prev_hash: prev,
      hash,
    });
    const [first] = await verify(code);
    expect(first).toMatchObject({ seq: 4, kind: 'inserted' });
    expect(first!.message).toMatch(/replaced the original event 4/);
  });

  test('two events whose seq numbers were swapped are found as reordered', async () => {
    const { code, id } = await build();
    await events(id).andWhere({ seq: 4 }).update({ seq: 1004 });
    await events(id).andWhere({ seq: 5 }).update({ seq: 4 });
    await events(id).andWhere({ seq: 1004 }).update({ seq: 5 });
    const findings = await verify(code);
    expect(findings[0]).toMatchObject({ seq: 4, kind: 'reordered' });
    expect(findings[0]!.message).toMatch(/seq 4 \(COMPLETE_STEP\) was written after seq 5 \(COMPLETE_STEP\)/);
  });

  test('the database refuses a dossiers row set to returned without a result', async () => {
    const { id } = await build('processing');
    await expect(t.db('dossiers').where({ id }).update({ state: 'returned' })).rejects.toThrow(/dossiers_result_before_close/);
  });

  test('a forged hand-back with a valid hash chain is a dossier returned without a result', async () => {
    const { code, id } = await build('processing');
    // The row cannot say "returned" (the CHECK above), so the forger writes only the event and moves the head.
    await forge(id, 5, 'RETURN_RESULT', { method: 'counter', rating: null }, hanoi('2026-03-03 15:00'), ACTORS.counter);
    // The chain and the head are consistent; the replay finds the dossier handed back from processing.
    expect(await verify(code)).toEqual([
      expect.objectContaining({
        seq: 5,
        kind: 'returned_without_result',
        message: expect.stringMatching(/while it is processing with no result recorded/),
      }),
    ]);
  });

  test('a forged result at the first step with a valid hash chain is a result recorded before its steps', async () => {
    const { code, id } = await build('assigned');
    const { type: _t, ...payload } = APPROVE;
    await forge(id, 4, 'RECORD_RESULT', payload, hanoi('2026-03-03 15:00'), ACTORS.leader);
    // Chart version 1 would not accept it either (its guard allows a result only at the last step);
    // the verifier names the rule the event breaks instead of a bare impossible_transition.
    const findings = await verify(code);
    expect(findings).toEqual([expect.objectContaining({ seq: 4, kind: 'result_before_steps' })]);
    expect(findings[0]!.message).toMatch(/at step 1 of 3; not completed: step 1 .*, step 2/);
  });

  test('a result recorded before its steps is found even when a lenient chart version accepted it', async () => {
    const lenient = await createEngineContext({ url: t.dbUrl, schema: t.dbSchema, clock: t.clock, chartVersion: LENIENT, prepare: false });
    try {
      const { code } = await build('assigned', lenient.engine);
      t.at('2026-03-03 15:00');
      expect((await lenient.engine.act(code, APPROVE, ACTORS.leader)).state).toBe('result');
      expect(await verify(code)).toEqual([expect.objectContaining({ seq: 4, kind: 'result_before_steps' })]);
    } finally {
      await lenient.close();
    }
  });

  test('an event the chart would not accept in its state is an impossible transition', async () => {
    const { code, id } = await build('received');
    // A step completed before anyone was assigned, correctly hashed.
    await forge(id, 3, 'COMPLETE_STEP', { note: null }, hanoi('2026-03-03 09:30'), ACTORS.counter);
    expect(await verify(code)).toEqual([
      expect.objectContaining({ seq: 3, kind: 'impossible_transition', message: expect.stringMatching(/not allowed in state received/) }),
    ]);
  });

  test('a projection that drifted from its events is reported field by field', async () => {
    const { code, id } = await build('processing');
    await t
      .db('dossiers')
      .where({ id })
      .update({ due_at: hanoi('2026-03-20 17:00'), timeliness: 'due_soon' });
    const findings = await verify(code);
    expect(findings.map((f) => [f.kind, f.field, f.seq])).toEqual([
      ['projection_drift', 'timeliness', null],
      ['projection_drift', 'due_at', null],
    ]);
    expect(findings.find((f) => f.field === 'due_at')).toMatchObject({
      stored: hanoi('2026-03-20 17:00'),
      replayed: hanoi('2026-03-06 17:00'),
    });
  });
});
