/**
 * Limits on resumable uploads at creation (issue 14): `upload_sessions.dossier_code` is the dossier an upload is
 * meant for when the client named one (Upload-Metadata `dossier`), so the per-dossier size limit counts the
 * dossier's open uploads beside what it already holds; the indexes serve the per-user cap on open uploads
 * (MOTCUA_UPLOAD_MAX_OPEN_SESSIONS, MOTCUA_UPLOAD_MAX_OPEN_BYTES) and the per-dossier sum.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('upload_sessions', (t) => {
    t.string('dossier_code', 64).nullable();
    t.index(['created_by', 'state']);
    t.index(['dossier_code', 'state']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('upload_sessions', (t) => {
    t.dropIndex(['dossier_code', 'state']);
    t.dropIndex(['created_by', 'state']);
    t.dropColumn('dossier_code');
  });
}
