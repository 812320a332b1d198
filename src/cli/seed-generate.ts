/**
 * `npm run seed:generate`: generates a province's dossier history into an empty database, through the
 * engine's own pure write path (see src/seed-generate/ and docs/seed-generate.md).
 *
 *   seed-generate [--dossiers N] [--centres N] [--months M] [--seed S] [--database URL] [--end YYYY-MM-DD] [--workers W] [--batch N] [--files]
 *
 * Defaults: 10000 dossiers, 10 centres, 12 months, seed "motcua", DATABASE_URL (else ./data/motcua.sqlite),
 * end = today (Hanoi): the history stops at 00:00 today, so the live engine carries on from there.
 * --files also writes every generated scan and result document into the configured document store (MOTCUA_BLOB_STORE,
 * MOTCUA_BLOB_DIR); without it the database names files the store does not hold (docs/seed-generate.md, "Documents").
 * Progress goes to stderr, the summary to stdout. Exit code 0, or 1 on an error.
 */
import { loadConfig } from '../config';
import { dialectOf, openDb } from '../store/db';
import { generate, type GenerateSummary } from '../seed-generate/generate';
import { WORKERS_SUPPORTED } from '../seed-generate/pool';
import { eachOption } from './options';
import { blobStoreFromConfig } from '../app/blob-store-factory';

interface Args {
  dossiers: number;
  centres: number;
  months: number;
  seed: string;
  database: string | null;
  end: string | null;
  workers: number;
  batch: number;
  files: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    dossiers: 10_000,
    centres: 10,
    months: 12,
    seed: 'motcua',
    database: null,
    end: null,
    workers: 0,
    batch: 2000,
    files: false,
  };
  eachOption(argv, (a, value) => {
    if (a === '--dossiers') args.dossiers = integer(a, value(), 1);
    else if (a === '--centres') args.centres = integer(a, value(), 1);
    else if (a === '--months') args.months = integer(a, value(), 1);
    else if (a === '--seed') args.seed = value();
    else if (a === '--database') args.database = value();
    else if (a === '--end') {
      const v = value();
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw new Error('--end expects a date YYYY-MM-DD');
      args.end = v;
    } else if (a === '--workers') args.workers = integer(a, value(), 0);
    else if (a === '--batch') args.batch = integer(a, value(), 1);
    else if (a === '--files') args.files = true;
    else throw new Error(`unknown option ${a}`);
  });
  return args;
}

function integer(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} expects an integer ≥ ${min}`);
  return n;
}

/** Today's date in Hanoi (UTC+7): the command's one read of the clock, for the default end. */
function todayInHanoi(): string {
  return new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
}

function redact(url: string): string {
  return dialectOf(url) === 'postgres' ? url.replace(/\/\/[^@/]*@/, '//***@') : url;
}

function formatSummary(s: GenerateSummary, url: string): string {
  const share = (n: number, of: number) => `${n} (${((100 * n) / Math.max(1, of)).toFixed(1)}%)`;
  const pct = (n: number) => share(n, s.dossiers);
  const states = Object.entries(s.byState)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const types = Object.entries(s.byEventType)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return [
    `generated into ${redact(url)}`,
    `history            ${s.startDate} 00:00 … ${s.endDate} 00:00 (Hanoi), ${s.centres} centres (${s.agencyCodes[0]}${s.centres > 1 ? ` … ${s.agencyCodes[s.centres - 1]}` : ''})`,
    `dossiers           ${s.dossiers}`,
    `events             ${s.events} (${(s.events / Math.max(1, s.dossiers)).toFixed(2)} per dossier)`,
    `elapsed            ${(s.elapsedMs / 1000).toFixed(1)} s (${s.dossiersPerSecond} dossiers/s, ${s.eventsPerSecond} events/s, ${s.workers} worker thread(s))`,
    `open at the end    ${pct(s.open)}`,
    `late               ${pct(s.late)}; apologised ${pct(s.apologised)}`,
    `supplemented       ${pct(s.supplemented)}; paused ${pct(s.paused)}`,
    `received           ${s.received}: every required document digitised at receipt ${share(s.receiptDigitised, s.received)}, some reused ${share(s.receiptReused, s.received)}`,
    `results            ${s.results}: digitised ${share(s.resultsDigitised, s.results)}`,
    `files referenced   ${s.documentRefs} (${(s.documentBytes / 2 ** 30).toFixed(1)} GiB)${s.filesWritten ? `, ${s.filesWritten} written to the document store` : ', not written to the document store (no --files)'}`,
    `states             ${states}`,
    `events by type     ${types}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  const url = args.database ?? config.DATABASE_URL;
  if (args.workers > 0 && !WORKERS_SUPPORTED) process.stderr.write('worker threads need the compiled build: building on the main thread\n');
  const db = openDb({ url, poolMax: 2, sqliteDriver: config.MOTCUA_SQLITE_DRIVER, sqliteSynchronous: config.MOTCUA_SQLITE_SYNCHRONOUS });
  const files = args.files ? blobStoreFromConfig({ ...config, DATABASE_URL: url }) : undefined;
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  try {
    const summary = await generate({
      db,
      dossiers: args.dossiers,
      centres: args.centres,
      months: args.months,
      seed: args.seed,
      end: args.end ?? todayInHanoi(),
      workers: args.workers,
      batchSize: args.batch,
      ...(files ? { files } : {}),
      dueSoonThresholdMs: config.MOTCUA_DUE_SOON_WORKING_HOURS ? config.MOTCUA_DUE_SOON_WORKING_HOURS * 3_600_000 : undefined,
      onProgress: (p) => {
        if (!tty && p.elapsedMs - lastLine < 10_000 && p.dossiers < p.total) return;
        lastLine = p.elapsedMs;
        const rate = Math.round((p.dossiers * 1000) / Math.max(1, p.elapsedMs));
        const line = `generated ${p.dossiers}/${p.total} dossiers (${Math.floor((100 * p.dossiers) / p.total)}%), ${p.events} events, ${rate} dossiers/s, ${(p.elapsedMs / 1000).toFixed(0)} s`;
        process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
      },
    });
    if (tty) process.stderr.write('\n');
    process.stdout.write(`${formatSummary(summary, url)}\n`);
  } finally {
    await db.destroy();
    await files?.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`\n${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
