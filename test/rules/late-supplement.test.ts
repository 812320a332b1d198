/**
 * A supplement requested after the procedure's window (default 3 working days after receipt, a per-procedure
 * setting) is allowed but flagged on its event and counted in the metrics, the SQL path and the events-only
 * path alike (issue 12; docs/metrics.md "lateSupplementRequests").
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, hanoi, startEngine, submission, type StartedEngine } from '../support/engine';
import { complianceFromProjection } from '../../src/metrics/compliance-projection';
import { complianceFromEvents } from '../../src/metrics/compliance-from-events';
import { stampCommand } from '../../machines/engine/stamp';

const PROC = '1.013225'; // 15 working days: tiep-nhan (counter) → tham-dinh (specialist, KINHTE) → …
const specialist = { username: 'specialist', unit: 'KINHTE' };

describe.each(BACKENDS)('the supplement window on $name', (backend) => {
  let t: StartedEngine;
  beforeAll(async () => {
    t = await startEngine(backend, '2026-03-03 09:00');
  });
  afterAll(async () => t.drop());

  async function atReview(receivedLocal: string): Promise<string> {
    t.at(receivedLocal);
    const { code } = await t.engine.submit(submission(PROC), ACTORS.counter);
    await t.engine.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    await t.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
    return code;
  }
  const request = async (code: string, local: string) => {
    t.at(local);
    await t.engine.act(code, { type: 'REQUEST_SUPPLEMENT', missing: ['Bản vẽ thiết kế'], reason: 'thiếu giấy tờ' }, specialist);
    return (await t.engine.history(code)).findLast((e) => e.type === 'REQUEST_SUPPLEMENT')!.payload;
  };

  test('a supplement requested within 3 working days of receipt is not flagged; one after is allowed, flagged and counted in both metric paths', async () => {
    const inTime = await atReview('2026-03-03 09:00'); // Tue: the window closes Fri 06/03 17:00
    expect(await request(inTime, '2026-03-06 16:00')).toMatchObject({ late: false, windowEndsAt: hanoi('2026-03-06 17:00') });
    const late = await atReview('2026-03-03 09:30');
    expect(await request(late, '2026-03-09 08:00')).toMatchObject({ late: true, windowEndsAt: hanoi('2026-03-06 17:00') });
    expect((await t.engine.get(late)).state).toBe('awaiting_supplement'); // allowed all the same

    t.at('2026-04-02 10:00');
    const calendar = await t.calendars.latest();
    const q = { from: '2026-03-01', to: '2026-04-01', groupBy: 'centre' as const, now: hanoi('2026-04-02 10:00'), calendar };
    const fast = (await complianceFromProjection(t.db, q)).groups[0]!.figures;
    const slow = (await complianceFromEvents(t.db, t.calendars, q)).report.groups[0]!.figures;
    expect(fast.lateSupplementRequests).toBe(1);
    expect(slow.lateSupplementRequests).toBe(1);
  });

  test('the window is the procedure’s setting: 5 working days makes the same request timely', async () => {
    const code = await atReview('2026-03-10 09:00');
    const { context } = await t.engine.snapshotOf(code);
    const cal = await t.calendars.latest();
    const at = hanoi('2026-03-16 08:00'); // Mon: 4th working day after receipt
    const cmd = { type: 'REQUEST_SUPPLEMENT' as const, missing: ['x'], reason: 'y' };
    expect(stampCommand(cmd, context, at, specialist, cal)).toMatchObject({ late: true });
    expect(
      stampCommand(cmd, { ...context, procedure: { ...context.procedure, supplementWindowDays: 5 } }, at, specialist, cal),
    ).toMatchObject({ late: false });
  });
});
