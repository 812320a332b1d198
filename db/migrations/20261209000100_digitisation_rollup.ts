/**
 * The digitisation rollup (issue 14, machines/metrics/digitisation-rollup.ts): per local day, procedure and handling
 * unit (and a small shard number that keeps concurrent writers off one row), the counts the digitisation and reuse
 * rates are divided from, so that their breakdowns by procedure and by unit read a small table. The engine adds each
 * transition's change in the event's own transaction; `npm run metrics:rollup -- --rebuild` derives it from the events.
 *
 * The backfill is one INSERT … SELECT over the projection's rows in the migration's transaction (two scans of
 * `dossiers`, grouped in the database): a dossier's changes add up to its current row's contribution, so the table is
 * complete when the migration ends; `npm run metrics:rollup -- --verify` compares it with the events. What a shipped
 * migration does must not change when live code does: the columns and the rule below are frozen copies of
 * machines/metrics/digitisation-rollup.ts as of this migration (test/metrics/rollup.test.ts compares the backfill with
 * the table derived from the events, on both databases).
 */
import type { Knex } from 'knex';

/** frozen copy of DIGITISATION_FLOWS at the time of this migration */
const FLOWS = ['received', 'digitised_receipts', 'reused_receipts', 'resolved', 'digitised_results'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('digitisation_rollup', (t) => {
    t.string('day', 10).notNullable();
    t.string('procedure_code', 32).notNullable();
    t.string('handling_unit', 64).notNullable();
    t.smallint('shard').notNullable();
    for (const c of FLOWS) t.bigInteger(c).notNullable().defaultTo(0);
    t.primary(['day', 'procedure_code', 'handling_unit', 'shard']);
  });
  // The rule of digitisationDelta: on the local (UTC+7) date of the receipt, received and its two flags; on the
  // result's, resolved and its flag; keyed by the procedure and the handling unit ('' for none).
  const pg = (knex.client as { config: { client: string } }).config.client === 'pg';
  const day = (col: string) =>
    pg ? `to_char((${col} AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM-DD')` : `date(${col}, '+7 hours')`;
  const flag = (col: string) => `CASE WHEN ${col} THEN 1 ELSE 0 END`;
  // One statement reads the whole projection: at 1M dossiers with a cold cache it may outlast the connection's
  // statement_timeout (DATABASE_STATEMENT_TIMEOUT_MS, 30 s by default), so it is lifted for this transaction only.
  if (pg) await knex.raw('SET LOCAL statement_timeout = 0');
  await knex.raw(`
    INSERT INTO digitisation_rollup (day, procedure_code, handling_unit, shard, ${FLOWS.join(', ')})
    SELECT day, procedure_code, unit, 0, ${FLOWS.map((c) => `SUM(${c})`).join(', ')}
    FROM (
      SELECT ${day('received_at')} AS day, procedure_code, COALESCE(handling_unit, '') AS unit, 1 AS received,
             ${flag('receipt_digitised')} AS digitised_receipts, ${flag('receipt_reused')} AS reused_receipts,
             0 AS resolved, 0 AS digitised_results
      FROM dossiers WHERE received_at IS NOT NULL
      UNION ALL
      SELECT ${day('result_at')}, procedure_code, COALESCE(handling_unit, ''), 0, 0, 0, 1, ${flag('result_digitised')}
      FROM dossiers WHERE result_at IS NOT NULL
    ) contributions
    GROUP BY day, procedure_code, unit`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('digitisation_rollup');
}
