import { BACKENDS } from '../support/backends';
import { startServer, type TestServer } from '../support/server';
import { hasDemoPasswords } from '../../db/seeds/demo-users';
import { ConfigError, loadConfig } from '../../src/config';

describe.each(BACKENDS)('liveness and readiness on $name', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(backend);
  });
  afterAll(async () => s.close());

  test('GET /health answers without a login', async () => {
    const res = await s.http.get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  test('GET /ready reports the database reachable and its migrations current', async () => {
    const res = await s.http.get('/ready');
    expect(res).toMatchObject({ status: 200, body: { status: 'ready', database: 'ok' } });
  });

  test('GET /ready is 503 when a migration is pending', async () => {
    const [last] = await s.engine.db('knex_migrations').orderBy('id', 'desc').limit(1);
    await s.engine.db('knex_migrations').where({ id: last.id }).del();
    try {
      const res = await s.http.get('/ready');
      expect(res.status).toBe(503);
    } finally {
      await s.engine.db('knex_migrations').insert(last);
    }
  });

  test('the demo passwords are detected, so production refuses to start with them', async () => {
    expect(await hasDemoPasswords(s.engine.db)).toBe(true);
  });

  test('API routes other than login, lookup and the reference need a token', async () => {
    expect((await s.http.get('/api/dossiers')).status).toBe(401);
    expect((await s.http.get('/api/procedures')).status).toBe(401);
    expect((await s.http.get('/api/nothing-here')).status).toBe(401);
  });
});

describe('configuration', () => {
  test('a wrong value stops the server with a message naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', MOTCUA_DEMO: 'yes' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', MOTCUA_DEMO: 'yes' });
    } catch (err) {
      expect((err as Error).message).toMatch(/PORT/);
      expect((err as Error).message).toMatch(/MOTCUA_DEMO/);
    }
  });

  test('defaults give a SQLite file under ./data and port 3000', () => {
    expect(loadConfig({})).toMatchObject({ PORT: 3000, DATABASE_URL: './data/motcua.sqlite', MOTCUA_DEMO: false });
  });
});
