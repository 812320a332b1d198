/**
 * The SQL of a SQLite backup (src/ops/backup.ts): a read-only connection to one file, `VACUUM INTO` a new
 * file, and the checks of the copy (`PRAGMA integrity_check`, row counts).
 */
import knexFactory, { type Knex } from 'knex';
import { betterSqliteAfterCreate, DURABLE_SQLITE_SYNCHRONOUS } from './db';
import { countEvents } from './checkpoint-store';

/**
 * A read-only connection to one SQLite file (better-sqlite3: synchronous, so VACUUM INTO is one call).
 * It runs with synchronous=FULL whatever the server's setting: VACUUM INTO writes its output with the
 * source connection's synchronous level, so SQLite syncs the copy as it writes it (and the copy is
 * fsynced again before it gets its name). better-sqlite3 is built with SQLITE_DEFAULT_WAL_SYNCHRONOUS=1,
 * so without the pragma a connection to a WAL database would run with NORMAL.
 */
export function openBackupConnection(file: string): Knex {
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename: file, options: { readonly: true } },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate: betterSqliteAfterCreate([`PRAGMA synchronous = ${DURABLE_SQLITE_SYNCHRONOUS}`, 'PRAGMA busy_timeout = 10000']),
    },
  });
}

/** One consistent snapshot of the SQLite file `file` written into the new file `out` (VACUUM INTO). */
export async function vacuumInto(file: string, out: string): Promise<void> {
  const source = openBackupConnection(file);
  try {
    await source.raw('VACUUM INTO ?', [out]);
  } finally {
    await source.destroy();
  }
}

async function count(db: Knex, table: string): Promise<number> {
  const [row] = await db(table).count({ n: '*' });
  return Number((row as { n: unknown }).n);
}

/** A copy's `PRAGMA integrity_check` lines (['ok'] when sound) and, when sound, its dossiers and events. */
export async function checkSqliteCopy(file: string): Promise<{ integrity: string[]; dossiers: number; events: number }> {
  const copy = openBackupConnection(file);
  try {
    const check = (await copy.raw('PRAGMA integrity_check')) as { integrity_check: string }[];
    const integrity = check.map((c) => c.integrity_check);
    if (integrity.length !== 1 || integrity[0] !== 'ok') return { integrity, dossiers: 0, events: 0 };
    return { integrity, dossiers: await count(copy, 'dossiers'), events: await countEvents(copy) };
  } finally {
    await copy.destroy();
  }
}
