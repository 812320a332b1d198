/**
 * `blobs` and `document_refs` (db/migrations/20261205000800_documents.ts): which files the store holds and
 * which dossier events reference them.
 */
import type { Knex } from 'knex';
import { toIso } from './time';
import { dossierRowFromDb, type DossierRow } from './dossier-store';
import type { DeletionRecord } from '../../machines/documents/retention';
import { placeholders, type Statement } from './direct-sql';

type Q = Knex | Knex.Transaction;

export interface BlobRow {
  sha256: string;
  size: number;
  mediaType: string;
  createdAt: string;
  createdBy: string;
  touchedAt: string;
  state: 'stored' | 'deleting';
}

function blobFromDb(r: Record<string, unknown>): BlobRow {
  return {
    sha256: String(r.sha256),
    size: Number(r.size),
    mediaType: String(r.media_type),
    createdAt: toIso(r.created_at),
    createdBy: String(r.created_by),
    touchedAt: toIso(r.touched_at),
    state: r.state as BlobRow['state'],
  };
}

export async function findBlob(db: Q, sha256: string): Promise<BlobRow | null> {
  const r = await db('blobs').where({ sha256 }).first();
  return r ? blobFromDb(r as Record<string, unknown>) : null;
}

/**
 * Records a completed upload, or marks an existing row stored and touched now (the same bytes uploaded again,
 * perhaps while the cleanup job was removing them: it then keeps the row, and the caller puts the file back).
 * Either way the row is `unattached` until an event references it (`touchBlob`): the cleanup job looks there.
 */
export async function upsertBlob(db: Q, b: { sha256: string; size: number; mediaType: string; at: string; by: string }): Promise<void> {
  await db('blobs')
    .insert({
      sha256: b.sha256,
      size: b.size,
      media_type: b.mediaType,
      created_at: b.at,
      created_by: b.by,
      touched_at: b.at,
      state: 'stored',
      unattached: true,
    })
    .onConflict('sha256')
    .merge({ touched_at: b.at, state: 'stored', unattached: true });
}

/**
 * Inside an event's transaction: the blob is still there and now referenced. False when the cleanup job has
 * removed it (or is removing it): the upload expired and the event must not reference it.
 */
export async function touchBlob(tx: Q, sha256: string, at: string): Promise<boolean> {
  const n = await tx('blobs').where({ sha256, state: 'stored' }).update({ touched_at: at, unattached: false });
  return Number(n) === 1;
}

export interface DocumentRefRow {
  dossierId: string;
  seq: number;
  documentId: string;
  documentVersion: number;
  sha256: string;
  size: number;
  mediaType: string;
  kind: string;
  at: string;
}

const REF_COLUMNS = ['dossier_id', 'seq', 'document_id', 'document_version', 'sha256', 'size', 'media_type', 'kind', 'at'] as const;

const refColumns = (r: DocumentRefRow): Record<(typeof REF_COLUMNS)[number], unknown> => ({
  dossier_id: r.dossierId,
  seq: r.seq,
  document_id: r.documentId,
  document_version: r.documentVersion,
  sha256: r.sha256,
  size: r.size,
  media_type: r.mediaType,
  kind: r.kind,
  at: r.at,
});

/** The document_refs rows' insert, to be run with a transaction's other writes (src/store/direct-sql.ts `runTogether`); null for none. */
export function documentRefsStatement(refs: readonly DocumentRefRow[]): Statement | null {
  if (refs.length === 0) return null;
  return {
    sql: `INSERT INTO document_refs (${REF_COLUMNS.join(', ')}) VALUES ${refs.map(() => placeholders(REF_COLUMNS.length)).join(', ')}`,
    params: refs.flatMap((r) => {
      const row = refColumns(r);
      return REF_COLUMNS.map((c) => row[c]);
    }),
  };
}

/** Every file a dossier's events reference (the per-dossier audit check). */
export async function documentRefsOf(db: Q, dossierId: string): Promise<DocumentRefRow[]> {
  const rows = (await db('document_refs').where({ dossier_id: dossierId }).orderBy('id')) as Record<string, unknown>[];
  return rows.map(refFromDb);
}

/** The document references of several dossiers (one query), by dossier id, in insertion order (the whole-database audit). */
export async function documentRefsOfDossiers(db: Q, dossierIds: readonly string[]): Promise<Map<string, DocumentRefRow[]>> {
  const out = new Map<string, DocumentRefRow[]>();
  if (dossierIds.length === 0) return out;
  const rows = (await db('document_refs')
    .whereIn('dossier_id', [...dossierIds])
    .orderBy('id')) as Record<string, unknown>[];
  for (const r of rows.map(refFromDb)) {
    const list = out.get(r.dossierId);
    if (list) list.push(r);
    else out.set(r.dossierId, [r]);
  }
  return out;
}

