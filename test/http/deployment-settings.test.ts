/**
 * Settings a deployment chooses for the network in front of motcua: TRUST_PROXY (whose X-Forwarded-For
 * names the client that login and lookup throttling count) is validated at start-up and reaches Express.
 */
import { loadConfig } from '../../src/config';
import { configError } from '../support/config';
import { BACKENDS } from '../support/backends';
import { startServer } from '../support/server';

const SQLITE = BACKENDS.find((b) => b.name === 'sqlite')!;

describe('TRUST_PROXY', () => {
  test('accepts none, a hop count, or addresses/CIDR ranges/range names; refuses anything else naming the variable', () => {
    expect(loadConfig({}).TRUST_PROXY).toStrictEqual(['loopback']);
    expect(loadConfig({ TRUST_PROXY: 'none' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,loopback,::1,fd00::/8' }).TRUST_PROXY).toStrictEqual([
      '10.0.0.5',
      '10.1.0.0/16',
      'loopback',
      '::1',
      'fd00::/8',
    ]);
    for (const bad of ['true', '', '0', '11', '10.0.0.0/33', '10.0.0', 'proxy.internal', '10.0.0.1/8/8', 'loopback,']) {
      expect(configError({ TRUST_PROXY: bad })).toMatch(/^Invalid configuration:\nTRUST_PROXY: /);
    }
  });

  test.each([
    ['loopback (default)', {}, '203.0.113.9'],
    ['none', { TRUST_PROXY: 'none' }, 'peer'],
    ['a proxy that is not the peer', { TRUST_PROXY: '10.9.9.9' }, 'peer'],
    ['one hop', { TRUST_PROXY: '1' }, '203.0.113.9'],
  ])('%s: the login throttle counts the address Express derives from it', async (_name, env, expected) => {
    const server = await startServer(SQLITE, '2026-03-03 09:00', env);
    try {
      await server.http.post('/api/auth/login').set('X-Forwarded-For', '203.0.113.9').send({ username: 'nobody', password: 'wrong' });
      const buckets = (await server.engine.db('rate_limits').where('bucket', 'like', 'login:ip:%').pluck('bucket')) as string[];
      expect(buckets).toHaveLength(1);
      if (expected === 'peer') expect(buckets[0]).toMatch(/^login:ip:(::ffff:)?127\.0\.0\.1$|^login:ip:::1$/);
      else expect(buckets[0]).toBe(`login:ip:${expected}`);
    } finally {
      await server.close();
    }
  });
});

describe('MOTCUA_TEST_CLOCK', () => {
  test('rule: a settable test clock refuses to start in production (it would let deadlines be moved)', () => {
    expect(configError({ MOTCUA_TEST_CLOCK: '1', NODE_ENV: 'production' })).toMatch(
      /^Invalid configuration:\nMOTCUA_TEST_CLOCK: refused with NODE_ENV=production/,
    );
    expect(loadConfig({ MOTCUA_TEST_CLOCK: '1', NODE_ENV: 'test' }).MOTCUA_TEST_CLOCK).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://motcua.example.gov.vn' }).MOTCUA_TEST_CLOCK).toBe(false);
  });
});

describe('PUBLIC_BASE_URL', () => {
  test('an http(s) URL without query, fragment or credentials; required in production; the QR link never uses Host', () => {
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://motcua.example.gov.vn/' }).PUBLIC_BASE_URL).toBe('https://motcua.example.gov.vn');
    expect(loadConfig({ PUBLIC_BASE_URL: 'http://10.0.0.5:8080/motcua' }).PUBLIC_BASE_URL).toBe('http://10.0.0.5:8080/motcua');
    for (const bad of [
      'motcua.example.gov.vn',
      'ftp://x.example',
      'https://x.example/?a=1',
      'https://x.example/#f',
      'https://u:p@x.example',
      'javascript:alert(1)',
    ]) {
      expect(configError({ PUBLIC_BASE_URL: bad })).toMatch(/^Invalid configuration:\nPUBLIC_BASE_URL: /);
    }
    expect(configError({ NODE_ENV: 'production' })).toMatch(/PUBLIC_BASE_URL: required with NODE_ENV=production/);
    expect(loadConfig({}).PUBLIC_BASE_URL).toBeUndefined();
  });
});
