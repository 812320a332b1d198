/**
 * HTTP benchmark: the real server (child processes, ./http-server.ts) under N virtual clients running
 * full dossier lifecycles through the REST API (./http-load.ts).
 *
 *   npm run bench -- http [--postgres] [--no-sqlite] [--clients 1,16,64] [--seconds 15] [--warmup 2]
 *                         [--warmup-transitions 6000] [--instances 2] [--sqlite-driver sqlite3,better-sqlite3]
 *                         [--sqlite-synchronous NORMAL,FULL] [--profile] [--perf] [--baseline OTHER/dist-bench/src/main.js]
 *                         [--rounds 1] [--postgres-database motcua_bench_http] [--log-level warn] [--tail] [--smoke]
 *
 * SQLite: one instance on a fresh database file, for each driver × synchronous level given (default: both
 * drivers, NORMAL and FULL, so the cost of durable commits is measured in the same run; smoke: sqlite3 only). PostgreSQL (--postgres): `--instances` (default 2)
 * instances on a fresh database `motcua_bench_http` (created and dropped through `pg` at
 * TEST_POSTGRES_URL's server), the clients spread over them. The servers are restarted for each
 * client count; the warm-up is not measured: it lasts until the servers have answered `--warmup-transitions` 2xx
 * requests per instance (default 6000; 0 with --smoke) and at least `--warmup` seconds, so the window sees servers
 * whose hot path V8 has compiled, however loaded the machine (10 s of warm-up left the JIT compiler at 12–21 % of the
 * CPU when the machine gave 15–80 transitions/s; after 6000 transitions it is 1 %, bench/RESULTS.md). Figures per client count: transitions/s
 * (2xx requests that moved a dossier), events/s, lifecycles/s, latency percentiles per request,
 * errors (any non-2xx; must be 0), and where the CPU went (servers, PostgreSQL, load generator). CPU is
 * steady-state: the processes' counters (/proc) are sampled when the measured window opens and closes, so
 * start-up, sign-in and warm-up are not in the figure, and CPU ms per transition divides that by the 2xx
 * answers of the same window. `--profile` runs the servers under `node --cpu-prof` and names the top
 * self-time functions of the same window (wall-clock samples: under load they show preemption, not CPU). `--perf`
 * records the servers' on-CPU samples of the same window with Linux perf and splits the CPU per transition by
 * component (./perf-profile.ts). `--baseline` measures another build's server (e.g. the commit
 * before a change, compiled with `tsc -p tsconfig.bench.json` in a copy) beside this one in every cell,
 * alternating which goes first over `--rounds`, and prints before ÷ after. `--tail` splits the latency of the slowest
 * 1 % of requests by what they met: the servers' main thread waiting for a CPU, GC pauses, WAL checkpoints with the
 * connection held (./server-tail.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { DURABLE_SQLITE_SYNCHRONOUS, type SqliteDriver, type SqliteSynchronous } from '../src/store/db';
import { appendResults } from './machine-info';
import { EVENTS_PER_LIFECYCLE, runLoad, type LoadResult } from './http-load';
import type { ServerProcess } from './http-server';
import { postgresBackend, sqliteBackend, startSignedIn, type BenchBackend } from './http-setup';
import { formatProfile, monotonicUs, summariseProfileFile, type ProfileWindow } from './cpu-profile';
import { PERF_NODE_FLAGS, formatPerf, perfAvailable, startPerf, summarisePerf, type PerfRecording } from './perf-profile';
import { cpuDelta, cpuSecondsOf, cpuSecondsOfEach, machineBusySeconds } from './proc-cpu';
import { ms, quantile, verdict } from './stats';
import { readSched, tailFile, tailLines, type SchedSample, type ServerTail } from './server-tail';

/** The Node flags that preload `--tail`'s recorder into a server: compiled, or from the sources with the hook (smoke). */
function tailRecorder(): string[] {
  const ext = path.extname(__filename);
  const file = path.join(__dirname, `server-tail${ext}`);
  if (ext !== '.ts') return ['-r', file];
  return ['-r', path.resolve(__dirname, '..', 'test', 'support', 'ts-hook.js'), '-r', file];
}

