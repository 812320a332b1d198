/**
 * The weekly late-dossier review (rà soát hồ sơ trễ hạn hằng tuần) for ISO week 'YYYY-Www', local
 * Asia/Ho_Chi_Minh, Monday 00:00 to the next Monday 00:00, for the centre or one unit. It lists:
 * - `resolved_late`: a late result recorded in the week;
 * - `overdue`: in progress and past the statutory due date at the week's end (or now, for the current
 *   week), including a dossier that got its result only afterwards;
 * - `at_risk`: open now, not overdue, flagged due soon or statutorily due before the end of the next week;
 * with totals, the on-time rate of the week and the 4 weeks before (the trend), the worst procedures
 * and units, the notes of this week and of last week (what was promised), and what happened since to
 * dossiers noted last week that are no longer on the list.
 * A unit's review covers dossiers whose procedure passes through the unit, or which are with it now.
 * Rows come in keyset pages (result_at, through its index; original_due_at, among the open dossiers of the
 * section's states, read through the (state, due_at) index), one section after another, so an export never holds a
 * whole province in memory.
 */
import { UNITS } from '../../machines/procedures';
import type { DossierContext } from '../../machines/dossier';
import { toInstant, workingDaysBetween, type Calendar } from '../../machines/calendar';
import { dateOfDayNumber, dayNumberOf, DAY_MS, weekdayOfDayNumber, yearOfDayNumber } from '../../machines/calendar/local-time';
import type { CalendarProvider } from '../engine/reference-data';
import { clockCalendarVersion } from '../../machines/dossier/facts';
import { pauseSummary } from '../../machines/engine/pauses';
import { measureStep } from '../forms/control-rows';
import { maskPersonalNumbers, maskTail } from '../services/masking';
import { findDossiersByCodes, type DossierRow } from '../store/dossier-store';
import { restoreRows } from '../engine/restore-row';
import { listProcedureDefinitions } from '../store/procedure-store';
import { resultsByTimeliness, reviewSectionRows, type ReviewScopeFilter, type ReviewSection } from '../store/report-queries';
import type { Db } from '../store/db';
import { displayNamesOf } from '../store/user-names';
import { CENTRE_SCOPE, notesByDossier, signOffOf, verifyChain } from './review-log';
import type { Category, NoteView, RankItem, ReviewDossier, TrendPoint, WeeklyReviewHeader, WeeklyReviewTail } from './report-schemas';
import { listReviewEvents, type ReviewEvent } from '../store/review-event-store';
import type { Column } from './formats/csv';
import {
  APOLOGY_STATUS_LABELS,
  DUE_DATE_STATES,
  REVIEW_CATEGORY_LABELS,
  RUNNING_STATES,
  STATE_LABELS,
  stateIn,
  STOPPED_STATES,
  TIMELINESS_LABELS,
} from '../../machines/vocabulary';

// --- ISO weeks ---------------------------------------------------------------------------------

export interface IsoWeek {
  label: string;
  /** local Monday, YYYY-MM-DD */
  monday: string;
  from: string;
  to: string;
}

const WEEK_RE = /^(\d{4})-W(\d{2})$/;

function mondayOfWeek1(year: number): number {
  const jan4 = dayNumberOf(`${year}-01-04`);
  return jan4 - ((weekdayOfDayNumber(jan4) + 6) % 7);
}

function weekOfDay(day: number): IsoWeek {
  const monday = day - ((weekdayOfDayNumber(day) + 6) % 7);
  const year = yearOfDayNumber(monday + 3);
  const n = (monday - mondayOfWeek1(year)) / 7 + 1;
  const date = dateOfDayNumber(monday);
  return {
    label: `${year}-W${String(n).padStart(2, '0')}`,
    monday: date,
    from: toInstant(date, '00:00'),
    to: toInstant(dateOfDayNumber(monday + 7), '00:00'),
  };
}

/** Pure. The ISO week 'YYYY-Www' (W01–W52/53), or null when there is no such week. */
export function parseIsoWeek(label: string): IsoWeek | null {
  const m = WEEK_RE.exec(label);
  if (!m) return null;
  const year = Number(m[1]);
  const n = Number(m[2]);
  if (year < 1971 || year > 9998 || n < 1) return null;
  const weeks = (mondayOfWeek1(year + 1) - mondayOfWeek1(year)) / 7;
  if (n > weeks) return null;
  return weekOfDay(mondayOfWeek1(year) + (n - 1) * 7);
}

