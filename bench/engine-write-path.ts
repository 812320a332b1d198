/**
 * Engine write path: full dossier lifecycles per second through the engine, beside two floors measured in
 * the same run, so the ratios engine ÷ floor are what to compare:
 * - the floor (the figure): narrow rows (one read, one event insert, one projection update per
 *   transition: id, version, state, snapshot) written by plain Knex with no statechart;
 * - the floor "same rows as the engine": the statements the engine itself sent for one lifecycle (its ~50-column
 *   row and indexes, the hash-chained event, the rollup upserts, the class-history interval), captured once
 *   and replayed with plain Knex (captureEngineRows, sameRowsLifecycle). Its ratio is the engine's own logic;
 *   the first floor's ÷ this one's is what the width of the data model costs.
 *
 *   npm run bench -- engine [--lifecycles 300] [--concurrency 1,8] [--sqlite-synchronous NORMAL,FULL] [--rounds 3] [--postgres]
 *                           [--group-commit 0,1]
 *
 * SQLite is measured with both drivers a centre can choose (MOTCUA_SQLITE_DRIVER), each with every
 * synchronous level given (MOTCUA_SQLITE_SYNCHRONOUS; default NORMAL and FULL, so the cost of durable
 * commits is measured in the same run): the floor uses the same driver and level. The cells run in
 * `--rounds` interleaved rounds (each a share of the lifecycles) and report their median round, so a burst
 * of other work on the machine hits every cell alike; the latency of one fdatasync on the same file system
 * is printed beside them (what FULL adds to each commit). `--group-commit 0,1` measures every database without and
 * with group commit (src/store/group-commit.ts) in the same rounds, PostgreSQL included (where the server never
 * turns it on); without it each database runs as the server would (on for SQLite, off for PostgreSQL).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import { createEngineContext, type EngineContext } from '../src/app/engine-factory';
import { ManualClock } from '../src/engine/clock';
import type { Submission } from '../machines/engine/commands';
import { appendResults } from './machine-info';
import { median, quantile } from './stats';
import type { SqliteDriver, SqliteSynchronous } from '../src/store/db';
import { batchStats } from '../src/store/group-commit';

export const counter = { username: 'counter', unit: 'TTPVHCC' };
export const specialist = { username: 'specialist', unit: 'KINHTE' };
export const leader = { username: 'leader', unit: 'LANHDAO' };
export const SUB: Submission = {
  procedureCode: '1.001612',
  channel: 'counter',
  applicant: { fullName: 'Nguyễn Văn Bench', idNumber: '001090012345', phone: '0912345678', address: 'Hà Nội' },
  documents: [{ name: 'Giấy đề nghị', copies: 1 }],
};

/** One lifecycle = 8 transitions (submit+receive, assign, 2 steps, result, return). */
export async function lifecycle(ctx: EngineContext): Promise<number> {
  const e = ctx.engine;
  const { code } = await e.submit(SUB, counter);
  await e.act(code, { type: 'ASSIGN', assignee: 'counter' }, counter);
  await e.act(code, { type: 'COMPLETE_STEP' }, counter);
  await e.act(code, { type: 'COMPLETE_STEP' }, specialist);
  await e.act(code, { type: 'RECORD_RESULT', documentNumber: '1/GCN', documentDate: '2026-03-03', signer: 'TP', digitised: true }, leader);
  await e.act(code, { type: 'RETURN_RESULT', method: 'counter' }, counter);
  return 7;
}

/** The floor: the same row traffic with plain Knex — a read, an insert and an update per transition. */
export async function floorLifecycle(ctx: EngineContext): Promise<number> {
  const db = ctx.db;
  const id = randomUUID();
  const payload = JSON.stringify({ n: 1, text: 'x'.repeat(200) });
  const snapshot = 'x'.repeat(1500);
  await db.transaction(async (tx) => {
    await tx('bench_floor').insert({ id, version: 2, state: 'received', snapshot });
    await tx('bench_floor_events').insert([
      { dossier_id: id, seq: 1, payload },
      { dossier_id: id, seq: 2, payload },
    ]);
  });
  for (let v = 2; v < 7; v++) {
    await db.transaction(async (tx) => {
      const row = await tx('bench_floor').where({ id }).first();
      await tx('bench_floor_events').insert({ dossier_id: id, seq: row.version + 1, payload });
      await tx('bench_floor')
        .where({ id, version: row.version })
        .update({ version: row.version + 1, state: `s${v}`, snapshot });
    });
  }
  return 7;
}

