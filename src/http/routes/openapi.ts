/**
 * The API reference, without login: GET /api/openapi.json (the OpenAPI 3.1 document) and GET /api/docs,
 * an HTML page rendered here from that document: no scripts, no external assets (the centre's
 * machines may have no internet).
 */
import type { RequestHandler } from 'express';
import { buildOpenApiDocument, type JsonSchema } from '../openapi';
import type { AppDeps } from '../deps';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * The two pages as handlers, for the app to register at their full paths (GET /api/openapi.json, GET /api/docs):
 * a router mounted at /api would be entered, and its prefix trimmed and restored, by every API request.
 */
export function openapiHandlers(_deps: AppDeps): { json: RequestHandler; docs: RequestHandler } {
  const doc = buildOpenApiDocument();
  const html = renderDocs(doc);
  return {
    json: (_req, res) => {
      res.json(doc);
    },
    docs: (_req, res) => {
      res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
      res.type('html').send(html);
    },
  };
}

const esc = (v: unknown) => String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const anchor = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '-');
const obj = (v: unknown): JsonSchema => (v && typeof v === 'object' ? (v as JsonSchema) : {});
const list = (v: unknown): JsonSchema[] => (Array.isArray(v) ? (v as JsonSchema[]) : []);

/** A schema's type in one line of HTML: links for components, unions with |. */
function typeOf(s: JsonSchema): string {
  if (typeof s.$ref === 'string') {
    const name = s.$ref.split('/').pop() ?? s.$ref;
    return `<a href="#schema-${anchor(name)}">${esc(name)}</a>`;
  }
  if (s.const !== undefined) return `<code>${esc(JSON.stringify(s.const))}</code>`;
  if (Array.isArray(s.enum)) return s.enum.map((v) => `<code>${esc(JSON.stringify(v))}</code>`).join(' | ');
  const union = list(s.oneOf).length ? list(s.oneOf) : list(s.anyOf);
  if (union.length) return union.map(typeOf).join(' | ');
  const types = Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === 'string' ? [s.type] : [];
  if (!types.length) return 'any';
  return types
    .map((t) =>
      t === 'array'
        ? `${typeOf(obj(s.items))}[]`
        : t === 'object' && s.additionalProperties && !s.properties
          ? `map of ${typeOf(obj(s.additionalProperties))}`
          : esc(t),
    )
    .join(' | ');
}

function constraints(s: JsonSchema): string {
  const out: string[] = [];
  const num = (k: string, label: string) => typeof s[k] === 'number' && Math.abs(s[k] as number) < MAX_SAFE && out.push(`${label} ${s[k]}`);
  if (typeof s.format === 'string') out.push(`format ${s.format}`);
  if (typeof s.pattern === 'string' && s.format === undefined) out.push(`pattern <code>${esc(s.pattern)}</code>`);
  num('minLength', 'min length');
  num('maxLength', 'max length');
  num('minimum', '≥');
  num('maximum', '≤');
  num('minItems', 'min items');
  num('maxItems', 'max items');
  if (s.default !== undefined) out.push(`default <code>${esc(JSON.stringify(s.default))}</code>`);
  return out.length ? `<div class="c">${out.join('; ')}</div>` : '';
}

/** An object schema as a table of its fields; nested inline objects get nested tables. */
function schemaHtml(s: JsonSchema, depth = 0, doc?: JsonSchema): string {
  const variants = list(s.oneOf);
  if (variants.length) {
    const item = (v: JsonSchema) =>
      doc ? `<details><summary>${typeOf(v)}</summary>${schemaHtml(resolve(v, doc), 1)}</details>` : typeOf(v);
    return `<p>${esc(s.description ?? 'One of:')}</p><ul>${variants.map((v) => `<li>${item(v)}</li>`).join('')}</ul>`;
  }
  const props = obj(s.properties);
  if (!Object.keys(props).length) return `<p>${typeOf(s)}${s.description ? ` — ${esc(s.description)}` : ''}</p>${constraints(s)}`;
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const rows = Object.entries(props).map(([name, raw]) => {
    const p = obj(raw);
    const inner = p.type === 'array' ? obj(p.items) : p;
    const nested = depth < 3 && !inner.$ref && Object.keys(obj(inner.properties)).length ? schemaHtml(inner, depth + 1) : '';
    return `<tr><td><code>${esc(name)}</code>${required.has(name) ? ' <b title="required">*</b>' : ''}</td><td>${typeOf(p)}</td><td>${esc(p.description ?? '')}${constraints(p)}${nested}</td></tr>`;
  });
  return `${depth === 0 && s.description ? `<p>${esc(s.description)}</p>` : ''}<table><tr><th>Trường / field</th><th>Kiểu / type</th><th>Mô tả / description</th></tr>${rows.join('')}</table>`;
}

/** A component reference replaced by the component itself. */
function resolve(s: JsonSchema, doc: JsonSchema): JsonSchema {
  return typeof s.$ref === 'string' ? obj(obj(obj(doc.components).schemas)[s.$ref.split('/').pop() ?? '']) : s;
}

