/**
 * The compliance rollup (issue 16): per local day, the counts every figure of docs/metrics.md is summed from,
 * maintained by the write path in the event's own transaction and re-derivable from the events.
 *
 * A dossier contributes two kinds of numbers, each a function of its projected facts (the row, or the same
 * facts of a replayed snapshot), and each kind is kept in one table:
 *
 * - **Flows** — counted on the local day of a fixed instant (received, result, returned, closed, …): a period's
 *   figure is the sum over its days. Levels that only depend on fixed instants (`pending`,
 *   `resultsNotCollected`) are written as +1/−1 on the first day whose midnight is after the instant: the
 *   value at a midnight is the sum of every day up to it. fixedContribution gives them; they are kept by day,
 *   procedure and handling unit in the rollup by group (machines/metrics/digitisation-rollup.ts), and the whole
 *   centre's figures are its sums over the groups.
 * - **The pending classes at a midnight** (clock stopped, late, due soon, not yet due, the apology and exemption
 *   of a late open dossier, an intake answer overdue), the per-day table's only columns, depend on the dossier's
 *   state *at that midnight*, which only its history knows. A transition at `T` fixes the state of every later midnight
 *   until the next transition: it withdraws what the previous state projected for the midnights after `T`
 *   and adds what the new state projects (up to three change points: due soon, late). Midnights before `T`
 *   keep what was true then, so a closed period's pending figures are those of its last midnight, exactly.
 *
 * rollupDelta(old, new, at) is what one transition adds to the per-day table; folding it over a dossier's events from
 * nothing gives its whole contribution (rollupFromHistory), which is how the table is rebuilt from the events.
 * Pure: no I/O, no clock.
 */
import { addDays, localDate, toInstant, type Calendar } from '../calendar';
import { dateOfDayNumber, localDayNumber, parseInstant } from '../calendar/local-time';
import { STOPPED_STATES } from '../vocabulary';
import { dueSoonUntil } from './definitions';

/** Figures summed over the days of a period. */
export const ROLLUP_FLOWS = [
  'received',
  'received_counter',
  'received_online',
  'received_postal',
  'digitised_receipts',
  'reused_receipts',
  'resolved',
  'approved',
  'refused_result',
  'early',
  'on_time',
  'late',
  'digitised_results',
  'timed_results',
  'working_ms_sum',
  'pause_extended',
  'pause_extension_ms_sum',
  'returned',
  'returned_counter',
  'returned_post',
  'returned_online',
  'rated',
  'rating_sum',
  'satisfied',
  'withdrawn',
  'refused_intake',
  'late_supplement_requests',
  'intake_answered_late',
] as const;

/** The levels that classify the dossiers pending at a midnight by their state then (a running period's come from the rows). */
export const ROLLUP_CLASSES = [
  'pending_clock_stopped',
  'pending_late',
  'pending_due_soon',
  'pending_not_yet_due',
  'late_apologised_open',
  'late_apologised_timely_open',
  'late_exempted_open',
  'intake_overdue_waiting',
] as const;

export type RollupClass = (typeof ROLLUP_CLASSES)[number];

/** Figures whose value at a midnight is the sum of every day up to and including that midnight's day. */
export const ROLLUP_LEVELS = ['pending', 'results_not_collected', ...ROLLUP_CLASSES] as const;

/** Every figure the rollup gives per day (the whole centre's day: the by-group table's sums and the per-day table's classes). */
export const ROLLUP_COLUMNS = [...ROLLUP_FLOWS, ...ROLLUP_LEVELS] as const;
export type RollupColumn = (typeof ROLLUP_COLUMNS)[number];
/** A day's change to the per-day table: the pending classes only (the rest is the rollup by group's). */
export type RollupValues = Partial<Record<RollupClass, number>>;

/** One day's change to the per-day table. */
export interface RollupEntry {
  /** local date (Asia/Ho_Chi_Minh) YYYY-MM-DD */
  day: string;
  values: RollupValues;
}

