/**
 * `npm run audit:verify`: verifies every dossier in the database at DATABASE_URL (default
 * ./data/motcua.sqlite) and the checkpoint anchors, read-only. On a terminal a progress line on stderr
 * is updated in place; then the summary and the findings are printed on stdout.
 *
 *   audit-verify [--json] [--page-size N] [--workers N] [--no-checkpoints] [--hash-files | --no-files] [--max-findings N] [--anchor ID:DIGEST]...
 *
 * Every file the events reference is checked in the configured document store (MOTCUA_BLOB_STORE): present
 * with its recorded size, and with --hash-files rehashed (every byte read). --no-files leaves the store unread (for a
 * history generated without its files, `seed:generate` without --files): the summary then says the files were not
 * checked; the events' hashes, the `document_refs` rows and everything else are still verified.
 *
 * --json prints NDJSON instead (the messages of GET /api/audit/verify). --anchor compares a checkpoint
 * with a digest kept outside the database. --workers N verifies on N worker threads, each reading its
 * own ranges of dossiers through its own connection (default: the number of cores; 0 = on the main
 * thread only). Results and output are the same either way (bench/RESULTS.md has the speed-up).
 * A referenced file the retention job deleted, with its intact deletion record, is a notice
 * (`file_deleted_by_retention`), printed apart and not a failure.
 * Exit code: 0 no findings (notices allowed), 1 findings, 2 could not run.
 */
import fs from 'node:fs';
import os from 'node:os';
import { loadConfig } from '../config';
import { dialectOf, openDb } from '../store/db';
import { dbOptionsFromConfig } from '../app/engine-factory';
import { blobStoreFromConfig } from '../app/blob-store-factory';
import { verifyAllStream, type VerifySummary } from '../audit/verify-all';
import type { Finding } from '../audit/verify-dossier';
import { eachOption, runCommand } from './options';

interface Args {
  json: boolean;
  pageSize: number;
  checkpoints: boolean;
  maxFindings: number;
  workers: number;
  anchors: { id: number; digest: string }[];
  hashFiles: boolean;
  files: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    json: false,
    pageSize: 500,
    checkpoints: true,
    maxFindings: 1000,
    workers: os.availableParallelism(),
    anchors: [],
    hashFiles: false,
    files: true,
  };
  eachOption(argv, (a, value) => {
    if (a === '--json') args.json = true;
    else if (a === '--no-checkpoints') args.checkpoints = false;
    else if (a === '--hash-files') args.hashFiles = true;
    else if (a === '--no-files') args.files = false;
    else if (a === '--page-size') args.pageSize = positive(a, value());
    else if (a === '--max-findings') args.maxFindings = positive(a, value());
    else if (a === '--workers') {
      const v = value();
      args.workers = v === '0' ? 0 : positive(a, v);
    } else if (a === '--anchor') {
      const m = /^(\d+):([0-9a-f]{64})$/.exec(value());
      if (!m) throw new Error('--anchor expects ID:DIGEST (64 hex digits)');
      args.anchors.push({ id: Number(m[1]), digest: m[2]! });
    } else throw new Error(`unknown option ${a}`);
  });
  if (args.hashFiles && !args.files) throw new Error('--hash-files and --no-files contradict each other');
  return args;
}

