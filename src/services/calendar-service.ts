/**
 * Working-day calendar administration. Editing a year publishes a new calendar version; every open dossier
 * whose deadline it moves is recomputed on it at once (docs/calendar.md "Calendar changes").
 */
import { z } from 'zod';
import type { EngineContext } from '../app/engine-factory';
import { CalendarValidationError, localDate, statutoryYear, validateYearCalendar } from '../../machines/calendar';
import { LocalDateSchema } from '../../machines/engine/commands';
import type { CalendarData, YearCalendar } from '../../machines/calendar/types';
import { forbidden, notFound, validationFailed, versionConflict } from '../../machines/engine/errors';
import { isUniqueViolation } from '../store/dossier-store';
import { findCalendarVersion, insertCalendarVersion, latestCalendarVersion } from '../store/calendar-store';
import { hasRole, type AuthUser } from './auth-user';
import { parseWith } from './validate';

const DayEntryBodySchema = z.strictObject({
  date: z.string().describe('YYYY-MM-DD'),
  name: z.string().min(1).max(200),
  kind: z.enum(['holiday', 'compensatory', 'swap', 'other']).optional(),
});

/**
 * The body of PUT /api/calendar/{year}: the shape only (strict: unknown fields are refused); the
 * calendar rules (real dates of that year, no duplicates, make-up days on weekends) follow in
 * validateYearCalendar. `year` may be repeated from the path (a year read with GET, edited and sent back).
 */
export const YearCalendarBodySchema = z.strictObject({
  year: z.int().optional().describe('if given, the year of the path'),
  daysOff: z.array(DayEntryBodySchema).max(366),
  makeUpWorkingDays: z.array(DayEntryBodySchema).max(366),
  verified: z.boolean().describe('true when taken from an official notice'),
});

export const NextWorkingDayQuerySchema = z.strictObject({
  after: LocalDateSchema.optional().describe('YYYY-MM-DD; default: today in Asia/Ho_Chi_Minh on the server’s clock'),
});

export const NextWorkingDaySchema = z.object({
  after: z.string().describe('the day asked about (YYYY-MM-DD)'),
  date: z.string().describe('the first working day strictly after `after` (YYYY-MM-DD)'),
  calendarVersion: z.int(),
});

export interface YearView extends YearCalendar {
  calendarVersion: number;
  /** "data" when an administrator or the shipped dataset set this year; "statutory" when computed from the Labour Code */
  source: 'data' | 'statutory';
  /** PUT only: how many open dossiers got new due dates on the published version */
  dossiersRecomputed?: number;
}

export class CalendarService {
  constructor(private readonly ctx: EngineContext) {}

  private async latest(): Promise<CalendarData> {
    const v = await latestCalendarVersion(this.ctx.db);
    const data = v === null ? null : await findCalendarVersion(this.ctx.db, v);
    if (!data) throw notFound('lịch làm việc', 'latest');
    return data;
  }

  /**
   * The first working day after a day on the current calendar (holidays, compensatory days off and make-up
   * working days included): what the apology form proposes as the new appointment, so the web UI never
   * keeps its own copy of the holidays.
   */
  async nextWorkingDay(query: unknown): Promise<z.infer<typeof NextWorkingDaySchema>> {
    const q = parseWith(NextWorkingDayQuerySchema, query);
    const after = q.after ?? localDate(this.ctx.clock.now().toISOString());
    const cal = await this.ctx.calendars.latest();
    return { after, date: cal.nextWorkingDay(after), calendarVersion: cal.version };
  }

  async year(year: number): Promise<YearView> {
    if (!Number.isInteger(year) || year < 2000 || year > 2100)
      throw validationFailed([{ field: 'year', reason: 'expected a year 2000–2100' }]);
    const data = await this.latest();
    const found = data.years.find((y) => y.year === year);
    return found
      ? { ...found, calendarVersion: data.version, source: 'data' }
      : { ...statutoryYear(year), calendarVersion: data.version, source: 'statutory' };
  }

  async putYear(user: AuthUser, year: number, body: unknown): Promise<YearView> {
    if (!hasRole(user, 'admin')) throw forbidden('Chỉ quản trị viên được sửa lịch nghỉ');
    if (!Number.isInteger(year) || year < 2000 || year > 2100)
      throw validationFailed([{ field: 'year', reason: 'expected a year 2000–2100' }]);
    const shape = parseWith(YearCalendarBodySchema, body);
    if (shape.year !== undefined && shape.year !== year)
      throw validationFailed([{ field: 'year', reason: `differs from the year of the path (${year})` }]);
    let y: YearCalendar;
    try {
      y = validateYearCalendar({ ...shape, year });
    } catch (err) {
      // the calendar's own paths are "daysOff[0].date"; the API names fields "daysOff.0.date" everywhere
      if (err instanceof CalendarValidationError)
        throw validationFailed(err.issues.map((i) => ({ field: i.path.replace(/\[(\d+)\]/g, '.$1') || '(body)', reason: i.message })));
      throw err;
    }
    const data = await this.latest();
    const next: CalendarData = {
      ...data,
      version: data.version + 1,
      years: [...data.years.filter((x) => x.year !== year), y].sort((a, b) => a.year - b.year),
    };
    try {
      await insertCalendarVersion(this.ctx.db, next, {
        createdAt: this.ctx.clock.now().toISOString(),
        createdBy: user.username,
        note: `year ${year} edited`,
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw versionConflict(data.version, null); // another administrator published first
      throw err;
    }
    this.ctx.calendars.invalidate();
    // The open dossiers whose deadline the change moves are recomputed now, each with a CALENDAR_CHANGED event.
    const { changed } = await this.ctx.engine.recalendarOpenDossiers();
    return { ...y, calendarVersion: next.version, source: 'data', dossiersRecomputed: changed };
  }
}
