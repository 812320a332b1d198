/**
 * Reports at scale: against an existing (generated) database, the read side the staff use every day,
 * each run several times (median and p95 after one warm-up run), called the way the HTTP routes call
 * them (the services, with a signed-in user's roles):
 *
 * - compliance metrics for the last 12 months (MetricsService.compliance: centre, by month, and by procedure and unit as
 *   the supervisor's dashboard loads them);
 * - the digitisation and reuse figures of the plans (issue 14: receipts with every required document digitised,
 *   receipts reusing an earlier dossier's document, digitised results) for the same 12 months, whole centre, by
 *   procedure, by handling unit and by month (MetricsService.digitisation: the digitisation rollup);
 * - the weekly late review of the last full week (ReviewService.weeklyReview, every listed dossier
 *   and the totals);
 * - the inbox (mine, open states, by due date, first page of 100) of a specialist and of a leader,
 *   and filtered dossier lists (DossierService.list);
 * - a no-change sweep (DeadlineSweeper.sweepOnce with the clock at the latest event, when nothing is due);
 * - stored bytes of events + projection + their indexes per dossier (./storage-size.ts).
 *
 *   npm run bench -- reports --database URL [--runs 7] [--explain [--explain-out docs/explain-1m.md]]
 *   npm run bench -- reports --smoke [--postgres]
 *
 * --explain prints the plan of each query (EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY
 * PLAN on SQLite) and writes them to --explain-out. --smoke builds a tiny database itself through the
 * engine (./fixture-dossiers.ts), on SQLite or, with --postgres, in a fresh PostgreSQL database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { createEngineContext, type EngineContext } from '../src/app/engine-factory';
import { ManualClock } from '../src/engine/clock';
import { DeadlineSweeper } from '../src/jobs/deadline-sweeper';
import { isoWeekOf, shiftWeek } from '../src/reports/weekly-review';
import type { AuthUser } from '../src/services/auth-user';
import { DossierService } from '../src/services/dossier-service';
import { MetricsService } from '../src/services/metrics-service';
import type { DigitisationReport } from '../src/metrics/digitisation-report';
import { ReviewService } from '../src/services/review-service';
import { dialectOf } from '../src/store/db';
import { toIso } from '../src/store/time';
import { UNITS } from '../machines/procedures';
import { captureQueries, explainQueries, formatExplained } from './explain';
import { generateDossiers, hanoi } from './fixture-dossiers';
import { appendResults } from './machine-info';
import { bytes, median, ms, quantile, verdict } from './stats';
import { storageReport } from './storage-size';

export interface ReportsBenchOptions {
  /** the database to measure (URL or SQLite file); omitted with smoke: a tiny one is built */
  database?: string;
  runs: number;
  explain: boolean;
  explainOut?: string;
  smoke: boolean;
  /** smoke on PostgreSQL: server URL to create a fresh database on */
  postgres?: string;
}

export const REPORT_TARGETS = { metricsMs: 1000, weeklyMs: 300, listMs: 50, sweepMs: 100, bytesPerDossier: 5 * 1024 };

interface Operation {
  name: string;
  /** which target applies to its median */
  targetMs: number;
  run(): Promise<string>;
}

interface Measured {
  name: string;
  targetMs: number;
  timings: number[];
  note: string;
}

const OPEN_STATES = 'submitted,received,assigned,processing,awaiting_supplement,paused';
const SMOKE_DB = 'motcua_bench_reports';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function user(username: string, roles: AuthUser['roles'], unit: string): AuthUser {
  return { username, fullName: username, title: '', roles, unit };
}

/** The busiest specialist: the assignee with most open dossiers at an office unit (generated data has its own usernames). */
async function busiestSpecialist(ctx: EngineContext): Promise<AuthUser> {
  const offices = UNITS.filter((u) => u.kind === 'office').map((u) => u.code);
  const [top] = (await ctx
    .db('dossiers')
    .select('assignee', 'unit')
    .count({ n: '*' })
    .whereIn('state', ['assigned', 'processing'])
    .whereIn('unit', offices)
    .whereNotNull('assignee')
    .groupBy('assignee', 'unit')
    .orderBy('n', 'desc')
    .limit(1)) as { assignee: string; unit: string }[];
  return top ? user(top.assignee, ['specialist'], top.unit) : user('specialist', ['specialist'], 'KINHTE');
}

