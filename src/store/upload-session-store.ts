/**
 * `upload_sessions` (db/migrations/20261207000100_upload_sessions.ts): resumable uploads under way. The row
 * says how many bytes were received and which stored parts hold them; a part is listed only once it is in
 * the store, by an UPDATE that also checks the offset it started from, so two chunks racing for the same
 * offset cannot both count.
 */
import type { Knex } from 'knex';
import { toIso } from './time';

type Q = Knex | Knex.Transaction;

export interface UploadPart {
  start: number;
  size: number;
  key: string;
}

export interface UploadSessionRow {
  id: string;
  createdBy: string;
  length: number;
  received: number;
  parts: UploadPart[];
  metadata: Record<string, string>;
  state: 'receiving' | 'complete';
  sha256: string | null;
  mediaType: string | null;
  createdAt: string;
  expiresAt: string;
}

function sessionFromDb(r: Record<string, unknown>): UploadSessionRow {
  return {
    id: String(r.id),
    createdBy: String(r.created_by),
    length: Number(r.length),
    received: Number(r.received_bytes),
    parts: JSON.parse(String(r.parts)) as UploadPart[],
    metadata: JSON.parse(String(r.metadata)) as Record<string, string>,
    state: r.state as UploadSessionRow['state'],
    sha256: r.sha256 === null || r.sha256 === undefined ? null : String(r.sha256),
    mediaType: r.media_type === null || r.media_type === undefined ? null : String(r.media_type),
    createdAt: toIso(r.created_at),
    expiresAt: toIso(r.expires_at),
  };
}

export async function insertUploadSession(
  db: Q,
  s: { id: string; createdBy: string; length: number; metadata: Record<string, string>; at: string; expiresAt: string },
): Promise<void> {
  await db('upload_sessions').insert({
    id: s.id,
    created_by: s.createdBy,
    length: s.length,
    received_bytes: 0,
    parts: '[]',
    metadata: JSON.stringify(s.metadata),
    state: 'receiving',
    created_at: s.at,
    updated_at: s.at,
    expires_at: s.expiresAt,
  });
}

export async function findUploadSession(db: Q, id: string): Promise<UploadSessionRow | null> {
  const r = await db('upload_sessions').where({ id }).first();
  return r ? sessionFromDb(r as Record<string, unknown>) : null;
}

/**
 * Lists a stored part and moves the offset past it, only if the session is still receiving at `part.start`
 * (false otherwise: another chunk won, and this part is a leftover). The expiry moves with every chunk.
 */
export async function commitUploadPart(db: Q, s: UploadSessionRow, part: UploadPart, at: string, expiresAt: string): Promise<boolean> {
  const n = await db('upload_sessions')
    .where({ id: s.id, state: 'receiving', received_bytes: part.start })
    .update({
      received_bytes: part.start + part.size,
      parts: JSON.stringify([...s.parts, part]),
      updated_at: at,
      expires_at: expiresAt,
    });
  return Number(n) === 1;
}

/** The upload's bytes are stored as a blob (hash and type known): the session answers them until it expires. */
export async function completeUploadSession(db: Q, id: string, done: { sha256: string; mediaType: string; at: string }): Promise<void> {
  await db('upload_sessions')
    .where({ id })
    .update({ state: 'complete', sha256: done.sha256, media_type: done.mediaType, parts: '[]', updated_at: done.at });
}

export async function deleteUploadSession(db: Q, id: string): Promise<boolean> {
  return Number(await db('upload_sessions').where({ id }).delete()) === 1;
}

/** Sessions past their expiry (the cleanup job removes them with their parts). */
export async function expiredUploadSessions(db: Q, now: string, limit: number): Promise<string[]> {
  const rows = (await db('upload_sessions').select('id').where('expires_at', '<', now).orderBy('id').limit(limit)) as { id: string }[];
  return rows.map((r) => String(r.id));
}

/** The ids among `ids` that have a session row (parts of the others are leftovers). */
export async function knownUploadSessions(db: Q, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = (await db('upload_sessions')
    .select('id')
    .whereIn('id', [...ids])) as { id: string }[];
  return new Set(rows.map((r) => String(r.id)));
}
