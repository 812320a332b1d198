/**
 * Engine write path: full dossier lifecycles per second through the engine, beside the floor — the
 * same rows (one read, one event insert, one projection update per transition) written by plain Knex
 * with no statechart — measured in the same run, so the ratio engine ÷ floor is what to compare.
 *
 *   npm run bench -- engine [--lifecycles 300] [--concurrency 1,8] [--sqlite-synchronous NORMAL,FULL] [--postgres]
 *
 * SQLite is measured with both drivers a centre can choose (MOTCUA_SQLITE_DRIVER), each with every
 * synchronous level given (MOTCUA_SQLITE_SYNCHRONOUS; default NORMAL and FULL, so the cost of durable
 * commits is measured in the same run): the floor uses the same driver and level.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createEngineContext, type EngineContext } from '../src/app/engine-factory';
import { ManualClock } from '../src/engine/clock';
import type { Submission } from '../machines/engine/commands';
import { appendResults } from './machine-info';
import type { SqliteDriver, SqliteSynchronous } from '../src/store/db';

const counter = { username: 'counter', unit: 'TTPVHCC' };
const specialist = { username: 'specialist', unit: 'KINHTE' };
const leader = { username: 'leader', unit: 'LANHDAO' };
const SUB: Submission = {
  procedureCode: '1.001612',
  channel: 'counter',
  applicant: { fullName: 'Nguyễn Văn Bench', idNumber: '001090012345', phone: '0912345678', address: 'Hà Nội' },
  documents: [{ name: 'Giấy đề nghị', copies: 1 }],
};

/** One lifecycle = 8 transitions (submit+receive, assign, 2 steps, result, return). */
async function lifecycle(ctx: EngineContext): Promise<number> {
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
async function floorLifecycle(ctx: EngineContext): Promise<number> {
  const db = ctx.db;
  const id = randomUUID();
  const payload = JSON.stringify({ n: 1, text: 'x'.repeat(200) });
  const snapshot = 'x'.repeat(1500);
  await db.transaction(async (tx) => {
    await tx('bench_floor').insert({ id, version: 2, state: 'received', snapshot });
    await tx('bench_floor_events').insert([{ dossier_id: id, seq: 1, payload }, { dossier_id: id, seq: 2, payload }]);
  });
  for (let v = 2; v < 7; v++) {
    await db.transaction(async (tx) => {
      const row = await tx('bench_floor').where({ id }).first();
      await tx('bench_floor_events').insert({ dossier_id: id, seq: row.version + 1, payload });
      await tx('bench_floor').where({ id, version: row.version }).update({ version: row.version + 1, state: `s${v}`, snapshot });
    });
  }
  return 7;
}

async function run(ctx: EngineContext, fn: (c: EngineContext) => Promise<number>, total: number, concurrency: number) {
  let next = 0;
  let transitions = 0;
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
  return { lifecyclesPerSec: total / s, transitionsPerSec: transitions / s };
}

export async function benchEngine(args: { lifecycles: number; concurrency: number[]; synchronous: SqliteSynchronous[]; postgres?: string }): Promise<void> {
  const targets: { name: string; url: string; schema?: string; sqliteDriver?: SqliteDriver; sqliteSynchronous?: SqliteSynchronous }[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-bench-'));
  for (const sqliteDriver of ['sqlite3', 'better-sqlite3'] as const) {
    for (const sqliteSynchronous of args.synchronous) {
      targets.push({ name: `SQLite file (WAL, synchronous=${sqliteSynchronous}), ${sqliteDriver} driver`, url: path.join(dir, `bench-${sqliteDriver}-${sqliteSynchronous}.sqlite`), sqliteDriver, sqliteSynchronous });
    }
  }
  if (args.postgres) targets.push({ name: 'PostgreSQL', url: args.postgres, schema: `bench_${Date.now()}` });
  const lines = ['| database | concurrency | engine lifecycles/s | floor lifecycles/s | engine ÷ floor | engine transitions/s |', '|---|---|---|---|---|---|'];
  for (const target of targets) {
    if (target.schema) {
      const k = (await import('knex')).default({ client: 'pg', connection: target.url });
      await k.raw(`CREATE SCHEMA ${target.schema}`);
      await k.destroy();
    }
    const ctx = await createEngineContext({ url: target.url, schema: target.schema, sqliteDriver: target.sqliteDriver, sqliteSynchronous: target.sqliteSynchronous, clock: new ManualClock('2026-03-03T02:00:00Z', 1) });
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
    for (const c of args.concurrency) {
      await run(ctx, lifecycle, Math.min(20, args.lifecycles), c); // warm-up
      const floor = await run(ctx, floorLifecycle, args.lifecycles, c);
      const engine = await run(ctx, lifecycle, args.lifecycles, c);
      lines.push(`| ${target.name} | ${c} | ${engine.lifecyclesPerSec.toFixed(1)} | ${floor.lifecyclesPerSec.toFixed(1)} | ${(engine.lifecyclesPerSec / floor.lifecyclesPerSec).toFixed(2)} | ${engine.transitionsPerSec.toFixed(0)} |`);
    }
    await ctx.close();
    if (target.schema) {
      const k = (await import('knex')).default({ client: 'pg', connection: target.url });
      await k.raw(`DROP SCHEMA ${target.schema} CASCADE`);
      await k.destroy();
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  appendResults(`Engine write path (${args.lifecycles} lifecycles of 7 transitions per cell; SQLite files in ${os.tmpdir()})`, lines);
}
