/**
 * The weekly late-dossier review's own log: `review_events`, append-only and hash-chained per
 * (week, scope) — scope is a unit code or 'centre'. Each row is a REVIEW_NOTE (a dossier's cause and
 * corrective action) or the week's WEEK_SIGNED_OFF; (week, unit, seq) is unique, so two writers racing
 * for the same place in a chain cannot both win (src/reports/review-log.ts).
 * Also indexes dossiers by (state, original_due_at): the review reads "open and past / near its
 * statutory due date" without scanning every open dossier.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  const pg = (knex.client as { config: { client: string } }).config.client === 'pg';
  await knex.schema.createTable('review_events', (t) => {
    t.uuid('id').primary();
    t.string('week', 8).notNullable();
    t.string('unit', 64).notNullable();
    t.integer('seq').notNullable();
    t.string('type', 32).notNullable();
    t.string('dossier_code', 96).nullable();
    t.text('payload').notNullable();
    t.string('actor', 64).notNullable();
    if (pg) t.timestamp('occurred_at', { useTz: true }).notNullable();
    else t.string('occurred_at', 30).notNullable();
    t.string('prev_hash', 64).notNullable();
    t.string('hash', 64).notNullable();
    t.unique(['week', 'unit', 'seq']);
    t.index(['dossier_code', 'week']);
  });
  await knex.schema.alterTable('dossiers', (t) => {
    t.index(['state', 'original_due_at'], 'dossiers_state_original_due_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossiers', (t) => {
    t.dropIndex(['state', 'original_due_at'], 'dossiers_state_original_due_at_index');
  });
  await knex.schema.dropTableIfExists('review_events');
}
