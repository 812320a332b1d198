/**
 * `npm run backup -- --out FILE`: a consistent copy of the live SQLite database at DATABASE_URL into a
 * new FILE (never overwritten), taken while the server keeps running (src/ops/backup.ts). For
 * PostgreSQL it prints how to use pg_dump instead and writes nothing.
 * Exit code: 0 written, 1 refused or failed, 2 usage error or PostgreSQL (nothing written).
 */
import { loadConfig } from '../config';
import { dialectOf } from '../store/db';
import { backupSqlite, BackupError, postgresBackupAdvice } from '../ops/backup';

class UsageError extends Error {}

function parseArgs(argv: string[]): { out: string } {
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--out') {
      out = argv[++i];
      if (!out) throw new UsageError('--out needs a file name');
    } else throw new UsageError(`unknown option ${a}`);
  }
  if (!out) throw new UsageError('usage: npm run backup -- --out FILE');
  return { out };
}

async function main(): Promise<number> {
  let out: string;
  try {
    ({ out } = parseArgs(process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: npm run backup -- --out FILE\n`);
    return 2;
  }
  const config = loadConfig();
  if (dialectOf(config.DATABASE_URL) === 'postgres') {
    process.stdout.write(`${postgresBackupAdvice(config.DATABASE_URL, config.DATABASE_SCHEMA)}\n`);
    return 2;
  }
  try {
    const r = await backupSqlite(config.DATABASE_URL, out);
    process.stdout.write(
      `backup written: ${r.out} (${r.bytes} bytes; ${r.dossiers} dossiers, ${r.events} events; integrity_check ok) in ${r.elapsedMs} ms\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof BackupError) {
      process.stderr.write(`backup refused (${err.code}): ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`backup failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
