/**
 * Growth: does the write path slow down as the province's history grows? The same engine lifecycles
 * (bench/engine-write-path.ts) written into an empty database and into a large generated one (the
 * `--database`, e.g. a million dossiers from `npm run seed:generate`), in interleaved rounds of the same
 * run, so the ratio large ÷ empty is what to read (issue 16: ≥ 0.9).
 *
 *   npm run bench -- growth --database URL [--lifecycles 300] [--concurrency 1,8] [--rounds 5]
 *   npm run bench -- growth --smoke [--postgres]
 *
 * The empty database is a fresh schema on the same PostgreSQL server (or a fresh SQLite file beside a
 * SQLite `--database`), so both sides share the server, its cache settings and the disk. The lifecycles
 * written into the large database stay there (a few hundred dossiers dated after its history: the
 * engine's clock starts a day after its last event), which is harmless for a benchmark database and is
 * said in the output; the empty side is dropped.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { createEngineContext, type EngineContext } from '../src/app/engine-factory';
import { ManualClock } from '../src/engine/clock';
import { openDb } from '../src/store/db';
import { generate } from '../src/seed-generate/generate';
import { appendResults } from './machine-info';
import { lifecycle, run } from './engine-write-path';
import { median } from './stats';

export interface GrowthOptions {
  /** the large database (URL or SQLite file); omitted with smoke: a small one is generated */
  database?: string;
  lifecycles: number;
  concurrency: number[];
  rounds: number;
  smoke: boolean;
  /** smoke on PostgreSQL: the server URL to generate the small database on (in its own schema) */
  postgres?: string;
}

const isPostgres = (url: string) => /^postgres(ql)?:/.test(url);

interface Side {
  name: string;
  ctx: EngineContext;
  dossiersBefore: number;
  eventsBefore: number;
}

async function counts(ctx: EngineContext): Promise<{ dossiers: number; events: number }> {
  const d = await ctx.db('dossiers').count({ n: '*' }).first();
  const e = await ctx.db('dossier_events').count({ n: '*' }).first();
  return { dossiers: Number(d?.n ?? 0), events: Number(e?.n ?? 0) };
}

/** The last event's instant in the large database (the engine's clock starts a day later). */
async function lastEventAt(url: string, schema?: string): Promise<string | null> {
  const db = openDb({ url, schema, poolMax: 1 });
  try {
    const r = await db('dossier_events').max({ last: 'occurred_at' }).first();
    return r?.last ? new Date(r.last as string).toISOString() : null;
  } finally {
    await db.destroy();
  }
}

