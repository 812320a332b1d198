/**
 * db/migrations/index.ts lists the migrations in name order; until 2026-12-09 it listed them in the order they
 * landed (LANDING_ORDER below: what every database migrated before then ran and recorded). Knex keeps the names that
 * ran, never their place in the list, so the change of order must leave nothing to run on such a database, and
 * every state the old order could leave a database in must end, under the new order, with the schema a fresh
 * database gets.
 */
import type { Knex } from 'knex';
import { BACKENDS } from '../support/backends';
import { MIGRATION_NAMES, migrationSource } from '../../db/migrations';
import { openDb } from '../../src/store/db';

const LANDING_ORDER = [
  '20261124000001_core',
  '20261124000002_access',
  '20261124000004_deadline_checks',
  '20261124000003_audit',
  '20261124000005_metrics',
  '20261124000006_reviews',
  '20261124000007_record_views',
  '20261124000008_list_indexes',
  '20261204000400_login_addresses',
  '20261204000500_report_deliveries',
  '20261204000401_record_view_source',
  '20261204000300_user_titles',
  '20261204000402_append_only',
  '20261204000301_submission_refs',
  '20261204000302_late_supplements',
  '20261205000600_outbox',
  '20261205000700_notifications',
  '20261205000100_intake_pause_exemption_metrics',
  '20261205000800_documents',
  '20261205000200_lookup_factor',
  '20261205000801_receipt_digitisation',
  '20261206000500_optional_documents',
  '20261206000400_compliance_rollup',
  '20261206000401_result_working_time_index',
  '20261207000100_upload_sessions',
  '20261207000200_document_deletions',
  '20261208000100_show_only_documents',
  '20261208000500_class_history',
  '20261208000800_narrower_indexes',
  '20261208000300_upload_session_limits',
  '20261208000400_checkpoint_deletion_head',
  '20261209000500_event_document_keys',
  '20261209000900_drop_event_type_index',
  '20261209000100_digitisation_rollup',
];

/** The first `n` migrations of the old list, as the old list served them. */
function oldSource(n: number): Knex.MigrationSource<string> {
  return { ...migrationSource, getMigrations: async () => LANDING_ORDER.slice(0, n) };
}

const recorded = async (db: Knex) => ((await db('knex_migrations').orderBy('id').select('name')) as { name: string }[]).map((r) => r.name);

/** Everything the migrations made, independent of the order columns were added in. */
async function schemaOf(db: Knex, schema: string | undefined): Promise<unknown> {
  const rows = async (sql: string, bindings: Knex.RawBinding[] = []) => {
    const res = (await db.raw(sql, bindings)) as Record<string, unknown>[] | { rows: Record<string, unknown>[] };
    return (Array.isArray(res) ? res : res.rows).map((r) => JSON.stringify(r)).sort();
  };
  if (schema === undefined) {
    const tables = (await rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")).map(
      (r) => JSON.parse(r).name as string,
    );
    const out: Record<string, unknown> = {
      objects: await rows("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type <> 'table'"),
    };
    for (const t of tables) {
      out[t] = {
        columns: await rows(`SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)`, [t]),
        foreignKeys: await rows(`SELECT "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?)`, [t]),
        rows: t.startsWith('knex_migrations') ? null : await rows(`SELECT * FROM "${t}"`),
      };
    }
    return out;
  }
  const anon = (r: string[]) => r.map((x) => x.split(schema).join('<schema>'));
  const tables = (
    await rows('SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = ?', [schema, 'BASE TABLE'])
  ).map((r) => JSON.parse(r).table_name as string);
  const out: Record<string, unknown> = {
    columns: await rows(
      'SELECT table_name, column_name, data_type, is_nullable, column_default, character_maximum_length FROM information_schema.columns WHERE table_schema = ?',
      [schema],
    ),
    indexes: anon(await rows('SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = ?', [schema])),
    constraints: anon(
      await rows(
        'SELECT c.conname, r.relname, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname = ?',
        [schema],
      ),
    ),
    triggers: anon(
      await rows(
        'SELECT trigger_name, event_object_table, event_manipulation, action_timing, action_statement FROM information_schema.triggers WHERE trigger_schema = ?',
        [schema],
      ),
    ),
    functions: anon(
      await rows('SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ?', [schema]),
    ),
  };
  for (const t of tables) if (!t.startsWith('knex_migrations')) out[t] = await rows(`SELECT * FROM "${t}"`);
  return out;
}

test('the list is in name order, and holds every migration of the old list', () => {
  expect([...MIGRATION_NAMES]).toEqual([...MIGRATION_NAMES].sort());
  expect(new Set(MIGRATION_NAMES).size).toBe(MIGRATION_NAMES.length);
  expect(MIGRATION_NAMES).toEqual(expect.arrayContaining(LANDING_ORDER));
});

describe.each(BACKENDS)('a database migrated under the old order ($name)', (backend) => {
  /** Migrates a fresh database with the first `n` of the old list, then to the latest with the list; its schema and what ran. */
  async function migrated(n: number) {
    const created = await backend.create();
    const db = openDb({ url: created.url, schema: created.schema, sqliteDriver: created.sqliteDriver });
    try {
      if (n > 0) await db.migrate.latest({ migrationSource: oldSource(n) });
      const before = n > 0 ? await recorded(db) : [];
      // a custom source's pending migrations are what its getMigrations gave (here names), not { file } objects
      const [, pending] = (await db.migrate.list({ migrationSource })) as [unknown[], (string | { file: string })[]];
      const [, ran] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
      return {
        before,
        pending: pending.map((p) => (typeof p === 'string' ? p : p.file)),
        ran,
        after: await recorded(db),
        schema: await schemaOf(db, created.schema),
      };
    } finally {
      await db.destroy();
      await created.drop();
    }
  }

  test('fully migrated under the old order: the list in name order has nothing of it left to run', async () => {
    const old = await migrated(LANDING_ORDER.length);
    expect(old.before).toEqual(LANDING_ORDER);
    const later = MIGRATION_NAMES.filter((n) => !LANDING_ORDER.includes(n));
    expect(old.pending).toEqual(later);
    expect(old.ran).toEqual(later);
    expect(old.after).toEqual([...LANDING_ORDER, ...later]);
  });

  test('every state the old order could leave ends with the schema of a fresh database', async () => {
    const fresh = await migrated(0);
    expect(fresh.ran).toEqual(MIGRATION_NAMES);
    // the prefixes of the old list after which the rest, in name order, runs in a sequence no shorter prefix gives
    const seen = new Set([JSON.stringify(MIGRATION_NAMES)]);
    for (let n = 1; n <= LANDING_ORDER.length; n++) {
      const sequence = JSON.stringify([
        ...LANDING_ORDER.slice(0, n),
        ...MIGRATION_NAMES.filter((m) => !LANDING_ORDER.slice(0, n).includes(m)),
      ]);
      if (seen.has(sequence)) continue;
      seen.add(sequence);
      const state = await migrated(n);
      expect([n, state.after.slice().sort()]).toEqual([n, [...MIGRATION_NAMES].sort()]);
      expect([n, state.schema]).toEqual([n, fresh.schema]);
    }
    expect(seen.size).toBeGreaterThan(5);
  }, 600_000);
});
