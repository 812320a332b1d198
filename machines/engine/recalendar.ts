/**
 * A new calendar version reaches the open dossiers (docs/calendar.md "Calendar changes"): the statutory
 * due date is recomputed on the new calendar from the clock's last (re)start and the pauses since, exactly
 * as RECEIVE/RECEIVE_SUPPLEMENT and RESUME computed it; the appointment promised to the applicant never
 * moves earlier. Pure: both calendars and the time are passed in.
 */
import { dueDate, pauseExtensionMs, shiftByWorkingTime, type Calendar, type Instant } from '../calendar';
import type { DossierContext, DossierEvent } from '../dossier';
import { pausedSinceClockStart } from './pauses';

/** The statutory due date of the running clock computed on `cal`; null when the clock never started. */
export function statutoryDueOn(ctx: Pick<DossierContext, 'clock' | 'procedure'>, cal: Calendar): Instant | null {
  const start = ctx.clock.findLast((e) => e.kind === 'start' || e.kind === 'restart');
  if (!start) return null;
  const terms = ctx.procedure;
  const base = dueDate(start.at, terms.processingTime, cal, terms.cutoff ? { cutoff: terms.cutoff } : undefined).dueAt;
  const unit = terms.processingTime.unit;
  const extension = pauseExtensionMs(0, pausedSinceClockStart(ctx.clock, cal), unit, cal);
  return extension > 0 ? shiftByWorkingTime(base, extension, unit, cal) : base;
}

const later = (a: Instant, b: Instant): Instant => (Date.parse(a) >= Date.parse(b) ? a : b);

/**
 * The CALENDAR_CHANGED event for a dossier when `newCal` moves its deadline compared with `oldCal` (the
 * version its due date was computed with), else null. Only a dossier with a running or paused clock and no
 * result is concerned: a result's timeliness is already fixed, and a dossier waiting for a supplement gets a
 * new due date on the current calendar when the clock restarts.
 */
export function calendarChangeEvent(ctx: DossierContext, oldCal: Calendar, newCal: Calendar, at: Instant): DossierEvent | null {
  if (!ctx.originalDueAt || !ctx.dueAt || ctx.result || ctx.closedAt) return null;
  const before = statutoryDueOn(ctx, oldCal);
  const after = statutoryDueOn(ctx, newCal);
  if (before === null || after === null || before === after) return null;
  // The statutory due date follows the calendar either way; the appointment on the receipt never moves earlier.
  const dueAt = later(ctx.dueAt, after);
  if (after === ctx.originalDueAt && dueAt === ctx.dueAt) return null;
  return {
    type: 'CALENDAR_CHANGED',
    at,
    by: { username: 'system', unit: null },
    previousCalendarVersion: oldCal.version,
    calendarVersion: newCal.version,
    previousDueAt: ctx.dueAt,
    previousOriginalDueAt: ctx.originalDueAt,
    dueAt,
    originalDueAt: after,
  };
}
