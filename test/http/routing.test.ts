/**
 * Which answer a path gets from the way src/http/app.ts mounts its routers (each on its own prefix, the API first,
 * health, Prometheus and the UI after it, the audit routes after /api/dossiers): paths no route has, paths of a
 * route with another method, paths that differ only in case or a trailing slash, /api paths without a token, and
 * the routes that moved (the API reference, the audit routes beside /api/dossiers, the non-API pages). These are
 * the answers the app gave when every router was mounted at / or /api in the old order.
 */
import { BACKENDS } from '../support/backends';
import { serverForSuite } from '../support/server';

const SQLITE = BACKENDS.find((b) => b.name === 'sqlite')!;
const ROUTE_404 = /^Không có đường dẫn /;

describe('routing: what a path reaches', () => {
  const s = serverForSuite(SQLITE, { signIn: ['counter'] });

  test('an /api path without a token is 401 with the challenge, whether or not a route has it', async () => {
    for (const [method, path] of [
      ['get', '/api/nothing-here'],
      ['get', '/api/dossiers'],
      ['post', '/api/openapi.json'],
      ['get', '/api/health'],
      ['get', '/API/DOSSIERS'],
      ['get', '/api/metrics'],
      ['get', '/api/machines'],
    ] as const) {
      const res = await s.http[method](path);
      expect([method, path, res.status, res.body.error?.code, res.headers['www-authenticate']]).toEqual([
        method,
        path,
        401,
        'UNAUTHENTICATED',
        'Bearer',
      ]);
    }
  });

  test('with a token, a path or method no route has is the 404 naming it', async () => {
    for (const [method, path] of [
      ['get', '/api/nothing-here'],
      ['delete', '/api/dossiers/H01-X'],
      ['post', '/api/openapi.json'],
      ['get', '/api/dossiers/H01-X/nothing'],
      ['get', '/api/admin/nothing'],
      ['get', '/api/health'],
      ['put', '/api/machines'],
    ] as const) {
      const res = await s.as('counter')[method](path);
      expect([method, path, res.status, res.body.error?.code]).toEqual([method, path, 404, 'NOT_FOUND']);
      expect(res.body.error.message).toBe(`Không có đường dẫn ${method.toUpperCase()} ${path}`);
      expect(res.headers['www-authenticate']).toBeUndefined();
    }
  });

  test('outside /api: no token needed, a missing path or method is the 404 naming it', async () => {
    expect((await s.http.get('/health')).status).toBe(200);
    expect((await s.http.get('/HEALTH/')).status).toBe(200);
    expect((await s.http.get('/metrics')).status).toBe(200);
    const home = await s.http.get('/');
    expect([home.status, home.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
    for (const [method, path] of [
      ['post', '/health'],
      ['get', '/nothing-here'],
      ['get', '/ui/nothing-here.js'],
      ['get', '/health/x'],
    ] as const) {
      const res = await s.http[method](path);
      expect([method, path, res.status, res.body.error?.code]).toEqual([method, path, 404, 'NOT_FOUND']);
      expect(res.body.error.message).toMatch(ROUTE_404);
    }
  });

  test('the API reference answers without a token, in any case and with a trailing slash', async () => {
    for (const path of ['/api/openapi.json', '/API/OpenAPI.json', '/api/openapi.json/']) {
      const res = await s.http.get(path);
      expect([path, res.status, res.body.openapi]).toEqual([path, 200, '3.1.0']);
    }
    const docs = await s.http.get('/api/docs');
    expect([docs.status, docs.headers['content-type'], docs.headers['content-security-policy']]).toEqual([
      200,
      'text/html; charset=utf-8',
      "default-src 'none'; style-src 'unsafe-inline'",
    ]);
    expect((await s.http.get('/api/docs/x')).status).toBe(401);
  });

  test('the audit routes are reached beside /api/dossiers, with their role gates', async () => {
    const verify = await s.as('counter').get('/api/dossiers/H01-X/verify');
    expect([verify.status, verify.body.error?.code]).toEqual([403, 'FORBIDDEN']);
    const replay = await s.as('counter').get('/api/dossiers/H01-X/replay');
    expect(replay.status).toBe(404);
    expect(replay.body.error.message).not.toMatch(ROUTE_404);
    expect((await s.as('counter').get('/api/audit/verify')).status).toBe(403);
    expect((await s.as('counter').get('/api/machines')).status).toBe(200);
    expect((await s.as('counter').get('/api/admin/notifications')).status).toBe(403);
  });

  test('a path that does not decode is 400 before any route, with or without a token', async () => {
    for (const res of [await s.http.get('/api/dossiers/%zz'), await s.as('counter').get('/api/%zz'), await s.http.get('/%zz')]) {
      expect([res.status, res.body.error?.code, res.body.error?.details?.issues?.[0]?.field]).toEqual([400, 'VALIDATION_FAILED', '(path)']);
    }
  });
});
