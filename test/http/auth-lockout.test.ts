/**
 * Login throttling over real HTTP, on SQLite and PostgreSQL: 5 failures in 15 minutes lock an
 * account (from addresses it has not signed in from) or an account-and-address for 15 minutes, an
 * address has a larger budget over accounts it does not know, attempts are counted before the password is
 * checked (so parallel bursts cannot slip through), the counters are shared through the database, and a
 * lockout reveals no more than a wrong password does.
 */
import request from 'supertest';
import { createApp } from '../../src/http/app';
import { AuthService } from '../../src/services/auth/auth-service';
import { BACKENDS } from '../support/backends';
import { startServer, type TestServer } from '../support/server';

const MINUTE = 60_000;

describe.each(BACKENDS)('login throttling ($name)', (backend) => {
  let server: TestServer;
  let ipSeq = 0;
  const freshIp = () => `198.51.100.${++ipSeq}`;

  const attempt = (username: string, password: string, ip = freshIp(), http = server.http) =>
    http.post('/api/auth/login').set('X-Forwarded-For', ip).send({ username, password });

  const failTimes = async (n: number, username: string, ip?: string) => {
    for (let i = 0; i < n; i++) expect((await attempt(username, `wrong-${i}`, ip)).status).toBe(401);
  };

  beforeAll(async () => {
    server = await startServer(backend);
  });
  afterAll(async () => {
    await server.close();
  });

  test('five wrong passwords lock the account: then even the right password is 429 until the lockout ends', async () => {
    await failTimes(5, 'counter');
    const locked = await attempt('counter', 'demo');
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('RATE_LIMITED');
    expect(locked.body.error.message).toMatch(/thử lại sau 15 phút/);
    expect(locked.body.error.details.retryAfterSeconds).toBe(15 * 60);
    expect(locked.headers['retry-after']).toBe(String(15 * 60));

    server.engine.clock.advance(10 * MINUTE);
    const still = await attempt('counter', 'demo');
    expect(still.status).toBe(429);
    expect(still.body.error.details.retryAfterSeconds).toBe(5 * 60);

    server.engine.clock.advance(5 * MINUTE);
    expect((await attempt('counter', 'demo')).status).toBe(200);
  });

  test('a successful login clears that address’s failures for the account, and the address is then known', async () => {
    const desk = '198.51.100.200';
    await failTimes(4, 'specialist', desk);
    expect((await attempt('specialist', 'demo', desk)).status).toBe(200);
    await failTimes(4, 'specialist', desk);
    expect((await attempt('specialist', 'demo', desk)).status).toBe(200);
  });

  test('failures older than 15 minutes are forgotten', async () => {
    await failTimes(4, 'leader');
    server.engine.clock.advance(16 * MINUTE);
    await failTimes(4, 'leader');
    expect((await attempt('leader', 'demo')).status).toBe(200);
  });

  test('an unknown account locks out exactly like a real one, so the lockout does not reveal who exists', async () => {
    await failTimes(5, 'ghost_user');
    await failTimes(5, 'auditor');
    const ghost = await attempt('ghost_user', 'whatever');
    const real = await attempt('auditor', 'whatever');
    expect(ghost.status).toBe(429);
    expect(real.status).toBe(429);
    expect(ghost.body).toStrictEqual(real.body);
    server.engine.clock.advance(15 * MINUTE);
  });

  test('one address: five failures lock it out of that account only; colleagues behind it and known addresses still sign in', async () => {
    const office = '192.0.2.77';
    expect((await attempt('supervisor', 'demo', office)).status).toBe(200); // the supervisor has signed in from the office before
    for (let i = 0; i < 5; i++) expect((await attempt('counter', `wrong-${i}`, office)).status).toBe(401);
    expect((await attempt('counter', 'demo', office)).status).toBe(429);
    expect((await attempt('supervisor', 'demo', office)).status).toBe(200);
    expect((await attempt('specialist', 'demo', office)).status).toBe(200);
    server.engine.clock.advance(15 * MINUTE);
    expect((await attempt('counter', 'demo', office)).status).toBe(200);
  });

  test('a stranger cannot lock an account out of the addresses it signs in from', async () => {
    const office = '192.0.2.80';
    expect((await attempt('admin', 'demo', office)).status).toBe(200);
    await failTimes(5, 'admin'); // five strangers, each from a fresh address
    expect((await attempt('admin', 'demo', freshIp())).status).toBe(429); // a new address is locked out
    expect((await attempt('admin', 'demo', office)).status).toBe(200); // the office is not
    expect((await attempt('admin', 'demo', freshIp())).status).toBe(429); // and its success does not reset the strangers' count
    server.engine.clock.advance(15 * MINUTE);
  });

  test('one address spraying many accounts is stopped by its own budget, which a known account does not use', async () => {
    const sprayer = '192.0.2.90';
    const auth = new AuthService(server.engine, { addressBudget: 8 });
    const login = (u: string, p: string) =>
      auth.login(u, p, sprayer).then(
        () => 200,
        (e: { code?: string }) => (e.code === 'RATE_LIMITED' ? 429 : 401),
      );
    expect(await login('leader', 'demo')).toBe(200);
    for (let i = 0; i < 8; i++) expect(await login(`nobody_${i}`, 'guess')).toBe(401);
    expect(await login('nobody_9', 'guess')).toBe(429);
    expect(await login('counter', 'demo')).toBe(429);
    expect(await login('leader', 'demo')).toBe(200);
    const bucket = await server.engine
      .db('rate_limits')
      .where({ bucket: `login:ip:${sprayer}` })
      .first();
    expect(Number(bucket.count)).toBe(8);
    server.engine.clock.advance(15 * MINUTE);
  });

  test('the counters live in the database, so a second server instance sees the same lockout', async () => {
    const other = request(createApp(server.deps));
    await failTimes(5, 'leader_kinhte');
    const res = await attempt('leader_kinhte', 'demo', freshIp(), other);
    expect(res.status).toBe(429);
    const row = await server.engine.db('rate_limits').where({ bucket: 'login:user:leader_kinhte' }).first();
    expect(Number(row.count)).toBe(5);
    server.engine.clock.advance(15 * MINUTE);
  });

  test('failures arriving at the same moment are all counted', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => attempt('admin', `wrong-${i}`)));
    expect(results.map((r) => r.status)).toStrictEqual([401, 401, 401, 401, 401]);
    expect((await attempt('admin', 'demo')).status).toBe(429);
    server.engine.clock.advance(15 * MINUTE);
  });

  test('wrong current passwords on a password change count toward the same lockout', async () => {
    const login = await attempt('specialist_vhxh', 'demo');
    const token = login.body.token as string;
    for (let i = 0; i < 5; i++) {
      const res = await server.http
        .post('/api/auth/password')
        .set('Authorization', `Bearer ${token}`)
        .send({ oldPassword: `guess-${i}`, newPassword: 'new-secret-123' });
      expect(res.status).toBe(400);
    }
    const res = await server.http
      .post('/api/auth/password')
      .set('Authorization', `Bearer ${token}`)
      .send({ oldPassword: 'demo', newPassword: 'new-secret-123' });
    expect(res.status).toBe(429);
    expect((await attempt('specialist_vhxh', 'demo')).status).toBe(429);
  });
});
