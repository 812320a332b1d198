/**
 * GET /api/calendar/next-working-day: the first working day after a day, on the server's calendar
 * (weekends, holidays, compensatory days off, make-up working Saturdays). The apology form proposes it
 * as the new appointment; the web UI keeps no copy of the holidays.
 */
import { BACKENDS } from '../support/backends';
import { serverForSuite } from '../support/server';

describe.each(BACKENDS)('the next working day on $name', (backend) => {
  const s = serverForSuite(backend, { start: '2026-03-06 16:00', signIn: ['counter'] });

  const next = (query = '') => s.as('counter').get(`/api/calendar/next-working-day${query}`);

  test('without a day: the working day after today on the server clock (Friday → Monday)', async () => {
    const res = await next();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ after: '2026-03-06', date: '2026-03-09', calendarVersion: expect.any(Number) });
  });

  test.each([
    ['2026-03-03', '2026-03-04', 'a Tuesday: Wednesday'],
    ['2026-04-24', '2026-04-28', 'the Friday before the Hùng Kings weekend: Tuesday (Monday 27/04 is the day off in lieu)'],
    ['2026-04-29', '2026-05-04', '29/04: Monday 04/05, after 30/04, 01/05 and the weekend'],
    ['2026-01-09', '2026-01-10', 'Friday 09/01: the make-up working Saturday 10/01'],
  ])('after %s it is %s (%s)', async (after, date) => {
    const res = await next(`?after=${after}`);
    expect(res.status).toBe(200);
    expect(res.body.date).toBe(date);
  });

  test('a day that is not a date is a 400 naming `after`', async () => {
    const res = await next('?after=2026-02-30');
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(['after']);
    const unknown = await next('?day=2026-03-03');
    expect(unknown.status).toBe(400);
  });

  test('without a session it is 401', async () => {
    expect((await s.http.get('/api/calendar/next-working-day')).status).toBe(401);
  });
});
