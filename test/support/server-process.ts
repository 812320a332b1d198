/**
 * The real server (`src/main.ts`) as a child process, for tests of what only a process shows: several
 * instances on one database, SIGTERM draining, SIGKILL crashes, backups of a live database.
 *
 * The child runs the TypeScript sources through ./ts-hook.js (transpile-only, cached by content hash:
 * never a stale build, and no build step to race between suites). It listens on PORT=0 and reports
 * the port it got in its "listening" log line; `startServerProcess` resolves once GET /ready answers 200.
 * stdout and stderr are kept (the last 256 KB) for failure messages.
 *
 * `prepareDatabase` gives a suite a fresh SQLite file or PostgreSQL schema, migrated, with the reference
 * data and the demo users (password "demo"), and the environment a child needs to use it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Knex } from 'knex';
import { migrateToLatest } from '../../db/migrations';
import { seedReferenceData } from '../../db/seeds/reference-data';
import { seedDemoUsers } from '../../db/seeds/demo-users';
import { openDb } from '../../src/store/db';
import type { Backend } from './backends';

export const REPO_ROOT = path.resolve(__dirname, '../..');
const HOOK = path.join(__dirname, 'ts-hook.js');
const MAIN = path.join(REPO_ROOT, 'src/main.ts');
const KEEP_OUTPUT = 256 * 1024;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  name: string;
  pid: number;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  port: number;
  /** the last 256 KB of stdout and stderr, interleaved */
  output(): string;
  /** parsed JSON log lines seen so far (of the kept output) */
  logLines(): Record<string, unknown>[];
  kill(signal: NodeJS.Signals): void;
  exited(): boolean;
  /** resolves with the exit status; rejects after timeoutMs (default 30 s) */
  waitForExit(timeoutMs?: number): Promise<ExitStatus>;
}

export interface StartOptions {
  /** how test failures name this process */
  name?: string;
  /** added to a minimal environment (PATH, HOME); DATABASE_URL is required */
  env: Record<string, string | undefined>;
  readyTimeoutMs?: number;
}

/** Runs a TypeScript entry point of this repository (e.g. src/cli/backup.ts) as `node` would run its build. */
export function nodeArgsFor(entry: string): string[] {
  return ['-r', HOOK, path.resolve(REPO_ROOT, entry)];
}

/** The environment a child gets: only what it needs, so the developer's own settings never leak in. */
export function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
  };
  const merged: NodeJS.ProcessEnv = { ...base, ...env };
  for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
  return merged;
}

/** Children still running: killed when the test process exits, so a failed suite never leaves a server behind. */
const LIVE = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of LIVE) c.kill('SIGKILL');
});

/** SIGKILLs every server this test process started that is still running (for afterAll). */
export async function killAllServerProcesses(): Promise<void> {
  const waits = [...LIVE].map((c) => new Promise<void>((resolve) => c.once('exit', () => resolve())));
  for (const c of LIVE) c.kill('SIGKILL');
  await Promise.all(waits);
}

export async function startServerProcess(opts: StartOptions): Promise<ServerProcess> {
  if (!opts.env.DATABASE_URL) throw new Error('startServerProcess needs env.DATABASE_URL');
  const name = opts.name ?? 'server';
  const child: ChildProcess = spawn(process.execPath, nodeArgsFor(MAIN), {
    cwd: REPO_ROOT,
    env: childEnv({ PORT: '0', ...opts.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  LIVE.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > KEEP_OUTPUT * 2) output = output.slice(-KEEP_OUTPUT);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let status: ExitStatus | null = null;
  const exit = new Promise<ExitStatus>((resolve) => {
    child.on('exit', (code, signal) => {
      LIVE.delete(child);
      status = { code, signal };
      resolve(status);
    });
  });
  const tail = () => output.slice(-KEEP_OUTPUT);
  const logLines = () =>
    tail()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      });

  const fail = (why: string) => {
    if (!status) child.kill('SIGKILL');
    return new Error(`${name} (pid ${child.pid}) ${why}\n--- output ---\n${tail().slice(-8000)}`);
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  let port: number | null = null;
  while (port === null) {
    if (status) throw fail(`exited during start-up (code ${(status as ExitStatus).code}, signal ${(status as ExitStatus).signal})`);
    if (Date.now() > deadline) throw fail('did not start listening in time');
    const line = logLines().find((l) => typeof l.port === 'number' && String(l.msg).includes('listening'));
    if (line) port = line.port as number;
    else await sleep(25);
  }
  const baseUrl = `http://127.0.0.1:${port}`;
  for (;;) {
    if (status) throw fail('exited before it was ready');
    if (Date.now() > deadline) throw fail('GET /ready never answered 200');
    const ready = await fetch(`${baseUrl}/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (ready === 200) break;
    await sleep(50);
  }

  return {
    name,
    pid: child.pid!,
    baseUrl,
    port,
    output: tail,
    logLines,
    kill: (signal) => {
      if (!status) child.kill(signal);
    },
    exited: () => status !== null,
    waitForExit: (timeoutMs = 30_000) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(fail(`did not exit within ${timeoutMs} ms`)), timeoutMs);
      });
      return Promise.race([exit, late]).finally(() => clearTimeout(timer));
    },
  };
}

export interface PreparedDatabase {
  url: string;
  schema?: string;
  /** DATABASE_URL (and DATABASE_SCHEMA on PostgreSQL) for a child */
  env: Record<string, string>;
  /** a connection from the test process (for checks); closed by drop() */
  open(): Knex;
  drop(): Promise<void>;
}

/** A fresh, migrated database with reference data and the demo users, as the server finds it after `npm run migrate`. */
export async function prepareDatabase(backend: Backend, at = new Date().toISOString()): Promise<PreparedDatabase> {
  const created = await backend.create();
  const opened: Knex[] = [];
  const open = () => {
    const db = openDb({ url: created.url, schema: created.schema, poolMax: 4 });
    opened.push(db);
    return db;
  };
  const db = openDb({ url: created.url, schema: created.schema, poolMax: 1 });
  try {
    await migrateToLatest(db);
    await seedReferenceData(db, at);
    await seedDemoUsers(db, at);
  } finally {
    await db.destroy();
  }
  return {
    url: created.url,
    schema: created.schema,
    env: { DATABASE_URL: created.url, ...(created.schema ? { DATABASE_SCHEMA: created.schema } : {}) },
    open,
    drop: async () => {
      await Promise.all(opened.map((d) => d.destroy()));
      await created.drop();
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
