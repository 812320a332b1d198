/**
 * Local HTTP servers that enforce the providers' contracts exactly, for the SMS and Zalo channel tests:
 * - the SMS gateway of docs/integration.md ("SMS gateway contract");
 * - Zalo ZNS's template message API (POST /message/template, header access_token, body phone/template_id/
 *   template_data/tracking_id; answers {error, message, data}).
 * A request that breaks the contract is refused the way the provider would, and recorded in `violations`, so
 * a test can assert there were none. `script` queues the next answers (e.g. a 503, then normal service).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodingOf, splitSms } from '../../machines/notify/sms';

export interface Recorded {
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface ProviderServer {
  url: string;
  /** requests that met the contract and were accepted (duplicates by key excluded) */
  accepted: Recorded[];
  /** every request received */
  received: Recorded[];
  violations: string[];
  /** the next answers, consumed one per request before the normal one */
  script: { status: number; body: unknown; headers?: Record<string, string> }[];
  close(): Promise<void>;
}

async function serve(
  path: string,
  check: (req: Recorded, s: ProviderServer) => { status: number; body: unknown; accept?: boolean; headers?: Record<string, string> },
): Promise<ProviderServer> {
  const s: ProviderServer = { url: '', accepted: [], received: [], violations: [], script: [], close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
        res.end(JSON.stringify(body));
      };
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        s.violations.push('body is not JSON');
        return send(400, { error: 'body is not JSON' });
      }
      const rec = { headers: req.headers, body };
      s.received.push(rec);
      if (req.method !== 'POST' || req.url !== path) {
        s.violations.push(`${req.method} ${req.url}`);
        return send(404, { error: 'not found' });
      }
      if (!/^application\/json/.test(String(req.headers['content-type']))) {
        s.violations.push(`content-type ${req.headers['content-type']}`);
        return send(415, { error: 'expected application/json' });
      }
      const scripted = s.script.shift();
      if (scripted) return send(scripted.status, scripted.body, scripted.headers);
      const answer = check(rec, s);
      if (answer.accept) s.accepted.push(rec);
      send(answer.status, answer.body, answer.headers);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  s.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  s.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return s;
}

/** The SMS gateway contract (docs/integration.md): bearer key, Idempotency-Key = reference, exact body, length rules. */
export function startSmsGateway(apiKey: string): Promise<ProviderServer> {
  const seen = new Map<string, string>();
  return serve('/sms/send', ({ headers, body }, s) => {
    const bad = (why: string, status = 400) => {
      s.violations.push(why);
      return { status, body: { error: why } };
    };
    if (headers.authorization !== `Bearer ${apiKey}`) return bad('wrong or missing bearer key', 401);
    const keys = Object.keys(body).sort().join(',');
    if (keys !== 'encoding,reference,segments,sender,text,to') return bad(`body fields ${keys}`);
    const { to, sender, text, encoding, segments, reference } = body as Record<string, unknown>;
    if (headers['idempotency-key'] !== reference) return bad('Idempotency-Key differs from reference');
    if (typeof to !== 'string' || !/^\d{8,15}$/.test(to)) return bad(`to ${String(to)}: expected international digits without +`);
    if (typeof sender !== 'string' || !/^[A-Za-z0-9 ._-]{1,11}$/.test(sender)) return bad('sender');
    if (typeof text !== 'string' || !text || typeof reference !== 'string') return bad('text and reference');
    if (encoding !== encodingOf(text)) return bad(`encoding ${String(encoding)} for this text is ${encodingOf(text)}`);
    if (segments !== splitSms(text).segments.length) return bad(`segments ${String(segments)}`);
    const earlier = seen.get(reference);
    if (earlier) return { status: 200, body: { id: earlier, status: 'duplicate' } };
    const id = `sms-${seen.size + 1}`;
    seen.set(reference, id);
    return { status: 202, body: { id, status: 'accepted' }, accept: true };
  });
}

/** Zalo ZNS's template message API, with the templates the OA registered (id → the parameters it needs). */
export function startZalo(accessToken: string, templates: Record<string, string[]>): Promise<ProviderServer> {
  let n = 0;
  return serve('/message/template', ({ headers, body }, s) => {
    const err = (code: number, message: string) => {
      s.violations.push(`${code} ${message}`);
      return { status: 200, body: { error: code, message } };
    };
    if (headers.access_token !== accessToken) return err(-124, 'Access token is invalid');
    const keys = Object.keys(body).sort().join(',');
    if (keys !== 'phone,template_data,template_id,tracking_id') return err(-106, `body fields ${keys}`);
    const { phone, template_id, template_data, tracking_id } = body as Record<string, unknown>;
    if (typeof phone !== 'string' || !/^84\d{9,10}$/.test(phone)) return err(-108, 'Phone number invalid');
    const params = templates[String(template_id)];
    if (!params) return err(-109, 'Template ID invalid');
    if (!template_data || typeof template_data !== 'object') return err(-111, 'Template data empty');
    for (const p of params)
      if (typeof (template_data as Record<string, unknown>)[p] !== 'string') return err(-112, `Template data invalid: ${p}`);
    if (typeof tracking_id !== 'string' || tracking_id.length > 48) return err(-106, 'tracking_id');
    n += 1;
    return { status: 200, body: { error: 0, message: 'Success', data: { msg_id: `zns-${n}`, sent_time: '1764849600000' } }, accept: true };
  });
}
