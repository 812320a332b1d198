/**
 * The compliance metrics as data: every figure's name, kind and the rule it follows (docs/metrics.md
 * says the same in prose), the period and grouping vocabulary, and the arithmetic that turns a
 * group's tallies into rates. Both the SQL fast path and the events-only path produce Tallies; this
 * module alone derives the figures from them. Pure: no I/O, no clock.
 */
import { addDays, addWorkingTime, toInstant, weekday, type Calendar } from '../calendar';
import { APOLOGY_STATUS_LABELS, OUTCOME_LABELS } from '../vocabulary';

export const GROUP_BYS = ['centre', 'procedure', 'field', 'unit', 'officer', 'channel', 'week', 'month'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

/** The key of a dossier without a value for the grouping (e.g. no officer assigned yet). */
export const NO_KEY = '(none)';

/** Counts and sums per group; everything here adds up across dossiers. */
export interface Tallies {
  received: number;
  receivedCounter: number;
  receivedOnline: number;
  receivedPostal: number;
  carriedOver: number;
  resolved: number;
  approved: number;
  refusedResult: number;
  early: number;
  onTime: number;
  late: number;
  digitisedResults: number;
  /** received in the period with every required document stored as a file at receipt */
  digitisedReceipts: number;
  /** received in the period reusing at least one document of an earlier dossier */
  reusedReceipts: number;
  timedResults: number;
  workingMsSum: number;
  returned: number;
  returnedCounter: number;
  returnedPost: number;
  returnedOnline: number;
  withdrawn: number;
  refusedIntake: number;
  pending: number;
  pendingNotYetDue: number;
  pendingDueSoon: number;
  pendingLate: number;
  pendingClockStopped: number;
  resultsNotCollected: number;
  lateDossiers: number;
  apologised: number;
  apologisedTimely: number;
  rated: number;
  ratingSum: number;
  satisfied: number;
  lateSupplementRequests: number;
  /** late dossiers with an approved exemption and no apology (as of the cut): neither apologised nor "without apology" */
  exempted: number;
  /** resolved in the period with a statutory due date moved by pauses */
  pauseExtended: number;
  /** working time pauses moved those dossiers' due dates, summed (ms) */
  pauseExtensionMsSum: number;
  /** online submissions whose first intake answer in the period came after 8 working hours */
  intakeAnsweredLate: number;
  /** online submissions still waiting for the intake answer at the as-of time, past their 8 working hours */
  intakeOverdueWaiting: number;
}

export const TALLY_KEYS = [
  'received',
  'receivedCounter',
  'receivedOnline',
  'receivedPostal',
  'carriedOver',
  'resolved',
  'approved',
  'refusedResult',
  'early',
  'onTime',
  'late',
  'digitisedResults',
  'digitisedReceipts',
  'reusedReceipts',
  'timedResults',
  'workingMsSum',
  'returned',
  'returnedCounter',
  'returnedPost',
  'returnedOnline',
  'withdrawn',
  'refusedIntake',
  'pending',
  'pendingNotYetDue',
  'pendingDueSoon',
  'pendingLate',
  'pendingClockStopped',
  'resultsNotCollected',
  'lateDossiers',
  'apologised',
  'apologisedTimely',
  'rated',
  'ratingSum',
  'satisfied',
  'lateSupplementRequests',
  'exempted',
  'pauseExtended',
  'pauseExtensionMsSum',
  'intakeAnsweredLate',
  'intakeOverdueWaiting',
] as const satisfies readonly (keyof Tallies)[];

export function emptyTallies(): Tallies {
  return Object.fromEntries(TALLY_KEYS.map((k) => [k, 0])) as unknown as Tallies;
}

export function addTallies(into: Tallies, more: Partial<Tallies>): Tallies {
  for (const k of TALLY_KEYS) into[k] += more[k] ?? 0;
  return into;
}

/** Every figure reported for a group: the tallies and what is derived from them. Rates are 0–1, null with no denominator. */
export interface ComplianceFigures extends Tallies {
  toProcess: number;
  refused: number;
  apologisedLate: number;
  apologyMissing: number;
  onTimeRate: number | null;
  lateRateGiaLai: number | null;
  onTimeRateGiaLai: number | null;
  avgWorkingMsToResult: number | null;
  p90WorkingMsToResult: number | null;
  apologyRate: number | null;
  timelyApologyRate: number | null;
  onlineShare: number | null;
  postalShare: number | null;
  digitisedShare: number | null;
  receiptDigitisedShare: number | null;
  reuseShare: number | null;
  ratingAverage: number | null;
  satisfactionRate: number | null;
}

const rate = (num: number, den: number): number | null => (den > 0 ? Math.round((num / den) * 10_000) / 10_000 : null);

/** The one place figures are derived from tallies (and the p90 each path computes its own way). */
export function deriveFigures(t: Tallies, p90WorkingMs: number | null): ComplianceFigures {
  const toProcess = t.received + t.carriedOver;
  const lateRate = rate(t.pendingLate + t.late, toProcess);
  return {
    ...t,
    toProcess,
    refused: t.refusedIntake + t.refusedResult,
    apologisedLate: t.apologised - t.apologisedTimely,
    // An exempted late dossier is counted apart: it is not late without an apology.
    apologyMissing: t.lateDossiers - t.apologised - t.exempted,
    onTimeRate: rate(t.early + t.onTime, t.resolved),
    lateRateGiaLai: lateRate,
    onTimeRateGiaLai: lateRate === null ? null : Math.round((1 - lateRate) * 10_000) / 10_000,
    avgWorkingMsToResult: t.timedResults > 0 ? Math.round(t.workingMsSum / t.timedResults) : null,
    p90WorkingMsToResult: p90WorkingMs,
    apologyRate: rate(t.apologised, t.lateDossiers),
    timelyApologyRate: rate(t.apologisedTimely, t.lateDossiers),
    onlineShare: rate(t.receivedOnline, t.received),
    postalShare: rate(t.receivedPostal, t.received),
    digitisedShare: rate(t.digitisedResults, t.resolved),
    receiptDigitisedShare: rate(t.digitisedReceipts, t.received),
    reuseShare: rate(t.reusedReceipts, t.received),
    ratingAverage: t.rated > 0 ? Math.round((t.ratingSum / t.rated) * 100) / 100 : null,
    satisfactionRate: rate(t.satisfied, t.rated),
  };
}

/** Nearest-rank 90th percentile of `sorted` (ascending): the value at rank ⌈0.9·n⌉. */
export function p90Rank(n: number): number {
  return Math.ceil((n * 9) / 10);
}

/**
 * The figures a dashboard card can open as a list of dossiers: each is exactly the rows its tally
 * counts (figureCondition in src/store/compliance-queries.ts), so a card's number and its list's length are the same by construction.
 */
export const DRILL_FIGURES = [
  'received',
  'resolved',
  'early',
  'onTime',
  'late',
  'pending',
  'pendingLate',
  'pendingDueSoon',
  'pendingNotYetDue',
  'pendingClockStopped',
  'lateDossiers',
  'apologised',
  'apologyMissing',
  'returned',
  'withdrawn',
  'refusedIntake',
  'digitisedReceipts',
  'reusedReceipts',
  'digitisedResults',
] as const;
export type DrillFigure = (typeof DRILL_FIGURES)[number];

export type MetricKind = 'count' | 'rate' | 'duration' | 'average';

export interface MetricDefinition {
  key: keyof ComplianceFigures;
  label: string;
  kind: MetricKind;
  rule: string;
}

const def = (key: keyof ComplianceFigures, kind: MetricKind, label: string, rule: string): MetricDefinition => ({ key, kind, label, rule });

/** Every figure, in report order; `rule` is the definition docs/metrics.md explains. */
export const METRIC_DEFINITIONS: readonly MetricDefinition[] = [
  def('received', 'count', 'Tiếp nhận trong kỳ', 'received (clock started) in the period'),
  def('receivedCounter', 'count', 'Tiếp nhận trực tiếp', 'received in the period, submitted at the counter'),
  def('receivedOnline', 'count', 'Tiếp nhận trực tuyến', 'received in the period, submitted online'),
  def('receivedPostal', 'count', 'Tiếp nhận qua bưu chính', 'received in the period, submitted by post'),
  def('carriedOver', 'count', 'Kỳ trước chuyển qua', 'received before the period and still pending at its start'),
  def('toProcess', 'count', 'Cần xử lý', 'received + carried over (Gia Lai "Cần xử lý")'),
  def('resolved', 'count', 'Đã giải quyết', 'a result (approval or written refusal) recorded in the period'),
  def('approved', 'count', 'Giải quyết chấp thuận', 'resolved with an approval'),
  def('refusedResult', 'count', OUTCOME_LABELS.refused, 'resolved with a written refusal (a refusal is a result)'),
  def('early', 'count', 'Trước hạn', 'resolved on a local date before the statutory due date'),
  def('onTime', 'count', 'Đúng hạn', 'resolved on the due date, not after the due time'),
  def('late', 'count', 'Trễ hạn', 'resolved after the statutory due date (an apology does not move it)'),
  def('onTimeRate', 'rate', 'Tỷ lệ đúng hạn', '(early + on time) ÷ resolved'),
  def('lateRateGiaLai', 'rate', 'Tỷ lệ trễ hạn (cách tính Gia Lai)', '(late in progress + late resolved) ÷ to process'),
  def('onTimeRateGiaLai', 'rate', 'Tỷ lệ đúng hạn (cách tính Gia Lai)', '1 − late rate (Gia Lai)'),
  def('timedResults', 'count', 'Số hồ sơ tính thời gian', 'resolved dossiers whose working time to result is known'),
  def('workingMsSum', 'duration', 'Tổng thời gian làm việc', 'sum of working time to result over resolved dossiers (ms)'),
  def('avgWorkingMsToResult', 'duration', 'Thời gian giải quyết trung bình', 'average working time to result over resolved dossiers (ms)'),
  def(
    'p90WorkingMsToResult',
    'duration',
    'Thời gian giải quyết (bách phân vị 90)',
    'nearest-rank 90th percentile of working time to result (ms)',
  ),
  def('digitisedResults', 'count', 'Kết quả được số hóa', 'resolved with a digitised (electronic) result'),
  def('digitisedShare', 'rate', 'Tỷ lệ số hóa kết quả', 'digitised results ÷ resolved'),
  def('digitisedReceipts', 'count', 'Hồ sơ được số hóa khi tiếp nhận', 'received with every required document stored as a file at receipt'),
  def('receiptDigitisedShare', 'rate', 'Tỷ lệ số hóa hồ sơ', 'digitised receipts ÷ received'),
  def('reusedReceipts', 'count', 'Hồ sơ sử dụng lại dữ liệu đã số hóa', 'received reusing a document of an earlier dossier'),
  def('reuseShare', 'rate', 'Tỷ lệ khai thác, sử dụng lại dữ liệu đã số hóa', 'reused receipts ÷ received'),
  def('returned', 'count', 'Đã trả kết quả', 'result handed back in the period'),
  def('returnedCounter', 'count', 'Trả trực tiếp', 'returned in the period at the counter'),
  def('returnedPost', 'count', 'Trả qua bưu chính', 'returned in the period by post'),
  def('returnedOnline', 'count', 'Trả trực tuyến', 'returned in the period online'),
  def('resultsNotCollected', 'count', 'Có kết quả chưa trả', 'a result before the period end, not returned by then'),
  def('withdrawn', 'count', 'Rút hồ sơ', 'withdrawn by the applicant in the period'),
  def('refusedIntake', 'count', 'Từ chối tiếp nhận', 'refused at intake in the period (never received)'),
  def('refused', 'count', 'Từ chối (tổng)', 'refused at intake + refused as a result'),
  def('pending', 'count', 'Đang giải quyết cuối kỳ', 'received, with neither a result nor a withdrawal before the period end'),
  def('pendingNotYetDue', 'count', 'Chưa đến hạn', 'pending, due date more than one office day after the as-of time'),
  def('pendingDueSoon', 'count', 'Sắp đến hạn', 'pending, at most one office day of working time left at the as-of time'),
  def('pendingLate', 'count', 'Trễ hạn đang xử lý', 'pending, statutory due date before the as-of time'),
  def('pendingClockStopped', 'count', 'Tạm dừng / chờ bổ sung', 'pending, clock stopped (awaiting a supplement or paused)'),
  def('lateDossiers', 'count', 'Hồ sơ trễ hạn', 'late resolved + late in progress'),
  def('apologised', 'count', 'Đã xin lỗi', 'late dossiers with an apology issued before the as-of time'),
  def('apologisedTimely', 'count', 'Xin lỗi đúng thời hạn', 'apologised, the first apology issued by its deadline (before the due date)'),
  def('apologisedLate', 'count', APOLOGY_STATUS_LABELS.late, 'apologised, the first apology issued after its deadline'),
  def(
    'exempted',
    'count',
    APOLOGY_STATUS_LABELS.exempted,
    'late dossiers without an apology but with an exemption approved by a leader before the as-of time (force majeure or the applicant’s fault)',
  ),
  def('apologyMissing', 'count', 'Chưa xin lỗi', 'late dossiers with neither an apology nor an approved exemption'),
  def('apologyRate', 'rate', 'Tỷ lệ xin lỗi', 'apologised ÷ late dossiers (target 100%)'),
  def('timelyApologyRate', 'rate', 'Tỷ lệ xin lỗi đúng hạn', 'apologised timely ÷ late dossiers'),
  def('onlineShare', 'rate', 'Tỷ lệ trực tuyến', 'received online ÷ received'),
  def('postalShare', 'rate', 'Tỷ lệ bưu chính', 'received by post ÷ received'),
  def('rated', 'count', 'Số lượt đánh giá', 'returned in the period with a rating (1–5)'),
  def('ratingSum', 'count', 'Tổng điểm đánh giá', 'sum of those ratings'),
  def('ratingAverage', 'average', 'Điểm đánh giá trung bình', 'rating sum ÷ rated'),
  def('satisfied', 'count', 'Hài lòng', 'rated 4 or 5'),
  def('satisfactionRate', 'rate', 'Tỷ lệ hài lòng', 'satisfied ÷ rated'),
  def(
    'lateSupplementRequests',
    'count',
    'Yêu cầu bổ sung quá hạn',
    'dossiers whose supplement was first requested in the period after the procedure’s window (default 3 working days after receipt)',
  ),
  def('pauseExtended', 'count', 'Hồ sơ được lùi hạn do tạm dừng', 'resolved in the period, with a statutory due date moved by pauses'),
  def(
    'pauseExtensionMsSum',
    'duration',
    'Tổng thời gian lùi hạn do tạm dừng',
    'working time pauses moved the due dates of the dossiers resolved in the period, summed (ms)',
  ),
  def(
    'intakeAnsweredLate',
    'count',
    'Hồ sơ trực tuyến trả lời tiếp nhận quá 8 giờ',
    'online submissions whose first intake answer (receipt, supplement guidance, refusal) given in the period came after 8 working hours',
  ),
  def(
    'intakeOverdueWaiting',
    'count',
    'Hồ sơ trực tuyến chờ tiếp nhận quá 8 giờ',
    'online submissions still unanswered at the as-of time, more than 8 working hours after submission',
  ),
];

/** A period [from, to) of local dates (Asia/Ho_Chi_Minh) and its instants. */
export interface Period {
  from: string;
  to: string;
  fromAt: string;
  toAt: string;
}

export function periodOf(from: string, to: string): Period {
  return { from, to, fromAt: toInstant(from, '00:00'), toAt: toInstant(to, '00:00') };
}

/** A bucket of a week/month grouping (clipped to the period), or the whole period for other groupings. */
export interface Bucket extends Period {
  key: string;
  label: string;
}

function isoWeekKey(monday: string): string {
  // ISO week: the week belongs to the year of its Thursday.
  const thursday = addDays(monday, 3);
  const year = Number(thursday.slice(0, 4));
  const jan4 = `${year}-01-04`;
  const firstMonday = addDays(jan4, -((weekday(jan4) + 6) % 7));
  const week = Math.round((Date.parse(`${monday}T00:00:00Z`) - Date.parse(`${firstMonday}T00:00:00Z`)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

const ddmm = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}`;

/** The sub-periods a week or month grouping reports on, in order. */
export function bucketsOf(p: Period, groupBy: 'week' | 'month'): Bucket[] {
  const out: Bucket[] = [];
  let start = p.from;
  while (start < p.to) {
    let key: string;
    let next: string;
    if (groupBy === 'week') {
      const monday = addDays(start, -((weekday(start) + 6) % 7));
      next = addDays(monday, 7);
      key = isoWeekKey(monday);
    } else {
      const [y, m] = [Number(start.slice(0, 4)), Number(start.slice(5, 7))];
      next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
      key = start.slice(0, 7);
    }
    const end = next < p.to ? next : p.to;
    out.push({ ...periodOf(start, end), key, label: `${key} (${ddmm(start)}–${ddmm(addDays(end, -1))})` });
    start = end;
  }
  return out;
}

/** The moment pending dossiers are classified at: the period end, or now if the period has not ended. */
export function asOfFor(toAt: string, now: string): string {
  return now < toAt ? now : toAt;
}

/**
 * The latest due date still "due soon" at `asOf`: at most `thresholdMs` of working time (default one
 * office day, as the deadline sweeper uses) separates asOf from it.
 */
export function dueSoonUntil(asOf: string, cal: Calendar, thresholdMs = cal.officeDayMs): string {
  return addWorkingTime(asOf, { value: thresholdMs / 3_600_000, unit: 'hours' }, cal);
}

/** The instants a report is classified with, fixed once so that both paths use the same ones. */
export interface ReportClock {
  now: string;
  /** per bucket key: its as-of instant and due-soon bound */
  cuts: Record<string, { asOf: string; dueSoonUntil: string }>;
}

export function reportClock(buckets: Bucket[], now: string, cal: Calendar): ReportClock {
  const cuts: ReportClock['cuts'] = {};
  for (const b of buckets) {
    const asOf = asOfFor(b.toAt, now);
    cuts[b.key] = { asOf, dueSoonUntil: dueSoonUntil(asOf, cal) };
  }
  return { now, cuts };
}

/** One group of a report. */
export interface MetricsGroup {
  key: string;
  label: string;
  figures: ComplianceFigures;
}

export interface ComplianceReport {
  from: string;
  to: string;
  groupBy: GroupBy;
  /** when pending dossiers were classified (the period end, or now for a running period) */
  asOf: string;
  generatedAt: string;
  /** which path computed it: the rollup (whole centre, weeks, months), the projection rows, or the events alone */
  source: 'rollup' | 'projection' | 'events';
  groups: MetricsGroup[];
}

/** The rule every late figure uses: lateness is against the statutory due date, at the result. */
export const TIMELINESS_RULE =
  'early = result on a local date before the statutory due date; on time = on that date, not after the due time; late = after it';

/** What both paths compute over: the period, its buckets and the instants pending dossiers are classified at. */
export interface ReportPlan {
  period: Period;
  groupBy: GroupBy;
  /** week/month: one per sub-period; other groupings: the whole period, key "all" */
  buckets: Bucket[];
  clock: ReportClock;
}

export const WHOLE_PERIOD_KEY = 'all';

export function planReport(from: string, to: string, groupBy: GroupBy, now: string, cal: Calendar): ReportPlan {
  const period = periodOf(from, to);
  const buckets =
    groupBy === 'week' || groupBy === 'month'
      ? bucketsOf(period, groupBy)
      : [
          {
            ...period,
            key: WHOLE_PERIOD_KEY,
            label: `${ddmm(from)}/${from.slice(0, 4)}–${ddmm(addDays(to, -1))}/${addDays(to, -1).slice(0, 4)}`,
          },
        ];
  return { period, groupBy, buckets, clock: reportClock(buckets, now, cal) };
}

/** Per bucket key, per group key: the group's tallies and its p90 working time. */
export type GroupResults = Map<string, Map<string, { tallies: Tallies; p90: number | null }>>;

/**
 * The report from each path's results: week/month → one group per bucket (all of them, even empty);
 * centre → one group; other groupings → one group per key with any dossier, sorted by key.
 */
export function assembleReport(
  plan: ReportPlan,
  source: ComplianceReport['source'],
  results: GroupResults,
  labelOf: (groupBy: GroupBy, key: string) => string,
): ComplianceReport {
  const groups: MetricsGroup[] = [];
  if (plan.groupBy === 'week' || plan.groupBy === 'month' || plan.groupBy === 'centre') {
    for (const b of plan.buckets) {
      const found = results.get(b.key)?.get(WHOLE_PERIOD_KEY);
      const key = plan.groupBy === 'centre' ? WHOLE_PERIOD_KEY : b.key;
      const label = plan.groupBy === 'centre' ? labelOf('centre', key) : b.label;
      groups.push({ key, label, figures: deriveFigures(found?.tallies ?? emptyTallies(), found?.p90 ?? null) });
    }
  } else {
    const byKey = results.get(WHOLE_PERIOD_KEY) ?? new Map();
    for (const key of [...byKey.keys()].sort()) {
      const r = byKey.get(key)!;
      groups.push({ key, label: labelOf(plan.groupBy, key), figures: deriveFigures(r.tallies, r.p90) });
    }
  }
  return {
    from: plan.period.from,
    to: plan.period.to,
    groupBy: plan.groupBy,
    asOf: asOfFor(plan.period.toAt, plan.clock.now),
    generatedAt: plan.clock.now,
    source,
    groups,
  };
}
