/**
 * The documents half of the audit (issue 14): every file a dossier's events reference must still be in the
 * store with the size and SHA-256 the event recorded. The events are the truth (the hash chain covers the
 * hashes they carry); the store is read back, never trusted:
 * - `file_missing`: the store has no file under the recorded hash;
 * - `file_altered`: the stored bytes no longer hash to it (or no longer have the recorded size).
 * A per-dossier verification rehashes each file; the whole-database run checks presence and size, and with
 * `hashFiles` rehashes too (slower: every byte is read).
 *
 * The whole-database run reads the files from `document_refs`, a side table written in each event's
 * transaction; so every dossier's rows there are first compared with its events (`document_ref_drift`): a
 * row missing (the cleanup job would treat the file as unreferenced), added, or naming other bytes.
 *
 * Retention (src/jobs/document-retention.ts): a referenced file the retention job deleted has a record in the
 * hash-chained deletion log for that dossier, document and version. A missing file with an intact record is the
 * notice `file_deleted_by_retention` (naming the record), not `file_missing`; without one, or with a record whose
 * hash does not check out, it stays `file_missing`. A broken log (a record edited, removed, inserted or
 * reordered) is itself a finding, `deletion_log_broken`.
 */
import { filesOfEvent } from '../../machines/documents/rules';
import type { StoredEvent } from '../../machines/engine/event-codec';
import { rehash, type BlobStore } from '../store/blob-store';
import type { Db } from '../store/db';
import { referencedFilesPage, type DocumentRefRow } from '../store/document-store';
import { deletionsPage } from '../store/retention-store';
import { deletionLogBreaks, deletionRecordIntact, DELETION_LOG_GENESIS, type DeletionRecord } from '../../machines/documents/retention';
import type { Finding } from './verify-dossier';
export { FILE_FINDING_KINDS } from './verify-dossier';

type FileStatus = 'ok' | 'missing' | { altered: string };

async function checkFile(blobs: BlobStore, sha256: string, size: number, hashFiles: boolean): Promise<FileStatus> {
  if (!hashFiles) {
    const st = await blobs.stat(sha256);
    if (!st) return 'missing';
    return st.size === size ? 'ok' : { altered: `stored size ${st.size}, recorded ${size}` };
  }
  const got = await rehash(blobs, sha256);
  if (!got) return 'missing';
  if (got.sha256 !== sha256) return { altered: `stored bytes hash to ${got.sha256}` };
  return got.size === size ? 'ok' : { altered: `stored size ${got.size}, recorded ${size}` };
}

function finding(
  code: string,
  seq: number,
  documentId: string,
  sha256: string,
  status: Exclude<FileStatus, 'ok'>,
  deletion?: DeletionRecord | null,
): Finding {
  if (status === 'missing' && deletion && deletionRecordIntact(deletion))
    return {
      dossierCode: code,
      seq,
      kind: 'file_deleted_by_retention',
      message: `tài liệu ${documentId}: tệp ${sha256} đã được xóa khi hết thời hạn lưu trữ — bản ghi xóa số ${deletion.seq} lúc ${deletion.at}, ${deletion.rule} (document ${documentId}: file deleted by the retention job, deletion record ${deletion.seq})`,
    };
  return status === 'missing'
    ? {
        dossierCode: code,
        seq,
        kind: 'file_missing',
        message: `tài liệu ${documentId}: tệp ${sha256} không còn trong kho lưu trữ (document ${documentId}: file missing from the store)`,
      }
    : {
        dossierCode: code,
        seq,
        kind: 'file_altered',
        message: `tài liệu ${documentId}: tệp ${sha256} đã bị thay đổi — ${status.altered} (document ${documentId}: file altered)`,
      };
}

/**
 * Where a dossier's `document_refs` rows differ from the files its events reference (pure): one finding per
 * file the events name without its row or with a row that disagrees, and per row no event accounts for.
 */
