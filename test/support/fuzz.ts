/**
 * What the route fuzzers (test/http/fuzz-*.test.ts) share: the routes as the OpenAPI document lists
 * them, raw HTTP requests (bytes exactly as generated: invalid UTF-8, NUL, bad percent-encoding,
 * no Content-Type…), a digest of every table to prove a rejected request changed nothing, the
 * error-shape check, and the fast-check arbitraries for hostile values, bodies, query strings, path
 * segments and headers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { Knex } from 'knex';
import { buildOpenApiDocument } from '../../src/http/openapi';
import { answerClientErrors } from '../../src/http/client-error';

// --- routes ------------------------------------------------------------------------------------

export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'patch';
  /** OpenAPI path template, e.g. /api/dossiers/{code}/events */
  path: string;
  /** no login needed */
  public: boolean;
  pathParams: string[];
  queryParams: string[];
  headerParams: string[];
  hasBody: boolean;
  /** the body is a file taken as raw bytes (POST /api/uploads), not JSON */
  fileBody: boolean;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are read loosely; the test asserts their shape

/** Every operation of the OpenAPI document the server serves at /api/openapi.json. */
export function documentedRoutes(): RouteSpec[] {
  const doc = buildOpenApiDocument() as Json;
  const out: RouteSpec[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const method of ['get', 'post', 'put', 'patch'] as const) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const params = (op.parameters ?? []) as { name: string; in: string }[];
      out.push({
        method,
        path,
        public: Array.isArray(op.security) && op.security.length === 0,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
        headerParams: params.filter((p) => p.in === 'header').map((p) => p.name),
        hasBody: op.requestBody !== undefined,
        fileBody: op.requestBody !== undefined && op.requestBody.content['application/json'] === undefined,
      });
    }
  }
  return out;
}

export const routeName = (r: Pick<RouteSpec, 'method' | 'path'>) => `${r.method.toUpperCase()} ${r.path}`;

// --- raw HTTP ----------------------------------------------------------------------------------

export interface RawRequest {
  method: string;
  /** path and query exactly as sent (latin-1 bytes 0x21–0xff) */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** the parsed body when it is JSON */
  json: unknown;
}

export interface Listening {
  port: number;
  close(): Promise<void>;
}

/** Serves the app on a free port as src/main.ts does: an HTTP server that answers parser errors in the API's shape. */
export async function listen(app: http.RequestListener): Promise<Listening> {
  const server = http.createServer(app);
  answerClientErrors(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** Sends the request byte for byte; resolves with the answer (rejects only if there is none). */
export function rawRequest(port: number, req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined && headers['transfer-encoding'] === undefined) headers['content-length'] = req.body.length;
    const r = http.request(
      { host: '127.0.0.1', port, method: req.method, path: req.path, headers, agent, insecureHTTPParser: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const text = body.toString('utf8');
          let json: unknown;
          if (/application\/json/.test(String(res.headers['content-type'] ?? ''))) {
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json });
        });
      },
    );
    // the server may answer (413, 415) before reading the whole body and close: the answer still counts
    r.on('error', (err) => reject(err));
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

// --- the error shape ---------------------------------------------------------------------------

