/**
 * Bursts at every rate-limited route, on SQLite and PostgreSQL, through two app instances sharing the
 * database: login (one address, many addresses), password change, the public lookup (per code and address,
 * per code, per address). Each limit counts an attempt before it checks anything, in one atomic statement,
 * so a burst of parallel requests gets at most the budget checked, and a right answer inside the burst is
 * refused like the rest.
 */
import request from 'supertest';
import { createApp } from '../../src/http/app';
import { BACKENDS } from '../support/backends';
import { ACTORS, submission } from '../support/engine';
import { startServer, type TestServer } from '../support/server';

const MINUTE = 60_000;

describe.each(BACKENDS)('bursts at rate-limited routes ($name)', (backend) => {
  let s: TestServer;
  let other: ReturnType<typeof request>;
  let ipSeq = 0;
  const freshIp = () => `198.18.0.${++ipSeq}`;
  /** alternates between the two instances */
  const via = (i: number) => (i % 2 === 0 ? s.http : other);

  beforeAll(async () => {
    s = await startServer(backend);
    other = request(createApp(s.deps));
  });
  afterAll(async () => s.close());
  afterEach(() => s.engine.clock.advance(24 * 60 * MINUTE + 1000));

  const login = (i: number, username: string, password: string, ip: string) =>
    via(i).post('/api/auth/login').set('X-Forwarded-For', ip).send({ username, password });

  test('login: 40 parallel wrong passwords from one address check at most 5; the right one inside gets no token', async () => {
    const ip = freshIp();
    const burst = await Promise.all([
      ...Array.from({ length: 40 }, (_, i) => login(i, 'counter', `wrong-${i}`, ip)),
      login(1, 'counter', 'demo', ip),
    ]);
    expect(burst.filter((r) => r.status === 401).length).toBeLessThanOrEqual(5);
    expect(burst.filter((r) => r.status !== 401 && r.status !== 429)).toStrictEqual([]);
    expect(burst[40]!.status).toBe(429);
    expect(burst.some((r) => typeof r.body.token === 'string')).toBe(false);
    expect((await login(0, 'counter', 'demo', ip)).status).toBe(429);
  });

  test('login: 40 parallel wrong passwords from 40 addresses check at most 5; refused attempts are not counted', async () => {
    const burst = await Promise.all([
      ...Array.from({ length: 40 }, (_, i) => login(i, 'leader', `wrong-${i}`, freshIp())),
      login(1, 'leader', 'demo', freshIp()),
    ]);
    expect(burst.filter((r) => r.status === 401).length).toBeLessThanOrEqual(5);
    expect(burst[40]!.status).toBe(429);
    expect(burst.some((r) => typeof r.body.token === 'string')).toBe(false);
    const row = await s.engine.db('rate_limits').where({ bucket: 'login:user:leader' }).first();
    expect(Number(row.count)).toBe(5);
  });

  test('login: one address spraying 150 accounts in parallel gets at most its budget of 100 checked', async () => {
    const ip = freshIp();
    const burst = await Promise.all(Array.from({ length: 150 }, (_, i) => login(i, `nobody_${i}`, 'guess', ip)));
    expect(burst.filter((r) => r.status === 401).length).toBeLessThanOrEqual(100);
    expect(burst.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(50);
  });

  test('password change: 40 parallel wrong current passwords check at most 5; the right one inside changes nothing', async () => {
    const token = (await login(0, 'specialist_vhxh', 'demo', freshIp())).body.token as string;
    const change = (i: number, oldPassword: string) =>
      via(i).post('/api/auth/password').set('Authorization', `Bearer ${token}`).send({ oldPassword, newPassword: 'Mot-mat-khau-moi-2026' });
    const burst = await Promise.all([...Array.from({ length: 40 }, (_, i) => change(i, `guess-${i}`)), change(1, 'demo')]);
    expect(burst.filter((r) => r.status === 400).length).toBeLessThanOrEqual(5);
    expect(burst.filter((r) => r.status !== 400 && r.status !== 429)).toStrictEqual([]);
    expect(burst[40]!.status).toBe(429);
    expect((await login(0, 'specialist_vhxh', 'Mot-mat-khau-moi-2026', freshIp())).status).not.toBe(200);
  });

  const lookup = (i: number, code: string, verify: string, ip: string) =>
    via(i)
      .get(`/api/public/dossiers/${encodeURIComponent(code)}`)
      .query({ verify })
      .set('X-Forwarded-For', ip);

  test('public lookup: 20 parallel guesses from one address (its limit a minute) compare at most 5; the right factor inside is refused', async () => {
    const { code } = await s.engine.engine.submit(submission('1.001612'), ACTORS.counter);
    const ip = freshIp();
    const burst = await Promise.all([
      ...Array.from({ length: 19 }, (_, i) => lookup(i, code, String(1000 + i), ip)),
      lookup(1, code, '5678', ip),
    ]);
    expect(burst.filter((r) => r.status === 404).length).toBeLessThanOrEqual(5);
    expect(burst.filter((r) => r.status !== 404 && r.status !== 429)).toStrictEqual([]);
    expect(burst[19]!.status).toBe(429);
  });

  test('public lookup: 60 parallel guesses from 60 addresses compare at most the backstop of 30', async () => {
    const { code } = await s.engine.engine.submit(submission('1.001612'), ACTORS.counter);
    const burst = await Promise.all([
      ...Array.from({ length: 60 }, (_, i) => lookup(i, code, String(1000 + i), freshIp())),
      lookup(1, code, '5678', freshIp()),
    ]);
    expect(burst.filter((r) => r.status === 404).length).toBeLessThanOrEqual(30);
    expect(burst[60]!.status).toBe(429);
  });

  test('public lookup: 40 parallel requests from one address at 40 codes get exactly the 20 a minute answered', async () => {
    const ip = freshIp();
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) => lookup(i, `000.00.12.H29-260303-${String(7000 + i)}`, '5678', ip)),
    );
    expect(burst.filter((r) => r.status === 404).length).toBe(20);
    expect(burst.filter((r) => r.status === 429).length).toBe(20);
  });
});
