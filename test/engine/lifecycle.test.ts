import { BACKENDS } from '../support/backends';
import { ACTORS, hanoi, startEngine, submission, type StartedEngine } from '../support/engine';
import { isMotcuaError } from '../../machines/engine/errors';
import type { Command } from '../../machines/engine/commands';

const HOUSEHOLD_BUSINESS = '1.001612'; // 3 working days

describe.each(BACKENDS)('a dossier moving through the engine on $name', (backend) => {
  let t: StartedEngine;
  beforeAll(async () => {
    t = await startEngine(backend);
  });
  afterAll(async () => t.drop());

  async function act(code: string, cmd: Command, actor = ACTORS.specialist) {
    const current = await t.engine.get(code);
    return t.engine.act(code, cmd, actor, { expectedVersion: current.version });
  }

  async function walkToLastStep(code: string) {
    await act(code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    while ((await t.engine.get(code)).allowedEvents.includes('COMPLETE_STEP')) await act(code, { type: 'COMPLETE_STEP' });
  }

  const approve: Command = {
    type: 'RECORD_RESULT',
    documentNumber: '15/GCN-HKD',
    documentDate: '2026-03-05',
    signer: 'Chủ tịch UBND xã',
    digitised: true,
  };

  test('a counter dossier is received at once with an official code and a due date in working days', async () => {
    t.at('2026-03-03 09:00'); // Tuesday
    const d = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    expect(d.code).toMatch(/^000\.00\.12\.H29-260303-\d{4}$/);
    expect(d.state).toBe('received');
    expect(d.timeliness).toBe('on_track');
    expect(d.receivedAt).toBe(hanoi('2026-03-03 09:00'));
    expect(d.dueAt).toBe(hanoi('2026-03-06 17:00')); // day 1 = Wed, day 3 = Fri
    expect(d.originalDueAt).toBe(d.dueAt);
    expect(d.allowedEvents).toEqual(expect.arrayContaining(['ASSIGN', 'REQUEST_WITHDRAWAL']));
  });

  test('an online dossier waits as submitted and its clock starts when a clerk receives it', async () => {
    t.at('2026-03-03 16:00');
    const d = await t.engine.submit(submission(HOUSEHOLD_BUSINESS, 'online'), ACTORS.counter);
    expect(d.state).toBe('submitted');
    expect(d.dueAt).toBeNull();
    t.at('2026-03-04 08:00');
    const r = await act(d.code, { type: 'RECEIVE' }, ACTORS.counter);
    expect(r.state).toBe('received');
    expect(r.dueAt).toBe(hanoi('2026-03-09 17:00')); // received Wed → Thu, Fri, Mon
  });

  test('a full lifecycle with a supplement and a pause: the due date is recomputed and explained by the clock events', async () => {
    t.at('2026-03-03 09:00');
    const { code } = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    t.at('2026-03-03 10:00');
    await act(code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    t.at('2026-03-04 10:00');
    const waiting = await act(code, {
      type: 'REQUEST_SUPPLEMENT',
      missing: ['Bản sao hợp đồng thuê nhà'],
      reason: 'thiếu giấy tờ địa điểm',
    });
    expect(waiting.state).toBe('awaiting_supplement');
    t.at('2026-03-06 10:00'); // Friday: the processing time restarts from zero
    const back = await act(code, { type: 'RECEIVE_SUPPLEMENT' }, ACTORS.counter);
    expect(back.state).toBe('assigned');
    expect(back.dueAt).toBe(hanoi('2026-03-11 17:00')); // Mon, Tue, Wed
    expect(back.originalDueAt).toBe(back.dueAt);

    t.at('2026-03-09 09:00');
    expect((await act(code, { type: 'PAUSE', reason: 'verification' })).state).toBe('paused');
    t.at('2026-03-10 09:00'); // Mon 09:00–17:00 = 6 h + Tue 07:30–09:00 = 1.5 h: one 7.5 h office day
    const resumed = await act(code, { type: 'RESUME' });
    expect(resumed.dueAt).toBe(hanoi('2026-03-12 17:00'));

    while ((await t.engine.get(code)).allowedEvents.includes('COMPLETE_STEP')) await act(code, { type: 'COMPLETE_STEP' });
    t.at('2026-03-12 10:00');
    const result = await act(code, approve, ACTORS.leader);
    expect(result).toMatchObject({ state: 'result', outcome: 'approved', timeliness: 'on_time', resultAt: hanoi('2026-03-12 10:00') });
    t.at('2026-03-12 14:00');
    const returned = await act(code, { type: 'RETURN_RESULT', method: 'counter', rating: 5 }, ACTORS.counter);
    // a returned dossier is closed: the only thing left is correcting an error found in the handed-over result
    expect(returned).toMatchObject({ state: 'returned', returnedAt: hanoi('2026-03-12 14:00'), allowedEvents: ['CORRECT_RESULT'] });

    const history = await t.engine.history(code);
    expect(history.map((e) => e.seq)).toEqual(history.map((_, i) => i + 1));
    expect(history.slice(0, 6).map((e) => e.type)).toEqual([
      'SUBMIT',
      'RECEIVE',
      'ASSIGN',
      'REQUEST_SUPPLEMENT',
      'RECEIVE_SUPPLEMENT',
      'PAUSE',
    ]);
    expect(history.at(-1)).toMatchObject({ type: 'RETURN_RESULT', actor: 'counter', occurredAt: hanoi('2026-03-12 14:00') });
    const snapshot = await t.engine.snapshotOf(code);
    expect(snapshot.context.clock.map((c) => c.kind)).toEqual(['start', 'stop', 'restart', 'pause', 'resume']);
    expect(snapshot.context.clock.every((c) => c.kind === 'stop' || c.kind === 'pause' || c.calendarVersion === 1)).toBe(true);
  });

  test('a result before the due date is early', async () => {
    t.at('2026-03-03 09:00');
    const { code } = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await walkToLastStep(code);
    t.at('2026-03-05 10:00');
    expect((await act(code, approve, ACTORS.leader)).timeliness).toBe('early');
  });

  test('a late dossier cannot be returned without an apology, and stays late after one', async () => {
    t.at('2026-03-03 09:00');
    const { code } = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await walkToLastStep(code);
    t.at('2026-03-09 10:00'); // due Fri 06/03 17:00
    const late = await act(code, approve, ACTORS.leader);
    expect(late.timeliness).toBe('late');
    const err = await act(code, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter).catch((e) => e);
    expect(isMotcuaError(err, 'TRANSITION_NOT_ALLOWED')).toBe(true);
    expect(err.details.allowed).toEqual(['ISSUE_APOLOGY', 'RECORD_EXEMPTION', 'CHANGE_NOTIFICATION']);
    const apologised = await act(
      code,
      { type: 'ISSUE_APOLOGY', reason: 'Chờ xác minh địa điểm kinh doanh', signer: 'Trưởng phòng Kinh tế', newDueDate: '2026-03-10' },
      ACTORS.leader,
    );
    expect(apologised).toMatchObject({ dueAt: hanoi('2026-03-10 17:00'), originalDueAt: hanoi('2026-03-06 17:00'), timeliness: 'late' });
    const snapshot = await t.engine.snapshotOf(code);
    expect(snapshot.context.apologies[0]).toMatchObject({ timely: false, responsibleUnit: expect.any(String) });
    expect((await act(code, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter)).state).toBe('returned');
  });

  test('an apology issued a working day before the due date is timely', async () => {
    t.at('2026-03-03 09:00');
    const { code } = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await act(code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    t.at('2026-03-05 16:00'); // Thu, the working day before Fri's due date
    await act(
      code,
      { type: 'ISSUE_APOLOGY', reason: 'Chờ ý kiến cơ quan thuế', signer: 'Trưởng phòng', newDueDate: '2026-03-11' },
      ACTORS.leader,
    );
    expect((await t.engine.snapshotOf(code)).context.apologies[0]!.timely).toBe(true);
  });

  test('an event the state does not allow is refused with the allowed ones, and changes nothing', async () => {
    t.at('2026-03-03 09:00');
    const d = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    const err = await act(d.code, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter).catch((e) => e);
    expect(isMotcuaError(err, 'TRANSITION_NOT_ALLOWED')).toBe(true);
    expect(err.details).toMatchObject({ state: 'received', allowed: expect.arrayContaining(['ASSIGN']) });
    expect((await t.engine.get(d.code)).version).toBe(d.version);
    expect(await t.engine.history(d.code)).toHaveLength(2);
  });

  test('a stale version is a conflict and an unknown code is not found', async () => {
    t.at('2026-03-03 09:00');
    const d = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await t.engine.act(d.code, { type: 'ASSIGN', assignee: 'a' }, ACTORS.leader, { expectedVersion: d.version });
    const stale = await t.engine
      .act(d.code, { type: 'ASSIGN', assignee: 'b' }, ACTORS.leader, { expectedVersion: d.version })
      .catch((e) => e);
    expect(isMotcuaError(stale, 'VERSION_CONFLICT')).toBe(true);
    const missing = await t.engine.get('000.00.12.H29-260303-9999').catch((e) => e);
    expect(isMotcuaError(missing, 'NOT_FOUND')).toBe(true);
  });

  test('a pause reason the procedure does not allow is a validation error', async () => {
    t.at('2026-03-03 09:00');
    const d = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await act(d.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    const err = await act(d.code, { type: 'PAUSE', reason: 'financial_obligation' }).catch((e) => e);
    expect(isMotcuaError(err, 'VALIDATION_FAILED')).toBe(true);
    expect(err.details.issues[0].field).toBe('reason');
  });
});