export interface HttpBenchOptions {
  sqlite: boolean;
  /** PostgreSQL server URL (any database on it: the benchmark creates its own), or undefined to skip */
  postgres?: string;
  clients: number[];
  seconds: number;
  warmupSeconds: number;
  /** 2xx answers per server instance before the measured window opens (besides `warmupSeconds`): steady state is counted in work done */
  warmupTransitions: number;
  instances: number;
  sqliteDrivers: SqliteDriver[];
  sqliteSynchronous: SqliteSynchronous[];
  profile: boolean;
  /** on-CPU profile of the servers over the measured window with Linux perf (./perf-profile.ts) */
  perf?: boolean;
  smoke: boolean;
  /** another build's compiled server entry (…/src/main.js): measured beside this build, alternating, in every cell */
  baseline?: string;
  /** measurements per cell (and per build with a baseline) */
  rounds: number;
  /** the PostgreSQL database the benchmark creates and drops (default motcua_bench_http): two runs at once need two */
  postgresDatabase?: string;
  /** the servers' LOG_LEVEL (default warn: no access line; production runs info, one line per request) */
  logLevel?: string;
  /** what the slowest requests met: GC pauses, held checkpoints, the main thread off the CPU (./server-tail.ts) */
  tail?: boolean;
}

/** Issue 16's targets (at 16 clients, load generator on the same 2 cores). */
export const TARGETS = {
  postgresTransitions: 800,
  postgresP99Ms: 50,
  sqliteTransitions: 600,
  lifecycles: 100,
  targetClients: 16,
  serverCpuMs: 1.5,
};

interface Cell {
  /** 'SQLite (driver, synchronous)' or 'PostgreSQL' */
  backend: string;
  instances: number;
  load: LoadResult;
  /** '' or the `Variant` label (before/after) */
  variant: string;
  /** average cores used over `wallSeconds`: the measured window only (start-up and warm-up excluded) */
  cpu: { servers: number | null; postgres: number | null; loadGenerator: number; machine: number | null; wallSeconds: number };
  profiles: string[];
  /** the perf breakdown of the measured window (`--perf`), as markdown lines */
  perfLines: string[];
  /** where the slow requests' time went (`--tail`), as markdown lines */
  tailLines: string[];
  /** the measured window on the monotonic clock, to cut the servers' profiles to it */
  window: ProfileWindow;
}

const BENCH_DB = 'motcua_bench_http';

/** How warm-up is stated in the figures' heading. */
function warmupText(opts: Pick<HttpBenchOptions, 'warmupSeconds' | 'warmupTransitions'>): string {
  return opts.warmupTransitions > 0
    ? `warm-up until ${opts.warmupTransitions} transitions per server instance (and at least ${opts.warmupSeconds} s)`
    : `${opts.warmupSeconds} s warm-up`;
}

/** Process ids of the PostgreSQL backends serving this database (other databases' work is not counted). */
async function backendPids(databaseUrl: string): Promise<number[]> {
  const k = knexFactory({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 1 } });
  try {
    const r = await k.raw(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
    return (r.rows as { pid: number }[]).map((x) => Number(x.pid));
  } finally {
    await k.destroy();
  }
}

/** What a cell's servers run: this build, or another build's entry (`--baseline`) measured beside it. */
export interface Variant {
  /** '' when the run compares nothing; otherwise 'before' or 'after' */
  label: string;
  main?: string;
}