/** Pure. The ISO week `n` weeks after (negative: before) a valid week. */
export function shiftWeek(week: IsoWeek, n: number): IsoWeek {
  return weekOfDay(dayNumberOf(week.monday) + 7 * n);
}

/** Pure. The ISO week containing an instant (local time). */
export function isoWeekOf(instant: string): IsoWeek {
  return weekOfDay(Math.floor((Date.parse(instant) + 7 * 3_600_000) / DAY_MS));
}

// --- reference data ----------------------------------------------------------------------------

export interface ReviewReference {
  procedureName(code: string, version: number): string;
  /** procedure codes (any version) with a step at this unit */
  codesForUnit(unit: string): string[];
  unitName(code: string | null): string;
}

/** Reads the (small) procedures table once per report. */
export async function loadReviewReference(db: Db): Promise<ReviewReference> {
  const rows = await listProcedureDefinitions(db);
  const names = new Map<string, string>();
  const latest = new Map<string, number>();
  const byUnit = new Map<string, Set<string>>();
  for (const r of rows) {
    const def = JSON.parse(r.definition) as { name?: string; steps?: { unit?: string }[] };
    const version = Number(r.version);
    names.set(`${r.code}@${version}`, def.name ?? r.code);
    if (version > (latest.get(r.code) ?? -1)) {
      latest.set(r.code, version);
      names.set(r.code, def.name ?? r.code);
    }
    for (const s of def.steps ?? []) if (s.unit) byUnit.set(s.unit, (byUnit.get(s.unit) ?? new Set()).add(r.code));
  }
  return {
    procedureName: (code, version) => names.get(`${code}@${version}`) ?? names.get(code) ?? code,
    codesForUnit: (unit) => [...(byUnit.get(unit) ?? [])].sort(),
    unitName: (code) => (code === null ? '' : (UNITS.find((u) => u.code === code)?.name ?? code)),
  };
}

/** Pure. Is this dossier in a unit's review (its procedure passes through the unit, or the unit holds it now)? */
export function inScope(row: Pick<DossierRow, 'procedure_code' | 'unit'>, scope: string, ref: ReviewReference): boolean {
  return scope === CENTRE_SCOPE || row.unit === scope || ref.codesForUnit(scope).includes(row.procedure_code);
}

// --- classification ----------------------------------------------------------------------------

// the clock runs in RUNNING_STATES; a dossier flagged overdue before its clock stopped (STOPPED_STATES) stays overdue;
// dossiers at risk are looked for among DUE_DATE_STATES (machines/vocabulary.ts)

/** Pure. The section a dossier falls in for a week judged at `asOf` (the week's end, or now), or null. */
export function classifyForWeek(
  row: Pick<DossierRow, 'state' | 'timeliness' | 'original_due_at' | 'result_at' | 'final_timeliness'>,
  week: IsoWeek,
  asOf: string,
  nextTo: string,
): Category | null {
  const t = (s: string | null) => (s === null ? null : Date.parse(s));
  const [due, result, as, from, to] = [
    t(row.original_due_at),
    t(row.result_at),
    Date.parse(asOf),
    Date.parse(week.from),
    Date.parse(week.to),
  ];
  if (result !== null && result >= from && result < to && row.final_timeliness === 'late') return 'resolved_late';
  if (result !== null && result >= as && due !== null && due < as) return 'overdue';
  if (result !== null || due === null) return null;
  if (due < as && (stateIn(RUNNING_STATES, row.state) || (stateIn(STOPPED_STATES, row.state) && row.timeliness === 'overdue')))
    return 'overdue';
  if (due >= as && stateIn(DUE_DATE_STATES, row.state) && (due < Date.parse(nextTo) || row.timeliness === 'due_soon')) return 'at_risk';
  return null;
}

// --- the review --------------------------------------------------------------------------------

export interface WeeklyReview {
  header: WeeklyReviewHeader;
  /** the listed dossiers, section by section; iterate once */
  dossiers(): AsyncGenerator<ReviewDossier>;
  /** totals, rankings and follow-up; call after `dossiers()` is exhausted */
  finish(): Promise<WeeklyReviewTail>;
}

export interface WeeklyReviewOptions {
  db: Db;
  calendars: CalendarProvider;
  now: string;
  week: IsoWeek;
  scope: string;
  pageSize?: number;
  /** how many worst procedures / units to name */
  top?: number;
}