/** The facts of a dossier the rollup reads: the projection row's columns, or the same from a replayed snapshot. */
export interface RollupFacts {
  state: string;
  channel: string;
  receivedAt: string | null;
  resultAt: string | null;
  returnedAt: string | null;
  closedAt: string | null;
  originalDueAt: string | null;
  finalTimeliness: string | null;
  outcome: string | null;
  receiptDigitised: boolean | null;
  receiptReused: boolean | null;
  resultDigitised: boolean | null;
  resultWorkingMs: number | null;
  pauseExtensionMs: number | null;
  returnMethod: string | null;
  rating: number | null;
  lateSupplementAt: string | null;
  intakeDueBy: string | null;
  intakeAnsweredAt: string | null;
  intakeLateAt: string | null;
  firstApologyAt: string | null;
  apologyTimely: boolean | null;
  firstExemptionAt: string | null;
}

const instant = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v));
const bool = (v: unknown): boolean | null => (v === null || v === undefined ? null : v === true || v === 1 || v === '1' || v === 't');
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The facts of a projection row as either driver returns it (instants as Date or ISO text, booleans as 0/1). */
export function rollupFactsOfRow(row: Record<string, unknown>): RollupFacts {
  return {
    state: String(row.state),
    channel: String(row.channel),
    receivedAt: instant(row.received_at),
    resultAt: instant(row.result_at),
    returnedAt: instant(row.returned_at),
    closedAt: instant(row.closed_at),
    originalDueAt: instant(row.original_due_at),
    finalTimeliness: (row.final_timeliness as string | null) ?? null,
    outcome: (row.outcome as string | null) ?? null,
    receiptDigitised: bool(row.receipt_digitised),
    receiptReused: bool(row.receipt_reused),
    resultDigitised: bool(row.result_digitised),
    resultWorkingMs: num(row.result_working_ms),
    pauseExtensionMs: num(row.pause_extension_ms),
    returnMethod: (row.return_method as string | null) ?? null,
    rating: num(row.rating),
    lateSupplementAt: instant(row.late_supplement_at),
    intakeDueBy: instant(row.intake_due_by),
    intakeAnsweredAt: instant(row.intake_answered_at),
    intakeLateAt: instant(row.intake_late_at),
    firstApologyAt: instant(row.first_apology_at),
    apologyTimely: bool(row.apology_timely),
    firstExemptionAt: instant(row.first_exemption_at),
  };
}

/**
 * The first local day whose midnight is after `at` (an instant exactly at midnight belongs to the day it starts):
 * `addDays(localDate(at), 1)`, from the day number without writing the date and reading it back (called a dozen
 * times per transition by the rollups' deltas).
 */
export function dayAfter(at: string): string {
  return dateOfDayNumber(localDayNumber(parseInstant(at)) + 1);
}

/**
 * Whether two facts are the same, field by field (every field a string, number, boolean or null). Both rollups'
 * deltas are the new facts' contribution minus the old ones', so equal facts change nothing: most transitions (an
 * assignment, a step) move no fact the rollups read, and their deltas are then known to be empty without building them.
 */
export function sameFacts<F extends object>(a: F, b: F): boolean {
  for (const k in b) if (a[k] !== b[k]) return false;
  return true;
}

type Acc = Map<string, RollupValues>;

function add(acc: Acc, day: string, col: RollupClass, n: number): void {
  if (!n) return;
  let v = acc.get(day);
  if (!v) acc.set(day, (v = {}));
  v[col] = (v[col] ?? 0) + n;
}

/** Open (received, no result, not withdrawn) at every midnight after the facts were taken. */
function openNow(f: RollupFacts): boolean {
  return f.receivedAt !== null && f.resultAt === null && f.state !== 'withdrawn';
}

/** The columns that depend on fixed instants only: the flows, and the levels written as +1/−1 on the day after an instant. */
export const ROLLUP_FIXED = [...ROLLUP_FLOWS, 'pending', 'results_not_collected'] as const;
export type RollupFixedColumn = (typeof ROLLUP_FIXED)[number];

/**
 * Flows and the levels of fixed instants: the dossier's whole contribution of that kind, times `sign`, given to
 * `add(day, column, n)`. A function of the facts alone (no history), so that it can be keyed by anything the facts
 * name (the digitisation rollup keys it by procedure and handling unit: machines/metrics/digitisation-rollup.ts).
 */
