/**
 * Replaying a dossier's stored events step by step: the state before and after each event, the state
 * at a cut-off (a sequence number or an instant), determinism, and old chart versions kept for old dossiers.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, APPROVE, hanoi, type StartedEngine, startEngine, submission } from '../support/engine';
import { createEngineContext } from '../../src/app/engine-factory';
import { chartFor, CURRENT_CHART_VERSION, listChartVersions, registerChartVersion, type DossierChart } from '../../machines/dossier';
import { replaySteps } from '../../src/audit/replay-steps';
import { loadDossierForAudit, verifyDossier } from '../../src/audit/verify-dossier';

const PROC = '1.001612';
const CHANGED = 9961;
// The changed definition: a result may no longer be handed back (registered once, used by the last test).
const changedChart = chartFor(CURRENT_CHART_VERSION).provide({ guards: { mayReturn: () => false } }) as DossierChart;

describe.each(BACKENDS)('replaying dossier histories on $name', (backend) => {
  let t: StartedEngine;
  let code: string;
  beforeAll(async () => {
    t = await startEngine(backend);
    t.at('2026-03-03 09:00');
    ({ code } = await t.engine.submit(submission(PROC), ACTORS.counter));
    t.at('2026-03-03 10:00');
    await t.engine.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    t.at('2026-03-03 11:00');
    await t.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
    t.at('2026-03-04 09:00');
    await t.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.specialist);
    t.at('2026-03-05 09:00');
    await t.engine.act(code, APPROVE, ACTORS.leader);
    t.at('2026-03-05 14:00');
    await t.engine.act(code, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter);
  });
  afterAll(async () => t.drop());

  const load = async (c = code) => (await loadDossierForAudit(t.db, c))!;

  test('every step shows the event, the state before and after it, and its due date', async () => {
    const { row, events } = await load();
    const r = replaySteps(row.id, events);
    expect(r.error).toBeNull();
    expect(r.steps.map((s) => [s.seq, s.type, s.before?.state ?? null, s.after.state, s.after.step])).toEqual([
      [1, 'SUBMIT', null, 'submitted', null],
      [2, 'RECEIVE', 'submitted', 'received', null],
      [3, 'ASSIGN', 'received', 'assigned', 'tiep-nhan'],
      [4, 'COMPLETE_STEP', 'assigned', 'processing', 'tham-dinh'],
      [5, 'COMPLETE_STEP', 'processing', 'processing', 'ky-cap'],
      [6, 'RECORD_RESULT', 'processing', 'result', null],
      [7, 'RETURN_RESULT', 'result', 'returned', null],
    ]);
    expect(r.steps[1]).toMatchObject({
      before: { timeliness: 'not_started', dueAt: null },
      after: { timeliness: 'on_track', dueAt: hanoi('2026-03-06 17:00'), originalDueAt: hanoi('2026-03-06 17:00') },
      hashOk: true,
      linkOk: true,
    });
    expect(r.steps[5]!.after.timeliness).toBe('early');
    expect(r.state).toMatchObject({
      seq: 7,
      state: 'returned',
      outcome: 'approved',
      finalTimeliness: 'early',
      returnedAt: hanoi('2026-03-05 14:00'),
    });
    // The replay ends where the stored row is.
    expect(r.state).toMatchObject({ state: row.state, dueAt: row.due_at, resultAt: row.result_at });
  });

  test('upTo gives the state after that sequence number', async () => {
    const { row, events } = await load();
    const r = replaySteps(row.id, events, { upTo: 3 });
    expect(r.steps).toHaveLength(3);
    expect(r.state).toMatchObject({
      seq: 3,
      state: 'assigned',
      step: 'tiep-nhan',
      assignee: 'counter',
      timeliness: 'on_track',
      resultAt: null,
    });
  });

  test('at gives the state at that instant', async () => {
    const { row, events } = await load();
    const evening = replaySteps(row.id, events, { at: '2026-03-03T20:00:00+07:00' });
    expect(evening.state).toMatchObject({ seq: 4, state: 'processing', step: 'tham-dinh', unit: 'KINHTE' });
    const exact = replaySteps(row.id, events, { at: hanoi('2026-03-05 09:00') });
    expect(exact.state).toMatchObject({ seq: 6, state: 'result' });
    const before = replaySteps(row.id, events, { at: '2026-03-01T00:00:00Z' });
    expect(before).toMatchObject({ steps: [], state: null });
  });

  test('replay is deterministic: it reads neither the clock nor randomness', async () => {
    const { row, events } = await load();
    const now = jest.spyOn(Date, 'now').mockImplementation(() => {
      throw new Error('replay read the clock');
    });
    const random = jest.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('replay used randomness');
    });
    try {
      const a = replaySteps(row.id, events);
      const b = replaySteps(row.id, structuredClone(events));
      expect(JSON.stringify(b.steps)).toBe(JSON.stringify(a.steps));
      expect(verifyDossier(row, events)).toEqual([]);
    } finally {
      now.mockRestore();
      random.mockRestore();
    }
  });

  test('a changed chart applies to new dossiers only: old dossiers replay unchanged under their version', async () => {
    const { row, events } = await load();
    const before = JSON.stringify(replaySteps(row.id, events));
    registerChartVersion(CHANGED, changedChart);
    expect(listChartVersions().map((v) => v.version)).toEqual(expect.arrayContaining([1, CURRENT_CHART_VERSION, CHANGED]));
    const next = await createEngineContext({ url: t.dbUrl, schema: t.dbSchema, clock: t.clock, chartVersion: CHANGED, prepare: false });
    try {
      t.at('2026-03-06 09:00');
      const fresh = await next.engine.submit(submission(PROC), ACTORS.counter);
      expect(fresh.machineVersion).toBe(CHANGED);
      expect(JSON.stringify(replaySteps(row.id, events))).toBe(before);
      expect(replaySteps(row.id, events).machineVersion).toBe(CURRENT_CHART_VERSION);
      const { row: newRow, events: newEvents } = await load(fresh.code);
      expect(replaySteps(newRow.id, newEvents).machineVersion).toBe(CHANGED);
      expect(verifyDossier(row, events)).toEqual([]);
      expect(verifyDossier(newRow, newEvents)).toEqual([]);
    } finally {
      await next.close();
    }
  });
});
