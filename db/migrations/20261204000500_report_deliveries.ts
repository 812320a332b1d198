/**
 * `report_deliveries`: what became of each month's report to the Department of Home Affairs — every
 * download of it by a supervisor or leader, and the one "marked sent" record (who, when, an optional
 * note). Append-only. The dashboard reminds the supervisor of last month's report (due by the 3rd)
 * until there is a row for it. (month, kind='sent') is unique: it is marked sent once.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  const pg = (knex.client as { config: { client: string } }).config.client === 'pg';
  await knex.schema.createTable('report_deliveries', (t) => {
    t.bigIncrements('id').primary();
    t.string('month', 7).notNullable();
    t.string('kind', 16).notNullable();
    t.string('format', 8).nullable();
    t.string('note', 500).nullable();
    t.string('actor', 64).notNullable();
    if (pg) t.timestamp('at', { useTz: true }).notNullable();
    else t.string('at', 30).notNullable();
    t.index(['month', 'id']);
  });
  await knex.raw(`CREATE UNIQUE INDEX report_deliveries_sent_once ON report_deliveries (month) WHERE kind = 'sent'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('report_deliveries');
}
