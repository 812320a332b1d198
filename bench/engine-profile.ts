/**
 * Where one transition's CPU goes, in-process: the engine's lifecycles (bench/engine-write-path.ts) run
 * under V8's sampling profiler on each backend, and every sample is named by the innermost step of the
 * write path on its stack (restore, chart, stamp, hash, projection, deadline check, view, each SQL call)
 * or, outside them, by the package its leaf runs in (Knex's query compiler and runner, the driver, Node's
 * promise and stream internals, GC). Beside it the process CPU per transition (user + system, all
 * threads: the sqlite3 driver works in libuv's pool) of the engine and of the plain-Knex floor, measured
 * without the profiler.
 *
 *   npm run bench -- profile [--lifecycles 300] [--postgres]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import knexFactory from 'knex';
import type { EngineContext } from '../src/app/engine-factory';
import { appendResults } from './machine-info';
import { attributeProfile, summariseProfile, type AttributionRule, type CpuProfile } from './cpu-profile';
import { floorLifecycle, lifecycle, openBenchContext, run } from './engine-write-path';
import type { SqliteDriver } from '../src/store/db';

/** The write path's steps, by the function that does each (innermost wins). */
export const WRITE_PATH_STEPS: AttributionRule[] = [
  { label: 'restore: JSON.parse + XState resolveState', fn: 'restoreRow' },
  { label: 'row decoding (instants, numbers)', fn: 'dossierRowFromDb' },
  { label: 'is the event allowed (XState can)', fn: 'ensureAllowed' },
  { label: 'stamp: due dates, calendar', fn: 'stampCommand' },
  { label: 'chart transition (XState) + invariants', fn: 'stepChart' },
  { label: 'hash: canonical JSON + sha256', fn: 'eventHash' },
  { label: 'event row (payload JSON)', fn: 'chainEvents' },
  { label: 'XState getPersistedSnapshot', fn: 'persistSnapshot' },
  { label: 'projection columns + snapshot JSON', fn: 'projectSnapshot' },
  { label: 'metrics columns (working time)', fn: 'metricsColumns' },
  { label: 'next_check_at (calendar)', fn: 'nextCheckAt' },
  { label: 'view + allowedEvents', fn: 'viewOf' },
  { label: 'SQL call: read the row', fn: 'findDossierByCode' },
  // A transition's writes are one call, writeTransition: on PostgreSQL one WITH statement (events, outbox, row update,
  // rollups, class history, document references); on SQLite the events with their outbox deliveries, the row's update
  // naming the version read, then the other statements run together (runTogether), each its own row below.
  { label: 'SQL call: transition events + outbox (SQLite: appendEvents in writeTransition)', fn: 'appendEvents' },
  { label: 'SQL call: outbox INSERT … SELECT (SQLite: enqueueDeliveries in appendEvents)', fn: 'enqueueDeliveries' },
  { label: 'SQL call: transition row update (SQLite: updateDossier in writeTransition)', fn: 'updateDossier' },
  { label: 'SQL call: rollups, class history, document refs (SQLite: runTogether)', fn: 'runTogether' },
  { label: "SQL call: a transition's writes (writeTransition; PostgreSQL: its one statement)", fn: 'writeTransition' },
  { label: "SQL call: a new dossier's writes (writeNewDossier)", fn: 'writeNewDossier' },
  { label: 'SQL call: code sequence', fn: 'nextDailySequence' },
  { label: 'write statements built (rollup, digitisation, class history, document refs)', fn: 'rollupStatement' },
  { label: 'write statements built (rollup, digitisation, class history, document refs)', fn: 'digitisationStatement' },
  { label: 'write statements built (rollup, digitisation, class history, document refs)', fn: 'moveClassIntervalStatements' },
  { label: 'write statements built (rollup, digitisation, class history, document refs)', fn: 'openClassIntervalStatement' },
  { label: 'write statements built (rollup, digitisation, class history, document refs)', fn: 'documentRefsStatement' },
  { label: 'submission: chart start + stamps', fn: 'planSubmission' },
  // the engine's transactions (src/store/direct-transaction.ts): BEGIN, COMMIT, ROLLBACK sent straight to the connection
  { label: 'transaction BEGIN/COMMIT (direct-transaction control)', fn: 'control', file: 'src/store/direct-transaction' },
];

interface Target {
  name: string;
  url: string;
  schema?: string;
  sqliteDriver?: SqliteDriver;
}