export function documentRefFindings(code: string, events: readonly StoredEvent[], refs: readonly DocumentRefRow[]): Finding[] {
  const out: Finding[] = [];
  const byKey = new Map(refs.map((r) => [`${r.documentId}@${r.documentVersion}`, r]));
  const drift = (seq: number, message: string): Finding => ({ dossierCode: code, seq, kind: 'document_ref_drift', message });
  for (const e of events) {
    for (const f of filesOfEvent(e.type, e.payload as Record<string, unknown>)) {
      const key = `${f.documentId}@${f.version}`;
      const r = byKey.get(key);
      byKey.delete(key);
      if (!r) {
        out.push(drift(e.seq, `tài liệu ${key}: thiếu dòng document_refs cho tệp ${f.file.sha256} (no document_refs row for this file)`));
        continue;
      }
      const differs = [
        r.seq !== e.seq ? `seq ${r.seq}` : null,
        r.sha256 !== f.file.sha256 ? `sha256 ${r.sha256}` : null,
        r.size !== f.file.size ? `size ${r.size}` : null,
        r.mediaType !== f.file.mediaType ? `mediaType ${r.mediaType}` : null,
        r.kind !== f.kind ? `kind ${r.kind}` : null,
      ].filter((x): x is string => x !== null);
      if (differs.length)
        out.push(
          drift(e.seq, `tài liệu ${key}: document_refs ghi ${differs.join(', ')} khác với sự kiện (the row differs from the event)`),
        );
    }
  }
  for (const [key, r] of byKey)
    out.push(drift(r.seq, `tài liệu ${key}: dòng document_refs (tệp ${r.sha256}) không ứng với sự kiện nào (no event references it)`));
  return out;
}

/** The deletion record of one reference (dossier, document, version, bytes), if the log has one. */
function deletionOf(deletions: readonly DeletionRecord[], documentId: string, version: number, sha256: string): DeletionRecord | null {
  return deletions.find((d) => d.documentId === documentId && d.documentVersion === version && d.sha256 === sha256) ?? null;
}

/**
 * One dossier's file findings, from its events (each file rehashed), with its deletion records: a missing file
 * with an intact record is a notice; a record of this dossier whose hash does not check out is `deletion_log_broken`.
 */
export async function dossierFileFindings(
  blobs: BlobStore,
  code: string,
  events: readonly StoredEvent[],
  deletions: readonly DeletionRecord[] = [],
): Promise<Finding[]> {
  const out: Finding[] = [];
  const seen = new Map<string, FileStatus>();
  for (const e of events) {
    for (const f of filesOfEvent(e.type, e.payload as Record<string, unknown>)) {
      const key = `${f.file.sha256}:${f.file.size}`;
      const status = seen.get(key) ?? (await checkFile(blobs, f.file.sha256, f.file.size, true));
      seen.set(key, status);
      if (status !== 'ok')
        out.push(finding(code, e.seq, f.documentId, f.file.sha256, status, deletionOf(deletions, f.documentId, f.version, f.file.sha256)));
    }
  }
  for (const d of deletions)
    if (!deletionRecordIntact(d)) out.push(brokenLog(code, d.seq, 'its content does not hash to its hash (the record was edited)'));
  return out;
}

function brokenLog(code: string, logSeq: number, problem: string): Finding {
  return {
    dossierCode: code,
    seq: null,
    kind: 'deletion_log_broken',
    message: `nhật ký xóa tệp, bản ghi số ${logSeq}: ${problem} (the retention deletion log is broken at record ${logSeq})`,
  };
}

/** The whole deletion log, walked in seq order page by page: every record that breaks the chain. */
export async function* deletionLogFindings(db: Db, opts: { pageSize: number }): AsyncGenerator<Finding> {
  let start = { seq: 1, prevHash: DELETION_LOG_GENESIS };
  let after = 0;
  for (;;) {
    const page = await deletionsPage(db, after, opts.pageSize);
    if (page.length === 0) return;
    const byseq = new Map(page.map((r) => [r.seq, r]));
    for (const b of deletionLogBreaks(page, start)) yield brokenLog(byseq.get(b.seq)?.dossierCode ?? '', b.seq, b.problem);
    const last = page[page.length - 1]!;
    start = { seq: last.seq + 1, prevHash: last.hash };
    after = last.seq;
  }
}

/** Every referenced file of the database, page by page (presence and size; with `hashFiles`, the hash too). */
export async function* allFileFindings(db: Db, blobs: BlobStore, opts: { pageSize: number; hashFiles?: boolean }): AsyncGenerator<Finding> {
  let after = 0;
  for (;;) {
    const page = await referencedFilesPage(db, after, opts.pageSize);
    if (page.length === 0) return;
    const seen = new Map<string, FileStatus>();
    for (const r of page) {
      const key = `${r.sha256}:${r.size}`;
      const status = seen.get(key) ?? (await checkFile(blobs, r.sha256, r.size, opts.hashFiles === true));
      seen.set(key, status);
      if (status !== 'ok')
        yield finding(r.dossierCode, r.seq, r.documentId, r.sha256, status, r.deletion?.sha256 === r.sha256 ? r.deletion : null);
    }
    after = page[page.length - 1]!.id;
  }
}
