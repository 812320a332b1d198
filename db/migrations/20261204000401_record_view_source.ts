/**
 * `record_views.source`: what showed the applicant's unmasked data — `record` (GET /api/dossiers/{code}),
 * `form:<kind>` (a printable form: receipt, supplement, …) or `export` (the auditor's export). Every such
 * read is logged (Decree 13/2023), whatever the route; rows written before this column are `record`.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('record_views', (t) => {
    t.string('source', 40).notNullable().defaultTo('record');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('record_views', (t) => {
    t.dropColumn('source');
  });
}
