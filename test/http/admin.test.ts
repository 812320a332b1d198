import request from 'supertest';
import { BACKENDS } from '../support/backends';
import { ACTORS, submission } from '../support/engine';
import { startServer, type TestServer } from '../support/server';
import { createApp } from '../../src/http/app';
import type { SettableClock } from '../../src/engine/clock';

describe.each(BACKENDS)('operations routes on $name', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(backend);
  });
  afterAll(async () => s.close());

  test('the test clock does not exist unless the server was started with MOTCUA_TEST_CLOCK=1', async () => {
    const admin = await s.login('admin');
    const res = await s.http.put('/api/test/clock').set('Authorization', `Bearer ${admin}`).send({ now: '2026-03-10T03:00:00Z' });
    expect(res.status).toBe(404);
  });

  test('with the test clock, an admin moves time and an on-demand sweep flags the overdue dossier', async () => {
    const app = createApp({ ...s.deps, testClock: s.engine.clock as unknown as SettableClock });
    const http = request(app);
    const admin = await s.login('admin');
    const { code } = await s.engine.engine.submit(submission('1.001612'), ACTORS.counter);
    const counter = await s.login('counter');
    expect((await http.put('/api/test/clock').set('Authorization', `Bearer ${counter}`).send({ now: '2026-03-20T03:00:00Z' })).status).toBe(
      403,
    );
    const bad = await http.put('/api/test/clock').set('Authorization', `Bearer ${admin}`).send({ now: 'tomorrow' });
    expect(bad.status).toBe(400);
    const set = await http.put('/api/test/clock').set('Authorization', `Bearer ${admin}`).send({ now: '2026-03-20T03:00:00Z' });
    expect(set.body.now).toBe('2026-03-20T03:00:00.000Z');
    // Three weeks later every session has expired (12 hours): sign in again at the new time.
    expect((await http.post('/api/admin/sweep').set('Authorization', `Bearer ${admin}`)).status).toBe(401);
    const fresh = async (username: string) =>
      (await http.post('/api/auth/login').send({ username, password: 'demo' })).body.token as string;
    expect((await http.post('/api/admin/sweep').set('Authorization', `Bearer ${await fresh('counter')}`)).status).toBe(403);
    const sweep = await http.post('/api/admin/sweep').set('Authorization', `Bearer ${await fresh('admin')}`);
    expect(sweep.status).toBe(200);
    expect(sweep.body.sent).toBeGreaterThanOrEqual(1);
    expect((await s.engine.engine.get(code)).timeliness).toBe('overdue');
  });
});
