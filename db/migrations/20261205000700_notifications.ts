/**
 * Applicant notifications (issue 15, docs/notifications.md):
 * - `notify_messages`: the message log, one row per message attempted: which dossier and message kind, the
 *   template version, the channel, the address masked, the subject and text sent, the outcome and the
 *   provider's answer. Pruned after the configured retention (`notify_settings`).
 * - `notify_settings`: one row (id 1): the settings every channel shares (the sender's name, the survey link,
 *   SMS length options, the log's retention). Each channel's own settings (SMTP server, SMS gateway, Zalo
 *   token and template ids) are its outbox subscriber's config (`outbox_subscribers`, kinds email/sms/zalo).
 */
import type { Knex } from 'knex';

const isPg = (knex: Knex) => (knex.client as { config: { client: string } }).config.client === 'pg';

export async function up(knex: Knex): Promise<void> {
  const pg = isPg(knex);
  const ts = (t: Knex.CreateTableBuilder, name: string) => (pg ? t.timestamp(name, { useTz: true }) : t.string(name, 30));
  await knex.schema.createTable('notify_messages', (t) => {
    t.bigIncrements('id').primary();
    ts(t, 'created_at').notNullable();
    /** the outbox delivery's idempotency key; null for an administrator's test message */
    t.string('delivery_key', 200);
    t.uuid('dossier_id');
    t.string('dossier_code', 64);
    t.string('kind', 32).notNullable();
    t.integer('template_version').notNullable();
    t.string('channel', 16).notNullable();
    t.string('address_masked', 254).notNullable();
    t.string('subject', 500);
    t.text('body').notNullable();
    /** sent, failed (will be retried), rejected (permanent) */
    t.string('status', 16).notNullable();
    t.text('provider_answer');
    t.string('actor', 64);
  });
  await knex.schema.alterTable('notify_messages', (t) => {
    t.index(['created_at'], 'notify_messages_created');
    t.index(['delivery_key', 'kind'], 'notify_messages_delivery');
  });
  await knex.schema.createTable('notify_settings', (t) => {
    t.integer('id').primary();
    t.text('config').notNullable();
    ts(t, 'updated_at').notNullable();
    t.string('updated_by', 64).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('notify_settings');
  await knex.schema.dropTableIfExists('notify_messages');
}
