/**
 * When a dossier next needs the deadline sweeper, and what it should send then. Pure: the calendar
 * and "now" are passed in. The engine stores nextCheckAt on the dossier row at every transition, so
 * a sweep reads only the dossiers whose moment has come (an indexed range scan), never every open one.
 */
import { addWorkingTime, shiftByWorkingTime, workingTimeBetween, type Calendar, type Instant, type WorkingAmount } from '../calendar';
import { lifecycleOf, timelinessStateOf, type ClockEntry, type DossierSnapshot } from '../dossier';
import { stoppedIntervals } from '../dossier/facts';
import { apologyDeadline } from './stamp';
import { RUNNING_STATES, stateIn } from '../vocabulary';

/**
 * The earliest instant from which at most `thresholdMs` of working time is left before `due`: from then
 * on the dossier is due soon. With the default threshold of one office day that is the close of the
 * working day before the due day — the last moment a timely apology can still be issued.
 */
export function dueSoonAt(due: string, thresholdMs: number, cal: Calendar): string {
  const key = `${cal.version}|${thresholdMs}|${due}`;
  const hit = dueSoonCache.get(key);
  if (hit) return hit;
  const dueMs = Date.parse(due);
  // Far enough back to hold more working time than the threshold, even across Tết's nine days off.
  const spanDays = (Math.ceil(thresholdMs / cal.officeDayMs) + 1) * 7 + 14;
  let lo = dueMs - spanDays * 86_400_000;
  let hi = dueMs; // invariant: workingTimeBetween(lo) > threshold ≥ workingTimeBetween(hi)
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (workingTimeBetween(new Date(mid).toISOString(), due, cal) > thresholdMs) lo = mid;
    else hi = mid;
  }
  const result = new Date(hi).toISOString();
  if (dueSoonCache.size >= 10_000) dueSoonCache.clear();
  dueSoonCache.set(key, result);
  return result;
}

/** Calendars are immutable per version, so the answer for (version, threshold, due) never changes. */
const dueSoonCache = new Map<string, string>();

export interface StepDeadline {
  /** when the step's budget runs out */
  deadline: Instant;
  /** working time the dossier's clock was stopped within the step, which pushed the deadline back */
  stoppedMs: number;
}

/**
 * A step's deadline, the one rule the sweeper (STEP_OVERDUE), the control slip and the weekly review's
 * responsible step all use: the step's start plus its budget in working time, pushed back by the working
 * time the dossier's clock was stopped (paused, waiting for a supplement) between the step's start and
 * `end` — as the dossier's own due date is (shiftByWorkingTime, by the budget's unit). `end` is when
 * the step ended; null for a step in progress, whose every closed stop counts. A stop still open does
 * not count yet: while the clock is stopped no step can be overdue, and the resume that closes it
 * moves the deadline.
 */
export function stepDeadline(
  start: Instant,
  budget: WorkingAmount,
  clock: readonly ClockEntry[],
  cal: Calendar,
  end: Instant | null = null,
): StepDeadline {
  const stoppedMs = stoppedIntervals(clock).reduce(
    (sum, [a, b]) => sum + workingTimeBetween(a > start ? a : start, end !== null && b > end ? end : b, cal),
    0,
  );
  return { deadline: shiftByWorkingTime(addWorkingTime(start, budget, cal), stoppedMs, budget.unit, cal), stoppedMs };
}

/** When the current step's budget runs out (stepDeadline; null when no step is in progress or it was flagged already). */
export function stepDueAt(snapshot: DossierSnapshot, cal: Calendar): string | null {
  const ctx = snapshot.context;
  const step = ctx.procedure.steps[ctx.stepIndex];
  if (!step || !ctx.stepStartedAt || !snapshot.can({ type: 'STEP_OVERDUE' } as never)) return null;
  return stepDeadline(ctx.stepStartedAt, step.budget, ctx.clock, cal).deadline;
}

/** Default warning lead before the apology window closes: half an office day of working time. */
export function defaultApologyLeadMs(cal: Calendar): number {
  return cal.officeDayMs / 2;
}

/**
 * When the sweeper warns the office (DEADLINE_APPROACHING, the dossier becomes due soon): at most `thresholdMs`
 * of working time before the due time, and, while an apology may still be needed, `apologyLeadMs` of working
 * time before the apology window closes (apologyDeadline: the close of the working day before the due day by
 * default, the due time for Decree 297/2025 groups) — whichever comes first. The warning therefore never
 * arrives as the window closes, but while a timely apology can still be issued.
 */
export function warningAt(
  snapshot: DossierSnapshot,
  cal: Calendar,
  thresholdMs: number,
  apologyLeadMs = defaultApologyLeadMs(cal),
): string {
  const ctx = snapshot.context;
  const soon = dueSoonAt(ctx.originalDueAt!, thresholdMs, cal);
  if (ctx.apologies.length >= ctx.procedure.maxReappointments) return soon;
  const beforeApology = dueSoonAt(apologyDeadline(ctx, cal), apologyLeadMs, cal);
  return beforeApology < soon ? beforeApology : soon;
}

function dossierCheckAt(snapshot: DossierSnapshot, cal: Calendar, thresholdMs: number, apologyLeadMs?: number): string | null {
  const ctx = snapshot.context;
  if (!stateIn(RUNNING_STATES, lifecycleOf(snapshot)) || ctx.result || !ctx.originalDueAt) return null;
  const flag = timelinessStateOf(snapshot);
  // Just after the due time passes: "late" means after the due time, not at it.
  const passedAt = new Date(Date.parse(ctx.originalDueAt) + 1000).toISOString();
  if (flag === 'on_track') {
    const soon = warningAt(snapshot, cal, thresholdMs, apologyLeadMs);
    return soon < passedAt ? soon : passedAt;
  }
  if (flag === 'due_soon') return passedAt;
  return null;
}

/** The next moment the sweeper must look at this dossier, or null while its clock is not running. */
export function nextCheckAt(snapshot: DossierSnapshot, cal: Calendar, thresholdMs: number, apologyLeadMs?: number): string | null {
  const dossier = dossierCheckAt(snapshot, cal, thresholdMs, apologyLeadMs);
  const stepDue = stepDueAt(snapshot, cal);
  const step = stepDue ? new Date(Date.parse(stepDue) + 1000).toISOString() : null;
  if (dossier && step) return dossier < step ? dossier : step;
  return dossier ?? step;
}

export type DeadlineEventType = 'DEADLINE_PASSED' | 'DEADLINE_APPROACHING' | 'STEP_OVERDUE';

/** What the sweeper sends to a dossier at `now`: the dossier's own flags first, then the step's; null when nothing is due. */
export function deadlineEventAt(
  snapshot: DossierSnapshot,
  now: string,
  cal: Calendar,
  thresholdMs: number,
  apologyLeadMs?: number,
): DeadlineEventType | null {
  const ctx = snapshot.context;
  if (!stateIn(RUNNING_STATES, lifecycleOf(snapshot)) || ctx.result || !ctx.originalDueAt) return null;
  const flag = timelinessStateOf(snapshot);
  if (flag !== 'overdue' && now > ctx.originalDueAt) return 'DEADLINE_PASSED';
  if (flag === 'on_track' && now >= warningAt(snapshot, cal, thresholdMs, apologyLeadMs)) return 'DEADLINE_APPROACHING';
  const stepDue = stepDueAt(snapshot, cal);
  if (stepDue && now > stepDue) return 'STEP_OVERDUE';
  return null;
}
