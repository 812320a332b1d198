import {
  allowedEvents,
  applyEvent,
  chartFor,
  CURRENT_CHART_VERSION,
  lifecycleOf,
  nationalStatus,
  replay,
  startDossier,
  timelinessOf,
  type DossierEvent,
  type DossierSnapshot,
} from '../../machines/dossier';
import { AFTER_DUE, DUE, ev, input } from '../support/chart-fixtures';

const chart = chartFor(CURRENT_CHART_VERSION);

function run(events: DossierEvent[], channel: 'counter' | 'online' = 'online'): DossierSnapshot {
  return replay(chart, input(channel), events);
}

function refused(snapshot: DossierSnapshot, event: DossierEvent): boolean {
  return applyEvent(chart, snapshot, event) === null;
}

describe('the dossier lifecycle chart', () => {
  test('every dossier starts as submitted (Mới đăng ký) and the clock starts only when a clerk receives it', () => {
    const s = startDossier(chart, input('online'));
    expect(lifecycleOf(s)).toBe('submitted');
    expect(s.context.dueAt).toBeNull();
    const r = run([ev.receive()]);
    expect(lifecycleOf(r)).toBe('received');
    expect(r.context.dueAt).toBe(r.context.clock[0]!.dueAt);
    expect(timelinessOf(r)).toBe('on_track');
  });

  test('a dossier with no result cannot be returned', () => {
    for (const prefix of [[], [ev.receive()], [ev.receive(), ev.assign()], [ev.receive(), ev.assign(), ev.complete()]]) {
      const s = run(prefix);
      expect(refused(s, ev.returnResult())).toBe(true);
    }
  });

  test('a result can be recorded only at the last step of the internal process', () => {
    const atFirst = run([ev.receive(), ev.assign()]);
    expect(refused(atFirst, ev.result())).toBe(true);
    const atSecond = run([ev.receive(), ev.assign(), ev.complete()]);
    expect(refused(atSecond, ev.result())).toBe(true);
    const atLast = run([ev.receive(), ev.assign(), ev.complete(), ev.complete()]);
    expect(lifecycleOf(applyEvent(chart, atLast, ev.result())!)).toBe('result');
  });

  test('the steps are walked in order and who did each one, and when, is recorded', () => {
    const s = run([
      ev.receive(),
      ev.assign(),
      ev.complete('2026-03-04T01:00:00.000Z'),
      ev.complete('2026-03-04T08:00:00.000Z'),
      ev.result(),
    ]);
    expect(s.context.steps.map((x) => [x.stepId, x.outcome, x.by, x.endedAt])).toEqual([
      ['review', 'completed', 'specialist', '2026-03-04T01:00:00.000Z'],
      ['head', 'completed', 'specialist', '2026-03-04T08:00:00.000Z'],
      ['sign', 'result', 'leader', '2026-03-05T03:00:00.000Z'],
    ]);
  });

  test('a step sent back returns the dossier to the previous step with the reason', () => {
    const s = run([ev.receive(), ev.assign(), ev.complete(), ev.complete(), ev.sendBack()]);
    expect(lifecycleOf(s)).toBe('processing');
    expect(s.context.stepIndex).toBe(1);
    expect(s.context.steps.at(-1)).toMatchObject({ stepId: 'sign', outcome: 'returned', reason: 'thiếu chữ ký' });
    const back = applyEvent(chart, s, ev.sendBack())!;
    expect(lifecycleOf(back)).toBe('assigned');
    expect(back.context.stepIndex).toBe(0);
    expect(refused(back, ev.sendBack())).toBe(true);
  });

  test('a supplement stops the clock and restarts it from zero, at most as often as the procedure allows', () => {
    const waiting = run([ev.receive(), ev.assign(), ev.requestSupplement()]);
    expect(lifecycleOf(waiting)).toBe('awaiting_supplement');
    expect(refused(waiting, ev.approaching())).toBe(true);
    const back = applyEvent(chart, waiting, ev.receiveSupplement())!;
    expect(lifecycleOf(back)).toBe('assigned');
    expect(back.context.dueAt).toBe('2026-03-13T10:00:00.000Z');
    expect(back.context.originalDueAt).toBe('2026-03-13T10:00:00.000Z');
    expect(back.context.clock.map((c) => c.kind)).toEqual(['start', 'stop', 'restart']);
    expect(refused(back, ev.requestSupplement())).toBe(true); // maxSupplements = 1
  });

  test('a supplement received after the dossier was flagged overdue starts the deadline flags over', () => {
    const s = run([ev.receive(), ev.assign(), ev.passed(), ev.requestSupplement(), ev.receiveSupplement()]);
    expect(timelinessOf(s)).toBe('on_track');
  });

  test('a pause moves the due date by the paused working time and the clock raises no flags while paused', () => {
    const paused = run([ev.receive(), ev.assign(), ev.complete(), ev.pause()]);
    expect(lifecycleOf(paused)).toBe('paused');
    expect(paused.context.pauseReason).toBe('financial_obligation');
    expect(refused(paused, ev.passed())).toBe(true);
    const resumed = applyEvent(chart, paused, ev.resume())!;
    expect(lifecycleOf(resumed)).toBe('processing');
    expect(resumed.context.dueAt).toBe('2026-03-11T10:00:00.000Z');
    expect(resumed.context.clock.map((c) => c.kind)).toEqual(['start', 'pause', 'resume']);
  });

  test('a result recorded after the original due date is late, even with an apology and a new appointment', () => {
    const s = run([ev.receive(), ev.assign(), ev.apology(), ev.complete(), ev.complete(), ev.result(AFTER_DUE)]);
    expect(s.context.dueAt).toBe('2026-03-13T10:00:00.000Z');
    expect(s.context.originalDueAt).toBe('2026-03-10T10:00:00.000Z');
    expect(timelinessOf(s)).toBe('late');
  });

  test('a late result cannot be returned until an apology is on record', () => {
    const late = run([ev.receive(), ev.assign(), ev.complete(), ev.complete(), ev.result(AFTER_DUE)]);
    expect(allowedEvents(late)).toEqual(['ISSUE_APOLOGY', 'RECORD_EXEMPTION', 'CHANGE_NOTIFICATION']);
    expect(refused(late, ev.returnResult())).toBe(true);
    const apologised = applyEvent(chart, late, ev.apology('2026-03-12T04:00:00.000Z'))!;
    expect(lifecycleOf(applyEvent(chart, apologised, ev.returnResult())!)).toBe('returned');
  });

  test('an early result is returned without an apology', () => {
    const s = run([ev.receive(), ev.assign(), ev.complete(), ev.complete(), ev.result(), ev.returnResult()]);
    expect(lifecycleOf(s)).toBe('returned');
    expect(timelinessOf(s)).toBe('early');
  });

  test('a new appointment is given at most once', () => {
    const s = run([ev.receive(), ev.assign(), ev.apology()]);
    expect(refused(s, ev.apology('2026-03-09T04:00:00.000Z'))).toBe(true);
  });

  test('a written refusal is a result and can be handed back', () => {
    const s = run([ev.receive(), ev.assign(), ev.refuse()]);
    expect(lifecycleOf(s)).toBe('result');
    expect(s.context.result).toMatchObject({ outcome: 'refused', reason: 'không đủ điều kiện' });
    expect(lifecycleOf(applyEvent(chart, s, ev.returnResult())!)).toBe('returned');
  });

  test('refusal to receive ends an online dossier without starting the clock', () => {
    const s = run([ev.refuse()]);
    expect(lifecycleOf(s)).toBe('refused_intake');
    expect(s.context.dueAt).toBeNull();
    expect(allowedEvents(s)).toEqual([]);
  });

  test('rule: the applicant may change how to be told from receipt until the result is handed back, never before or after', () => {
    const before = run([]);
    expect(refused(before, ev.changeNotification('sms'))).toBe(true); // the choice is first asked at receipt
    for (const prefix of [
      [ev.receive()],
      [ev.receive(), ev.assign()],
      [ev.receive(), ev.assign(), ev.pause()],
      [ev.receive(), ev.assign(), ev.requestSupplement()],
      [ev.receive(), ev.assign(), ev.refuse()],
      [ev.receive(), ev.requestWithdrawal()],
    ]) {
      const open = run(prefix);
      const changed = applyEvent(chart, open, ev.changeNotification('email'))!;
      expect(changed).not.toBeNull();
      expect(lifecycleOf(changed)).toBe(lifecycleOf(open)); // nothing else moves
      // the context keeps the channel and the consent, never the address (personal data stays in the event)
      expect(changed.context.notification).toEqual({ channel: 'email', consent: true });
      const withdrawn = applyEvent(chart, changed, ev.changeNotification('none'))!;
      expect(withdrawn.context.notification).toEqual({ channel: 'none', consent: false });
    }
    const returned = run([ev.receive(), ev.assign(), ev.refuse(), ev.returnResult()]);
    expect(refused(returned, ev.changeNotification('none'))).toBe(true);
  });

  test('rule: a withdrawal passes through status 7 (requested) to 8 (stopped), and only before a result exists', () => {
    for (const prefix of [
      [],
      [ev.receive()],
      [ev.receive(), ev.assign()],
      [ev.receive(), ev.assign(), ev.pause()],
      [ev.receive(), ev.assign(), ev.requestSupplement()],
    ]) {
      const open = run(prefix);
      expect(refused(open, ev.withdraw())).toBe(true); // never in one step
      const requested = applyEvent(chart, open, ev.requestWithdrawal())!;
      expect(lifecycleOf(requested)).toBe('withdrawal_requested');
      expect(nationalStatus(lifecycleOf(requested)).code).toBe(7);
      expect(requested.context.withdrawalRequest).toMatchObject({ reason: 'công dân xin rút hồ sơ', via: 'counter' });
      expect(allowedEvents(requested)).toEqual(['WITHDRAW', 'CHANGE_NOTIFICATION']);
      const stopped = applyEvent(chart, requested, ev.withdraw())!;
      expect(lifecycleOf(stopped)).toBe('withdrawn');
      expect(nationalStatus(lifecycleOf(stopped)).code).toBe(8);
      expect(stopped.context.closedAt).toBe('2026-03-04T02:00:00.000Z');
    }
    const withResult = run([ev.receive(), ev.assign(), ev.refuse()]);
    expect(refused(withResult, ev.requestWithdrawal())).toBe(true);
    expect(refused(withResult, ev.withdraw())).toBe(true);
  });

  test('version 1 dossiers keep their one-step withdrawal, so stored histories replay', () => {
    const v1 = chartFor(1);
    expect(lifecycleOf(replay(v1, input('online'), [ev.receive(), ev.assign(), ev.withdraw()]))).toBe('withdrawn');
    expect(lifecycleOf(replay(v1, input('online'), [ev.receive(), ev.assign(), ev.pause(), ev.withdraw()]))).toBe('withdrawn');
    expect(applyEvent(v1, replay(v1, input('online'), [ev.receive()]), ev.requestWithdrawal())).toBeNull();
    expect(replay(v1, input('online'), [ev.receive()]).context).not.toHaveProperty('exemptions');
  });

  test('rule: a late result can be returned after an approved exemption instead of an apology, and stays late', () => {
    const late = run([ev.receive(), ev.assign(), ev.complete(), ev.complete(), ev.result(AFTER_DUE)]);
    expect(refused(late, ev.returnResult())).toBe(true);
    const exempted = applyEvent(chart, late, ev.exemption())!;
    expect(exempted.context.exemptions).toEqual([
      {
        at: '2026-03-12T04:00:00.000Z',
        approvedBy: 'leader',
        reason: 'force_majeure',
        explanation: 'bão số 3 làm gián đoạn',
        reference: { number: '12/TB-UBND', date: '2026-03-11' },
        dueAt: DUE,
      },
    ]);
    expect(refused(exempted, ev.exemption('2026-03-12T05:00:00.000Z'))).toBe(true); // once
    const returned = applyEvent(chart, exempted, ev.returnResult())!;
    expect(lifecycleOf(returned)).toBe('returned');
    expect(returned.context.finalTimeliness).toBe('late');
    expect(returned.context.apologies).toEqual([]);
    // version 1 knows no exemption
    expect(
      applyEvent(
        chartFor(1),
        replay(chartFor(1), input('online'), [ev.receive(), ev.assign(), ev.complete(), ev.complete(), ev.result(AFTER_DUE)]),
        ev.exemption(),
      ),
    ).toBeNull();
  });

  test('an exemption needs a due date: not before receipt, not after the return', () => {
    expect(refused(run([]), ev.exemption())).toBe(true);
    const returned = run([ev.receive(), ev.assign(), ev.complete(), ev.complete(), ev.result(), ev.returnResult()]);
    expect(refused(returned, ev.exemption())).toBe(true);
  });

  test('deadline flags move on track → due soon → overdue while the clock runs, and freeze once a result exists', () => {
    const s = run([ev.receive(), ev.assign(), ev.approaching()]);
    expect(timelinessOf(s)).toBe('due_soon');
    expect(refused(s, ev.approaching())).toBe(true);
    const over = applyEvent(chart, s, ev.passed())!;
    expect(timelinessOf(over)).toBe('overdue');
    expect(refused(over, ev.passed())).toBe(true);
    const done = run([ev.receive(), ev.assign(), ev.refuse()]);
    expect(refused(done, ev.passed())).toBe(true);
  });

  test('replaying the same events gives the same snapshot (no clock, no randomness)', () => {
    const events = [ev.receive(), ev.assign(), ev.complete(), ev.pause(), ev.resume(), ev.complete(), ev.result(), ev.returnResult()];
    const a = run(events);
    const b = run(events);
    expect(JSON.stringify(chart.getPersistedSnapshot(a))).toBe(JSON.stringify(chart.getPersistedSnapshot(b)));
  });
});
