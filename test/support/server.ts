/**
 * A real HTTP app on a real, fresh database with the demo users, driven through supertest.
 * `login(username)` signs in a demo user (password "demo") and returns its bearer token.
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

export interface TestServer {
  app: Express;
  deps: AppDeps;
  engine: StartedEngine;
  http: ReturnType<typeof request>;
  login(username: string): Promise<string>;
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
  return {
    app,
    deps,
    engine,
    http,
    async login(username: string) {
      const cached = tokens.get(username);
      if (cached) return cached;
      const res = await http.post('/api/auth/login').send({ username, password: 'demo' });
      if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      tokens.set(username, res.body.token);
      return res.body.token as string;
    },
    close: () => engine.drop(),
  };
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
