/**
 * The retention job's queries (issue 14): closed dossiers that still have files, who references a file, and
 * the hash-chained deletion log (`document_deletions`, db/migrations/20261207000200_document_deletions.ts).
 */
import type { Knex } from 'knex';
import { deletionHash, DELETION_LOG_GENESIS, type DeletionRecord, type DeletionRecordContent } from '../../machines/documents/retention';
import { toIso, toIsoOrNull } from './time';
import { inRetriedTransaction } from './db';
import { deletionOfRef } from './document-store';

type Q = Knex | Knex.Transaction;

/** What the retention rule of a dossier depends on. */
export interface RetentionDossier {
  id: string;
  code: string;
  procedureCode: string;
  procedureVersion: number;
  closedAt: string | null;
}

function dossierFromDb(r: Record<string, unknown>): RetentionDossier {
  return {
    id: String(r.id),
    code: String(r.code),
    procedureCode: String(r.procedure_code),
    procedureVersion: Number(r.procedure_version),
    closedAt: toIsoOrNull(r.closed_at),
  };
}

/** A page of closed dossiers (by id, after `afterId`) with at least one document reference not yet deleted. */
export async function closedDossiersWithFiles(db: Q, afterId: string | null, limit: number): Promise<RetentionDossier[]> {
  const q = db('dossiers as d')
    .select('d.id', 'd.code', 'd.procedure_code', 'd.procedure_version', 'd.closed_at')
    .whereNotNull('d.closed_at')
    .whereExists(db('document_refs as r').select(db.raw('1')).whereRaw('r.dossier_id = d.id').whereNotExists(deletionOfRef(db)))
    .orderBy('d.id')
    .limit(limit);
  if (afterId) q.where('d.id', '>', afterId);
  return ((await q) as Record<string, unknown>[]).map(dossierFromDb);
}

export interface LiveRef {
  dossierId: string;
  documentId: string;
  documentVersion: number;
  sha256: string;
}

/** The document references of these dossiers whose file no deletion record covers yet. */
export async function liveRefsOf(db: Q, dossierIds: readonly string[]): Promise<LiveRef[]> {
  if (dossierIds.length === 0) return [];
  const rows = (await db('document_refs as r')
    .select('r.dossier_id', 'r.document_id', 'r.document_version', 'r.sha256')
    .whereIn('r.dossier_id', [...dossierIds])
    .whereNotExists(deletionOfRef(db))
    .orderBy('r.id')) as Record<string, unknown>[];
  return rows.map((r) => ({
    dossierId: String(r.dossier_id),
    documentId: String(r.document_id),
    documentVersion: Number(r.document_version),
    sha256: String(r.sha256),
  }));
}

/** Every reference to a file, with its dossier (reuse shares one file across dossiers), deleted or not. */
export async function referencesToFile(db: Q, sha256: string): Promise<(LiveRef & { dossier: RetentionDossier; deleted: boolean })[]> {
  const rows = (await db('document_refs as r')
    .join('dossiers as d', 'd.id', 'r.dossier_id')
    .leftJoin('document_deletions as x', function () {
      this.on('x.dossier_id', 'r.dossier_id').andOn('x.document_id', 'r.document_id').andOn('x.document_version', 'r.document_version');
    })
    .select(
      'r.dossier_id',
      'r.document_id',
      'r.document_version',
      'r.sha256',
      'd.id',
      'd.code',
      'd.procedure_code',
      'd.procedure_version',
      'd.closed_at',
      'x.seq as deletion_seq',
    )
    .where('r.sha256', sha256)
    .orderBy('r.id')) as Record<string, unknown>[];
  return rows.map((r) => ({
    dossierId: String(r.dossier_id),
    documentId: String(r.document_id),
    documentVersion: Number(r.document_version),
    sha256: String(r.sha256),
    dossier: dossierFromDb(r),
    deleted: r.deletion_seq !== null && r.deletion_seq !== undefined,
  }));
}

/**
 * Inside the deletion's transaction, first: the file's index row is marked `deleting`, so an event that would
 * reference it from now on finds it gone (upload_expired), and an event doing so right now holds the row until
 * it commits (PostgreSQL), after which the caller re-reads the references. Only a row untouched since `cutoff`
 * is marked: the same bytes uploaded (or referenced) since then are `recent`, and their uploader was promised
 * the grace period to attach them. `busy` when another job is removing the file.
 */
export async function markBlobForRetention(tx: Q, sha256: string, cutoff: string): Promise<'marked' | 'no_row' | 'busy' | 'recent'> {
  const n = Number(await tx('blobs').where({ sha256, state: 'stored' }).where('touched_at', '<', cutoff).update({ state: 'deleting' }));
  if (n === 1) return 'marked';
  const row = (await tx('blobs').where({ sha256 }).first()) as { state: string } | undefined;
  if (!row) return 'no_row';
  return row.state === 'stored' ? 'recent' : 'busy';
}

/** Files a deletion record covers whose index row is still `deleting`: a run stopped before removing them. */
export async function unfinishedRetentionDeletes(db: Q): Promise<string[]> {
  const rows = (await db('blobs as b')
    .select('b.sha256')
    .where('b.state', 'deleting')
    .whereExists(db('document_deletions as x').select(db.raw('1')).whereRaw('x.sha256 = b.sha256'))
    .orderBy('b.sha256')) as { sha256: string }[];
  return rows.map((r) => r.sha256);
}

