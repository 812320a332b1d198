/**
 * The API reference: an OpenAPI 3.1 document generated from the zod schemas, listing every route,
 * and a readable HTML page rendered from it, both served without login.
 */
import { CommandSchemas } from '../../machines/engine/commands';
import { BACKENDS } from '../support/backends';
import { startServer, type TestServer } from '../support/server';

const ROUTES: [string, string][] = [
  ['post', '/api/auth/login'],
  ['post', '/api/auth/logout'],
  ['get', '/api/auth/me'],
  ['get', '/api/procedures'],
  ['get', '/api/procedures/{code}'],
  ['post', '/api/procedures'],
  ['put', '/api/procedures/{code}'],
  ['post', '/api/dossiers'],
  ['get', '/api/dossiers'],
  ['get', '/api/dossiers/{code}'],
  ['post', '/api/dossiers/{code}/events'],
  ['get', '/api/dossiers/{code}/events'],
  ['get', '/api/dossiers/{code}/forms/{form}'],
  ['get', '/api/public/dossiers/{code}'],
  ['post', '/api/users'],
  ['get', '/api/users'],
  ['patch', '/api/users/{username}'],
  ['get', '/api/dossiers/{code}/signers'],
  ['get', '/api/dossiers/{code}/assignees'],
  ['get', '/api/calendar/{year}'],
  ['put', '/api/calendar/{year}'],
  ['get', '/health'],
  ['get', '/ready'],
  ['get', '/api/dossiers/{code}/replay'],
  ['get', '/api/dossiers/{code}/verify'],
  ['get', '/api/dossiers/{code}/export'],
  ['get', '/api/audit/verify'],
  ['get', '/api/audit/checkpoints'],
  ['post', '/api/audit/checkpoints'],
  ['get', '/api/machines'],
  ['get', '/api/metrics/compliance'],
  ['get', '/api/metrics/digitisation'],
  ['get', '/api/metrics/apology-missing'],
  ['get', '/api/metrics/definitions'],
  ['get', '/api/reports/weekly-late-review'],
  ['post', '/api/reports/weekly-late-review/notes'],
  ['post', '/api/reports/weekly-late-review/sign-off'],
  ['get', '/api/reports/monthly'],
  ['post', '/api/admin/sweep'],
  ['put', '/api/test/clock'],
  ['get', '/api/audit/record-views'],
  ['get', '/metrics'],
  ['get', '/api/uploads/limits'],
  ['post', '/api/uploads'],
  ['get', '/api/dossiers/{code}/documents'],
  ['get', '/api/dossiers/{code}/documents/reusable'],
  ['get', '/api/dossiers/{code}/documents/{documentId}/file'],
  ['get', '/api/public/dossiers/{code}/result-document'],
];

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are read loosely; the test asserts their shape

