/**
 * Indexes for the dossier lists on a province-sized database (measured on a generated million-dossier
 * PostgreSQL database, docs/explain-1m.md):
 * - (submitted_at, id): every list's default order, "recent first" with a keyset cursor. Without it a
 *   scoped list with no other filter sorted the whole table (a specialist's list: 4.8 s); with it the
 *   planner walks the index backwards and stops after one page.
 * - (timeliness, submitted_at, id): the overdue and due-soon lists, which otherwise scan every dossier.
 * - (result_at, final_timeliness) replaces (result_at): the weekly review's early/on-time/late counts per
 *   week become index-only scans (86 ms → a few ms per week), and every result_at range still uses it.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossiers', (t) => {
    t.index(['submitted_at', 'id'], 'dossiers_submitted_at_id_index');
    t.index(['timeliness', 'submitted_at', 'id'], 'dossiers_timeliness_submitted_at_id_index');
    t.index(['result_at', 'final_timeliness'], 'dossiers_result_at_final_timeliness_index');
    t.dropIndex(['result_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossiers', (t) => {
    t.dropIndex(['submitted_at', 'id'], 'dossiers_submitted_at_id_index');
    t.dropIndex(['timeliness', 'submitted_at', 'id'], 'dossiers_timeliness_submitted_at_id_index');
    t.index(['result_at']);
    t.dropIndex(['result_at', 'final_timeliness'], 'dossiers_result_at_final_timeliness_index');
  });
}