export async function latestEventAt(ctx: EngineContext): Promise<string> {
  const [r] = (await ctx.db('dossier_events').max({ at: 'occurred_at' })) as { at: unknown }[];
  if (!r?.at) throw new Error('the database has no events: generate one first (npm run seed:generate) or use --smoke');
  return toIso(r.at);
}

/** A moment at which nothing is due: the latest event, or just before the earliest pending check if that is earlier. */
async function quietMoment(ctx: EngineContext, latest: string): Promise<{ at: string; why: string }> {
  const [r] = (await ctx.db('dossiers').whereNotNull('next_check_at').min({ at: 'next_check_at' })) as { at: unknown }[];
  if (!r?.at) return { at: latest, why: 'latest event; no check pending' };
  const first = toIso(r.at);
  if (first > latest) return { at: latest, why: 'latest event; first pending check later' };
  return {
    at: new Date(Date.parse(first) - 1).toISOString(),
    why: `just before the earliest pending check (${first}), which is before the latest event`,
  };
}

export function lastTwelveMonths(latest: string): { from: string; to: string } {
  const local = new Date(Date.parse(latest) + 7 * 3_600_000); // Asia/Ho_Chi_Minh, no DST
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth(); // 0-based: the period ends at the start of the next month
  const pad = (n: number) => String(n).padStart(2, '0');
  const to = m === 11 ? `${y + 1}-01-01` : `${y}-${pad(m + 2)}-01`;
  const from = `${m === 11 ? y : y - 1}-${pad(m === 11 ? 1 : m + 2)}-01`;
  return { from, to };
}

