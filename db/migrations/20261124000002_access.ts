/**
 * Users, sessions (bearer tokens, stored hashed), idempotency keys for submissions, and rate-limit
 * buckets. All in the database so that several API instances share them.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  const pg = (knex.client as { config: { client: string } }).config.client === 'pg';
  const ts = (t: Knex.CreateTableBuilder, name: string) => (pg ? t.timestamp(name, { useTz: true }) : t.string(name, 30));

  await knex.schema.createTable('users', (t) => {
    t.string('username', 64).primary();
    t.string('full_name', 200).notNullable();
    t.string('password_hash', 256).notNullable();
    t.text('roles').notNullable(); // JSON array of role names
    t.string('unit', 64).notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.boolean('demo').notNullable().defaultTo(false);
    ts(t, 'password_changed_at').notNullable();
    ts(t, 'created_at').notNullable();
  });

  await knex.schema.createTable('sessions', (t) => {
    t.string('token_hash', 64).primary();
    t.string('username', 64).notNullable().references('username').inTable('users');
    ts(t, 'created_at').notNullable();
    ts(t, 'expires_at').notNullable();
    ts(t, 'revoked_at');
    t.index(['username']);
  });

  await knex.schema.createTable('idempotency_keys', (t) => {
    t.string('username', 64).notNullable();
    t.string('key', 128).notNullable();
    t.string('request_hash', 64).notNullable();
    t.string('dossier_code', 96).notNullable();
    ts(t, 'created_at').notNullable();
    t.primary(['username', 'key']);
  });

  await knex.schema.createTable('rate_limits', (t) => {
    t.string('bucket', 200).primary();
    ts(t, 'window_start').notNullable();
    t.integer('count').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['rate_limits', 'idempotency_keys', 'sessions', 'users']) await knex.schema.dropTableIfExists(table);
}