function pauseCounts(ctx: DossierContext, cal: Calendar, asOf: string): ReviewDossier['pauses'] {
  const s = pauseSummary(ctx.clock, cal, asOf);
  return { count: s.count, totalWorkingMs: s.totalWorkingMs, extensionMs: s.totalExtensionMs };
}

/** A note as the report shows it: phone- and ID-shaped numbers typed into the text are masked like the applicant's. */
function noteView(e: ReviewEvent, names: Map<string, string>): NoteView {
  const text = (v: unknown) => maskPersonalNumbers(String(v ?? ''));
  return {
    seq: e.seq,
    cause: text(e.payload.cause),
    correctiveAction: text(e.payload.correctiveAction),
    actor: e.actor,
    actorName: names.get(e.actor) ?? e.actor,
    at: e.occurredAt,
  };
}

const rate = (good: number, all: number) => (all === 0 ? null : good / all);

async function trendPoint(db: Db, week: IsoWeek, scope: ReviewScopeFilter): Promise<TrendPoint> {
  const counts = await resultsByTimeliness(db, week.from, week.to, scope);
  const [early, onTime, late] = [counts.get('early') ?? 0, counts.get('on_time') ?? 0, counts.get('late') ?? 0];
  const resolved = [...counts.values()].reduce((a, b) => a + b, 0);
  return { week: week.label, from: week.from, to: week.to, resolved, early, onTime, late, onTimeRate: rate(early + onTime, resolved) };
}

function responsibleOf(ctx: DossierContext, asOf: string, cal: Calendar, ref: ReviewReference): ReviewDossier['responsible'] {
  const steps = ctx.procedure.steps;
  let best: { index: number; unit: string | null; overrunMs: number } | null = null;
  const consider = (index: number, unit: string | null, start: string, end: string) => {
    const def = steps[index];
    if (!def || !(end > start)) return;
    try {
      const m = measureStep(start, end, def.budget, ctx.clock, cal);
      if (m.overrunMs > (best?.overrunMs ?? 0)) best = { index, unit: unit ?? def.unit, overrunMs: m.overrunMs };
    } catch {
      // a step the calendar cannot measure names nobody
    }
  };
  for (const s of ctx.steps) consider(s.index, s.unit, s.startedAt, s.endedAt < asOf ? s.endedAt : asOf);
  if (!ctx.result && ctx.stepIndex >= 0 && ctx.stepStartedAt) consider(ctx.stepIndex, ctx.unit, ctx.stepStartedAt, asOf);
  const named = (stepId: string | null, unit: string | null, source: 'control_slip' | 'apology' | 'current_step') => ({
    step: stepId,
    stepName: stepId === null ? null : (steps.find((s) => s.id === stepId)?.name ?? stepId),
    unit,
    unitName: ref.unitName(unit),
    source,
  });
  const found = best as { index: number; unit: string | null } | null;
  if (found) return named(steps[found.index]?.id ?? null, found.unit, 'control_slip');
  const apology = ctx.apologies[0];
  if (apology) return named(apology.responsibleStep, apology.responsibleUnit, 'apology');
  if (!ctx.result && ctx.unit) return named(steps[ctx.stepIndex]?.id ?? null, ctx.unit, 'current_step');
  return null;
}

