/**
 * Working-time calendar types. Everything in machines/calendar is pure: no I/O, no clock.
 * Instants are ISO-8601 UTC strings ("2026-03-03T03:00:00.000Z"); local dates are
 * "YYYY-MM-DD" in Asia/Ho_Chi_Minh (UTC+7, no daylight saving since 1975).
 */

/** A local wall-clock time "HH:MM" in Asia/Ho_Chi_Minh. */
export type LocalTime = string;
/** A local calendar date "YYYY-MM-DD" in Asia/Ho_Chi_Minh. */
export type LocalDate = string;
/** An instant, ISO-8601 in UTC, always produced by Date.prototype.toISOString(). */
export type Instant = string;

export interface OfficeInterval {
  start: LocalTime; // inclusive, e.g. "07:30"
  end: LocalTime; // exclusive, e.g. "11:30"
}

export interface DayEntry {
  date: LocalDate;
  name: string;
  kind?: 'holiday' | 'compensatory' | 'swap' | 'other';
}

/** Holiday data for one year, as an administrator edits it. */
export interface YearCalendar {
  year: number;
  daysOff: DayEntry[];
  makeUpWorkingDays: DayEntry[];
  /** true when the data came from an official notice; false when computed from the statutory rules. */
  verified: boolean;
}

export interface CalendarData {
  /** Increases every time holiday data or office hours change; recorded on every due date. */
  version: number;
  officeHours: OfficeInterval[];
  /** Dossiers received at or after this local time count as received at the start of the next working day. */
  cutoff: LocalTime;
  years: YearCalendar[];
}

/** An amount of working time. "days" counts whole working days (Civil Code style); "hours" counts office hours. */
export interface WorkingAmount {
  value: number;
  unit: 'days' | 'hours';
}

/** A date in the Vietnamese lunar calendar (âm lịch, computed at UTC+7). */
export interface LunarDate {
  day: number; // 1..30
  month: number; // 1..12
  /** The lunar year, named by the Gregorian year in which its Tết (1/1) falls. */
  year: number;
  /** true for a leap month (tháng nhuận). */
  leap: boolean;
}

/** An office interval compiled to ms offsets from local midnight. */
export interface CompiledInterval {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * A compiled working-time calendar (built by buildCalendar). Pure: its answers depend only on
 * `data`; statutory years not present in `data` are computed lazily and cached.
 * Day numbers are local (UTC+7) days since 1970-01-01.
 */
export interface Calendar {
  readonly version: number;
  readonly data: CalendarData;
  /** Total office time of one working day in ms (7.5 h with the default hours). */
  readonly officeDayMs: number;
  /** Office intervals, sorted, as ms offsets from local midnight. */
  readonly intervalsMs: readonly CompiledInterval[];
  /** Mon–Fri not in daysOff, or any day in makeUpWorkingDays. */
  isWorkingDay(date: LocalDate): boolean;
  /** The first working day strictly after `date`. */
  nextWorkingDay(date: LocalDate): LocalDate;
  /** The start of the first office interval of `date`. */
  openAt(date: LocalDate): Instant;
  /** The end of the last office interval of `date`. */
  closeAt(date: LocalDate): Instant;
  /** isWorkingDay on a local day number (fast path for loops). */
  isWorkingDayNumber(day: number): boolean;
  /** nextWorkingDay on a local day number. */
  nextWorkingDayNumber(day: number): number;
}