describe('the API reference', () => {
  let server: TestServer;
  let doc: Json;
  const schemas = () => doc.components.schemas as Record<string, Json>;
  const resolve = (s: Json): Json => (s.$ref ? schemas()[String(s.$ref).replace('#/components/schemas/', '')]! : s);

  beforeAll(async () => {
    server = await startServer(BACKENDS[0]!);
    const res = await server.http.get('/api/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(async () => {
    await server.close();
  });

  test('the document is valid-looking OpenAPI 3.1 with a bearer scheme and the common error schema', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toEqual(expect.objectContaining({ title: expect.any(String), version: expect.any(String) }));
    expect(typeof doc.paths).toBe('object');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(resolve(doc.components.responses.TooManyRequests.content['application/json'].schema).required).toEqual(['error']);
    // every $ref points at something that exists
    for (const m of JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/(schemas|responses)\/([^"]+)"/g)) {
      expect(doc.components[m[1]!][m[2]!]).toBeDefined();
    }
  });

  test('every route of the API is listed, with error answers and login only where needed', () => {
    for (const [method, path] of ROUTES) {
      const op = doc.paths[path]?.[method];
      expect({ route: `${method} ${path}`, listed: op !== undefined }).toEqual({ route: `${method} ${path}`, listed: true });
    }
    const lookup = doc.paths['/api/public/dossiers/{code}'].get;
    expect(lookup.security).toEqual([]);
    expect(Object.keys(lookup.responses).sort()).toEqual(['200', '400', '404', '429']);
    expect(doc.paths['/api/dossiers/{code}/events'].post.responses['428']).toBeDefined();
    expect(doc.paths['/api/dossiers'].post.parameters.map((p: Json) => p.name)).toContain('Idempotency-Key');
    expect(doc.paths['/api/dossiers/{code}/events'].post.parameters.map((p: Json) => p.name)).toContain('If-Match');
    expect(doc.paths['/api/dossiers'].get.parameters.map((p: Json) => p.name)).toEqual(
      expect.arrayContaining(['state', 'limit', 'cursor']),
    );
  });

  test('every JSON success answer is described by a named schema, never a placeholder', () => {
    const placeholders: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Json>))
      for (const [method, op] of Object.entries(ops as Record<string, Json>))
        for (const [status, r] of Object.entries(op.responses as Record<string, Json>)) {
          const schema = r.content?.['application/json']?.schema as Json | undefined;
          if (!status.startsWith('2') || !r.content?.['application/json']) continue;
          const named = (s: Json | undefined): boolean => Boolean(s?.$ref) || (s?.type === 'array' && named(s.items));
          if (!named(schema)) placeholders.push(`${method} ${path} ${status}`);
        }
    expect(placeholders).toEqual([]);
    expect(doc.paths['/api/audit/checkpoints'].post.responses['201'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CreatedCheckpoint',
    });
  });

  test('the two reports describe their JSON by a schema and list their other formats', () => {
    for (const [path, name] of [
      ['/api/reports/weekly-late-review', 'WeeklyReview'],
      ['/api/reports/monthly', 'MonthlyReport'],
    ] as const) {
      const content = doc.paths[path].get.responses['200'].content;
      expect(content['application/json'].schema).toEqual({ $ref: `#/components/schemas/${name}` });
      expect(Object.keys(content).sort()).toEqual([
        'application/json',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'text/csv',
        'text/html',
      ]);
    }
    const review = schemas().WeeklyReview!;
    expect(review.required).toEqual(expect.arrayContaining(['week', 'asOf', 'review', 'trend', 'dossiers', 'totals', 'followUp']));
    expect(resolve(review.properties.dossiers.items).properties.category.enum).toEqual(['resolved_late', 'overdue', 'at_risk']);
    expect(resolve(schemas().MonthlyReport!.properties.total).required).toEqual(
      expect.arrayContaining(['channel', 'received', 'returned']),
    );
  });

  test('the submission body schema requires procedureCode/channel/applicant/documents', () => {
    const body = resolve(doc.paths['/api/dossiers'].post.requestBody.content['application/json'].schema);
    expect(body.type).toBe('object');
    expect(body.required).toEqual(expect.arrayContaining(['procedureCode', 'channel', 'applicant', 'documents']));
    expect(body.required).not.toContain('note');
    expect(body.properties.channel.enum).toEqual(['counter', 'online', 'postal']);
  });

  test('an upload takes the file itself as the body, and the documents routes answer their schemas', () => {
    const upload = doc.paths['/api/uploads'].post;
    expect(Object.keys(upload.requestBody.content)).toEqual(['*/*']);
    expect(Object.keys(upload.responses).sort()).toEqual(['201', '400', '401', '403', '413', '415']);
    expect(resolve(upload.responses['201'].content['application/json'].schema).required).toEqual(['sha256', 'size', 'mediaType']);
    const list = resolve(doc.paths['/api/dossiers/{code}/documents'].get.responses['200'].content['application/json'].schema);
    expect(resolve(list.items).required).toEqual(expect.arrayContaining(['id', 'kind', 'component', 'form', 'versions']));
    const file = doc.paths['/api/dossiers/{code}/documents/{documentId}/file'].get;
    expect(file.parameters.map((p: Json) => p.name)).toEqual(['code', 'documentId', 'version']);
    expect(file.responses['200'].headers['X-Content-Type-Options']).toBeDefined();
    const result = doc.paths['/api/public/dossiers/{code}/result-document'].get;
    expect(result.security).toEqual([]);
    expect(Object.keys(result.responses).sort()).toEqual(['200', '400', '404', '429']);
  });

  test('each event type appears in the events body oneOf', () => {
    const body = resolve(doc.paths['/api/dossiers/{code}/events'].post.requestBody.content['application/json'].schema);
    const variants = (body.oneOf as Json[]).map(resolve);
    const types = variants.map((v) => v.properties.type.const);
    expect(types.sort()).toEqual(Object.keys(CommandSchemas).sort());
    for (const v of variants) {
      expect(v.required).toContain('type');
      expect(v.properties.expectedVersion).toBeDefined();
      expect(v.required).not.toContain('expectedVersion');
    }
    const requestSupplement = variants.find((v) => v.properties.type.const === 'REQUEST_SUPPLEMENT')!;
    expect(requestSupplement.required).toEqual(expect.arrayContaining(['missing', 'reason']));
  });

  test('/api/docs returns HTML that names the routes, using no external resources', async () => {
    const res = await server.http.get('/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    for (const [method, path] of ROUTES) {
      expect(res.text).toContain(path);
      expect(res.text).toContain(method.toUpperCase());
    }
    expect(res.text).not.toMatch(/<script|https?:\/\/(?!json-schema)/i);
  });

  test('other paths under /api are not answered by the reference', async () => {
    const res = await server.http.get('/api/openapi.yaml');
    expect(res.status).not.toBe(200);
  });
});
