/**
 * Step-by-step replay for the auditor's timeline: each stored event fed, in seq order, through the
 * chart version the dossier started with, with the state, timeliness and due date before and after
 * it, and the chain status of the event. Optional cut-offs: `upTo` (a seq, inclusive) or `at` (an ISO
 * instant, inclusive: events that occurred at or before it). Deterministic: reads only its inputs,
 * never the clock.
 */
import { chartFor, lifecycleOf, stepperFor, type ChartStepper, type DossierSnapshot } from '../../machines/dossier';
import { factsOf, type DossierFacts } from '../../machines/dossier/facts';
import { inputFromSubmit, toChartEvent, type StoredEvent } from '../../machines/engine/event-codec';
import { chainStatus } from './verify-dossier';

export interface StepStateBefore {
  state: string;
  timeliness: string;
  dueAt: string | null;
}

export interface StepStateAfter extends StepStateBefore {
  originalDueAt: string | null;
  /** id of the internal-process step the dossier is at (null before assignment and once a result exists) */
  step: string | null;
}

export interface ReplayStep {
  seq: number;
  type: string;
  occurredAt: string;
  actor: string;
  actorUnit: string | null;
  /** null for the SUBMIT event, which creates the dossier */
  before: StepStateBefore | null;
  after: StepStateAfter;
  /** the event's link in the hash chain */
  hashOk: boolean;
  linkOk: boolean;
}

/** The dossier as the replay sees it after the last included event: its facts at that event. */
export interface ReplayState extends DossierFacts {
  seq: number;
  occurredAt: string;
}

export interface ReplayCut {
  /** include events with seq ≤ upTo */
  upTo?: number;
  /** include events that occurred at or before this instant */
  at?: string;
}

export interface StepReplay {
  machineVersion: number | null;
  steps: ReplayStep[];
  /** the state at the cut-off (after the last included event); null when no event is included */
  state: ReplayState | null;
  /** the full snapshot at the cut-off (for callers that need the context) */
  snapshot: DossierSnapshot | null;
  /** set when the replay could not go on: the event it stopped at and why */
  error: { seq: number; message: string } | null;
}

function before(s: DossierSnapshot): StepStateBefore {
  const f = factsOf(s);
  return { state: f.state, timeliness: f.timeliness, dueAt: f.dueAt };
}

function after(s: DossierSnapshot): StepStateAfter {
  const f = factsOf(s);
  return { state: f.state, timeliness: f.timeliness, dueAt: f.dueAt, originalDueAt: f.originalDueAt, step: f.step };
}

export function stateOf(s: DossierSnapshot, e: StoredEvent): ReplayState {
  return { seq: e.seq, occurredAt: e.occurredAt, ...factsOf(s) };
}

function included(e: StoredEvent, cut: ReplayCut, atMs: number | null): boolean {
  if (cut.upTo !== undefined && e.seq > cut.upTo) return false;
  if (atMs !== null && Date.parse(e.occurredAt) > atMs) return false;
  return true;
}

/** Replays `events` (ordered by seq) step by step up to the cut-off. */
export function replaySteps(dossierId: string, events: readonly StoredEvent[], cut: ReplayCut = {}): StepReplay {
  const atMs = cut.at !== undefined ? Date.parse(cut.at) : null;
  const chain = chainStatus(dossierId, events);
  const steps: ReplayStep[] = [];
  const first = events[0];
  const result = (snapshot: DossierSnapshot | null, last: StoredEvent | null, error: StepReplay['error'] = null): StepReplay => ({
    machineVersion: first?.machineVersion ?? null,
    steps,
    state: snapshot && last ? stateOf(snapshot, last) : null,
    snapshot,
    error,
  });
  if (!first || !included(first, cut, atMs)) return result(null, null);

  let stepper: ChartStepper;
  let snapshot: DossierSnapshot;
  try {
    stepper = stepperFor(chartFor(first.machineVersion));
    snapshot = stepper.start(inputFromSubmit(dossierId, first));
  } catch (err) {
    return result(null, null, { seq: first.seq, message: (err as Error).message });
  }
  const link = (i: number) => ({ hashOk: chain[i]?.hashOk ?? false, linkOk: chain[i]?.linkOk ?? false });
  const info = (e: StoredEvent) => ({ seq: e.seq, type: e.type, occurredAt: e.occurredAt, actor: e.actor, actorUnit: e.actorUnit });
  steps.push({ ...info(first), before: null, after: after(snapshot), ...link(0) });
  let last: StoredEvent = first;

  for (let i = 1; i < events.length; i++) {
    const e = events[i]!;
    if (!included(e, cut, atMs)) break;
    let next: DossierSnapshot | null = null;
    let why = '';
    try {
      next = e.machineVersion === first.machineVersion ? stepper.apply(snapshot, toChartEvent(e)) : null;
      if (!next)
        why =
          e.machineVersion === first.machineVersion
            ? `${e.type} is not allowed in state ${lifecycleOf(snapshot)}`
            : `seq ${e.seq} names chart version ${e.machineVersion}`;
    } catch (err) {
      why = (err as Error).message;
    }
    if (!next) return result(snapshot, last, { seq: e.seq, message: why });
    steps.push({ ...info(e), before: before(snapshot), after: after(next), ...link(i) });
    snapshot = next;
    last = e;
  }
  return result(snapshot, last);
}