/**
 * The second floor, "same rows as the engine": the statements one engine lifecycle sent (the same tables,
 * columns, indexes, triggers, rollup upserts and class-history interval, the row read with FOR UPDATE on
 * PostgreSQL), captured once from a real run and replayed with plain Knex (`tx.raw`, one Knex transaction per
 * engine transaction), with a new dossier id and code each lifecycle. No chart, no hashing, no JSON built: the
 * engine's values are sent as they were. Beside the first floor (the narrow rows above, the figure) it
 * separates what the engine's own logic costs from what the width of the data model costs.
 */
export interface EngineRowTraffic {
  /** each engine transaction's statements, in order: SQL with `?` placeholders, bindings as templates */
  transactions: { sql: string; bindings: unknown[] }[][];
  /** the dossier's id, code and submission reference as captured, replaced by fresh ones at each replay */
  tokens: string[];
}

/** A string binding that names the dossier: its pieces, with the index of the token between each two. */
class Template {
  constructor(
    readonly pieces: string[],
    readonly tokens: number[],
  ) {}
  fill(values: readonly string[]): string {
    let out = this.pieces[0]!;
    for (let i = 0; i < this.tokens.length; i++) out += values[this.tokens[i]!]! + this.pieces[i + 1]!;
    return out;
  }
}

/** Runs one engine lifecycle on `ctx` (warmed up already) and records what it sent, transaction by transaction. */
export async function captureEngineRows(ctx: EngineContext): Promise<EngineRowTraffic> {
  const sent: { sql: string; bindings: unknown[] }[] = [];
  const listen = (q: { sql: string; bindings?: unknown[] }) => void sent.push({ sql: q.sql, bindings: [...(q.bindings ?? [])] });
  ctx.db.on('query', listen);
  try {
    await lifecycle(ctx);
  } finally {
    ctx.db.removeListener('query', listen);
  }
  const transactions: { sql: string; bindings: unknown[] }[][] = [];
  let open: { sql: string; bindings: unknown[] }[] | null = null;
  for (const q of sent) {
    const verb = q.sql.trim().replace(/;$/, '').toUpperCase();
    if (verb === 'BEGIN') open = [];
    else if (verb === 'COMMIT') {
      if (open) transactions.push(open);
      open = null;
    } else if (!open) throw new Error(`the engine sent a statement outside a transaction: ${q.sql.slice(0, 80)}`);
    else open.push(questionMarks(q.sql, q.bindings));
  }
  // the dossier the lifecycle created: its newest id (uuid v7), read back rather than picked out of the captured
  // statements, because on PostgreSQL the submission's insert is one clause of a single WITH statement
  const created = (await ctx.db('dossiers').select('id', 'code', 'submission_ref').orderBy('id', 'desc').first()) as
    { id: string; code: string | null; submission_ref: string | null } | undefined;
  if (!created) throw new Error('no dossier written by the captured lifecycle');
  const tokens = [...new Set([created.id, created.code, created.submission_ref])].filter(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );
  if (!transactions.flat().some((q) => q.bindings.includes(created.id))) throw new Error('the captured statements name no dossier id');
  // the id first: it is replaced by a uuid v7, the others by themselves and a counter
  const split = new RegExp(tokens.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  const template = (v: unknown): unknown => {
    if (typeof v !== 'string' || !tokens.some((t) => v.includes(t))) return v;
    const pieces = v.split(split);
    const found = [...v.matchAll(split)].map((m) => tokens.indexOf(m[0]));
    return new Template(pieces, found);
  };
  return { transactions: transactions.map((tx) => tx.map((q) => ({ sql: q.sql, bindings: q.bindings.map(template) }))), tokens };
}

/** A PostgreSQL text's `$n` placeholders as Knex's `?`, its bindings in their order. */
function questionMarks(sql: string, bindings: unknown[]): { sql: string; bindings: unknown[] } {
  if (!/\$\d/.test(sql)) return { sql, bindings };
  if (sql.includes('?')) throw new Error(`cannot replay a PostgreSQL text holding a ?: ${sql.slice(0, 80)}`);
  const order: unknown[] = [];
  const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
    order.push(bindings[Number(n) - 1]);
    return '?';
  });
  return { sql: text, bindings: order };
}

