/**
 * Removes what no dossier references once its grace period (MOTCUA_BLOB_GRACE_HOURS) has passed: uploads
 * never attached (a form abandoned, an attach refused), staged temporary files left by a crash mid-upload,
 * and store files without an index row (a crash between the two steps below). Referenced files are never
 * touched: deletion of a referenced document is the retention job's, not this one's. A reference the retention
 * job recorded as deleted no longer counts: the same bytes uploaded again later and never attached go too.
 *
 * Per blob: (1) the row is marked `deleting` only if still untouched and unreferenced (an event touching it
 * in the meantime wins, and an event arriving afterwards finds it gone and is refused); (2) in one transaction,
 * the row is deleted unless a re-upload of the same bytes revived it, and only then the file
 * (`removeMarkedBlob`: a re-upload either revived the row first, or waits and puts the file back after). So an
 * acknowledged upload or reference never points at a deleted file.
 *
 * Resumable uploads (src/services/resumable-upload-service.ts) past their expiry (MOTCUA_BLOB_GRACE_HOURS
 * after their last chunk) go with the parts they received; parts of an upload that has no row any more
 * (a crash between removing the row and its parts, a chunk that lost a race) go after the grace period.
 * A file an upload completed is a blob like any other and follows the rules above.
 */
import type { Clock } from '../engine/clock';
import type { Db } from '../store/db';
import type { BlobStore } from '../store/blob-store';
import { removeStaleStagedFiles } from '../store/blob-staging';
import { knownBlobs, markUnreferencedBlobs, removeMarkedBlob } from '../store/document-store';
import { deleteUploadSession, expiredUploadSessions, knownUploadSessions } from '../store/upload-session-store';
import { PeriodicJob } from './periodic-job';

export interface CleanupReport {
  unreferenced: number;
  staged: number;
  strays: number;
  /** resumable uploads removed after their expiry */
  expiredUploads: number;
  /** uploads whose parts were left without a session row */
  strayParts: number;
}

export class BlobCleanupJob extends PeriodicJob<CleanupReport> {
  constructor(
    private readonly deps: { db: Db; clock: Clock; blobs: BlobStore },
    private readonly graceMs: number,
  ) {
    super(60_000);
  }

  async runOnce(): Promise<CleanupReport> {
    const now = this.deps.clock.now().getTime();
    const cutoff = new Date(now - this.graceMs);
    let unreferenced = 0;
    for (;;) {
      const marked = await markUnreferencedBlobs(this.deps.db, cutoff.toISOString(), 500);
      for (const sha256 of marked) {
        if (await removeMarkedBlob(this.deps.db, sha256, () => this.deps.blobs.delete(sha256))) unreferenced += 1;
      }
      if (marked.length < 500) break;
    }
    const staged = await removeStaleStagedFiles(this.deps.blobs.stagingDir, cutoff);
    // files the index does not know (older than the grace period, so no upload of them is still under way)
    let strays = 0;
    let batch: string[] = [];
    const flush = async () => {
      const known = await knownBlobs(this.deps.db, batch);
      for (const sha256 of batch) {
        if (known.has(sha256)) continue;
        await this.deps.blobs.delete(sha256);
        strays += 1;
      }
      batch = [];
    };
    for await (const b of this.deps.blobs.list()) {
      if (b.modifiedAt >= cutoff) continue;
      batch.push(b.sha256);
      if (batch.length >= 500) await flush();
    }
    await flush();
    const { expiredUploads, strayParts } = await this.removeExpiredUploads(now, cutoff);
    return { unreferenced, staged, strays, expiredUploads, strayParts };
  }

  private async removeExpiredUploads(now: number, cutoff: Date): Promise<{ expiredUploads: number; strayParts: number }> {
    let expiredUploads = 0;
    for (;;) {
      const expired = await expiredUploadSessions(this.deps.db, new Date(now).toISOString(), 500);
      for (const id of expired) {
        await this.deps.blobs.deleteParts(id);
        if (await deleteUploadSession(this.deps.db, id)) expiredUploads += 1;
      }
      if (expired.length < 500) break;
    }
    let strayParts = 0;
    const old: string[] = [];
    for await (const u of this.deps.blobs.listPartUploads()) if (u.modifiedAt < cutoff) old.push(u.uploadId);
    for (let i = 0; i < old.length; i += 500) {
      const batch = old.slice(i, i + 500);
      const known = await knownUploadSessions(this.deps.db, batch);
      for (const id of batch) {
        if (known.has(id)) continue;
        await this.deps.blobs.deleteParts(id);
        strayParts += 1;
      }
    }
    return { expiredUploads, strayParts };
  }
}
