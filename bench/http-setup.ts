/**
 * What the benchmarks that drive the real server over HTTP (./http.ts, ./sync-lag.ts) set up alike: the databases
 * they measure on (a fresh SQLite file, or a fresh PostgreSQL database on TEST_POSTGRES_URL's server, with the schema,
 * reference data and demo users), and the server instances on one database with the load's clients signed in.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { createEngineContext } from '../src/app/engine-factory';
import { seedDemoUsers } from '../db/seeds/demo-users';
import type { SqliteDriver } from '../src/store/db';
import { JsonClient, login, type Endpoint } from './http-load';
import { startServer, type ServerOptions, type ServerProcess } from './http-server';

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A fresh database with the schema, reference data and the demo users (password "demo"). */
export async function prepareDatabase(url: string, sqliteDriver?: SqliteDriver): Promise<void> {
  const ctx = await createEngineContext({ url, sqliteDriver, sqliteSynchronous: 'NORMAL' }); // set-up only: the server's own setting is measured
  try {
    await seedDemoUsers(ctx.db, new Date().toISOString());
  } finally {
    await ctx.close();
  }
}

/** Drops the benchmark's database on the server at `serverUrl` and, unless `drop`, creates it empty. */
export async function recreatePostgresDatabase(serverUrl: string, database: string, drop: boolean): Promise<void> {
  const admin = knexFactory({ client: 'pg', connection: withDatabase(serverUrl, 'postgres'), pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    if (!drop) await admin.raw(`CREATE DATABASE ${database}`);
  } finally {
    await admin.destroy();
  }
}

/** One backend a benchmark measures: how many servers, their environment, and its database (fresh at each setUp). */
export interface BenchBackend {
  name: string;
  instances: number;
  env: Record<string, string>;
  /** a fresh, prepared database: its URL */
  setUp(): Promise<string>;
  tearDown(): Promise<void>;
}

/** One server on a fresh SQLite file (in a new temporary directory at each setUp) with this driver. */
export function sqliteBackend(name: string, driver: SqliteDriver, env: Record<string, string>, tmpPrefix: string): BenchBackend {
  let dir = '';
  return {
    name,
    instances: 1,
    env,
    setUp: async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
      const file = path.join(dir, 'bench.sqlite');
      await prepareDatabase(file, driver);
      return file;
    },
    tearDown: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** `instances` servers on the database `database`, recreated at each setUp on the PostgreSQL server `server`. */
export function postgresBackend(server: string, database: string, instances: number): BenchBackend {
  return {
    name: 'PostgreSQL',
    instances,
    env: {},
    setUp: async () => {
      await recreatePostgresDatabase(server, database, false);
      const url = withDatabase(server, database);
      await prepareDatabase(url);
      return url;
    },
    tearDown: () => recreatePostgresDatabase(server, database, true),
  };
}

/**
 * `instances` servers on one database, and the endpoints the load's clients use (each server with the demo roles'
 * tokens, signed in once through the first). The caller stops the servers.
 */
export async function startSignedIn(
  instances: number,
  opts: ServerOptions,
  servers: ServerProcess[] = [],
): Promise<{ servers: ServerProcess[]; endpoints: Endpoint[] }> {
  for (let i = 0; i < instances; i++) servers.push(await startServer(opts));
  const first = new JsonClient(servers[0]!.url, 1);
  const tokens = await login(first);
  first.close();
  return { servers, endpoints: servers.map((s) => ({ url: s.url, tokens })) };
}
