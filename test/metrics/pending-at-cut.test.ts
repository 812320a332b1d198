/**
 * docs/metrics.md, "Periods, as-of time and groupings": a closed period classifies its pending dossiers as they
 * were at its end — their state, statutory due date, apology and exemption then — on every path (the rollup, the
 * events, the projection's SQL for every grouping) and in the drill-down lists, so its figures never change
 * afterwards. The projection reads each dossier's pending-class history (dossier_class_history), kept by the
 * engine and derived from the events.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, hanoi, startEngine, submission, type StartedEngine } from '../support/engine';
import { compareMetrics, complianceFromEvents } from '../../src/metrics/compliance-from-events';
import { complianceFromProjection } from '../../src/metrics/compliance-projection';
import { complianceFromRollup } from '../../src/metrics/compliance-rollup';
import { figureCondition } from '../../src/store/compliance-queries';
import { findDossiers } from '../../src/store/dossier-queries';
import { classHistoryDifferences, rollupFromEvents } from '../../src/metrics/rollup-rebuild';
import * as classHistoryMigration from '../../db/migrations/20261208000500_class_history';
import { GROUP_BYS, planReport, WHOLE_PERIOD_KEY, type DrillFigure, type GroupBy } from '../../machines/metrics/definitions';

const HKD = '1.001612'; // 3 working days

describe.each(BACKENDS)('pending dossiers classified at the period end on $name', (backend) => {
  let t: StartedEngine;
  let code: string;
  beforeAll(async () => {
    t = await startEngine(backend, '2026-02-02 09:00');
    code = (await t.engine.submit(submission(HKD), ACTORS.counter)).code; // due Thu 05/02 17:00: late at the end of February
    await t.engine.act(code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.counter);
    t.at('2026-03-02 09:00'); // after February's end its clock stops: paused for verification
    await t.engine.act(code, { type: 'PAUSE', reason: 'verification' }, ACTORS.specialist);
  });
  afterAll(async () => t.drop());

  const NOW = '2026-03-03 09:00';
  const report = async (from: string, to: string, groupBy: GroupBy) => {
    const q = { from, to, groupBy, now: hanoi(NOW), calendar: await t.calendars.latest() };
    const serves = ['centre', 'week', 'month', 'procedure', 'unit'].includes(groupBy);
    return {
      projection: await complianceFromProjection(t.db, q),
      events: (await complianceFromEvents(t.db, t.calendars, q)).report,
      rollup: serves ? await complianceFromRollup(t.db, q) : null,
    };
  };
  /** The figures of the group (or last week) that holds the dossier: the one group with anything pending at the end. */
  const holding = (r: Awaited<ReturnType<typeof report>>['projection'], groupBy: GroupBy) =>
    groupBy === 'week' || groupBy === 'month' ? r.groups.at(-1)!.figures : r.groups.find((g) => g.figures.pending > 0)!.figures;

  test.each(GROUP_BYS)(
    'rule: a dossier paused after the period end is still counted late at that period’s end (groupBy=%s, every path)',
    async (groupBy) => {
      const r = await report('2026-02-01', '2026-03-01', groupBy);
      const late = { pending: 1, pendingLate: 1, pendingClockStopped: 0, lateDossiers: 1, apologyMissing: 1 };
      expect(holding(r.projection, groupBy)).toMatchObject(late);
      expect(holding(r.events, groupBy)).toMatchObject(late);
      if (r.rollup) expect(holding(r.rollup, groupBy)).toMatchObject(late);
      expect(compareMetrics(r.projection, r.events)).toEqual([]);
      if (r.rollup) expect(compareMetrics(r.rollup, r.events)).toEqual([]);
    },
  );

  test('rule: the drill-down of the ended period lists it as late, not as clock stopped', async () => {
    const listed = async (figure: DrillFigure, from: string, to: string) => {
      const plan = planReport(from, to, 'centre', hanoi(NOW), await t.calendars.latest());
      const condition = figureCondition(figure, plan.period, plan.clock.cuts[WHOLE_PERIOD_KEY]!);
      return (await findDossiers(t.db, { condition, sort: 'recent', limit: 50 })).rows.map((r) => r.code);
    };
    for (const figure of ['pending', 'pendingLate', 'lateDossiers', 'apologyMissing'] as const)
      expect([figure, await listed(figure, '2026-02-01', '2026-03-01')]).toEqual([figure, [code]]);
    for (const figure of ['pendingClockStopped', 'pendingDueSoon', 'pendingNotYetDue'] as const)
      expect([figure, await listed(figure, '2026-02-01', '2026-03-01')]).toEqual([figure, []]);
    // March is running: classified now, paused
    expect(await listed('pendingClockStopped', '2026-03-01', '2026-04-01')).toEqual([code]);
    expect(await listed('pendingLate', '2026-03-01', '2026-04-01')).toEqual([]);
  });

  test('the running period classifies it as it is now (clock stopped), on every path', async () => {
    const r = await report('2026-03-01', '2026-04-01', 'unit');
    expect(holding(r.projection, 'unit')).toMatchObject({ pending: 1, pendingLate: 0, pendingClockStopped: 1 });
    expect(compareMetrics(r.projection, r.events)).toEqual([]);
  });

  test('the migration that adds the history backfills it from the events of the stored dossiers', async () => {
    await classHistoryMigration.down(t.db);
    await classHistoryMigration.up(t.db);
    const differing: string[] = [];
    await rollupFromEvents(t.db, t.calendars, {
      onPage: async (page) => {
        for (const d of await classHistoryDifferences(t.db, page)) differing.push(d.dossier);
      },
    });
    expect(differing).toEqual([]);
    const r = await report('2026-02-01', '2026-03-01', 'unit');
    expect(holding(r.projection, 'unit')).toMatchObject({ pending: 1, pendingLate: 1, pendingClockStopped: 0 });
  });
});
