/**
 * The SQL of the metrics fast path (src/metrics/compliance-projection.ts): a period's compliance tallies by
 * SQL aggregation over the dossier projection's indexed columns (db/migrations/20261124000005_metrics.ts).
 * Each figure is one range scan on an indexed instant (received_at, result_at, returned_at, (state,
 * closed_at)) or on the open states, grouped in SQL; the 90th percentile uses window functions; nothing
 * is read row by row. The SQL is the same on SQLite and PostgreSQL: instants are compared as ISO-8601 UTC
 * strings / timestamptz, booleans as truth values.
 *
 * The dossiers pending at a bucket's end are classified (clock stopped, late, due soon, not yet due; an intake
 * answer overdue) with the facts they had then: the interval of their pending-class history
 * (dossier_class_history, machines/metrics/class-history.ts) valid at the end — `valid_from < end ≤ valid_to` —
 * or, for a bucket still running (classified now), the open interval. Those conditions read `h.`, the history.
 */
import type { Knex } from 'knex';
import {
  WHOLE_PERIOD_KEY,
  NO_KEY,
  p90Rank,
  type Bucket,
  type DrillFigure,
  type GroupBy,
  type Tallies,
} from '../../machines/metrics/definitions';
import type { Db } from './db';

/** Which field each procedure version belongs to (the `field` grouping's CASE). */
export interface FieldCase {
  code: string;
  version: number;
  field: string;
}

/**
 * The SQL expression (with its bindings) of a dossier's group key; null = one group. Keys are expressions,
 * never bare columns, so that no planner walks a whole (procedure_code) index to save a sort.
 */
function keyExpression(groupBy: GroupBy, fieldCases: readonly FieldCase[]): { sql: string; bindings: Knex.Value[] } | null {
  switch (groupBy) {
    case 'procedure':
      return { sql: `procedure_code || ''`, bindings: [] };
    case 'channel':
      return { sql: `channel || ''`, bindings: [] };
    case 'unit':
      return { sql: `COALESCE(handling_unit, '${NO_KEY}')`, bindings: [] };
    case 'officer':
      return { sql: `COALESCE(handling_officer, '${NO_KEY}')`, bindings: [] };
    case 'field': {
      if (!fieldCases.length) return { sql: `'${NO_KEY}'`, bindings: [] };
      const whens = fieldCases.map(() => 'WHEN procedure_code = ? AND procedure_version = ? THEN ?').join(' ');
      return { sql: `CASE ${whens} ELSE '${NO_KEY}' END`, bindings: fieldCases.flatMap((c) => [c.code, c.version, c.field]) };
    }
    default:
      return null;
  }
}

