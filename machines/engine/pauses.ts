/**
 * Pauses of a dossier, read from its deadline clock: how many, how long (working time) and how far
 * they moved the statutory due date. Pure: the calendar is passed in, no clock is read.
 */
import { workingTimeBetween, type Calendar, type Instant } from '../calendar';
import type { ClockEntry } from '../dossier';

export interface PauseRecord {
  reason: string | null;
  from: Instant;
  /** null while the dossier is still paused */
  to: Instant | null;
  /** working time paused (up to `now` for a pause still running) */
  workingMs: number;
  /** working time the statutory due date moved when this pause ended (0 while it runs) */
  extensionMs: number;
}

export interface PauseSummary {
  count: number;
  totalWorkingMs: number;
  totalExtensionMs: number;
  pauses: PauseRecord[];
}

/** Pure. Every pause of the dossier in time order; a running pause is measured up to `now` (if given). */
export function pausesOf(clock: readonly ClockEntry[], cal: Calendar, now?: Instant): PauseRecord[] {
  const out: PauseRecord[] = [];
  let open: ClockEntry | null = null;
  for (const e of clock) {
    if (e.kind === 'pause') open = e;
    else if (e.kind === 'resume' && open) {
      const extensionMs = open.originalDueAt && e.originalDueAt ? workingTimeBetween(open.originalDueAt, e.originalDueAt, cal) : 0;
      out.push({ reason: open.reason ?? null, from: open.at, to: e.at, workingMs: workingTimeBetween(open.at, e.at, cal), extensionMs });
      open = null;
    }
  }
  if (open)
    out.push({
      reason: open.reason ?? null,
      from: open.at,
      to: null,
      workingMs: now ? workingTimeBetween(open.at, now, cal) : 0,
      extensionMs: 0,
    });
  return out;
}

/** Pure. Count, total paused working time and total extension of the statutory due date. */
export function pauseSummary(clock: readonly ClockEntry[], cal: Calendar, now?: Instant): PauseSummary {
  const pauses = pausesOf(clock, cal, now);
  return {
    count: pauses.length,
    totalWorkingMs: pauses.reduce((s, p) => s + p.workingMs, 0),
    totalExtensionMs: pauses.reduce((s, p) => s + p.extensionMs, 0),
    pauses,
  };
}

/** Pure. Working time of the pauses that ended since the clock last (re)started: the pause rule's running total. */
export function pausedSinceClockStart(clock: readonly ClockEntry[], cal: Calendar): number {
  const startIdx = clock.findLastIndex((e) => e.kind === 'start' || e.kind === 'restart');
  return pausesOf(clock.slice(Math.max(startIdx, 0)), cal)
    .filter((p) => p.to !== null)
    .reduce((s, p) => s + p.workingMs, 0);
}
