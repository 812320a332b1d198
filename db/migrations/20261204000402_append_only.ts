/**
 * The hash-chained logs are append-only, enforced by the database: UPDATE and DELETE (and TRUNCATE on
 * PostgreSQL) on dossier_events, review_events, audit_checkpoints and audit_checkpoint_heads are refused
 * by triggers, so neither the application nor a bug in it can rewrite history. A database owner can still
 * drop the triggers; what they then change is caught by the audit (hash chains and checkpoints,
 * docs/deploy.md). Nothing legitimate updates or deletes these rows: the engine, the review log, the
 * checkpoint job and the seed generator only insert.
 */
import type { Knex } from 'knex';

export const APPEND_ONLY_TABLES = ['dossier_events', 'review_events', 'audit_checkpoints', 'audit_checkpoint_heads'] as const;

const isPg = (knex: Knex) => (knex.client as { config: { client: string } }).config.client === 'pg';

export async function up(knex: Knex): Promise<void> {
  if (isPg(knex)) {
    await knex.raw(`CREATE OR REPLACE FUNCTION motcua_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$`);
    for (const table of APPEND_ONLY_TABLES) {
      await knex.raw(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION motcua_append_only()`,
      );
      await knex.raw(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION motcua_append_only()`,
      );
    }
    return;
  }
  for (const table of APPEND_ONLY_TABLES) {
    for (const op of ['UPDATE', 'DELETE']) {
      await knex.raw(
        `CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only: ${op} refused'); END`,
      );
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  if (isPg(knex)) {
    for (const table of APPEND_ONLY_TABLES) {
      await knex.raw(`DROP TRIGGER IF EXISTS ${table}_append_only ON ${table}`);
      await knex.raw(`DROP TRIGGER IF EXISTS ${table}_no_truncate ON ${table}`);
    }
    await knex.raw('DROP FUNCTION IF EXISTS motcua_append_only()');
    return;
  }
  for (const table of APPEND_ONLY_TABLES) {
    for (const op of ['update', 'delete']) await knex.raw(`DROP TRIGGER IF EXISTS ${table}_no_${op}`);
  }
}
