/**
 * Three indexes that cost more than they serve (issue 16, storage per dossier; measured at 100k dossiers on
 * PostgreSQL in bench/RESULTS.md, "Event and document keys"). PostgreSQL only: on SQLite none is worth changing (an
 * event's id is the rowid, and SQLite has no hash index).
 * - dossier_events_pkey (id): no query finds an event by its id. Events are read by (dossier_id, seq), the
 *   table's real key (UNIQUE, both columns NOT NULL), and the change feed pages by (txid, id) through
 *   dossier_events_feed. The id stays, drawn from its sequence, for the feed's order; only its index goes.
 * - document_refs (sha256): the cleanup job's "is this file still referenced", the retention job's "who
 *   references this file" and the stray-file check's "is this hash known" are equality lookups only, which a
 *   hash index answers while storing a 4-byte hash code per row instead of the 64-character key.
 * - blobs (touched_at): read only by the cleanup job's candidates (`touched_at < cutoff`, in sha256 order with a
 *   limit), where nearly every file is older than the grace period, so the planner walks blobs_pkey in sha256
 *   order and filters (measured at 100k: the index was not used). Every other blobs access is by sha256.
 */
import type { Knex } from 'knex';

const isPg = (knex: Knex) => (knex.client as { config: { client: string } }).config.client === 'pg';

export async function up(knex: Knex): Promise<void> {
  if (!isPg(knex)) return;
  await knex.raw(`ALTER TABLE dossier_events DROP CONSTRAINT dossier_events_pkey`);
  await knex.raw(`DROP INDEX document_refs_sha256_index`);
  await knex.raw(`CREATE INDEX document_refs_sha256_index ON document_refs USING hash (sha256)`);
  await knex.raw(`DROP INDEX blobs_touched_at_index`);
}

export async function down(knex: Knex): Promise<void> {
  if (!isPg(knex)) return;
  await knex.raw(`CREATE INDEX blobs_touched_at_index ON blobs (touched_at)`);
  await knex.raw(`DROP INDEX document_refs_sha256_index`);
  await knex.raw(`CREATE INDEX document_refs_sha256_index ON document_refs (sha256)`);
  await knex.raw(`ALTER TABLE dossier_events ADD CONSTRAINT dossier_events_pkey PRIMARY KEY (id)`);
}
