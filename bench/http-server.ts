/**
 * The real motcua server as a child process for the HTTP benchmark: `node dist-bench/src/main.js`
 * (or, when the benchmark itself runs from TypeScript sources, `node -r test/support/ts-hook.js src/main.ts`)
 * with DATABASE_URL, PORT, the sweeper and checkpoint jobs off and LOG_LEVEL=warn; ready when
 * GET /ready answers 200. With `profileDir` it runs under `--cpu-prof` and writes its profile there
 * when stopped (SIGTERM: the server drains and exits 0). `main` runs another build's compiled entry instead (the
 * HTTP benchmark's `--baseline`, so a change and what it replaces are measured side by side in one run).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface ServerProcess {
  url: string;
  pid: number;
  /** stops the server (SIGTERM, then SIGKILL after 15 s); resolves with the CPU profile file, if any */
  stop(): Promise<string | null>;
}

export interface ServerOptions {
  databaseUrl: string;
  profileDir?: string;
  /** extra environment */
  env?: Record<string, string>;
  /** another build's server entry (its compiled src/main.js), to measure it beside this one in the same run */
  main?: string;
  /** extra node flags (the benchmark's `--perf` passes PERF_NODE_FLAGS) */
  nodeArgs?: string[];
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The command that starts the server: the compiled entry beside this compiled file, or the sources with the hook. */
export function serverCommand(other?: string): string[] {
  if (other) return [path.resolve(other)];
  const ext = path.extname(__filename);
  const main = path.resolve(__dirname, '..', 'src', `main${ext}`);
  if (ext === '.ts') return ['-r', path.resolve(__dirname, '..', 'test', 'support', 'ts-hook.js'), main];
  return [main];
}

async function waitReady(url: string, child: ChildProcess, output: () => string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was ready:\n${output()}`);
    try {
      const res = await fetch(`${url}/ready`);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not ready after ${timeoutMs} ms:\n${output()}`);
}

export async function startServer(opts: ServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  const args = [
    ...(opts.nodeArgs ?? []),
    ...(opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`] : []),
    ...serverCommand(opts.main),
  ];
  const before = opts.profileDir && fs.existsSync(opts.profileDir) ? new Set(fs.readdirSync(opts.profileDir)) : new Set<string>();
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      DATABASE_URL: opts.databaseUrl,
      PORT: String(port),
      MOTCUA_SWEEP_INTERVAL_MS: '0',
      MOTCUA_CHECKPOINT_INTERVAL_MS: '0',
      MOTCUA_DEMO: '0',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8000); // the tail, for error messages
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<string | null> => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    if (!opts.profileDir || !fs.existsSync(opts.profileDir)) return null;
    const fresh = fs
      .readdirSync(opts.profileDir)
      .filter((f) => f.endsWith('.cpuprofile') && !before.has(f) && f.includes(`.${child.pid}.`));
    return fresh.length ? path.join(opts.profileDir, fresh[0]!) : null;
  };
  try {
    await waitReady(url, child, () => log);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, pid: child.pid!, stop };
}
