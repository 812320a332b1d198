/**
 * The fast path of the whole-centre, weekly and monthly compliance figures: sums of the compliance rollup
 * (machines/metrics/rollup.ts), which the engine keeps in each event's transaction. One read of the per-day
 * totals serves every bucket — flows summed over the bucket's days, levels (pending, results not collected,
 * and the pending classes of an ended bucket) read at its last midnight — plus, per bucket, the few
 * dossiers a daily sum cannot answer: the late results' apologies as of the bucket's end (one range of late
 * results), the 90th percentile (one range of results), and for a bucket still running the pending classes
 * now (the open dossiers).
 *
 * A closed bucket's pending classes are those of its last midnight, from the dossier's state at that
 * midnight: exact, whatever happened later.
 */
import { addDays } from '../../machines/calendar';
import type { Calendar } from '../../machines/calendar';
import {
  assembleReport,
  emptyTallies,
  planReport,
  WHOLE_PERIOD_KEY,
  type ComplianceReport,
  type GroupBy,
  type GroupResults,
  type Tallies,
} from '../../machines/metrics/definitions';
import { ROLLUP_CLASSES, ROLLUP_FLOWS, ROLLUP_LEVELS, type RollupColumn } from '../../machines/metrics/rollup';
import { lateResolvedTallies, p90OfBucket, pendingNowTallies } from '../store/compliance-queries';
import { rollupComplete, rollupDays } from '../store/rollup-store';
import type { Db } from '../store/db';
import { loadMetricsReference, type MetricsReference } from './compliance-projection';

/** The groupings the rollup answers (it has no per-procedure, per-unit or per-officer rows). */
export const ROLLUP_GROUPINGS: readonly GroupBy[] = ['centre', 'week', 'month'];

const camel = (c: string) => c.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase());

/** Whether the rollup can answer this report (a grouping it keeps, and a complete table). */
export async function rollupServes(db: Db, groupBy: GroupBy): Promise<boolean> {
  return ROLLUP_GROUPINGS.includes(groupBy) && (await rollupComplete(db));
}

export async function complianceFromRollup(
  db: Db,
  opts: { from: string; to: string; groupBy: GroupBy; now: string; calendar: Calendar; reference?: MetricsReference },
): Promise<ComplianceReport> {
  if (!ROLLUP_GROUPINGS.includes(opts.groupBy)) throw new Error(`the rollup does not group by ${opts.groupBy}`);
  const plan = planReport(opts.from, opts.to, opts.groupBy, opts.now, opts.calendar);
  const ref = opts.reference ?? (await loadMetricsReference(db));
  const days = await rollupDays(db, addDays(plan.period.to, 1));
  const levelAt = (day: string, col: RollupColumn) => {
    let n = 0;
    for (const d of days) {
      if (d.day > day) break;
      n += d.values[col];
    }
    return n;
  };
  const results: GroupResults = new Map();
  for (const b of plan.buckets) {
    const cut = plan.clock.cuts[b.key]!;
    const ended = cut.asOf === b.toAt;
    const t = emptyTallies() as unknown as Record<string, number>;
    for (const d of days) {
      if (d.day < b.from || d.day >= b.to) continue;
      for (const c of ROLLUP_FLOWS) t[camel(c)]! += d.values[c];
    }
    for (const c of ROLLUP_LEVELS) if (ended || !(ROLLUP_CLASSES as readonly string[]).includes(c)) t[camel(c)] = levelAt(b.to, c);
    t.carriedOver = levelAt(b.from, 'pending');
    const open = ended
      ? {
          lateApologisedOpen: t.lateApologisedOpen ?? 0,
          lateApologisedTimelyOpen: t.lateApologisedTimelyOpen ?? 0,
          lateExemptedOpen: t.lateExemptedOpen ?? 0,
        }
      : await pendingNowTallies(db, b, cut);
    if (!ended) for (const [k, v] of Object.entries(open)) if (k in t) t[k] = v;
    const late = t.late ? await lateResolvedTallies(db, b, cut) : {};
    const tallies = t as unknown as Tallies;
    tallies.apologised = (late.lateApologisedResolved ?? 0) + (open.lateApologisedOpen ?? 0);
    tallies.apologisedTimely = (late.lateApologisedTimelyResolved ?? 0) + (open.lateApologisedTimelyOpen ?? 0);
    tallies.exempted = (late.lateExemptedResolved ?? 0) + (open.lateExemptedOpen ?? 0);
    tallies.lateDossiers = tallies.late + tallies.pendingLate;
    for (const k of ['lateApologisedOpen', 'lateApologisedTimelyOpen', 'lateExemptedOpen']) delete t[k];
    const p90 = await p90OfBucket(db, b, t.timedResults!);
    results.set(b.key, new Map([[WHOLE_PERIOD_KEY, { tallies, p90 }]]));
  }
  return assembleReport(plan, 'rollup', results, ref.labelOf);
}
