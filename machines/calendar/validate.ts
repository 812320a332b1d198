/**
 * Validation of holiday data as an administrator edits it (zod 4 for the shape, then the
 * calendar rules). Pure: no I/O, no clock.
 */
import { z } from 'zod';
import { dayNumberOf, isValidLocalDate, weekdayOfDayNumber } from './local-time';
import type { YearCalendar } from './types';

const dayEntrySchema = z.object({
  date: z.string(),
  name: z.string().min(1, 'must not be empty'),
  kind: z.enum(['holiday', 'compensatory', 'swap', 'other']).optional(),
});

const yearCalendarSchema = z.object({
  year: z.number().int().min(1001).max(9998),
  daysOff: z.array(dayEntrySchema),
  makeUpWorkingDays: z.array(dayEntrySchema),
  verified: z.boolean(),
});

type ParsedYear = z.infer<typeof yearCalendarSchema>;
type Issue = { path: string; message: string };

/** Thrown by validateYearCalendar; the message lists every problem as "field: reason". */
export class CalendarValidationError extends Error {
  constructor(readonly issues: readonly Issue[]) {
    super(`invalid year calendar: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'CalendarValidationError';
  }
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');
}

function checkDates(y: ParsedYear, field: 'daysOff' | 'makeUpWorkingDays', issues: Issue[]): void {
  const seen = new Map<string, number>();
  y[field].forEach((entry, i) => {
    const path = `${field}[${i}].date`;
    if (!isValidLocalDate(entry.date)) {
      issues.push({ path, message: `"${entry.date}" is not a valid YYYY-MM-DD date` });
      return;
    }
    if (Number(entry.date.slice(0, 4)) !== y.year) {
      issues.push({ path, message: `${entry.date} is outside year ${y.year}` });
    }
    const first = seen.get(entry.date);
    if (first !== undefined) issues.push({ path, message: `${entry.date} duplicates ${field}[${first}]` });
    else seen.set(entry.date, i);
    if (field === 'makeUpWorkingDays') {
      const wd = weekdayOfDayNumber(dayNumberOf(entry.date));
      if (wd !== 0 && wd !== 6) issues.push({ path, message: `make-up working day ${entry.date} must be a Saturday or Sunday` });
    }
  });
}

function checkOverlap(y: ParsedYear, issues: Issue[]): void {
  const off = new Set(y.daysOff.map((d) => d.date));
  y.makeUpWorkingDays.forEach((entry, i) => {
    if (off.has(entry.date)) {
      issues.push({ path: `makeUpWorkingDays[${i}].date`, message: `${entry.date} is both a day off and a make-up working day` });
    }
  });
}

/**
 * Pure. Validates an administrator-edited year calendar and returns it typed (unknown fields are
 * dropped). Throws CalendarValidationError whose message names each field and reason: dates must
 * be valid YYYY-MM-DD within that year, no duplicates, no date both off and make-up, make-up
 * days must be Saturday or Sunday.
 */
export function validateYearCalendar(y: unknown): YearCalendar {
  const parsed = yearCalendarSchema.safeParse(y);
  if (!parsed.success) {
    throw new CalendarValidationError(parsed.error.issues.map((i) => ({ path: pathOf(i.path) || '(root)', message: i.message })));
  }
  const issues: Issue[] = [];
  checkDates(parsed.data, 'daysOff', issues);
  checkDates(parsed.data, 'makeUpWorkingDays', issues);
  checkOverlap(parsed.data, issues);
  if (issues.length > 0) throw new CalendarValidationError(issues);
  return toYearCalendar(parsed.data);
}

function toYearCalendar(y: ParsedYear): YearCalendar {
  const entry = (d: ParsedYear['daysOff'][number]) =>
    d.kind === undefined ? { date: d.date, name: d.name } : { date: d.date, name: d.name, kind: d.kind };
  return { year: y.year, daysOff: y.daysOff.map(entry), makeUpWorkingDays: y.makeUpWorkingDays.map(entry), verified: y.verified };
}
