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

/** What each lifecycle state may ever allow in chart version 1 (guards may narrow it further). */
const MAY_ALLOW_V1: Record<LifecycleState, DossierEventType[]> = {
  submitted: ['RECEIVE', 'REFUSE', 'WITHDRAW'],
  intake_supplement: [],
  refused_intake: [],
  received: ['ASSIGN', 'ISSUE_APOLOGY', 'WITHDRAW', 'DEADLINE_APPROACHING', 'DEADLINE_PASSED', 'CALENDAR_CHANGED'],
  assigned: [
    'ASSIGN',
    'STEP_OVERDUE',
    'COMPLETE_STEP',
    'RECORD_RESULT',
    'REFUSE',
    'REQUEST_SUPPLEMENT',
    'PAUSE',
    'ISSUE_APOLOGY',
    'WITHDRAW',
    'DEADLINE_APPROACHING',
    'DEADLINE_PASSED',
    'CALENDAR_CHANGED',
  ],
  processing: [
    'ASSIGN',
    'STEP_OVERDUE',
    'COMPLETE_STEP',
    'RETURN_STEP',
    'RECORD_RESULT',
    'REFUSE',
    'REQUEST_SUPPLEMENT',
    'PAUSE',
    'ISSUE_APOLOGY',
    'WITHDRAW',
    'DEADLINE_APPROACHING',
    'DEADLINE_PASSED',
    'CALENDAR_CHANGED',
  ],
  awaiting_supplement: ['RECEIVE_SUPPLEMENT', 'WITHDRAW'],
  paused: ['RESUME', 'ISSUE_APOLOGY', 'WITHDRAW', 'CALENDAR_CHANGED'],
  result: ['ISSUE_APOLOGY', 'RETURN_RESULT'],
  returned: [],
  withdrawal_requested: [],
  withdrawn: [],
};

/** Version 2: withdrawal goes through `withdrawal_requested` (status 7); a leader may record an exemption. */
const noWithdraw = (types: DossierEventType[]) => types.filter((t) => t !== 'WITHDRAW');
/** Documents are attached, reused and replaced only while the application is with the office, before a result (issue 14). */
const DOCUMENTS: DossierEventType[] = ['ATTACH_DOCUMENT', 'REUSE_DOCUMENT', 'REPLACE_DOCUMENT'];
/** The applicant may change how to be told from receipt until the result is handed back (issue 15). */
const NOTIFY: DossierEventType[] = ['CHANGE_NOTIFICATION'];
const MAY_ALLOW_V2: Record<LifecycleState, DossierEventType[]> = {
  submitted: [...noWithdraw(MAY_ALLOW_V1.submitted), 'REQUEST_WITHDRAWAL', ...DOCUMENTS],
  intake_supplement: [],
  refused_intake: [],
  received: [...noWithdraw(MAY_ALLOW_V1.received), 'REQUEST_WITHDRAWAL', 'RECORD_EXEMPTION', ...DOCUMENTS, ...NOTIFY],
  assigned: [...noWithdraw(MAY_ALLOW_V1.assigned), 'REQUEST_WITHDRAWAL', 'RECORD_EXEMPTION', ...DOCUMENTS, ...NOTIFY],
  processing: [...noWithdraw(MAY_ALLOW_V1.processing), 'REQUEST_WITHDRAWAL', 'RECORD_EXEMPTION', ...DOCUMENTS, ...NOTIFY],
  awaiting_supplement: [...noWithdraw(MAY_ALLOW_V1.awaiting_supplement), 'REQUEST_WITHDRAWAL', 'RECORD_EXEMPTION', ...DOCUMENTS, ...NOTIFY],
  paused: [...noWithdraw(MAY_ALLOW_V1.paused), 'REQUEST_WITHDRAWAL', 'RECORD_EXEMPTION', ...DOCUMENTS, ...NOTIFY],
  result: [...MAY_ALLOW_V1.result, 'RECORD_EXEMPTION', ...NOTIFY],
  // a leader's correction of the returned result (issue 14); the dossier stays returned
  returned: ['CORRECT_RESULT'],
  withdrawal_requested: ['WITHDRAW', ...NOTIFY],
  withdrawn: [],
};

