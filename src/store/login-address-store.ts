/**
 * login_addresses: where each account last signed in successfully, by SHA-256 of the client address.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { toIso } from './time';

const addressHash = (address: string) => createHash('sha256').update(address).digest('hex');

/** true when `username` signed in successfully from `address` at or after `since` (ISO instant). */
export async function isKnownLoginAddress(db: Knex, username: string, address: string, since: string): Promise<boolean> {
  const row = (await db('login_addresses')
    .where({ username, address_hash: addressHash(address) })
    .first('last_success_at')) as { last_success_at: unknown } | undefined;
  return row !== undefined && toIso(row.last_success_at) >= since;
}

/** Records a successful sign-in of `username` from `address` at `at` (ISO instant). */
export async function rememberLoginAddress(db: Knex, username: string, address: string, at: string): Promise<void> {
  await db('login_addresses')
    .insert({ username, address_hash: addressHash(address), last_success_at: at })
    .onConflict(['username', 'address_hash'])
    .merge({ last_success_at: at });
}