export async function benchGrowth(opts: GrowthOptions): Promise<void> {
  const cleanups: (() => Promise<void>)[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-bench-growth-'));
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  const sides: Side[] = [];
  try {
    let large = opts.database;
    let largeSchema: string | undefined;
    if (!large) {
      if (!opts.smoke) throw new Error('growth needs --database URL (a generated database), or --smoke');
      // smoke: a small generated history stands in for the large database
      if (opts.postgres) {
        largeSchema = `bench_growth_large_${Date.now()}`;
        const k = knexFactory({ client: 'pg', connection: opts.postgres });
        await k.raw(`CREATE SCHEMA ${largeSchema}`);
        await k.destroy();
        large = opts.postgres;
        cleanups.push(() => dropSchema(opts.postgres!, largeSchema!));
      } else {
        large = path.join(dir, 'large.sqlite');
      }
      const db = openDb({ url: large, schema: largeSchema });
      try {
        await generate({ db, dossiers: 60, centres: 2, months: 2, seed: 'growth', end: '2026-11-24' });
      } finally {
        await db.destroy();
      }
    }
    const last = await lastEventAt(large, largeSchema);
    if (!last) throw new Error('the large database has no events: generate one first (npm run seed:generate)');
    const start = new Date(Date.parse(last) + 24 * 3600_000).toISOString();

    let emptyUrl: string;
    let emptySchema: string | undefined;
    if (isPostgres(large)) {
      emptySchema = `bench_growth_empty_${Date.now()}`;
      const k = knexFactory({ client: 'pg', connection: large });
      await k.raw(`CREATE SCHEMA ${emptySchema}`);
      await k.destroy();
      emptyUrl = large;
      cleanups.push(() => dropSchema(large!, emptySchema!));
    } else {
      emptyUrl = path.join(path.dirname(path.resolve(large)), `growth-empty-${Date.now()}.sqlite`);
      cleanups.push(async () => {
        for (const suffix of ['', '-wal', '-shm']) fs.rmSync(emptyUrl + suffix, { force: true });
        fs.rmSync(path.join(path.dirname(emptyUrl), 'blobs'), { recursive: true, force: true });
      });
    }
    for (const [name, url, schema] of [
      ['empty', emptyUrl, emptySchema],
      ['large', large, largeSchema],
    ] as const) {
      const ctx = await createEngineContext({ url, schema, clock: new ManualClock(start, 1) });
      const c = await counts(ctx);
      sides.push({ name, ctx, dossiersBefore: c.dossiers, eventsBefore: c.events });
      await run(ctx, lifecycle, Math.min(10, opts.lifecycles), 1); // warm-up: statements prepared, caches filled
    }

    type Figures = Awaited<ReturnType<typeof run>>;
    const cells = new Map<string, Figures[]>();
    const perRound = Math.max(1, Math.round(opts.lifecycles / opts.rounds));
    for (let r = 0; r < opts.rounds; r++) {
      // alternate which side goes first, so a burst of other work does not always hit the same one
      const order = r % 2 === 0 ? sides : [...sides].reverse();
      for (const c of opts.concurrency) {
        for (const side of order) {
          const key = `${side.name}|${c}`;
          const figures = await run(side.ctx, lifecycle, perRound, c);
          cells.set(key, [...(cells.get(key) ?? []), figures]);
          process.stderr.write(
            `growth: round ${r + 1}/${opts.rounds}, ${side.name}, concurrency ${c}: ${figures.transitionsPerSec.toFixed(0)} transitions/s\n`,
          );
        }
      }
    }
    const tps = (side: string, c: number) => median(cells.get(`${side}|${c}`)!.map((f) => f.transitionsPerSec));
    const [empty, big] = sides as [Side, Side];
    const where = isPostgres(large) ? 'PostgreSQL' : 'SQLite (sqlite3 driver)';
    const lines = [
      `Empty: a fresh ${isPostgres(large) ? 'schema on the same server' : 'file on the same disk'}. Large: ${big.dossiersBefore.toLocaleString('en')} dossiers, ${big.eventsBefore.toLocaleString('en')} events before the run. Clock from ${start}; median of ${opts.rounds} interleaved rounds of ${perRound} lifecycles (7 transitions each) per cell.`,
      '',
      '| database | concurrency | empty transitions/s | large transitions/s | large ÷ empty | target |',
      '|---|---|---|---|---|---|',
    ];
    for (const c of opts.concurrency) {
      const ratio = tps('large', c) / tps('empty', c);
      lines.push(
        `| ${where} | ${c} | ${tps('empty', c).toFixed(0)} | ${tps('large', c).toFixed(0)} | ${ratio.toFixed(2)} | ≥ 0.9 ${ratio >= 0.9 ? '✔' : '✘'} |`,
      );
    }
    lines.push(
      '',
      `Per-round transitions/s: ${[...cells.entries()].map(([k, fs]) => `${k} ${fs.map((f) => f.transitionsPerSec.toFixed(0)).join('/')}`).join('; ')}.`,
      `${opts.rounds * perRound * opts.concurrency.length + Math.min(10, opts.lifecycles)} lifecycles were written into the large database (kept there); ${empty.name} side dropped.`,
    );
    appendResults(
      `Growth: the write path on an empty and on a large database (${where}, bench/growth.ts)${opts.smoke ? ' — smoke' : ''}`,
      lines,
    );
  } finally {
    for (const side of sides) await side.ctx.close();
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const k = knexFactory({ client: 'pg', connection: url });
  try {
    await k.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await k.destroy();
  }
}
