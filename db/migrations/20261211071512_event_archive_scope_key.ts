/**
 * The archive's key carries the units that acted (issue 16; docs/engine.md, "An archive of closed dossiers' events"):
 * on PostgreSQL the primary key of `dossier_event_archive` becomes `(dossier_id) INCLUDE (actor_units)`. The access
 * filter of a unit's list (`whereInScope`, src/store/dossier-queries.ts) asks, beside the table's events, whether
 * the unit acted on an archived dossier; PostgreSQL answers it once per query as a hashed subplan over the archive,
 * which read the whole table, blobs and all (15,512 pages at 100k, 200-270 ms of a page's 280), and now reads the
 * key alone (Index Only Scan, 706 pages; bench/RESULTS.md, "The access filter over the archive"). ≈ 35 B more per
 * archived dossier. SQLite looks the archive row up per candidate dossier by its key (no scan): unchanged.
 */
import type { Knex } from 'knex';

const isPg = (knex: Knex) => (knex.client as { config: { client: string } }).config.client === 'pg';

export async function up(knex: Knex): Promise<void> {
  if (!isPg(knex)) return;
  await knex.raw(
    `ALTER TABLE dossier_event_archive DROP CONSTRAINT dossier_event_archive_pkey, ADD CONSTRAINT dossier_event_archive_pkey PRIMARY KEY (dossier_id) INCLUDE (actor_units)`,
  );
}

export async function down(knex: Knex): Promise<void> {
  if (!isPg(knex)) return;
  await knex.raw(
    `ALTER TABLE dossier_event_archive DROP CONSTRAINT dossier_event_archive_pkey, ADD CONSTRAINT dossier_event_archive_pkey PRIMARY KEY (dossier_id)`,
  );
}