function recordFromDb(r: Record<string, unknown>): DeletionRecord {
  return {
    seq: Number(r.seq),
    sha256: String(r.sha256),
    dossierId: String(r.dossier_id),
    dossierCode: String(r.dossier_code),
    documentId: String(r.document_id),
    documentVersion: Number(r.document_version),
    rule: String(r.rule),
    reason: String(r.reason),
    at: toIso(r.at),
    prevHash: String(r.prev_hash),
    hash: String(r.hash),
  };
}

/** The log's last record (its head), or null when nothing was ever deleted. */
export async function lastDeletion(db: Q): Promise<DeletionRecord | null> {
  const r = await db('document_deletions').orderBy('seq', 'desc').first();
  return r ? recordFromDb(r as Record<string, unknown>) : null;
}

/** How many records the log holds, and the hash of its last one (the genesis hash when empty): what a checkpoint anchors. */
export async function deletionLogHead(db: Q): Promise<{ count: number; hash: string }> {
  const [row] = await db('document_deletions').count({ n: '*' });
  const last = await lastDeletion(db);
  return { count: Number((row as { n: unknown } | undefined)?.n ?? 0), hash: last?.hash ?? DELETION_LOG_GENESIS };
}

/** The hash of record `seq`, or null when the log has no such record. */
export async function deletionHashAt(db: Q, seq: number): Promise<string | null> {
  const r = (await db('document_deletions').select('hash').where({ seq }).first()) as { hash: unknown } | undefined;
  return r ? String(r.hash) : null;
}

export async function insertDeletions(tx: Q, records: readonly DeletionRecord[]): Promise<void> {
  if (records.length === 0) return;
  await tx('document_deletions').insert(
    records.map((r) => ({
      seq: r.seq,
      sha256: r.sha256,
      dossier_id: r.dossierId,
      dossier_code: r.dossierCode,
      document_id: r.documentId,
      document_version: r.documentVersion,
      rule: r.rule,
      reason: r.reason,
      at: r.at,
      prev_hash: r.prevHash,
      hash: r.hash,
    })),
  );
}

/** A page of the log in seq order (the whole-database audit walks the chain). */
export async function deletionsPage(db: Q, afterSeq: number, limit: number): Promise<DeletionRecord[]> {
  const rows = (await db('document_deletions').where('seq', '>', afterSeq).orderBy('seq').limit(limit)) as Record<string, unknown>[];
  return rows.map(recordFromDb);
}

/** One dossier's deletion records (the per-dossier audit and the export). */
export async function deletionsOfDossier(db: Q, dossierId: string): Promise<DeletionRecord[]> {
  const rows = (await db('document_deletions').where({ dossier_id: dossierId }).orderBy('seq')) as Record<string, unknown>[];
  return rows.map(recordFromDb);
}

/** The deletion records of several dossiers (one query), by dossier id. */
export async function deletionsOfDossiers(db: Q, dossierIds: readonly string[]): Promise<Map<string, DeletionRecord[]>> {
  const out = new Map<string, DeletionRecord[]>();
  if (dossierIds.length === 0) return out;
  const rows = (await db('document_deletions')
    .whereIn('dossier_id', [...dossierIds])
    .orderBy('seq')) as Record<string, unknown>[];
  for (const r of rows.map(recordFromDb)) out.set(r.dossierId, [...(out.get(r.dossierId) ?? []), r]);
  return out;
}

/** What a deletion records about one reference (the log adds seq, at and the hashes). */
export type PlannedDeletion = Omit<DeletionRecordContent, 'seq' | 'at'>;

/**
 * The retention job's step (1) for one file, in one transaction: marks its index row `deleting`, reads its
 * references again (an event that referenced it meanwhile has committed: it held the row), asks `decide`
 * which references to record (null: a dossier that must be kept references it, nothing changes), and appends
 * one chained record each to the log. Returns what was recorded ([] when nothing was: another job is removing
 * the file, or every reference already has its record; `recent` when the same bytes were uploaded or referenced
 * since `cutoff`). A concurrent append at the same seq fails with a
 * unique violation (the caller retries). `decide` must be pure (the job's is): the transaction is database work only,
 * run again from its first read on a PostgreSQL deadlock or serialization failure (inRetriedTransaction).
 */
export async function recordRetentionDeletion(
  db: Knex,
  sha256: string,
  at: string,
  cutoff: string,
  decide: (refs: Awaited<ReturnType<typeof referencesToFile>>) => PlannedDeletion[] | null,
): Promise<PlannedDeletion[] | null | 'recent'> {
  return inRetriedTransaction(db, async (tx) => {
    const mark = await markBlobForRetention(tx, sha256, cutoff);
    if (mark === 'busy') return [];
    if (mark === 'recent') return 'recent';
    const planned = decide(await referencesToFile(tx, sha256));
    if (planned === null || planned.length === 0) {
      if (mark === 'marked') await tx('blobs').where({ sha256, state: 'deleting' }).update({ state: 'stored' });
      return planned;
    }
    const head = await lastDeletion(tx);
    let prevHash = head?.hash ?? DELETION_LOG_GENESIS;
    let seq = head?.seq ?? 0;
    const records = planned.map((p): DeletionRecord => {
      seq += 1;
      const content = { seq, ...p, at };
      const hash = deletionHash(prevHash, content);
      const record = { ...content, prevHash, hash };
      prevHash = hash;
      return record;
    });
    await insertDeletions(tx, records);
    return planned;
  });
}
