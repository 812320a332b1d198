/**
 * next_check_at: when the deadline sweeper must next look at a dossier (null while its clock is not
 * running). Indexed, so a sweep reads only the dossiers whose moment has come.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  const pg = (knex.client as { config: { client: string } }).config.client === 'pg';
  await knex.schema.alterTable('dossiers', (t) => {
    if (pg) t.timestamp('next_check_at', { useTz: true }).nullable();
    else t.string('next_check_at', 30).nullable();
    t.index(['next_check_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossiers', (t) => {
    t.dropIndex(['next_check_at']);
    t.dropColumn('next_check_at');
  });
}
