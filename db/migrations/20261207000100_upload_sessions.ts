/**
 * Resumable uploads (issue 14, the tus 1.0 protocol: docs/documents.md, "Resumable uploads").
 * `upload_sessions`: one row per upload under way, so that what was received survives a restart and any
 * instance can take the next chunk. The bytes themselves are parts in the document store (`parts`: a JSON
 * list of `{start, size, key}`, in order, contiguous from 0 to `received_bytes`); the row is the truth about
 * how much was received, a part the row does not list is a leftover. When the last byte arrives the parts are
 * read back in order, hashed and typed like a plain upload and stored as a blob: `sha256` and `media_type` are
 * set and `state` becomes `complete`. Rows past `expires_at` (with their parts) are removed by the cleanup job.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  const pg = (knex.client as { config: { client: string } }).config.client === 'pg';
  const ts = (t: Knex.CreateTableBuilder, name: string) => (pg ? t.timestamp(name, { useTz: true }) : t.string(name, 30));
  await knex.schema.createTable('upload_sessions', (t) => {
    t.string('id', 32).primary();
    t.string('created_by', 64).notNullable();
    t.bigInteger('length').notNullable();
    t.bigInteger('received_bytes').notNullable().defaultTo(0);
    t.text('parts').notNullable().defaultTo('[]');
    /** the client's Upload-Metadata, decoded: {key: value} as JSON */
    t.text('metadata').notNullable().defaultTo('{}');
    /** `receiving`, then `complete` */
    t.string('state', 16).notNullable().defaultTo('receiving');
    t.string('sha256', 64).nullable();
    t.string('media_type', 64).nullable();
    ts(t, 'created_at').notNullable();
    ts(t, 'updated_at').notNullable();
    ts(t, 'expires_at').notNullable();
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('upload_sessions');
}
