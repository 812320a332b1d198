/**
 * The digitisation and reuse rates the provincial plans judge (issue 14, docs/metrics.md "Channels, digitisation,
 * satisfaction") for a period, by centre, procedure, handling unit, week or month, summed from the digitisation
 * rollup (machines/metrics/digitisation-rollup.ts): one grouped read of a table of day × procedure × unit rows,
 * whatever the number of dossiers. The same figures of the full compliance report (the projection's SQL, the events
 * alone) are picked out by `digitisationOfReport`, which is how metrics:verify compares the three.
 */
import type { Calendar } from '../../machines/calendar';
import {
  assembleReport,
  deriveFigures,
  emptyTallies,
  NO_KEY,
  planReport,
  WHOLE_PERIOD_KEY,
  type ComplianceFigures,
  type ComplianceReport,
  type GroupResults,
} from '../../machines/metrics/definitions';
import { NO_UNIT, type DIGITISATION_FLOWS, type DigitisationGroupBy } from '../../machines/metrics/digitisation-rollup';

type DigitisationColumn = (typeof DIGITISATION_FLOWS)[number];
import { digitisationSums, type DigitisationKey } from '../store/digitisation-rollup-store';
import type { Db } from '../store/db';
import type { MetricsDifference } from './compliance-from-events';
import { loadMetricsReference, type MetricsReference } from './compliance-projection';

/** The figures of the digitisation report: the three rates and the counts they divide. */
export const DIGITISATION_FIGURES = [
  'received',
  'digitisedReceipts',
  'receiptDigitisedShare',
  'reusedReceipts',
  'reuseShare',
  'resolved',
  'digitisedResults',
  'digitisedShare',
] as const;
export type DigitisationFigures = Pick<ComplianceFigures, (typeof DIGITISATION_FIGURES)[number]>;

export interface DigitisationReport {
  from: string;
  to: string;
  groupBy: DigitisationGroupBy;
  generatedAt: string;
  source: ComplianceReport['source'];
  groups: { key: string; label: string; figures: DigitisationFigures }[];
}

const pick = (f: ComplianceFigures): DigitisationFigures =>
  Object.fromEntries(DIGITISATION_FIGURES.map((k) => [k, f[k]])) as unknown as DigitisationFigures;

/** The digitisation figures of a full compliance report (same groups). */
export function digitisationOfReport(r: ComplianceReport): DigitisationReport {
  return {
    from: r.from,
    to: r.to,
    groupBy: r.groupBy as DigitisationGroupBy,
    generatedAt: r.generatedAt,
    source: r.source,
    groups: r.groups.map((g) => ({ key: g.key, label: g.label, figures: pick(g.figures) })),
  };
}

const TALLY_OF: Record<DigitisationColumn, 'received' | 'digitisedReceipts' | 'reusedReceipts' | 'resolved' | 'digitisedResults'> = {
  received: 'received',
  digitised_receipts: 'digitisedReceipts',
  reused_receipts: 'reusedReceipts',
  resolved: 'resolved',
  digitised_results: 'digitisedResults',
};

const KEY_OF: Record<DigitisationGroupBy, DigitisationKey> = {
  centre: 'day',
  week: 'day',
  month: 'day',
  procedure: 'procedure_code',
  unit: 'handling_unit',
};

export async function digitisationFromRollup(
  db: Db,
  opts: { from: string; to: string; groupBy: DigitisationGroupBy; now: string; calendar: Calendar; reference?: MetricsReference },
): Promise<DigitisationReport> {
  const plan = planReport(opts.from, opts.to, opts.groupBy, opts.now, opts.calendar);
  const ref = opts.reference ?? (await loadMetricsReference(db));
  const rows = await digitisationSums(db, plan.period.from, plan.period.to, KEY_OF[opts.groupBy]);
  const results: GroupResults = new Map();
  const tallyOf = (bucket: string, key: string) => {
    const groups = results.get(bucket) ?? results.set(bucket, new Map()).get(bucket)!;
    return (groups.get(key) ?? groups.set(key, { tallies: emptyTallies(), p90: null }).get(key)!).tallies;
  };
  for (const r of rows) {
    if (!Object.values(r.values).some((v) => v !== 0)) continue; // a key whose dossiers all moved elsewhere
    const [bucket, key] =
      KEY_OF[opts.groupBy] !== 'day'
        ? [WHOLE_PERIOD_KEY, r.key === NO_UNIT && opts.groupBy === 'unit' ? NO_KEY : r.key]
        : [plan.buckets.find((b) => r.key >= b.from && r.key < b.to)!.key, WHOLE_PERIOD_KEY];
    const t = tallyOf(bucket, key);
    for (const [c, v] of Object.entries(r.values) as [DigitisationColumn, number][]) t[TALLY_OF[c]] += v;
  }
  return digitisationOfReport(assembleReport(plan, 'rollup', results, ref.labelOf));
}

/** Every figure of every group that differs (a group missing from one side reads as zeros). */
export function compareDigitisation(fast: DigitisationReport, slow: DigitisationReport): MetricsDifference[] {
  const zero = pick(deriveFigures(emptyTallies(), null));
  const fastBy = new Map(fast.groups.map((g) => [g.key, g.figures]));
  const slowBy = new Map(slow.groups.map((g) => [g.key, g.figures]));
  const diffs: MetricsDifference[] = [];
  for (const group of [...new Set([...fastBy.keys(), ...slowBy.keys()])].sort()) {
    const a = fastBy.get(group) ?? zero;
    const b = slowBy.get(group) ?? zero;
    for (const metric of DIGITISATION_FIGURES) if (a[metric] !== b[metric]) diffs.push({ group, metric, fast: a[metric], slow: b[metric] });
  }
  return diffs;
}
