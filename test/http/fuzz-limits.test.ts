/**
 * The input rules of docs/api-errors.md, route by route, with the very requests the fuzzer
 * (fuzz-routes.test.ts) builds at random: size limit 413, JSON only 415, broken JSON 400, unknown
 * fields and query parameters 400 each named, prototype keys, NUL, unpaired surrogates and deep
 * nesting refused before any route runs, impossible numbers and dates refused before the database,
 * hostile client addresses harmless to throttling. Each refusal leaves the database as it was.
 */
import { ACTORS, submission } from '../support/engine';
import { BACKENDS } from '../support/backends';
import { startServer, type TestServer } from '../support/server';
import {
  BODY_LIMIT_BYTES,
  changedTables,
  digestTables,
  documentedRoutes,
  errorShapeProblem,
  listen,
  rawRequest,
  routeName,
  tableNames,
  type Listening,
  type RawResponse,
} from '../support/fuzz';
import { CATALOGUE } from '../../machines/procedures';
import { createApp } from '../../src/http/app';
import type { SettableClock } from '../../src/engine/clock';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are read loosely; the test asserts their shape

describe.each(BACKENDS)('input limits and formats on $name', (backend) => {
  let s: TestServer;
  let server: Listening;
  let tables: string[];
  let code: string;
  const token: Record<string, string> = {};

  beforeAll(async () => {
    s = await startServer(backend);
    code = (await s.engine.engine.submit(submission('1.001612'), ACTORS.counter)).code;
    await s.engine.engine.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    // with a test clock (a stand-in that keeps time still), so PUT /api/test/clock validates its body too
    server = await listen(
      createApp({ ...s.deps, testClock: { set: () => undefined, now: () => s.engine.clock.now() } as unknown as SettableClock }),
    );
    for (const u of ['admin', 'counter', 'leader', 'auditor', 'supervisor']) token[u] = await s.login(u);
    tables = (await tableNames(s.engine.db)).filter((t) => t !== 'rate_limits');
  });
  afterAll(async () => {
    await server?.close();
    await s?.close();
  });

  /** Sends as `who` and checks: the error shape, and that nothing but throttle counters changed. */
  async function send(
    who: string | null,
    method: string,
    path: string,
    body?: Buffer | string | object,
    headers: Record<string, string> = {},
  ): Promise<RawResponse> {
    const bytes =
      body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const h: Record<string, string> = {
      ...(bytes && !('content-type' in headers) ? { 'content-type': 'application/json' } : {}),
      ...headers,
    };
    if (who) h.authorization = `Bearer ${token[who]}`;
    const before = await digestTables(s.engine.db, tables);
    const res = await rawRequest(server.port, { method, path, headers: h, body: bytes });
    if (res.status >= 400) {
      expect({ path, shape: errorShapeProblem(res) }).toEqual({ path, shape: null });
      expect({ path, changed: changedTables(before, await digestTables(s.engine.db, tables)) }).toEqual({ path, changed: [] });
    }
    return res;
  }
  const issues = (res: RawResponse) => (res.json as Json).error.details.issues as { field: string; reason: string }[];
  const fields = (res: RawResponse) => issues(res)?.map((i) => i.field) ?? [`${res.status} ${res.text.slice(0, 200)}`];

  // JSON bodies; a file upload's limits and types are its own (test/documents/upload-fuzz.test.ts, and below)
  const withBody = documentedRoutes().filter((r) => r.hasBody && !r.fileBody);
  const concrete = (path: string) => path.replace('{code}', '1.001612').replace('{year}', '2027');
  const bodyPath = (r: { path: string }) => (r.path.includes('/dossiers/{code}') ? r.path.replace('{code}', 'X') : concrete(r.path));

  test('the routes that take a body are the ones the API reference says', () => {
    expect(withBody.map(routeName).sort()).toEqual(
      [
        'POST /api/auth/login',
        'POST /api/auth/password',
        'POST /api/procedures',
        'PUT /api/procedures/{code}',
        'POST /api/dossiers',
        'POST /api/dossiers/{code}/events',
        'POST /api/users',
        'PATCH /api/users/{username}',
        'PUT /api/calendar/{year}',
        'POST /api/reports/monthly/sent',
        'POST /api/reports/weekly-late-review/notes',
        'POST /api/reports/weekly-late-review/sign-off',
        'PUT /api/test/clock',
        'POST /api/admin/webhooks',
        'POST /api/admin/outbox/deliveries/{id}/retry',
        'POST /api/admin/outbox/deliveries/{id}/discard',
        'PUT /api/admin/notifications/settings',
        'PUT /api/admin/notifications/channels/{kind}',
        'POST /api/admin/notifications/test',
      ].sort(),
    );
  });

  test("the routes taking a file are the upload and a resumable upload's chunk; a JSON body there is not a file (415) and stores nothing", async () => {
    expect(
      documentedRoutes()
        .filter((r) => r.fileBody)
        .map(routeName)
        .sort(),
    ).toEqual(['PATCH /api/uploads/resumable/{id}', 'POST /api/uploads']);
    const res = await send('counter', 'POST', '/api/uploads', { note: 'x'.repeat(BODY_LIMIT_BYTES + 1) });
    expect({ status: res.status, code: (res.json as Json).error.code }).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    const chunk = await send(
      'counter',
      'PATCH',
      '/api/uploads/resumable/00000000-0000-4000-8000-000000000000',
      { note: 'x' },
      {
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
      },
    );
    expect({ status: chunk.status, code: (chunk.json as Json).error.code }).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  test('a body over the 256 kB limit is 413 PAYLOAD_TOO_LARGE on every route that takes one, sized or chunked', async () => {
    const huge = Buffer.from(JSON.stringify({ note: 'x'.repeat(BODY_LIMIT_BYTES + 1) }));
    for (const r of withBody) {
      const sized = await send('admin', r.method.toUpperCase(), bodyPath(r), huge);
      expect({ route: routeName(r), status: sized.status, code: (sized.json as Json).error.code }).toEqual({
        route: routeName(r),
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
      });
      const chunked = await send('admin', r.method.toUpperCase(), bodyPath(r), huge, {
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
      });
      expect({ route: routeName(r), status: chunked.status }).toEqual({ route: routeName(r), status: 413 });
    }
  });

  test('a body that is not JSON, or JSON in another charset, is 415 UNSUPPORTED_MEDIA_TYPE on every route that takes one', async () => {
    for (const r of withBody) {
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/json; charset=utf-16',
        'application/json; charset=latin1',
      ]) {
        const res = await send('admin', r.method.toUpperCase(), bodyPath(r), '{"a":1}', { 'content-type': type });
        expect({ route: routeName(r), type, status: res.status, code: (res.json as Json).error.code }).toEqual({
          route: routeName(r),
          type,
          status: 415,
          code: 'UNSUPPORTED_MEDIA_TYPE',
        });
      }
      const none = await rawRequest(server.port, {
        method: r.method.toUpperCase(),
        path: bodyPath(r),
        headers: { authorization: `Bearer ${token.admin}` },
        body: Buffer.from('{"a":1}'),
      });
      expect({ route: routeName(r), status: none.status, shape: errorShapeProblem(none) }).toEqual({
        route: routeName(r),
        status: 415,
        shape: null,
      });
    }
  });

  test('broken JSON is 400 naming the body, whatever the route', async () => {
    for (const r of withBody) {
      for (const text of ['{', "{'a': 1}", '{"a":1,}', '"a string"', 'NaN']) {
        const res = await send('admin', r.method.toUpperCase(), bodyPath(r), text);
        expect({ route: routeName(r), text, status: res.status, fields: fields(res) }).toEqual({
          route: routeName(r),
          text,
          status: 400,
          fields: ['(body)'],
        });
      }
    }
  });

  test('a request the HTTP parser itself refuses still gets the error shape', async () => {
    const res = await rawRequest(server.port, { method: 'GET', path: '/api/dossiers/\u00e9\u00ff', headers: {} });
    expect(res.status).toBe(400);
    expect(errorShapeProblem(res)).toBeNull();
  });

  test('bad percent-encoding in a path is 400 naming the path, not a 500, with or without a token (input checks come before authentication)', async () => {
    for (const who of ['admin', null])
      for (const path of [
        '/api/dossiers/%',
        '/api/dossiers/%E0%A4%A/events',
        '/api/procedures/%zz',
        '/api/public/dossiers/%C0%AE',
        '/api/calendar/%ED%A0%80',
        '/api/nowhere/%zz',
      ]) {
        const res = await send(who, 'GET', path);
        expect({ who, path, status: res.status, fields: fields(res) }).toEqual({ who, path, status: 400, fields: ['(path)'] });
      }
  });

  describe('unknown fields are refused, each named as its own field', () => {
    const household = CATALOGUE.find((p) => p.code === '1.001612')!;
    const cases: [string, string, string, string, () => object][] = [
      ['priority', 'counter', 'POST', '/api/dossiers', () => ({ ...submission('1.001612'), priority: 'high' })],
      [
        'applicant.nickname',
        'counter',
        'POST',
        '/api/dossiers',
        () => ({ ...submission('1.001612'), applicant: { ...submission('1.001612').applicant, nickname: 'Hoa' } }),
      ],
      [
        'documents.0.color',
        'counter',
        'POST',
        '/api/dossiers',
        () => ({ ...submission('1.001612'), documents: [{ name: 'Giấy đề nghị', copies: 1, color: 'đỏ' }] }),
      ],
      [
        'deadline',
        'counter',
        'POST',
        '/api/dossiers/{code}/events',
        () => ({ type: 'COMPLETE_STEP', expectedVersion: 3, deadline: '2026-03-04' }),
      ],
      ['remember', 'admin', 'POST', '/api/auth/login', () => ({ username: 'nobody', password: 'x', remember: true })],
      ['confirm', 'admin', 'POST', '/api/auth/password', () => ({ oldPassword: 'x', newPassword: 'yyyyyyyyyy', confirm: 'yyyyyyyyyy' })],
      [
        'active',
        'admin',
        'POST',
        '/api/users',
        () => ({
          username: 'new.user',
          fullName: 'A',
          title: 'B',
          password: 'long-password-1',
          roles: ['specialist'],
          unit: 'KINHTE',
          active: false,
        }),
      ],
      ['color', 'admin', 'POST', '/api/procedures', () => ({ ...household, code: '9.000002', color: 'red' })],
      [
        'steps.0.owner',
        'admin',
        'PUT',
        '/api/procedures/1.001612',
        () => ({ ...household, steps: household.steps.map((st, i) => (i === 0 ? { ...st, owner: 'x' } : st)) }),
      ],
      [
        'daysOff.0.color',
        'admin',
        'PUT',
        '/api/calendar/2027',
        () => ({ daysOff: [{ date: '2027-01-01', name: 'Tết', color: 'red' }], makeUpWorkingDays: [], verified: true }),
      ],
      ['comment', 'admin', 'PUT', '/api/calendar/2027', () => ({ daysOff: [], makeUpWorkingDays: [], verified: true, comment: 'x' })],
      [
        'severity',
        'leader',
        'POST',
        '/api/reports/weekly-late-review/notes',
        () => ({ week: '2026-W10', dossierCode: 'X', cause: 'a', correctiveAction: 'b', severity: 1 }),
      ],
      ['by', 'leader', 'POST', '/api/reports/weekly-late-review/sign-off', () => ({ week: '2026-W09', by: 'me' })],
      ['zone', 'admin', 'PUT', '/api/test/clock', () => ({ now: '2026-03-03T09:00:00Z', zone: 'Asia/Ho_Chi_Minh' })],
    ];
    test.each(cases)('"%s" is named as an unknown field (%s: %s %s)', async (field, who, method, path, body) => {
      const res = await send(who, method, path.replace('{code}', code), body());
      expect(res.status).toBe(400);
      expect(issues(res)).toContainEqual({ field, code: 'unknown_field', reason: 'unknown field' });
    });
  });

  test('unknown query parameters are refused and named on every route that takes a query string', async () => {
    const routes = documentedRoutes().filter((r) => r.queryParams.length > 0);
    expect(routes.length).toBeGreaterThanOrEqual(8);
    for (const r of routes) {
      const path = r.path.replace('{code}', r.path.startsWith('/api/procedures') ? '1.001612' : code).replace('{documentId}', 'd1');
      const res = await send('admin', 'GET', `${path}?bogus=1`);
      expect({ route: routeName(r), status: res.status, issue: issues(res).find((i) => i.field === 'bogus') }).toEqual({
        route: routeName(r),
        status: 400,
        issue: { field: 'bogus', code: 'unknown_field', reason: 'unknown field' },
      });
    }
  });

  test('__proto__, constructor and prototype keys are refused wherever they are, and pollute nothing', async () => {
    const raw = [
      `{"__proto__":{"polluted":1},"procedureCode":"1.001612"}`,
      `{"applicant":{"constructor":{"prototype":{"polluted":1}}}}`,
      `{"documents":[{"prototype":1}]}`,
    ];
    for (const text of raw) {
      const res = await send('counter', 'POST', '/api/dossiers', text);
      expect(res.status).toBe(400);
      expect(issues(res)[0]!.reason).toBe('this key is not allowed');
    }
    expect(fields(await send('counter', 'POST', '/api/dossiers', raw[0]))).toEqual(['__proto__']);
    expect(fields(await send('counter', 'POST', '/api/dossiers', raw[1]))).toEqual(['applicant.constructor']);
    expect(fields(await send('admin', 'GET', '/api/dossiers?__proto__=1'))).toEqual(['__proto__']);
    expect(issues(await send('admin', 'GET', '/api/dossiers?__proto__[polluted]=1'))).toEqual([
      { field: '__proto__[polluted]', code: 'unknown_field', reason: 'unknown field' },
    ]);
    expect(({} as Json).polluted).toBeUndefined();
  });

  test('NUL characters and unpaired surrogates are refused in bodies, keys, query strings and paths', async () => {
    const sub = submission('1.001612');
    const nul = await send('counter', 'POST', '/api/dossiers', { ...sub, applicant: { ...sub.applicant, fullName: 'Hoa\u0000' } });
    expect(issues(nul)).toEqual([{ field: 'applicant.fullName', code: 'invalid', reason: 'must not contain a NUL character' }]);
    const surrogate = await send('counter', 'POST', '/api/dossiers', `{"procedureCode":"1.001612","note":"\\ud800"}`);
    expect(issues(surrogate)).toEqual([{ field: 'note', code: 'invalid', reason: 'must be well-formed Unicode (no unpaired surrogate)' }]);
    expect(fields(await send('counter', 'POST', '/api/dossiers', `{"a\\u0000":1}`))).toEqual(['a\u0000']);
    expect(fields(await send('admin', 'GET', '/api/dossiers?q=a%00b'))).toEqual(['q']);
    expect(fields(await send('admin', 'GET', `/api/dossiers/${code}%00`))).toEqual(['(path)']);
    expect((await send(null, 'GET', '/api/public/dossiers/%00?verify=1234')).status).toBe(400);
  });

  test('JSON nested deeper than 32 levels is refused, even 60 000 levels deep', async () => {
    for (const text of [
      '['.repeat(60_000) + ']'.repeat(60_000),
      '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000),
      `{"documents":${'['.repeat(40)}${']'.repeat(40)}}`,
    ]) {
      const res = await send('counter', 'POST', '/api/dossiers', text);
      expect(res.status).toBe(400);
      expect(issues(res)[0]!.reason).toBe('nested deeper than 32 levels');
    }
  });

  test('numbers JSON cannot carry exactly, and absurd ones, are refused before the database', async () => {
    const sub = submission('1.001612');
    const cases: [string, object | string, string][] = [
      [
        '/api/dossiers',
        `{"procedureCode":"1.001612","channel":"counter","applicant":${JSON.stringify(sub.applicant)},"documents":[{"name":"x","copies":1e309}]}`,
        'documents.0.copies',
      ],
      ['/api/dossiers', { ...sub, documents: [{ name: 'x', copies: -1 }] }, 'documents.0.copies'],
      ['/api/dossiers', { ...sub, documents: [{ name: 'x', copies: 2.5 }] }, 'documents.0.copies'],
      ['/api/dossiers/{code}/events', { type: 'COMPLETE_STEP', expectedVersion: 2 ** 53 + 2 }, 'expectedVersion'],
      ['/api/dossiers/{code}/events', { type: 'COMPLETE_STEP', expectedVersion: -1 }, 'expectedVersion'],
      ['/api/dossiers/{code}/events', `{"type":"COMPLETE_STEP","expectedVersion":1e309}`, 'expectedVersion'],
    ];
    for (const [path, body, field] of cases) {
      const res = await send('counter', 'POST', path.replace('{code}', code), body);
      expect({ path, field, status: res.status, fields: fields(res) }).toEqual({
        path,
        field,
        status: 400,
        fields: expect.arrayContaining([field]),
      });
    }
    for (const year of ['1e309', '-1', '99999999999999999999', '2026.5', 'NaN']) {
      expect({ year, status: (await send('counter', 'GET', `/api/calendar/${year}`)).status }).toEqual({ year, status: 400 });
    }
    expect(fields(await send('admin', 'GET', '/api/dossiers?limit=1e309'))).toEqual(['limit']);
    // past a column's width: a 400 now, not a database error when a dossier reaches that step
    const household = CATALOGUE.find((p) => p.code === '1.001612')!;
    const longStep = { ...household, steps: household.steps.map((st, i) => (i === 1 ? { ...st, id: 'b'.repeat(65) } : st)) };
    expect(fields(await send('admin', 'PUT', '/api/procedures/1.001612', longStep))).toEqual(['steps.1.id']);
    // past a 32-bit integer column: a 400, not a database error on PostgreSQL
    expect(fields(await send('admin', 'GET', '/api/procedures/1.001612?version=99999999999'))).toEqual(['version']);
    expect(fields(await send('admin', 'GET', '/api/procedures/1.001612?version=2147483648'))).toEqual(['version']);
    expect(fields(await send('admin', 'GET', '/api/audit/record-views?cursor=99999999999999999999'))).toEqual(['cursor']);
  });

  test('a cursor the API did not hand out is 400, never a database error', async () => {
    const forged = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const cursor of [
      forged({ k: '1', id: 'x' }),
      forged({ k: '2026-03-03T00:00:00.000Z', id: 'not-a-uuid' }),
      forged({ k: "2026' OR 1=1", id: '0' }),
      forged([1]),
      'garbage',
      forged(null),
    ]) {
      expect({ cursor, fields: fields(await send('admin', 'GET', `/api/dossiers?cursor=${cursor}`)) }).toEqual({
        cursor,
        fields: ['cursor'],
      });
    }
    // a real one works
    const first = await send('admin', 'GET', '/api/dossiers?limit=1');
    await s.engine.engine.submit(submission('1.001612'), ACTORS.counter);
    const page = await send('admin', 'GET', '/api/dossiers?limit=1');
    const next = (page.json as Json).nextCursor as string;
    expect(next).toEqual(expect.any(String));
    expect((await send('admin', 'GET', `/api/dossiers?limit=1&cursor=${next}`)).status).toBe(200);
    expect(first.status).toBe(200);
  });

  test('impossible dates, times and zones are refused with the field named', async () => {
    const v = async () => String((await s.engine.engine.get(code)).version);
    const bodies: [string, string, object, string, Record<string, string>?][] = [
      [
        'leader',
        `/api/dossiers/${code}/events`,
        { type: 'ISSUE_APOLOGY', reason: 'x', signer: 'y', newDueDate: '2026-02-30' },
        'newDueDate',
      ],
      [
        'leader',
        `/api/dossiers/${code}/events`,
        { type: 'ISSUE_APOLOGY', reason: 'x', signer: 'y', newDueDate: '2026-13-01' },
        'newDueDate',
      ],
      [
        'leader',
        `/api/dossiers/${code}/events`,
        { type: 'RECORD_RESULT', documentNumber: '1', documentDate: '0000-00-00', signer: 'y' },
        'documentDate',
      ],
      [
        'admin',
        '/api/calendar/2027',
        { daysOff: [{ date: '2027-02-29', name: 'x' }], makeUpWorkingDays: [], verified: true },
        'daysOff.0.date',
      ],
      ['leader', '/api/reports/weekly-late-review/sign-off', { week: '2026-W54' }, 'week'],
    ];
    for (const [who, path, body, field] of bodies) {
      const res = await send(who, path.startsWith('/api/calendar') ? 'PUT' : 'POST', path, body, { 'if-match': await v() });
      expect({ path, field, status: res.status, fields: fields(res) }).toEqual({
        path,
        field,
        status: 400,
        fields: expect.arrayContaining([field]),
      });
    }
    const queries: [string, string, string][] = [
      ['auditor', `/api/dossiers/${code}/replay?at=2026-03-03T25:61:00Z`, 'at'],
      ['auditor', `/api/dossiers/${code}/replay?at=2026-03-03T09:00:00%2B99:00`, 'at'],
      ['auditor', `/api/dossiers/${code}/replay?at=2026-03-03T09:00:00%20Asia/Ho_Chi_Minh`, 'at'],
      ['auditor', '/api/audit/record-views?from=%2B275760-09-13T00:00:00.001Z', 'from'],
      ['auditor', '/api/metrics/compliance?from=2026-02-30&to=2026-03-01', 'from'],
      ['auditor', '/api/reports/monthly?month=2026-13', 'month'],
      ['auditor', '/api/reports/weekly-late-review?week=0001-W01', 'week'],
      ['admin', '/api/dossiers?receivedFrom=2026-02-30', 'receivedFrom'],
      ['admin', '/api/dossiers?dueTo=9999-99-99', 'dueTo'],
    ];
    for (const [who, path, field] of queries) {
      const res = await send(who, 'GET', path);
      expect({ path, status: res.status, fields: res.status === 400 ? fields(res) : [] }).toEqual({
        path,
        status: 400,
        fields: expect.arrayContaining([field]),
      });
    }
  });

  test('a client address of any length or shape from X-Forwarded-For neither breaks nor bypasses throttling', async () => {
    for (const xff of [`${'1.'.repeat(500)}1`, 'not an address', '::1, 10.0.0.1']) {
      const login = await send(null, 'POST', '/api/auth/login', { username: 'nobody.here', password: 'wrong' }, { 'x-forwarded-for': xff });
      expect({ xff: xff.slice(0, 20), status: login.status }).toEqual({ xff: xff.slice(0, 20), status: 401 });
      const lookup = await send(null, 'GET', `/api/public/dossiers/${code}?verify=0000`, undefined, { 'x-forwarded-for': xff });
      expect({ xff: xff.slice(0, 20), status: lookup.status }).toEqual({ xff: xff.slice(0, 20), status: 404 });
    }
    const buckets = ((await s.engine.db('rate_limits').select('bucket')) as { bucket: string }[]).map((b) => b.bucket);
    expect(buckets.every((b) => b.length <= 200)).toBe(true);
    expect(buckets.filter((b) => b.startsWith('login:ip:sha256:')).length).toBeGreaterThanOrEqual(2);
  });
});