let replays = 0;

/** A lifecycle of the "same rows" floor: the captured traffic with a fresh dossier id (uuid v7, as the engine's) and code. */
export function sameRowsLifecycle(traffic: EngineRowTraffic): (ctx: EngineContext) => Promise<number> {
  const transitions = 7;
  return async (ctx) => {
    const n = ++replays;
    const values = traffic.tokens.map((t, i) => (i === 0 ? uuidv7() : `${t}~${n}`));
    const bind = (v: unknown) => (v instanceof Template ? v.fill(values) : v);
    for (const statements of traffic.transactions)
      await ctx.db.transaction(async (tx) => {
        for (const q of statements) await tx.raw(q.sql, q.bindings.map(bind) as Knex.RawBinding[]);
      });
    return transitions;
  };
}

/** An engine on a fresh database (its own PostgreSQL schema, created here) with the floor's tables, its clock ticking 1 ms a read. */
export async function openBenchContext(target: {
  url: string;
  schema?: string;
  sqliteDriver?: SqliteDriver;
  sqliteSynchronous?: SqliteSynchronous;
  groupCommit?: boolean;
}): Promise<EngineContext> {
  if (target.schema) {
    const k = knexFactory({ client: 'pg', connection: target.url });
    await k.raw(`CREATE SCHEMA ${target.schema}`);
    await k.destroy();
  }
  const ctx = await createEngineContext({
    url: target.url,
    schema: target.schema,
    sqliteDriver: target.sqliteDriver,
    sqliteSynchronous: target.sqliteSynchronous,
    groupCommit: target.groupCommit,
    clock: new ManualClock('2026-03-03T02:00:00Z', 1),
  });
  await createFloorTables(ctx);
  return ctx;
}

/** The floor's two tables (a dossier row with a version and a snapshot, and its events with a unique (dossier, seq)). */
export async function createFloorTables(ctx: EngineContext): Promise<void> {
  await ctx.db.schema.createTable('bench_floor', (t) => {
    t.string('id').primary();
    t.integer('version');
    t.string('state');
    t.text('snapshot');
  });
  await ctx.db.schema.createTable('bench_floor_events', (t) => {
    t.string('dossier_id');
    t.integer('seq');
    t.text('payload');
    t.unique(['dossier_id', 'seq']);
  });
}

export async function run(ctx: EngineContext, fn: (c: EngineContext) => Promise<number>, total: number, concurrency: number) {
  let next = 0;
  let transitions = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next += 1;
        const n = await fn(ctx);
        transitions += n;
      }
    }),
  );
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  // this process's CPU (the SQLite drivers' threads included; not PostgreSQL's server) per transition: steadier than
  // the rate on a loaded machine, where the rate follows the share of the cores the process gets
  return {
    lifecyclesPerSec: total / s,
    transitionsPerSec: transitions / s,
    cpuMsPerTransition: (cpu.user + cpu.system) / 1000 / transitions,
  };
}

/** How long one 4 KiB write + fdatasync takes in `dir` (what synchronous=FULL adds to each commit, at least). */
function fdatasyncLatency(dir: string, count: number): { p50: number; p95: number } {
  const file = path.join(dir, 'fdatasync-probe');
  const fd = fs.openSync(file, 'w');
  const page = Buffer.alloc(4096, 1);
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const t0 = process.hrtime.bigint();
      fs.writeSync(fd, page);
      fs.fdatasyncSync(fd);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
  }
  return { p50: quantile(times, 0.5), p95: quantile(times, 0.95) };
}

