/**
 * A dossier's facts: the chart snapshot turned into flat values (state, step, unit, due dates,
 * timeliness, result, counts). The one place that reads them out of the context: the projected row
 * (machines/engine/projection.ts), the auditor's replay (src/audit/replay-steps.ts), the events-only
 * metrics (src/metrics/compliance-from-events.ts) and the corpus test all take them from here.
 * Pure: no I/O, no clock.
 */
import { lifecycleOf, timelinessOf, type DossierSnapshot } from './index';
import type { ClockEntry, DossierContext, LifecycleState } from './types';

export interface DossierFacts {
  state: LifecycleState;
  /** the timeliness region: not_started, on_track, due_soon, overdue */
  timeliness: string;
  /** the current appointment (moves with apologies and stops) */
  dueAt: string | null;
  /** the legal due date (moves only with stops) */
  originalDueAt: string | null;
  /** id of the internal-process step the dossier is at (null before assignment and once a result exists) */
  step: string | null;
  stepIndex: number;
  unit: string | null;
  assignee: string | null;
  receivedAt: string | null;
  resultAt: string | null;
  outcome: string | null;
  /** early, on_time or late once a result exists */
  finalTimeliness: string | null;
  returnedAt: string | null;
  closedAt: string | null;
  /** apologies issued */
  apologies: number;
  /** supplements requested */
  supplements: number;
}

/** The step the dossier is at, or null before assignment and once a result exists. */
export function currentStepId(ctx: DossierContext): string | null {
  const def = ctx.procedure.steps[ctx.stepIndex];
  return def && !ctx.result ? def.id : null;
}

export function factsOf(snapshot: DossierSnapshot): DossierFacts {
  const ctx = snapshot.context;
  return {
    state: lifecycleOf(snapshot),
    timeliness: timelinessOf(snapshot),
    dueAt: ctx.dueAt,
    originalDueAt: ctx.originalDueAt,
    step: currentStepId(ctx),
    stepIndex: ctx.stepIndex,
    unit: ctx.unit,
    assignee: ctx.assignee,
    receivedAt: ctx.receivedAt,
    resultAt: ctx.result?.recordedAt ?? null,
    outcome: ctx.result?.outcome ?? null,
    finalTimeliness: ctx.finalTimeliness,
    returnedAt: ctx.returnedAt,
    closedAt: ctx.closedAt,
    apologies: ctx.apologies.length,
    supplements: ctx.supplementsRequested,
  };
}

/** The calendar version the dossier's deadline clock was computed with: its latest clock entry that names one. */
export function clockCalendarVersion(ctx: Pick<DossierContext, 'clock'>): number | null {
  return ctx.clock.findLast((e) => e.calendarVersion !== null)?.calendarVersion ?? null;
}

/**
 * [from, to) intervals during which the dossier's clock did not run: a pause or a supplement request
 * up to the resume or restart that ended it. A stop still open (no resume yet) is not listed.
 */
export function stoppedIntervals(clock: readonly ClockEntry[]): [string, string][] {
  const out: [string, string][] = [];
  let openedAt: string | null = null;
  for (const e of clock) {
    if ((e.kind === 'pause' || e.kind === 'stop') && openedAt === null) openedAt = e.at;
    if ((e.kind === 'resume' || e.kind === 'restart') && openedAt !== null) {
      out.push([openedAt, e.at]);
      openedAt = null;
    }
  }
  return out;
}