/** null when the answer is an error with exactly {error: {code, message, details?}}, else what is wrong. */
export function errorShapeProblem(res: RawResponse): string | null {
  if (!/^application\/json/.test(String(res.headers['content-type'] ?? '')))
    return `${res.status} with content-type ${String(res.headers['content-type'])}`;
  const b = res.json as Json | undefined;
  if (!b || typeof b !== 'object' || Array.isArray(b)) return 'body is not an object';
  if (Object.keys(b).join() !== 'error') return `top-level keys ${Object.keys(b).join()}`;
  const e = b.error as Json;
  if (!e || typeof e !== 'object') return 'error is not an object';
  const extra = Object.keys(e).filter((k) => !['code', 'message', 'details'].includes(k));
  if (extra.length) return `extra keys ${extra.join()}`;
  if (typeof e.code !== 'string' || !/^[A-Z_]+$/.test(e.code)) return `code ${JSON.stringify(e.code)}`;
  if (typeof e.message !== 'string' || e.message.length === 0) return 'message missing';
  if (e.details !== undefined && (typeof e.details !== 'object' || e.details === null || Array.isArray(e.details)))
    return 'details is not an object';
  if (e.code === 'VALIDATION_FAILED') {
    const issues = (e.details as Json | undefined)?.issues;
    if (!Array.isArray(issues) || issues.length === 0) return 'VALIDATION_FAILED without details.issues';
    for (const i of issues as Json[]) {
      if (typeof i.field !== 'string' || !i.field || typeof i.reason !== 'string' || !i.reason)
        return `issue without field and reason: ${JSON.stringify(i)}`;
    }
  }
  return null;
}

// --- database digest ---------------------------------------------------------------------------

