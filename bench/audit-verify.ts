/**
 * Throughput of whole-database verification (src/audit/verify-all.ts): on one thread, then on worker
 * threads (each with its own connection), in the same run over the same database. Prints and records
 * dossiers/s, events/s, events/s per core, CPU used and peak RSS for each, and checks that both runs
 * found the same.
 *
 *   npm run bench -- audit [--dossiers 2000] [--workers <cores>] [--page-size 500] [--db FILE | --database URL | --postgres] [--smoke]
 *   npm run bench:audit -- (same options)
 *   npm run bench:audit -- --database URL --baseline OTHER/dist-bench [--rounds 2] [--worker-modes 0,2]
 *
 * Without a database it generates N dossiers through the real engine (./fixture-dossiers.ts) into a
 * temporary SQLite file, or with --postgres into a fresh PostgreSQL database `motcua_bench_audit`
 * (dropped afterwards), and takes a checkpoint. --db FILE keeps the generated SQLite file (and reuses
 * it when it exists), so a large database is generated once and verified many times; --database URL
 * verifies an existing database as it is (e.g. one from `npm run seed:generate`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { createEngineContext } from '../src/app/engine-factory';
import { ManualClock } from '../src/engine/clock';
import { createCheckpoint } from '../src/audit/checkpoints';
import { verifyAll, type VerifySummary } from '../src/audit/verify-all';
import { dialectOf } from '../src/store/db';
import { generateDossiers, hanoi } from './fixture-dossiers';
import { appendResults } from './machine-info';
import { argFlag, argValue, bytes, rssSampler } from './stats';
import type { IsolatedRun } from './audit-verify-run';
import { spawnSync } from 'node:child_process';

export interface AuditBenchOptions {
  dossiers: number;
  pageSize: number;
  workers: number;
  /** an existing database (URL or SQLite file); a SQLite file that does not exist is generated and kept */
  database?: string;
  /** PostgreSQL server URL: generate into a fresh database there */
  postgres?: string;
  smoke: boolean;
}

interface Run {
  label: string;
  threads: number;
  summary: VerifySummary;
  peakRss: number;
  rssBefore: number;
  /** CPU seconds used by the whole process (all threads) per second of the run */
  coresUsed: number;
}