/** Builds the review: the header now (a few indexed aggregates), the rows as they are read. */
export async function buildWeeklyReview(opts: WeeklyReviewOptions): Promise<WeeklyReview> {
  const { db, calendars, week, scope } = opts;
  const pageSize = opts.pageSize ?? 200;
  const asOf = opts.now < week.to ? opts.now : week.to;
  const nextTo = shiftWeek(week, 1).to;
  const ref = await loadReviewReference(db);
  const unitCodes = scope === CENTRE_SCOPE ? [] : ref.codesForUnit(scope);
  const scopeFilter: ReviewScopeFilter = scope === CENTRE_SCOPE ? null : { unit: scope, procedureCodes: unitCodes };
  const trend: TrendPoint[] = [];
  for (let i = -4; i <= 0; i++) trend.push(await trendPoint(db, shiftWeek(week, i), scopeFilter));
  const thisWeek = await listReviewEvents(db, week.label, scope);
  const lastWeek = await listReviewEvents(db, shiftWeek(week, -1).label, scope);
  const notes = notesByDossier(thisWeek);
  const promised = notesByDossier(lastWeek);
  const signOff = signOffOf(thisWeek);
  const names = await displayNamesOf(
    db,
    [...thisWeek, ...lastWeek].map((e) => e.actor),
  );
  const noteOf = (e: ReviewEvent) => noteView(e, names);
  const header: WeeklyReviewHeader = {
    title: `Rà soát hồ sơ trễ hạn tuần ${week.label}`,
    week: week.label,
    from: week.from,
    to: week.to,
    asOf,
    generatedAt: opts.now,
    scope,
    scopeName: scope === CENTRE_SCOPE ? 'Toàn Trung tâm' : ref.unitName(scope),
    review: {
      signedOff: signOff !== null,
      signedOffAt: signOff?.occurredAt ?? null,
      signedOffBy: signOff?.actor ?? null,
      signedOffByName: signOff ? (names.get(signOff.actor) ?? signOff.actor) : null,
      summary: typeof signOff?.payload.summary === 'string' ? maskPersonalNumbers(signOff.payload.summary) : null,
      notes: thisWeek.filter((e) => e.type === 'REVIEW_NOTE').length,
      chain: verifyChain(thisWeek),
    },
    trend,
  };

  const sections: [Category, ReviewSection][] = [
    ['resolved_late', { kind: 'resolved_late', from: week.from, to: week.to }],
    ['overdue', { kind: 'resolved_after_due', asOf }],
    ['overdue', { kind: 'open_overdue', asOf, running: RUNNING_STATES, stopped: STOPPED_STATES }],
    ['at_risk', { kind: 'open_at_risk', asOf, nextTo, states: DUE_DATE_STATES }],
  ];

  const totals: WeeklyReviewTail['totals'] = {
    dossiers: 0,
    late: 0,
    resolvedLate: 0,
    overdue: 0,
    atRisk: 0,
    apologyNone: 0,
    exempted: 0,
    apologyTimely: 0,
    apologyLate: 0,
    resolved: 0,
    early: 0,
    onTime: 0,
    onTimeRate: null,
  };
  const byProcedure = new Map<string, RankItem>();
  const byUnit = new Map<string, RankItem>();
  const seenPromised = new Set<string>();
  const rank = (m: Map<string, RankItem>, code: string, name: string) => {
    const item = m.get(code) ?? { code, name, late: 0 };
    item.late++;
    m.set(code, item);
  };

  async function toItem(row: DossierRow, ctx: DossierContext, category: Category): Promise<ReviewDossier> {
    const version = clockCalendarVersion(ctx);
    const cal = version === null ? await calendars.latest() : await calendars.byVersion(version);
    // an overdue dossier is counted to the last instant before asOf: a week ending at Monday 00:00 does not count that Monday
    const end = category === 'resolved_late' ? row.result_at : category === 'overdue' ? new Date(Date.parse(asOf) - 1).toISOString() : null;
    const step = ctx.result ? undefined : ctx.procedure.steps[ctx.stepIndex];
    const first = ctx.apologies[0];
    return {
      category,
      code: row.code,
      procedure: { code: row.procedure_code, name: ref.procedureName(row.procedure_code, row.procedure_version) },
      applicant: { fullName: row.applicant_name, idNumber: maskTail(row.applicant_id_number) },
      receivedAt: row.received_at,
      dueAt: row.original_due_at,
      appointmentAt: row.due_at,
      resultAt: row.result_at,
      daysOverdue: end && row.original_due_at ? workingDaysBetween(row.original_due_at, end, cal) : 0,
      state: row.state,
      currentStep: step ? { id: step.id, name: step.name } : null,
      currentUnit: !ctx.result && ctx.unit ? { code: ctx.unit, name: ref.unitName(ctx.unit) } : null,
      responsible: responsibleOf(ctx, category === 'resolved_late' && row.result_at ? row.result_at : asOf, cal, ref),
      apology: first ? (first.timely ? 'timely' : 'late') : (ctx.exemptions?.length ?? 0) > 0 ? 'exempted' : 'none',
      pauses: pauseCounts(ctx, cal, asOf),
      notes: (notes.get(row.code) ?? []).map(noteOf),
      lastWeekNotes: (promised.get(row.code) ?? []).map(noteOf),
    };
  }

  function count(d: ReviewDossier): void {
    totals.dossiers++;
    if (d.category === 'at_risk') totals.atRisk++;
    else {
      totals.late++;
      if (d.category === 'resolved_late') totals.resolvedLate++;
      else totals.overdue++;
      if (d.apology === 'none') totals.apologyNone++;
      else if (d.apology === 'exempted') totals.exempted++;
      else if (d.apology === 'timely') totals.apologyTimely++;
      else totals.apologyLate++;
      rank(byProcedure, d.procedure.code, d.procedure.name);
      const unit = d.responsible?.unit ?? null;
      rank(byUnit, unit ?? '', unit ? (d.responsible?.unitName ?? unit) : 'Chưa xác định');
    }
    if (promised.has(d.code)) seenPromised.add(d.code);
  }

  let started = false;
  return {
    header,
    async *dossiers() {
      if (started) throw new Error('the review rows can be read once');
      started = true;
      for (const [category, section] of sections) {
        for await (const page of pagesOf(reviewSectionRows(db, section, scopeFilter, pageSize), pageSize)) {
          // a compacted closed dossier keeps no snapshot: a page's are rebuilt from their events together
          const restored = await restoreRows(db, page);
          for (const [i, row] of page.entries()) {
            const item = await toItem(row, restored[i]!.snapshot.context, category);
            count(item);
            yield item;
          }
        }
      }
    },
    async finish() {
      const week0 = trend[trend.length - 1]!;
      Object.assign(totals, { resolved: week0.resolved, early: week0.early, onTime: week0.onTime, onTimeRate: week0.onTimeRate });
      const top = opts.top ?? 5;
      const worst = (m: Map<string, RankItem>) =>
        [...m.values()].sort((a, b) => b.late - a.late || a.code.localeCompare(b.code)).slice(0, top);
      const missing = [...promised.keys()].filter((c) => !seenPromised.has(c));
      const found = await findDossiersByCodes(db, missing);
      const followUp = found
        .sort((a, b) => a.code.localeCompare(b.code))
        .map((r) => ({
          code: r.code,
          procedureName: ref.procedureName(r.procedure_code, r.procedure_version),
          state: r.state,
          resultAt: r.result_at,
          finalTimeliness: r.final_timeliness,
          lastWeekNotes: (promised.get(r.code) ?? []).map(noteOf),
        }));
      return { totals: { ...totals }, worstProcedures: worst(byProcedure), worstUnits: worst(byUnit), followUp };
    },
  };
}

