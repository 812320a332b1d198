/** Idempotency keys of submissions: (user, key) → the request's hash and the dossier it created. */
import type { Knex } from 'knex';
import type { Statement } from './direct-sql';

export interface IdempotencyRecord {
  requestHash: string;
  dossierCode: string;
}

export async function findIdempotencyKey(db: Knex | Knex.Transaction, username: string, key: string): Promise<IdempotencyRecord | null> {
  const r = await db('idempotency_keys').where({ username, key }).first();
  return r ? { requestHash: String(r.request_hash), dossierCode: String(r.dossier_code) } : null;
}

/** A submission's idempotency key, written with the dossier (src/store/direct-sql.ts `runTogether`). */
export function idempotencyKeyStatement(rec: {
  username: string;
  key: string;
  requestHash: string;
  dossierCode: string;
  createdAt: string;
}): Statement {
  return {
    sql: 'INSERT INTO idempotency_keys (username, "key", request_hash, dossier_code, created_at) VALUES (?, ?, ?, ?, ?)',
    params: [rec.username, rec.key, rec.requestHash, rec.dossierCode, rec.createdAt],
  };
}
