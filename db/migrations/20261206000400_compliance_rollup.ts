/**
 * The compliance rollup (issue 16, machines/metrics/rollup.ts): per local day (and a small shard number that
 * keeps concurrent writers off one row), the counts the compliance figures are summed from. The engine adds
 * each transition's change in the event's own transaction; `npm run metrics:rollup -- --rebuild` derives the
 * whole table from the events.
 *
 * `compliance_rollup_state` says whether the table is complete: a database that already holds dossiers when
 * this migration runs gets an empty table marked incomplete, and the metrics keep reading the projection
 * until the rebuild marks it complete (a fresh database starts complete).
 */
import type { Knex } from 'knex';

/**
 * Frozen copy of machines/metrics/rollup.ts's ROLLUP_COLUMNS as of this migration (it imported the live list until
 * 20261211406316_day_rollup_classes_only dropped the flows and fixed-instant levels from the table).
 */
const ROLLUP_COLUMNS = [
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
  await knex.schema.createTable('compliance_rollup', (t) => {
    t.string('day', 10).notNullable();
    t.smallint('shard').notNullable();
    for (const c of ROLLUP_COLUMNS) t.bigInteger(c).notNullable().defaultTo(0);
    t.primary(['day', 'shard']);
  });
  await knex.schema.createTable('compliance_rollup_state', (t) => {
    t.integer('id').primary();
    t.boolean('complete').notNullable();
    t.string('built_at', 30).nullable();
  });
  // The online submissions still waiting for the counter's answer: few, whatever the history (a running period's intake figure).
  await knex.raw('CREATE INDEX dossiers_intake_waiting_index ON dossiers (intake_due_by) WHERE intake_answered_at IS NULL');
  const [row] = (await knex('dossiers').count({ n: '*' })) as { n: number | string }[];
  await knex('compliance_rollup_state').insert({ id: 1, complete: Number(row?.n ?? 0) === 0, built_at: null });
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS dossiers_intake_waiting_index');
  await knex.schema.dropTable('compliance_rollup_state');
  await knex.schema.dropTable('compliance_rollup');
}