export async function tableNames(db: Knex): Promise<string[]> {
  if (db.client.config.client === 'pg') {
    const rows = (
      await db.raw(
        `select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`,
      )
    ).rows as { name: string }[];
    return rows.map((r) => r.name).sort();
  }
  const rows = (await db.raw(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`)) as { name: string }[];
  return rows.map((r) => r.name).sort();
}

/** One statement reading every row of every table as JSON text, tagged with its table. */
async function digestQuery(db: Knex, tables: readonly string[]): Promise<string> {
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  if (db.client.config.client === 'pg')
    return tables.map((t) => `select '${t}' as t, row_to_json(x)::text as r from ${q(t)} x`).join(' union all ');
  const parts: string[] = [];
  for (const t of tables) {
    const cols = ((await db.raw(`pragma table_info(${q(t)})`)) as { name: string }[]).map((c) => c.name);
    parts.push(`select '${t}' as t, json_array(${cols.map(q).join(', ')}) as r from ${q(t)}`);
  }
  return parts.join(' union all ');
}

const digestSql = new WeakMap<Knex, { tables: string; sql: string }>();

/** Per table: row count and a hash of the rows (order-independent), read in one statement. */
export async function digestTables(db: Knex, tables: readonly string[]): Promise<Record<string, string>> {
  let cached = digestSql.get(db);
  if (!cached || cached.tables !== tables.join()) {
    cached = { tables: tables.join(), sql: await digestQuery(db, tables) };
    digestSql.set(db, cached);
  }
  const result = await db.raw(cached.sql);
  const rows = (Array.isArray(result) ? result : result.rows) as { t: string; r: string }[];
  const byTable = new Map<string, string[]>(tables.map((t) => [t, []]));
  for (const row of rows) byTable.get(row.t)!.push(row.r);
  const out: Record<string, string> = {};
  for (const [t, lines] of byTable)
    out[t] = `${lines.length}:${createHash('sha256').update(lines.sort().join('\n')).digest('hex').slice(0, 16)}`;
  return out;
}

export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);
}

// --- hostile values ----------------------------------------------------------------------------

/** Strings that have broken parsers, databases, templates and time handling somewhere. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  "' OR '1'='1' --",
  '"; DROP TABLE dossiers; --',
  '1; SELECT pg_sleep(1)--',
  '%',
  '_',
  '\\',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '{{constructor.constructor("return 1")()}}',
  '${7*7}',
  '../../../../etc/passwd',
  '\uD800',
  '\uFFFE',
  '\u202Eevil',
  'Ω≈ç√∫˜µ≤≥÷',
  '𝕳𝖔𝖆',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '-0',
  '0x1F',
  '9007199254740993',
  '2147483648',
  '99999999999',
  '99999999999999999999999999',
  '2026-02-30',
  '2026-13-01',
  '0000-00-00',
  '9999-12-31',
  '2026-03-03T25:61:00Z',
  '2026-03-03T09:00:00+99:00',
  '2026-03-03T09:00:00 Asia/Ho_Chi_Minh',
  '+275760-09-13T00:00:00.001Z',
  '-271821-04-20T00:00:00Z',
  '2026-W54',
  '2026-W00',
  '0001-W01',
  '2026-00',
  '1969-12',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  '000.00.12.H29-260303-0001',
  'a'.repeat(5000),
];

export const NASTY_NUMBERS = [-1, 0, -0, 1.5, 2 ** 31, 2 ** 53 + 2, 1e308, -1e308, 5e-324, 1e21];

const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

/** A JSON tree whose objects are entry lists, so keys like __proto__ survive to the wire. */
export type Tree = null | boolean | number | string | Tree[] | { entries: [string, Tree][] };

const specialKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '',
  'type',
  'expectedVersion',
);
const anyKey = fc.oneof({ weight: 1, arbitrary: specialKey }, { weight: 5, arbitrary: fc.string({ maxLength: 12 }) });
const scalar: fc.Arbitrary<Tree> = fc.oneof(
  nastyString,
  fc.constantFrom(...NASTY_NUMBERS),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

export const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.array(fc.tuple(anyKey, tie('tree')), { maxLength: 4 }).map((entries) => ({ entries })),
  ),
})).tree;

/** A plain JS value (from a template) as a tree. */
export function toTree(v: unknown): Tree {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(toTree);
  if (typeof v === 'object') return { entries: Object.entries(v as object).map(([k, x]) => [k, toTree(x)]) };
  return null;
}

/** JSON text of a tree; numbers too big for JSON stay as written (e.g. 1e309 → 1e309 in text). */
export function treeJson(t: Tree): string {
  if (t === null || typeof t === 'boolean' || typeof t === 'string') return JSON.stringify(t);
  if (typeof t === 'number') return Number.isFinite(t) ? JSON.stringify(t) : '1e309';
  if (Array.isArray(t)) return `[${t.map(treeJson).join(',')}]`;
  return `{${t.entries.map(([k, v]) => `${JSON.stringify(k)}:${treeJson(v)}`).join(',')}}`;
}

type Path = (string | number)[];

function paths(t: Tree, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(t)) t.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (t && typeof t === 'object') t.entries.forEach(([, x], i) => out.push(...paths(x, [...at, i])));
  return out;
}

function edit(t: Tree, path: Path, f: (node: Tree) => Tree | undefined): Tree | undefined {
  if (path.length === 0) return f(t);
  const [head, ...rest] = path as [number, ...Path];
  if (Array.isArray(t)) {
    const next = edit(t[head]!, rest, f);
    return next === undefined ? t.filter((_, i) => i !== head) : t.map((x, i) => (i === head ? next : x));
  }
  if (t && typeof t === 'object') {
    const next = edit(t.entries[head]![1], rest, f);
    return {
      entries: next === undefined ? t.entries.filter((_, i) => i !== head) : t.entries.map((e, i) => (i === head ? [e[0], next] : e)),
    };
  }
  return t;
}

export type Mutation =
  | { op: 'keep' }
  | { op: 'drop'; at: number }
  | { op: 'replace'; at: number; value: Tree }
  | { op: 'addKey'; at: number; key: string; value: Tree }
  | { op: 'wrap'; at: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ op: 'keep' as const }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('drop' as const), at: fc.nat() }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: treeArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('addKey' as const), at: fc.nat(), key: anyKey, value: treeArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('wrap' as const), at: fc.nat() }) },
);

/** Applies mutations in turn; positions are taken modulo the number of nodes. */
export function mutate(template: Tree, mutations: readonly Mutation[]): Tree {
  let t = template;
  for (const m of mutations) {
    if (m.op === 'keep') continue;
    const all = paths(t);
    const at = all[m.at % all.length]!;
    if (m.op === 'drop') t = at.length === 0 ? t : (edit(t, at, () => undefined) ?? null);
    else if (m.op === 'replace') t = edit(t, at, () => m.value) ?? null;
    else if (m.op === 'wrap') t = edit(t, at, (n) => [n]) ?? null;
    else
      t = edit(t, at, (n) => (n && typeof n === 'object' && !Array.isArray(n) ? { entries: [...n.entries, [m.key, m.value]] } : n)) ?? null;
  }
  return t;
}

export const mutationsArb = fc.array(mutationArb, { minLength: 1, maxLength: 3 });

// --- bodies ------------------------------------------------------------------------------------

export const BODY_LIMIT_BYTES = 256 * 1024;

export type BodyKind =
  { kind: 'none' } | { kind: 'template'; mutations: Mutation[] } | { kind: 'tree'; tree: Tree } | { kind: 'raw'; name: string };

/** Raw bodies: broken JSON, hostile nesting and sizes, invalid UTF-8 and NUL bytes. */
export function rawBody(name: string, template: Tree): Buffer {
  const json = treeJson(template);
  switch (name) {
    case 'truncated':
      return Buffer.from(json.slice(0, Math.max(1, Math.floor(json.length / 2))));
    case 'empty':
      return Buffer.alloc(0);
    case 'garbage':
      return Buffer.from("{'a': 1, b: NaN, c: undefined,}");
    case 'json-scalar':
      return Buffer.from('"just a string"');
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]);
    case 'deep-array':
      return Buffer.from('['.repeat(60_000) + ']'.repeat(60_000));
    case 'deep-object':
      return Buffer.from('{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000));
    case 'duplicate-keys':
      return Buffer.from(json.replace(/^\{/, '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},'));
    case 'near-limit':
      return Buffer.from(json.replace(/^\{/, `{"note":"${'x'.repeat(BODY_LIMIT_BYTES - 1024)}",`));
    case 'over-limit':
      return Buffer.from(`{"note":"${'x'.repeat(BODY_LIMIT_BYTES + 1024)}"}`);
    case 'invalid-utf8':
      return Buffer.concat([Buffer.from('{"note":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from('"}')]);
    case 'nul-bytes':
      return Buffer.concat([Buffer.from(json.slice(0, -1)), Buffer.from(',"x\u0000":"\u0000"'), Buffer.from([0x00]), Buffer.from('}')]);
    case 'utf16':
      return Buffer.from(json, 'utf16le');
    default:
      throw new Error(`unknown raw body ${name}`);
  }
}

export const RAW_BODIES = [
  'truncated',
  'empty',
  'garbage',
  'json-scalar',
  'bom',
  'deep-array',
  'deep-object',
  'duplicate-keys',
  'near-limit',
  'over-limit',
  'invalid-utf8',
  'nul-bytes',
  'utf16',
];

export const bodyArb: fc.Arbitrary<BodyKind> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 3, arbitrary: fc.constant<BodyKind>({ kind: 'template', mutations: [{ op: 'keep' }] }) },
  { weight: 8, arbitrary: mutationsArb.map((mutations) => ({ kind: 'template' as const, mutations })) },
  { weight: 2, arbitrary: treeArb.map((tree) => ({ kind: 'tree' as const, tree })) },
  { weight: 3, arbitrary: fc.constantFrom(...RAW_BODIES).map((name) => ({ kind: 'raw' as const, name })) },
);

export function bodyBytes(b: BodyKind, template: Tree): Buffer | undefined {
  if (b.kind === 'none') return undefined;
  if (b.kind === 'template') return Buffer.from(treeJson(mutate(template, b.mutations)));
  if (b.kind === 'tree') return Buffer.from(treeJson(b.tree));
  return rawBody(b.name, template);
}

export const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=UTF-16',
  'application/json; charset=latin1',
  'application/json;;;',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/vnd.api+json',
  '*/*',
  'json',
  '',
];

/** undefined: no Content-Type header at all. */
export const contentTypeArb: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  { weight: 4, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

// --- URLs and headers --------------------------------------------------------------------------

/** Path segments as they go on the wire (already encoded, or deliberately not). */
export const RAW_SEGMENTS = [
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AE%C0%AE',
  '%00',
  '%2F',
  '..',
  '%2e%2e',
  '.',
  '%20',
  '%FF%FE',
  '\u00e9\u00ff',
  'A'.repeat(3000),
  '%25',
  ';x=1',
  '%0d%0aX-Injected:%201',
  'NaN',
  '-1',
  '1e3',
  '0x7EA',
  '2026.5',
  '99999999999999999999',
];

export const segmentArb = (valid: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: valid.length ? 6 : 0, arbitrary: valid.length ? fc.constantFrom(...valid).map(encodeURIComponent) : fc.constant('x') },
    { weight: 3, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
    { weight: 3, arbitrary: nastyString.filter((s) => s.length > 0).map((s) => encodeSegment(s)) },
  );

/** encodeURIComponent that survives lone surrogates (encoded as their UTF-8-ish replacement). */
function encodeSegment(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '\uFFFD')) + '%ED%A0%80';
  }
}

export interface QueryFuzz {
  mutations: { key: string; value: string | null }[];
  raw: string[];
}

const RAW_QUERY_PARTS = [
  'a=%zz',
  '%E0%A4%A=1',
  'x[y]=1',
  'x[y][z]=2',
  '__proto__=1',
  '__proto__[polluted]=1',
  'constructor[prototype][polluted]=1',
  '&&&',
  '=',
  '==',
  'limit=1&limit=2',
  'q',
  'q=%00',
  'format=xlsx&format=csv',
  `q=${'x'.repeat(8000)}`,
];

/** A quarter of the query strings are the template as is, so that requests also get past validation. */
export const queryArb = (known: readonly string[]): fc.Arbitrary<QueryFuzz> =>
  fc.oneof({ weight: 1, arbitrary: fc.constant<QueryFuzz>({ mutations: [], raw: [] }) }, { weight: 3, arbitrary: hostileQueryArb(known) });

const hostileQueryArb = (known: readonly string[]): fc.Arbitrary<QueryFuzz> =>
  fc.record({
    mutations: fc.array(
      fc.record({
        key: fc.oneof(
          { weight: 4, arbitrary: known.length ? fc.constantFrom(...known) : fc.constant('q') },
          { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'unknownField', 'limit', 'format', 'cursor', '') },
        ),
        value: fc.oneof(nastyString, fc.constant(null)),
      }),
      { maxLength: 3 },
    ),
    raw: fc.oneof(fc.constant<string[]>([]), fc.array(fc.constantFrom(...RAW_QUERY_PARTS), { minLength: 1, maxLength: 2 })),
  });

/** The query string: the template with the mutations applied (null drops the key), then raw parts. */
export function queryString(template: Record<string, string>, q: QueryFuzz): string {
  const entries = new Map(Object.entries(template));
  for (const m of q.mutations) {
    if (m.value === null) entries.delete(m.key);
    else entries.set(m.key, m.value);
  }
  const parts = [...entries].map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(v)}`).concat(q.raw);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Header values as Node lets them be sent (tab, printable ASCII, latin-1). */
export const headerValueArb = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '"3"',
    'W/"3"',
    '*',
    '-1',
    '99999999999999999999',
    '"',
    'abc',
    'x'.repeat(8000),
    '1, 2',
    '\u00ff\u00fe',
    "' OR 1=1 --",
    '<script>',
  ),
  fc.string({ maxLength: 30 }).map((s) => s.replace(/[^\t\x20-\x7e]/g, '?')),
);

export const AUTH_JUNK = [
  'Bearer',
  'Bearer ',
  'Bearer x',
  `Bearer ${'a'.repeat(5000)}`,
  'Basic YWRtaW46ZGVtbw==',
  'bearer  ',
  'Token abc',
  'Bearer \u00ff\u00fe',
];
