/**
 * One home for each rollup count (issue 16). The per-day compliance rollup (20261206000400_compliance_rollup) held the
 * flows and fixed-instant levels (received, resolved, …, pending, results not collected) that the rollup by group
 * (the digitisation rollup's table, day × procedure × handling unit: 20261209000100, 20261210620626) holds too, kept
 * by the engine in the same transaction. The whole-centre, weekly and monthly figures now sum the by-group table over
 * its groups, so these columns are dropped: the per-day table keeps the pending classes at each midnight only, which
 * depend on a dossier's history (machines/metrics/rollup.ts), and a transition that moves a count but not the pending
 * class writes one rollup row instead of two.
 *
 * Nothing to backfill: the remaining columns keep their values; the rows left with nothing but zeros are deleted.
 * Down adds the columns back and fills them, shard 0, with the by-group table's sums per day (what they held: both are
 * compared with the events by `npm run metrics:rollup -- --verify`). The lists below are frozen copies as of this
 * migration.
 */
import type { Knex } from 'knex';

/** frozen copy of ROLLUP_FIXED (machines/metrics/rollup.ts): the columns this migration drops */
const DROPPED = [
  'received',
  'received_counter',
  'received_online',
  'received_postal',
  'digitised_receipts',
  'reused_receipts',
  'resolved',
  'approved',
  'refused_result',
  'early',
  'on_time',
  'late',
  'digitised_results',
  'timed_results',
  'working_ms_sum',
  'pause_extended',
  'pause_extension_ms_sum',
  'returned',
  'returned_counter',
  'returned_post',
  'returned_online',
  'rated',
  'rating_sum',
  'satisfied',
  'withdrawn',
  'refused_intake',
  'late_supplement_requests',
  'intake_answered_late',
  'pending',
  'results_not_collected',
];

/** frozen copy of ROLLUP_CLASSES: the columns the per-day table keeps */
const KEPT = [
  'pending_clock_stopped',
  'pending_late',
  'pending_due_soon',
  'pending_not_yet_due',
  'late_apologised_open',
  'late_apologised_timely_open',
  'late_exempted_open',
  'intake_overdue_waiting',
];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('compliance_rollup', (t) => {
    for (const c of DROPPED) t.dropColumn(c);
  });
  await knex('compliance_rollup')
    .where(Object.fromEntries(KEPT.map((c) => [c, 0])))
    .delete();
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('compliance_rollup', (t) => {
    for (const c of DROPPED) t.bigInteger(c).notNullable().defaultTo(0);
  });
  // SQLite needs a WHERE in an upsert's SELECT (a parsing ambiguity); PostgreSQL takes the same text
  await knex.raw(`
    INSERT INTO compliance_rollup (day, shard, ${DROPPED.join(', ')})
    SELECT day, 0, ${DROPPED.map((c) => `SUM(${c})`).join(', ')} FROM digitisation_rollup WHERE true GROUP BY day
    ON CONFLICT (day, shard) DO UPDATE SET ${DROPPED.map((c) => `${c} = excluded.${c}`).join(', ')}`);
}
