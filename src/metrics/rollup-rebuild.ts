/**
 * The compliance rollup (machines/metrics/rollup.ts) and the pending-class history (machines/metrics/class-history.ts)
 * derived from the events alone: every dossier's events replayed one at a time through its chart version, the facts
 * of each state turned into rollup changes exactly as the engine turns its rows into them (rollupFromHistory), and
 * into the intervals of the facts that classify it when pending (classIntervals), and its last state into its
 * contribution to the digitisation rollup (machines/metrics/digitisation-rollup.ts). `rebuildRollup` replaces the
 * three tables with the result; `rollupFromEvents` only computes them (the tests and `metrics:rollup --verify` compare
 * them with what the write path kept). The migration that added the history (db/migrations/20261208000500_class_history.ts)
 * backfilled it with its own frozen copy of this derivation.
 */
import { applyEvent, chartFor, startDossier, type DossierSnapshot } from '../../machines/dossier';
import { clockCalendarVersion } from '../../machines/dossier/facts';
import type { Calendar } from '../../machines/calendar';
import { decodeRow, inputFromSubmit, toChartEvent, type StoredEvent } from '../../machines/engine/event-codec';
import { addEntries, rollupFromHistory, type RollupFacts, type RollupValues } from '../../machines/metrics/rollup';
import { DigitisationTotals, type DigitisationFacts } from '../../machines/metrics/digitisation-rollup';
import { canonicalIntervals, classFactsOf, classIntervals, type ClassInterval } from '../../machines/metrics/class-history';
import type { CalendarProvider } from '../engine/reference-data';
import { listDossierIdsAfter, listEventsByDossier } from '../store/dossier-store';
import { inTransaction, type Db } from '../store/db';
import { replaceRollup } from '../store/rollup-store';
import { replaceDigitisationRollup } from '../store/digitisation-rollup-store';
import { classIntervalsOf, deleteClassHistory, insertClassIntervals } from '../store/class-history-store';
import { metricFactsOf, type MetricFacts } from './compliance-from-events';

/** The rollup's facts of a replayed snapshot (the same values the projection row holds). */
export function rollupFactsOfMetricFacts(m: MetricFacts): RollupFacts {
  return {
    state: m.state,
    channel: m.channel,
    receivedAt: m.receivedAt,
    resultAt: m.resultAt,
    returnedAt: m.returnedAt,
    closedAt: m.closedAt,
    originalDueAt: m.originalDueAt,
    finalTimeliness: m.finalTimeliness,
    outcome: m.outcome,
    receiptDigitised: m.receipt_digitised,
    receiptReused: m.receipt_reused,
    resultDigitised: m.result_digitised,
    resultWorkingMs: m.result_working_ms,
    pauseExtensionMs: m.pause_extension_ms,
    returnMethod: m.return_method,
    rating: m.rating,
    lateSupplementAt: m.late_supplement_at,
    intakeDueBy: m.intake_due_by,
    intakeAnsweredAt: m.intake_answered_at,
    intakeLateAt: m.intake_late_at,
    firstApologyAt: m.first_apology_at,
    apologyTimely: m.apology_timely,
    firstExemptionAt: m.first_exemption_at,
  };
}

/** The rollup by group's facts of a replayed snapshot (the same values the projection row holds). */
export function digitisationFactsOfMetricFacts(m: MetricFacts, rollupFacts = rollupFactsOfMetricFacts(m)): DigitisationFacts {
  return { ...rollupFacts, procedureCode: m.procedureCode, handlingUnit: m.handling_unit };
}

/** Loads the calendar versions the dossiers' clocks name, once each. */
class Calendars {
  private readonly loaded = new Map<number, Calendar>();
  constructor(private readonly provider: CalendarProvider) {}
  async ensure(snapshot: DossierSnapshot): Promise<void> {
    const v = clockCalendarVersion(snapshot.context);
    if (v !== null && !this.loaded.has(v)) this.loaded.set(v, await this.provider.byVersion(v));
  }
  get = (v: number) => this.loaded.get(v);
}

/** Replays one dossier's events, calling `visit` with the snapshot after each (the first: after SUBMIT). */
async function replayStates(id: string, events: StoredEvent[], visit: (snapshot: DossierSnapshot, e: StoredEvent) => Promise<void> | void) {
  const [first, ...rest] = events;
  if (!first) return;
  const chart = chartFor(first.machineVersion);
  let snapshot = startDossier(chart, inputFromSubmit(id, first));
  await visit(snapshot, first);
  for (const e of rest) {
    const next = applyEvent(chart, snapshot, toChartEvent(e));
    if (!next) throw new Error(`dossier ${id}: ${e.type} (seq ${e.seq}) does not replay`);
    snapshot = next;
    await visit(snapshot, e);
  }
}

