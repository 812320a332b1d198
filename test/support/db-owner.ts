/**
 * What a database owner can do and the application cannot: drop the triggers that keep the hash-chained
 * logs append-only (db/migrations/20261204000402_append_only.ts), to tamper with history on purpose and
 * show that the audit still catches it. Idempotent; only for the suite's own database.
 */
import type { Knex } from 'knex';
import { down as dropAppendOnlyTriggers } from '../../db/migrations/20261204000402_append_only';

export async function asDatabaseOwner(db: Knex): Promise<void> {
  await dropAppendOnlyTriggers(db);
}
