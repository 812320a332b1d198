/**
 * What the pending-class history (machines/metrics/class-history.ts) costs the write path, before/after in one
 * run: the engine's lifecycles with the history kept (as shipped) and with its two statement builders giving nothing
 * (the engine as it was before), in interleaved rounds on each backend, medians. Two lifecycles: the plain one of
 * bench/engine-write-path.ts (the history opens one interval at submission, then no transition changes it) and
 * one with a pause and a supplement (four more intervals: each stop and restart of the clock).
 *
 *   npm run bench -- history [--lifecycles 200] [--rounds 3] [--postgres]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import type { EngineContext } from '../src/app/engine-factory';
import * as historyStore from '../src/store/class-history-store';
import { appendResults } from './machine-info';
import { median } from './stats';
import { counter, leader, lifecycle, openBenchContext, run, specialist, SUB } from './engine-write-path';

/** A lifecycle whose clock stops twice (a pause, a supplement): 11 transitions, 5 history intervals. */
async function stoppingLifecycle(ctx: EngineContext): Promise<number> {
  const e = ctx.engine;
  const { code } = await e.submit(SUB, counter);
  await e.act(code, { type: 'ASSIGN', assignee: 'counter' }, counter);
  await e.act(code, { type: 'PAUSE', reason: 'verification' }, counter);
  await e.act(code, { type: 'RESUME' }, counter);
  await e.act(code, { type: 'REQUEST_SUPPLEMENT', missing: ['Bản sao giấy tờ'], reason: 'thiếu giấy tờ' }, counter);
  await e.act(code, { type: 'RECEIVE_SUPPLEMENT' }, counter);
  await e.act(code, { type: 'COMPLETE_STEP' }, counter);
  await e.act(code, { type: 'COMPLETE_STEP' }, specialist);
  await e.act(code, { type: 'RECORD_RESULT', documentNumber: '1/GCN', documentDate: '2026-03-03', signer: 'TP', digitised: true }, leader);
  await e.act(code, { type: 'RETURN_RESULT', method: 'counter' }, counter);
  return 11;
}

/**
 * The engine builds the history's statements through the module's exports (CommonJS) and runs them with its other
 * writes: swapping the builders for ones giving no statement turns the history off.
 */
const store = historyStore as unknown as Record<
  'openClassIntervalStatement' | 'moveClassIntervalStatements',
  (...args: unknown[]) => unknown
>;
const kept = { open: store.openClassIntervalStatement, move: store.moveClassIntervalStatements };
function keepHistory(on: boolean): void {
  store.openClassIntervalStatement = on ? kept.open : () => null;
  store.moveClassIntervalStatements = on ? kept.move : () => [];
}

async function historyRows(ctx: EngineContext): Promise<number> {
  const [row] = (await ctx.db('dossier_class_history').count({ n: '*' })) as { n: unknown }[];
  return Number(row?.n ?? 0);
}

export async function benchClassHistory(args: { lifecycles: number; rounds: number; postgres?: string }): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-bench-'));
  const targets = [
    { name: 'SQLite (WAL, NORMAL), sqlite3', url: path.join(dir, 'history.sqlite'), sqliteDriver: 'sqlite3' as const },
    ...(args.postgres ? [{ name: 'PostgreSQL', url: args.postgres, schema: `bench_history_${Date.now()}` }] : []),
  ];
  const lifecycles = { plain: lifecycle, stopping: stoppingLifecycle };
  const load = () => os.loadavg()[0]!.toFixed(1);
  const loadBefore = load();
  const lines = [
    '| database | lifecycle | transitions/s without history (before) | with history (after) | after ÷ before | CPU ms per transition before → after |',
    '|---|---|---|---|---|---|',
  ];
  try {
    for (const target of targets) {
      const ctx = await openBenchContext(target);
      try {
        await run(ctx, stoppingLifecycle, Math.min(10, args.lifecycles), 1); // warm-up
        const perRound = Math.max(1, Math.round(args.lifecycles / args.rounds));
        for (const [name, fn] of Object.entries(lifecycles)) {
          const cells = { before: [] as number[], after: [] as number[], cpuBefore: [] as number[], cpuAfter: [] as number[] };
          for (let r = 0; r < args.rounds; r++) {
            for (const on of [false, true]) {
              keepHistory(on);
              const rows0 = await historyRows(ctx);
              const cpu0 = process.cpuUsage();
              const f = await run(ctx, fn, perRound, 1);
              const cpu = process.cpuUsage(cpu0);
              // the switch works: rows written with the history on, none with it off
              if (on !== (await historyRows(ctx)) > rows0) throw new Error(`the history was not switched ${on ? 'on' : 'off'}`);
              const transitions = f.transitionsPerSec * (perRound / f.lifecyclesPerSec);
              (on ? cells.after : cells.before).push(f.transitionsPerSec);
              (on ? cells.cpuAfter : cells.cpuBefore).push((cpu.user + cpu.system) / 1000 / transitions);
            }
          }
          keepHistory(true);
          const [b, a] = [median(cells.before), median(cells.after)];
          process.stderr.write(`history: ${target.name}, ${name}: ${b.toFixed(0)} → ${a.toFixed(0)} transitions/s\n`);
          lines.push(
            `| ${target.name} | ${name} | ${b.toFixed(0)} | ${a.toFixed(0)} | ${(a / b).toFixed(2)} | ${median(cells.cpuBefore).toFixed(2)} → ${median(cells.cpuAfter).toFixed(2)} |`,
          );
        }
      } finally {
        keepHistory(true);
        await ctx.close();
        if (target.schema) {
          const k = knexFactory({ client: 'pg', connection: target.url });
          await k.raw(`DROP SCHEMA ${target.schema} CASCADE`);
          await k.destroy();
        }
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  appendResults(
    `Pending-class history on the write path (issue 16, bench/class-history-cost.ts: ${args.lifecycles} lifecycles per cell, median of ${args.rounds} interleaved rounds, one caller)`,
    [
      `"plain": 7 transitions, one history row (at submission); "stopping": 11 transitions with a pause and a supplement, 5 rows and 4 closings. Load average ${loadBefore} before, ${load()} after (2 shared cores).`,
      '',
      ...lines,
    ],
  );
}
