/**
 * The retention job's deletion log (issue 14): one row per document reference whose file the job deleted
 * because the dossier's retention period (the procedure's `retention` field) had ended. Hash-chained
 * (machines/documents/retention.ts) and append-only like the other logs (20261204000402_append_only.ts):
 * the application may only read and insert it (src/store/app-role.ts).
 */
import type { Knex } from 'knex';

export const DELETION_LOG_TABLE = 'document_deletions';

const isPg = (knex: Knex) => (knex.client as { config: { client: string } }).config.client === 'pg';

export async function up(knex: Knex): Promise<void> {
  const pg = isPg(knex);
  await knex.schema.createTable(DELETION_LOG_TABLE, (t) => {
    /** 1, 2, 3… across the whole log; unique, so two jobs appending at once cannot fork the chain */
    t.integer('seq').primary();
    t.string('sha256', 64).notNullable();
    t.uuid('dossier_id').notNullable();
    t.string('dossier_code', 64).notNullable();
    t.string('document_id', 16).notNullable();
    t.integer('document_version').notNullable();
    t.text('rule').notNullable();
    t.text('reason').notNullable();
    if (pg) t.timestamp('at', { useTz: true }).notNullable();
    else t.string('at', 30).notNullable();
    t.string('prev_hash', 64).notNullable();
    t.string('hash', 64).notNullable();
    t.unique(['dossier_id', 'document_id', 'document_version']);
    t.index(['sha256']);
  });
  if (pg) {
    // the function is created by 20261204000402_append_only
    await knex.raw(
      `CREATE TRIGGER ${DELETION_LOG_TABLE}_append_only BEFORE UPDATE OR DELETE ON ${DELETION_LOG_TABLE} FOR EACH ROW EXECUTE FUNCTION motcua_append_only()`,
    );
    await knex.raw(
      `CREATE TRIGGER ${DELETION_LOG_TABLE}_no_truncate BEFORE TRUNCATE ON ${DELETION_LOG_TABLE} FOR EACH STATEMENT EXECUTE FUNCTION motcua_append_only()`,
    );
    return;
  }
  for (const op of ['UPDATE', 'DELETE'])
    await knex.raw(
      `CREATE TRIGGER ${DELETION_LOG_TABLE}_no_${op.toLowerCase()} BEFORE ${op} ON ${DELETION_LOG_TABLE} BEGIN SELECT RAISE(ABORT, '${DELETION_LOG_TABLE} is append-only: ${op} refused'); END`,
    );
}

/** Drops the append-only triggers (the migration's down, and tests that tamper with the log as its owner). */
export async function dropTriggers(knex: Knex): Promise<void> {
  if (isPg(knex)) {
    await knex.raw(`DROP TRIGGER IF EXISTS ${DELETION_LOG_TABLE}_append_only ON ${DELETION_LOG_TABLE}`);
    await knex.raw(`DROP TRIGGER IF EXISTS ${DELETION_LOG_TABLE}_no_truncate ON ${DELETION_LOG_TABLE}`);
    return;
  }
  for (const op of ['update', 'delete']) await knex.raw(`DROP TRIGGER IF EXISTS ${DELETION_LOG_TABLE}_no_${op}`);
}

export async function down(knex: Knex): Promise<void> {
  await dropTriggers(knex);
  await knex.schema.dropTableIfExists(DELETION_LOG_TABLE);
}