export function fixedContribution(f: RollupFacts, sign: number, add: (day: string, col: RollupFixedColumn, n: number) => void): void {
  if (f.receivedAt) {
    const d = localDate(f.receivedAt);
    add(d, 'received', sign);
    add(d, f.channel === 'online' ? 'received_online' : f.channel === 'postal' ? 'received_postal' : 'received_counter', sign);
    if (f.receiptDigitised) add(d, 'digitised_receipts', sign);
    if (f.receiptReused) add(d, 'reused_receipts', sign);
    add(dayAfter(f.receivedAt), 'pending', sign);
  }
  if (f.resultAt) {
    const d = localDate(f.resultAt);
    add(d, 'resolved', sign);
    add(d, f.outcome === 'refused' ? 'refused_result' : 'approved', sign);
    if (f.finalTimeliness === 'early') add(d, 'early', sign);
    if (f.finalTimeliness === 'on_time') add(d, 'on_time', sign);
    if (f.finalTimeliness === 'late') add(d, 'late', sign);
    if (f.resultDigitised) add(d, 'digitised_results', sign);
    if (f.resultWorkingMs !== null) {
      add(d, 'timed_results', sign);
      add(d, 'working_ms_sum', sign * f.resultWorkingMs);
    }
    if (f.pauseExtensionMs) {
      add(d, 'pause_extended', sign);
      add(d, 'pause_extension_ms_sum', sign * f.pauseExtensionMs);
    }
    // pending until the result (a dossier with a result was received); the result waits until it is returned
    if (f.receivedAt) add(dayAfter(f.resultAt), 'pending', -sign);
    add(dayAfter(f.resultAt), 'results_not_collected', sign);
    if (f.returnedAt) add(dayAfter(f.returnedAt), 'results_not_collected', -sign);
  }
  if (f.returnedAt) {
    const d = localDate(f.returnedAt);
    add(d, 'returned', sign);
    add(d, f.returnMethod === 'post' ? 'returned_post' : f.returnMethod === 'online' ? 'returned_online' : 'returned_counter', sign);
    if (f.rating !== null) {
      add(d, 'rated', sign);
      add(d, 'rating_sum', sign * f.rating);
      if (f.rating >= 4) add(d, 'satisfied', sign);
    }
  }
  if (f.closedAt && f.state === 'withdrawn') {
    add(localDate(f.closedAt), 'withdrawn', sign);
    if (f.receivedAt && !f.resultAt) add(dayAfter(f.closedAt), 'pending', -sign);
  }
  if (f.closedAt && f.state === 'refused_intake') add(localDate(f.closedAt), 'refused_intake', sign);
  if (f.lateSupplementAt) add(localDate(f.lateSupplementAt), 'late_supplement_requests', sign);
  if (f.intakeLateAt) add(localDate(f.intakeLateAt), 'intake_answered_late', sign);
}

/** Midnight (an instant) starting local day `day`. */
const midnight = (day: string) => toInstant(day, '00:00');

/**
 * The first day whose midnight's due-soon bound reaches `due` (never after `lateDay`, the day after `due`): up to
 * 40 walks of the calendar, asked twice per transition of an open dossier (its facts before and after) with the
 * same due date. Calendars are immutable per version, so the answer for (version, due) is kept.
 */
function dueSoonDay(due: string, lateDay: string, cal: Calendar): string {
  const key = `${cal.version}|${due}`;
  const hit = dueSoonDays.get(key);
  if (hit !== undefined) return hit;
  const day = walkDueSoonDay(due, lateDay, cal);
  if (dueSoonDays.size >= 10_000) dueSoonDays.clear();
  dueSoonDays.set(key, day);
  return day;
}

const dueSoonDays = new Map<string, string>();

function walkDueSoonDay(due: string, lateDay: string, cal: Calendar): string {
  let d = lateDay;
  // The bound is monotonic in the midnight; a holiday run is at most ~10 days, so a few steps back suffice.
  for (let i = 0; i < 40; i++) {
    const prev = addDays(d, -1);
    if (Date.parse(dueSoonUntil(midnight(prev), cal)) < Date.parse(due)) break;
    d = prev;
  }
  return d;
}

