/**
 * The slow, independent path: a period's compliance figures recomputed from the event log alone.
 * Every dossier's events are read (a page of dossiers at a time), their hash chain re-checked, the
 * dossier replayed through its chart version (replayStoredEvents) and the figures counted in plain
 * TypeScript — no projection column is read. compareMetrics lists where the two paths disagree, so an
 * edited projection row (or an edited event) shows up as a difference.
 */
import type { DossierSnapshot } from '../../machines/dossier';
import { clockCalendarVersion, factsOf, type DossierFacts } from '../../machines/dossier/facts';
import { replayStoredEvents } from '../audit/replay';
import { chainStatus } from '../audit/verify-dossier';
import type { Calendar } from '../../machines/calendar';
import { decodeRow, type StoredEvent } from '../../machines/engine/event-codec';
import type { CalendarProvider } from '../engine/reference-data';
import { dossierIdsSubmittedBefore, listEventsByDossier } from '../store/dossier-store';
import type { Db } from '../store/db';
import { loadMetricsReference, type MetricsReference } from './compliance-projection';
import { STOPPED_STATES } from '../../machines/vocabulary';
import {
  addTallies,
  assembleReport,
  deriveFigures,
  emptyTallies,
  NO_KEY,
  p90Rank,
  planReport,
  WHOLE_PERIOD_KEY,
  type Bucket,
  type ComplianceFigures,
  type ComplianceReport,
  type GroupBy,
  type GroupResults,
  type Tallies,
} from '../../machines/metrics/definitions';
import { metricsColumns, type MetricsColumns } from '../../machines/metrics/projection-extra';

/** What the figures need to know about one dossier, taken from its replayed snapshot. */
export interface MetricFacts extends DossierFacts, MetricsColumns {
  code: string;
  procedureCode: string;
  procedureVersion: number;
  channel: string;
}

export function metricFactsOf(snapshot: DossierSnapshot, calendar: (version: number) => Calendar | undefined): MetricFacts {
  const ctx = snapshot.context;
  return {
    ...factsOf(snapshot),
    ...metricsColumns(snapshot, calendar),
    code: ctx.code,
    procedureCode: ctx.procedure.code,
    procedureVersion: ctx.procedure.version,
    channel: ctx.channel,
  };
}

const before = (x: string | null, t: string): x is string => x !== null && Date.parse(x) < Date.parse(t);
const within = (x: string | null, f: string, t: string) => x !== null && !before(x, f) && before(x, t);

/** Received before `t`, with neither a result nor a withdrawal before `t`. */
function pendingAt(d: MetricFacts, t: string): boolean {
  return before(d.receivedAt, t) && !before(d.resultAt, t) && !(d.state === 'withdrawn' && before(d.closedAt, t));
}

/**
 * One dossier's contribution to a bucket, by the rules of definitions.ts. `atCut`: the dossier as it was at the
 * bucket's as-of time (its events before it replayed), which classifies it if pending then and tells whether
 * its intake answer was overdue; by default `d` (the same when nothing happened to it since).
 */
