/**
 * The 90th percentile of the working time to result (issue 16): the rollup knows how many results a period has,
 * so the percentile is the (n − rank + 1)-th largest working time of the period's results — an index-only range
 * over (result_at, result_working_ms) and a bounded top-N sort, instead of ranking every result with window
 * functions over heap rows.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossiers', (t) => {
    t.index(['result_at', 'result_working_ms'], 'dossiers_result_at_working_ms_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossiers', (t) => {
    t.dropIndex(['result_at', 'result_working_ms'], 'dossiers_result_at_working_ms_index');
  });
}
