/**
 * `record_views`: every time a staff member opens an applicant's full record (GET /api/dossiers/{code}
 * with the unmasked ID number, phone and address), who did it, from which unit, and when. Append-only;
 * auditors read it through GET /api/audit/record-views. Indexed for the auditor's three questions:
 * by dossier, by user, by time.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  const pg = (knex.client as { config: { client: string } }).config.client === 'pg';
  await knex.schema.createTable('record_views', (t) => {
    t.bigIncrements('id').primary();
    t.string('dossier_code', 96).notNullable();
    t.string('username', 64).notNullable();
    t.string('unit', 64).notNullable();
    if (pg) t.timestamp('viewed_at', { useTz: true }).notNullable();
    else t.string('viewed_at', 30).notNullable();
    t.index(['dossier_code', 'id']);
    t.index(['username', 'id']);
    t.index(['viewed_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('record_views');
}
