/**
 * The list by due date walks an index in each of its two runs (issue 16; `dueKeys`, src/store/dossier-queries.ts):
 * - `dossiers_due_at_id_index` (due_at, id) WHERE due_at IS NOT NULL: the dated run, soonest due first, the keyset
 *   cursor its start. (state, due_at) gives that order for one state only, and not at all without a state filter.
 * - `dossiers_undated_submitted_at_id_index` (submitted_at, id) WHERE due_at IS NULL: the run of dossiers without a due
 *   date (not received yet, or waiting for a supplement at intake), oldest submission first. Few dossiers are in it at
 *   any time, so the index stays small, and a walk of it never passes the dated ones ((submitted_at, id) would).
 * With them a specialist's page costs a page, not a sort of every dossier in the unit's scope (bench/RESULTS.md,
 * "A unit's list by due date"). The same on SQLite.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE INDEX dossiers_due_at_id_index ON dossiers (due_at, id) WHERE due_at IS NOT NULL`);
  await knex.raw(`CREATE INDEX dossiers_undated_submitted_at_id_index ON dossiers (submitted_at, id) WHERE due_at IS NULL`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP INDEX dossiers_undated_submitted_at_id_index`);
  await knex.raw(`DROP INDEX dossiers_due_at_id_index`);
}
