/**
 * Over the API: a dossier's pauses (how many, how long, how far they moved the due date) are visible on its
 * view, and a late result can be handed back after a leader's approved exemption instead of an apology.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, hanoi, submission } from '../support/engine';
import { serverForSuite } from '../support/server';
import type { Command } from '../../machines/engine/commands';
import { AuthService } from '../../src/services/auth/auth-service';

const HKD = '1.001612'; // 3 working days: tiep-nhan (counter) → tham-dinh (specialist, KINHTE) → ky-cap (leader, KINHTE)
const leader = { username: 'leader', unit: 'LANHDAO' };
const approve: Command = { type: 'RECORD_RESULT', documentNumber: '1/GCN', documentDate: '2026-03-10', signer: 'leader', digitised: true };

describe.each(BACKENDS)('pauses and exemptions over the API on $name', (backend) => {
  const s = serverForSuite(backend);

  // a fresh session at the test clock's time (a cached one expires when the clock moves days ahead)
  const tokenOf = async (user: string) => (await new AuthService(s.engine).login(user, 'demo')).token;
  const send = async (user: string, code: string, body: Record<string, unknown>) => {
    const token = await tokenOf(user);
    const version = (await s.engine.engine.get(code)).version;
    return s.http.post(`/api/dossiers/${code}/events`).set('Authorization', `Bearer ${token}`).set('If-Match', String(version)).send(body);
  };
  const view = async (code: string) =>
    (await s.http.get(`/api/dossiers/${code}`).set('Authorization', `Bearer ${await tokenOf('counter')}`)).body;

  async function atReview(): Promise<string> {
    s.engine.at('2026-03-03 09:00');
    const { code } = await s.engine.engine.submit(submission(HKD), ACTORS.counter);
    await s.engine.engine.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    await s.engine.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
    return code;
  }

  test('rule: the number and total working time of pauses, and how far they moved the due date, are on the dossier', async () => {
    const code = await atReview();
    expect((await view(code)).pauses).toEqual({ count: 0, totalWorkingMs: 0, extensionMs: 0 });
    s.engine.at('2026-03-04 09:00');
    expect((await send('specialist', code, { type: 'PAUSE', reason: 'verification' })).status).toBe(200);
    s.engine.at('2026-03-04 10:00');
    expect((await send('specialist', code, { type: 'RESUME' })).status).toBe(200);
    s.engine.at('2026-03-05 07:30');
    expect((await send('specialist', code, { type: 'PAUSE', reason: 'applicant_request' })).status).toBe(200);
    s.engine.at('2026-03-05 16:00'); // 07:30–11:30 + 13:30–16:00 = 6.5 h more: 7.5 h in all = one office day → one day later
    expect((await send('specialist', code, { type: 'RESUME' })).status).toBe(200);
    const v = await view(code);
    expect(v.pauses).toEqual({ count: 2, totalWorkingMs: 7.5 * 3_600_000, extensionMs: 7.5 * 3_600_000 });
    expect(v.originalDueAt).toBe(hanoi('2026-03-09 17:00'));
  });

  test("rule: a pause reason outside the procedure's list is refused, naming the field", async () => {
    const code = await atReview();
    const res = await send('specialist', code, { type: 'PAUSE', reason: 'financial_obligation' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0].field).toBe('reason');
  });

  test('rule: a late result is handed back after an approved exemption; only a leader approves it; it stays late', async () => {
    const code = await atReview();
    await s.engine.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.specialist);
    s.engine.at('2026-03-10 09:00'); // due Fri 06/03 17:00
    await s.engine.engine.act(code, approve, leader);
    const refused = await send('counter', code, { type: 'RETURN_RESULT', method: 'counter' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.allowed).toEqual(['ISSUE_APOLOGY', 'RECORD_EXEMPTION', 'CHANGE_NOTIFICATION']);
    const exemption = {
      type: 'RECORD_EXEMPTION',
      reason: 'applicant_not_collecting',
      explanation: 'Người nộp hẹn lại ngày nhận',
      reference: { number: '12/BB', date: '2026-03-10' },
    };
    expect((await send('specialist', code, exemption)).status).toBe(403);
    const bad = await send('leader', code, { ...exemption, reason: 'office_was_busy' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].field).toBe('reason');
    const ok = await send('leader', code, exemption);
    expect(ok.status).toBe(200);
    expect((await view(code)).exemption).toEqual({
      reason: 'applicant_not_collecting',
      approvedBy: 'leader',
      approvedByName: 'Lê Quang Hùng (Phó Chủ tịch Ủy ban nhân dân xã)',
      at: hanoi('2026-03-10 09:00'),
    });
    const back = await send('counter', code, { type: 'RETURN_RESULT', method: 'counter' });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ state: 'returned', timeliness: 'late' });
  });
});