async function measureCell(
  backend: string,
  databaseUrl: string,
  instances: number,
  clients: number,
  opts: HttpBenchOptions,
  profileDir: string | null,
  serverEnv: Record<string, string>,
  variant: Variant,
): Promise<Cell> {
  const servers: ServerProcess[] = [];
  const tailDir = opts.tail ? fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-tail-')) : null;
  try {
    const tailOut = tailDir ? path.join(tailDir, 'server') : null;
    const { endpoints } = await startSignedIn(
      instances,
      {
        databaseUrl,
        profileDir: profileDir ?? undefined,
        env: tailOut
          ? {
              ...serverEnv,
              MOTCUA_BENCH_TAIL_OUT: tailOut,
              // the server's compiled src/, whose store/db.js the recorder wraps (this build's, or the baseline's)
              MOTCUA_BENCH_TAIL_SRC: variant.main ? path.dirname(path.resolve(variant.main)) : path.resolve(__dirname, '..', 'src'),
            }
          : serverEnv,
        main: variant.main,
        nodeArgs: [...(opts.perf ? PERF_NODE_FLAGS : []), ...(tailOut ? tailRecorder() : [])],
      },
      servers,
    );
    const cpuServers = (): number | null => {
      let sum = 0;
      for (const s of servers) {
        const v = cpuSecondsOf(s.pid);
        if (v === null) return null;
        sum += v;
      }
      return sum;
    };
    const pg = backend === 'PostgreSQL';
    // CPU counters sampled when the measured window opens and closes: start-up, sign-in and warm-up are not counted
    interface Sample {
      servers: number | null;
      self: NodeJS.CpuUsage;
      machine: number | null;
      at: number;
      us: number;
      postgres: Promise<Map<number, number> | null>;
    }
    const sample = (): Sample => ({
      servers: cpuServers(),
      self: process.cpuUsage(),
      machine: machineBusySeconds(),
      at: performance.now(),
      us: monotonicUs(),
      postgres: pg ? backendPids(databaseUrl).then(cpuSecondsOfEach) : Promise.resolve(null),
    });
    const edges: Partial<Record<'start' | 'end', Sample>> = {};
    const perfFile = opts.perf ? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-perf-')), 'perf.data') : null;
    let recording: PerfRecording | null = null;
    let recorded: Promise<string> | null = null;
    const sched: SchedSample[][] = servers.map(() => []);
    let sampling: NodeJS.Timeout | null = null;
    const sampleSched = () =>
      servers.forEach((s, i) => {
        const x = readSched(s.pid);
        if (x) sched[i]!.push(x);
      });
    const load = await runLoad({
      timeline: Boolean(tailOut),
      endpoints,
      clients,
      warmupMs: opts.warmupSeconds * 1000,
      // per instance: each server process compiles its own hot path
      warmupTransitions: opts.warmupTransitions * instances,
      durationMs: opts.seconds * 1000,
      onWindow: (edge) => {
        edges[edge] = sample();
        if (tailOut && edge === 'start') {
          sampleSched();
          sampling = setInterval(sampleSched, 20);
        }
        if (sampling && edge === 'end') {
          clearInterval(sampling);
          sampleSched();
        }
        if (perfFile && edge === 'start')
          recording = startPerf(
            servers.map((s) => s.pid),
            perfFile,
          );
        if (edge === 'end' && recording) recorded = (recording as PerfRecording).stop();
      },
    });
    const before = edges.start!;
    const after = edges.end!;
    const total = (after.at - before.at) / 1000;
    const [pgBefore, pgAfter] = [await before.postgres, await after.postgres];
    const share = (a: number | null, b: number | null) => (a === null || b === null ? null : (b - a) / total);
    const cpu = {
      servers: share(before.servers, after.servers),
      postgres: pgBefore && pgAfter ? cpuDelta(pgBefore, pgAfter) / total : null,
      loadGenerator: (after.self.user + after.self.system - before.self.user - before.self.system) / 1e6 / total,
      machine: share(before.machine, after.machine),
      wallSeconds: total,
    };
    const pids = servers.map((s) => s.pid);
    const profiles: string[] = [];
    for (const s of servers.splice(0)) {
      const p = await s.stop();
      if (p) profiles.push(p);
    }
    const tailed: string[] = [];
    if (tailOut && load.timeline) {
      const recorded = pids.map((pid) => JSON.parse(fs.readFileSync(tailFile(tailOut, pid), 'utf8')) as ServerTail);
      const title = `${backend} × ${instances}${variant.label ? ` — ${variant.label}` : ''}, ${clients} clients`;
      tailed.push(...tailLines(title, load.timeline, recorded, sched, opts.seconds));
    }
    const perfLines: string[] = [];
    if (perfFile && recorded) {
      // summarised once the servers have exited: their /tmp/perf-<pid>.map files (JIT symbols) are complete then
      const file = await (recorded as Promise<string>);
      const title = `${backend} × ${instances}${variant.label ? ` — ${variant.label}` : ''}, ${clients} clients`;
      perfLines.push(...formatPerf(title, summarisePerf(file, pids), load.requests));
      if (!process.env.MOTCUA_BENCH_PERF_KEEP) {
        // MOTCUA_BENCH_PERF_KEEP=1 keeps perf.data and the maps, for `perf report -i …` by hand
        fs.rmSync(path.dirname(file), { recursive: true, force: true });
        for (const pid of pids) fs.rmSync(path.join(os.tmpdir(), `perf-${pid}.map`), { force: true });
      } else process.stderr.write(`  perf data kept: ${file} (servers ${pids.join(', ')})\n`);
    }
    return {
      backend,
      instances,
      variant: variant.label,
      load,
      cpu,
      profiles,
      perfLines,
      tailLines: tailed,
      window: { fromUs: before.us, toUs: after.us },
    };
  } finally {
    for (const s of servers) await s.stop();
    if (tailDir) fs.rmSync(tailDir, { recursive: true, force: true });
  }
}

