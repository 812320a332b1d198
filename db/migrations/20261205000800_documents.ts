/**
 * Dossier documents (issue 14).
 * - `blobs`: every file the store holds, by content hash (SHA-256), with its size and the media type its
 *   bytes showed. A row is written when an upload completes; `touched_at` moves whenever an event comes to
 *   reference it, so the cleanup job only ever removes files nobody referenced for its grace period.
 * - `document_refs`: which dossier event references which file (written in the event's own transaction):
 *   the cleanup job's "still referenced" and the auditor's "every referenced file exists and has its hash".
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  const pg = (knex.client as { config: { client: string } }).config.client === 'pg';
  const ts = (t: Knex.CreateTableBuilder, name: string) => (pg ? t.timestamp(name, { useTz: true }) : t.string(name, 30));
  await knex.schema.createTable('blobs', (t) => {
    t.string('sha256', 64).primary();
    t.bigInteger('size').notNullable();
    t.string('media_type', 64).notNullable();
    ts(t, 'created_at').notNullable();
    t.string('created_by', 64).notNullable();
    ts(t, 'touched_at').notNullable();
    /** `stored`, or `deleting` while the cleanup job removes the file */
    t.string('state', 16).notNullable().defaultTo('stored');
    t.index(['touched_at']);
  });
  await knex.schema.createTable('document_refs', (t) => {
    t.bigIncrements('id').primary();
    t.uuid('dossier_id').notNullable();
    t.integer('seq').notNullable();
    t.string('document_id', 16).notNullable();
    t.integer('document_version').notNullable();
    t.string('sha256', 64).notNullable();
    t.bigInteger('size').notNullable();
    t.string('media_type', 64).notNullable();
    t.string('kind', 16).notNullable();
    ts(t, 'at').notNullable();
    t.unique(['dossier_id', 'document_id', 'document_version']);
    t.index(['sha256']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('document_refs');
  await knex.schema.dropTableIfExists('blobs');
}
