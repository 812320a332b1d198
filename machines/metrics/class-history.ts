/**
 * The facts that classify a pending dossier at an instant (docs/metrics.md, "Pending at the period end"), as
 * intervals of its history: whether its clock was stopped, its statutory due date, and its intake wait (due
 * time, answered). The write path closes the open interval and opens a new one when a transition changes them;
 * the same intervals are derived from the events (each event's state). A period that has ended classifies a
 * pending dossier with the interval valid at its end: `valid_from < end ≤ valid_to` (valid_to null: still open),
 * i.e. the state after every event before the end, as the events-only path replays it.
 *
 * The apology and the exemption are not here: the first apology and the first exemption, once given, never
 * change (the chart only appends them), so "given before the end" is read from the row's first_apology_at and
 * first_exemption_at exactly.
 * Pure: no I/O, no clock.
 */
import { STOPPED_STATES } from '../vocabulary';

export interface ClassFacts {
  clockStopped: boolean;
  originalDueAt: string | null;
  intakeDueBy: string | null;
  intakeAnsweredAt: string | null;
}

/** The class facts of a dossier's projected facts (a row's, or a replayed snapshot's). */
export function classFactsOf(f: {
  state: string;
  originalDueAt: string | null;
  intakeDueBy: string | null;
  intakeAnsweredAt: string | null;
}): ClassFacts {
  return {
    clockStopped: (STOPPED_STATES as readonly string[]).includes(f.state),
    originalDueAt: f.originalDueAt,
    intakeDueBy: f.intakeDueBy,
    intakeAnsweredAt: f.intakeAnsweredAt,
  };
}

const instantEq = (a: string | null, b: string | null) => (a === null || b === null ? a === b : Date.parse(a) === Date.parse(b));

export function sameClassFacts(a: ClassFacts, b: ClassFacts): boolean {
  return (
    a.clockStopped === b.clockStopped &&
    instantEq(a.originalDueAt, b.originalDueAt) &&
    instantEq(a.intakeDueBy, b.intakeDueBy) &&
    instantEq(a.intakeAnsweredAt, b.intakeAnsweredAt)
  );
}

/** One interval: the facts from the event `seq` (at `validFrom`) until `validTo` (null: still valid). */
export interface ClassInterval extends ClassFacts {
  seq: number;
  validFrom: string;
  validTo: string | null;
}

/**
 * The intervals of a dossier's history: one per event after which the facts differ from those before it (the
 * first event always opens one). `states` are the facts after each event, in order.
 */
export function classIntervals(states: readonly { facts: ClassFacts; at: string; seq: number }[]): ClassInterval[] {
  const out: ClassInterval[] = [];
  for (const s of states) {
    const open = out.at(-1);
    if (open && sameClassFacts(open, s.facts)) continue;
    if (open) open.validTo = s.at;
    out.push({ ...s.facts, seq: s.seq, validFrom: s.at, validTo: null });
  }
  return out;
}

/**
 * What the intervals say at every instant, whatever transactions wrote them: the intervals of zero length (two
 * changes at one instant, which no instant classifies with) dropped and neighbours with equal facts merged. The
 * write path sees a transaction's events together, the derivation each event: both give the same canonical form.
 */
export function canonicalIntervals(intervals: readonly ClassInterval[]): Omit<ClassInterval, 'seq'>[] {
  const out: Omit<ClassInterval, 'seq'>[] = [];
  for (const i of intervals) {
    if (i.validTo !== null && Date.parse(i.validTo) <= Date.parse(i.validFrom)) continue;
    const last = out.at(-1);
    if (last && sameClassFacts(last, i)) {
      last.validTo = i.validTo;
      continue;
    }
    // one key order, whoever built the interval (the comparisons are of JSON)
    out.push({
      validFrom: i.validFrom,
      validTo: i.validTo,
      clockStopped: i.clockStopped,
      originalDueAt: i.originalDueAt,
      intakeDueBy: i.intakeDueBy,
      intakeAnsweredAt: i.intakeAnsweredAt,
    });
  }
  return out;
}
