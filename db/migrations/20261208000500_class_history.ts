/**
 * The pending-class history (issue 16, machines/metrics/class-history.ts): per dossier, the intervals of the facts
 * that classify it when pending (clock stopped, statutory due date, intake due time and answer), so that the
 * projection's SQL classifies the dossiers pending at an ended period's end as they were then, not as they are now.
 * The engine keeps it in each event's own transaction; this migration backfills it from the events of the
 * dossiers already stored (every dossier replayed, src/metrics/rollup-rebuild.ts), in the migration's transaction.
 */
import type { Knex } from 'knex';
import { backfillClassHistory } from '../../src/metrics/rollup-rebuild';

export async function up(knex: Knex): Promise<void> {
  const pg = (knex.client as { config: { client: string } }).config.client === 'pg';
  const ts = (t: Knex.CreateTableBuilder, name: string) => (pg ? t.timestamp(name, { useTz: true }) : t.string(name, 30));
  await knex.schema.createTable('dossier_class_history', (t) => {
    t.uuid('dossier_id').notNullable().references('id').inTable('dossiers');
    t.integer('seq').notNullable();
    ts(t, 'valid_from').notNullable();
    ts(t, 'valid_to').nullable();
    t.boolean('clock_stopped').notNullable();
    ts(t, 'original_due_at').nullable();
    ts(t, 'intake_due_by').nullable();
    ts(t, 'intake_answered_at').nullable();
    t.primary(['dossier_id', 'seq']);
  });
  // The online submissions waiting for the counter's answer at some instant: few, whatever the history.
  await knex.raw(
    'CREATE INDEX dossier_class_history_intake_waiting_index ON dossier_class_history (intake_due_by) WHERE intake_answered_at IS NULL AND intake_due_by IS NOT NULL',
  );
  await backfillClassHistory(knex);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS dossier_class_history_intake_waiting_index');
  await knex.schema.dropTable('dossier_class_history');
}
