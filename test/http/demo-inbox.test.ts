/**
 * The demo data (MOTCUA_DEMO=1): every demo account offered an inbox finds work in it on first login,
 * the commune leader (LANHDAO) and the civil-status officer (VHXH) included.
 */
import { BACKENDS } from '../support/backends';
import { startServer, type TestServer } from '../support/server';
import { seedDemo } from '../../db/seeds/demo';
import { DEMO_USERS } from '../../db/seeds/demo-users';

describe('demo data', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(BACKENDS[0]!);
    await seedDemo(s.engine);
  });
  afterAll(async () => s.close());

  test('each demo user with an inbox sees at least one dossier waiting in it', async () => {
    const counts: Record<string, number> = {};
    for (const u of DEMO_USERS) {
      const token = await s.login(u.username);
      const me = await s.http.get('/api/auth/me').set('Authorization', `Bearer ${token}`);
      if (!me.body.screens.includes('inbox')) continue;
      const vocabulary = await s.http.get('/api/vocabulary');
      const pending = (vocabulary.body.pendingStates as string[]).join(',');
      const res = await s.http.get(`/api/dossiers?mine=1&state=${pending}&sort=due`).set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
      counts[u.username] = res.body.items.length;
    }
    expect(Object.keys(counts).sort()).toStrictEqual(['counter', 'leader', 'leader_kinhte', 'specialist', 'specialist_vhxh']);
    for (const [username, n] of Object.entries(counts)) expect({ username, waiting: n > 0 }).toStrictEqual({ username, waiting: true });
  });
});
