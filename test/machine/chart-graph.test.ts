/**
 * Generated from the statechart itself: every state reachable with the sample events, every
 * transition between them, checked against the table of what each lifecycle state allows and
 * against the invariants that no path may break.
 */
import { adjacencyMapToArray, getAdjacencyMap } from '@xstate/graph';
import {
  ALL_EVENT_TYPES,
  allowedEvents,
  chartFor,
  CURRENT_CHART_VERSION,
  LIFECYCLE_STATES,
  lifecycleOf,
  TIMELINESS_STATES,
  timelinessStateOf,
  type DossierEvent,
  type DossierEventType,
  type DossierSnapshot,
  type LifecycleState,
} from '../../machines/dossier';
import { AFTER_DUE, ev, input } from '../support/chart-fixtures';

const chart = chartFor(CURRENT_CHART_VERSION);

/** What each lifecycle state may ever allow (guards may narrow it further). */
const MAY_ALLOW: Record<LifecycleState, DossierEventType[]> = {
  submitted: ['RECEIVE', 'REFUSE', 'WITHDRAW'],
  refused_intake: [],
  received: ['ASSIGN', 'ISSUE_APOLOGY', 'WITHDRAW', 'DEADLINE_APPROACHING', 'DEADLINE_PASSED'],
  assigned: ['ASSIGN', 'STEP_OVERDUE', 'COMPLETE_STEP', 'RECORD_RESULT', 'REFUSE', 'REQUEST_SUPPLEMENT', 'PAUSE', 'ISSUE_APOLOGY', 'WITHDRAW', 'DEADLINE_APPROACHING', 'DEADLINE_PASSED'],
  processing: ['ASSIGN', 'STEP_OVERDUE', 'COMPLETE_STEP', 'RETURN_STEP', 'RECORD_RESULT', 'REFUSE', 'REQUEST_SUPPLEMENT', 'PAUSE', 'ISSUE_APOLOGY', 'WITHDRAW', 'DEADLINE_APPROACHING', 'DEADLINE_PASSED'],
  awaiting_supplement: ['RECEIVE_SUPPLEMENT', 'WITHDRAW'],
  paused: ['RESUME', 'ISSUE_APOLOGY', 'WITHDRAW'],
  result: ['ISSUE_APOLOGY', 'RETURN_RESULT'],
  returned: [],
  withdrawn: [],
};

const SAMPLES: DossierEvent[] = [
  ev.receive(), ev.assign(), ev.complete(), ev.sendBack(), ev.requestSupplement(), ev.receiveSupplement(),
  ev.pause(), ev.resume(), ev.result(), ev.result(AFTER_DUE), ev.refuse(), ev.apology(), ev.returnResult(),
  ev.withdraw(), ev.approaching(), ev.passed(), ev.stepOverdue(),
];

function key(s: DossierSnapshot): string {
  const c = s.context;
  const flagged = c.stepOverruns.at(-1)?.stepIndex === c.stepIndex;
  return JSON.stringify([s.value, c.stepIndex, flagged, c.supplementsRequested, c.apologies.length, c.result?.outcome ?? null, c.finalTimeliness]);
}

const edges = adjacencyMapToArray(
  getAdjacencyMap(chart, {
    input: input('online'),
    events: () => SAMPLES,
    serializeState: key,
    serializeEvent: (e) => JSON.stringify(e),
  }),
);
const states = [...new Map(edges.flatMap((e) => [e.state, e.nextState]).map((s) => [key(s), s])).values()];

describe('paths generated from the chart', () => {
  test('every lifecycle and timeliness state is reachable', () => {
    expect(new Set(states.map(lifecycleOf))).toEqual(new Set(LIFECYCLE_STATES));
    expect(new Set(states.map(timelinessStateOf))).toEqual(new Set(TIMELINESS_STATES));
    expect(states.length).toBeGreaterThan(100);
  });

  test('every transition the chart takes is one its state may allow', () => {
    for (const e of edges) {
      if (key(e.state) === key(e.nextState) && !e.state.can(e.event)) continue; // ignored sample
      expect(MAY_ALLOW[lifecycleOf(e.state)]).toContain(e.event.type);
    }
  });

  test('every event a state may not allow is refused there, in every reachable state', () => {
    let checked = 0;
    for (const s of states) {
      const allowed = allowedEvents(s);
      for (const type of ALL_EVENT_TYPES) {
        if (!MAY_ALLOW[lifecycleOf(s)].includes(type)) {
          expect(allowed).not.toContain(type);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  test('no path reaches result or returned without a recorded result, or returned from anywhere but result', () => {
    for (const e of edges) {
      const to = lifecycleOf(e.nextState);
      if (to === 'result' || to === 'returned') expect(e.nextState.context.result).not.toBeNull();
      if (to === 'returned' && lifecycleOf(e.state) !== 'returned') expect(lifecycleOf(e.state)).toBe('result');
    }
  });

  test('no path returns a late result without an apology', () => {
    for (const s of states) {
      if (lifecycleOf(s) === 'returned' && s.context.finalTimeliness === 'late') expect(s.context.apologies.length).toBeGreaterThan(0);
    }
  });

  test('no path lets a result be recorded before every step before it was completed', () => {
    for (const s of states) {
      if (s.context.result?.outcome === 'approved') {
        const completed = new Set(s.context.steps.filter((x) => x.outcome === 'completed').map((x) => x.index));
        for (let i = 0; i < s.context.procedure.steps.length - 1; i++) expect(completed.has(i)).toBe(true);
      }
    }
  });
});
