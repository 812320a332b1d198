/**
 * Calendar changes reach open dossiers (issue 12, docs/calendar.md "Calendar changes"): publishing a new
 * calendar version recomputes the due dates of every open dossier whose deadline it moves, with a
 * CALENDAR_CHANGED system event holding the old and new dates; the appointment on the receipt never moves
 * earlier, the statutory due date may; the audit of such a dossier stays clean.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, hanoi, submission } from '../support/engine';
import { startServer, type TestServer } from '../support/server';

const PROC = '1.001612'; // 3 working days

describe.each(BACKENDS)('calendar changes on $name', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(backend, '2026-03-03 09:00');
  });
  afterAll(async () => s.close());

  const login = async (as: string): Promise<string> =>
    (await s.http.post('/api/auth/login').send({ username: as, password: 'demo' })).body.token;
  type Day = { date: string; name: string; kind?: string };
  async function edit2026(change: (y: { daysOff: Day[]; makeUpWorkingDays: Day[] }) => void) {
    const admin = await login('admin');
    const got = (await s.http.get('/api/calendar/2026').set('Authorization', `Bearer ${admin}`)).body;
    const body = { daysOff: got.daysOff as Day[], makeUpWorkingDays: got.makeUpWorkingDays as Day[], verified: true };
    change(body);
    const res = await s.http.put('/api/calendar/2026').set('Authorization', `Bearer ${admin}`).send(body);
    expect(res.status).toBe(200);
    return res.body as { calendarVersion: number; dossiersRecomputed: number };
  }
  const verify = async (code: string) =>
    (await s.http.get(`/api/dossiers/${code}/verify`).set('Authorization', `Bearer ${await login('auditor')}`)).body;
  const changes = async (code: string) => (await s.engine.engine.history(code)).filter((e) => e.type === 'CALENDAR_CHANGED');

  test('a holiday added in the middle of a running dossier moves both due dates later, with old and new dates in its history; the audit stays clean', async () => {
    s.engine.at('2026-03-03 09:00');
    const { code } = await s.engine.engine.submit(submission(PROC), ACTORS.counter);
    const other = (await s.engine.engine.submit(submission(PROC, 'online'), ACTORS.counter)).code; // not received: no deadline to move
    expect((await s.engine.engine.get(code)).originalDueAt).toBe(hanoi('2026-03-06 17:00'));
    s.engine.at('2026-03-04 10:00');
    const published = await edit2026((y) => y.daysOff.push({ date: '2026-03-05', name: 'Ngày nghỉ đột xuất (thiên tai)', kind: 'other' }));
    expect(published.dossiersRecomputed).toBeGreaterThanOrEqual(1);
    const view = await s.engine.engine.get(code);
    expect([view.originalDueAt, view.dueAt]).toEqual([hanoi('2026-03-09 17:00'), hanoi('2026-03-09 17:00')]);
    const [e] = await changes(code);
    expect(e!.payload).toMatchObject({
      previousOriginalDueAt: hanoi('2026-03-06 17:00'),
      originalDueAt: hanoi('2026-03-09 17:00'),
      previousDueAt: hanoi('2026-03-06 17:00'),
      dueAt: hanoi('2026-03-09 17:00'),
      calendarVersion: published.calendarVersion,
    });
    expect(e!.actor).toBe('system');
    expect(await changes(other)).toEqual([]);
    expect(await verify(code)).toMatchObject({ ok: true });
    // publishing the same calendar again moves nothing
    expect((await edit2026(() => undefined)).dossiersRecomputed).toBe(0);
    expect(await changes(code)).toHaveLength(1);
  });

  test('a make-up Saturday announced moves the statutory due date earlier but never the appointment on the receipt; removed again, both move back later', async () => {
    s.engine.at('2026-03-12 09:00'); // Thu: day 1 Fri 13, day 2 Mon 16, day 3 Tue 17
    const { code } = await s.engine.engine.submit(submission(PROC), ACTORS.counter);
    expect((await s.engine.engine.get(code)).dueAt).toBe(hanoi('2026-03-17 17:00'));
    s.engine.at('2026-03-12 10:00');
    await edit2026((y) => y.makeUpWorkingDays.push({ date: '2026-03-14', name: 'Làm bù (thử nghiệm)' }));
    let view = await s.engine.engine.get(code);
    expect([view.originalDueAt, view.dueAt]).toEqual([hanoi('2026-03-16 17:00'), hanoi('2026-03-17 17:00')]);
    await edit2026((y) => (y.makeUpWorkingDays = y.makeUpWorkingDays.filter((d) => d.date !== '2026-03-14')));
    view = await s.engine.engine.get(code);
    expect([view.originalDueAt, view.dueAt]).toEqual([hanoi('2026-03-17 17:00'), hanoi('2026-03-17 17:00')]);
    expect((await changes(code)).map((e) => [e.payload.previousOriginalDueAt, e.payload.originalDueAt])).toEqual([
      [hanoi('2026-03-17 17:00'), hanoi('2026-03-16 17:00')],
      [hanoi('2026-03-16 17:00'), hanoi('2026-03-17 17:00')],
    ]);
    expect(await verify(code)).toMatchObject({ ok: true });
  });

  test('a dossier already resolved is not touched: its timeliness was fixed by its result', async () => {
    s.engine.at('2026-03-19 09:00');
    const { code } = await s.engine.engine.submit(submission(PROC), ACTORS.counter);
    await s.engine.engine.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    await s.engine.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
    await s.engine.engine.act(
      code,
      { type: 'REFUSE', reason: 'Không đủ điều kiện', signer: 'Vũ Đức Thắng' },
      { username: 'leader_kinhte', unit: 'KINHTE' },
    );
    await edit2026((y) => y.daysOff.push({ date: '2026-03-20', name: 'Nghỉ đột xuất', kind: 'other' }));
    expect(await changes(code)).toEqual([]);
  });
});