function positive(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} expects a positive integer`);
  return n;
}

function formatFinding(f: Finding): string {
  const where = f.seq !== null ? ` seq ${f.seq}` : f.field ? ` [${f.field}]` : '';
  return `${f.dossierCode}${where}  ${f.kind}: ${f.message}`;
}

function formatSummary(s: VerifySummary, filesChecked: boolean): string {
  const kinds = Object.entries(s.findingsByKind)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `  ${k.padEnd(24)} ${n}`);
  return [
    `dossiers verified   ${s.dossiers}`,
    `events verified     ${s.events}`,
    `checkpoints checked ${s.checkpoints}`,
    `elapsed             ${(s.elapsedMs / 1000).toFixed(1)} s (${s.dossiersPerSecond} dossiers/s, ${s.eventsPerSecond} events/s)`,
    `findings            ${s.findings}${s.findings ? ` (${s.dossiersWithFindings} stored dossier(s) affected)` : ''}`,
    ...(filesChecked ? [] : ['files               NOT CHECKED (--no-files): the document store was not read']),
    ...(s.notices ? [`notices             ${s.notices} (files deleted by the retention job, with their records: not failures)`] : []),
    ...(s.findingsByKind.file_missing
      ? [
          `files missing       ${s.findingsByKind.file_missing} referenced file(s) not in the document store (downloads answer FILE_NOT_STORED); for a history generated without --files, verify with --no-files`,
        ]
      : []),
    ...kinds,
  ].join('\n');
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  const url = config.DATABASE_URL;
  if (dialectOf(url) === 'sqlite' && url !== ':memory:' && !fs.existsSync(url)) {
    process.stderr.write(`no database at ${url} (set DATABASE_URL)\n`);
    return 2;
  }
  const db = openDb({ ...dbOptionsFromConfig(config), poolMax: 2 });
  const blobs = blobStoreFromConfig(config);
  const tty = !args.json && process.stderr.isTTY === true;
  const findings: Finding[] = [];
  const notices: Finding[] = [];
  let omitted = 0;
  let summary: VerifySummary | null = null;
  try {
    for await (const m of verifyAllStream(db, {
      pageSize: args.pageSize,
      checkpoints: args.checkpoints,
      anchors: args.anchors,
      workers: args.workers,
      ...(args.files ? { blobs } : {}),
      hashFiles: args.hashFiles,
      progressEveryMs: tty ? 200 : 1000,
    })) {
      if (args.json) {
        process.stdout.write(`${JSON.stringify(m)}\n`);
        if (m.type === 'summary') summary = m;
        continue;
      }
      if (m.type === 'progress') {
        if (tty) {
          const pct = m.totalDossiers ? Math.min(100, Math.floor((100 * m.dossiers) / m.totalDossiers)) : 100;
          const rate = m.elapsedMs > 0 ? Math.round((m.dossiers * 1000) / m.elapsedMs) : 0;
          const phase = m.phase === 'checkpoints' ? ' — checking checkpoints' : '';
          process.stderr.write(
            `\r\x1b[Kverifying ${m.dossiers}/${m.totalDossiers} dossiers (${pct}%), ${m.events} events, ${rate} dossiers/s, ${findings.length + omitted} findings${phase}`,
          );
        }
      } else if (m.type === 'finding') {
        const { type: _t, ...f } = m;
        if (findings.length < args.maxFindings) findings.push(f);
        else omitted += 1;
      } else if (m.type === 'notice') {
        const { type: _t, ...f } = m;
        if (notices.length < args.maxFindings) notices.push(f);
      } else {
        const { type: _t, ...s } = m;
        summary = s;
      }
    }
  } finally {
    if (tty) process.stderr.write('\r\x1b[K');
    await db.destroy();
    await blobs.close();
  }
  if (!summary) throw new Error('verification did not finish');
  if (!args.json) {
    process.stdout.write(
      `motcua audit of ${dialectOf(url) === 'postgres' ? url.replace(/\/\/[^@/]*@/, '//***@') : url}\n${formatSummary(summary, args.files)}\n`,
    );
    if (findings.length) {
      process.stdout.write(`\nfindings:\n${findings.map(formatFinding).join('\n')}\n`);
      if (omitted) process.stdout.write(`… and ${omitted} more (raise --max-findings, or use --json)\n`);
    } else {
      process.stdout.write(
        `\nno findings: every chain, replay, head and projection checks out${args.files ? '' : ' (the files themselves were not checked)'}\n`,
      );
    }
    if (notices.length) {
      process.stdout.write(`\nnotices (not failures):\n${notices.map(formatFinding).join('\n')}\n`);
      if (summary.notices > notices.length) process.stdout.write(`… and ${summary.notices - notices.length} more (use --json)\n`);
    }
  }
  return summary.findings > 0 ? 1 : 0;
}

runCommand(main);
