/**
 * `login_addresses`: the client addresses (SHA-256, never the address itself) from which each account
 * last signed in successfully. The login throttle lets a known address past the per-account lock, so a
 * stranger who types wrong passwords for `admin` cannot lock the real admin out of the office
 * (src/services/auth/auth-service.ts, docs/deploy.md).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  const pg = (knex.client as { config: { client: string } }).config.client === 'pg';
  await knex.schema.createTable('login_addresses', (t) => {
    t.string('username', 64).notNullable();
    t.string('address_hash', 64).notNullable();
    if (pg) t.timestamp('last_success_at', { useTz: true }).notNullable();
    else t.string('last_success_at', 30).notNullable();
    t.primary(['username', 'address_hash']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('login_addresses');
}