/** How a SQLite row is named: the driver and the synchronous level (FULL = durable commits, NORMAL = not). */
export function sqliteName(driver: SqliteDriver, synchronous: SqliteSynchronous): string {
  return `SQLite (${driver}, ${synchronous})`;
}

function pct(x: number | null): string {
  return x === null ? '–' : `${Math.round(100 * x)} %`;
}

/** CPU milliseconds per 2xx request in the measured window (both counted over the same window). */
function perRequestMs(share: number | null, c: Cell): number | null {
  if (share === null || !c.load.requests) return null;
  return (share * c.cpu.wallSeconds * 1000) / c.load.requests;
}

function perRequest(share: number | null, c: Cell): string {
  const v = perRequestMs(share, c);
  return v === null ? '–' : v.toFixed(2);
}

function row(c: Cell): string {
  const l = c.load;
  const tps = l.requests / l.seconds;
  return [
    `${c.backend} × ${c.instances}${c.variant ? ` — ${c.variant}` : ''}`,
    l.clients,
    tps.toFixed(0),
    (l.events / l.seconds).toFixed(0),
    (l.lifecycles / l.seconds).toFixed(1),
    ms(quantile(l.latencies, 0.5)),
    ms(quantile(l.latencies, 0.95)),
    ms(quantile(l.latencies, 0.99)),
    `${ms(quantile(l.submitLatencies, 0.5))} / ${ms(quantile(l.eventLatencies, 0.5))}`,
    l.errors,
    `${l.warmupRequests} / ${l.warmupSeconds.toFixed(0)} s`,
    l.requests ? (l.responseBytes / l.requests).toFixed(0) : '–',
    `${pct(c.cpu.servers)} / ${pct(c.cpu.postgres)} / ${pct(c.cpu.loadGenerator)} / ${pct(c.cpu.machine)}`,
    `${perRequest(c.cpu.servers, c)} / ${perRequest(c.cpu.postgres, c)}`,
  ].join(' | ');
}

/** With a baseline: each backend and client count, the two builds' rounds pooled (CPU and requests summed, medians of the rest). */
function compareLines(cells: Cell[]): string[] {
  if (!cells.some((c) => c.variant)) return [];
  const keys = [...new Set(cells.map((c) => `${c.backend}\u0000${c.instances}\u0000${c.load.clients}`))];
  const pooled = (group: Cell[]) => {
    const requests = group.reduce((a, c) => a + c.load.requests, 0);
    const serverMs = group.reduce((a, c) => a + (c.cpu.servers ?? NaN) * c.cpu.wallSeconds * 1000, 0);
    const seconds = group.reduce((a, c) => a + c.load.seconds, 0);
    const p99Of = (latencies: (c: Cell) => number[]) => quantile(group.flatMap(latencies), 0.99);
    return {
      cpuMs: serverMs / requests,
      tps: requests / seconds,
      p99: p99Of((c) => c.load.latencies),
      p99Submit: p99Of((c) => c.load.submitLatencies),
      p99Event: p99Of((c) => c.load.eventLatencies),
      rounds: group.length,
    };
  };
  const lines = [
    '',
    "Before ÷ after, each build's rounds pooled (CPU ms and 2xx requests summed over its rounds; p99 of all its requests):",
    '',
    '| backend × instances | clients | rounds | server CPU ms per transition: before → after | after ÷ before | transitions/s: before → after | p99: before → after | p99 submit / event: before → after |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const key of keys) {
    const [backend, instances, clients] = key.split('\u0000');
    const of = (label: string) =>
      cells.filter(
        (c) => c.variant === label && c.backend === backend && String(c.instances) === instances && String(c.load.clients) === clients,
      );
    const b = pooled(of('before'));
    const a = pooled(of('after'));
    lines.push(
      `| ${backend} × ${instances} | ${clients} | ${a.rounds} | ${b.cpuMs.toFixed(2)} → ${a.cpuMs.toFixed(2)} | ${(a.cpuMs / b.cpuMs).toFixed(2)} | ${b.tps.toFixed(0)} → ${a.tps.toFixed(0)} | ${ms(b.p99)} → ${ms(a.p99)} | ${ms(b.p99Submit)} / ${ms(b.p99Event)} → ${ms(a.p99Submit)} / ${ms(a.p99Event)} |`,
    );
  }
  lines.push('');
  return lines;
}

