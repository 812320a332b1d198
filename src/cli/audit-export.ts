/**
 * `npm run audit:export -- --code CODE --out DIR`: one dossier's export for offline verification, with its
 * files. Writes DIR/<code>.json (the export of GET /api/dossiers/{code}/export) and DIR/files/<sha256> for
 * every file its events reference, read from the configured document store (MOTCUA_BLOB_STORE); then
 *
 *   node src/audit/standalone/verify-export.js DIR/<code>.json --files DIR/files
 *
 * verifies the chain and every file with node:crypto only. Never overwrites a file.
 * A file the retention job deleted (an intact record of the deletion log) is named but is not an error.
 * Exit code: 0 written, 1 written but some referenced file is missing from the store, 2 could not run.
 */
import fs from 'node:fs';
import { loadConfig } from '../config';
import { dialectOf, openDb } from '../store/db';
import { dbOptionsFromConfig } from '../app/engine-factory';
import { blobStoreFromConfig } from '../app/blob-store-factory';
import { writeExportWithFiles } from '../audit/export';
import { eachOption, runCommand } from './options';

async function main(): Promise<number> {
  let code: string | undefined;
  let out: string | undefined;
  eachOption(process.argv.slice(2), (a, value) => {
    if (a === '--code') code = value();
    else if (a === '--out') out = value();
    else throw new Error(`unknown option ${a}`);
  });
  if (!code || !out) throw new Error('usage: audit-export --code CODE --out DIR');
  const config = loadConfig();
  const url = config.DATABASE_URL;
  if (dialectOf(url) === 'sqlite' && !fs.existsSync(url)) throw new Error(`no database at ${url} (set DATABASE_URL)`);
  const db = openDb({ ...dbOptionsFromConfig(config), poolMax: 1 });
  const blobs = blobStoreFromConfig(config);
  try {
    const r = await writeExportWithFiles(db, blobs, code, out, new Date());
    process.stdout.write(`${r.exportFile}\n${r.written} file(s) in ${r.filesDir}\n`);
    for (const m of r.missing) process.stdout.write(`missing from the store: ${m}\n`);
    for (const d of r.deletedByRetention) process.stdout.write(`deleted by the retention job (record in the export): ${d}\n`);
    process.stdout.write(`verify offline: node src/audit/standalone/verify-export.js ${r.exportFile} --files ${r.filesDir}\n`);
    return r.missing.length > 0 ? 1 : 0;
  } finally {
    await db.destroy();
    await blobs.close();
  }
}

runCommand(main);
