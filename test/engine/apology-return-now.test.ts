/**
 * Rule: a late result that is ready and handed over at the counter at once needs an apology, but no
 * future appointment. ISSUE_APOLOGY with `returnNow` (and no newDueDate) is accepted only once the result
 * is recorded and not yet returned; the apology records no new date (newDueAt null), the appointment and
 * the clock stay as they were, and the result can be returned right away. Form 04 then says the result is
 * returned that same day instead of naming a new date; the applicant's message says so too.
 * Before the result, an apology still needs a new appointment (the engine's 400, and the chart refuses a
 * dateless apology there too). Real engine on SQLite and PostgreSQL.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, hanoi, startEngine, submission, type StartedEngine } from '../support/engine';
import type { Command } from '../../machines/engine/commands';
import { isMotcuaError } from '../../machines/engine/errors';
import { applyEvent, chartFor, CURRENT_CHART_VERSION } from '../../machines/dossier';
import { clockCalendarVersion } from '../../machines/dossier/facts';
import { noticesFor } from '../../machines/notify/templates';
import { renderForm, type FormKind } from '../../src/forms';

const HOUSEHOLD_BUSINESS = '1.001612'; // 3 working days: received Tue 03/03 09:00 → due Fri 06/03 17:00
const apology = (extra: Partial<Command & { type: 'ISSUE_APOLOGY' }>): Command => ({
  type: 'ISSUE_APOLOGY',
  reason: 'chờ xác minh địa điểm kinh doanh',
  signer: 'Trần Văn Bình',
  ...extra,
});

describe.each(BACKENDS)('rule: an apology for a late result handed over at once ($name)', (backend) => {
  let t: StartedEngine;
  beforeAll(async () => {
    t = await startEngine(backend);
  });
  afterAll(async () => t.drop());

  async function act(code: string, local: string, cmd: Command, actor = ACTORS.specialist) {
    t.at(local);
    return t.engine.act(code, cmd, actor);
  }

  async function refusal(code: string, local: string, cmd: Command): Promise<{ field: string; code: string }[]> {
    try {
      await act(code, local, cmd, ACTORS.counter);
    } catch (err) {
      if (isMotcuaError(err, 'VALIDATION_FAILED'))
        return (err.details.issues as { field: string; code: string }[]).map(({ field, code }) => ({ field, code }));
      throw err;
    }
    throw new Error(`${cmd.type} accepted`);
  }

  /** Handled late: the result is recorded Mon 09/03, after the due date Fri 06/03 17:00. */
  async function lateWithResult(): Promise<string> {
    t.at('2026-03-03 09:00');
    const { code } = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await act(code, '2026-03-03 09:30', { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    await act(code, '2026-03-03 10:00', { type: 'COMPLETE_STEP' }, ACTORS.counter);
    await act(code, '2026-03-03 10:30', { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    await act(code, '2026-03-05 10:00', { type: 'COMPLETE_STEP' });
    await act(
      code,
      '2026-03-09 10:00',
      { type: 'RECORD_RESULT', documentNumber: '15/GCN-HKD', documentDate: '2026-03-09', signer: 'Trần Văn Bình', digitised: true },
      ACTORS.leader,
    );
    return code;
  }

  async function render(kind: FormKind, code: string): Promise<string> {
    const { context } = await t.engine.snapshotOf(code);
    const history = await t.engine.history(code);
    const v = clockCalendarVersion(context);
    const calendar = v === null ? await t.calendars.latest() : await t.calendars.byVersion(v);
    return renderForm(kind, { history, context, calendar, baseUrl: 'https://motcua.example.vn' });
  }

  test('the counter apologises and returns at once: no new appointment, the appointment and clock unchanged', async () => {
    const code = await lateWithResult();
    const before = (await t.engine.snapshotOf(code)).context;
    expect(before.finalTimeliness).toBe('late');

    await act(code, '2026-03-10 09:00', apology({ returnNow: true }), ACTORS.counter);
    const after = (await t.engine.snapshotOf(code)).context;
    expect(after.apologies).toHaveLength(1);
    expect(after.apologies[0]!.newDueAt).toBeNull();
    expect(after.apologies[0]!.previousDueAt).toBe(hanoi('2026-03-06 17:00'));
    expect(after.dueAt).toBe(before.dueAt);
    expect(after.clock).toEqual(before.clock); // no 'reappoint' entry with an invented date

    await act(code, '2026-03-10 09:01', { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter);
    expect((await t.engine.snapshotOf(code)).value).toMatchObject({ lifecycle: 'returned' });
  });

  test('form 04 says the result is returned that same day and names no new date', async () => {
    const code = await lateWithResult();
    await act(code, '2026-03-10 09:00', apology({ returnNow: true }), ACTORS.counter);
    const page = await render('apology', code);
    expect(page).toContain('PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ');
    expect(page).toContain('Thời gian hẹn trả kết quả giải quyết hồ sơ: <b>17:00 06/03/2026</b>');
    expect(page).toContain('Lý do: chờ xác minh địa điểm kinh doanh');
    expect(page).toContain('được trả cho Ông/Bà <b>ngay trong ngày 10/03/2026</b>, không hẹn lại ngày trả kết quả');
    expect(page).not.toContain('hẹn lại thời gian trả kết quả vào lúc');
    expect(await render('control-slip', code)).toContain('Phiếu xin lỗi: <b>trả kết quả ngay 10/03/2026</b>');
  });

  test('the applicant is told the result is returned now, not given a date', async () => {
    const code = await lateWithResult();
    await act(code, '2026-03-10 09:00', apology({ returnNow: true }), ACTORS.counter);
    const event = (await t.engine.history(code)).find((e) => e.type === 'ISSUE_APOLOGY')!;
    const notices = noticesFor({ ...(event.payload as object), type: 'ISSUE_APOLOGY' } as never, { receivedAt: 'x' });
    expect(notices).toEqual([{ kind: 'apology', details: { returnNow: true, reason: 'chờ xác minh địa điểm kinh doanh' } }]);
  });

  test('an apology with a new appointment still moves the appointment', async () => {
    const code = await lateWithResult();
    await act(code, '2026-03-10 09:00', apology({ newDueDate: '2026-03-11' }), ACTORS.counter);
    const ctx = (await t.engine.snapshotOf(code)).context;
    expect(ctx.apologies[0]!.newDueAt).toBe(hanoi('2026-03-11 17:00'));
    expect(ctx.dueAt).toBe(hanoi('2026-03-11 17:00'));
  });

  test('neither a new date nor returnNow is a 400 on newDueDate; both is a 400 on newDueDate; nothing changes', async () => {
    const code = await lateWithResult();
    const v = (await t.engine.snapshotOf(code)).context;
    expect(await refusal(code, '2026-03-10 09:00', apology({}))).toEqual([{ field: 'newDueDate', code: 'required' }]);
    expect(await refusal(code, '2026-03-10 09:00', apology({ returnNow: true, newDueDate: '2026-03-11' }))).toEqual([
      { field: 'newDueDate', code: 'not_with_return_now' },
    ]);
    expect((await t.engine.snapshotOf(code)).context).toEqual(v);
  });

  test('before the result there is nothing to hand over: returnNow is a 400 on returnNow', async () => {
    t.at('2026-03-03 09:00');
    const { code } = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await act(code, '2026-03-03 09:30', { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    expect(await refusal(code, '2026-03-05 10:00', apology({ returnNow: true }))).toEqual([
      { field: 'returnNow', code: 'no_result_to_return' },
    ]);
    expect((await t.engine.snapshotOf(code)).context.apologies).toHaveLength(0);
  });

  test('the chart itself refuses a dateless apology before the result', async () => {
    t.at('2026-03-03 09:00');
    const { code } = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await act(code, '2026-03-03 09:30', { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    const snapshot = await t.engine.snapshotOf(code);
    const event = {
      type: 'ISSUE_APOLOGY' as const,
      at: hanoi('2026-03-05 10:00'),
      by: ACTORS.counter,
      reason: 'x',
      responsibleUnit: 'KINHTE',
      responsibleStep: 'tham-dinh',
      signer: 'Trần Văn Bình',
      timely: false,
      calendarVersion: 1,
    };
    const chart = chartFor(CURRENT_CHART_VERSION);
    expect(applyEvent(chart, snapshot, { ...event, newDueAt: null })).toBeNull();
    expect(applyEvent(chart, snapshot, { ...event, newDueAt: hanoi('2026-03-10 17:00') })).not.toBeNull();
  });
});