interface Target {
  name: string;
  url: string;
  schema?: string;
  sqliteDriver?: SqliteDriver;
  sqliteSynchronous?: SqliteSynchronous;
  groupCommit?: boolean;
}

export async function benchEngine(args: {
  lifecycles: number;
  concurrency: number[];
  synchronous: SqliteSynchronous[];
  rounds: number;
  postgres?: string;
  /** each database measured with each of these (default: as the server runs it) */
  groupCommit?: boolean[];
}): Promise<void> {
  const bases: Target[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-bench-'));
  for (const sqliteDriver of ['sqlite3', 'better-sqlite3'] as const) {
    for (const sqliteSynchronous of args.synchronous) {
      bases.push({
        name: `SQLite file (WAL, synchronous=${sqliteSynchronous}), ${sqliteDriver} driver`,
        url: path.join(dir, `bench-${sqliteDriver}-${sqliteSynchronous}.sqlite`),
        sqliteDriver,
        sqliteSynchronous,
      });
    }
  }
  if (args.postgres) bases.push({ name: 'PostgreSQL', url: args.postgres, schema: `bench_${Date.now()}` });
  const targets: Target[] = args.groupCommit
    ? bases.flatMap((t) =>
        args.groupCommit!.map((on, i) => ({
          ...t,
          name: `${t.name}, group commit ${on ? 'on' : 'off'}`,
          url: t.schema ? t.url : t.url.replace(/\.sqlite$/, `-gc${Number(on)}.sqlite`),
          schema: t.schema ? `${t.schema}_${i}` : undefined,
          groupCommit: on,
        })),
      )
    : bases;
  const sync = fdatasyncLatency(dir, args.rounds * 50);
  const contexts: EngineContext[] = [];
  const sameRows: ((c: EngineContext) => Promise<number>)[] = [];
  for (const target of targets) {
    const ctx = await openBenchContext(target);
    await run(ctx, lifecycle, Math.min(20, args.lifecycles), 1); // warm-up
    sameRows.push(sameRowsLifecycle(await captureEngineRows(ctx)));
    await run(ctx, sameRows.at(-1)!, Math.min(20, args.lifecycles), 1); // its warm-up
    contexts.push(ctx);
  }
  // Rounds: every target and concurrency in turn, so a burst of other work on the machine hits all of them
  // alike; each cell reports its median round.
  type Figures = Awaited<ReturnType<typeof run>>;
  const cells = new Map<string, { engine: Figures[]; floor: Figures[]; same: Figures[] }>();
  const perRound = Math.max(1, Math.round(args.lifecycles / args.rounds));
  for (let r = 0; r < args.rounds; r++) {
    for (const [i, target] of targets.entries()) {
      for (const c of args.concurrency) {
        const key = `${i}|${c}`;
        const cell = cells.get(key) ?? { engine: [], floor: [], same: [] };
        cell.floor.push(await run(contexts[i]!, floorLifecycle, perRound, c));
        cell.same.push(await run(contexts[i]!, sameRows[i]!, perRound, c));
        cell.engine.push(await run(contexts[i]!, lifecycle, perRound, c));
        cells.set(key, cell);
        process.stderr.write(
          `engine: round ${r + 1}/${args.rounds}, ${target.name}, concurrency ${c}: ${cell.engine.at(-1)!.transitionsPerSec.toFixed(0)} transitions/s\n`,
        );
      }
    }
  }
  const med = (xs: Figures[], k: keyof Figures) => median(xs.map((x) => x[k]));
  const lines = [
    '| database | concurrency | engine lifecycles/s | floor lifecycles/s | engine ÷ floor | floor "same rows as the engine" lifecycles/s | engine ÷ same-rows floor | engine transitions/s | process CPU ms/transition, engine (floor) [same-rows floor] |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [i, target] of targets.entries()) {
    for (const c of args.concurrency) {
      const { engine, floor, same } = cells.get(`${i}|${c}`)!;
      const e = med(engine, 'lifecyclesPerSec');
      const f = med(floor, 'lifecyclesPerSec');
      const w = med(same, 'lifecyclesPerSec');
      lines.push(
        `| ${target.name} | ${c} | ${e.toFixed(1)} | ${f.toFixed(1)} | ${(e / f).toFixed(2)} | ${w.toFixed(1)} | ${(e / w).toFixed(2)} | ${med(engine, 'transitionsPerSec').toFixed(0)} | ${med(engine, 'cpuMsPerTransition').toFixed(2)} (${med(floor, 'cpuMsPerTransition').toFixed(2)}) [${med(same, 'cpuMsPerTransition').toFixed(2)}] |`,
      );
    }
  }
  const summary: string[] = [];
  if (args.synchronous.includes('FULL') && args.synchronous.includes('NORMAL')) {
    for (const driver of ['sqlite3', 'better-sqlite3'] as const) {
      const at = (level: SqliteSynchronous, c: number) => {
        const i = targets.findIndex((t) => t.sqliteDriver === driver && t.sqliteSynchronous === level);
        return med(cells.get(`${i}|${c}`)!.engine, 'transitionsPerSec');
      };
      for (const c of args.concurrency)
        summary.push(
          `- ${driver}, concurrency ${c}: FULL ÷ NORMAL = ${(at('FULL', c) / at('NORMAL', c)).toFixed(2)} (engine transitions/s)`,
        );
    }
  }
  // with and without group commit, round by round (each round ran the two one after the other)
  const paired: string[] = [];
  if (args.groupCommit?.includes(true) && args.groupCommit.includes(false)) {
    for (const base of bases)
      for (const c of args.concurrency) {
        const cell = (on: boolean) => cells.get(`${targets.findIndex((t) => t.name.startsWith(base.name) && t.groupCommit === on)}|${c}`)!;
        const [on, off] = [cell(true), cell(false)];
        const rate = on.engine.map((x, r) => x.transitionsPerSec / off.engine[r]!.transitionsPerSec);
        const cpu = on.engine.map((x, r) => x.cpuMsPerTransition / off.engine[r]!.cpuMsPerTransition);
        paired.push(
          `- ${base.name}, concurrency ${c}: engine transitions/s on ÷ off ${rate.map((x) => x.toFixed(2)).join(' / ')} (median ${median(rate).toFixed(2)}); process CPU per transition on ÷ off median ${median(cpu).toFixed(2)}`,
        );
      }
  }
  const batches = targets.flatMap((target, i) => {
    const b = batchStats(contexts[i]!.db);
    return b.batches
      ? [
          `- ${target.name}: ${b.works} actions in ${b.batches} transactions (${(b.works / b.batches).toFixed(2)} a transaction, largest ${b.largest})`,
        ]
      : [];
  });
  for (const ctx of contexts) await ctx.close();
  for (const target of targets) {
    if (!target.schema) continue;
    const k = knexFactory({ client: 'pg', connection: target.url });
    await k.raw(`DROP SCHEMA ${target.schema} CASCADE`);
    await k.destroy();
  }
  fs.rmSync(dir, { recursive: true, force: true });
  appendResults(
    `Engine write path (${args.lifecycles} lifecycles of 7 transitions per cell, median of ${args.rounds} interleaved rounds; SQLite files in ${os.tmpdir()})`,
    [
      ...lines,
      '',
      `One 4 KiB write + fdatasync in ${os.tmpdir()}: p50 ${sync.p50.toFixed(2)} ms, p95 ${sync.p95.toFixed(2)} ms: what synchronous=FULL adds to each commit (one WAL sync), at least.`,
      ...(paired.length ? ['', 'Group commit on beside off, round by round:', ...paired] : []),
      ...(batches.length ? ['', 'Group commit, all rounds and concurrencies together (warm-up included):', ...batches] : []),
      ...(summary.length ? ['', 'The cost of durable commits (synchronous=FULL beside NORMAL, same run):', ...summary] : []),
    ],
  );
}