function targetLines(cells: Cell[]): string[] {
  const lines: string[] = [];
  // the build under test: with a baseline, its 'after' rows (the first of them)
  const at = (backend: string) =>
    cells.find((c) => c.backend === backend && c.load.clients === TARGETS.targetClients && c.variant !== 'before');
  const pg = at('PostgreSQL');
  const sq = at(sqliteName('sqlite3', DURABLE_SQLITE_SYNCHRONOUS));
  if (pg) {
    const tps = pg.load.requests / pg.load.seconds;
    const p99 = quantile(pg.load.latencies, 0.99);
    lines.push(
      `- PostgreSQL, ${TARGETS.targetClients} clients: ${tps.toFixed(0)} transitions/s (target ≥ ${TARGETS.postgresTransitions}) ${verdict(tps >= TARGETS.postgresTransitions)}; p99 ${ms(p99)} (target < ${TARGETS.postgresP99Ms} ms) ${verdict(p99 < TARGETS.postgresP99Ms)}`,
    );
  }
  if (sq) {
    const tps = sq.load.requests / sq.load.seconds;
    lines.push(
      `- ${sq.backend}, ${TARGETS.targetClients} clients: ${tps.toFixed(0)} transitions/s (target ≥ ${TARGETS.sqliteTransitions}) ${verdict(tps >= TARGETS.sqliteTransitions)}`,
    );
  }
  const best = cells.reduce<Cell | null>((b, c) => (!b || c.load.lifecycles > b.load.lifecycles ? c : b), null);
  if (best) {
    const lps = best.load.lifecycles / best.load.seconds;
    lines.push(
      `- best lifecycles/s: ${lps.toFixed(1)} (${best.backend}, ${best.load.clients} clients; target ≥ ${TARGETS.lifecycles}) ${verdict(lps >= TARGETS.lifecycles)}`,
    );
  }
  for (const c of cells.filter((x) => x.load.clients === TARGETS.targetClients && x.variant !== 'before')) {
    const v = perRequestMs(c.cpu.servers, c);
    if (v !== null)
      lines.push(
        `- ${c.backend} × ${c.instances}, ${TARGETS.targetClients} clients: ${v.toFixed(2)} ms of server CPU per transition (target ≤ ${TARGETS.serverCpuMs} ms) ${verdict(v <= TARGETS.serverCpuMs)}`,
      );
  }
  if (!cells.some((c) => c.load.clients === TARGETS.targetClients))
    lines.push(`- (no ${TARGETS.targetClients}-client cell measured: the targets are stated at ${TARGETS.targetClients} clients)`);
  return lines;
}

