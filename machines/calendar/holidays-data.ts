/**
 * The bundled holiday dataset (holidays-vn.json) and the default calendar data built from it.
 * The JSON is loaded once at module load (import), never at call time. Pure.
 */
import raw from './holidays-vn.json';
import { validateYearCalendar } from './validate';
import type { CalendarData, YearCalendar } from './types';

interface HolidayFileDay {
  date: string;
  name: string;
  kind?: string;
}

interface HolidayFileYear {
  days_off: HolidayFileDay[];
  makeup_working_days: HolidayFileDay[];
  verified: boolean;
}

interface HolidayFile {
  years: Record<string, HolidayFileYear>;
}

const file: HolidayFile = raw;

function yearFromFile(year: number, y: HolidayFileYear): YearCalendar {
  return validateYearCalendar({
    year,
    daysOff: y.days_off.map((d) => ({ date: d.date, name: d.name, kind: d.kind })),
    makeUpWorkingDays: y.makeup_working_days.map((d) => ({ date: d.date, name: d.name })),
    verified: y.verified,
  });
}

/** Pure. The year calendars of holidays-vn.json (2024–2027), validated, sorted by year; a fresh copy each call. */
export function datasetYears(): YearCalendar[] {
  return Object.entries(file.years)
    .map(([year, y]) => yearFromFile(Number(year), y))
    .sort((a, b) => a.year - b.year);
}

/**
 * Pure. Default calendar data: version 1, office hours 07:30–11:30 and 13:30–17:00, cut-off 15:00,
 * years 2024–2027 from holidays-vn.json. Returns a fresh object each call (safe to edit).
 */
export function defaultCalendarData(): CalendarData {
  return {
    version: 1,
    officeHours: [
      { start: '07:30', end: '11:30' },
      { start: '13:30', end: '17:00' },
    ],
    cutoff: '15:00',
    years: datasetYears(),
  };
}
