/**
 * Compliance metrics: the projection columns the SQL fast path aggregates (src/store/compliance-queries.ts),
 * filled at every commit from the chart snapshot by src/metrics/projection-extra.ts, plus indexes for
 * period queries (a period's received / resolved / returned / closed dossiers, alone or per procedure
 * or handling unit). Existing rows are not back-filled: the columns arrive before the first dossier.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  const pg = (knex.client as { config: { client: string } }).config.client === 'pg';
  await knex.schema.alterTable('dossiers', (t) => {
    if (pg) t.timestamp('first_apology_at', { useTz: true }).nullable();
    else t.string('first_apology_at', 30).nullable();
    /** the first apology was issued by its deadline (one working day before the due date by default) */
    t.boolean('apology_timely').nullable();
    t.string('return_method', 16).nullable();
    t.integer('rating').nullable();
    t.boolean('result_digitised').nullable();
    /** working time the office held the dossier, receipt → result, without supplement waits and pauses */
    t.bigInteger('result_working_ms').nullable();
    /** the office (and officer) of the procedure's handling step: the "unit" and "officer" groupings */
    t.string('handling_unit', 64).nullable();
    t.string('handling_officer', 64).nullable();
    t.index(['returned_at']);
    t.index(['state', 'closed_at']);
    t.index(['state', 'result_at']);
    t.index(['procedure_code', 'received_at']);
    t.index(['procedure_code', 'result_at']);
    t.index(['handling_unit', 'received_at']);
    t.index(['handling_unit', 'result_at']);
  });
  // The open dossiers (no result, not closed): few, whatever the history's size.
  await knex.raw('CREATE INDEX dossiers_open_received_at_index ON dossiers (received_at) WHERE result_at IS NULL AND closed_at IS NULL');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS dossiers_open_received_at_index');
  await knex.schema.alterTable('dossiers', (t) => {
    t.dropIndex(['returned_at']);
    t.dropIndex(['state', 'closed_at']);
    t.dropIndex(['state', 'result_at']);
    t.dropIndex(['procedure_code', 'received_at']);
    t.dropIndex(['procedure_code', 'result_at']);
    t.dropIndex(['handling_unit', 'received_at']);
    t.dropIndex(['handling_unit', 'result_at']);
    for (const c of [
      'first_apology_at',
      'apology_timely',
      'return_method',
      'rating',
      'result_digitised',
      'result_working_ms',
      'handling_unit',
      'handling_officer',
    ]) {
      t.dropColumn(c);
    }
  });
}
