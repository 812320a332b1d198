/**
 * `npm run bench -- <name> [options]`: runs a benchmark, prints its figures and appends them to
 * bench/RESULTS.md with the date, commit and machine. `--smoke` runs a tiny size so CI keeps it
 * working, and only prints (or appends to the file given by `--results FILE`).
 *
 *   engine   engine write path beside a plain-Knex floor           (./engine-write-path.ts)
 *   audit    whole-database verification, one thread vs workers    (./audit-verify.ts)
 *   http     the REST API under load, real server processes       (./http.ts)
 *   reports  reports, lists, sweep and storage on a large database (./reports-at-scale.ts)
 *   metrics  compliance rollup vs projection SQL, same run         (./metrics-rollup.ts)
 *   outbox   outbox write overhead and dispatcher throughput        (./outbox.ts)
 *   profile  where one transition's CPU goes, in-process            (./engine-profile.ts)
 *   pure     the engine's pure work per transition, no SQL           (./engine-pure.ts)
 *   documents upload/download beside a plain copy, attach cost      (./documents.ts)
 *   sync-lag  the national portal's sync lag under the HTTP load      (./sync-lag.ts)
 *   growth   the write path on an empty and on a large database       (./growth.ts)
 *   history  the pending-class history's cost on the write path       (./class-history-cost.ts)
 */
import os from 'node:os';
import { benchEngine } from './engine-write-path';
import { benchAudit } from './audit-verify';
import { benchHttp } from './http';
import { benchReports } from './reports-at-scale';
import { benchOutbox } from './outbox';
import { benchMetricsRollup } from './metrics-rollup';
import { benchEngineProfile } from './engine-profile';
import { benchEnginePure } from './engine-pure';
import { benchDocuments } from './documents';
import { benchSyncLag } from './sync-lag';
import { benchGrowth } from './growth';
import { benchClassHistory } from './class-history-cost';
import { argFlag, argValue } from './stats';
import { SQLITE_SYNCHRONOUS_MODES } from '../src/store/db';

/** The HTTP benchmark's default warm-up, transitions per server instance (bench/RESULTS.md: the JIT's share by warm-up). */
const HTTP_WARMUP_TRANSITIONS = 6000;

const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const BENCHMARKS = [
  'engine',
  'audit',
  'http',
  'reports',
  'metrics',
  'outbox',
  'profile',
  'pure',
  'documents',
  'sync-lag',
  'growth',
  'history',
] as const;

/** A comma-separated list of names, each one of `allowed`. */
function names<T extends string>(v: string | undefined, allowed: readonly T[]): T[] {
  return (v ?? '').split(',').map((x) => {
    if (!(allowed as readonly string[]).includes(x)) throw new Error(`expected one of ${allowed.join(', ')}, got "${x}"`);
    return x as T;
  });
}

function list(v: string | undefined, fallback: string): number[] {
  return (v ?? fallback).split(',').map((x) => {
    const n = Number(x);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`expected positive numbers, got "${x}"`);
    return n;
  });
}

