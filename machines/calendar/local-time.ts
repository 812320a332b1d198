/**
 * Local-time arithmetic for Asia/Ho_Chi_Minh (fixed UTC+7, no daylight saving).
 * Everything here is pure arithmetic on UTC milliseconds: it never reads the process time zone,
 * Intl, or the clock.
 */
import type { Instant, LocalDate, LocalTime } from './types';

/** Offset of Asia/Ho_Chi_Minh from UTC in ms (+07:00). */
export const TZ_OFFSET_MS = 7 * 3_600_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
/** An explicit zone (Z or ±HH:MM) is required so parsing never depends on the process TZ. */
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Pure. Parses an instant (ISO-8601 with Z or an explicit offset) to UTC ms; throws RangeError otherwise. */
export function parseInstant(instant: Instant): number {
  const ms = INSTANT_RE.test(instant) ? Date.parse(instant) : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`invalid instant "${instant}": expected ISO-8601 with Z or ±HH:MM`);
  return ms;
}

/** Pure. Formats UTC ms as an Instant (Date.prototype.toISOString). */
export function formatInstant(ms: number): Instant {
  return new Date(ms).toISOString();
}

/** Pure. Minutes since local midnight of "HH:MM"; throws RangeError for anything else. */
export function minutesOf(time: LocalTime): number {
  const m = TIME_RE.exec(time);
  if (!m) throw new RangeError(`invalid local time "${time}": expected HH:MM (00:00–23:59)`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Pure. true when `date` is a real calendar date written YYYY-MM-DD. */
export function isValidLocalDate(date: string): boolean {
  const m = DATE_RE.exec(date);
  if (!m) return false;
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/**
 * Pure. Local day number (days since 1970-01-01) of a YYYY-MM-DD date; throws RangeError if invalid. The working-time
 * arithmetic asks it for the same few hundred dates over and over (each check parsed and validated the text with two
 * Date objects: issue 16), so the answers for valid dates are kept; bounded, like any memo of a pure function here.
 */
export function dayNumberOf(date: LocalDate): number {
  const known = dayNumbers.get(date);
  if (known !== undefined) return known;
  const day = computeDayNumber(date);
  if (dayNumbers.size >= DAY_NUMBERS_LIMIT) dayNumbers.clear();
  dayNumbers.set(date, day);
  return day;
}

const dayNumbers = new Map<string, number>();
const DAY_NUMBERS_LIMIT = 20_000;

function computeDayNumber(date: LocalDate): number {
  if (!isValidLocalDate(date)) throw new RangeError(`invalid local date "${date}": expected a real YYYY-MM-DD date`);
  const m = DATE_RE.exec(date) as RegExpExecArray;
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Math.round(d.getTime() / DAY_MS);
}

/** Pure. The YYYY-MM-DD date of a local day number (kept per day number, as dayNumberOf's: the rollups' deltas ask for the same days). */
export function dateOfDayNumber(day: number): LocalDate {
  let date = dates.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (dates.size >= DAY_NUMBERS_LIMIT) dates.clear();
    dates.set(day, date);
  }
  return date;
}

const dates = new Map<number, string>();

/** Pure. The Gregorian year of a local day number. */
export function yearOfDayNumber(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** Pure. Weekday of a local day number, 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOfDayNumber(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Pure. The local day number containing the UTC instant `ms`. */
export function localDayNumber(ms: number): number {
  return Math.floor((ms + TZ_OFFSET_MS) / DAY_MS);
}

/** Pure. UTC ms of local midnight starting local day `day`. */
export function localMidnightMs(day: number): number {
  return day * DAY_MS - TZ_OFFSET_MS;
}

/** Pure. The local (UTC+7) calendar date of an instant. */
export function localDate(instant: Instant): LocalDate {
  return dateOfDayNumber(localDayNumber(parseInstant(instant)));
}

/** Pure. The local (UTC+7) wall-clock time "HH:MM" of an instant (seconds are truncated). */
export function localTime(instant: Instant): LocalTime {
  const ms = parseInstant(instant);
  const minutes = Math.floor((ms - localMidnightMs(localDayNumber(ms))) / MINUTE_MS);
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${hh}:${mm}`;
}

/** Pure. The instant of local date + local time in Asia/Ho_Chi_Minh, as an ISO UTC string. */
export function toInstant(date: LocalDate, time: LocalTime): Instant {
  return formatInstant(localMidnightMs(dayNumberOf(date)) + minutesOf(time) * MINUTE_MS);
}

/** Pure. `date` moved by `n` calendar days (n must be an integer, may be negative). */
export function addDays(date: LocalDate, n: number): LocalDate {
  if (!Number.isInteger(n)) throw new RangeError(`addDays: n must be an integer, got ${n}`);
  return dateOfDayNumber(dayNumberOf(date) + n);
}

/** Pure. Weekday of a local date: 0 = Sunday … 6 = Saturday. */
export function weekday(date: LocalDate): 0 | 1 | 2 | 3 | 4 | 5 | 6 {
  return weekdayOfDayNumber(dayNumberOf(date)) as 0 | 1 | 2 | 3 | 4 | 5 | 6;
}
