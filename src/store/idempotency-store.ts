/** Idempotency keys of submissions: (user, key) → the request's hash and the dossier it created. */
import type { Knex } from 'knex';

export interface IdempotencyRecord {
  requestHash: string;
  dossierCode: string;
}

export async function findIdempotencyKey(db: Knex | Knex.Transaction, username: string, key: string): Promise<IdempotencyRecord | null> {
  const r = await db('idempotency_keys').where({ username, key }).first();
  return r ? { requestHash: String(r.request_hash), dossierCode: String(r.dossier_code) } : null;
}

/** Fails with a unique violation when a concurrent request stored the same key first. */
export async function insertIdempotencyKey(
  tx: Knex.Transaction,
  rec: { username: string; key: string; requestHash: string; dossierCode: string; createdAt: string },
): Promise<void> {
  await tx('idempotency_keys').insert({
    username: rec.username,
    key: rec.key,
    request_hash: rec.requestHash,
    dossier_code: rec.dossierCode,
    created_at: rec.createdAt,
  });
}