export async function benchHttp(opts: HttpBenchOptions): Promise<Cell[]> {
  if (opts.perf && !perfAvailable()) throw new Error('--perf needs Linux perf (`perf record`) on the PATH');
  const cells: Cell[] = [];
  const profileRoot = opts.profile ? fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-http-prof-')) : null;
  const loadBefore = os.loadavg()[0]!;
  const backends: BenchBackend[] = [];
  if (opts.sqlite)
    for (const driver of opts.sqliteDrivers)
      for (const synchronous of opts.sqliteSynchronous)
        backends.push(
          sqliteBackend(
            sqliteName(driver, synchronous),
            driver,
            { MOTCUA_SQLITE_DRIVER: driver, MOTCUA_SQLITE_SYNCHRONOUS: synchronous },
            'motcua-bench-http-',
          ),
        );
  if (opts.postgres) backends.push(postgresBackend(opts.postgres, opts.postgresDatabase ?? BENCH_DB, opts.instances));
  const variants: Variant[] = opts.baseline
    ? [
        { label: 'before', main: opts.baseline },
        { label: 'after', main: undefined },
      ]
    : [{ label: '' }];
  const failures: string[] = [];
  const profileLines: string[] = [];
  try {
    for (const b of backends) {
      const url = await b.setUp();
      try {
        for (const clients of opts.clients) {
          for (let round = 0; round < opts.rounds; round++) {
            // with a baseline, the two builds alternate (before, after, then after, before, …) on the same database
            const order = round % 2 === 0 ? variants : [...variants].reverse();
            for (const variant of order) {
              const dir = profileRoot ? fs.mkdtempSync(path.join(profileRoot, `${b.name}-${clients}-`)) : null;
              const named = `${b.name} × ${b.instances}${variant.label ? ` — ${variant.label}` : ''}`;
              process.stderr.write(`http: ${named}, ${clients} client(s), ${warmupText(opts)}, then ${opts.seconds} s …\n`);
              const env = opts.logLevel ? { ...b.env, LOG_LEVEL: opts.logLevel } : b.env;
              const cell = await measureCell(b.name, url, b.instances, clients, opts, dir, env, variant);
              cells.push(cell);
              process.stderr.write(`  ${row(cell)}\n`);
              if (cell.load.errors)
                failures.push(`${named}, ${clients} clients: ${cell.load.errors} error(s), e.g. ${cell.load.errorSamples.join('; ')}`);
              profileLines.push(...cell.perfLines, ...cell.tailLines);
              for (const [i, p] of cell.profiles.entries()) {
                const title = `${named}, ${clients} clients — server ${i + 1} CPU profile of the measured window`;
                profileLines.push(...formatProfile(title, summariseProfileFile(p, 15, cell.window)));
              }
            }
          }
        }
      } finally {
        await b.tearDown();
      }
    }
  } finally {
    if (profileRoot) fs.rmSync(profileRoot, { recursive: true, force: true });
  }
  const lines = [
    `Each virtual client runs whole lifecycles through the REST API on its own keep-alive connection: receive, ASSIGN, COMPLETE_STEP ×2, RECORD_RESULT, RETURN_RESULT (6 requests, ${EVENTS_PER_LIFECYCLE} events), If-Match on each. ` +
      `${warmupText(opts)}, then ${opts.seconds} s measured per row; servers restarted per row; load generator on the same machine; servers' LOG_LEVEL ${opts.logLevel ?? 'warn'}. Load average before: ${loadBefore.toFixed(1)}.` +
      (opts.sqlite
        ? ` SQLite: one server per driver × synchronous level (MOTCUA_SQLITE_DRIVER, MOTCUA_SQLITE_SYNCHRONOUS), each on a fresh file in ${os.tmpdir()}.`
        : ''),
    '',
    '| backend × instances | clients | transitions/s | events/s | lifecycles/s | p50 | p95 | p99 | p50 submit / event | errors | warm-up: transitions / time | bytes per answer | CPU: servers / postgres / load gen / machine | CPU ms per transition: servers / postgres |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...cells.map((c) => `| ${row(c)} |`),
    '',
    `CPU columns: cores used on average during the row (100 % = one core; the machine has ${os.cpus().length}): the server processes, the PostgreSQL backends of the benchmark's database, this load generator, and the whole machine (other work included). ` +
      'CPU ms per transition: that CPU time divided by the 2xx requests of the row, both counted over the measured window only (process CPU from /proc sampled when the window opens and closes: start-up, sign-in and warm-up are left out): what one transition costs in steady state, whatever else ran on the machine.',
    '',
    ...compareLines(cells),
    'Targets:',
    ...targetLines(cells),
    '',
    ...profileLines,
  ];
  appendResults(
    `HTTP API under load (${opts.clients.join(', ')} clients, ${opts.seconds} s each, bench/http.ts)${opts.smoke ? ' — smoke' : ''}`,
    lines,
  );
  if (failures.length) throw new Error(`HTTP benchmark had errors (every answer must be 2xx):\n${failures.join('\n')}`);
  return cells;
}
