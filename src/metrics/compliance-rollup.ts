/**
 * The fast path of the whole-centre, weekly and monthly compliance figures: sums of the compliance rollup
 * (machines/metrics/rollup.ts), which the engine keeps in each event's transaction. One read of the per-day
 * totals — the flows and fixed-instant levels summed over the rollup by group's procedures and units, the pending
 * classes from the per-day table; each count is kept in one table only — serves every bucket — flows summed over the bucket's days, levels (pending, results not collected,
 * and the pending classes of an ended bucket) read at its last midnight — plus, per bucket, the few
 * dossiers a daily sum cannot answer: the late results' apologies as of the bucket's end (one range of late
 * results), the 90th percentile (one range of results), and for a bucket still running the pending classes
 * now (the open dossiers).
 *
 * A closed bucket's pending classes are those of its last midnight, from the dossier's state at that
 * midnight: exact, whatever happened later.
 *
 * By procedure and by unit (issue 16): the flows, pending, results not collected and the carry-over are sums of the
 * rollup by group (the digitisation rollup's table, day × procedure × unit: machines/metrics/digitisation-rollup.ts);
 * what depends on a dossier's history or on single rows is read per group with the projection's own SQL: the pending
 * classes from the pending-class history at an ended period's end (the open rows while it runs), the late results'
 * apologies and exemptions, and the 90th percentile.
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
import { ROLLUP_CLASSES, ROLLUP_COLUMNS, ROLLUP_FLOWS, ROLLUP_LEVELS, type RollupColumn } from '../../machines/metrics/rollup';
import { NO_KEY } from '../../machines/metrics/definitions';
import { NO_UNIT } from '../../machines/metrics/digitisation-rollup';
import { groupExtras, lateResolvedTallies, p90OfBucket, pendingNowTallies } from '../store/compliance-queries';
import { rollupComplete, rollupDays } from '../store/rollup-store';
import { groupComplianceSums, groupRollupDays } from '../store/digitisation-rollup-store';
import type { Db } from '../store/db';
import { loadMetricsReference, type MetricsReference } from './compliance-projection';

/** The groupings the rollup answers: by day (centre, week, month) and by the rollup by group's keys (it has no per-officer, field or channel rows). */
export const ROLLUP_GROUPINGS: readonly GroupBy[] = ['centre', 'week', 'month', 'procedure', 'unit'];
/** The groupings read from the rollup by group (day × procedure × unit), which its migration fills: complete whatever the per-day table's state. */
const BY_GROUP: readonly GroupBy[] = ['procedure', 'unit'];

const camel = (c: string) => c.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase());

/** Whether the rollup can answer this report (a grouping it keeps, and a complete table). */
export async function rollupServes(db: Db, groupBy: GroupBy): Promise<boolean> {
  return BY_GROUP.includes(groupBy) || (ROLLUP_GROUPINGS.includes(groupBy) && (await rollupComplete(db)));
}

/**
 * The whole centre's per-day totals of every day before `beforeDay`, in day order: the rollup by group's sums over its
 * groups and the per-day table's pending classes (a day absent from one reads as zeros there).
 */
async function centreDays(db: Db, beforeDay: string): Promise<{ day: string; values: Record<RollupColumn, number> }[]> {
  const [flows, classes] = [await groupRollupDays(db, beforeDay), await rollupDays(db, beforeDay)];
  const byDay = new Map<string, Record<RollupColumn, number>>();
  const zeros = () => Object.fromEntries(ROLLUP_COLUMNS.map((c) => [c, 0])) as Record<RollupColumn, number>;
  for (const d of [...flows, ...classes]) {
    let v = byDay.get(d.day);
    if (!v) byDay.set(d.day, (v = zeros()));
    Object.assign(v, d.values);
  }
  return [...byDay].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([day, values]) => ({ day, values }));
}