function operationHtml(method: string, path: string, op: JsonSchema, doc: JsonSchema): string {
  const isPublic = Array.isArray(op.security) && op.security.length === 0;
  const params = list(op.parameters).map(
    (p) =>
      `<tr><td><code>${esc(p.name)}</code>${p.required ? ' <b>*</b>' : ''}</td><td>${esc(p.in)}</td><td>${typeOf(obj(p.schema))}</td><td>${esc(p.description ?? '')}${constraints(obj(p.schema))}</td></tr>`,
  );
  const body = obj(obj(obj(obj(op.requestBody).content)['application/json']).schema);
  const fileBody = obj(op.requestBody).content && !Object.keys(body).length ? String(obj(op.requestBody).description ?? 'a file') : null;
  const componentResponses = obj(obj(doc.components).responses);
  const responses = Object.entries(obj(op.responses)).map(([status, raw]) => {
    let res = obj(raw);
    if (typeof res.$ref === 'string') res = obj(componentResponses[res.$ref.split('/').pop() ?? '']);
    const content = obj(res.content);
    const type = Object.keys(content)[0];
    const schema = type ? obj(obj(content[type]).schema) : null;
    return `<li><b>${esc(status)}</b> ${esc(res.description ?? '')}${schema ? ` — ${typeOf(schema)}${type === 'application/json' ? '' : ` (${esc(type)})`}` : ''}</li>`;
  });
  return `<section class="op" id="op-${anchor(`${method}-${path}`)}">
<h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3>
<p>${esc(op.summary ?? '')} <span class="auth">${isPublic ? 'công khai / public' : 'cần đăng nhập / bearer token'}</span></p>
${op.description ? `<p>${esc(op.description)}</p>` : ''}
${params.length ? `<h4>Tham số / parameters</h4><table><tr><th>Tên</th><th>Ở</th><th>Kiểu</th><th>Mô tả</th></tr>${params.join('')}</table>` : ''}
${Object.keys(body).length ? `<h4>Nội dung gửi / request body: ${typeOf(body)}</h4>${schemaHtml(resolve(body, doc), 0, doc)}` : ''}
${fileBody ? `<h4>Nội dung gửi / request body: tệp / raw bytes</h4><p>${esc(fileBody)}</p>` : ''}
<h4>Trả về / responses</h4><ul>${responses.join('')}</ul></section>`;
}

/** The whole reference page. */
export function renderDocs(doc: JsonSchema): string {
  const info = obj(doc.info);
  const paths = obj(doc.paths);
  const ops: { tag: string; method: string; path: string; op: JsonSchema }[] = [];
  for (const [path, item] of Object.entries(paths))
    for (const method of METHODS) {
      const op = obj(obj(item)[method]);
      if (Object.keys(op).length) ops.push({ tag: String(list(op.tags)[0] ?? 'other'), method, path, op });
    }
  const tags = [...new Set(ops.map((o) => o.tag))];
  const nav = tags
    .map(
      (t) =>
        `<li>${esc(t)}<ul>${ops
          .filter((o) => o.tag === t)
          .map((o) => `<li><a href="#op-${anchor(`${o.method}-${o.path}`)}">${o.method.toUpperCase()} ${esc(o.path)}</a></li>`)
          .join('')}</ul></li>`,
    )
    .join('');
  const sections = tags
    .map(
      (t) =>
        `<h2 id="tag-${anchor(t)}">${esc(t)}</h2>${ops
          .filter((o) => o.tag === t)
          .map((o) => operationHtml(o.method, o.path, o.op, doc))
          .join('')}`,
    )
    .join('');
  const schemas = Object.entries(obj(obj(doc.components).schemas))
    .map(([name, s]) => `<section class="schema" id="schema-${anchor(name)}"><h3>${esc(name)}</h3>${schemaHtml(obj(s), 0, doc)}</section>`)
    .join('');
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)} — tài liệu API</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;display:flex;color:#1d2733}
nav{width:320px;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f4f6f8;padding:1em;box-sizing:border-box;font-size:13px}
nav ul{padding-left:1em;margin:.2em 0}main{padding:1em 2em;max-width:1000px}
table{border-collapse:collapse;margin:.4em 0;width:100%}td,th{border:1px solid #d5dbe1;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#eef1f4}.op,.schema{border-top:1px solid #d5dbe1;padding:.5em 0}.c{color:#5a6773;font-size:12px}
.m{display:inline-block;min-width:3.5em;text-align:center;border-radius:4px;color:#fff;font-size:13px;padding:0 .4em}
.get{background:#2f7d32}.post{background:#1f5fa8}.put{background:#a86b1f}.patch{background:#7a4fa8}.delete{background:#b3261e}
.auth{font-size:12px;color:#5a6773;border:1px solid #d5dbe1;border-radius:4px;padding:0 .4em}code{background:#f4f6f8;padding:0 .2em}
</style></head><body>
<nav><b>${esc(info.title)} ${esc(info.version)}</b><p><a href="openapi.json">openapi.json</a></p><ul>${nav}<li><a href="#schemas">Schemas</a></li></ul></nav>
<main><h1>${esc(info.title)} <small>${esc(info.version)}</small></h1><p>${esc(info.description ?? '')}</p>
<p>Xác thực / authentication: <code>Authorization: Bearer &lt;token&gt;</code>. Lỗi / errors: <a href="#schema-Error">Error</a>.</p>
${sections}<h2 id="schemas">Schemas</h2>${schemas}</main></body></html>`;
}
