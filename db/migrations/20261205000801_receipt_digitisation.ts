/**
 * The digitisation and reuse figures (issue 14): two metrics columns of the dossier projection, written by the
 * engine from the RECEIVE event's digitisation record — every required document stored as a file at receipt
 * (`receipt_digitised`), and at least one of them reused from an earlier dossier (`receipt_reused`). Null before
 * receipt and for dossiers received before issue 14 (counted as not digitised).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossiers', (t) => {
    t.boolean('receipt_digitised').nullable();
    t.boolean('receipt_reused').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossiers', (t) => {
    t.dropColumn('receipt_digitised');
    t.dropColumn('receipt_reused');
  });
}