/** The rows in pages of `size`. */
async function* pagesOf<T>(rows: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let page: T[] = [];
  for await (const row of rows) {
    page.push(row);
    if (page.length >= size) {
      yield page;
      page = [];
    }
  }
  if (page.length) yield page;
}

// --- the flat table (CSV, XLSX, HTML) ----------------------------------------------------------

/** Vietnamese label of a lifecycle state. */
export function stateLabel(state: string): string {
  return (STATE_LABELS as Record<string, string>)[state] ?? state;
}

const lastOf = (notes: NoteView[]) => notes[notes.length - 1] ?? null;

/** The review's dossier table, one row per dossier: the columns of the CSV, the XLSX and the HTML page. */
export const REVIEW_COLUMNS: Column<ReviewDossier>[] = [
  { header: 'Phân loại', type: 'text', width: 22, value: (d) => REVIEW_CATEGORY_LABELS[d.category] },
  { header: 'Mã hồ sơ', type: 'text', width: 26, value: (d) => d.code },
  { header: 'Mã thủ tục', type: 'text', width: 12, value: (d) => d.procedure.code },
  { header: 'Tên thủ tục', type: 'text', width: 40, value: (d) => d.procedure.name },
  { header: 'Người nộp hồ sơ', type: 'text', width: 24, value: (d) => d.applicant.fullName },
  { header: 'Số giấy tờ tùy thân', type: 'text', width: 16, value: (d) => d.applicant.idNumber },
  { header: 'Ngày tiếp nhận', type: 'instant', width: 17, value: (d) => d.receivedAt },
  { header: 'Hạn giải quyết', type: 'instant', width: 17, value: (d) => d.dueAt },
  { header: 'Ngày hẹn trả hiện tại', type: 'instant', width: 17, value: (d) => d.appointmentAt },
  { header: 'Ngày có kết quả', type: 'instant', width: 17, value: (d) => d.resultAt },
  { header: 'Số ngày quá hạn (ngày làm việc)', type: 'number', width: 12, value: (d) => d.daysOverdue },
  { header: 'Trạng thái', type: 'text', width: 20, value: (d) => stateLabel(d.state) },
  { header: 'Bước đang xử lý', type: 'text', width: 30, value: (d) => d.currentStep?.name ?? null },
  { header: 'Đơn vị đang xử lý', type: 'text', width: 24, value: (d) => d.currentUnit?.name ?? null },
  { header: 'Bước gây chậm', type: 'text', width: 30, value: (d) => d.responsible?.stepName ?? null },
  { header: 'Đơn vị chịu trách nhiệm', type: 'text', width: 24, value: (d) => d.responsible?.unitName || null },
  { header: 'Xin lỗi', type: 'text', width: 20, value: (d) => APOLOGY_STATUS_LABELS[d.apology] },
  { header: 'Số lần tạm dừng', type: 'number', width: 10, value: (d) => d.pauses.count },
  {
    header: 'Thời gian tạm dừng (giờ làm việc)',
    type: 'number',
    width: 12,
    value: (d) => Math.round((d.pauses.totalWorkingMs / 3_600_000) * 10) / 10,
  },
  {
    header: 'Hạn lùi do tạm dừng (giờ làm việc)',
    type: 'number',
    width: 12,
    value: (d) => Math.round((d.pauses.extensionMs / 3_600_000) * 10) / 10,
  },
  { header: 'Nguyên nhân', type: 'text', width: 30, value: (d) => lastOf(d.notes)?.cause ?? null },
  { header: 'Biện pháp khắc phục', type: 'text', width: 30, value: (d) => lastOf(d.notes)?.correctiveAction ?? null },
  { header: 'Nguyên nhân (tuần trước)', type: 'text', width: 30, value: (d) => lastOf(d.lastWeekNotes)?.cause ?? null },
  { header: 'Biện pháp đã cam kết (tuần trước)', type: 'text', width: 30, value: (d) => lastOf(d.lastWeekNotes)?.correctiveAction ?? null },
];

