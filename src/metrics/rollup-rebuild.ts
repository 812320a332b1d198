/**
 * The compliance rollup derived from the events alone (machines/metrics/rollup.ts): every dossier's events
 * replayed one at a time through its chart version, the facts of each state turned into rollup changes
 * exactly as the engine turns its rows into them (rollupFromHistory). `rebuildRollup` replaces the table with
 * the result; `rollupFromEvents` only computes it (the tests compare it with what the write path kept).
 */
import { applyEvent, chartFor, startDossier, type DossierSnapshot } from '../../machines/dossier';
import { clockCalendarVersion } from '../../machines/dossier/facts';
import type { Calendar } from '../../machines/calendar';
import { decodeRow, inputFromSubmit, toChartEvent, type StoredEvent } from '../../machines/engine/event-codec';
import { addEntries, rollupFromHistory, type RollupFacts, type RollupValues } from '../../machines/metrics/rollup';
import type { CalendarProvider } from '../engine/reference-data';
import { listDossierIdsAfter, listEventsByDossier } from '../store/dossier-store';
import { inTransaction, type Db } from '../store/db';
import { replaceRollup } from '../store/rollup-store';
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

/** Every state one dossier went through (after each event), with the instant it was reached. */
async function statesOf(id: string, events: StoredEvent[], calendars: Calendars): Promise<{ facts: RollupFacts; at: string }[]> {
  const [first, ...rest] = events;
  if (!first) return [];
  const chart = chartFor(first.machineVersion);
  let snapshot = startDossier(chart, inputFromSubmit(id, first));
  const states: { facts: RollupFacts; at: string }[] = [];
  const push = async (at: string) => {
    await calendars.ensure(snapshot);
    states.push({ facts: rollupFactsOfMetricFacts(metricFactsOf(snapshot, calendars.get)), at });
  };
  await push(first.occurredAt);
  for (const e of rest) {
    const next = applyEvent(chart, snapshot, toChartEvent(e));
    if (!next) throw new Error(`dossier ${id}: ${e.type} (seq ${e.seq}) does not replay`);
    snapshot = next;
    await push(e.occurredAt);
  }
  return states;
}

/** The whole rollup (per-day totals) recomputed from the events; `cal` gives the due-soon bound (the latest calendar). */
export async function rollupFromEvents(
  db: Db,
  provider: CalendarProvider,
  opts: { pageSize?: number; onProgress?: (dossiers: number) => void } = {},
): Promise<{ days: Map<string, RollupValues>; dossiers: number }> {
  const cal = await provider.latest();
  const calendars = new Calendars(provider);
  const days = new Map<string, RollupValues>();
  let after: string | null = null;
  let dossiers = 0;
  for (;;) {
    const ids = await listDossierIdsAfter(db, after, opts.pageSize ?? 500);
    if (!ids.length) break;
    const byId = await listEventsByDossier(db, ids);
    for (const id of ids) {
      addEntries(days, rollupFromHistory(await statesOf(id, (byId.get(id) ?? []).map(decodeRow), calendars), cal));
      dossiers += 1;
    }
    after = ids[ids.length - 1]!;
    opts.onProgress?.(dossiers);
  }
  return { days, dossiers };
}

/** Replaces the rollup with the one derived from the events and marks it complete. Run with the writers stopped. */
export async function rebuildRollup(
  db: Db,
  provider: CalendarProvider,
  opts: { now: string; pageSize?: number; onProgress?: (dossiers: number) => void },
): Promise<{ dossiers: number; days: number }> {
  const { days, dossiers } = await rollupFromEvents(db, provider, opts);
  await inTransaction(db, (tx) => replaceRollup(tx, days, opts.now));
  return { dossiers, days: days.size };
}