/** Runs one benchmark with command-line style arguments (also used in-process by the smoke test). */
export async function runBenchmark(which: string, argv: readonly string[]): Promise<void> {
  const smoke = argFlag(argv, 'smoke');
  const arg = (name: string, fallback?: string) => argValue(argv, name, fallback);
  const results = arg('results');
  if (results) process.env.MOTCUA_BENCH_RESULTS = results;
  else if (smoke) process.env.MOTCUA_BENCH_RESULTS = 'off';
  const postgres = argFlag(argv, 'postgres') ? POSTGRES_URL : undefined;
  switch (which) {
    case 'engine':
      return benchEngine({
        lifecycles: Number(arg('lifecycles', smoke ? '5' : '300')),
        concurrency: list(arg('concurrency'), smoke ? '1' : '1,8'),
        synchronous: names(arg('sqlite-synchronous', 'NORMAL,FULL'), SQLITE_SYNCHRONOUS_MODES),
        rounds: Number(arg('rounds', smoke ? '1' : '3')),
        postgres,
        groupCommit: arg('group-commit')
          ?.split(',')
          .map((v) => {
            if (v !== '0' && v !== '1') throw new Error(`--group-commit takes 0, 1 or 0,1, got "${v}"`);
            return v === '1';
          }),
      });
    case 'audit': {
      await benchAudit({
        dossiers: Number(arg('dossiers', smoke ? '40' : '2000')),
        pageSize: Number(arg('page-size', smoke ? '10' : '500')),
        workers: Number(arg('workers', String(os.availableParallelism()))),
        database: arg('database') ?? (postgres ? undefined : arg('db')),
        postgres,
        smoke,
      });
      return;
    }
    case 'http': {
      await benchHttp({
        sqlite: !argFlag(argv, 'no-sqlite'),
        postgres,
        clients: list(arg('clients'), smoke ? '1,2' : '1,16,64'),
        seconds: Number(arg('seconds', smoke ? '1' : '15')),
        warmupSeconds: Number(arg('warmup', smoke ? '0.3' : '2')),
        warmupTransitions: Number(arg('warmup-transitions', smoke ? '0' : String(HTTP_WARMUP_TRANSITIONS))),
        instances: Number(arg('instances', '2')),
        postgresDatabase: arg('postgres-database'),
        logLevel: arg('log-level'),
        sqliteDrivers: names(arg('sqlite-driver', smoke ? 'sqlite3' : 'sqlite3,better-sqlite3'), ['sqlite3', 'better-sqlite3'] as const),
        sqliteSynchronous: names(arg('sqlite-synchronous', 'NORMAL,FULL'), SQLITE_SYNCHRONOUS_MODES),
        profile: argFlag(argv, 'profile'),
        perf: argFlag(argv, 'perf'),
        tail: argFlag(argv, 'tail'),
        baseline: arg('baseline'),
        rounds: Number(arg('rounds', '1')),
        smoke,
      });
      return;
    }
    case 'reports': {
      const database = arg('database');
      if (!database && !smoke) throw new Error('reports needs --database URL (a generated database), or --smoke');
      await benchReports({
        database,
        runs: Number(arg('runs', smoke ? '2' : '7')),
        explain: argFlag(argv, 'explain'),
        explainOut: arg('explain-out'),
        smoke,
        postgres,
      });
      return;
    }
    case 'metrics': {
      const database = arg('database');
      if (!database) throw new Error('metrics needs --database URL (a generated database with its rollup built)');
      return benchMetricsRollup({ database, runs: Number(arg('runs', '5')) });
    }
    case 'outbox':
      return benchOutbox({
        dossiers: Number(arg('dossiers', smoke ? '5' : '200')),
        rounds: Number(arg('rounds', smoke ? '1' : '3')),
        postgres,
        smoke,
      });
    case 'sync-lag': {
      await benchSyncLag({
        sqlite: !argFlag(argv, 'no-sqlite'),
        postgres,
        clients: list(arg('clients'), smoke ? '2' : '16'),
        seconds: Number(arg('seconds', smoke ? '3' : '30')),
        warmupSeconds: Number(arg('warmup', smoke ? '0.3' : '2')),
        instances: Number(arg('instances', '2')),
        smoke,
      });
      return;
    }
    case 'profile':
      return benchEngineProfile({ lifecycles: Number(arg('lifecycles', smoke ? '5' : '300')), postgres, smoke });
    case 'pure':
      return benchEnginePure({ lifecycles: Number(arg('lifecycles', smoke ? '5' : '2000')) });
    case 'documents':
      return benchDocuments({
        sizeMb: Number(arg('size-mb', smoke ? '1' : '64')),
        rounds: Number(arg('rounds', smoke ? '1' : '5')),
        attaches: Number(arg('attaches', smoke ? '3' : '100')),
        smoke,
      });
    case 'growth':
      return benchGrowth({
        database: arg('database'),
        lifecycles: Number(arg('lifecycles', smoke ? '4' : '300')),
        concurrency: list(arg('concurrency'), smoke ? '1' : '1,8'),
        rounds: Number(arg('rounds', smoke ? '2' : '5')),
        smoke,
        postgres,
      });
    case 'history':
      return benchClassHistory({
        lifecycles: Number(arg('lifecycles', smoke ? '4' : '200')),
        rounds: Number(arg('rounds', smoke ? '1' : '3')),
        postgres,
      });
    default:
      throw new Error(`unknown benchmark ${which}; known: ${BENCHMARKS.join(', ')}`);
  }
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const which = argv[0] && !argv[0].startsWith('--') ? argv[0] : 'engine';
  runBenchmark(which, argv).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
