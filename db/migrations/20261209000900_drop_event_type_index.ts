/**
 * dossier_events (type) dropped: it served only GET /metrics' count of every event by type, which now counts the
 * events each process commits as they commit (src/observability/prometheus.ts; a scrape no longer reads the
 * history, which cost ≈ 275 ms per scrape at 100k dossiers). No other query reads events by type alone: the
 * monthly report's returned results read the partial (type, occurred_at) WHERE type = 'RETURN_RESULT' index.
 * One index fewer to maintain on every appended event, and its pages out of the storage per dossier.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`DROP INDEX dossier_events_type_index`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`CREATE INDEX dossier_events_type_index ON dossier_events (type)`);
}