/**
 * The pending classes the facts project onto every midnight from `fromDay` on (as long as no event changes
 * them), as day changes, times `sign`: +class on fromDay, then the moves to due soon and to late.
 */
function projectedClasses(acc: Acc, f: RollupFacts, fromDay: string, cal: Calendar, sign: number): void {
  if (f.intakeDueBy && !f.intakeAnsweredAt) {
    const overdue = dayAfter(f.intakeDueBy);
    add(acc, overdue > fromDay ? overdue : fromDay, 'intake_overdue_waiting', sign);
  }
  if (!openNow(f)) return;
  if ((STOPPED_STATES as readonly string[]).includes(f.state)) return add(acc, fromDay, 'pending_clock_stopped', sign);
  if (!f.originalDueAt) return add(acc, fromDay, 'pending_not_yet_due', sign);
  const lateDay = dayAfter(f.originalDueAt);
  const soonDay = dueSoonDay(f.originalDueAt, lateDay, cal);
  const classOn = (d: string): RollupClass => (d >= lateDay ? 'pending_late' : d >= soonDay ? 'pending_due_soon' : 'pending_not_yet_due');
  const lateCols: RollupClass[] = ['pending_late'];
  if (f.firstApologyAt) lateCols.push('late_apologised_open');
  if (f.firstApologyAt && f.apologyTimely) lateCols.push('late_apologised_timely_open');
  if (!f.firstApologyAt && f.firstExemptionAt) lateCols.push('late_exempted_open');
  const enter = (d: string, c: RollupClass, s: number) => {
    for (const col of c === 'pending_late' ? lateCols : [c]) add(acc, d, col, s * sign);
  };
  let current = classOn(fromDay);
  enter(fromDay, current, 1);
  for (const change of [soonDay, lateDay]) {
    if (change <= fromDay) continue;
    const next = classOn(change);
    if (next === current) continue;
    enter(change, current, -1);
    enter(change, next, 1);
    current = next;
  }
}

function entries(acc: Acc): RollupEntry[] {
  const out: RollupEntry[] = [];
  for (const [day, values] of acc) {
    const nonZero: RollupValues = {};
    let any = false;
    for (const [k, v] of Object.entries(values) as [RollupClass, number][]) {
      if (v) {
        nonZero[k] = v;
        any = true;
      }
    }
    if (any) out.push({ day, values: nonZero });
  }
  // One order for every writer: concurrent upserts of the same rows never wait on each other in a cycle.
  return out.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

/**
 * What one transition at `at` changes in the per-day table: the pending classes the new facts project onto the
 * midnights after `at` minus those the old ones did (`before` null for a new dossier); nothing when the class does not
 * change, which is most transitions (its flows are digitisationDelta's). `cal` gives the due-soon bound (one office
 * day of working time, as the report's).
 */
export function rollupDelta(before: RollupFacts | null, after: RollupFacts, at: string, cal: Calendar): RollupEntry[] {
  if (before && sameFacts(before, after)) return [];
  const acc: Acc = new Map();
  const fromDay = dayAfter(at);
  if (before) projectedClasses(acc, before, fromDay, cal, -1);
  projectedClasses(acc, after, fromDay, cal, 1);
  return entries(acc);
}

/** A dossier's whole contribution: rollupDelta folded over its states (each with the instant it was reached). */
export function rollupFromHistory(states: readonly { facts: RollupFacts; at: string }[], cal: Calendar): RollupEntry[] {
  const acc: Acc = new Map();
  let before: RollupFacts | null = null;
  for (const s of states) {
    for (const e of rollupDelta(before, s.facts, s.at, cal))
      for (const [k, v] of Object.entries(e.values)) add(acc, e.day, k as RollupClass, v);
    before = s.facts;
  }
  return entries(acc);
}

/** Adds entries into per-day totals (a rebuild's accumulator). */
export function addEntries(into: Map<string, RollupValues>, more: readonly RollupEntry[]): void {
  for (const e of more) for (const [k, v] of Object.entries(e.values)) add(into, e.day, k as RollupClass, v);
}
