/**
 * The transactional outbox (issue 15, docs/integration.md):
 * - `outbox_subscribers`: who is told (a webhook, the RabbitMQ exchange, the national portal, an applicant
 *   channel), of which event types (`outbox_subscriber_events`, '*' for all), and whether it is active.
 * - `outbox_deliveries`: one row per (subscriber, dossier event), inserted by the store's append path in the
 *   same transaction as the event, so nothing committed is untold and nothing rolled back is told. State
 *   `pending` (next_attempt_at: when it may be tried, also the lease of an attempt in flight), `sent`, `dead`
 *   (attempts exhausted; holds back that dossier's later deliveries to the subscriber) or `discarded`.
 * - `outbox_actions`: every administrator's retry or discard of a dead letter (who, when, why).
 * - On PostgreSQL `dossier_events.txid` (xid8, the writing transaction's id) lets the change feed page in an
 *   order that never skips a row committed late (docs/integration.md, "Change feed"); rows written before this
 *   migration read as 0. SQLite has one writer, so there the id order is the commit order.
 */
import type { Knex } from 'knex';

const isPg = (knex: Knex) => (knex.client as { config: { client: string } }).config.client === 'pg';

export async function up(knex: Knex): Promise<void> {
  const pg = isPg(knex);
  const ts = (t: Knex.CreateTableBuilder, name: string) => (pg ? t.timestamp(name, { useTz: true }) : t.string(name, 30));
  await knex.schema.createTable('outbox_subscribers', (t) => {
    t.string('id', 64).primary();
    t.string('kind', 16).notNullable();
    t.string('name', 200).notNullable();
    t.text('config').notNullable();
    t.integer('active').notNullable().defaultTo(1);
    ts(t, 'created_at').notNullable();
    t.string('created_by', 64).notNullable();
  });
  await knex.schema.createTable('outbox_subscriber_events', (t) => {
    t.string('subscriber_id', 64).notNullable().references('id').inTable('outbox_subscribers');
    t.string('event_type', 32).notNullable();
    t.primary(['subscriber_id', 'event_type']);
  });
  await knex.schema.createTable('outbox_deliveries', (t) => {
    t.bigIncrements('id').primary();
    t.string('subscriber_id', 64).notNullable();
    t.uuid('dossier_id').notNullable();
    t.integer('seq').notNullable();
    t.string('event_type', 32).notNullable();
    t.string('state', 12).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    ts(t, 'created_at').notNullable();
    ts(t, 'next_attempt_at').notNullable();
    ts(t, 'sent_at');
    t.text('last_error');
    t.text('provider_answer');
    t.unique(['subscriber_id', 'dossier_id', 'seq']);
  });
  // what a dispatcher claims: a subscriber's pending rows that are due
  await knex.raw(`CREATE INDEX outbox_deliveries_due ON outbox_deliveries (subscriber_id, next_attempt_at) WHERE state = 'pending'`);
  // the per-channel figures and the dead-letter list
  await knex.raw(`CREATE INDEX outbox_deliveries_open ON outbox_deliveries (subscriber_id, state, created_at) WHERE state <> 'sent'`);
  await knex.schema.createTable('outbox_actions', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('delivery_id').notNullable();
    t.string('action', 16).notNullable();
    t.string('actor', 64).notNullable();
    t.string('note', 500);
    ts(t, 'at').notNullable();
  });
  if (pg) {
    // constant default first (no table rewrite), then the per-transaction default for new rows
    await knex.raw(`ALTER TABLE dossier_events ADD COLUMN txid xid8 NOT NULL DEFAULT '0'`);
    await knex.raw(`ALTER TABLE dossier_events ALTER COLUMN txid SET DEFAULT pg_current_xact_id()`);
    await knex.raw(`CREATE INDEX dossier_events_feed ON dossier_events (txid, id)`);
  }
}

export async function down(knex: Knex): Promise<void> {
  if (isPg(knex)) {
    await knex.raw(`DROP INDEX IF EXISTS dossier_events_feed`);
    await knex.raw(`ALTER TABLE dossier_events DROP COLUMN IF EXISTS txid`);
  }
  await knex.schema.dropTableIfExists('outbox_actions');
  await knex.schema.dropTableIfExists('outbox_deliveries');
  await knex.schema.dropTableIfExists('outbox_subscriber_events');
  await knex.schema.dropTableIfExists('outbox_subscribers');
}
