/**
 * Who is signed in, and as what, is decided by the database on every request, so a change made through
 * one server instance (or in the database) holds on every other instance at once: a logged-out session,
 * a changed password, a changed role and a disabled account are refused or re-judged by the next request
 * to the other instance, even right after that instance answered the same token. No instance keeps its
 * own copy of a session or a user between requests (issue 16 weighed such a cache for speed: a copy
 * would need a database check per request to stay correct, which is what the one indexed lookup is).
 * Two real server processes on one PostgreSQL schema; PostgreSQL only, like the other cluster suites.
 */
import type { Knex } from 'knex';
import { BACKENDS } from '../support/backends';
import { killAllServerProcesses, prepareDatabase, startServerProcess, type PreparedDatabase } from '../support/server-process';
import { ApiClient, submissionBody } from '../support/api-client';

const POSTGRES = BACKENDS.find((b) => b.name === 'postgres');

(POSTGRES ? describe : describe.skip)('a session change on one instance holds on the other at once (PostgreSQL)', () => {
  let prepared: PreparedDatabase;
  let db: Knex;
  let a: ApiClient;
  let b: ApiClient;

  beforeAll(async () => {
    prepared = await prepareDatabase(POSTGRES!);
    db = prepared.open();
    const env = { ...prepared.env, MOTCUA_SWEEP_INTERVAL_MS: '0', MOTCUA_CHECKPOINT_INTERVAL_MS: '0', DATABASE_POOL_MAX: '3' };
    const servers = await Promise.all(['A', 'B'].map((name) => startServerProcess({ name, env })));
    [a, b] = servers.map((s) => new ApiClient(s.baseUrl)) as [ApiClient, ApiClient];
  }, 120_000);

  afterAll(async () => {
    await killAllServerProcesses();
    await prepared?.drop();
  });

  /** GET /api/auth/me with a bearer token: 200 and the user as the instance sees it, or 401. */
  const me = (via: ApiClient, token: string) => via.call('GET', '/api/auth/me', { headers: { Authorization: `Bearer ${token}` } });
  const submitWith = (via: ApiClient, token: string, i: number) =>
    via.call('POST', '/api/dossiers', { body: submissionBody(i), headers: { Authorization: `Bearer ${token}` } });

  test('logging out through A: B refuses the session on its next request, right after it accepted it', async () => {
    const token = await a.login('specialist');
    expect((await me(b, token)).status).toBe(200);
    expect((await a.call('POST', '/api/auth/logout', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(204);
    expect((await me(b, token)).status).toBe(401);
    expect((await me(a, token)).status).toBe(401);
  });

  test('changing the password through A: B refuses every session of the user, those opened on B included', async () => {
    const onA = await a.login('supervisor', true);
    const onB = await b.login('supervisor', true);
    expect((await me(b, onA)).status).toBe(200);
    expect((await me(b, onB)).status).toBe(200);
    const changed = await a.call('POST', '/api/auth/password', {
      headers: { Authorization: `Bearer ${onA}` },
      body: { oldPassword: 'demo', newPassword: 'Giám-sát-viên đổi mật khẩu 2026!' },
    });
    expect(changed.status).toBe(204);
    expect((await me(b, onA)).status).toBe(401);
    expect((await me(b, onB)).status).toBe(401);
  });

  test('a role taken away in the database: B judges the next request with the new roles', async () => {
    const token = await b.login('counter', true);
    expect((await submitWith(b, token, 1)).status).toBe(201);
    expect((await me(b, token)).body).toMatchObject({ roles: ['counter'] });
    await db('users')
      .where({ username: 'counter' })
      .update({ roles: JSON.stringify(['specialist']) });
    expect((await me(b, token)).body).toMatchObject({ roles: ['specialist'] });
    expect((await submitWith(b, token, 2)).status).toBe(403);
    await db('users')
      .where({ username: 'counter' })
      .update({ roles: JSON.stringify(['counter']) });
    expect((await submitWith(b, token, 3)).status).toBe(201);
  });

  test('an account disabled in the database: B refuses its session on the next request', async () => {
    const token = await a.login('leader', true);
    expect((await me(b, token)).status).toBe(200);
    await db('users').where({ username: 'leader' }).update({ active: false });
    expect((await me(b, token)).status).toBe(401);
    expect((await me(a, token)).status).toBe(401);
  });
});
