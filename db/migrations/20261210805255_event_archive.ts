/**
 * The archive of closed dossiers' events (issue 16) (docs/engine.md, "An
 * archive of closed dossiers' events"). One row per archived dossier holding every column of its event rows,
 * deflated with a preset dictionary; the dictionaries are immutable rows checked by their SHA-256. Both tables are
 * append-only. A row of dossier_events may now be deleted, by the owner (the application role has no DELETE), only
 * when an archive row covers it. An event appended after archiving (a leader's correction) follows the archived head:
 * the engine numbers it from the dossier row's version and writes it only if that version is still current, so no
 * trigger on INSERT is needed (a row inside the archived range, written by hand, is a broken chain to the audit).
 */
import type { Knex } from 'knex';

export const ARCHIVE_TABLES = ['dossier_event_archive_dictionaries', 'dossier_event_archive'] as const;

const isPg = (knex: Knex) => (knex.client as { config: { client: string } }).config.client === 'pg';

const COVERED = `EXISTS (SELECT 1 FROM dossier_event_archive a WHERE a.dossier_id = OLD.dossier_id AND a.event_count >= OLD.seq)`;

export async function up(knex: Knex): Promise<void> {
  const pg = isPg(knex);
  await knex.schema.createTable('dossier_event_archive_dictionaries', (t) => {
    t.integer('id').primary();
    t.string('sha256', 64).notNullable();
    t.binary('bytes').notNullable();
  });
  await knex.schema.createTable('dossier_event_archive', (t) => {
    t.uuid('dossier_id').primary().references('id').inTable('dossiers');
    t.integer('dictionary_id').notNullable().references('id').inTable('dossier_event_archive_dictionaries');
    t.integer('event_count').notNullable();
    t.string('head_hash', 64).notNullable();
    /** the SUBMIT's time, as the table held it */
    if (pg) t.timestamp('first_at', { useTz: true }).notNullable();
    else t.string('first_at', 30).notNullable();
    /** JSON: the sorted units that acted (the access filter) */
    t.text('actor_units').notNullable();
    /** JSON: [occurred_at, method] of each RETURN_RESULT (the monthly report) */
    t.text('returns').notNullable();
    t.binary('events').notNullable();
  });
  if (pg) {
    await knex.raw(`CREATE OR REPLACE FUNCTION motcua_delete_if_archived() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF ${COVERED} THEN RETURN OLD; END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$`);
    await knex.raw(`DROP TRIGGER dossier_events_append_only ON dossier_events`);
    await knex.raw(
      `CREATE TRIGGER dossier_events_append_only BEFORE UPDATE ON dossier_events FOR EACH ROW EXECUTE FUNCTION motcua_append_only()`,
    );
    await knex.raw(
      `CREATE TRIGGER dossier_events_delete_archived BEFORE DELETE ON dossier_events FOR EACH ROW EXECUTE FUNCTION motcua_delete_if_archived()`,
    );
    for (const table of ARCHIVE_TABLES) {
      await knex.raw(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION motcua_append_only()`,
      );
      await knex.raw(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION motcua_append_only()`,
      );
    }
    return;
  }
  await knex.raw(`DROP TRIGGER dossier_events_no_delete`);
  await knex.raw(
    `CREATE TRIGGER dossier_events_no_delete BEFORE DELETE ON dossier_events WHEN NOT ${COVERED} BEGIN SELECT RAISE(ABORT, 'dossier_events is append-only: DELETE refused'); END`,
  );
  for (const table of ARCHIVE_TABLES)
    for (const op of ['UPDATE', 'DELETE'])
      await knex.raw(
        `CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only: ${op} refused'); END`,
      );
}

/** The archive tables' append-only triggers (they use motcua_append_only(), which an owner's tamper drops: test/support/db-owner.ts). */
export async function dropArchiveTriggers(knex: Knex): Promise<void> {
  if (isPg(knex)) {
    await knex.raw(`DROP TRIGGER IF EXISTS dossier_events_delete_archived ON dossier_events`);
  }
  for (const table of ARCHIVE_TABLES) {
    if (isPg(knex)) {
      await knex.raw(`DROP TRIGGER IF EXISTS ${table}_append_only ON ${table}`);
      await knex.raw(`DROP TRIGGER IF EXISTS ${table}_no_truncate ON ${table}`);
    } else for (const op of ['update', 'delete']) await knex.raw(`DROP TRIGGER IF EXISTS ${table}_no_${op}`);
  }
}

export async function down(knex: Knex): Promise<void> {
  await dropArchiveTriggers(knex);
  if (isPg(knex)) {
    await knex.raw(`DROP TRIGGER IF EXISTS dossier_events_delete_archived ON dossier_events`);
    await knex.raw(`DROP TRIGGER IF EXISTS dossier_events_append_only ON dossier_events`);
    await knex.raw(
      `CREATE TRIGGER dossier_events_append_only BEFORE UPDATE OR DELETE ON dossier_events FOR EACH ROW EXECUTE FUNCTION motcua_append_only()`,
    );
    await knex.raw(`DROP FUNCTION IF EXISTS motcua_delete_if_archived()`);
  } else {
    await knex.raw(`DROP TRIGGER IF EXISTS dossier_events_no_delete`);
    await knex.raw(
      `CREATE TRIGGER dossier_events_no_delete BEFORE DELETE ON dossier_events BEGIN SELECT RAISE(ABORT, 'dossier_events is append-only: DELETE refused'); END`,
    );
  }
  await knex.schema.dropTableIfExists('dossier_event_archive');
  await knex.schema.dropTableIfExists('dossier_event_archive_dictionaries');
}
