/**
 * Compiles CalendarData into a fast Calendar: day numbers in Sets, office intervals as ms
 * offsets. Years absent from the data fall back to statutoryYear(year), computed lazily and
 * cached inside the compiled object. Pure: answers depend only on the data.
 */
import {
  dateOfDayNumber,
  dayNumberOf,
  formatInstant,
  localMidnightMs,
  MINUTE_MS,
  minutesOf,
  weekdayOfDayNumber,
  yearOfDayNumber,
} from './local-time';
import { statutoryYear } from './statutory';
import type { Calendar, CalendarData, CompiledInterval, LocalDate, OfficeInterval } from './types';
import { validateYearCalendar } from './validate';

/** No real calendar has this many consecutive non-working days; guards against endless scans. */
export const MAX_NON_WORKING_RUN = 366;

/** Pure. Compiles and checks office hours: non-empty, each start < end, sorted without overlap. */
export function compileOfficeHours(hours: readonly OfficeInterval[]): CompiledInterval[] {
  if (hours.length === 0) throw new RangeError('officeHours: at least one interval is required');
  const compiled = hours
    .map((h, i) => {
      const startMs = minutesOf(h.start) * MINUTE_MS;
      const endMs = minutesOf(h.end) * MINUTE_MS;
      if (startMs >= endMs) throw new RangeError(`officeHours[${i}]: start ${h.start} must be before end ${h.end}`);
      return { startMs, endMs };
    })
    .sort((a, b) => a.startMs - b.startMs);
  compiled.forEach((iv, i) => {
    const prev = compiled[i - 1];
    if (prev && iv.startMs < prev.endMs) throw new RangeError('officeHours: intervals must not overlap');
  });
  return compiled;
}

function cloneData(data: CalendarData): CalendarData {
  return {
    version: data.version,
    officeHours: data.officeHours.map((h) => ({ start: h.start, end: h.end })),
    cutoff: data.cutoff,
    years: data.years.map(validateYearCalendar),
  };
}

function checkData(data: CalendarData): void {
  if (!Number.isInteger(data.version) || data.version < 0) throw new RangeError(`version: must be an integer ≥ 0, got ${data.version}`);
  minutesOf(data.cutoff);
  const years = new Set<number>();
  for (const y of data.years) {
    if (years.has(y.year)) throw new RangeError(`years: year ${y.year} appears twice`);
    years.add(y.year);
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

class CompiledCalendar implements Calendar {
  readonly version: number;
  readonly officeDayMs: number;
  readonly intervalsMs: readonly CompiledInterval[];
  private readonly off = new Set<number>();
  private readonly makeUp = new Set<number>();
  private readonly covered = new Set<number>();
  private readonly statutoryCache = new Map<number, Set<number>>();

  constructor(readonly data: CalendarData) {
    this.version = data.version;
    this.intervalsMs = Object.freeze(compileOfficeHours(data.officeHours));
    this.officeDayMs = this.intervalsMs.reduce((sum, iv) => sum + iv.endMs - iv.startMs, 0);
    for (const y of data.years) {
      this.covered.add(y.year);
      y.daysOff.forEach((d) => this.off.add(dayNumberOf(d.date)));
      y.makeUpWorkingDays.forEach((d) => this.makeUp.add(dayNumberOf(d.date)));
    }
  }

  isWorkingDayNumber(day: number): boolean {
    if (this.makeUp.has(day)) return true;
    const wd = weekdayOfDayNumber(day);
    if (wd === 0 || wd === 6 || this.off.has(day)) return false;
    const year = yearOfDayNumber(day);
    return this.covered.has(year) || !this.statutoryOff(year).has(day);
  }

  nextWorkingDayNumber(day: number): number {
    for (let d = day + 1; d <= day + MAX_NON_WORKING_RUN; d++) {
      if (this.isWorkingDayNumber(d)) return d;
    }
    throw new RangeError(`no working day within ${MAX_NON_WORKING_RUN} days after ${dateOfDayNumber(day)}`);
  }

  isWorkingDay(date: LocalDate): boolean {
    return this.isWorkingDayNumber(dayNumberOf(date));
  }

  nextWorkingDay(date: LocalDate): LocalDate {
    return dateOfDayNumber(this.nextWorkingDayNumber(dayNumberOf(date)));
  }

  openAt(date: LocalDate): string {
    return formatInstant(localMidnightMs(dayNumberOf(date)) + (this.intervalsMs[0] as CompiledInterval).startMs);
  }

  closeAt(date: LocalDate): string {
    return formatInstant(localMidnightMs(dayNumberOf(date)) + (this.intervalsMs.at(-1) as CompiledInterval).endMs);
  }

  private statutoryOff(year: number): Set<number> {
    let days = this.statutoryCache.get(year);
    if (!days) {
      days = new Set(statutoryYear(year).daysOff.map((d) => dayNumberOf(d.date)));
      this.statutoryCache.set(year, days);
    }
    return days;
  }
}

/**
 * Pure. Compiles calendar data (validated and copied; the copy is frozen and exposed as `data`).
 * Throws on invalid data: bad office hours or cut-off, a year listed twice, or an invalid year
 * calendar (see validateYearCalendar). Years not in the data use statutoryYear(year), lazily.
 */
export function buildCalendar(data: CalendarData): Calendar {
  checkData(data);
  return new CompiledCalendar(deepFreeze(cloneData(data)));
}
