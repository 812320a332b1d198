/**
 * A closed dossier's chart snapshot may be emptied (issue 16, storage per dossier): `dossiers.snapshot` becomes
 * nullable. `npm run dossiers:compact` empties it for the dossiers closed before a day; every reader rebuilds it
 * from the events (src/engine/restore-row.ts), and the audit accepts NULL only for a dossier its events close.
 * Only the constraint changes here, at once on any size of table: PostgreSQL drops NOT NULL (a catalogue
 * change), SQLite edits the table's stored definition, the documented way to remove a NOT NULL constraint
 * (sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema Changes"; the file format does not change).
 */
import type { Knex } from 'knex';

const isPostgres = (knex: Knex) => (knex.client as { config: { client: string } }).config.client === 'pg';

const SQLITE_COLUMN = /(`snapshot`\s+text)\s+not\s+null/i;

/** Runs `edit` on SQLite's stored schema inside the migration's transaction, with the schema version bumped. */
async function editSqliteSchema(knex: Knex, edit: (sql: string) => string): Promise<void> {
  const [table] = (await knex('sqlite_master').select('sql').where({ type: 'table', name: 'dossiers' })) as { sql: string }[];
  const sql = table!.sql;
  const next = edit(sql);
  if (next === sql) return;
  // better-sqlite3 opens connections in defensive mode, which keeps sqlite_master read-only; its unsafe mode lifts it
  const connection = (await knex.client.acquireConnection()) as { unsafeMode?: (on: boolean) => void };
  connection.unsafeMode?.(true);
  try {
    const [schema] = (await knex.raw('PRAGMA schema_version')) as { schema_version: number }[];
    const version = schema!.schema_version;
    await knex.raw('PRAGMA writable_schema = ON');
    await knex('sqlite_master').update({ sql: next }).where({ type: 'table', name: 'dossiers' });
    await knex.raw(`PRAGMA schema_version = ${Number(version) + 1}`);
    await knex.raw('PRAGMA writable_schema = OFF');
  } finally {
    connection.unsafeMode?.(false);
  }
  const [check] = (await knex.raw('PRAGMA integrity_check')) as { integrity_check: string }[];
  if (check?.integrity_check !== 'ok') throw new Error(`dossiers schema edit: integrity_check says ${JSON.stringify(check)}`);
}

export async function up(knex: Knex): Promise<void> {
  if (isPostgres(knex)) {
    await knex.raw('ALTER TABLE dossiers ALTER COLUMN snapshot DROP NOT NULL');
    return;
  }
  await editSqliteSchema(knex, (sql) => sql.replace(SQLITE_COLUMN, '$1'));
}

export async function down(knex: Knex): Promise<void> {
  const [counted] = (await knex('dossiers').whereNull('snapshot').count({ n: '*' })) as { n: unknown }[];
  const n = counted?.n;
  if (Number(n) > 0)
    throw new Error(
      `${String(n)} dossiers keep no snapshot: a version before this migration cannot read them (their events still hold everything)`,
    );
  if (isPostgres(knex)) {
    await knex.raw('ALTER TABLE dossiers ALTER COLUMN snapshot SET NOT NULL');
    return;
  }
  await editSqliteSchema(knex, (sql) => sql.replace(/(`snapshot`\s+text)(?!\s+not\s+null)/i, '$1 not null'));
}
