/**
 * `upload_sessions` (db/migrations/20261207000100_upload_sessions.ts): resumable uploads under way. The row
 * says how many bytes were received and which stored parts hold them; a part is listed only once it is in
 * the store, by an UPDATE that also checks the offset it started from, so two chunks racing for the same
 * offset cannot both count.
 */
import type { Knex } from 'knex';
import { dialectOfKnex, inRetriedTransaction } from './db';
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

export interface NewUploadSession {
  id: string;
  createdBy: string;
  length: number;
  metadata: Record<string, string>;
  /** the dossier the upload is meant for, when the client named one */
  dossierCode: string | null;
  at: string;
  expiresAt: string;
}

/** The caps a new upload must stay within; `dossierHeld` is what the dossier's current documents already take. */
export interface UploadCaps {
  maxOpenSessions: number;
  maxOpenBytes: number;
  maxDossierBytes: number;
  dossierHeld: number;
}

/** Why a new upload was refused, with the figure that would pass its cap. */
export type UploadCapRefusal =
  | { cap: 'sessions'; limit: number; open: number }
  | { cap: 'bytes'; limit: number; open: number }
  | { cap: 'dossier'; limit: number; total: number };

const open = (db: Q, at: string) => db('upload_sessions').where('state', 'receiving').where('expires_at', '>', at);

/**
 * Inserts the session unless it would pass a cap: the user's open uploads (count and declared bytes), and, for
 * an upload meant for a dossier, what the dossier holds plus its open uploads plus this one. The check and the
 * insert are one transaction that holds the user's (then the dossier's) lock on PostgreSQL — SQLite has one
 * writer — so two creations racing for the last place cannot both get it. null when inserted. Database work only:
 * run again from its first lock on a PostgreSQL deadlock or serialization failure (inRetriedTransaction).
 */
export async function insertUploadSessionWithin(db: Knex, s: NewUploadSession, caps: UploadCaps): Promise<UploadCapRefusal | null> {
  return inRetriedTransaction(db, async (tx) => {
    if (dialectOfKnex(db) === 'postgres') {
      await tx.raw('select pg_advisory_xact_lock(hashtext(?))', [`upload_sessions:user:${s.createdBy}`]);
      if (s.dossierCode !== null) await tx.raw('select pg_advisory_xact_lock(hashtext(?))', [`upload_sessions:dossier:${s.dossierCode}`]);
    }
    const mine = (await open(tx, s.at).where('created_by', s.createdBy).count({ n: '*' }).sum({ bytes: 'length' }).first()) as
      { n: unknown; bytes: unknown } | undefined;
    const count = Number(mine?.n ?? 0);
    const bytes = Number(mine?.bytes ?? 0);
    if (count + 1 > caps.maxOpenSessions) return { cap: 'sessions', limit: caps.maxOpenSessions, open: count };
    if (bytes + s.length > caps.maxOpenBytes) return { cap: 'bytes', limit: caps.maxOpenBytes, open: bytes };
    if (s.dossierCode !== null) {
      const forDossier = (await open(tx, s.at).where('dossier_code', s.dossierCode).sum({ bytes: 'length' }).first()) as
        { bytes: unknown } | undefined;
      const total = caps.dossierHeld + Number(forDossier?.bytes ?? 0) + s.length;
      if (total > caps.maxDossierBytes) return { cap: 'dossier', limit: caps.maxDossierBytes, total };
    }
    await insertUploadSession(tx, s);
    return null;
  });
}

/** A new, empty session (no cap checked: insertUploadSessionWithin is how the service creates one). */
export async function insertUploadSession(
  db: Q,
  s: Omit<NewUploadSession, 'dossierCode'> & { dossierCode?: string | null },
): Promise<void> {
  await db('upload_sessions').insert({
    id: s.id,
    created_by: s.createdBy,
    length: s.length,
    received_bytes: 0,
    parts: '[]',
    metadata: JSON.stringify(s.metadata),
    dossier_code: s.dossierCode ?? null,
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
 * Lists a stored part and moves the offset past it, only if the session is still receiving at `part.start` and
 * has not expired at `at` (false otherwise: another chunk won, or the upload expired while the chunk was on its
 * way, and this part is a leftover). The expiry moves with every chunk.
 */
export async function commitUploadPart(db: Q, s: UploadSessionRow, part: UploadPart, at: string, expiresAt: string): Promise<boolean> {
  const n = await db('upload_sessions')
    .where({ id: s.id, state: 'receiving', received_bytes: part.start })
    .where('expires_at', '>', at)
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
