/**
 * The compliance rollup against the projection (issue 16), on an existing (generated) database, in one run:
 * the year's compliance figures for the whole centre and by month, computed by the projection's SQL (the
 * path before the rollup) and by the rollup (machines/metrics/rollup.ts), runs interleaved, with the load
 * average beside them; and whether both give the same figures (every figure: both classify a closed month's
 * pending dossiers as they were at its end); by procedure and by unit the rollup by group (the digitisation rollup's
 * table) beside the projection, for the running year and for an ended period (its pending classes read the
 * pending-class history, dossier_class_history, at the end on both paths).
 *
 *   npm run bench -- metrics --database URL [--runs 5]
 */
import os from 'node:os';
import { createEngineContext } from '../src/app/engine-factory';
import { ManualClock } from '../src/engine/clock';
import { complianceFromProjection, loadMetricsReference } from '../src/metrics/compliance-projection';
import { complianceFromRollup } from '../src/metrics/compliance-rollup';
import { compareMetrics } from '../src/metrics/compliance-from-events';
import { rollupComplete } from '../src/store/rollup-store';
import { dialectOf } from '../src/store/db';
import type { GroupBy } from '../machines/metrics/definitions';
import { appendResults } from './machine-info';
import { median, ms, verdict } from './stats';
import { lastTwelveMonths, latestEventAt, REPORT_TARGETS } from './reports-at-scale';

const TARGETS: Record<string, number> = {
  centre: REPORT_TARGETS.metricsMs,
  month: 1500,
  procedure: REPORT_TARGETS.metricsMs,
  unit: REPORT_TARGETS.metricsMs,
};

export async function benchMetricsRollup(opts: { database: string; runs: number }): Promise<void> {
  const clock = new ManualClock(new Date(0).toISOString());
  const ctx = await createEngineContext({ url: opts.database, clock, prepare: false, poolMax: 4 });
  try {
    if (!(await rollupComplete(ctx.db))) throw new Error('the rollup is not complete: run `npm run metrics:rollup -- --rebuild` first');
    const asOf = await latestEventAt(ctx);
    clock.set(asOf);
    const year = lastTwelveMonths(asOf);
    const calendar = await ctx.calendars.latest();
    const reference = await loadMetricsReference(ctx.db);
    const [dossiers] = (await ctx.db('dossiers').count({ n: '*' })) as { n: unknown }[];
    const load = () => os.loadavg()[0]!.toFixed(1);
    const loadBefore = load();
    const rows: string[] = [];
    // the same months up to the start of the latest event's month: a period that has ended
    const ended = { from: year.from, to: `${asOf.slice(0, 7)}-01` };
    const cases: [GroupBy, { from: string; to: string }][] = [
      ['centre', year],
      ['month', year],
      ['procedure', year],
      ['unit', year],
      ['procedure', ended],
      ['unit', ended],
    ];
    for (const [groupBy, period] of cases) {
      const q = { ...period, groupBy, now: asOf, calendar, reference };
      const paths = { projection: () => complianceFromProjection(ctx.db, q), rollup: () => complianceFromRollup(ctx.db, q) };
      const fast = await paths.rollup(); // warm-up, and the figures compared
      const slow = await paths.projection();
      const diffs = compareMetrics(fast, slow);
      if (diffs.length) throw new Error(`the rollup and the projection disagree: ${JSON.stringify(diffs.slice(0, 5))}`);
      const timings = { projection: [] as number[], rollup: [] as number[] };
      for (let i = 0; i < opts.runs; i++) {
        for (const name of ['projection', 'rollup'] as const) {
          const t0 = performance.now();
          await paths[name]();
          timings[name].push(performance.now() - t0);
        }
      }
      process.stderr.write(`metrics ${groupBy}: projection ${ms(median(timings.projection))}, rollup ${ms(median(timings.rollup))}\n`);
      const after = median(timings.rollup);
      rows.push(
        `| compliance metrics ${period.from} → ${period.to}${period === ended ? ' (ended)' : ''}, ${groupBy === 'centre' ? 'whole centre' : `by ${groupBy}`} | ${ms(median(timings.projection))} | ${ms(after)} | ×${(median(timings.projection) / after).toFixed(1)} | < ${ms(TARGETS[groupBy]!)} | ${verdict(after < TARGETS[groupBy]!)} | same figures (${fast.groups.length} groups) |`,
      );
    }
    appendResults(
      `Compliance rollup vs projection (${dialectOf(opts.database) === 'postgres' ? 'PostgreSQL' : 'SQLite'}, ${Number(dossiers?.n)} dossiers, bench/metrics-rollup.ts)`,
      [
        `As of the latest event ${asOf}; one warm-up, then ${opts.runs} runs of each path, interleaved; medians. Load average ${loadBefore} before, ${load()} after (2 shared cores).`,
        '',
        '| operation | projection SQL (before) | rollup (after) | speed-up | target | | agreement |',
        '|---|---|---|---|---|---|---|',
        ...rows,
      ],
    );
  } finally {
    await ctx.close();
  }
}