/** Folds the apologies and exemptions of the late results and the late open dossiers into the report's figures. */
function lateFigures(t: Record<string, number>, late: Record<string, number>): Tallies {
  const tallies = t as unknown as Tallies;
  tallies.apologised = (late.lateApologisedResolved ?? 0) + (t.lateApologisedOpen ?? 0);
  tallies.apologisedTimely = (late.lateApologisedTimelyResolved ?? 0) + (t.lateApologisedTimelyOpen ?? 0);
  tallies.exempted = (late.lateExemptedResolved ?? 0) + (t.lateExemptedOpen ?? 0);
  tallies.lateDossiers = tallies.late + tallies.pendingLate;
  for (const k of ['lateApologisedOpen', 'lateApologisedTimelyOpen', 'lateExemptedOpen']) delete t[k];
  return tallies;
}

/** The report by procedure or by unit: one bucket, the rollup by group's sums and, per group, what a sum cannot hold. */
async function byGroupFromRollup(db: Db, plan: ReturnType<typeof planReport>, groupBy: 'procedure' | 'unit'): Promise<GroupResults> {
  const b = plan.buckets[0]!;
  const cut = plan.clock.cuts[b.key]!;
  const sums = await groupComplianceSums(db, b.from, b.to, groupBy === 'procedure' ? 'procedure_code' : 'handling_unit');
  const keyOf = (k: string) => (groupBy === 'unit' && k === NO_UNIT ? NO_KEY : k);
  const timed = new Map<string, number>();
  for (const r of sums) if (r.values.timed_results) timed.set(keyOf(r.key), (timed.get(keyOf(r.key)) ?? 0) + r.values.timed_results);
  const extras = await groupExtras(db, b, cut, groupBy, { withLate: sums.some((r) => r.values.late > 0), timed });
  const groups = new Map<string, { tallies: Tallies; p90: number | null }>();
  const tallyOf = (key: string) => {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { tallies: emptyTallies(), p90: null }));
    return g.tallies as unknown as Record<string, number>;
  };
  for (const r of sums) {
    const t = tallyOf(keyOf(r.key));
    for (const c of ROLLUP_FLOWS) t[camel(c)]! += r.values[c];
    t.pending! += r.values.pending;
    t.resultsNotCollected! += r.values.results_not_collected;
    t.carriedOver! += r.values.carried_over;
  }
  for (const [key, v] of extras.classes) {
    const t = tallyOf(key);
    for (const c of ROLLUP_CLASSES) t[camel(c)] = v[camel(c)] ?? 0;
  }
  for (const [key, g] of groups) {
    const t = g.tallies as unknown as Record<string, number>;
    for (const c of ROLLUP_CLASSES) t[camel(c)] ??= 0;
    g.tallies = lateFigures(t, extras.late.get(key) ?? {});
    g.p90 = extras.p90.get(key) ?? null;
  }
  // a key whose dossiers all moved to another unit, or with nothing in this period: not a group (as the projection lists them)
  for (const [key, g] of groups) if (!Object.values(g.tallies).some((v) => v !== 0)) groups.delete(key);
  return new Map([[WHOLE_PERIOD_KEY, groups]]);
}

export async function complianceFromRollup(
  db: Db,
  opts: { from: string; to: string; groupBy: GroupBy; now: string; calendar: Calendar; reference?: MetricsReference },
): Promise<ComplianceReport> {
  if (!ROLLUP_GROUPINGS.includes(opts.groupBy)) throw new Error(`the rollup does not group by ${opts.groupBy}`);
  const plan = planReport(opts.from, opts.to, opts.groupBy, opts.now, opts.calendar);
  const ref = opts.reference ?? (await loadMetricsReference(db));
  if (opts.groupBy === 'procedure' || opts.groupBy === 'unit')
    return assembleReport(plan, 'rollup', await byGroupFromRollup(db, plan, opts.groupBy), ref.labelOf);
  const days = await centreDays(db, addDays(plan.period.to, 1));
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
    Object.assign(t, open);
    const tallies = lateFigures(t, late);
    const p90 = await p90OfBucket(db, b, t.timedResults!);
    results.set(b.key, new Map([[WHOLE_PERIOD_KEY, { tallies, p90 }]]));
  }
  return assembleReport(plan, 'rollup', results, ref.labelOf);
}