export function tallyDossier(
  d: MetricFacts,
  b: Bucket,
  cut: { asOf: string; dueSoonUntil: string },
  atCut: MetricFacts = d,
): Partial<Tallies> {
  const t: Partial<Tallies> = {};
  const one = (k: keyof Tallies, n = 1) => {
    t[k] = (t[k] ?? 0) + n;
  };
  const { fromAt: f, toAt: to } = b;
  const apologisedBy = (at: string) => before(d.first_apology_at, at);
  // A late dossier with an approved exemption and no apology is counted apart (not "without apology").
  const exemptedBy = (at: string) => !apologisedBy(at) && before(d.first_exemption_at, at);
  const c = atCut;
  if (within(d.receivedAt, f, to)) {
    one('received');
    one(d.channel === 'online' ? 'receivedOnline' : d.channel === 'postal' ? 'receivedPostal' : 'receivedCounter');
    if (d.receipt_digitised) one('digitisedReceipts');
    if (d.receipt_reused) one('reusedReceipts');
  }
  if (pendingAt(d, f)) one('carriedOver');
  if (within(d.resultAt, f, to)) {
    one('resolved');
    one(d.outcome === 'refused' ? 'refusedResult' : 'approved');
    if (d.finalTimeliness === 'early') one('early');
    if (d.finalTimeliness === 'on_time') one('onTime');
    if (d.finalTimeliness === 'late') {
      one('late');
      one('lateDossiers');
      if (apologisedBy(cut.asOf)) {
        one('apologised');
        if (d.apology_timely) one('apologisedTimely');
      }
      if (exemptedBy(cut.asOf)) one('exempted');
    }
    if (d.pause_extension_ms) {
      one('pauseExtended');
      one('pauseExtensionMsSum', d.pause_extension_ms);
    }
    if (d.result_digitised) one('digitisedResults');
    if (d.result_working_ms !== null) {
      one('timedResults');
      one('workingMsSum', d.result_working_ms);
    }
  }
  if (within(d.returnedAt, f, to)) {
    one('returned');
    one(d.return_method === 'post' ? 'returnedPost' : d.return_method === 'online' ? 'returnedOnline' : 'returnedCounter');
    if (d.rating !== null) {
      one('rated');
      one('ratingSum', d.rating);
      if (d.rating >= 4) one('satisfied');
    }
  }
  if (within(d.closedAt, f, to) && d.state === 'withdrawn') one('withdrawn');
  if (within(d.closedAt, f, to) && d.state === 'refused_intake') one('refusedIntake');
  if (pendingAt(d, to)) {
    one('pending');
    if ((STOPPED_STATES as readonly string[]).includes(c.state)) one('pendingClockStopped');
    else if (before(c.originalDueAt, cut.asOf)) {
      one('pendingLate');
      one('lateDossiers');
      if (before(c.first_apology_at, cut.asOf)) {
        one('apologised');
        if (c.apology_timely) one('apologisedTimely');
      }
      if (!before(c.first_apology_at, cut.asOf) && before(c.first_exemption_at, cut.asOf)) one('exempted');
    } else if (c.originalDueAt !== null && Date.parse(c.originalDueAt) <= Date.parse(cut.dueSoonUntil)) one('pendingDueSoon');
    else one('pendingNotYetDue');
  }
  if (before(d.resultAt, to) && !before(d.returnedAt, to)) one('resultsNotCollected');
  if (within(d.late_supplement_at, f, to)) one('lateSupplementRequests');
  if (within(d.intake_late_at, f, to)) one('intakeAnsweredLate');
  // Still waiting at the as-of time (not answered before the period's end), past its 8 working hours.
  if (before(c.intake_due_by, cut.asOf) && !before(c.intake_answered_at, to)) one('intakeOverdueWaiting');
  return t;
}

function groupKeyOf(d: MetricFacts, groupBy: GroupBy, ref: MetricsReference): string {
  switch (groupBy) {
    case 'procedure':
      return d.procedureCode;
    case 'field':
      return ref.fieldOf(d.procedureCode, d.procedureVersion);
    case 'unit':
      return d.handling_unit ?? NO_KEY;
    case 'officer':
      return d.handling_officer ?? NO_KEY;
    case 'channel':
      return d.channel;
    default:
      return WHOLE_PERIOD_KEY;
  }
}

function chainIntact(dossierId: string, events: StoredEvent[]): boolean {
  return chainStatus(dossierId, events).every((s) => s.hashOk && s.linkOk && s.seqOk);
}

/** Every dossier submitted before `toAt`, replayed from its events, a page at a time. */
async function* replayedDossiers(db: Db, toAt: string, pageSize: number): AsyncGenerator<{ id: string; events: StoredEvent[] }> {
  let after = '';
  for (;;) {
    const ids = await dossierIdsSubmittedBefore(db, toAt, after, pageSize);
    if (!ids.length) return;
    const byId = await listEventsByDossier(db, ids);
    for (const id of ids) yield { id, events: (byId.get(id) ?? []).map(decodeRow) };
    after = ids[ids.length - 1]!;
  }
}

export interface EventsIntegrity {
  dossiers: number;
  /** codes (or ids) of dossiers whose hash chain does not verify or that do not replay */
  broken: { dossier: string; problem: string }[];
}

/**
 * The compliance report for [from, to) recomputed from events alone. `now` and `calendar` must be the
 * ones the fast path was given, so both classify pending dossiers at the same instants. Memory: one page
 * of dossiers plus the working times of the period's results (for the 90th percentile).
 */
