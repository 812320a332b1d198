/**
 * A client of a server process over real HTTP (Node's fetch: undici, keep-alive connections), and the
 * client's own record of what the server acknowledged.
 *
 * A request either got an answer (a status, maybe an error body) or did not (connection refused or cut,
 * e.g. by a SIGKILL): the latter is "unknown" — it may or may not have been committed — and is never
 * counted as acknowledged.
 */
export interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read loosely; each test asserts their shape
  body: any;
  headers: Headers;
}

export class NoAnswer extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    override readonly cause: unknown,
  ) {
    super(`${method} ${path}: no answer (${(cause as Error)?.message ?? cause})`);
  }
}

export interface CallOptions {
  /** a demo user (password "demo") to sign in as; re-signed in once when the session has expired */
  as?: string;
  body?: unknown;
  /** sent as the raw request body instead of JSON (an upload) */
  bytes?: Buffer;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export class ApiClient {
  private readonly tokens = new Map<string, string>();
  private readonly logins = new Map<string, Promise<string>>();

  constructor(readonly baseUrl: string) {}

  /**
   * One sign-in per user at a time: parallel workers share the login in flight, as a browser tab would, because
   * the login throttle counts attempts in flight (issue 17) and a burst of sign-ins for one account is refused.
   */
  async login(username: string, fresh = false): Promise<string> {
    const cached = this.tokens.get(username);
    if (cached && !fresh) return cached;
    const pending = this.logins.get(username);
    if (pending) return pending;
    const attempt = (async () => {
      const res = await this.raw('POST', '/api/auth/login', { body: { username, password: 'demo' } });
      if (res.status !== 200) throw new Error(`login ${username} at ${this.baseUrl}: ${res.status} ${JSON.stringify(res.body)}`);
      this.tokens.set(username, res.body.token);
      return res.body.token as string;
    })();
    this.logins.set(username, attempt);
    try {
      return await attempt;
    } finally {
      this.logins.delete(username);
    }
  }

  /** A request; throws NoAnswer when no HTTP answer came back. */
  async call(method: string, path: string, opts: CallOptions = {}): Promise<Reply> {
    if (!opts.as) return this.raw(method, path, opts);
    const first = await this.raw(method, path, {
      ...opts,
      headers: { ...opts.headers, Authorization: `Bearer ${await this.login(opts.as)}` },
    });
    if (first.status !== 401) return first;
    return this.raw(method, path, { ...opts, headers: { ...opts.headers, Authorization: `Bearer ${await this.login(opts.as, true)}` } });
  }

  /** Sets the server's clock (MOTCUA_TEST_CLOCK=1) to an instant. */
  async setClock(iso: string): Promise<void> {
    const res = await this.call('PUT', '/api/test/clock', { as: 'admin', body: { now: iso } });
    if (res.status !== 200) throw new Error(`PUT /api/test/clock at ${this.baseUrl}: ${res.status} ${JSON.stringify(res.body)}`);
  }

  private async raw(method: string, path: string, opts: CallOptions): Promise<Reply> {
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers: {
          ...(opts.bytes
            ? { 'Content-Type': 'application/octet-stream' }
            : opts.body !== undefined
              ? { 'Content-Type': 'application/json' }
              : {}),
          ...opts.headers,
        },
        body: opts.bytes ? new Uint8Array(opts.bytes) : opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
        signal: opts.signal,
      });
      text = await res.text();
    } catch (err) {
      throw new NoAnswer(method, path, err);
    }
    let body: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
    return { status: res.status, body, headers: res.headers };
  }
}

/** One acknowledged (2xx) write: after it, the dossier had `version`, and one event of `type` lies in (fromVersion, version]. */
export interface Ack {
  code: string;
  type: string;
  fromVersion: number;
  version: number;
  actor: string;
  /** which server answered (for failure messages) */
  via: string;
  /** when the answer arrived (Date.now()); set by AckLog.record */
  at?: number;
}

export class AckLog {
  readonly acks: Ack[] = [];
  /** requests that got no answer: may or may not be in the database */
  unknown = 0;
  /** answers that were refusals (4xx): nothing written */
  refused = 0;

  record(ack: Ack): void {
    this.acks.push({ ...ack, at: ack.at ?? Date.now() });
  }

  submissions(): Ack[] {
    return this.acks.filter((a) => a.type === 'SUBMIT');
  }

  /** the highest acknowledged version per dossier code */
  latestVersions(): Map<string, number> {
    const m = new Map<string, number>();
    for (const a of this.acks) m.set(a.code, Math.max(m.get(a.code) ?? 0, a.version));
    return m;
  }
}

export function submissionBody(i: number, procedureCode = '1.001612') {
  return {
    procedureCode,
    channel: 'counter',
    applicant: {
      fullName: `Nguyễn Văn Thử ${i}`,
      idNumber: `0011900${String(10000 + (i % 90000)).padStart(5, '0')}`,
      phone: `09120${String(i % 100000).padStart(5, '0')}`,
      address: 'Phường Hoàn Kiếm, Hà Nội',
    },
    documents: [{ name: 'Giấy đề nghị đăng ký hộ kinh doanh', copies: 1 }],
  };
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at a time; resolves when all are done. */
export async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
