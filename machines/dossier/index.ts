/**
 * The dossier chart's pure API: start, apply, restore, replay. No I/O, no clock.
 * Every stored dossier names the chart version it started with; old versions stay here
 * so that old dossiers replay with the rules they were processed under.
 */
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { CHART_VERSION as V1, dossierChartV1 } from './chart-v1';
import type {
  DossierContext,
  DossierEvent,
  DossierEventType,
  DossierInput,
  LifecycleState,
  TimelinessState,
} from './types';
import { ALL_EVENT_TYPES } from './types';

export * from './types';
export { nationalStatus, NATIONAL_STATUS } from './status-codes';

export type DossierChart = typeof dossierChartV1;
export type DossierSnapshot = SnapshotFrom<DossierChart>;

const CHARTS = new Map<number, DossierChart>([[V1, dossierChartV1]]);

export const CURRENT_CHART_VERSION = V1;

export interface ChartVersionInfo {
  version: number;
  current: boolean;
}

export function listChartVersions(): ChartVersionInfo[] {
  return [...CHARTS.keys()].sort((a, b) => a - b).map((version) => ({ version, current: version === CURRENT_CHART_VERSION }));
}

export function chartFor(version: number): DossierChart {
  const chart = CHARTS.get(version);
  if (!chart) throw new Error(`unknown dossier chart version ${version}`);
  return chart;
}

/** Registers another chart version (used by tests that change a definition). */
export function registerChartVersion(version: number, chart: DossierChart): void {
  if (CHARTS.has(version) && CHARTS.get(version) !== chart) throw new Error(`chart version ${version} already registered`);
  CHARTS.set(version, chart);
}

export function startDossier(chart: DossierChart, input: DossierInput): DossierSnapshot {
  const [snapshot] = initialTransition(chart, input);
  return snapshot;
}

/** Applies one event. Returns null when the chart does not allow it in the current state. */
export function applyEvent(chart: DossierChart, snapshot: DossierSnapshot, event: DossierEvent): DossierSnapshot | null {
  if (!snapshot.can(event)) return null;
  const [next] = transition(chart, snapshot, event);
  return next;
}

export function persistSnapshot(chart: DossierChart, snapshot: DossierSnapshot): unknown {
  return chart.getPersistedSnapshot(snapshot);
}

export function restoreSnapshot(chart: DossierChart, persisted: unknown): DossierSnapshot {
  return chart.resolveState(persisted as Parameters<DossierChart['resolveState']>[0]);
}

export function lifecycleOf(snapshot: DossierSnapshot): LifecycleState {
  return (snapshot.value as { lifecycle: LifecycleState }).lifecycle;
}

export function timelinessStateOf(snapshot: DossierSnapshot): TimelinessState {
  return (snapshot.value as { timeliness: TimelinessState }).timeliness;
}

/** What a user sees as timeliness: the final class once a result exists, else the running flag. */
export function timelinessOf(snapshot: DossierSnapshot): string {
  return snapshot.context.finalTimeliness ?? timelinessStateOf(snapshot);
}

/** Event types the chart accepts now (guards read only context, so a bare probe event is enough). */
export function allowedEvents(snapshot: DossierSnapshot, among: readonly DossierEventType[] = ALL_EVENT_TYPES): DossierEventType[] {
  return among.filter((type) => snapshot.can({ type } as DossierEvent));
}

export function contextOf(snapshot: DossierSnapshot): DossierContext {
  return snapshot.context;
}

/** Rebuilds a dossier's snapshot from its input and events. Deterministic: reads nothing else. */
export function replay(chart: DossierChart, input: DossierInput, events: DossierEvent[]): DossierSnapshot {
  let snapshot = startDossier(chart, input);
  for (const event of events) {
    const next = applyEvent(chart, snapshot, event);
    if (!next) throw new Error(`replay: ${event.type} not allowed in ${JSON.stringify(snapshot.value)}`);
    snapshot = next;
  }
  return snapshot;
}
