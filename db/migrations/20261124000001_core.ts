/**
 * Core tables: procedures (versioned), calendar versions, dossiers (the projection),
 * dossier_events (the append-only truth, hash-chained per dossier), and the per-agency daily code sequence.
 * The CHECK on dossiers is the database's own refusal to hold a closed dossier without a result.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  const pg = (knex.client as { config: { client: string } }).config.client === 'pg';
  const ts = (t: Knex.CreateTableBuilder, name: string) => (pg ? t.timestamp(name, { useTz: true }) : t.string(name, 30));

  await knex.schema.createTable('procedures', (t) => {
    t.string('code', 32).notNullable();
    t.integer('version').notNullable();
    t.text('definition').notNullable();
    ts(t, 'created_at').notNullable();
    t.string('created_by', 64).notNullable();
    t.primary(['code', 'version']);
  });

  await knex.schema.createTable('calendar_versions', (t) => {
    t.integer('version').primary();
    t.text('data').notNullable();
    ts(t, 'created_at').notNullable();
    t.string('created_by', 64).notNullable();
    t.text('note');
  });

  await knex.schema.createTable('code_sequences', (t) => {
    t.string('agency_code', 64).notNullable();
    t.string('day', 6).notNullable();
    t.integer('last').notNullable();
    t.primary(['agency_code', 'day']);
  });

  await knex.schema.createTable('dossiers', (t) => {
    t.uuid('id').primary();
    t.string('code', 96).notNullable().unique();
    t.string('agency_code', 64).notNullable();
    t.string('procedure_code', 32).notNullable();
    t.integer('procedure_version').notNullable();
    t.integer('machine_version').notNullable();
    t.string('channel', 16).notNullable();
    t.string('state', 32).notNullable();
    t.string('timeliness', 16).notNullable();
    t.integer('step_index').notNullable();
    t.string('step_id', 64);
    t.string('unit', 64);
    t.string('assignee', 64);
    ts(t, 'submitted_at').notNullable();
    ts(t, 'received_at');
    ts(t, 'due_at');
    ts(t, 'original_due_at');
    ts(t, 'result_at');
    t.string('outcome', 16);
    t.string('final_timeliness', 16);
    ts(t, 'returned_at');
    ts(t, 'closed_at');
    t.integer('apology_count').notNullable().defaultTo(0);
    t.integer('supplement_count').notNullable().defaultTo(0);
    t.string('applicant_name', 200).notNullable();
    t.string('applicant_id_number', 32).notNullable();
    t.string('applicant_phone', 32).notNullable();
    t.integer('version').notNullable();
    t.string('last_hash', 64).notNullable();
    t.text('snapshot').notNullable();
    ts(t, 'updated_at').notNullable();
    t.index(['state', 'due_at']);
    t.index(['unit', 'state']);
    t.index(['assignee', 'state']);
    t.index(['procedure_code']);
    t.index(['received_at']);
    t.index(['result_at']);
    t.index(['applicant_id_number']);
    t.index(['applicant_phone']);
  });
  // No dossier holds a result state or is closed as returned without a recorded result:
  // a CHECK constraint on PostgreSQL, the equivalent triggers on SQLite (which cannot ALTER in a CHECK).
  if (pg) {
    await knex.raw(
      `ALTER TABLE dossiers ADD CONSTRAINT dossiers_result_before_close CHECK (state NOT IN ('result', 'returned') OR (result_at IS NOT NULL AND outcome IS NOT NULL))`,
    );
  } else {
    for (const op of ['INSERT', 'UPDATE']) {
      await knex.raw(`
        CREATE TRIGGER dossiers_result_before_close_${op.toLowerCase()}
        BEFORE ${op} ON dossiers
        FOR EACH ROW WHEN NEW.state IN ('result', 'returned') AND (NEW.result_at IS NULL OR NEW.outcome IS NULL)
        BEGIN SELECT RAISE(ABORT, 'dossiers_result_before_close: a dossier cannot be closed before its result exists'); END`);
    }
  }

  await knex.schema.createTable('dossier_events', (t) => {
    t.bigIncrements('id').primary();
    t.uuid('dossier_id').notNullable().references('id').inTable('dossiers');
    t.integer('seq').notNullable();
    t.string('type', 32).notNullable();
    t.text('payload').notNullable();
    t.string('actor', 64).notNullable();
    t.string('actor_unit', 64);
    ts(t, 'occurred_at').notNullable();
    t.integer('machine_version').notNullable();
    t.string('prev_hash', 64).notNullable();
    t.string('hash', 64).notNullable();
    t.unique(['dossier_id', 'seq']);
    t.index(['occurred_at']);
    t.index(['type', 'occurred_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('dossier_events');
  await knex.schema.dropTableIfExists('dossiers');
  await knex.schema.dropTableIfExists('code_sequences');
  await knex.schema.dropTableIfExists('calendar_versions');
  await knex.schema.dropTableIfExists('procedures');
}
