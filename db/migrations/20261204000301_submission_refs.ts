/**
 * The official dossier code is given at receipt (issue 12). Until then a dossier is known by its
 * submission reference, kept in `submission_ref` for ever so that the links and lookups the applicant
 * was given keep working. Dossiers numbered before this migration had their code from submission:
 * their reference is that code.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossiers', (t) => {
    t.string('submission_ref', 96);
  });
  await knex('dossiers').update({ submission_ref: knex.ref('code') });
  await knex.schema.alterTable('dossiers', (t) => {
    t.unique(['submission_ref']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossiers', (t) => {
    t.dropUnique(['submission_ref']);
    t.dropColumn('submission_ref');
  });
}
