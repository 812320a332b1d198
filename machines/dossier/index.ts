/**
 * The dossier chart's pure API: start, apply, restore, replay. No I/O, no clock.
 * Every stored dossier names the chart version it started with; old versions stay here
 * so that old dossiers replay with the rules they were processed under.
 */
import { createActor, type ActorScope, type SnapshotFrom } from 'xstate';
import { CHART_VERSION as V1, dossierChartV1 } from './chart-v1';
import { CHART_VERSION as V2, dossierChartV2 } from './chart-v2';
import { CHART_VERSION as V3, dossierChartV3 } from './chart-v3';
import type { DossierContext, DossierEvent, DossierEventType, DossierInput, LifecycleState, TimelinessState } from './types';
import { ALL_EVENT_TYPES } from './types';

export * from './types';
export { nationalStatus, NATIONAL_STATUS } from './status-codes';

export type DossierChart = typeof dossierChartV1;
export type DossierSnapshot = SnapshotFrom<DossierChart>;

const CHARTS = new Map<number, DossierChart>([
  [V1, dossierChartV1],
  [V2, dossierChartV2],
  [V3, dossierChartV3],
]);

export const CURRENT_CHART_VERSION = V3;

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

/**
 * How the chart is started and stepped. xstate's `initialTransition`/`transition` helpers build a
 * throw-away actor scope on every call (whose construction evaluates the context factory without
 * input, which throws and is caught): most of a transition's cost. The same pure functions are called
 * here with one inert scope per chart, built the way xstate builds it — no children and no side
 * effects, since every action the chart has is an `assign`.
 */
export interface ChartStepper {
  start(input: DossierInput): DossierSnapshot;
  /** null when the chart does not accept the event in this state */
  apply(snapshot: DossierSnapshot, event: DossierEvent): DossierSnapshot | null;
  /**
   * The same transition for an event the caller has just seen `snapshot.can(event)` accept (the audit's
   * replay asks first, to tell why a refused event is refused): without asking the chart a second time.
   */
  applyAccepted(snapshot: DossierSnapshot, event: DossierEvent): DossierSnapshot;
}

const steppers = new WeakMap<DossierChart, ChartStepper>();

export function stepperFor(chart: DossierChart): ChartStepper {
  const known = steppers.get(chart);
  if (known) return known;
  const self = createActor(chart, {} as never); // no input: its own initial snapshot is an error we never read
  const scope = {
    self,
    defer: () => {},
    id: '',
    logger: () => {},
    sessionId: '',
    stopChild: () => {},
    system: self.system,
    emit: () => {},
    actionExecutor: () => {},
  } as unknown as ActorScope<DossierSnapshot, DossierEvent>;
  const stepper: ChartStepper = {
    start: (input) => chart.getInitialSnapshot(scope as never, input),
    apply: (snapshot, event) => (snapshot.can(event) ? chart.transition(snapshot, event, scope as never) : null),
    applyAccepted: (snapshot, event) => chart.transition(snapshot, event, scope as never),
  };
  steppers.set(chart, stepper);
  return stepper;
}

export function startDossier(chart: DossierChart, input: DossierInput): DossierSnapshot {
  return stepperFor(chart).start(input);
}

/** Applies one event. Returns null when the chart does not allow it in the current state. */
export function applyEvent(chart: DossierChart, snapshot: DossierSnapshot, event: DossierEvent): DossierSnapshot | null {
  return stepperFor(chart).apply(snapshot, event);
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

type ChartNode = DossierSnapshot['_nodes'][number];

/** A state node's own event descriptors (the chart is fixed, so once per node), or null when one is a wildcard. */
const ownDescriptors = new WeakMap<ChartNode, ReadonlySet<string> | null>();

function descriptorsOf(node: ChartNode): ReadonlySet<string> | null {
  let d = ownDescriptors.get(node);
  if (d === undefined) {
    const keys = [...node.transitions.keys()];
    d = keys.some((k) => k.includes('*')) ? null : new Set(keys);
    ownDescriptors.set(node, d);
  }
  return d;
}

/**
 * Event types the chart accepts now (guards read only context, so a bare probe event is enough). An event no
 * active state node has a transition for cannot be accepted, so only the others are probed (`can` evaluates
 * their guards): the same answer without walking the whole configuration ~30 times (a view is built per request).
 */
export function allowedEvents(snapshot: DossierSnapshot, among: readonly DossierEventType[] = ALL_EVENT_TYPES): DossierEventType[] {
  const sets = snapshot._nodes.map(descriptorsOf);
  if (sets.includes(null)) return among.filter((type) => snapshot.can({ type } as DossierEvent));
  return among.filter((type) => sets.some((s) => s!.has(type)) && snapshot.can({ type } as DossierEvent));
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
