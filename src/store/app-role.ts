/**
 * PostgreSQL: the application's own role, which may only read and append the hash-chained logs
 * (docs/deploy.md, "History cannot be rewritten"). Migrations run as the owner of the tables
 * (MIGRATION_DATABASE_URL); the instances connect as this role (DATABASE_URL), which
 *
 * - may SELECT and INSERT, never UPDATE, DELETE or TRUNCATE, `dossier_events`, `review_events`,
 *   `audit_checkpoints`, `audit_checkpoint_heads` and `document_deletions` (APPEND_ONLY_LOGS);
 * - may SELECT, INSERT, UPDATE and DELETE the other tables (the current-state rows, sessions, throttles…);
 * - may only read Knex's migration tables (to answer /ready), and owns nothing, so it can neither drop
 *   the append-only triggers nor alter or drop a table.
 *
 * `grantApplicationRole` sets exactly these privileges on every table of the schema and is re-run after
 * each migration, so a table added later gets them too.
 */
import type { Knex } from 'knex';
import { APPEND_ONLY_TABLES } from '../../db/migrations/20261204000402_append_only';
import { DELETION_LOG_TABLE } from '../../db/migrations/20261207000200_document_deletions';
import { ARCHIVE_TABLES } from '../../db/migrations/20261210805255_event_archive';

/** Every table the role may only read and append: the hash-chained logs (the retention job's deletion log too). */
export const APPEND_ONLY_LOGS: readonly string[] = [...APPEND_ONLY_TABLES, DELETION_LOG_TABLE];

/** Tables the application only reads: Knex's bookkeeping of migrations, and the event archive (written by the owner's `events:archive`). */
const READ_ONLY_TABLES = ['knex_migrations', 'knex_migrations_lock', ...ARCHIVE_TABLES];

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The role name, checked: lower-case letters, digits and `_`, as PostgreSQL folds an unquoted name. */
export function checkRoleName(role: string): string {
  if (!ROLE_NAME.test(role))
    throw new Error(`role name ${JSON.stringify(role)}: use a-z, 0-9 and _ (at most 63, not starting with a digit)`);
  return role;
}

/** Creates the role (LOGIN, owning nothing, inheriting nothing) if it does not exist; sets its password when given. */
export async function createApplicationRole(owner: Knex, role: string, password?: string): Promise<{ created: boolean }> {
  checkRoleName(role);
  const exists = await owner('pg_roles').where({ rolname: role }).first();
  if (!exists) await owner.raw('CREATE ROLE ?? LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT', [role]);
  // PostgreSQL takes no bound parameter in CREATE/ALTER ROLE: the password goes in as a quoted literal.
  if (password !== undefined) await owner.raw(`ALTER ROLE ?? PASSWORD ${quoteLiteral(password)}`, [role]);
  return { created: !exists };
}

/** Gives `role` exactly the privileges above on every table and sequence of `schema` (default: the connection's current schema). */
export async function grantApplicationRole(owner: Knex, role: string, schema?: string): Promise<void> {
  checkRoleName(role);
  const s = schema ?? String((await owner.raw('SELECT current_schema() AS s')).rows[0].s);
  const tables: string[] = (await owner('pg_tables').where({ schemaname: s }).pluck('tablename')).map(String);
  const appendOnly = new Set<string>(APPEND_ONLY_LOGS);
  const readOnly = new Set(READ_ONLY_TABLES);
  await owner.transaction(async (tx) => {
    await tx.raw('GRANT USAGE ON SCHEMA ?? TO ??', [s, role]);
    await tx.raw('REVOKE CREATE ON SCHEMA ?? FROM ??', [s, role]);
    for (const table of tables) {
      const privileges = readOnly.has(table) ? 'SELECT' : appendOnly.has(table) ? 'SELECT, INSERT' : 'SELECT, INSERT, UPDATE, DELETE';
      await tx.raw('REVOKE ALL ON TABLE ??.?? FROM ??', [s, table, role]);
      await tx.raw(`GRANT ${privileges} ON TABLE ??.?? TO ??`, [s, table, role]);
    }
    await tx.raw('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ?? TO ??', [s, role]);
  });
}

/** The role a PostgreSQL URL signs in as (its user name), or null when it names none. */
export function roleOfUrl(url: string): string | null {
  try {
    const user = decodeURIComponent(new URL(url).username);
    return user === '' ? null : user;
  } catch {
    return null;
  }
}

/** What `role` may do on `table`, as PostgreSQL answers it: for tests and the deploy check. */
export async function tablePrivileges(db: Knex, role: string, table: string): Promise<string[]> {
  const kinds = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'];
  const out: string[] = [];
  for (const kind of kinds) {
    const r = await db.raw('SELECT has_table_privilege(?, ?, ?) AS ok', [role, table, kind]);
    if (r.rows[0].ok) out.push(kind);
  }
  return out;
}

function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
