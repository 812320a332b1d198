/**
 * `blobs.unattached`: true from an upload until an event comes to reference the file, so the cleanup job's
 * search for files nobody references reads the few uploads not yet attached (a partial index on `touched_at`
 * WHERE unattached) instead of every file the store holds and each one's references (20–50 s at 100k dossiers
 * under load, ≈ 10× at 1M, every run). The flag only narrows the search: the job still marks a file `deleting`
 * only where no live reference holds it (src/store/document-store.ts, `markUnreferencedBlobs`), so a flag left
 * true costs a re-check, never a file.
 *
 * Backfilled here: a row is unattached when no reference holds it (none, or each recorded deleted by the
 * retention job in `document_deletions`). Frozen SQL: this migration must not change when live code does.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('blobs', (t) => {
    t.boolean('unattached').notNullable().defaultTo(false);
  });
  await knex.raw(
    `UPDATE blobs SET unattached = ? WHERE NOT EXISTS (
    SELECT 1 FROM document_refs r WHERE r.sha256 = blobs.sha256 AND NOT EXISTS (
      SELECT 1 FROM document_deletions x
      WHERE x.dossier_id = r.dossier_id AND x.document_id = r.document_id AND x.document_version = r.document_version))`,
    [true],
  );
  await knex.raw(`CREATE INDEX blobs_unattached_touched_at ON blobs (touched_at) WHERE unattached`);
  // Until autovacuum analyses the table, PostgreSQL's planner would take its old estimate of the flag for every
  // row and walk the primary key instead (1.1–2.4 s at 100k against 10 ms once analysed).
  if ((knex.client as { config: { client: string } }).config.client === 'pg') await knex.raw('ANALYZE blobs');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP INDEX blobs_unattached_touched_at`);
  await knex.schema.alterTable('blobs', (t) => {
    t.dropColumn('unattached');
  });
}