/** The trend table (XLSX sheet, HTML). */
export const TREND_COLUMNS: Column<TrendPoint>[] = [
  { header: 'Tuần', type: 'text', width: 10, value: (p) => p.week },
  { header: 'Số hồ sơ có kết quả', type: 'number', width: 14, value: (p) => p.resolved },
  { header: TIMELINESS_LABELS.early, type: 'number', width: 10, value: (p) => p.early },
  { header: TIMELINESS_LABELS.on_time, type: 'number', width: 10, value: (p) => p.onTime },
  { header: TIMELINESS_LABELS.late, type: 'number', width: 10, value: (p) => p.late },
  { header: 'Tỷ lệ đúng hạn', type: 'rate', width: 12, value: (p) => p.onTimeRate },
];

/** The rankings (XLSX sheet, HTML). */
export const RANK_COLUMNS: Column<RankItem>[] = [
  { header: 'Mã', type: 'text', width: 14, value: (r) => r.code },
  { header: 'Tên', type: 'text', width: 50, value: (r) => r.name },
  { header: 'Số hồ sơ trễ hạn', type: 'number', width: 14, value: (r) => r.late },
];

/** Totals as label / value rows. */
export function totalsRows(t: WeeklyReviewTail['totals']): { label: string; value: number | null; type: 'number' | 'rate' }[] {
  return [
    { label: 'Số hồ sơ trong danh sách', value: t.dossiers, type: 'number' },
    { label: 'Hồ sơ trễ hạn', value: t.late, type: 'number' },
    { label: `- ${REVIEW_CATEGORY_LABELS.resolved_late}`, value: t.resolvedLate, type: 'number' },
    { label: `- ${REVIEW_CATEGORY_LABELS.overdue}`, value: t.overdue, type: 'number' },
    { label: 'Hồ sơ có nguy cơ trễ hạn', value: t.atRisk, type: 'number' },
    { label: 'Hồ sơ trễ hạn chưa có phiếu xin lỗi', value: t.apologyNone, type: 'number' },
    { label: 'Hồ sơ trễ hạn được miễn trừ (không xin lỗi)', value: t.exempted, type: 'number' },
    { label: 'Hồ sơ trễ hạn đã xin lỗi đúng hạn', value: t.apologyTimely, type: 'number' },
    { label: 'Hồ sơ trễ hạn xin lỗi muộn', value: t.apologyLate, type: 'number' },
    { label: 'Hồ sơ có kết quả trong tuần', value: t.resolved, type: 'number' },
    { label: '- Trước hạn', value: t.early, type: 'number' },
    { label: '- Đúng hạn', value: t.onTime, type: 'number' },
    { label: 'Tỷ lệ giải quyết đúng hạn', value: t.onTimeRate, type: 'rate' },
  ];
}