/** The plans' three rates of a report's first group, for the result column. */
function digitisationNote(r: DigitisationReport): string {
  const pct = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(1)}%`);
  const f = r.groups[0]?.figures;
  const rates = `receipts digitised ${pct(f?.receiptDigitisedShare)}, reused ${pct(f?.reuseShare)}, results digitised ${pct(f?.digitisedShare)}`;
  return r.groups.length === 1 ? `${rates} (${r.source})` : `${r.groups.length} groups (${r.source}); first: ${rates}`;
}

function operations(ctx: EngineContext, asOf: string, quiet: string, specialist: AuthUser): Operation[] {
  const supervisor = user('supervisor', ['supervisor'], 'TTPVHCC');
  const leader = user('leader', ['leader'], 'LANHDAO');
  const counter = user('counter', ['counter'], 'TTPVHCC');
  const metrics = new MetricsService(ctx);
  const reviews = new ReviewService(ctx);
  const dossiers = new DossierService(ctx);
  const year = lastTwelveMonths(asOf);
  const week = shiftWeek(isoWeekOf(asOf), -1);
  const sweepClock = new ManualClock(quiet);
  const sweeper = new DeadlineSweeper({ db: ctx.db, engine: ctx.engine, clock: sweepClock });
  const list = (who: AuthUser, query: Record<string, string>) => async () => {
    const page = await dossiers.list(who, query);
    return `${page.items.length} items${page.nextCursor ? ', more' : ''}`;
  };
  return [
    // whole centre and by month: the issue's targets; by procedure and by unit: what the supervisor's dashboard loads too
    ...(['centre', 'month', 'procedure', 'unit'] as const).map((groupBy) => ({
      name: `compliance metrics, ${year.from} → ${year.to}, ${groupBy === 'centre' ? 'whole centre' : `by ${groupBy}`}`,
      targetMs: REPORT_TARGETS.metricsMs,
      run: async () => {
        const r = await metrics.compliance(supervisor, { ...year, groupBy });
        return `${JSON.stringify(r).length} bytes of JSON`;
      },
    })),
    ...(['centre', 'procedure', 'unit', 'month'] as const).map((groupBy) => ({
      name: `digitisation and reuse rates, ${year.from} → ${year.to}, ${groupBy === 'centre' ? 'whole centre' : `by ${groupBy}`}`,
      targetMs: REPORT_TARGETS.metricsMs,
      run: async () => digitisationNote(await metrics.digitisation(supervisor, { ...year, groupBy })),
    })),
    {
      name: `weekly late review ${week.label}, whole centre`,
      targetMs: REPORT_TARGETS.weeklyMs,
      run: async () => {
        const { review } = await reviews.weeklyReview(supervisor, { week: week.label });
        let n = 0;
        for await (const _d of review.dossiers()) n += 1;
        await review.finish();
        return `${n} dossiers listed`;
      },
    },
    {
      name: `inbox of specialist ${specialist.username} (${specialist.unit})`,
      targetMs: REPORT_TARGETS.listMs,
      run: list(specialist, { mine: '1', state: OPEN_STATES, sort: 'due', limit: '100' }),
    },
    {
      name: 'inbox of a leader (LANHDAO)',
      targetMs: REPORT_TARGETS.listMs,
      run: list(leader, { mine: '1', state: OPEN_STATES, sort: 'due', limit: '100' }),
    },
    {
      name: 'list: processing, by due date (counter)',
      targetMs: REPORT_TARGETS.listMs,
      run: list(counter, { state: 'processing', sort: 'due', limit: '50' }),
    },
    { name: 'list: overdue (supervisor)', targetMs: REPORT_TARGETS.listMs, run: list(supervisor, { timeliness: 'overdue', limit: '50' }) },
    {
      name: 'list: applicant name search "Nguyễn Văn" (counter)',
      targetMs: REPORT_TARGETS.listMs,
      run: list(counter, { q: 'Nguyễn Văn', limit: '50' }),
    },
    {
      name: 'list: procedure 1.001612, received in the last full week (supervisor)',
      targetMs: REPORT_TARGETS.listMs,
      run: list(supervisor, {
        procedure: '1.001612',
        receivedFrom: week.monday,
        receivedTo: new Date(Date.parse(`${week.monday}T00:00:00Z`) + 6 * 86_400_000).toISOString().slice(0, 10),
        limit: '50',
      }),
    },
    {
      name: 'list: specialist scope, recent first (no filter)',
      targetMs: REPORT_TARGETS.listMs,
      run: list(specialist, { limit: '50' }),
    },
    {
      name: 'no-change deadline sweep',
      targetMs: REPORT_TARGETS.sweepMs,
      run: async () => {
        const r = await sweeper.sweepOnce();
        if (r.sent || r.checked) throw new Error(`the sweep was expected to change nothing, it checked ${r.checked} and sent ${r.sent}`);
        return 'nothing due';
      },
    },
  ];
}

async function measure(op: Operation, runs: number): Promise<Measured> {
  let note = await op.run(); // warm-up: caches, JIT, first connection
  const timings: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    note = await op.run();
    timings.push(performance.now() - t0);
  }
  return { name: op.name, targetMs: op.targetMs, timings, note };
}

async function smokeDatabase(opts: ReportsBenchOptions): Promise<{ url: string; cleanup(): Promise<void> }> {
  let url: string;
  let cleanup: () => Promise<void>;
  if (opts.postgres) {
    const admin = knexFactory({ client: 'pg', connection: withDatabase(opts.postgres, 'postgres'), pool: { min: 0, max: 1 } });
    await admin.raw(`DROP DATABASE IF EXISTS ${SMOKE_DB} WITH (FORCE)`);
    await admin.raw(`CREATE DATABASE ${SMOKE_DB}`);
    await admin.destroy();
    url = withDatabase(opts.postgres, SMOKE_DB);
    cleanup = async () => {
      const k = knexFactory({ client: 'pg', connection: withDatabase(opts.postgres!, 'postgres'), pool: { min: 0, max: 1 } });
      await k.raw(`DROP DATABASE IF EXISTS ${SMOKE_DB} WITH (FORCE)`);
      await k.destroy();
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-bench-reports-'));
    url = path.join(dir, 'reports.sqlite');
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  try {
    const clock = new ManualClock(hanoi('2026-03-03 09:00'));
    const ctx = await createEngineContext({ url, clock });
    try {
      await generateDossiers(ctx, clock, 21, { concurrency: 1 });
    } finally {
      await ctx.close();
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
  return { url, cleanup };
}

export async function benchReports(opts: ReportsBenchOptions): Promise<Measured[]> {
  const built = !opts.database ? await smokeDatabase(opts) : null;
  const url = opts.database ?? built!.url;
  const asOfClock = new ManualClock(new Date(0).toISOString());
  const ctx = await createEngineContext({ url, clock: asOfClock, prepare: false, poolMax: 4 });
  const explained: string[] = [];
  try {
    const asOf = await latestEventAt(ctx);
    asOfClock.set(asOf);
    const quiet = await quietMoment(ctx, asOf);
    const specialist = await busiestSpecialist(ctx);
    const results: Measured[] = [];
    for (const op of operations(ctx, asOf, quiet.at, specialist)) {
      process.stderr.write(`reports: ${op.name} …\n`);
      results.push(await measure(op, opts.runs));
      if (opts.explain) {
        const { queries } = await captureQueries(ctx.db, () => op.run());
        const plans = await explainQueries(ctx.db, queries, { postgresUrl: dialectOf(url) === 'postgres' ? url : undefined });
        const block = formatExplained(op.name, plans);
        explained.push(...block);
        if (!opts.explainOut) console.log(block.join('\n'));
      }
    }
    const storage = await storageReport(ctx.db);
    const where = dialectOf(url) === 'postgres' ? 'PostgreSQL' : 'SQLite';
    const lines = [
      `${where}, ${storage.dossiers} dossiers (${storage.closedDossiers} closed), ${storage.events} events; as of the latest event ${asOf}; sweep clock ${quiet.at} (${quiet.why}). ` +
        `Each operation through its service as the HTTP route calls it; one warm-up run, then ${opts.runs} measured runs.`,
      '',
      '| operation | median | p95 | min | target (median) | | result |',
      '|---|---|---|---|---|---|---|',
      ...results.map((r) => {
        const med = median(r.timings);
        return `| ${r.name} | ${ms(med)} | ${ms(quantile(r.timings, 0.95))} | ${ms(Math.min(...r.timings))} | < ${ms(r.targetMs)} | ${verdict(med < r.targetMs)} | ${r.note} |`;
      }),
      '',
      `Stored bytes (${storage.source}):`,
      '',
      '| table | relation | bytes |',
      '|---|---|---|',
      ...storage.relations.map((r) => `| ${r.table} | ${r.kind === 'index' ? `index ${r.name}` : 'table'} | ${bytes(r.bytes)} |`),
      `| **total** | | **${bytes(storage.totalBytes)}** |`,
      '',
      `Per dossier: **${bytes(storage.bytesPerDossier)}** (total ÷ ${storage.dossiers} dossiers, ${storage.dossiers ? (storage.events / storage.dossiers).toFixed(1) : '–'} events each; target < ${bytes(REPORT_TARGETS.bytesPerDossier)} per closed dossier) ${verdict(storage.bytesPerDossier < REPORT_TARGETS.bytesPerDossier)}.`,
    ];
    appendResults(
      `Reports at scale (${where}, ${storage.dossiers} dossiers, bench/reports-at-scale.ts)${opts.smoke ? ' — smoke' : ''}`,
      lines,
    );
    if (opts.explain && opts.explainOut) {
      const header = [
        `# Query plans: reports at scale`,
        '',
        `${where}, ${storage.dossiers} dossiers, ${storage.events} events; as of ${asOf}. Generated by \`npm run bench -- reports --database … --explain --explain-out ${opts.explainOut}\` on ${new Date().toISOString().slice(0, 10)}.`,
        '',
      ];
      fs.mkdirSync(path.dirname(path.resolve(opts.explainOut)), { recursive: true });
      fs.writeFileSync(opts.explainOut, [...header, ...explained].join('\n'));
      console.log(`query plans written to ${opts.explainOut}`);
    }
    return results;
  } finally {
    await ctx.close();
    await built?.cleanup();
  }
}
