/**
 * `npm run corpus:export -- --out FILE [--limit N] [--database URL]`: anonymised dossier histories from a motcua
 * database, chosen to cover every path (late, apologised, supplemented, paused, refused, withdrawn, open…), with
 * the facts the database holds for each, as a corpus file (JSON Lines) that test/corpus/corpus.test.ts replays
 * through the chart. Defaults: 300 histories, DATABASE_URL (else ./data/motcua.sqlite). Names, ID numbers,
 * phones, usernames and free text are replaced; dates are kept. The path summary goes to stderr.
 * Exit code 0, or 1 on an error. See docs/corpus.md.
 */
import * as fs from 'node:fs';
import { loadConfig } from '../config';
import { openDb } from '../store/db';
import { formatCorpus } from '../corpus/corpus';
import { exportCorpus } from '../corpus/export';
import { eachOption } from './options';

function parseArgs(argv: string[]): { out: string; limit: number; database: string | null } {
  let out: string | null = null;
  let limit = 300;
  let database: string | null = null;
  eachOption(argv, (a, value) => {
    if (a === '--out') out = value();
    else if (a === '--limit') {
      limit = Number(value());
      if (!Number.isInteger(limit) || limit < 1) throw new Error('--limit expects an integer ≥ 1');
    } else if (a === '--database') database = value();
    else throw new Error(`unknown option ${a}`);
  });
  if (!out) throw new Error('--out FILE is required');
  return { out, limit, database };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  const db = openDb({ url: args.database ?? config.DATABASE_URL, poolMax: 2, sqliteDriver: config.MOTCUA_SQLITE_DRIVER });
  try {
    const result = await exportCorpus(db, { limit: args.limit });
    fs.writeFileSync(args.out, formatCorpus(result.header, result.histories));
    const lines = result.paths.map((p) => `  ${String(p.kept).padStart(4)} of ${String(p.dossiers).padStart(6)}  ${p.path}`);
    process.stderr.write(
      `${result.histories.length} histories over ${result.paths.length} paths written to ${args.out}\n${lines.join('\n')}\n`,
    );
    if (result.skipped.length) {
      process.stderr.write(
        `${result.skipped.length} dossiers left out:\n${result.skipped.map((s) => `  ${s.code}: ${s.why}`).join('\n')}\n`,
      );
    }
  } finally {
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
