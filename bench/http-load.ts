/**
 * Load generator for the HTTP benchmark: N virtual clients, each running full dossier lifecycles
 * through the REST API one request after another — receive at the counter (POST /api/dossiers), then
 * ASSIGN, COMPLETE_STEP (counter), COMPLETE_STEP (specialist), RECORD_RESULT (leader), RETURN_RESULT
 * (counter) with the version of the previous answer in If-Match — on keep-alive connections
 * (node:http Agent, one socket per client). Clients are spread over the server instances round-robin.
 * Every answer other than 2xx counts as an error; the lifecycle is then abandoned and a new one begins.
 */
import http from 'node:http';

export const ROLES = ['counter', 'specialist', 'leader'] as const;
export type Role = (typeof ROLES)[number];

/** One server instance and the bearer tokens of the three roles. */
export interface Endpoint {
  url: string;
  tokens: Record<Role, string>;
}

interface Answer {
  status: number;
  body: unknown;
  /** the body's size as sent (bytes after any content coding; the load asks for none) */
  bytes?: number;
}

/** One keep-alive HTTP/1.1 connection pool per server instance. */
export class JsonClient {
  private readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string, maxSockets: number) {
    const u = new URL(baseUrl);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  request(method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
    const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
    const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    if (payload) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    return new Promise((resolve, reject) => {
      const req = http.request({ host: this.host, port: this.port, method, path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const text = raw.toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : null;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body, bytes: raw.length });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Signs in the demo users (password "demo") once; sessions live in the database, so every instance accepts them. */
export async function login(client: JsonClient): Promise<Record<Role, string>> {
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    const res = await client.request('POST', '/api/auth/login', { body: { username: role, password: 'demo' } });
    if (res.status !== 200) throw new Error(`login ${role} failed: ${res.status} ${JSON.stringify(res.body)}`);
    tokens[role] = (res.body as { token: string }).token;
  }
  return tokens;
}

const STEPS: { role: Role; event: Record<string, unknown> }[] = [
  { role: 'counter', event: { type: 'ASSIGN', assignee: 'counter' } },
  { role: 'counter', event: { type: 'COMPLETE_STEP' } },
  { role: 'specialist', event: { type: 'COMPLETE_STEP' } },
  {
    role: 'leader',
    event: { type: 'RECORD_RESULT', documentNumber: '15/GCN-HKD', documentDate: '2026-03-05', signer: 'leader', digitised: true },
  },
  { role: 'counter', event: { type: 'RETURN_RESULT', method: 'counter' } },
];
/** events one lifecycle appends (the submission = SUBMIT + RECEIVE, then one per request) */
export const EVENTS_PER_LIFECYCLE = 2 + STEPS.length;

export interface LoadResult {
  clients: number;
  seconds: number;
  /** 2xx answers completed inside the measured window (each one moved a dossier) */
  requests: number;
  /** 2xx answers completed during the warm-up */
  warmupRequests: number;
  /** how long the warm-up took (it ends on time or on a count of transitions, whichever comes last) */
  warmupSeconds: number;
  /** events those requests appended (a submission appends SUBMIT and RECEIVE) */
  events: number;
  /** body bytes of those answers (the dossier view each one returns) */
  responseBytes: number;
  lifecycles: number;
  errors: number;
  errorSamples: string[];
  /** per request, ms, inside the window */
  latencies: number[];
  submitLatencies: number[];
  eventLatencies: number[];
  /** with `timeline`: each request inside the window, [start (epoch ms), ms, kind, its X-Bench-Request id, endpoint index] */
  timeline?: [number, number, 's' | 'e', string, number][];
}

function applicant(n: number) {
  const tail = String(n % 1_000_000).padStart(6, '0');
  return { fullName: `Nguyễn Văn Thử ${n}`, idNumber: `001190${tail}`, phone: `0912${tail}`, address: 'Phường Hoàn Kiếm, Hà Nội' };
}

/**
 * Runs `clients` virtual clients for warmupMs + durationMs; only what completes after the warm-up
 * counts (requests and lifecycles, latencies of requests that started after it).
 */
export async function runLoad(opts: {
  endpoints: Endpoint[];
  clients: number;
  warmupMs: number;
  /**
   * 2xx answers the servers give before the window may open (default 0): warm-up counted in work, not seconds, so the
   * window measures servers whose hot path V8 has finished compiling whatever the machine's load (at 15 transitions/s
   * a 10 s warm-up is 150 transitions, and the JIT compiler was then a fifth of the CPU, bench/RESULTS.md). The window
   * opens once both `warmupMs` and this many transitions are behind, or at `maxWarmupMs` (default 10 min) regardless.
   */
  warmupTransitions?: number;
  maxWarmupMs?: number;
  durationMs: number;
  /** called when the measured window opens and when it closes (to sample CPU counters over exactly that window) */
  onWindow?: (edge: 'start' | 'end') => void;
  /** keep each request's start and length and send it with an X-Bench-Request id (the benchmark's `--tail`) */
  timeline?: boolean;
}): Promise<LoadResult> {
  const perEndpoint = opts.endpoints.map((_, i) => Math.ceil((opts.clients - i) / opts.endpoints.length));
  const pools = opts.endpoints.map((e, i) => new JsonClient(e.url, Math.max(1, perEndpoint[i]!)));
  const started = performance.now();
  const warmupTransitions = opts.warmupTransitions ?? 0;
  const maxWarmupMs = Math.max(opts.warmupMs, opts.maxWarmupMs ?? 600_000);
  // both move once, when the window opens (timer or the warm-up's last transition)
  let windowStart = Infinity;
  let end = Infinity;
  const result: LoadResult = {
    clients: opts.clients,
    seconds: opts.durationMs / 1000,
    requests: 0,
    warmupRequests: 0,
    warmupSeconds: 0,
    events: 0,
    responseBytes: 0,
    lifecycles: 0,
    errors: 0,
    errorSamples: [],
    latencies: [],
    submitLatencies: [],
    eventLatencies: [],
    ...(opts.timeline ? { timeline: [] } : {}),
  };
  let requestId = 0;
  let serial = Math.floor(Math.random() * 1e6);

  const timed = async (
    client: JsonClient,
    kind: 'submit' | 'event',
    method: string,
    path: string,
    o: Parameters<JsonClient['request']>[2],
    endpoint: number,
  ): Promise<Answer | null> => {
    const id = String(++requestId);
    if (result.timeline) o = { ...o, headers: { ...o?.headers, 'X-Bench-Request': id } };
    const t0 = performance.now();
    let answer: Answer;
    try {
      answer = await client.request(method, path, o);
    } catch (err) {
      answer = { status: 0, body: err instanceof Error ? err.message : String(err) };
    }
    const t1 = performance.now();
    const ok = answer.status >= 200 && answer.status < 300;
    if (t0 >= windowStart && t1 <= end) {
      const ms = t1 - t0;
      result.latencies.push(ms);
      (kind === 'submit' ? result.submitLatencies : result.eventLatencies).push(ms);
      result.timeline?.push([performance.timeOrigin + t0, ms, kind === 'submit' ? 's' : 'e', id, endpoint]);
    }
    if (!ok) {
      result.errors += 1;
      if (result.errorSamples.length < 5)
        result.errorSamples.push(`${method} ${path} → ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
      return null;
    }
    if (t1 >= windowStart && t1 <= end) {
      result.requests += 1;
      result.events += kind === 'submit' ? 2 : 1;
      result.responseBytes += answer.bytes ?? 0;
    } else if (t1 < windowStart) {
      result.warmupRequests += 1;
      if (result.warmupRequests >= warmupTransitions && t1 >= started + opts.warmupMs) openWindow();
    }
    return answer;
  };

  const virtualClient = async (i: number) => {
    const endpoint = i % opts.endpoints.length;
    const ep = opts.endpoints[endpoint]!;
    const client = pools[i % pools.length]!;
    while (performance.now() < end) {
      const created = await timed(
        client,
        'submit',
        'POST',
        '/api/dossiers',
        {
          token: ep.tokens.counter,
          body: {
            procedureCode: '1.001612',
            channel: 'counter',
            applicant: applicant(serial++),
            documents: [{ name: 'Giấy đề nghị đăng ký hộ kinh doanh', copies: 1 }],
          },
        },
        endpoint,
      );
      if (!created) continue;
      const dossier = created.body as { code: string; version: number };
      let version = dossier.version;
      let done = true;
      for (const step of STEPS) {
        if (performance.now() >= end) {
          done = false;
          break;
        }
        const moved = await timed(
          client,
          'event',
          'POST',
          `/api/dossiers/${encodeURIComponent(dossier.code)}/events`,
          {
            token: ep.tokens[step.role],
            body: step.event,
            headers: { 'If-Match': `"${version}"` },
          },
          endpoint,
        );
        if (!moved) {
          done = false;
          break;
        }
        version = (moved.body as { version: number }).version;
      }
      const now = performance.now();
      if (done && now >= windowStart && now <= end) result.lifecycles += 1;
    }
  };

  // each edge fires once: on its timer (or the warm-up's last transition), or at the latest when the clients are done
  const fired = new Set<'start' | 'end'>();
  const edge = (e: 'start' | 'end') => {
    if (fired.has(e)) return;
    fired.add(e);
    opts.onWindow?.(e);
  };
  const timers: NodeJS.Timeout[] = [];
  function openWindow(): void {
    if (windowStart !== Infinity) return;
    windowStart = performance.now();
    end = windowStart + opts.durationMs;
    result.warmupSeconds = (windowStart - started) / 1000;
    edge('start');
    timers.push(setTimeout(() => edge('end'), Math.max(0, end - performance.now())));
  }
  // on time when no count is asked for (or none is reached before the time is up); the count opens it otherwise
  timers.push(setTimeout(openWindow, warmupTransitions > 0 ? maxWarmupMs : opts.warmupMs));
  try {
    await Promise.all(Array.from({ length: opts.clients }, (_, i) => virtualClient(i)));
  } finally {
    for (const t of timers) clearTimeout(t);
    edge('start');
    edge('end');
    for (const p of pools) p.close();
  }
  return result;
}
