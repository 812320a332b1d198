/**
 * Backups of a live database.
 *
 * SQLite: `VACUUM INTO` copies one consistent snapshot (a read transaction; in WAL mode the server keeps
 * writing meanwhile) into a temporary file beside the target. The copy is synced to disk, checked
 * (`PRAGMA integrity_check`), and only then given its name with a hard link, which fails if the name
 * exists: an existing file is never overwritten and a half-written copy never carries the target's name.
 * The source is opened read-only. The target's new directories, the copy and the directory holding its
 * name are all fsynced before the command reports success: a reported backup survives a power cut.
 *
 * PostgreSQL: `pg_dump` is the tool (it takes a consistent snapshot too); `postgresBackupAdvice` says how.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { dialectOf } from '../store/db';
import { checkSqliteCopy, vacuumInto } from '../store/sqlite-backup';
import { fsyncPath, mkdirDurable } from '../store/durable-files';

export type BackupErrorCode = 'OUTPUT_EXISTS' | 'NO_DATABASE' | 'NOT_SQLITE' | 'INTEGRITY_FAILED';

export class BackupError extends Error {
  constructor(
    readonly code: BackupErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface BackupResult {
  out: string;
  bytes: number;
  dossiers: number;
  events: number;
  elapsedMs: number;
}

export function postgresBackupAdvice(url: string, schema?: string): string {
  const masked = url.replace(/\/\/[^@/]*@/, '//***@');
  return [
    `DATABASE_URL is PostgreSQL (${masked}): back it up with pg_dump, which copies one consistent snapshot while the server runs:`,
    `  pg_dump --format=custom --file FILE${schema ? ` --schema=${schema}` : ''} "$DATABASE_URL"`,
    'and restore it into an empty database with:',
    '  pg_restore --no-owner --dbname "$TARGET_DATABASE_URL" FILE',
    'then check the restored copy with DATABASE_URL=$TARGET_DATABASE_URL npm run audit:verify.',
  ].join('\n');
}

/** A consistent copy of the SQLite database at `url` into the new file `out`. */
export async function backupSqlite(url: string, out: string): Promise<BackupResult> {
  if (dialectOf(url) !== 'sqlite' || url === ':memory:') throw new BackupError('NOT_SQLITE', `not a SQLite database file: ${url}`);
  const started = performance.now();
  const target = path.resolve(out);
  const exists = () => new BackupError('OUTPUT_EXISTS', `${target} already exists: choose a new file name (a backup never overwrites)`);
  if (fs.existsSync(target)) throw exists();
  if (!fs.existsSync(url)) throw new BackupError('NO_DATABASE', `no database at ${url}`);
  mkdirDurable(path.dirname(target));
  const partial = `${target}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await vacuumInto(url, partial);
    fsyncPath(partial);
    const { integrity, dossiers, events } = await checkSqliteCopy(partial);
    if (integrity.length !== 1 || integrity[0] !== 'ok')
      throw new BackupError('INTEGRITY_FAILED', `the copy failed integrity_check: ${integrity.join('; ')}`);
    try {
      fs.linkSync(partial, target); // fails if the name was taken meanwhile
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw exists();
      throw err;
    }
    fsyncPath(path.dirname(target));
    return { out: target, bytes: fs.statSync(target).size, dossiers, events, elapsedMs: Math.round(performance.now() - started) };
  } finally {
    fs.rmSync(partial, { force: true });
  }
}
