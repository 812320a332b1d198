/**
 * A real HTTP app on a real, fresh database with the demo users, driven through supertest.
 * `login(username)` signs in a demo user (password "demo") and returns its bearer token; `as(username)` then sends
 * requests with it. `serverForSuite` starts one for a describe block and closes it afterwards.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/http/app';
import type { AppDeps } from '../../src/http/deps';
import { ConfigSchema } from '../../src/config';
import { seedDemoUsers } from '../../db/seeds/demo-users';
import type { Backend } from './backends';
import { startEngine, type StartedEngine } from './engine';

type Requests = Pick<ReturnType<typeof request>, 'get' | 'post' | 'put' | 'patch' | 'delete'>;

export interface TestServer {
  app: Express;
  deps: AppDeps;
  engine: StartedEngine;
  http: ReturnType<typeof request>;
  /** signs a demo user in once (or again when `fresh`) and returns its bearer token */
  login(username: string, fresh?: boolean): Promise<string>;
  /** the cached token of a user already logged in (`login`, or `signIn` of serverForSuite) */
  token(username: string): string;
  /** requests signed in with `token(username)` */
  as(username: string): Requests;
  close(): Promise<void>;
}

export async function startServer(
  backend: Backend,
  start = '2026-03-03 09:00',
  env: Record<string, string> = {},
  engineExtra: Parameters<typeof startEngine>[2] = {},
): Promise<TestServer> {
  const engine = await startEngine(backend, start, engineExtra);
  await seedDemoUsers(engine.db, engine.clock.now().toISOString());
  const config = ConfigSchema.parse({ DATABASE_URL: engine.dbUrl, MOTCUA_DEMO: '1', ...env });
  const deps: AppDeps = { ctx: engine, config };
  const app = createApp(deps);
  const http = request(app);
  const tokens = new Map<string, string>();
  const token = (username: string) => {
    const cached = tokens.get(username);
    if (!cached) throw new Error(`token(${username}): log ${username} in first (login, or signIn of serverForSuite)`);
    return cached;
  };
  return {
    app,
    deps,
    engine,
    http,
    async login(username: string, fresh = false) {
      const cached = tokens.get(username);
      if (cached && !fresh) return cached;
      const res = await http.post('/api/auth/login').send({ username, password: 'demo' });
      if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      tokens.set(username, res.body.token);
      return res.body.token as string;
    },
    token,
    as(username: string) {
      const bearer = `Bearer ${token(username)}`;
      const auth = (t: request.Test) => t.set('Authorization', bearer);
      return {
        get: (url: string) => auth(http.get(url)),
        post: (url: string) => auth(http.post(url)),
        put: (url: string) => auth(http.put(url)),
        patch: (url: string) => auth(http.patch(url)),
        delete: (url: string) => auth(http.delete(url)),
      };
    },
    close: () => engine.drop(),
  };
}

export interface SuiteServerOptions {
  /** the Hanoi local time the clock starts at ("YYYY-MM-DD HH:MM") */
  start?: string;
  /** configuration on top of DATABASE_URL and MOTCUA_DEMO=1 */
  env?: Record<string, string>;
  engine?: Parameters<typeof startEngine>[2];
  /** demo users logged in before the first test, in this order (then `as(username)` works for them) */
  signIn?: string[];
}

/**
 * The server of one describe block: started (and `signIn` logged in) in its beforeAll, closed in its afterAll.
 * The handle it returns is usable from the hooks and tests on; reading it at collection time throws.
 */
export function serverForSuite(backend: Backend, opts: SuiteServerOptions = {}): TestServer {
  let started: TestServer | undefined;
  beforeAll(async () => {
    started = await startServer(backend, opts.start, opts.env, opts.engine);
    for (const user of opts.signIn ?? []) await started.login(user);
  });
  afterAll(async () => started?.close());
  return new Proxy({} as TestServer, {
    get(_target, key) {
      if (!started) throw new Error(`the suite's server is not started yet (read .${String(key)} inside a hook or test)`);
      return Reflect.get(started, key);
    },
  });
}

/** The app on a real socket at 127.0.0.1 (for tests that write raw HTTP): its port, and how to stop listening. */
export async function listenOnPort(app: TestServer['app']): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
