/**
 * A step's deadline is defined once (machines/engine/deadline-check.ts stepDeadline): the sweeper's
 * STEP_OVERDUE, the control slip's per-step class and the weekly review's responsible step (which
 * measures steps with the control slip's measureStep) agree, also when the step contains a stop.
 */
import { applyEvent, chartFor, CURRENT_CHART_VERSION, startDossier, type DossierEvent, type DossierSnapshot } from '../../machines/dossier';
import { addWorkingTime, buildCalendar, defaultCalendarData } from '../../machines/calendar';
import { deadlineEventAt, stepDeadline, stepDueAt } from '../../machines/engine/deadline-check';
import { measureStep } from '../../src/forms/control-rows';
import { ev, input, THREE_STEP_TERMS } from '../support/chart-fixtures';

const cal = buildCalendar(defaultCalendarData());
const chart = chartFor(CURRENT_CHART_VERSION);
const ONE_DAY = cal.officeDayMs;

function run(events: DossierEvent[]): DossierSnapshot {
  let s = startDossier(chart, input('counter'));
  for (const e of events) {
    const next = applyEvent(chart, s, e);
    if (!next) throw new Error(`${e.type} refused`);
    s = next;
  }
  return s;
}

const ASSIGNED_AT = '2026-03-03T04:00:00.000Z'; // Tue 11:00 in Hanoi: step "review" (3 working days) starts
const at = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

describe.each([
  ['a pause', [ev.pause('2026-03-04T02:00:00.000Z'), ev.resume('2026-03-05T02:00:00.000Z')]],
  [
    'a supplement request',
    [ev.requestSupplement('2026-03-04T02:00:00.000Z'), ev.receiveSupplement('2026-03-06T02:00:00.000Z', '2026-03-16T10:00:00.000Z')],
  ],
])('a step containing %s', (_name, stop) => {
  // already warned (due soon), so the sweeper's next word on the dossier is about the step
  const snapshot = run([ev.receive(), ev.assign(ASSIGNED_AT), ...stop, ev.approaching('2026-03-06T03:00:00.000Z')]);
  const ctx = snapshot.context;
  const budget = THREE_STEP_TERMS.steps[0]!.budget;
  const withoutStop = addWorkingTime(ASSIGNED_AT, budget, cal);
  const { deadline, stoppedMs } = stepDeadline(ASSIGNED_AT, budget, ctx.clock, cal);

  test('the stop pushes the deadline back, and the sweeper uses that deadline', () => {
    expect(stoppedMs).toBeGreaterThanOrEqual(ONE_DAY);
    expect(deadline > withoutStop).toBe(true);
    expect(stepDueAt(snapshot, cal)).toBe(deadline);
  });

  test('at every instant the sweeper flags the step exactly when the control slip calls it late', () => {
    const instants = [
      at(withoutStop, 3_600_000), // past the budget counted without the stop: neither says late
      at(deadline, -3_600_000),
      deadline,
      at(deadline, 1000),
      at(deadline, 60_000),
      at(deadline, 86_400_000),
    ];
    const verdicts = instants.map((now) => {
      const sweeper = deadlineEventAt(snapshot, now, cal, 0) === 'STEP_OVERDUE';
      const slip = measureStep(ASSIGNED_AT, now, budget, ctx.clock, cal).timeliness === 'late';
      return { now, sweeper, slip };
    });
    expect(verdicts.map((v) => v.sweeper)).toEqual(verdicts.map((v) => v.slip));
    expect(verdicts.map((v) => v.sweeper)).toEqual([false, false, false, true, true, true]);
  });
});

test('a stop before the step started or after it ended does not move the step’s deadline', () => {
  const COMPLETED_AT = '2026-03-05T04:00:00.000Z'; // step "head" (1 working day) starts after the pause
  const snapshot = run([
    ev.receive(),
    ev.assign(ASSIGNED_AT),
    ev.pause('2026-03-04T02:00:00.000Z'),
    ev.resume('2026-03-05T02:00:00.000Z'),
    ev.complete(COMPLETED_AT),
  ]);
  const head = THREE_STEP_TERMS.steps[1]!.budget;
  expect(stepDeadline(COMPLETED_AT, head, snapshot.context.clock, cal)).toEqual({
    deadline: addWorkingTime(COMPLETED_AT, head, cal),
    stoppedMs: 0,
  });
  expect(stepDueAt(snapshot, cal)).toBe(addWorkingTime(COMPLETED_AT, head, cal));
  const review = THREE_STEP_TERMS.steps[0]!.budget;
  expect(stepDeadline(ASSIGNED_AT, review, snapshot.context.clock, cal, '2026-03-04T01:00:00.000Z').stoppedMs).toBe(0);
});
