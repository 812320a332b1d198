/**
 * Rule: the weekly review counts exemptions apart from apologies (an exempted late dossier is not "late
 * without apology"), and shows each dossier's pauses (how often, how long, how far they moved its due date).
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, submission } from '../support/engine';
import { serverForSuite } from '../support/server';
import type { Command } from '../../machines/engine/commands';
import { AuthService } from '../../src/services/auth/auth-service';

const HKD = '1.001612'; // 3 working days
const leader = { username: 'leader', unit: 'LANHDAO' };

describe.each(BACKENDS)('exemptions and pauses in the weekly review on $name', (backend) => {
  const s = serverForSuite(backend);

  test('rule: an exempted late dossier is counted as exempted, not as late without apology; its pauses are listed', async () => {
    const act = (code: string, local: string, cmd: Command, by: { username: string; unit: string } = ACTORS.specialist) => {
      s.engine.at(local);
      return s.engine.engine.act(code, cmd, by);
    };
    s.engine.at('2026-03-03 09:00'); // due Fri 06/03 17:00
    const exempted = (await s.engine.engine.submit(submission(HKD), ACTORS.counter)).code;
    const unexcused = (await s.engine.engine.submit(submission(HKD), ACTORS.counter)).code;
    for (const code of [exempted, unexcused]) {
      await act(code, '2026-03-03 09:30', { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
      await act(code, '2026-03-03 10:00', { type: 'COMPLETE_STEP' }, ACTORS.counter);
    }
    await act(exempted, '2026-03-04 09:00', { type: 'PAUSE', reason: 'applicant_request' });
    await act(exempted, '2026-03-04 10:00', { type: 'RESUME' });
    await act(
      exempted,
      '2026-03-10 09:00',
      { type: 'RECORD_EXEMPTION', reason: 'force_majeure', explanation: 'Mưa lũ, mất điện diện rộng' },
      leader,
    );
    s.engine.at('2026-03-16 09:00');
    const token = (await new AuthService(s.engine).login('supervisor', 'demo')).token;
    const res = await s.http.get('/api/reports/weekly-late-review?week=2026-W11').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    const byCode = new Map((res.body.dossiers as { code: string; apology: string; pauses: unknown }[]).map((d) => [d.code, d]));
    expect(byCode.get(exempted)).toMatchObject({ apology: 'exempted', pauses: { count: 1, totalWorkingMs: 3_600_000, extensionMs: 0 } });
    expect(byCode.get(unexcused)).toMatchObject({ apology: 'none', pauses: { count: 0, totalWorkingMs: 0, extensionMs: 0 } });
    expect(res.body.totals).toMatchObject({ late: 2, apologyNone: 1, exempted: 1 });
  });
});
