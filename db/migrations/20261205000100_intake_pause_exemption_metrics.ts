/**
 * Issue 12's remaining compliance figures, as projection columns for the SQL fast path (the events-only path
 * computes the same values from the replayed snapshot, machines/metrics/projection-extra.ts):
 * - the intake wait of an online submission (chart version 3): when its answer was due (8 working hours after
 *   submission, Decree 297/2025 Art. 6(4)), when the counter answered it, and the first answer given late;
 * - how far pauses moved the statutory due date (working time), once the dossier has a result;
 * - when a leader first approved an exemption from the apology.
 * Existing rows are not back-filled: dossiers before chart version 3 have no intake wait, and the columns are
 * derived values the engine rewrites at the dossier's next event (the audit's metrics check compares them).
 */
import type { Knex } from 'knex';

const INSTANTS = ['intake_due_by', 'intake_answered_at', 'intake_late_at', 'first_exemption_at'] as const;

export async function up(knex: Knex): Promise<void> {
  const pg = (knex.client as { config: { client: string } }).config.client === 'pg';
  await knex.schema.alterTable('dossiers', (t) => {
    for (const c of INSTANTS) {
      if (pg) t.timestamp(c, { useTz: true }).nullable();
      else t.string(c, 30).nullable();
    }
    t.bigInteger('pause_extension_ms').nullable();
    t.index(['intake_due_by']);
    t.index(['intake_late_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossiers', (t) => {
    t.dropIndex(['intake_due_by']);
    t.dropIndex(['intake_late_at']);
    for (const c of INSTANTS) t.dropColumn(c);
    t.dropColumn('pause_extension_ms');
  });
}
