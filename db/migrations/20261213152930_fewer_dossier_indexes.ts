/**
 * Fewer and narrower indexes on `dossiers` (issue 16, write cost): a transition's UPDATE changes `state`, so it is
 * never HOT on PostgreSQL and inserts a new entry into every index of the table whose predicate the new row meets, and
 * every statement on `dossiers` opens and locks each index. Which query reads which index, and the plans and timings
 * of every query that read a dropped or narrowed one at 100k dossiers on PostgreSQL and SQLite, are in
 * docs/dossier-indexes.md and bench/RESULTS.md ("Fewer indexes on dossiers"). 28 → 25 indexes:
 * - dropped, no query can read them: (applicant_phone) — the list's free-text search ORs it with `applicant_name
 *   ILIKE '%…%'`, which no index serves, so that search reads the table with or without it; (intake_due_by) WHERE
 *   intake_due_by IS NOT NULL — the only query on intake_due_by also says `intake_answered_at IS NULL`, the partial
 *   `dossiers_intake_waiting_index`.
 * - dropped, the other (state, …) indexes serve its queries: (state, result_at). What read it (results not collected by
 *   officer, channel or field; the weekly review's open overdue section) selects among the dossiers of a few states —
 *   the open ones, or those with a result not collected — through (state, original_due_at) or (state, due_at) now.
 *   Those two stay: (state, due_at) is the order of a list by due date of one state (the inbox; at 1M dossiers an
 *   ordered walk of it, docs/explain-1m.md), and without (state, original_due_at) SQLite, which knows only each
 *   index's average rows per key, read one unit's late dossiers through (handling_unit, result_at) in a variant
 *   measured (docs/dossier-indexes.md).
 * - narrowed to the rows that have the column (every query on it compares it, which implies IS NOT NULL):
 *   (returned_at) and (state, closed_at). A dossier has neither until its result is returned or it is withdrawn or
 *   refused at intake, so the updates before that insert into neither. The (…, result_at) indexes stay whole: SQLite
 *   reads the open dossiers of one procedure or unit through them (result_at IS NULL).
 * The same on SQLite.
 */
import type { Knex } from 'knex';

/** The indexes dropped, with their definition (to recreate them on the way down). */
const DROPPED: [name: string, definition: string][] = [
  ['dossiers_applicant_phone_index', '(applicant_phone)'],
  ['dossiers_intake_due_by_index', '(intake_due_by) WHERE intake_due_by IS NOT NULL'],
  ['dossiers_state_result_at_index', '(state, result_at)'],
];

/** The indexes narrowed to the rows whose column is set: name, columns, the column. */
const NARROWED: [name: string, columns: string, column: string][] = [
  ['dossiers_returned_at_index', '(returned_at)', 'returned_at'],
  ['dossiers_state_closed_at_index', '(state, closed_at)', 'closed_at'],
];

export async function up(knex: Knex): Promise<void> {
  for (const [name] of DROPPED) await knex.raw(`DROP INDEX ${name}`);
  for (const [name, columns, column] of NARROWED) {
    await knex.raw(`DROP INDEX ${name}`);
    await knex.raw(`CREATE INDEX ${name} ON dossiers ${columns} WHERE ${column} IS NOT NULL`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const [name, columns] of NARROWED) {
    await knex.raw(`DROP INDEX ${name}`);
    await knex.raw(`CREATE INDEX ${name} ON dossiers ${columns}`);
  }
  for (const [name, definition] of DROPPED) await knex.raw(`CREATE INDEX ${name} ON dossiers ${definition}`);
}
