/**
 * A supplement requested after the procedure's window (default 3 working days after receipt) is allowed
 * but flagged and counted (issue 12): the projection keeps when the first such request was made, for the
 * SQL path of the compliance metrics (the events-only path reads it from the REQUEST_SUPPLEMENT events).
 * Dossiers before this migration made no late request the engine flagged: the column stays null for them.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  const pg = (knex.client as { config: { client: string } }).config.client === 'pg';
  await knex.schema.alterTable('dossiers', (t) => {
    if (pg) t.timestamp('late_supplement_at', { useTz: true }).nullable();
    else t.string('late_supplement_at', 30).nullable();
    t.index(['late_supplement_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossiers', (t) => {
    t.dropIndex(['late_supplement_at']);
    t.dropColumn('late_supplement_at');
  });
}
