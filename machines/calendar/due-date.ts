/**
 * Due dates (ngày hẹn trả kết quả) and timeliness classes. Pure: no I/O, no clock.
 */
import { formatInstant, localDayNumber, localMidnightMs, MINUTE_MS, minutesOf, parseInstant } from './local-time';
import type { Calendar, Instant, LocalTime, WorkingAmount } from './types';
import { addWorkingTime } from './working-time';

export interface DueDateOptions {
  /** Receipts at or after this local time count from the next working day (default cal.data.cutoff). */
  cutoff?: LocalTime;
}

export interface DueDateResult {
  dueAt: Instant;
  /** The deemed receipt: when counting starts. */
  countedFrom: Instant;
  /** cal.version, recorded with every due date. */
  calendarVersion: number;
}

export type Timeliness = 'early' | 'on_time' | 'late';

function openMs(cal: Calendar, day: number): number {
  return localMidnightMs(day) + (cal.intervalsMs[0]?.startMs ?? 0);
}

/**
 * Pure. The deemed receipt of a dossier: received on a non-working day, at/after the cut-off, or
 * at/after the last office close → opening of the next working day; before the first opening →
 * opening of that day; otherwise the receipt itself.
 */
export function deemedReceipt(receivedAt: Instant, cal: Calendar, cutoff: LocalTime = cal.data.cutoff): Instant {
  const ms = parseInstant(receivedAt);
  const day = localDayNumber(ms);
  const msOfDay = ms - localMidnightMs(day);
  const lastEnd = cal.intervalsMs.at(-1)?.endMs ?? 0;
  const firstStart = cal.intervalsMs[0]?.startMs ?? 0;
  if (!cal.isWorkingDayNumber(day) || msOfDay >= minutesOf(cutoff) * MINUTE_MS || msOfDay >= lastEnd) {
    return formatInstant(openMs(cal, cal.nextWorkingDayNumber(day)));
  }
  return formatInstant(msOfDay < firstStart ? openMs(cal, day) : ms);
}

/**
 * Pure. The due date of a dossier: counting starts at the deemed receipt (see deemedReceipt),
 * then dueAt = addWorkingTime(countedFrom, amount). Records cal.version.
 */
export function dueDate(receivedAt: Instant, amount: WorkingAmount, cal: Calendar, opts?: DueDateOptions): DueDateResult {
  const countedFrom = deemedReceipt(receivedAt, cal, opts?.cutoff ?? cal.data.cutoff);
  return { dueAt: addWorkingTime(countedFrom, amount, cal), countedFrom, calendarVersion: cal.version };
}

/**
 * Pure, needs no calendar. early: result on a local date before the due date's; on_time: same
 * local date and not after dueAt; late: after dueAt.
 */
export function classifyTimeliness(resultAt: Instant, dueAt: Instant): Timeliness {
  const result = parseInstant(resultAt);
  const due = parseInstant(dueAt);
  if (result > due) return 'late';
  return localDayNumber(result) < localDayNumber(due) ? 'early' : 'on_time';
}
