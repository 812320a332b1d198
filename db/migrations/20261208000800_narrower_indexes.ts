/**
 * Indexes no query needs, or that another index covers, dropped or narrowed (issue 16, storage per dossier;
 * measured at 100k dossiers on PostgreSQL in bench/RESULTS.md, "Indexes narrowed"). Every query that used
 * one still uses an index (the plans are in that section):
 * - dossier_events (type, occurred_at) → the same WHERE type = 'RETURN_RESULT': the monthly report's returned
 *   results are the only time range read by event type (type stays in the key although the predicate fixes
 *   it, so that SQLite's planner, which has no statistics, prefers it to the (type) index for that query);
 *   (type) alone serves GET /metrics' count by type (an index-only scan; PostgreSQL stores a repeated key
 *   once, so it is a fraction of the size).
 * - dossier_events (occurred_at): no query reads events by time alone (the events-only metrics page by
 *   dossier id on (dossier_id, seq)).
 * - dossiers (procedure_code): the leading column of (procedure_code, received_at) and (procedure_code, result_at).
 * - dossiers (result_at, final_timeliness) and (result_at, result_working_ms) → one (result_at,
 *   final_timeliness, result_working_ms): the weekly review's counts and the 90th percentile stay index-only.
 * - dossiers (next_check_at), (late_supplement_at), (intake_late_at), (intake_due_by), (assignee, state):
 *   only WHERE the column IS NOT NULL (a closed dossier has none of them), which every query on them implies.
 * The same on SQLite.
 */
import type { Knex } from 'knex';

const SPARSE: [name: string, columns: string, column: string][] = [
  ['dossiers_next_check_at_index', 'next_check_at', 'next_check_at'],
  ['dossiers_late_supplement_at_index', 'late_supplement_at', 'late_supplement_at'],
  ['dossiers_intake_late_at_index', 'intake_late_at', 'intake_late_at'],
  ['dossiers_intake_due_by_index', 'intake_due_by', 'intake_due_by'],
  ['dossiers_assignee_state_index', 'assignee, state', 'assignee'],
];

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE INDEX dossier_events_returned_at_index ON dossier_events (type, occurred_at) WHERE type = 'RETURN_RESULT'`);
  await knex.raw(`CREATE INDEX dossier_events_type_index ON dossier_events (type)`);
  await knex.raw(`DROP INDEX dossier_events_type_occurred_at_index`);
  await knex.raw(`DROP INDEX dossier_events_occurred_at_index`);
  await knex.raw(`DROP INDEX dossiers_procedure_code_index`);
  await knex.raw(
    `CREATE INDEX dossiers_result_at_timeliness_working_ms_index ON dossiers (result_at, final_timeliness, result_working_ms)`,
  );
  await knex.raw(`DROP INDEX dossiers_result_at_final_timeliness_index`);
  await knex.raw(`DROP INDEX dossiers_result_at_working_ms_index`);
  for (const [name, columns, column] of SPARSE) {
    await knex.raw(`DROP INDEX ${name}`);
    await knex.raw(`CREATE INDEX ${name} ON dossiers (${columns}) WHERE ${column} IS NOT NULL`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const [name, columns] of SPARSE) {
    await knex.raw(`DROP INDEX ${name}`);
    await knex.raw(`CREATE INDEX ${name} ON dossiers (${columns})`);
  }
  await knex.raw(`CREATE INDEX dossiers_result_at_working_ms_index ON dossiers (result_at, result_working_ms)`);
  await knex.raw(`CREATE INDEX dossiers_result_at_final_timeliness_index ON dossiers (result_at, final_timeliness)`);
  await knex.raw(`DROP INDEX dossiers_result_at_timeliness_working_ms_index`);
  await knex.raw(`CREATE INDEX dossiers_procedure_code_index ON dossiers (procedure_code)`);
  await knex.raw(`CREATE INDEX dossier_events_occurred_at_index ON dossier_events (occurred_at)`);
  await knex.raw(`CREATE INDEX dossier_events_type_occurred_at_index ON dossier_events (type, occurred_at)`);
  await knex.raw(`DROP INDEX dossier_events_type_index`);
  await knex.raw(`DROP INDEX dossier_events_returned_at_index`);
}
