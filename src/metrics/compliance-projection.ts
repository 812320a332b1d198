/**
 * The fast path: a period's compliance figures from the dossier projection, by SQL aggregation
 * (src/store/compliance-queries.ts runs the queries; this module plans the buckets, folds the
 * aggregates into tallies and names the groups).
 */
import { UNITS } from '../../machines/procedures';
import { CHANNEL_LABELS } from '../../machines/vocabulary';
import {
  assembleReport,
  emptyTallies,
  NO_KEY,
  planReport,
  WHOLE_PERIOD_KEY,
  type Bucket,
  type ComplianceReport,
  type GroupBy,
  type GroupResults,
  type ReportPlan,
  type Tallies,
} from '../../machines/metrics/definitions';
import type { Calendar } from '../../machines/calendar';
import { bucketTallies, type FieldCase } from '../store/compliance-queries';
import { listProcedureDefinitions } from '../store/procedure-store';
import type { Db } from '../store/db';

/** Reference data the groupings need: procedure names and fields by (code, version). */
export interface MetricsReference {
  fieldOf(code: string, version: number): string;
  labelOf(groupBy: GroupBy, key: string): string;
  fieldCases: FieldCase[];
}

export async function loadMetricsReference(db: Db): Promise<MetricsReference> {
  const fieldCases: MetricsReference['fieldCases'] = [];
  const procedureNames = new Map<string, string>();
  const fieldNames = new Map<string, string>();
  for (const r of await listProcedureDefinitions(db)) {
    const def = JSON.parse(r.definition) as { name?: string; field?: { code?: string; name?: string } };
    const field = def.field?.code ?? NO_KEY;
    fieldCases.push({ code: r.code, version: r.version, field });
    if (def.name) procedureNames.set(r.code, def.name); // ordered by version: the latest name wins
    if (def.field?.code && def.field.name) fieldNames.set(def.field.code, def.field.name);
  }
  const byVersion = new Map(fieldCases.map((c) => [`${c.code}@${c.version}`, c.field]));
  return {
    fieldCases,
    fieldOf: (code, version) => byVersion.get(`${code}@${version}`) ?? NO_KEY,
    labelOf(groupBy, key) {
      if (key === NO_KEY) return groupBy === 'officer' ? '(chưa phân công)' : '(không rõ)';
      switch (groupBy) {
        case 'centre':
          return 'Toàn trung tâm';
        case 'procedure':
          return procedureNames.get(key) ? `${key} ${procedureNames.get(key)}` : key;
        case 'field':
          return fieldNames.get(key) ?? key;
        case 'unit':
          return UNITS.find((u) => u.code === key)?.name ?? key;
        case 'channel':
          return (CHANNEL_LABELS as Record<string, string>)[key] ?? key;
        default:
          return key;
      }
    },
  };
}

/**
 * Runs every aggregate of one bucket and folds them into tallies per group key. `carriedOver`: the
 * previous bucket's pending count (the same instant), which spares a scan for consecutive buckets.
 */
async function bucketResults(
  db: Db,
  plan: ReportPlan,
  b: Bucket,
  ref: MetricsReference,
  carriedOver?: number,
): Promise<Map<string, { tallies: Tallies; p90: number | null }>> {
  const cut = plan.clock.cuts[b.key]!;
  const groups = new Map<string, { tallies: Tallies; p90: number | null }>();
  const groupOf = (k: string) => {
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { tallies: emptyTallies(), p90: null }));
    return g;
  };
  if (carriedOver) groupOf(WHOLE_PERIOD_KEY).tallies.carriedOver = carriedOver;
  const figures = await bucketTallies(db, b, cut, plan.groupBy, ref.fieldCases, carriedOver === undefined);
  for (const aggregate of figures.aggregates) {
    for (const [k, v] of aggregate) {
      const t = groupOf(k).tallies as unknown as Record<string, number>;
      for (const [name, n] of Object.entries(v)) if (name in t) t[name] = n;
      const tt = groupOf(k).tallies;
      tt.apologised += (v.lateApologisedResolved ?? 0) + (v.lateApologisedOpen ?? 0);
      tt.apologisedTimely += (v.lateApologisedTimelyResolved ?? 0) + (v.lateApologisedTimelyOpen ?? 0);
      tt.exempted += (v.lateExemptedResolved ?? 0) + (v.lateExemptedOpen ?? 0);
    }
  }
  for (const g of groups.values()) g.tallies.lateDossiers = g.tallies.late + g.tallies.pendingLate;
  for (const [k, ms] of figures.p90) groupOf(k).p90 = ms;
  return groups;
}

/**
 * The compliance report for [from, to) (local dates) grouped by `groupBy`, from the projection.
 * `now` fixes the as-of instant of a running period; `cal` the due-soon bound (the current calendar).
 */
export async function complianceFromProjection(
  db: Db,
  opts: { from: string; to: string; groupBy: GroupBy; now: string; calendar: Calendar; reference?: MetricsReference },
): Promise<ComplianceReport> {
  const plan = planReport(opts.from, opts.to, opts.groupBy, opts.now, opts.calendar);
  const ref = opts.reference ?? (await loadMetricsReference(db));
  const results: GroupResults = new Map();
  let pending: number | undefined;
  for (const b of plan.buckets) {
    const groups = await bucketResults(db, plan, b, ref, pending);
    results.set(b.key, groups);
    // Consecutive week/month buckets: what is pending at one's end is carried over into the next.
    pending = plan.buckets.length > 1 ? (groups.get(WHOLE_PERIOD_KEY)?.tallies.pending ?? 0) : undefined;
  }
  return assembleReport(plan, 'projection', results, ref.labelOf);
}