function refFromDb(r: Record<string, unknown>): DocumentRefRow {
  return refRow(r, true);
}

/** A raw document_refs row whose `at` was read as ISO-8601 text already (src/store/audit-pages.ts). */
export function refWithIsoInstant(r: Record<string, unknown>): DocumentRefRow {
  return refRow(r, false);
}

function refRow(r: Record<string, unknown>, convertInstant: boolean): DocumentRefRow {
  return {
    dossierId: String(r.dossier_id),
    seq: Number(r.seq),
    documentId: String(r.document_id),
    documentVersion: Number(r.document_version),
    sha256: String(r.sha256),
    size: Number(r.size),
    mediaType: String(r.media_type),
    kind: String(r.kind),
    at: convertInstant ? toIso(r.at) : String(r.at),
  };
}

/**
 * The retention job's deletion record of the document reference `r` (a `document_refs` row so aliased), for
 * `whereExists`/`whereNotExists`: a reference with such a record no longer holds its file.
 */
export const deletionOfRef = (db: Q) =>
  db('document_deletions as x')
    .select(db.raw('1'))
    .whereRaw('x.dossier_id = r.dossier_id and x.document_id = r.document_id and x.document_version = r.document_version');

/**
 * A reference holding the file of `blobs.sha256`: one no retention deletion record covers. A reference recorded
 * as deleted holds nothing, so the same bytes uploaded again afterwards (reviving the row) and never attached
 * are unreferenced like any upload.
 */
const liveRefToBlob = (db: Q) =>
  db('document_refs as r').select(db.raw('1')).whereRaw('r.sha256 = blobs.sha256').whereNotExists(deletionOfRef(db));

/**
 * The cleanup job's first step: blobs not touched since `cutoff` and held by no live reference (`liveRefToBlob`)
 * are marked `deleting` (an event touching one afterwards finds it gone). Returns their hashes.
 *
 * Only `unattached` rows are looked at (an upload no event has referenced since: the partial index
 * `blobs_unattached_touched_at`), not every file the store holds. A referenced file loses its last live reference
 * only through the retention job, which removes it itself, or revives it by an upload, which sets the flag again.
 * Rows flagged but referenced (bytes uploaded again that a dossier already holds) are cleared here first, so the
 * flagged set stays the uploads waiting for an event.
 */
export async function markUnreferencedBlobs(db: Q, cutoff: string, limit: number): Promise<string[]> {
  await db('blobs').whereRaw('unattached').where('touched_at', '<', cutoff).whereExists(liveRefToBlob(db)).update({ unattached: false });
  const candidates = (await db('blobs')
    .select('sha256')
    .whereRaw('unattached')
    .where('touched_at', '<', cutoff)
    .whereNotExists(liveRefToBlob(db))
    .orderBy('sha256')
    .limit(limit)) as { sha256: string }[];
  const marked: string[] = [];
  for (const { sha256 } of candidates) {
    // re-checked by the UPDATE itself: a concurrent touch or reference wins
    const n = await db('blobs')
      .where({ sha256 })
      .where('touched_at', '<', cutoff)
      .whereNotExists(liveRefToBlob(db))
      .update({ state: 'deleting' });
    if (Number(n) === 1) marked.push(sha256);
  }
  return marked;
}

/**
 * The last step of removing a file marked `deleting` (the cleanup and the retention jobs), in one transaction: the
 * index row goes only if it is still `deleting`, and the file is removed (`removeFile`) while that row's removal
 * is not yet committed. An upload of the same bytes writes the index row before the file (`upsertBlob`, then the
 * store's putFile), so it either came first, and then the row is `stored` again and the file stays, or it waits
 * for this transaction (the row's lock on PostgreSQL, the one writer on SQLite) and puts the file back after it.
 * A removal that fails rolls back: the row stays `deleting`, for the next run. False when the row was revived
 * (or is gone): nothing was removed. Not run again on a PostgreSQL deadlock (inRetriedTransaction): the closure
 * removes a file, which a second run must not be trusted to redo; the job's next run finishes it.
 */
export async function removeMarkedBlob(db: Knex, sha256: string, removeFile: () => Promise<void>): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (Number(await tx('blobs').where({ sha256, state: 'deleting' }).delete()) !== 1) return false;
    await removeFile();
    return true;
  });
}

