/**
 * Intake is its own step (issue 12; regulations-with-sources.md §3.2, §12.1): before receiving a dossier the
 * counter may guide the applicant to complete it (Mẫu 02) or refuse it (Mẫu 03) without receiving it — no
 * official code is consumed and no clock runs. An online submission must be answered within 8 working hours of
 * its submission (Decree 297/2025 Art. 6(4)): the counter desk sees how long each one has waited, one that
 * waits longer is flagged, and late answers and overdue waits are counted by both metric paths.
 */
import { BACKENDS } from '../support/backends';
import { hanoi, submission } from '../support/engine';
import { serverForSuite } from '../support/server';
import { complianceFromProjection } from '../../src/metrics/compliance-projection';
import { complianceFromEvents, compareMetrics } from '../../src/metrics/compliance-from-events';

const PROC = '1.001612';
const AGENCY = '000.00.12.H29';
const official = (day: string, seq: number) => `${AGENCY}-${day}-${String(seq).padStart(4, '0')}`;
const HOUR = 3_600_000;

describe.each(BACKENDS)('intake as its own step on $name', (backend) => {
  const s = serverForSuite(backend, { start: '2026-03-02 08:00' });

  const login = async (as = 'counter'): Promise<string> => s.login(as, true);
  const submit = async (body: Record<string, unknown>) =>
    s.http
      .post('/api/dossiers')
      .set('Authorization', `Bearer ${await login()}`)
      .send(body);
  const send = async (code: string, body: Record<string, unknown>, as = 'counter') =>
    s.http
      .post(`/api/dossiers/${code}/events`)
      .set('Authorization', `Bearer ${await login(as)}`)
      .set('If-Match', String((await s.engine.engine.get(code)).version))
      .send(body);
  const view = async (code: string) => (await s.http.get(`/api/dossiers/${code}`).set('Authorization', `Bearer ${await login()}`)).body;
  const form = async (code: string, kind: string) =>
    s.http.get(`/api/dossiers/${code}/forms/${kind}`).set('Authorization', `Bearer ${await login()}`);

  test('rule: a supplement guidance at intake (form 02) receives nothing: no official code, no clock; the day’s official sequence stays gap-free', async () => {
    s.engine.at('2026-03-02 08:30');
    const checked = await submit({ ...submission(PROC, 'counter'), receiveAtOnce: false });
    expect(checked.status).toBe(201);
    const ref = checked.body.code as string;
    expect(ref).toMatch(/-260302-DK\d{4}$/);
    expect(checked.body).toMatchObject({ state: 'submitted', receivedAt: null, dueAt: null });
    expect(checked.body.permittedEvents).toEqual(expect.arrayContaining(['RECEIVE', 'REFUSE', 'REQUEST_SUPPLEMENT']));

    const guided = await send(ref, {
      type: 'REQUEST_SUPPLEMENT',
      missing: ['Bản sao giấy chứng nhận', 'Tờ khai'],
      reason: 'Thiếu giấy tờ',
    });
    expect(guided.status).toBe(200);
    expect(guided.body).toMatchObject({
      code: ref,
      state: 'intake_supplement',
      receivedAt: null,
      dueAt: null,
      timeliness: 'not_started',
      nationalStatus: { code: 5 },
    });
    expect(guided.body.permittedEvents).toEqual(expect.arrayContaining(['RESUBMIT', 'REQUEST_WITHDRAWAL']));
    expect(guided.body.permittedEvents).not.toContain('RECEIVE');

    // form 02 at intake: every missing item, and it says the dossier was not received
    const f = await form(ref, 'supplement');
    expect(f.status).toBe(200);
    expect(f.text).toContain('Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ');
    expect(f.text).toContain('Bản sao giấy chứng nhận');
    expect(f.text).toContain('chưa được tiếp nhận');
    expect(f.text).not.toContain('được tính lại từ đầu');

    // the next dossier received that day takes number 1: the guided one consumed nothing
    const received = await submit(submission(PROC, 'counter'));
    expect(received.body.code).toBe(official('260302', 1));

    // the applicant comes back with the missing papers: resubmitted, then received with the next official number
    s.engine.at('2026-03-02 10:00');
    expect((await send(ref, { type: 'RESUBMIT' })).body.state).toBe('submitted');
    const receipt = await send(ref, { type: 'RECEIVE' });
    expect(receipt.status).toBe(200);
    expect(receipt.body.code).toBe(official('260302', 2));
  });

  test('rule: a refusal at intake (form 03) of a counter dossier registered for the check consumes no official code', async () => {
    s.engine.at('2026-03-02 11:00');
    const ref = (await submit({ ...submission(PROC, 'counter'), receiveAtOnce: false })).body.code as string;
    const refused = await send(ref, { type: 'REFUSE', reason: 'Không thuộc thẩm quyền' });
    expect(refused.body).toMatchObject({ state: 'refused_intake', code: ref, receivedAt: null });
    expect((await form(ref, 'refusal')).text).toContain('không tiếp nhận hồ sơ này');
    expect((await submit(submission(PROC, 'counter'))).body.code).toBe(official('260302', 3));
  });

  test('rule: only the counter guides at intake; the specialist is refused', async () => {
    s.engine.at('2026-03-02 11:10');
    const ref = (await submit(submission(PROC, 'online'))).body.code as string;
    const res = await send(ref, { type: 'REQUEST_SUPPLEMENT', missing: ['x'], reason: 'y' }, 'specialist');
    expect(res.status).toBe(403);
    expect((await s.engine.engine.get(ref)).state).toBe('submitted');
  });

  test('rule: an online submission must be answered within 8 working hours; the desk sees the wait and flags it, and both metric paths count late answers and overdue waits', async () => {
    // Tue 03/03 09:00: due by Wed 04/03 09:30 (Tue 09:00–11:30 and 13:30–17:00 = 6 h, Wed 07:30–09:30 = 2 h)
    s.engine.at('2026-03-03 09:00');
    const answeredLate = (await submit(submission(PROC, 'online'))).body.code as string;
    const waiting = (await submit(submission(PROC, 'online', 'Trần Văn Bình'))).body.code as string;
    s.engine.at('2026-03-03 09:05');
    const answeredInTime = (await submit(submission(PROC, 'online', 'Lê Thị Cúc'))).body.code as string;

    s.engine.at('2026-03-04 08:00'); // 6.5 working hours waited
    const early = (await view(waiting)).intake;
    expect(early).toEqual({
      waitingSince: hanoi('2026-03-03 09:00'),
      dueBy: hanoi('2026-03-04 09:30'),
      waitedWorkingMs: 6.5 * HOUR,
      waiting: true,
      overdue: false,
    });
    expect((await send(answeredInTime, { type: 'RECEIVE' })).status).toBe(200);

    s.engine.at('2026-03-04 10:00'); // 8.5 working hours waited: flagged on the desk's list
    const list = await s.http.get('/api/dossiers?state=submitted').set('Authorization', `Bearer ${await login()}`);
    const flagged = list.body.items.find((d: { code: string }) => d.code === waiting);
    expect(flagged.intake).toMatchObject({ waitedWorkingMs: 8.5 * HOUR, waiting: true, overdue: true });
    const guided = await send(answeredLate, { type: 'REQUEST_SUPPLEMENT', missing: ['Tờ khai'], reason: 'Thiếu tờ khai' });
    expect(guided.body.intake).toMatchObject({ waiting: false, overdue: true, waitedWorkingMs: 8.5 * HOUR });
    expect((await view(answeredInTime)).intake).toMatchObject({ waiting: false, overdue: false, waitedWorkingMs: 6.5 * HOUR - 5 * 60_000 });

    s.engine.at('2026-03-05 10:00');
    const calendar = await s.engine.calendars.latest();
    const q = { from: '2026-03-03', to: '2026-03-05', groupBy: 'centre' as const, now: hanoi('2026-03-05 10:00'), calendar };
    const fast = await complianceFromProjection(s.engine.db, q);
    const slow = await complianceFromEvents(s.engine.db, s.engine.calendars, q);
    expect(compareMetrics(fast, slow.report)).toEqual([]);
    // still waiting past 8 working hours: `waiting`, and the submission of 02/03 the specialist could not guide
    expect(fast.groups[0]!.figures).toMatchObject({ intakeAnsweredLate: 1, intakeOverdueWaiting: 2 });
  });
});
