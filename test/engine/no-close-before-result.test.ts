/**
 * "No electronic process may be ended before its result exists", enforced three times, each proved on its own:
 * by the chart's guard, by the engine's own check (with a deliberately broken chart), and by the database
 * (a direct SQL update that marks a dossier returned without a result fails).
 */
import { assign } from 'xstate';
import { chartFor, CURRENT_CHART_VERSION, registerChartVersion, type DossierChart } from '../../machines/dossier';
import { BACKENDS } from '../support/backends';
import { ACTORS, startEngine, submission, type StartedEngine } from '../support/engine';
import { isMotcuaError } from '../../machines/engine/errors';

const HOUSEHOLD_BUSINESS = '1.001612';
const BROKEN_VERSION = 9901;

/** A chart whose result step "forgets" to record the result and whose steps can be skipped. */
const brokenChart = chartFor(CURRENT_CHART_VERSION).provide({
  guards: { onLastStep: () => true },
  actions: { recordResult: assign(() => ({})) },
}) as DossierChart;
registerChartVersion(BROKEN_VERSION, brokenChart);

describe.each(BACKENDS)('no dossier is closed before its result, on $name', (backend) => {
  let t: StartedEngine;
  beforeAll(async () => {
    t = await startEngine(backend);
  });
  afterAll(async () => t.drop());

  test('1. the chart: returning a dossier in processing is refused as a transition', async () => {
    const d = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await t.engine.act(d.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    const err = await t.engine.act(d.code, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter).catch((e) => e);
    expect(isMotcuaError(err, 'TRANSITION_NOT_ALLOWED')).toBe(true);
  });

  test('2. the engine: even a chart that lets it through cannot put a dossier in result without a recorded result', async () => {
    const d = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await t.engine.act(d.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    await t.db('dossiers').where({ code: d.code }).update({ machine_version: BROKEN_VERSION });
    const before = await t.engine.history(d.code);
    const err = await t.engine
      .act(d.code, { type: 'RECORD_RESULT', documentNumber: '1', documentDate: '2026-03-03', signer: 'x', digitised: true }, ACTORS.leader)
      .catch((e) => e);
    expect(isMotcuaError(err, 'INVARIANT_VIOLATION')).toBe(true);
    expect(await t.engine.history(d.code)).toHaveLength(before.length);
    expect((await t.engine.get(d.code)).state).toBe('assigned');
  });

  test('3. the database: a direct SQL update marking a dossier returned without a result fails', async () => {
    const d = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await expect(t.db('dossiers').where({ code: d.code }).update({ state: 'returned' })).rejects.toThrow(/dossiers_result_before_close/);
    await expect(t.db('dossiers').where({ code: d.code }).update({ state: 'result', outcome: 'approved' })).rejects.toThrow(
      /dossiers_result_before_close/,
    );
    expect((await t.engine.get(d.code)).state).toBe('received');
  });
});