/**
 * Every state one dossier went through (after each event), with the instant it was reached and the event's seq,
 * and the digitisation facts of the last one.
 */
async function statesOf(
  id: string,
  events: StoredEvent[],
  calendars: Calendars,
): Promise<{ states: { facts: RollupFacts; at: string; seq: number }[]; last: DigitisationFacts | null }> {
  const states: { facts: RollupFacts; at: string; seq: number }[] = [];
  let last: DigitisationFacts | null = null;
  await replayStates(id, events, async (snapshot, e) => {
    await calendars.ensure(snapshot);
    const m = metricFactsOf(snapshot, calendars.get);
    const facts = rollupFactsOfMetricFacts(m);
    states.push({ facts, at: e.occurredAt, seq: e.seq });
    last = digitisationFactsOfMetricFacts(m, facts);
  });
  return { states, last };
}

/** Every dossier's events, a page of dossiers at a time. */
async function* dossierPages(db: Db, pageSize: number): AsyncGenerator<{ id: string; events: StoredEvent[] }[]> {
  let after: string | null = null;
  for (;;) {
    const ids = await listDossierIdsAfter(db, after, pageSize);
    if (!ids.length) return;
    const byId = await listEventsByDossier(db, ids);
    yield ids.map((id) => ({ id, events: (byId.get(id) ?? []).map(decodeRow) }));
    after = ids[ids.length - 1]!;
  }
}

/**
 * The whole rollup (per-day totals) and the digitisation rollup recomputed from the events; `cal` gives the
 * due-soon bound (the latest calendar). `onPage` receives each page's pending-class intervals, derived from the
 * same replay.
 */
export async function rollupFromEvents(
  db: Db,
  provider: CalendarProvider,
  opts: {
    pageSize?: number;
    onProgress?: (dossiers: number) => void;
    onPage?: (histories: [string, ClassInterval[]][]) => Promise<void>;
  } = {},
): Promise<{ days: Map<string, RollupValues>; digitisation: DigitisationTotals; dossiers: number }> {
  const cal = await provider.latest();
  const calendars = new Calendars(provider);
  const days = new Map<string, RollupValues>();
  const digitisation = new DigitisationTotals();
  let dossiers = 0;
  for await (const page of dossierPages(db, opts.pageSize ?? 500)) {
    const histories: [string, ClassInterval[]][] = [];
    for (const { id, events } of page) {
      const { states, last } = await statesOf(id, events, calendars);
      addEntries(days, rollupFromHistory(states, cal));
      if (last) digitisation.addDossier(last);
      histories.push([id, classIntervals(states.map((s) => ({ facts: classFactsOf(s.facts), at: s.at, seq: s.seq })))]);
      dossiers += 1;
    }
    await opts.onPage?.(histories);
    opts.onProgress?.(dossiers);
  }
  return { days, digitisation, dossiers };
}

/**
 * Replaces the rollup, the digitisation rollup and the pending-class history with those derived from the events and marks the rollup
 * complete. Run with the writers stopped.
 */
export async function rebuildRollup(
  db: Db,
  provider: CalendarProvider,
  opts: { now: string; pageSize?: number; onProgress?: (dossiers: number) => void },
): Promise<{ dossiers: number; days: number }> {
  await deleteClassHistory(db);
  const { days, digitisation, dossiers } = await rollupFromEvents(db, provider, {
    ...opts,
    onPage: (histories) => inTransaction(db, (tx) => insertClassIntervals(tx, histories)),
  });
  await inTransaction(db, async (tx) => {
    await replaceRollup(tx, days, opts.now);
    await replaceDigitisationRollup(tx, digitisation.entries());
  });
  return { dossiers, days: days.size };
}

/** A dossier whose kept pending-class history says something else than its events at some instant. */
export interface ClassHistoryDifference {
  dossier: string;
  kept: Omit<ClassInterval, 'seq'>[];
  derived: Omit<ClassInterval, 'seq'>[];
}

/** Compares each page's derived intervals with the kept ones (both in canonical form): the differences. */
export async function classHistoryDifferences(
  db: Db,
  page: readonly [string, readonly ClassInterval[]][],
): Promise<ClassHistoryDifference[]> {
  const kept = await classIntervalsOf(
    db,
    page.map(([id]) => id),
  );
  const out: ClassHistoryDifference[] = [];
  for (const [id, intervals] of page) {
    const a = canonicalIntervals(kept.get(id) ?? []);
    const b = canonicalIntervals(intervals);
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ dossier: id, kept: a, derived: b });
  }
  return out;
}
