/**
 * One measured whole-database verification in a process of its own, for the audit benchmark's
 * before/after runs (./audit-verify.ts --baseline): verifies the database with the build under `--root`
 * (a dist-bench directory: this build's or another commit's) and prints one JSON line on stdout — the
 * summary, this process's CPU time (all threads) during the run, its RSS sampled at every progress
 * message, its peak RSS, and the CPU time PostgreSQL's backends for this database used meanwhile
 * (read from /proc: the server must run on this machine; null otherwise).
 *
 *   node dist-bench/bench/audit-verify-run.js --root DIST_BENCH --database URL [--workers N] [--page-size N]
 */
import fs from 'node:fs';
import path from 'node:path';
import { argValue } from './stats';

export interface IsolatedRun {
  dossiers: number;
  events: number;
  findings: number;
  findingsByKind: Record<string, number>;
  wallMs: number;
  /** this process's user + system CPU during the verification, all threads */
  cpuMs: number;
  /** PostgreSQL backends of this database, user + system CPU during the run (null: not measurable here) */
  postgresCpuMs: number | null;
  /** the process's peak resident set (getrusage) */
  maxRssBytes: number;
  /** RSS at each progress message, in order */
  rssSamples: { dossiers: number; rss: number }[];
}

const CLOCK_TICK_MS = 10; // USER_HZ = 100 on Linux

/** CPU ms (user + system) of every PostgreSQL backend serving `database`, by pid (empty when /proc cannot tell). */
function postgresBackends(database: string): Map<number, number> {
  const found = new Map<number, number>();
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return found;
  }
  for (const pid of pids) {
    try {
      // a backend's title: "postgres: [CLUSTER: ]USER DATABASE HOST(PORT) STATE" (Debian puts "15/main: " first)
      const title = /^postgres: (?:\S+: )?\S+ (\S+) /.exec(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
      if (title?.[1] !== database) continue;
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      found.set(Number(pid), (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Follows the backends of `database` (new ones appear with the run's connections) and sums what they used since `start`. */
function postgresCpuMeter(database: string | null): { stop(): number | null } {
  if (!database || !fs.existsSync('/proc/self/stat')) return { stop: () => null };
  const first = postgresBackends(database);
  const latest = new Map(first);
  const sample = () => {
    for (const [pid, ms] of postgresBackends(database)) latest.set(pid, ms);
  };
  const timer = setInterval(sample, 200);
  return {
    stop() {
      clearInterval(timer);
      sample();
      let total = 0;
      for (const [pid, ms] of latest) total += ms - (first.get(pid) ?? 0);
      return total;
    },
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const root = path.resolve(argValue(argv, 'root') ?? path.join(__dirname, '..'));
  const url = argValue(argv, 'database');
  if (!url) throw new Error('--database URL is required');
  const workers = Number(argValue(argv, 'workers', '0'));
  const pageSize = Number(argValue(argv, 'page-size', '500'));
  /* eslint-disable @typescript-eslint/no-require-imports -- the build under test is chosen at run time */
  const { openDb } = require(path.join(root, 'src', 'store', 'db.js')) as typeof import('../src/store/db');
  const { verifyAll } = require(path.join(root, 'src', 'audit', 'verify-all.js')) as typeof import('../src/audit/verify-all');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const db = openDb({ url, poolMax: 2 });
  const database = /^postgres(ql)?:\/\//.test(url) ? decodeURIComponent(new URL(url).pathname.slice(1)) : null;
  try {
    const rssSamples: IsolatedRun['rssSamples'] = [];
    const pgMeter = postgresCpuMeter(database);
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const summary = await verifyAll(db, {
      workers,
      pageSize,
      progressEveryMs: 1000,
      onProgress: (p) => void rssSamples.push({ dossiers: p.dossiers, rss: process.memoryUsage().rss }),
    });
    const wallMs = performance.now() - t0;
    const used = process.cpuUsage(cpu);
    const run: IsolatedRun = {
      dossiers: summary.dossiers,
      events: summary.events,
      findings: summary.findings,
      findingsByKind: summary.findingsByKind,
      wallMs,
      cpuMs: (used.user + used.system) / 1000,
      postgresCpuMs: pgMeter.stop(),
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      rssSamples,
    };
    process.stdout.write(`${JSON.stringify(run)}\n`);
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
