/**
 * `dossiers.lookup_factor`: which of the applicant's numbers (`phone` or `idNumber`) opens the public status
 * lookup, as recorded in the SUBMIT event (applicant.lookupFactor) and printed on the receipt. Dossiers
 * submitted before it was recorded keep null and accept the last 4 digits of either, as their receipts said.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossiers', (t) => {
    t.string('lookup_factor', 16).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossiers', (t) => {
    t.dropColumn('lookup_factor');
  });
}
