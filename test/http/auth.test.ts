/**
 * Signing in and sessions over real HTTP, on SQLite and PostgreSQL: the login answer, what a wrong
 * login reveals, bearer tokens on protected routes, expiry, logout, password change, and how
 * tokens are stored.
 */
import { createHash } from 'node:crypto';
import { BACKENDS } from '../support/backends';
import { startServer, type TestServer } from '../support/server';
import { LoginResponseSchema } from '../../src/http/routes/auth';

describe.each(BACKENDS)('signing in and sessions ($name)', (backend) => {
  let server: TestServer;
  let ipSeq = 0;
  /** a fresh client address per call, so the per-address throttle never links tests */
  const freshIp = () => `203.0.113.${++ipSeq}`;

  const signIn = (username: string, password = 'demo') =>
    server.http.post('/api/auth/login').set('X-Forwarded-For', freshIp()).send({ username, password });

  const tokenOf = async (username: string, password = 'demo'): Promise<string> => {
    const res = await signIn(username, password);
    expect(res.status).toBe(200);
    return res.body.token as string;
  };

  const me = (token: string) => server.http.get('/api/auth/me').set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    server = await startServer(backend);
  });
  afterAll(async () => {
    await server.close();
  });

  test('a demo user signs in with the right password and learns the token, its expiry and who they are', async () => {
    const res = await signIn('counter');
    expect(res.status).toBe(200);
    const body = LoginResponseSchema.strict().parse(res.body);
    expect(body.user).toStrictEqual({
      username: 'counter',
      fullName: 'Nguyễn Thị Lan',
      title: 'Công chức Trung tâm Phục vụ hành chính công',
      roles: ['counter'],
      unit: 'TTPVHCC',
      screens: ['intake', 'inbox', 'search'],
    });
    expect(Date.parse(body.expiresAt) - server.engine.clock.now().getTime()).toBe(12 * 3600 * 1000);
    expect(JSON.stringify(res.body)).not.toMatch(/scrypt|password/i);
  });

  test('each role is offered only the screens it can use: no intake form or inbox for the supervisor and the auditor', async () => {
    const screens = async (username: string) => (await me(await tokenOf(username))).body.screens;
    expect(await screens('specialist')).toStrictEqual(['inbox', 'search']);
    expect(await screens('leader')).toStrictEqual(['inbox', 'search', 'dashboard', 'review']);
    expect(await screens('supervisor')).toStrictEqual(['search', 'dashboard', 'review']);
    expect(await screens('auditor')).toStrictEqual(['search', 'dashboard', 'review']);
  });

  test('the username is matched without regard to case or surrounding spaces', async () => {
    const res = await signIn('  Counter ');
    expect(res.status).toBe(200);
    expect(res.body.user.username).toBe('counter');
  });

  test('a wrong password and an unknown user get the same 401, so a login never reveals who exists', async () => {
    const wrong = await signIn('counter', 'not-the-password');
    const unknown = await signIn('nobody_here', 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toStrictEqual(unknown.body);
    expect(wrong.body.error.code).toBe('UNAUTHENTICATED');
    expect(wrong.body.error.message).toBe('Tên đăng nhập hoặc mật khẩu không đúng');
  });

  test('a login body with a missing or unexpected field is 400 naming the field', async () => {
    const missing = await server.http.post('/api/auth/login').set('X-Forwarded-For', freshIp()).send({ username: 'counter' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.issues.map((i: { field: string }) => i.field)).toContain('password');
    const extra = await server.http
      .post('/api/auth/login')
      .set('X-Forwarded-For', freshIp())
      .send({ username: 'counter', password: 'demo', role: 'admin' });
    expect(extra.status).toBe(400);
  });

  test('a protected route is 401 without a token or with a bad one, and 200 with a valid one', async () => {
    for (const path of ['/api/auth/me', '/api/users']) {
      const none = await server.http.get(path);
      expect(none.status).toBe(401);
      expect(none.body.error).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Cần đăng nhập' });
      expect(none.headers['www-authenticate']).toBe('Bearer');
      const bad = await server.http.get(path).set('Authorization', 'Bearer ' + 'x'.repeat(43));
      expect(bad.status).toBe(401);
      const notBearer = await server.http.get(path).set('Authorization', 'Basic YWRtaW46ZGVtbw==');
      expect(notBearer.status).toBe(401);
    }
    const token = await tokenOf('admin');
    expect((await me(token)).body).toStrictEqual({
      username: 'admin',
      fullName: 'Bùi Văn Khoa',
      title: 'Chuyên viên Công nghệ thông tin',
      roles: ['admin'],
      unit: 'TTPVHCC',
      screens: ['search', 'dashboard', 'review', 'notifications'],
    });
    expect((await server.http.get('/api/users').set('Authorization', `Bearer ${token}`)).status).toBe(200);
  });

  test('tokens carry at least 128 random bits and the database keeps only their sha256', async () => {
    const a = await tokenOf('specialist');
    const b = await tokenOf('specialist');
    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    const rows = await server.engine.db('sessions').where({ username: 'specialist' });
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(a);
    expect(stored).not.toContain(b);
    const hashes = rows.map((r) => r.token_hash);
    expect(hashes).toEqual(expect.arrayContaining([a, b].map((t) => createHash('sha256').update(t).digest('hex'))));
  });

  test('a revoked token no longer opens anything, while the same user’s other sessions stay open', async () => {
    const first = await tokenOf('leader');
    const second = await tokenOf('leader');
    expect((await server.http.post('/api/auth/logout')).status).toBe(401);
    expect((await server.http.post('/api/auth/logout').set('Authorization', `Bearer ${first}`)).status).toBe(204);
    expect((await me(first)).status).toBe(401);
    expect((await server.http.get('/api/users').set('Authorization', `Bearer ${first}`)).status).toBe(401);
    expect((await server.http.post('/api/auth/logout').set('Authorization', `Bearer ${first}`)).status).toBe(401);
    expect((await me(second)).status).toBe(200);
    const row = await server.engine
      .db('sessions')
      .where({ token_hash: createHash('sha256').update(first).digest('hex') })
      .first();
    expect(row.revoked_at).not.toBeNull();
  });

  test('changing the password closes every session of that user; only the new password opens a new one', async () => {
    const one = await tokenOf('supervisor');
    const two = await tokenOf('supervisor');
    const other = await tokenOf('counter');
    const change = (body: object) => server.http.post('/api/auth/password').set('Authorization', `Bearer ${one}`).send(body);

    const wrongOld = await change({ oldPassword: 'guess-guess', newPassword: 'a-new-secret-1' });
    expect(wrongOld.status).toBe(400);
    expect(wrongOld.body.error.details.issues).toStrictEqual([{ field: 'oldPassword', code: 'incorrect', reason: 'incorrect' }]);
    const tooShort = await change({ oldPassword: 'demo', newPassword: 'short' });
    expect(tooShort.status).toBe(400);
    expect(tooShort.body.error.details.issues[0].field).toBe('newPassword');
    expect((await me(one)).status).toBe(200);

    expect((await change({ oldPassword: 'demo', newPassword: 'a-new-secret-1' })).status).toBe(204);
    expect((await me(one)).status).toBe(401);
    expect((await me(two)).status).toBe(401);
    expect((await me(other)).status).toBe(200);
    expect((await signIn('supervisor', 'demo')).status).toBe(401);
    expect((await me(await tokenOf('supervisor', 'a-new-secret-1'))).status).toBe(200);
  });

  test('a deactivated account can neither use its open sessions nor sign in, and the answer reveals nothing', async () => {
    const token = await tokenOf('auditor');
    await server.engine.db('users').where({ username: 'auditor' }).update({ active: false });
    try {
      expect((await me(token)).status).toBe(401);
      const res = await signIn('auditor');
      expect(res.status).toBe(401);
      expect(res.body.error.message).toBe('Tên đăng nhập hoặc mật khẩu không đúng');
    } finally {
      await server.engine.db('users').where({ username: 'auditor' }).update({ active: true });
    }
  });

  // Moves the shared clock forward: keep last.
  test('a token stops working 12 hours after sign-in', async () => {
    const token = await tokenOf('specialist_vhxh');
    server.engine.clock.advance(12 * 3600 * 1000 - 60_000);
    expect((await me(token)).status).toBe(200);
    server.engine.clock.advance(3600 * 1000);
    const res = await me(token);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
    expect((await me(await tokenOf('specialist_vhxh'))).status).toBe(200);
  });
});
