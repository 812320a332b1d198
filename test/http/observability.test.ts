/**
 * Access and operability: security headers, no CORS, request ids, JSON logs without personal data,
 * GET /metrics in Prometheus text format, and the record-view log auditors read.
 */
import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { createApp, helmetHeaders, securityHeaders } from '../../src/http/app';
import { UI_CSP } from '../../src/http/routes/ui';
import { DeadlineSweeper } from '../../src/jobs/deadline-sweeper';
import { createLogger, maskPersonalNumbers } from '../../src/observability/logger';
import { ConfigError, loadConfig } from '../../src/config';
import { BACKENDS } from '../support/backends';
import { startServer, type TestServer } from '../support/server';
import { submissionBody } from '../support/engine';

const ID_NUMBER = '001090012345';
const PHONE = '0912345678';

const body = () =>
  submissionBody({ applicant: { fullName: 'Đỗ Văn Hùng', idNumber: ID_NUMBER, phone: PHONE, address: 'Hoàn Kiếm, Hà Nội' } });

describe('the security headers recorded once from helmet', () => {
  test('are what helmet sets, with the same values in the same order, and X-Powered-By is removed as helmet removes it', async () => {
    const headersOf = async (middleware: RequestHandler) => {
      const app = express(); // X-Powered-By on, as express starts: the middleware must remove it
      app.use(middleware);
      app.get('/', (_req, res) => void res.end());
      // in the order they arrived
      const pairs = Object.entries((await request(app).get('/')).headers as Record<string, string>).map(([h, v]) => `${h}: ${v}`);
      return pairs.filter((p) => !/^(?:date|connection|keep-alive|content-length|transfer-encoding):/i.test(p));
    };
    const byHelmet = await headersOf(helmetHeaders);
    expect(byHelmet.length).toBeGreaterThan(10);
    expect(byHelmet.join('\n')).not.toMatch(/x-powered-by/i);
    expect(await headersOf(securityHeaders)).toEqual(byHelmet);
  });
});