export async function complianceFromEvents(
  db: Db,
  calendars: CalendarProvider,
  opts: { from: string; to: string; groupBy: GroupBy; now: string; calendar: Calendar; reference?: MetricsReference; pageSize?: number },
): Promise<{ report: ComplianceReport; integrity: EventsIntegrity }> {
  const plan = planReport(opts.from, opts.to, opts.groupBy, opts.now, opts.calendar);
  const ref = opts.reference ?? (await loadMetricsReference(db));
  const tallies = new Map<string, Map<string, Tallies>>();
  const times = new Map<string, Map<string, number[]>>();
  const integrity: EventsIntegrity = { dossiers: 0, broken: [] };
  const loaded = new Map<number, Calendar>();
  for await (const { id, events } of replayedDossiers(db, plan.period.toAt, opts.pageSize ?? 500)) {
    integrity.dossiers += 1;
    if (!chainIntact(id, events)) integrity.broken.push({ dossier: id, problem: 'hash chain does not verify' });
    let facts: MetricFacts;
    try {
      const snapshot = replayStoredEvents(id, events);
      const version = clockCalendarVersion(snapshot.context);
      if (version !== null && !loaded.has(version)) loaded.set(version, await calendars.byVersion(version));
      facts = metricFactsOf(snapshot, (v) => loaded.get(v));
    } catch (err) {
      integrity.broken.push({ dossier: id, problem: `does not replay: ${(err as Error).message}` });
      continue;
    }
    const key = groupKeyOf(facts, plan.groupBy, ref);
    const lastAt = Date.parse(events[events.length - 1]!.occurredAt);
    for (const b of plan.buckets) {
      const cut = plan.clock.cuts[b.key]!;
      // A bucket that has ended classifies its pending dossiers as they were at its end: replay up to it.
      let atCut = facts;
      const endMs = Date.parse(b.toAt);
      if (cut.asOf === b.toAt && lastAt >= endMs && (pendingAt(facts, b.toAt) || facts.intake_due_by !== null)) {
        const prefix = events.filter((e) => Date.parse(e.occurredAt) < endMs);
        if (!prefix.length) continue;
        try {
          const then = replayStoredEvents(id, prefix);
          const v = clockCalendarVersion(then.context);
          if (v !== null && !loaded.has(v)) loaded.set(v, await calendars.byVersion(v));
          atCut = metricFactsOf(then, (x) => loaded.get(x));
        } catch (err) {
          integrity.broken.push({ dossier: id, problem: `does not replay up to ${b.toAt}: ${(err as Error).message}` });
          continue;
        }
      }
      const t = tallyDossier(facts, b, cut, atCut);
      if (!Object.keys(t).length) continue;
      const groups = tallies.get(b.key) ?? tallies.set(b.key, new Map()).get(b.key)!;
      addTallies(groups.get(key) ?? groups.set(key, emptyTallies()).get(key)!, t);
      if (t.timedResults) {
        const byKey = times.get(b.key) ?? times.set(b.key, new Map()).get(b.key)!;
        (byKey.get(key) ?? byKey.set(key, []).get(key)!).push(facts.result_working_ms!);
      }
    }
  }
  const results: GroupResults = new Map();
  for (const [bucket, groups] of tallies) {
    const out = new Map<string, { tallies: Tallies; p90: number | null }>();
    for (const [key, t] of groups) {
      const sorted = (times.get(bucket)?.get(key) ?? []).sort((a, b) => a - b);
      out.set(key, { tallies: t, p90: sorted.length ? sorted[p90Rank(sorted.length) - 1]! : null });
    }
    results.set(bucket, out);
  }
  return { report: assembleReport(plan, 'events', results, ref.labelOf), integrity };
}

export interface MetricsDifference {
  group: string;
  metric: keyof ComplianceFigures;
  fast: number | null;
  slow: number | null;
}

/**
 * Every figure of every group on which the two reports disagree (a group missing on one side counts as all
 * zeros).
 */
export function compareMetrics(fast: ComplianceReport, slow: ComplianceReport): MetricsDifference[] {
  const zero = deriveFigures(emptyTallies(), null);
  const fastBy = new Map(fast.groups.map((g) => [g.key, g.figures]));
  const slowBy = new Map(slow.groups.map((g) => [g.key, g.figures]));
  const keys = [...new Set([...fastBy.keys(), ...slowBy.keys()])].sort();
  const diffs: MetricsDifference[] = [];
  for (const group of keys) {
    const a = fastBy.get(group) ?? zero;
    const b = slowBy.get(group) ?? zero;
    for (const metric of Object.keys(zero) as (keyof ComplianceFigures)[]) {
      if (a[metric] !== b[metric]) diffs.push({ group, metric, fast: a[metric], slow: b[metric] });
    }
  }
  return diffs;
}