const BENCH_DB = 'motcua_bench_audit';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function generate(url: string, n: number): Promise<void> {
  const clock = new ManualClock(hanoi('2026-03-03 09:00'));
  const ctx = await createEngineContext({ url, clock });
  const started = performance.now();
  try {
    await generateDossiers(ctx, clock, n, {
      concurrency: dialectOf(url) === 'postgres' ? 8 : 1,
      onProgress: (done) => process.stderr.write(`\rsubmitted ${done}/${n} dossiers`),
    });
    await createCheckpoint(ctx.db, hanoi('2026-03-10 17:00'));
  } finally {
    await ctx.close();
  }
  process.stderr.write(`\rgenerated ${n} dossiers in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

async function measure(url: string, label: string, workers: number, pageSize: number): Promise<Run> {
  const ctx = await createEngineContext({ url, prepare: false });
  try {
    const rssBefore = process.memoryUsage().rss;
    const rss = rssSampler();
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const summary = await verifyAll(ctx.db, { pageSize, workers, progressEveryMs: 0, onProgress: rss.sample }).finally(() => rss.stop());
    const peakRss = rss.stop();
    const wall = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(cpu);
    const threads = workers > 0 ? Math.min(workers, os.cpus().length) : 1;
    return { label, threads, summary, peakRss, rssBefore, coresUsed: (used.user + used.system) / 1e6 / wall };
  } finally {
    await ctx.close();
  }
}

function sameResult(a: VerifySummary, b: VerifySummary): boolean {
  return (
    a.dossiers === b.dossiers &&
    a.events === b.events &&
    a.findings === b.findings &&
    JSON.stringify(a.findingsByKind) === JSON.stringify(b.findingsByKind)
  );
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** One verification by the build under `root` in a child process (./audit-verify-run.ts). */
function isolatedRun(root: string, url: string, workers: number, pageSize: number): IsolatedRun {
  const runner = path.join(__dirname, 'audit-verify-run.js');
  const r = spawnSync(
    process.execPath,
    [runner, '--root', root, '--database', url, '--workers', String(workers), '--page-size', String(pageSize)],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    },
  );
  if (r.status !== 0) throw new Error(`audit run (${root}, ${workers} workers) failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as IsolatedRun;
}

/**
 * Before/after in one run: another build (`--baseline OTHER/dist-bench`, e.g. the commit before a change compiled
 * with `tsc -p tsconfig.bench.json` in a copy) and this one verify the same database in turn, each in a process of
 * its own, alternating which goes first over `rounds`, with and without worker threads. Events per CPU-second of
 * the verifying process (all threads) is the figure that survives a loaded machine; wall time, PostgreSQL's CPU
 * per event, peak RSS and the RSS over the run (flat memory) beside it.
 */
export async function benchAuditBaseline(
  opts: AuditBenchOptions & { baseline: string; rounds: number; workerModes: number[] },
): Promise<void> {
  const url = opts.database;
  if (!url) throw new Error('--baseline needs --database (an existing database to verify)');
  if (path.extname(__filename) !== '.js') throw new Error('--baseline runs the compiled benchmark (npm run bench:audit)');
  const builds = [
    { label: 'before', root: path.resolve(opts.baseline) },
    { label: 'after', root: path.resolve(__dirname, '..') },
  ];
  const loadBefore = os.loadavg()[0]!;
  const runs: { build: string; workers: number; run: IsolatedRun }[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    for (const workers of opts.workerModes) {
      for (const b of round % 2 === 0 ? builds : [...builds].reverse()) {
        process.stderr.write(`audit: ${b.label}, ${workers} workers, round ${round + 1} …\n`);
        const run = isolatedRun(b.root, url, workers, opts.pageSize);
        process.stderr.write(
          `  ${(run.wallMs / 1000).toFixed(1)} s, ${Math.round(run.events / (run.cpuMs / 1000))} events per CPU-second\n`,
        );
        runs.push({ build: b.label, workers, run });
      }
    }
  }
  const loadAfter = os.loadavg()[0]!;
  const where = dialectOf(url) === 'postgres' ? 'PostgreSQL' : 'SQLite';
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
  const row = ({ build, workers, run }: (typeof runs)[number]) => {
    const later = run.rssSamples.filter((x) => x.dossiers >= run.dossiers / 10).map((x) => x.rss);
    const flat = later.length ? `${mib(Math.min(...later))}–${mib(Math.max(...later))}` : '–';
    const pg = run.postgresCpuMs === null ? '–' : `${((1000 * run.postgresCpuMs) / run.events).toFixed(1)} µs`;
    return `| ${build} | ${workers} | ${run.dossiers} | ${run.events} | ${run.findings} | ${(run.wallMs / 1000).toFixed(1)} s | ${Math.round(run.events / (run.wallMs / 1000))} | ${(run.cpuMs / 1000).toFixed(1)} s | **${Math.round(run.events / (run.cpuMs / 1000))}** | ${((1000 * run.cpuMs) / run.events).toFixed(1)} µs | ${pg} | ${mib(run.maxRssBytes)} | ${flat} |`;
  };
  const same = runs.every((r) => r.run.findings === runs[0]!.run.findings && r.run.events === runs[0]!.run.events);
  const ratios = opts.workerModes.map((workers) => {
    const of = (build: string) => runs.filter((r) => r.build === build && r.workers === workers).map((r) => r.run);
    const perCore = (rs: IsolatedRun[]) => median(rs.map((r) => r.events / (r.cpuMs / 1000)));
    const wall = (rs: IsolatedRun[]) => median(rs.map((r) => r.wallMs));
    const [before, after] = [of('before'), of('after')];
    return `- ${workers} workers: events per CPU-second after ÷ before ×${(perCore(after) / perCore(before)).toFixed(2)} (medians ${Math.round(perCore(before))} → ${Math.round(perCore(after))}); wall before ÷ after ×${(wall(before) / wall(after)).toFixed(2)} (${(wall(before) / 1000).toFixed(1)} s → ${(wall(after) / 1000).toFixed(1)} s)`;
  });
  appendResults(`audit:verify before/after (${runs[0]!.run.dossiers} dossiers, ${where}, bench/audit-verify.ts --baseline)`, [
    `Builds: before = ${opts.baseline}, after = this commit; each run a process of its own (bench/audit-verify-run.ts), the builds alternating over ${opts.rounds} round(s), pages of ${opts.pageSize}. ` +
      `"per core" is events ÷ the verifying process's CPU time (all threads): it holds on a loaded machine, where wall time does not. ` +
      `PostgreSQL CPU: its backends for this database (/proc) over the same run. RSS over the run: lowest–highest after the first 10 % of dossiers. ` +
      `Load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after (shared machine: other engineers' test suites ran throughout).`,
    '',
    '| build | workers | dossiers | events | findings | wall | events/s | Node CPU | events/s per core | Node CPU per event | PostgreSQL CPU per event | peak RSS | RSS over the run |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...runs.map(row),
    '',
    `Same result from every run: ${same ? 'yes' : 'NO'}.`,
    ...ratios,
  ]);
  if (!same) throw new Error('the builds disagree: see the table');
}

export async function benchAudit(opts: AuditBenchOptions): Promise<Run[]> {
  let url: string;
  let cleanup = async () => {};
  let where: string;
  if (opts.postgres) {
    const admin = knexFactory({ client: 'pg', connection: withDatabase(opts.postgres, 'postgres'), pool: { min: 0, max: 1 } });
    await admin.raw(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
    await admin.raw(`CREATE DATABASE ${BENCH_DB}`);
    await admin.destroy();
    url = withDatabase(opts.postgres, BENCH_DB);
    cleanup = async () => {
      const k = knexFactory({ client: 'pg', connection: withDatabase(opts.postgres!, 'postgres'), pool: { min: 0, max: 1 } });
      await k.raw(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
      await k.destroy();
    };
    where = 'PostgreSQL';
  } else if (opts.database && dialectOf(opts.database) === 'postgres') {
    url = opts.database;
    where = 'PostgreSQL (existing database)';
  } else {
    const keep = opts.database ? path.resolve(opts.database) : null;
    const dir = keep ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-bench-audit-'));
    url = keep ?? path.join(dir!, 'bench.sqlite');
    if (dir) cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
    where = 'SQLite file';
  }
  try {
    if (opts.postgres || (dialectOf(url) === 'sqlite' && !fs.existsSync(url))) await generate(url, opts.dossiers);
    if (dialectOf(url) === 'sqlite') {
      const size = fs.statSync(url).size + (fs.existsSync(`${url}-wal`) ? fs.statSync(`${url}-wal`).size : 0);
      where = `SQLite file (WAL, ${bytes(size)})`;
    }
    const runs = [await measure(url, 'one thread', 0, opts.pageSize)];
    if (opts.workers > 0) runs.push(await measure(url, `${opts.workers} workers`, opts.workers, opts.pageSize));
    const base = runs[0]!;
    const same = runs.every((r) => sameResult(r.summary, base.summary));
    const row = (r: Run) => {
      const s = r.summary;
      const perMillionMin = s.dossiersPerSecond > 0 ? 1_000_000 / s.dossiersPerSecond / 60 : 0;
      return `| ${where}, pages of ${opts.pageSize} | ${r.label} | ${s.dossiers} | ${s.events} | ${s.findings} | ${(s.elapsedMs / 1000).toFixed(2)} s | ${s.dossiersPerSecond} | ${s.eventsPerSecond} | ${Math.round(s.eventsPerSecond / r.threads)} | ${(100 * r.coresUsed).toFixed(0)} % | ${bytes(r.peakRss)} (${bytes(r.rssBefore)} before) | ≈ ${perMillionMin.toFixed(1)} min |`;
    };
    const parallel = runs[1];
    const speedup = parallel && parallel.summary.elapsedMs > 0 ? base.summary.elapsedMs / parallel.summary.elapsedMs : null;
    const lines = [
      'Hash chain, replay through the chart, head and projection for every dossier, then the checkpoint anchors; one thread, then worker threads (each reading its own ranges through its own connection), in the same process one after the other. ' +
        '"per core" divides by the threads that verify (1, or the workers up to the cores); "CPU" is the process\'s CPU time (all threads) over the wall time. The 1M column is extrapolated linearly.',
      '',
      '| database | mode | dossiers | events | findings | elapsed | dossiers/s | events/s | events/s per core | CPU | peak RSS | 1M dossiers |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...runs.map(row),
      '',
      `Same result on one thread and on workers: ${same ? 'yes' : 'NO'}${speedup !== null ? `; speed-up ×${speedup.toFixed(2)} with ${opts.workers} workers on ${os.cpus().length} cores (load average ${os.loadavg()[0]!.toFixed(1)})` : ''}.`,
    ];
    appendResults(
      `audit:verify — whole-database verification (${base.summary.dossiers} dossiers, bench/audit-verify.ts)${opts.smoke ? ' — smoke' : ''}`,
      lines,
    );
    if (!same) throw new Error('one thread and workers disagree: see the table');
    return runs;
  } finally {
    await cleanup();
  }
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const smoke = argFlag(argv, 'smoke');
  if (argFlag(argv, 'no-record') || smoke) process.env.MOTCUA_BENCH_RESULTS ??= 'off';
  const baseline = argValue(argv, 'baseline');
  const common = {
    dossiers: Number(argValue(argv, 'dossiers', smoke ? '40' : '2000')),
    pageSize: Number(argValue(argv, 'page-size', smoke ? '10' : '500')),
    workers: Number(argValue(argv, 'workers', String(os.availableParallelism()))),
    database: argValue(argv, 'database') ?? argValue(argv, 'db'),
    smoke,
  };
  (baseline
    ? benchAuditBaseline({
        ...common,
        baseline,
        rounds: Number(argValue(argv, 'rounds', '2')),
        workerModes: (argValue(argv, 'worker-modes') ?? `0,${common.workers}`).split(',').map(Number),
      })
    : benchAudit({
        dossiers: Number(argValue(argv, 'dossiers', smoke ? '40' : '2000')),
        pageSize: Number(argValue(argv, 'page-size', smoke ? '10' : '500')),
        workers: Number(argValue(argv, 'workers', String(os.availableParallelism()))),
        database: argValue(argv, 'database') ?? argValue(argv, 'db'),
        postgres: argFlag(argv, 'postgres') ? (process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test') : undefined,
        smoke,
      })
  ).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
