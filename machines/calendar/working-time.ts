/**
 * Working-time arithmetic on a compiled Calendar. Office intervals are [start, end): an instant
 * equal to an interval's end is outside office time. Loops step at most one day at a time.
 * Pure: no I/O, no clock.
 */
import { MAX_NON_WORKING_RUN } from './calendar';
import { formatInstant, HOUR_MS, localDayNumber, localMidnightMs, parseInstant } from './local-time';
import type { Calendar, Instant, WorkingAmount } from './types';

function lastEndMs(cal: Calendar, day: number): number {
  return localMidnightMs(day) + (cal.intervalsMs.at(-1)?.endMs ?? 0);
}

function firstStartMs(cal: Calendar, day: number): number {
  return localMidnightMs(day) + (cal.intervalsMs[0]?.startMs ?? 0);
}

/** Pure. The n-th working day strictly after local day `day` (n ≥ 1). */
export function nthWorkingDayAfter(cal: Calendar, day: number, n: number): number {
  let d = day;
  for (let i = 0; i < n; i++) d = cal.nextWorkingDayNumber(d);
  return d;
}

/**
 * Pure. Advances UTC ms `from` by `amountMs` of office time on working days. If `from` is outside
 * office time, counting starts at the next interval start; an amount that runs out exactly at an
 * interval end returns that end; 0 returns `from` if inside office time, else the next start.
 */
export function addOfficeMs(from: number, amountMs: number, cal: Calendar): number {
  let remaining = amountMs;
  let cursor = from;
  let idle = 0;
  for (let day = localDayNumber(from); idle <= MAX_NON_WORKING_RUN; day++) {
    if (!cal.isWorkingDayNumber(day)) {
      idle++;
      continue;
    }
    idle = 0;
    if (cursor <= firstStartMs(cal, day) && remaining > cal.officeDayMs) {
      remaining -= cal.officeDayMs; // a whole office day, skipped in one step
      continue;
    }
    const base = localMidnightMs(day);
    for (const iv of cal.intervalsMs) {
      const end = base + iv.endMs;
      if (cursor >= end) continue;
      const start = Math.max(cursor, base + iv.startMs);
      if (remaining <= end - start) return start + remaining;
      remaining -= end - start;
      cursor = end;
    }
  }
  throw new RangeError(`no working time within ${MAX_NON_WORKING_RUN} days after ${formatInstant(cursor)}`);
}

function assertAmount(amount: WorkingAmount): void {
  const { value, unit } = amount;
  if (unit !== 'days' && unit !== 'hours') throw new RangeError(`amount.unit must be 'days' or 'hours', got ${String(unit)}`);
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`amount.value must be a finite number ≥ 0, got ${value}`);
  if (unit === 'days' && !Number.isInteger(value)) {
    throw new RangeError(`amount.value in days must be an integer ≥ 0, got ${value} (use hours for fractions)`);
  }
}

/** Pure. closeAt of the working day that ends a `days` count: 0 → the day itself if working, else the next working day. */
function closeOfDayCount(day: number, n: number, cal: Calendar): number {
  const target = n === 0 ? (cal.isWorkingDayNumber(day) ? day : cal.nextWorkingDayNumber(day)) : nthWorkingDayAfter(cal, day, n);
  return lastEndMs(cal, target);
}

/**
 * Pure. Adds working time to an instant.
 * - hours: value × 1 h counted only inside office intervals of working days (see addOfficeMs).
 * - days (integer ≥ 0): the close of the N-th working day after start's local date (day 1 = next
 *   working day); 0 → close of start's date if working, else of the next working day.
 * Throws RangeError for negative/non-finite values or fractional days.
 */
export function addWorkingTime(start: Instant, amount: WorkingAmount, cal: Calendar): Instant {
  assertAmount(amount);
  const ms = parseInstant(start);
  if (amount.unit === 'days') return formatInstant(closeOfDayCount(localDayNumber(ms), amount.value, cal));
  return formatInstant(addOfficeMs(ms, Math.round(amount.value * HOUR_MS), cal));
}

/** Pure. Working ms inside office intervals of working days within [a, b); 0 if b <= a. */
export function workingTimeBetween(a: Instant, b: Instant, cal: Calendar): number {
  const from = parseInstant(a);
  const to = parseInstant(b);
  let total = 0;
  for (let day = localDayNumber(from); from < to && day <= localDayNumber(to); day++) {
    if (!cal.isWorkingDayNumber(day)) continue;
    const base = localMidnightMs(day);
    for (const iv of cal.intervalsMs) {
      const lo = Math.max(from, base + iv.startMs);
      const hi = Math.min(to, base + iv.endMs);
      if (hi > lo) total += hi - lo;
    }
  }
  return total;
}

/** Pure. Number of working days d with localDate(a) < d <= localDate(b); 0 if b <= a. */
export function workingDaysBetween(a: Instant, b: Instant, cal: Calendar): number {
  const from = parseInstant(a);
  const to = parseInstant(b);
  if (to <= from) return 0;
  let count = 0;
  const last = localDayNumber(to);
  for (let day = localDayNumber(from) + 1; day <= last; day++) {
    if (cal.isWorkingDayNumber(day)) count++;
  }
  return count;
}

/**
 * Pure. Moves a due date later by paused working time (pausedMs ≥ 0; 0 → unchanged). Never by more
 * than pausedMs of working time:
 * - hours: adds exactly pausedMs of office time; a due date at an interval end continues in the next interval.
 * - days: close of the floor(pausedMs / officeDayMs)-th working day after the due date's local date
 *   (whole office days only; a remainder below one office day does not move a day-mode due date).
 */
export function shiftByWorkingTime(due: Instant, pausedMs: number, unit: 'days' | 'hours', cal: Calendar): Instant {
  if (!Number.isFinite(pausedMs) || pausedMs < 0) throw new RangeError(`pausedMs must be a finite number ≥ 0, got ${pausedMs}`);
  if (unit !== 'days' && unit !== 'hours') throw new RangeError(`unit must be 'days' or 'hours', got ${String(unit)}`);
  const ms = parseInstant(due);
  if (pausedMs === 0) return formatInstant(ms);
  if (unit === 'hours') return formatInstant(addOfficeMs(ms, pausedMs, cal));
  const days = Math.floor(pausedMs / cal.officeDayMs);
  if (days === 0) return formatInstant(ms);
  return formatInstant(lastEndMs(cal, nthWorkingDayAfter(cal, localDayNumber(ms), days)));
}

/**
 * Pure. The pause rule (docs/calendar.md, "Pauses"): the working time a dossier's due date moves by
 * when a pause of `addedMs` ends, given the working time `earlierMs` already paused since the clock
 * last (re)started. Pauses accumulate over the whole dossier:
 * - hours: exactly addedMs;
 * - days: whole office days only, each granted once the running total reaches it:
 *   (floor((earlier + added) / officeDay) − floor(earlier / officeDay)) × officeDay.
 * The sum over any sequence of pauses is ≤ their total paused working time.
 */
export function pauseExtensionMs(earlierMs: number, addedMs: number, unit: 'days' | 'hours', cal: Calendar): number {
  if (!Number.isFinite(earlierMs) || earlierMs < 0) throw new RangeError(`earlierMs must be a finite number ≥ 0, got ${earlierMs}`);
  if (!Number.isFinite(addedMs) || addedMs < 0) throw new RangeError(`addedMs must be a finite number ≥ 0, got ${addedMs}`);
  if (unit === 'hours') return addedMs;
  const day = cal.officeDayMs;
  return (Math.floor((earlierMs + addedMs) / day) - Math.floor(earlierMs / day)) * day;
}