/** Process CPU (user + system, ms) per transition while `fn` runs `lifecycles` lifecycles, one at a time. */
async function cpuPerTransition(ctx: EngineContext, fn: (c: EngineContext) => Promise<number>, lifecycles: number) {
  const before = process.cpuUsage();
  const t0 = performance.now();
  const r = await run(ctx, fn, lifecycles, 1);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(before);
  const transitions = r.transitionsPerSec * (wallMs / 1000);
  return { cpuMs: (cpu.user + cpu.system) / 1000 / transitions, wallMs: wallMs / transitions };
}

async function profiled<T>(work: () => Promise<T>): Promise<CpuProfile> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    await work();
    const { profile } = await session.post('Profiler.stop');
    return profile as unknown as CpuProfile;
  } finally {
    session.disconnect();
  }
}

export async function benchEngineProfile(args: { lifecycles: number; postgres?: string; smoke?: boolean }): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-profile-'));
  const targets: Target[] = (['sqlite3', 'better-sqlite3'] as const).map((sqliteDriver) => ({
    name: `SQLite (${sqliteDriver}, NORMAL)`,
    url: path.join(dir, `profile-${sqliteDriver}.sqlite`),
    sqliteDriver,
  }));
  if (args.postgres) targets.push({ name: 'PostgreSQL', url: args.postgres, schema: `bench_profile_${Date.now()}` });
  const lines: string[] = [
    `load average at start: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
    '',
  ];
  const cpuRows = [
    '| database | engine CPU ms / transition | floor CPU ms / transition | engine − floor | engine wall ms / transition | floor wall ms / transition |',
    '|---|---|---|---|---|---|',
  ];
  const breakdowns: string[] = [];
  for (const target of targets) {
    // NORMAL: a commit's fdatasync is I/O wait, not CPU, but better-sqlite3 waits for it on the main thread
    const ctx = await openBenchContext({ ...target, sqliteSynchronous: 'NORMAL' });
    try {
      await run(ctx, lifecycle, Math.min(30, args.lifecycles), 1); // warm-up: compiled code, cached reference data
      await run(ctx, floorLifecycle, Math.min(30, args.lifecycles), 1);
      const floor = await cpuPerTransition(ctx, floorLifecycle, args.lifecycles);
      const engine = await cpuPerTransition(ctx, lifecycle, args.lifecycles);
      cpuRows.push(
        `| ${target.name} | ${engine.cpuMs.toFixed(3)} | ${floor.cpuMs.toFixed(3)} | ${(engine.cpuMs - floor.cpuMs).toFixed(3)} | ${engine.wallMs.toFixed(3)} | ${floor.wallMs.toFixed(3)} |`,
      );
      const profile = await profiled(() => run(ctx, lifecycle, args.lifecycles, 1));
      const steps = attributeProfile(profile, WRITE_PATH_STEPS);
      const busyMs = steps.reduce((a, s) => a + s.ms, 0);
      const transitions = args.lifecycles * 7;
      const summary = summariseProfile(profile, 12);
      const areas = summary.areas.filter((a) => a.name !== '(idle)');
      breakdowns.push(
        `**${target.name}** — ${transitions} transitions profiled, ${(busyMs / transitions).toFixed(3)} ms of the main thread busy per transition (profiler on)`,
        '',
        '| step (innermost on the stack) | µs / transition | share of busy |',
        '|---|---|---|',
        ...steps
          // every step that took any sampled time: a short (smoke) run can be dominated by one native frame, and a
          // share threshold would then hide every step of the write path
          .filter((s) => s.ms > 0)
          .map((s) => `| ${s.name} | ${((1000 * s.ms) / transitions).toFixed(0)} | ${(100 * s.share).toFixed(1)} % |`),
        '',
        '| self time by area | µs / transition |',
        '|---|---|',
        ...areas.map((a) => `| ${a.name} | ${((1000 * a.ms) / transitions).toFixed(0)} |`),
        '',
        '| top self-time functions | µs / transition |',
        '|---|---|',
        ...summary.functions
          .filter((f) => f.name !== '(idle)')
          .map((f) => `| \`${f.name.replace(/\|/g, '\\|')}\` | ${((1000 * f.ms) / transitions).toFixed(0)} |`),
        '',
      );
    } finally {
      await ctx.close();
      if (target.schema) {
        const k = knexFactory({ client: 'pg', connection: target.url });
        await k.raw(`DROP SCHEMA ${target.schema} CASCADE`);
        await k.destroy();
      }
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  appendResults(`Engine CPU profile (${args.lifecycles} lifecycles of 7 transitions, one caller, bench/engine-profile.ts)`, [
    ...lines,
    ...cpuRows,
    '',
    ...breakdowns,
    `load average at end: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  ]);
}