const count = (cond: string) => `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;
/** A pending dossier's clock runs (its history interval `h` says so). */
const NOT_STOPPED = 'NOT h.clock_stopped';

interface Aggregate {
  /** a JOIN after `FROM dossiers` (with ?): the history interval `h` the figures classify with */
  join?: SqlCondition;
  /** WHERE clause (with ?) selecting the dossiers the figures count */
  where: string;
  whereBindings: Knex.Value[];
  /** tally → SQL aggregate expression (with ?) */
  figures: [keyof Tallies | string, string, Knex.Value[]][];
}

/** A SQL condition over `dossiers` with its bindings. */
export interface SqlCondition {
  sql: string;
  bindings: Knex.Value[];
}

/** The WHERE of each aggregate and the conditions its figures count, for one bucket. */
function conditionsOf(b: Pick<Bucket, 'fromAt' | 'toAt'>, cut: { asOf: string; dueSoonUntil: string }) {
  const { fromAt: f, toAt: t } = b;
  const { asOf, dueSoonUntil } = cut;
  const c = (sql: string, ...bindings: Knex.Value[]): SqlCondition => ({ sql, bindings });
  // Each OR branch has its own indexable condition, so that SQLite (multi-index OR) and PostgreSQL
  // (BitmapOr) read only the open dossiers (a partial index) and those resolved or withdrawn since,
  // never the whole history. "No result and not closed" is exactly the open states.
  const pendingAt = (at: string) =>
    c(
      `(result_at IS NULL AND closed_at IS NULL AND received_at < ?) OR (result_at >= ? AND received_at < ?) OR (state = 'withdrawn' AND closed_at >= ? AND received_at < ?)`,
      at,
      at,
      at,
      at,
      at,
    );
  // The interval of each dossier's pending-class history valid at the as-of time: at an ended bucket's end, the
  // facts after every event before it; in a running bucket, the open interval (the facts now).
  const ended = Date.parse(asOf) >= Date.parse(t);
  const validAtCut = ended ? c('h.valid_from < ? AND (h.valid_to IS NULL OR h.valid_to >= ?)', t, t) : c('h.valid_to IS NULL');
  const historyOn = c(`h.dossier_id = dossiers.id AND ${validAtCut.sql}`, ...validAtCut.bindings);
  const historyAtCut = c(`dossier_class_history h ON ${historyOn.sql}`, ...historyOn.bindings);
  const lateOpen = c(`${NOT_STOPPED} AND h.original_due_at < ?`, asOf);
  const apologisedBy = c('first_apology_at < ?', asOf);
  const and = (...parts: SqlCondition[]): SqlCondition => ({
    sql: parts.map((p) => `(${p.sql})`).join(' AND '),
    bindings: parts.flatMap((p) => p.bindings),
  });
  return {
    where: {
      received: c('received_at >= ? AND received_at < ?', f, t),
      resolved: c('result_at >= ? AND result_at < ?', f, t),
      returned: c('returned_at >= ? AND returned_at < ?', f, t),
      closed: c(`state IN ('withdrawn', 'refused_intake') AND closed_at >= ? AND closed_at < ?`, f, t),
      pending: pendingAt(t),
      pendingAtStart: pendingAt(f),
      resultsNotCollected: c(`(state = 'result' AND result_at < ?) OR (returned_at >= ? AND result_at < ?)`, t, t, t),
      lateSupplement: c('late_supplement_at >= ? AND late_supplement_at < ?', f, t),
      intakeLate: c('intake_late_at >= ? AND intake_late_at < ?', f, t),
      // Waiting at the as-of time (an answer before it would be in the interval), past its due time then.
      intakeOverdue: c('h.intake_answered_at IS NULL AND h.intake_due_by IS NOT NULL AND h.intake_due_by < ?', asOf),
    },
    historyAtCut,
    historyOn,
    lateResolved: c(`final_timeliness = 'late'`),
    lateOpen,
    apologisedBy,
    exemptedBy: c('(first_apology_at IS NULL OR NOT (first_apology_at < ?)) AND first_exemption_at < ?', asOf, asOf),
    timelyApology: and(apologisedBy, c('apology_timely')),
    pendingDueSoon: c(`${NOT_STOPPED} AND h.original_due_at >= ? AND h.original_due_at <= ?`, asOf, dueSoonUntil),
    pendingNotYetDue: c(`${NOT_STOPPED} AND (h.original_due_at > ? OR h.original_due_at IS NULL)`, dueSoonUntil),
    clockStopped: c('h.clock_stopped'),
    and,
  };
}

/** The aggregates of one bucket: each a scan of one index range. */
function aggregatesFor(b: Bucket, cut: { asOf: string; dueSoonUntil: string }): Aggregate[] {
  const k = conditionsOf(b, cut);
  const counted = (name: string, cond: SqlCondition): [string, string, Knex.Value[]] => [name, count(cond.sql), cond.bindings];
  const agg = (where: SqlCondition, figures: Aggregate['figures'], join?: SqlCondition): Aggregate => ({
    where: where.sql,
    whereBindings: where.bindings,
    figures,
    ...(join ? { join } : {}),
  });
  return [
    agg(k.where.received, [
      ['received', 'COUNT(*)', []],
      ['receivedCounter', count(`channel = 'counter'`), []],
      ['receivedOnline', count(`channel = 'online'`), []],
      ['receivedPostal', count(`channel = 'postal'`), []],
      ['digitisedReceipts', count('receipt_digitised'), []],
      ['reusedReceipts', count('receipt_reused'), []],
    ]),
    agg(k.where.resolved, [
      ['resolved', 'COUNT(*)', []],
      ['approved', count(`outcome = 'approved'`), []],
      ['refusedResult', count(`outcome = 'refused'`), []],
      ['early', count(`final_timeliness = 'early'`), []],
      ['onTime', count(`final_timeliness = 'on_time'`), []],
      counted('late', k.lateResolved),
      ['digitisedResults', count('result_digitised'), []],
      ['timedResults', count('result_working_ms IS NOT NULL'), []],
      ['workingMsSum', 'SUM(COALESCE(result_working_ms, 0))', []],
      counted('lateApologisedResolved', k.and(k.lateResolved, k.apologisedBy)),
      counted('lateApologisedTimelyResolved', k.and(k.lateResolved, k.timelyApology)),
      counted('lateExemptedResolved', k.and(k.lateResolved, k.exemptedBy)),
      ['pauseExtended', count('pause_extension_ms > 0'), []],
      ['pauseExtensionMsSum', 'SUM(COALESCE(pause_extension_ms, 0))', []],
    ]),
    agg(k.where.returned, [
      ['returned', 'COUNT(*)', []],
      ['returnedCounter', count(`return_method = 'counter'`), []],
      ['returnedPost', count(`return_method = 'post'`), []],
      ['returnedOnline', count(`return_method = 'online'`), []],
      ['rated', count('rating IS NOT NULL'), []],
      ['ratingSum', 'SUM(COALESCE(rating, 0))', []],
      ['satisfied', count('rating >= 4'), []],
    ]),
    agg(k.where.closed, [
      ['withdrawn', count(`state = 'withdrawn'`), []],
      ['refusedIntake', count(`state = 'refused_intake'`), []],
    ]),
    agg(
      k.where.pending,
      [
        ['pending', 'COUNT(*)', []],
        counted('pendingClockStopped', k.clockStopped),
        counted('pendingLate', k.lateOpen),
        counted('pendingDueSoon', k.pendingDueSoon),
        counted('pendingNotYetDue', k.pendingNotYetDue),
        counted('lateApologisedOpen', k.and(k.lateOpen, k.apologisedBy)),
        counted('lateApologisedTimelyOpen', k.and(k.lateOpen, k.timelyApology)),
        counted('lateExemptedOpen', k.and(k.lateOpen, k.exemptedBy)),
      ],
      k.historyAtCut,
    ),
    agg(k.where.pendingAtStart, [['carriedOver', 'COUNT(*)', []]]),
    agg(k.where.resultsNotCollected, [['resultsNotCollected', 'COUNT(*)', []]]),
    agg(k.where.lateSupplement, [['lateSupplementRequests', 'COUNT(*)', []]]),
    agg(k.where.intakeLate, [['intakeAnsweredLate', 'COUNT(*)', []]]),
    agg(k.where.intakeOverdue, [['intakeOverdueWaiting', 'COUNT(*)', []]], k.historyAtCut),
  ];
}

/**
 * Exactly the dossiers one figure counts over the period [fromAt, toAt) classified at `cut` (the
 * report's own as-of instant and due-soon bound): the drill-down behind a dashboard card.
 */
export function figureCondition(
  figure: DrillFigure,
  period: Pick<Bucket, 'fromAt' | 'toAt'>,
  cut: { asOf: string; dueSoonUntil: string },
): SqlCondition {
  const k = conditionsOf(period, cut);
  const { and } = k;
  const c = (sql: string): SqlCondition => ({ sql, bindings: [] });
  const or = (...parts: SqlCondition[]): SqlCondition => ({
    sql: parts.map((p) => `(${p.sql})`).join(' OR '),
    bindings: parts.flatMap((p) => p.bindings),
  });
  // A class at the cut: the dossier's history interval valid then says so (the same `h` conditions as the tally).
  const atCut = (cond: SqlCondition): SqlCondition => ({
    sql: `EXISTS (SELECT 1 FROM dossier_class_history h WHERE ${k.historyOn.sql} AND (${cond.sql}))`,
    bindings: [...k.historyOn.bindings, ...cond.bindings],
  });
  const lateResolved = and(k.where.resolved, k.lateResolved);
  const lateOpen = and(k.where.pending, atCut(k.lateOpen));
  // Neither apologised nor exempted (an exempted late dossier is not "late without apology").
  const notApologised = {
    sql: '(first_apology_at IS NULL OR NOT (first_apology_at < ?)) AND (first_exemption_at IS NULL OR NOT (first_exemption_at < ?))',
    bindings: [...k.apologisedBy.bindings, ...k.apologisedBy.bindings],
  };
  switch (figure) {
    case 'received':
    case 'resolved':
    case 'returned':
    case 'pending':
      return k.where[figure];
    case 'early':
      return and(k.where.resolved, c(`final_timeliness = 'early'`));
    case 'onTime':
      return and(k.where.resolved, c(`final_timeliness = 'on_time'`));
    case 'late':
      return lateResolved;
    case 'pendingLate':
      return lateOpen;
    case 'pendingDueSoon':
      return and(k.where.pending, atCut(k.pendingDueSoon));
    case 'pendingNotYetDue':
      return and(k.where.pending, atCut(k.pendingNotYetDue));
    case 'pendingClockStopped':
      return and(k.where.pending, atCut(k.clockStopped));
    case 'lateDossiers':
      return or(lateResolved, lateOpen);
    case 'apologised':
      return or(and(lateResolved, k.apologisedBy), and(lateOpen, k.apologisedBy));
    case 'apologyMissing':
      return or(and(lateResolved, notApologised), and(lateOpen, notApologised));
    case 'withdrawn':
      return and(k.where.closed, c(`state = 'withdrawn'`));
    case 'refusedIntake':
      return and(k.where.closed, c(`state = 'refused_intake'`));
    case 'digitisedReceipts':
      return and(k.where.received, c('receipt_digitised'));
    case 'reusedReceipts':
      return and(k.where.received, c('receipt_reused'));
    case 'digitisedResults':
      return and(k.where.resolved, c('result_digitised'));
  }
}

async function runAggregate(
  db: Db,
  a: Aggregate,
  key: { sql: string; bindings: Knex.Value[] } | null,
): Promise<Map<string, Record<string, number>>> {
  const cols = a.figures.map(([name, expr]) => `${expr} AS "${name}"`).join(', ');
  const bindings = [...(key?.bindings ?? []), ...a.figures.flatMap(([, , b]) => b), ...(a.join?.bindings ?? []), ...a.whereBindings];
  const from = a.join ? `dossiers JOIN ${a.join.sql}` : 'dossiers';
  const sql = key
    ? `SELECT ${key.sql} AS k, ${cols} FROM ${from} WHERE ${a.where} GROUP BY 1`
    : `SELECT ${cols} FROM ${from} WHERE ${a.where}`;
  const raw = await db.raw(sql, bindings);
  const rows = (Array.isArray(raw) ? raw : (raw as { rows: Record<string, unknown>[] }).rows) as Record<string, unknown>[];
  const out = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const values: Record<string, number> = {};
    for (const [name] of a.figures) values[name] = Number(r[name] ?? 0);
    if (!key && Object.values(values).every((v) => v === 0)) continue;
    out.set(key ? String(r.k) : WHOLE_PERIOD_KEY, values);
  }
  return out;
}

/** Nearest-rank p90 per group in SQL: the row whose rank r satisfies r ≥ 0.9·n > r − 1 (integers only, portable). */
async function p90ByGroup(db: Db, b: Bucket, key: { sql: string; bindings: Knex.Value[] } | null): Promise<Map<string, number>> {
  const k = key?.sql ?? `'${WHOLE_PERIOD_KEY}'`;
  const sql = `SELECT k, ms FROM (
      SELECT k, ms, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ms) AS rn, COUNT(*) OVER (PARTITION BY k) AS cnt
      FROM (SELECT ${k} AS k, result_working_ms AS ms FROM dossiers
            WHERE result_at >= ? AND result_at < ? AND result_working_ms IS NOT NULL) s
    ) ranked WHERE rn * 10 >= cnt * 9 AND (rn - 1) * 10 < cnt * 9`;
  const raw = await db.raw(sql, [...(key?.bindings ?? []), b.fromAt, b.toAt]);
  const rows = (Array.isArray(raw) ? raw : (raw as { rows: Record<string, unknown>[] }).rows) as { k: unknown; ms: unknown }[];
  return new Map(rows.map((r) => [String(r.k), Number(r.ms)]));
}

/** The tallies of one bucket and the 90th percentile of its working times, per group key. */
export interface BucketTallies {
  /** each aggregate's figures (named as the tallies they fill, or lateApologised* parts) by group key */
  aggregates: Map<string, Record<string, number>>[];
  p90: Map<string, number>;
}

/**
 * Runs every aggregate of one bucket, grouped by `groupBy` (week and month: one group, WHOLE_PERIOD_KEY),
 * classified at `cut`. `withCarriedOver` false skips the scan of what was pending at the bucket's start
 * (the caller knows it from the previous bucket).
 */
export async function bucketTallies(
  db: Db,
  b: Bucket,
  cut: { asOf: string; dueSoonUntil: string },
  groupBy: GroupBy,
  fieldCases: readonly FieldCase[],
  withCarriedOver: boolean,
): Promise<BucketTallies> {
  const key = groupBy === 'week' || groupBy === 'month' ? null : keyExpression(groupBy, fieldCases);
  const aggregates = aggregatesFor(b, cut).filter((a) => withCarriedOver || a.figures[0]![0] !== 'carriedOver');
  const results: Map<string, Record<string, number>>[] = [];
  for (const a of aggregates) results.push(await runAggregate(db, a, key));
  return { aggregates: results, p90: await p90ByGroup(db, b, key) };
}

/**
 * For the rollup path (src/metrics/compliance-rollup.ts), what a per-day sum cannot give, one bucket at a time
 * (whole centre): the late results of the bucket split by apology and exemption as of the bucket's as-of time
 * (an apology may come after the result, after the bucket's end), one scan of the bucket's late results.
 */
export async function lateResolvedTallies(db: Db, b: Bucket, cut: { asOf: string; dueSoonUntil: string }): Promise<Record<string, number>> {
  const k = conditionsOf(b, cut);
  const a = aggregatesFor(b, cut)[1]!; // the resolved aggregate: its lateApologised*Resolved and lateExemptedResolved figures
  const wanted = a.figures.filter(([name]) => String(name).startsWith('late') && String(name) !== 'late');
  const where = k.and(k.where.resolved, k.lateResolved);
  const result = await runAggregate(db, { where: where.sql, whereBindings: where.bindings, figures: wanted }, null);
  return result.get(WHOLE_PERIOD_KEY) ?? {};
}

/**
 * For the rollup path, a running bucket (its end not reached: classified now): the dossiers pending now by
 * class, and the online submissions still waiting past their intake due time, from the current rows (the
 * open dossiers' partial index, and the waiting submissions' one).
 */
export async function pendingNowTallies(db: Db, b: Bucket, cut: { asOf: string; dueSoonUntil: string }): Promise<Record<string, number>> {
  if (cut.asOf >= b.toAt) throw new Error('pendingNowTallies is for a bucket that has not ended');
  const pending = aggregatesFor(b, cut).find((a) => a.figures[0]![0] === 'pending')!;
  // The bucket ends after now: nothing has a result or a withdrawal after its end yet, so "pending at its end" is
  // exactly the open dossiers (the partial index), without the other branches of the general condition.
  const open = { ...pending, where: 'result_at IS NULL AND closed_at IS NULL AND received_at < ?', whereBindings: [b.toAt] };
  const out = (await runAggregate(db, open, null)).get(WHOLE_PERIOD_KEY) ?? {};
  const raw = await db.raw('SELECT COUNT(*) AS n FROM dossiers WHERE intake_answered_at IS NULL AND intake_due_by < ?', [cut.asOf]);
  const rows = (Array.isArray(raw) ? raw : (raw as { rows: Record<string, unknown>[] }).rows) as { n: unknown }[];
  return { ...out, intakeOverdueWaiting: Number(rows[0]?.n ?? 0) };
}

/**
 * The nearest-rank 90th percentile of the working time of one bucket's `timed` results (whole centre), for the
 * rollup path, which knows `timed`: the (timed − rank + 1)-th largest value, by the (result_at, final_timeliness,
 * result_working_ms) index and a top-N sort of a tenth of the rows.
 */
export async function p90OfBucket(
  db: Db,
  b: Pick<Bucket, 'fromAt' | 'toAt'>,
  timed: number,
  group?: { column: 'procedure_code' | 'handling_unit'; value: string | null },
): Promise<number | null> {
  if (timed < 1) return null;
  let q = db('dossiers')
    .select('result_working_ms as ms')
    .where('result_at', '>=', b.fromAt)
    .where('result_at', '<', b.toAt)
    .whereNotNull('result_working_ms');
  // one group's: the (procedure_code, result_at) or (handling_unit, result_at) index, which includes the working time
  if (group) q = group.value === null ? q.whereNull(group.column) : q.where(group.column, group.value);
  const rows = (await q
    .orderBy('result_working_ms', 'desc')
    .offset(timed - p90Rank(timed))
    .limit(1)) as { ms: unknown }[];
  return rows.length ? Number(rows[0]!.ms) : null;
}

/** What the rollup by group (day × procedure × unit) cannot hold, for one bucket, per group key. */
export interface GroupExtras {
  /** the pending classes at the as-of time (ROLLUP_CLASSES' tallies: clock stopped, late, due soon, not yet due, the late open dossiers' apology and exemption, intake overdue) */
  classes: Map<string, Record<string, number>>;
  /** the late results split by apology and exemption as of the as-of time */
  late: Map<string, Record<string, number>>;
  /** the nearest-rank 90th percentile of the working times */
  p90: Map<string, number>;
}

/**
 * For the rollup path grouped by procedure or unit (src/metrics/compliance-rollup.ts): per group, what a sum of days
 * cannot give, with the projection's own conditions — the pending classes from the pending-class history at an ended
 * bucket's end (from the open rows while it runs), the late results' apologies and exemptions, and the 90th
 * percentile from each group's `timed` results (the rollup's count). `withLate` false skips the late results' scan
 * (no group has one).
 */
export async function groupExtras(
  db: Db,
  b: Bucket,
  cut: { asOf: string; dueSoonUntil: string },
  groupBy: 'procedure' | 'unit',
  opts: { withLate: boolean; timed: Map<string, number> },
): Promise<GroupExtras> {
  const key = keyExpression(groupBy, [])!;
  const k = conditionsOf(b, cut);
  const aggregates = aggregatesFor(b, cut);
  const ended = Date.parse(cut.asOf) >= Date.parse(b.toAt);
  const pending = aggregates.find((a) => a.figures[0]![0] === 'pending')!;
  const intake = aggregates.find((a) => a.figures[0]![0] === 'intakeOverdueWaiting')!;
  // A running bucket: nothing has a result or a withdrawal after its end yet, so "pending at its end" is exactly the
  // open dossiers (the partial index), as in pendingNowTallies.
  const classesAgg = ended
    ? pending
    : { ...pending, where: 'result_at IS NULL AND closed_at IS NULL AND received_at < ?', whereBindings: [b.toAt] };
  const classes = await runAggregate(db, { ...classesAgg, figures: classesAgg.figures.filter(([name]) => name !== 'pending') }, key);
  // the online submissions waiting past their intake due time: at an ended bucket's end from the history; now, from
  // the rows (the waiting submissions' partial index, as pendingNowTallies)
  const waiting = ended
    ? intake
    : { ...intake, join: undefined, where: 'intake_answered_at IS NULL AND intake_due_by < ?', whereBindings: [cut.asOf] };
  for (const [g, v] of await runAggregate(db, waiting, key)) classes.set(g, { ...(classes.get(g) ?? {}), ...v });
  let late = new Map<string, Record<string, number>>();
  if (opts.withLate) {
    const resolved = aggregates[1]!;
    const wanted = resolved.figures.filter(([name]) => String(name).startsWith('late') && String(name) !== 'late');
    const where = k.and(k.where.resolved, k.lateResolved);
    late = await runAggregate(db, { where: where.sql, whereBindings: where.bindings, figures: wanted }, key);
  }
  // the 90th percentile of each group, which the rollup knows the timed results of: a top-N read of its index
  const p90 = new Map<string, number>();
  const column = groupBy === 'procedure' ? 'procedure_code' : 'handling_unit';
  for (const [g, timed] of opts.timed) {
    const ms = await p90OfBucket(db, b, timed, { column, value: g === NO_KEY && groupBy === 'unit' ? null : g });
    if (ms !== null) p90.set(g, ms);
  }
  return { classes, late, p90 };
}