describe.each(BACKENDS)('security headers, logs, metrics and record views on $name', (backend) => {
  let s: TestServer;
  let http: ReturnType<typeof request>;
  const lines: string[] = [];
  const logged = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  let counter: string;
  let auditor: string;
  let admin: string;
  let code: string;

  beforeAll(async () => {
    s = await startServer(backend);
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
    http = request(createApp({ ...s.deps, sweeper: new DeadlineSweeper(s.engine) }, { logger }));
    [counter, auditor, admin] = [await s.login('counter'), await s.login('auditor'), await s.login('admin')];
    const created = await http.post('/api/dossiers').set('Authorization', `Bearer ${counter}`).send(body());
    expect(created.status).toBe(201);
    code = created.body.code;
  });
  afterAll(async () => s.close());

  /** signs in again (tokens expire when the clock is moved days ahead) */
  async function relogin(): Promise<void> {
    const as = async (username: string) => (await http.post('/api/auth/login').send({ username, password: 'demo' })).body.token as string;
    [counter, auditor, admin] = [await as('counter'), await as('auditor'), await as('admin')];
  }

  test('every answer carries the security headers; JSON gets a deny-all CSP, the UI keeps its own', async () => {
    for (const path of ['/health', '/api/dossiers', '/api/nowhere']) {
      const res = await http.get(path);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
    expect((await http.get('/health')).headers['content-security-policy']).toContain("default-src 'none'");
    const ui = await http.get('/');
    expect(ui.status).toBe(200);
    expect(ui.headers['content-security-policy']).toBe(UI_CSP);
    const form = await http.get(`/api/dossiers/${code}/forms/receipt`).set('Authorization', `Bearer ${counter}`);
    expect(form.status).toBe(200);
    expect(form.headers['content-security-policy']).toContain("style-src 'unsafe-inline'");
    expect(form.headers['x-content-type-options']).toBe('nosniff');
  });

  test('CORS is closed: a cross-origin request or preflight gets no Access-Control-Allow-* header', async () => {
    const res = await http.get('/api/dossiers').set('Origin', 'https://evil.example').set('Authorization', `Bearer ${counter}`);
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const pre = await http.options('/api/dossiers').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    expect(Object.keys(pre.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  test('a safe X-Request-Id is echoed, an unsafe or missing one replaced by a generated id', async () => {
    const echoed = await http.get('/health').set('X-Request-Id', 'proxy-abc.123:7');
    expect(echoed.headers['x-request-id']).toBe('proxy-abc.123:7');
    const generated = await http.get('/health');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await http.get('/health').set('X-Request-Id', 'bad id <script>');
    expect(unsafe.headers['x-request-id']).not.toContain('script');
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('one JSON log line per request with its id, the path without query, status and duration — never a phone or ID number', async () => {
    const res = await http
      .get(`/api/dossiers?q=${PHONE}`)
      .set('Authorization', `Bearer ${counter}`)
      .set('X-Request-Id', 'search-by-phone-1');
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThanOrEqual(1);
    await http.get(`/api/dossiers?q=${ID_NUMBER}`).set('Authorization', `Bearer ${counter}`);
    await http.get(`/api/dossiers/${code}`).set('Authorization', `Bearer ${counter}`);
    const line = logged().find((l) => l.reqId === 'search-by-phone-1');
    expect(line).toMatchObject({
      level: 'info',
      method: 'GET',
      path: '/api/dossiers',
      route: '/api/dossiers',
      status: 200,
      user: 'counter',
    });
    expect(typeof line!.durationMs).toBe('number');
    expect(typeof line!.time).toBe('string');
    const all = lines.join('');
    expect(all).not.toContain(PHONE);
    expect(all).not.toContain(ID_NUMBER);
    expect(all).not.toContain('q=');
  });

  test('errors are logged with the request id, and phone or ID numbers in messages are masked', async () => {
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
    logger
      .child({ reqId: 'err-1' })
      .error({ err: new Error(`duplicate key ${ID_NUMBER} for ${PHONE}`), applicant: { idNumber: ID_NUMBER } }, 'unhandled error');
    const line = lines[lines.length - 1]!;
    expect(JSON.parse(line)).toMatchObject({ reqId: 'err-1', level: 'error', msg: 'unhandled error' });
    expect(line).not.toContain(ID_NUMBER);
    expect(line).not.toContain(PHONE);
    expect(line).toContain('2345');
    expect(maskPersonalNumbers(`+84912345678 and ${code}`)).toBe(`••••••••5678 and ${code}`);
  });

  test('GET /metrics needs no login and has the four families with plausible values', async () => {
    // make the dossier late and let the sweeper flag it
    s.engine.at('2026-03-10 09:00');
    await relogin();
    const sweep = await http.post('/api/admin/sweep').set('Authorization', `Bearer ${admin}`);
    expect(sweep.status).toBe(200);
    await http.get('/api/procedures').set('Authorization', `Bearer ${counter}`);
    const res = await http.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.text;
    const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
    expect(text).toContain('# TYPE motcua_http_requests_total counter');
    expect(value(/^motcua_http_requests_total\{method="POST",route="\/api\/dossiers",status="201"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^motcua_http_requests_total\{method="GET",route="\/api\/procedures",status="200"\} (\d+)$/m)).toBe(1);
    expect(text).toContain('# TYPE motcua_http_request_duration_seconds histogram');
    expect(value(/^motcua_http_request_duration_seconds_bucket\{method="GET",route="\/api\/procedures",le="\+Inf"\} (\d+)$/m)).toBe(1);
    expect(value(/^motcua_http_request_duration_seconds_count\{method="GET",route="\/api\/procedures"\} (\d+)$/m)).toBe(1);
    expect(value(/^motcua_transitions_total\{type="SUBMIT"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^motcua_transitions_total\{type="DEADLINE_PASSED"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^motcua_sweeper_runs_total\{outcome="ok"\} (\d+)$/m)).toBe(1);
    expect(value(/^motcua_late_dossiers_open (\d+)$/m)).toBeGreaterThanOrEqual(1);
    // bounded labels: no dossier code, no user name, no personal data
    expect(text).not.toContain(code);
    expect(text).not.toContain(PHONE);
    expect(text).toMatch(/route="\/api\/dossiers\/\{code\}"/);
  });

  test('motcua_transitions_total counts the events this process commits, not the history, and moves when one is written', async () => {
    // a second app on the same database: the history (the dossiers above) is not counted at its scrape
    const other = request(createApp(s.deps, { logger: createLogger({ level: 'silent' }) }));
    const count = async (type: string) => {
      const text = (await other.get('/metrics')).text;
      return Number(new RegExp(`^motcua_transitions_total\\{type="${type}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    };
    await relogin();
    expect(await count('SUBMIT')).toBe(0);
    const created = await other.post('/api/dossiers').set('Authorization', `Bearer ${counter}`).send(body());
    expect(created.status).toBe(201);
    expect(await count('SUBMIT')).toBe(1);
    const move = (version: string) =>
      other
        .post(`/api/dossiers/${created.body.code}/events`)
        .set('Authorization', `Bearer ${counter}`)
        .set('If-Match', version)
        .send({ type: 'ASSIGN', assignee: 'counter' });
    expect((await move(`"${created.body.version}"`)).status).toBe(200);
    expect(await count('ASSIGN')).toBe(1);
    // refused transitions write nothing and count nothing
    expect((await move(`"${created.body.version}"`)).status).toBe(409);
    expect(await count('ASSIGN')).toBe(1);
  });

  test('each view of a full record is logged; auditors (and admins) list them, the counter may not', async () => {
    const before = await http.get(`/api/audit/record-views?dossier=${encodeURIComponent(code)}`).set('Authorization', `Bearer ${auditor}`);
    expect(before.status).toBe(200);
    const n = before.body.items.length;
    const view = await http.get(`/api/dossiers/${code}`).set('Authorization', `Bearer ${counter}`);
    expect(view.status).toBe(200);
    expect(view.body.applicant.idNumber).toBe(ID_NUMBER);
    const list = await http
      .get(`/api/audit/record-views?dossier=${encodeURIComponent(code)}&username=counter`)
      .set('Authorization', `Bearer ${auditor}`);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(n + 1);
    expect(list.body.items[0]).toEqual({
      id: expect.any(String),
      dossierCode: code,
      username: 'counter',
      unit: expect.any(String),
      viewedAt: s.engine.clock.now().toISOString(),
      source: 'record',
    });
    // the list itself masks nothing because it holds nothing personal; filtering by time and paging
    const t = s.engine.clock.now().toISOString();
    const none = await http
      .get(`/api/audit/record-views?from=${encodeURIComponent(new Date(Date.parse(t) + 1000).toISOString())}`)
      .set('Authorization', `Bearer ${auditor}`);
    expect(none.body.items).toEqual([]);
    const page = await http.get('/api/audit/record-views?limit=1').set('Authorization', `Bearer ${admin}`);
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const next = await http.get(`/api/audit/record-views?limit=1&cursor=${page.body.nextCursor}`).set('Authorization', `Bearer ${admin}`);
    expect(next.body.items[0].id).not.toBe(page.body.items[0].id);
    expect((await http.get('/api/audit/record-views').set('Authorization', `Bearer ${counter}`)).status).toBe(403);
    expect((await http.get('/api/audit/record-views')).status).toBe(401);
    expect((await http.get('/api/audit/record-views?limit=0').set('Authorization', `Bearer ${auditor}`)).status).toBe(400);
  });
});

describe('LOG_LEVEL', () => {
  test('is validated at start-up and a wrong value names the variable', () => {
    expect(loadConfig({ LOG_LEVEL: 'debug' }).LOG_LEVEL).toBe('debug');
    expect(loadConfig({}).LOG_LEVEL).toBeUndefined();
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });

  test('logs are silent under jest unless LOG_LEVEL is set', () => {
    expect(createLogger().level).toBe(process.env.LOG_LEVEL ?? 'silent');
  });
});
