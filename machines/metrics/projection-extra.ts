/**
 * The metrics columns of the dossier projection, computed from a chart snapshot. Pure: no I/O, no clock.
 * The engine writes them at every commit beside projectSnapshot's columns; the events-only path
 * (compliance-from-events.ts) computes the same values from a replayed snapshot, so the two agree
 * unless a row was edited.
 */
import { workingTimeBetween, type Calendar } from '../calendar';
import type { DossierContext, DossierSnapshot } from '../dossier';
import { clockCalendarVersion } from '../dossier/facts';
import { pauseSummary } from '../engine/pauses';

export interface MetricsColumns {
  first_apology_at: string | null;
  apology_timely: boolean | null;
  return_method: string | null;
  rating: number | null;
  result_digitised: boolean | null;
  result_working_ms: number | null;
  handling_unit: string | null;
  handling_officer: string | null;
  /** when a supplement was first requested after the procedure's window (null: never) */
  late_supplement_at: string | null;
  /** an online submission's intake answer was due by then (8 working hours; chart version 3 on, null otherwise) */
  intake_due_by: string | null;
  /** when the counter answered the current intake wait (null while it waits, and before chart version 3) */
  intake_answered_at: string | null;
  /** the first intake answer given after its due time (null: never) */
  intake_late_at: string | null;
  /** working time pauses moved the statutory due date, once a result exists (null before) */
  pause_extension_ms: number | null;
  /** when a leader approved the exemption from the apology (null: none) */
  first_exemption_at: string | null;
  /** every required document was stored as a file at receipt (null before receipt, and before issue 14) */
  receipt_digitised: boolean | null;
  /** at least one required document was reused from an earlier dossier at receipt (null likewise) */
  receipt_reused: boolean | null;
}

/** A calendar, or a way to find the calendar of a version (the events-only path passes one). */
export type CalendarSource = Calendar | ((version: number) => Calendar | undefined);

/**
 * Working time the office held the dossier, from receipt to result: office time on working days while
 * the deadline clock ran (start/restart/resume → stop/pause/result). Time waiting for a supplement or
 * paused does not count, as it does not count towards the due date. null until a result exists.
 */
export function resultWorkingMs(ctx: DossierContext, cal: Calendar): number | null {
  if (!ctx.result || !ctx.receivedAt) return null;
  let total = 0;
  let runningSince: string | null = null;
  for (const entry of ctx.clock) {
    if (entry.kind === 'start' || entry.kind === 'restart' || entry.kind === 'resume') runningSince ??= entry.at;
    else if ((entry.kind === 'stop' || entry.kind === 'pause') && runningSince !== null) {
      total += workingTimeBetween(runningSince, entry.at, cal);
      runningSince = null;
    }
  }
  if (runningSince !== null) total += workingTimeBetween(runningSince, ctx.result.recordedAt, cal);
  return total;
}

/**
 * The procedure's handling step: the first step done by a specialist (thụ lý), else the first step
 * after the counter's, else the first. Its unit and officer are what "per unit" and "per officer" mean.
 */
export function handlingStepIndex(ctx: DossierContext): number {
  const steps = ctx.procedure.steps;
  const specialist = steps.findIndex((s) => s.role === 'specialist');
  if (specialist >= 0) return specialist;
  const office = steps.findIndex((s) => s.role !== 'counter');
  return office >= 0 ? office : 0;
}

function handling(ctx: DossierContext): { unit: string | null; officer: string | null } {
  const idx = handlingStepIndex(ctx);
  const planned = ctx.procedure.steps[idx]?.unit ?? null;
  // The step is in progress (or was when the dossier was withdrawn): whoever holds it.
  if (!ctx.result && ctx.stepIndex === idx) {
    return { unit: ctx.unit ?? planned, officer: ctx.assignee };
  }
  // The step was done (the last time, if it was sent back): its assignee, else who completed it.
  const done = ctx.steps.filter((s) => s.index === idx).at(-1);
  if (done) return { unit: done.unit || planned, officer: done.assignee ?? done.by };
  return { unit: planned, officer: null };
}

/**
 * The metrics columns of a dossier. `calendars` measures result_working_ms: the calendar of version
 * clockCalendarVersion(ctx) (the version the due date was computed with). A Calendar given directly is
 * used as is — the engine passes its current one, which is that version unless a new calendar was
 * published while the dossier was open.
 */
export function metricsColumns(snapshot: DossierSnapshot, calendars: CalendarSource): MetricsColumns {
  const ctx = snapshot.context;
  const first = ctx.apologies[0];
  let workingMs: number | null = null;
  let pauseExtension: number | null = null;
  if (ctx.result) {
    const version = clockCalendarVersion(ctx);
    const cal = typeof calendars === 'function' ? (version === null ? undefined : calendars(version)) : calendars;
    if (!cal) throw new Error(`calendar version ${String(version)} is needed to measure ${ctx.code}'s working time`);
    workingMs = resultWorkingMs(ctx, cal);
    pauseExtension = pauseSummary(ctx.clock, cal).totalExtensionMs;
  }
  const h = handling(ctx);
  return {
    first_apology_at: first?.at ?? null,
    apology_timely: first ? first.timely : null,
    return_method: ctx.returnMethod,
    rating: ctx.rating,
    receipt_digitised: ctx.receiptDigitisation ? ctx.receiptDigitisation.digitised === ctx.receiptDigitisation.required : null,
    receipt_reused: ctx.receiptDigitisation ? ctx.receiptDigitisation.reused > 0 : null,
    result_digitised: ctx.result ? ctx.result.digitised : null,
    result_working_ms: workingMs,
    handling_unit: h.unit,
    handling_officer: h.officer,
    late_supplement_at: ctx.clock.find((e) => e.kind === 'stop' && e.lateRequest)?.at ?? null,
    intake_due_by: ctx.intake?.dueBy ?? null,
    intake_answered_at: ctx.intake?.answeredAt ?? null,
    intake_late_at: ctx.intake?.lateAnswerAt ?? null,
    pause_extension_ms: pauseExtension,
    first_exemption_at: ctx.exemptions?.[0]?.at ?? null,
  };
}