/** Version 3: intake is its own step: before receipt the counter may guide the applicant to complete the dossier (form 02). */
const MAY_ALLOW_V3: Record<LifecycleState, DossierEventType[]> = {
  ...MAY_ALLOW_V2,
  submitted: [...MAY_ALLOW_V2.submitted, 'REQUEST_SUPPLEMENT'],
  intake_supplement: ['RESUBMIT', 'REQUEST_WITHDRAWAL'],
};

const SAMPLES: DossierEvent[] = [
  ev.receive(),
  ev.assign(),
  ev.complete(),
  ev.sendBack(),
  ev.requestSupplement(),
  ev.receiveSupplement(),
  ev.pause(),
  ev.resume(),
  ev.result(),
  ev.result(AFTER_DUE),
  ev.refuse(),
  ev.apology(),
  ev.returnResult(),
  ev.withdraw(),
  ev.approaching(),
  ev.passed(),
  ev.stepOverdue(),
  ev.requestWithdrawal(),
  ev.exemption(),
  ev.resubmit(),
  ev.attach(),
  ev.replace(),
  ev.correct(),
  ev.changeNotification(),
];

function key(s: DossierSnapshot): string {
  const c = s.context;
  const flagged = c.stepOverruns.at(-1)?.stepIndex === c.stepIndex;
  return JSON.stringify([
    s.value,
    c.stepIndex,
    flagged,
    c.supplementsRequested,
    c.apologies.length,
    c.exemptions?.length ?? 0,
    c.result?.outcome ?? null,
    c.finalTimeliness,
  ]);
}

describe.each([
  { version: 1, MAY_ALLOW: MAY_ALLOW_V1, unreachable: ['withdrawal_requested', 'intake_supplement'] },
  { version: 2, MAY_ALLOW: MAY_ALLOW_V2, unreachable: ['intake_supplement'] },
  { version: CURRENT_CHART_VERSION, MAY_ALLOW: MAY_ALLOW_V3, unreachable: [] as string[] },
])('paths generated from chart version $version', ({ version, MAY_ALLOW, unreachable }) => {
  const chart = chartFor(version);
  const edges = adjacencyMapToArray(
    getAdjacencyMap(chart, {
      input: input('online'),
      events: () => SAMPLES,
      serializeState: key,
      serializeEvent: (e) => JSON.stringify(e),
    }),
  );
  const states = [...new Map(edges.flatMap((e) => [e.state, e.nextState]).map((s) => [key(s), s])).values()];

  test('every lifecycle and timeliness state is reachable', () => {
    expect(new Set(states.map(lifecycleOf))).toEqual(new Set(LIFECYCLE_STATES.filter((x) => !unreachable.includes(x))));
    expect(new Set(states.map(timelinessStateOf))).toEqual(new Set(TIMELINESS_STATES));
    expect(states.length).toBeGreaterThan(100);
  });

  test('every transition the chart takes is one its state may allow', () => {
    for (const e of edges) {
      if (key(e.state) === key(e.nextState) && !e.state.can(e.event)) continue; // ignored sample
      expect(MAY_ALLOW[lifecycleOf(e.state)]).toContain(e.event.type);
    }
  });

  test('allowedEvents, which probes only the events an active state node has a transition for, answers what probing every event answers', () => {
    for (const s of states) {
      expect(allowedEvents(s)).toEqual(ALL_EVENT_TYPES.filter((type) => s.can({ type } as DossierEvent)));
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

  test('no path returns a late result without an apology or an approved exemption', () => {
    for (const s of states) {
      if (lifecycleOf(s) === 'returned' && s.context.finalTimeliness === 'late')
        expect(s.context.apologies.length + (s.context.exemptions?.length ?? 0)).toBeGreaterThan(0);
    }
  });

  test('no path stops a dossier without a withdrawal request first (version 2) or after a result (every version)', () => {
    for (const e of edges) {
      if (lifecycleOf(e.nextState) !== 'withdrawn' || lifecycleOf(e.state) === 'withdrawn') continue;
      expect(e.state.context.result).toBeNull();
      if (version >= 2) expect(lifecycleOf(e.state)).toBe('withdrawal_requested');
    }
  });

  test('no path gives an official code or starts the clock at an intake guidance or refusal (intake is not receipt)', () => {
    for (const s of states) {
      if (!['submitted', 'intake_supplement', 'refused_intake'].includes(lifecycleOf(s))) continue;
      expect(s.context.receivedAt).toBeNull();
      expect(s.context.clock).toEqual([]);
      expect(s.context.dueAt).toBeNull();
      expect(timelinessStateOf(s)).toBe('not_started');
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