/**
 * The hashes among `hashes` that have a blobs row or that a live reference names (the cleanup job keeps their
 * files: a referenced file whose index row went missing is still never a stray; one whose every reference the
 * retention job recorded as deleted is).
 */
export async function knownBlobs(db: Q, hashes: readonly string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const rows = (await db('blobs')
    .select('sha256')
    .whereIn('sha256', [...hashes])
    .union((q) =>
      q
        .select('r.sha256')
        .from('document_refs as r')
        .whereIn('r.sha256', [...hashes])
        .whereNotExists(deletionOfRef(db)),
    )) as { sha256: string }[];
  return new Set(rows.map((r) => r.sha256));
}

/** The hashes among `hashes` whose file is stored and may be referenced (not being removed, not deleted by retention). */
export async function storedBlobs(db: Q, hashes: readonly string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const rows = (await db('blobs')
    .select('sha256')
    .whereIn('sha256', [...new Set(hashes)])
    .where({ state: 'stored' })) as { sha256: string }[];
  return new Set(rows.map((r) => r.sha256));
}

/** Bytes of the current documents of a dossier (the per-dossier limit): the newest version of each document. */
export async function dossierDocumentBytes(db: Q, dossierId: string): Promise<number> {
  const rows = (await db('document_refs').where({ dossier_id: dossierId }).select('document_id', 'document_version', 'size')) as {
    document_id: string;
    document_version: unknown;
    size: unknown;
  }[];
  const latest = new Map<string, { v: number; size: number }>();
  for (const r of rows) {
    const v = Number(r.document_version);
    const known = latest.get(r.document_id);
    if (!known || v > known.v) latest.set(r.document_id, { v, size: Number(r.size) });
  }
  return [...latest.values()].reduce((s, x) => s + x.size, 0);
}

/** The applicant's other dossiers (by ID number), newest first: where documents for reuse come from. */
export async function findEarlierDossiersOfApplicant(db: Q, idNumber: string, exceptId: string, limit: number): Promise<DossierRow[]> {
  const rows = (await db('dossiers')
    .where({ applicant_id_number: idNumber })
    .whereNot({ id: exceptId })
    .orderBy('submitted_at', 'desc')
    .limit(limit)) as Record<string, unknown>[];
  return rows.map(dossierRowFromDb);
}

/**
 * A page of document references with their dossier codes, by id (the whole-database file check), each with the
 * retention job's deletion record of that reference when the log has one.
 */
export async function referencedFilesPage(
  db: Q,
  afterId: number,
  limit: number,
): Promise<
  { id: number; dossierCode: string; seq: number; documentId: string; sha256: string; size: number; deletion: DeletionRecord | null }[]
> {
  const rows = (await db('document_refs as r')
    .join('dossiers as d', 'd.id', 'r.dossier_id')
    .leftJoin('document_deletions as x', function () {
      this.on('x.dossier_id', 'r.dossier_id').andOn('x.document_id', 'r.document_id').andOn('x.document_version', 'r.document_version');
    })
    .select(
      'r.id',
      'd.code',
      'r.seq',
      'r.document_id',
      'r.sha256',
      'r.size',
      'x.seq as x_seq',
      'x.sha256 as x_sha256',
      'x.dossier_id as x_dossier_id',
      'x.dossier_code as x_dossier_code',
      'x.document_id as x_document_id',
      'x.document_version as x_document_version',
      'x.rule as x_rule',
      'x.reason as x_reason',
      'x.at as x_at',
      'x.prev_hash as x_prev_hash',
      'x.hash as x_hash',
    )
    .where('r.id', '>', afterId)
    .orderBy('r.id')
    .limit(limit)) as Record<string, unknown>[];
  return rows.map((r) => ({
    id: Number(r.id),
    dossierCode: String(r.code),
    seq: Number(r.seq),
    documentId: String(r.document_id),
    sha256: String(r.sha256),
    size: Number(r.size),
    deletion:
      r.x_seq === null || r.x_seq === undefined
        ? null
        : {
            seq: Number(r.x_seq),
            sha256: String(r.x_sha256),
            dossierId: String(r.x_dossier_id),
            dossierCode: String(r.x_dossier_code),
            documentId: String(r.x_document_id),
            documentVersion: Number(r.x_document_version),
            rule: String(r.x_rule),
            reason: String(r.x_reason),
            at: toIso(r.x_at),
            prevHash: String(r.x_prev_hash),
            hash: String(r.x_hash),
          },
  }));
}
