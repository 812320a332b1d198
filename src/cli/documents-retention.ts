/**
 * `npm run documents:retention [-- --dry-run] [--json]`: deletes the files of closed dossiers whose retention
 * period (their procedure's `retention` field) has ended, recording each deletion in the hash-chained
 * deletion log (src/jobs/document-retention.ts). `--dry-run` lists what would be deleted and changes nothing.
 * Files still referenced by a dossier that must be kept (reuse shares files) are never deleted.
 * Exit code: 0 done (or listed), 2 could not run.
 */
import fs from 'node:fs';
import { loadConfig } from '../config';
import { dialectOf, openDb } from '../store/db';
import { dbOptionsFromConfig } from '../app/engine-factory';
import { blobStoreFromConfig } from '../app/blob-store-factory';
import { systemClock } from '../engine/clock';
import { DocumentRetentionJob, type RetentionReport } from '../jobs/document-retention';
import { eachOption, runCommand } from './options';

function format(r: RetentionReport, dryRun: boolean): string {
  const verb = dryRun ? 'would delete' : 'deleted';
  const lines = r.deletions.map((d) => `${d.sha256}  ${d.dossierCode} ${d.documentId} v${d.documentVersion}  ${d.rule}; ${d.reason}`);
  return [
    ...(dryRun ? ['dry run: nothing was changed'] : []),
    `${verb} ${r.files} file(s), ${r.records} reference(s) recorded in the deletion log`,
    ...(r.keptRevived
      ? [`recorded as deleted but left in the store because the same bytes were uploaded again meanwhile: ${r.keptRevived} file(s)`]
      : []),
    `kept because a dossier that must still be kept references them too: ${r.keptShared} file(s)`,
    `kept for now because the same bytes were uploaded or attached within the grace period: ${r.keptRecent} file(s)`,
    ...(r.finished ? [`finished ${r.finished} deletion(s) an interrupted run had recorded`] : []),
    ...lines,
  ].join('\n');
}

async function main(): Promise<number> {
  let dryRun = false;
  let json = false;
  eachOption(process.argv.slice(2), (a) => {
    if (a === '--dry-run') dryRun = true;
    else if (a === '--json') json = true;
    else throw new Error(`unknown option ${a} (usage: documents-retention [--dry-run] [--json])`);
  });
  const config = loadConfig();
  const url = config.DATABASE_URL;
  if (dialectOf(url) === 'sqlite' && !fs.existsSync(url)) throw new Error(`no database at ${url} (set DATABASE_URL)`);
  const db = openDb({ ...dbOptionsFromConfig(config), poolMax: 2 });
  const blobs = blobStoreFromConfig(config);
  try {
    const job = new DocumentRetentionJob({ db, clock: systemClock, blobs, graceMs: config.MOTCUA_BLOB_GRACE_HOURS * 3_600_000 });
    const report = dryRun ? await job.plan() : await job.runOnce();
    process.stdout.write(json ? `${JSON.stringify({ dryRun, ...report })}\n` : `${format(report, dryRun)}\n`);
    return 0;
  } finally {
    await db.destroy();
    await blobs.close();
  }
}

runCommand(main);
