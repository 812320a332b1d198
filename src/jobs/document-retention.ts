/**
 * The retention job (issue 14): deletes the files of dossiers whose retention period has ended, and only those.
 * Files live as long as the dossier's rule says (the procedure's `retention` field; absent = kept for ever);
 * nothing else deletes a referenced file (no API call does; the cleanup job removes only unreferenced uploads).
 *
 * For each closed dossier past its rule (the procedure version it pinned, or the current version if that keeps
 * longer: machines/documents/retention.ts), each file it references is deleted when EVERY dossier referencing
 * that file is past its own rule: a file reused by a dossier that must still be kept stays. Per file:
 * (1) in one transaction the file's index row is marked `deleting` (an event referencing it afterwards is
 *     refused), the references are read again, and one hash-chained record per reference is appended to
 *     `document_deletions`; (2) in one transaction its index row is removed, if still `deleting`, and the file
 *     with it (`removeMarkedBlob`). A run stopped between (1) and (2) is finished by the next one. The log comes
 *     first, so a file is never gone without its record; the auditor reports a referenced file deleted this way
 *     as `file_deleted_by_retention`, a notice tied to its record, never as `file_missing`.
 *
 * The store is content-addressed, so the same bytes may be uploaded again, or an event may name them, while the
 * job removes them. Nothing acknowledged is lost: bytes uploaded or referenced within the grace period
 * (`graceMs`, MOTCUA_BLOB_GRACE_HOURS, the time an uploader has to attach an upload) are not marked, and wait for
 * a later run (`keptRecent`); an upload arriving after the mark revives the row, and step (2) then leaves the
 * file, or waits for (2) and writes the file again; an event arriving after the mark is refused (upload_expired),
 * one arriving before it is seen by the re-read of the references. test/documents/retention-race.test.ts.
 *
 * `plan` answers what a run would delete, without changing anything (`npm run documents:retention -- --dry-run`).
 */
import type { Clock } from '../engine/clock';
import type { Db } from '../store/db';
import type { BlobStore } from '../store/blob-store';
import { isUniqueViolation } from '../store/dossier-store';
import { findBlob, removeMarkedBlob } from '../store/document-store';
import { listProcedureDefinitions } from '../store/procedure-store';
import {
  closedDossiersWithFiles,
  liveRefsOf,
  recordRetentionDeletion,
  referencesToFile,
  unfinishedRetentionDeletes,
  type PlannedDeletion,
  type RetentionDossier,
} from '../store/retention-store';
import { describeRule, retentionEndsAt, strictestRule, type RetentionRule } from '../../machines/documents/retention';
import { PeriodicJob } from './periodic-job';

/** One reference whose file a run deletes (or, in a plan, would delete): what its deletion record says. */
export type RetentionDeletion = PlannedDeletion;

export interface RetentionReport {
  /** files removed from the store (or that would be) */
  files: number;
  /**
   * files whose references this run recorded as deleted but which it left in the store, because the same bytes
   * were uploaded again between the record and the removal (the upload revived them; the cleanup job removes them
   * after the grace period if nothing attaches them)
   */
  keptRevived: number;
  /** records appended to the deletion log (one per reference; or that would be) */
  records: number;
  /** files of expired dossiers kept because a dossier that must still be kept references them too */
  keptShared: number;
  /** files of expired dossiers kept for now because the same bytes were uploaded or referenced within the grace period */
  keptRecent: number;
  /** the references, in the order they were (or would be) recorded */
  deletions: RetentionDeletion[];
  /** files whose deletion an earlier, interrupted run had recorded and this run finished */
  finished: number;
}

/** What a run did with one file: null kept (shared), `recent` kept for now, else its records and whether the file went. */
type Outcome = null | 'recent' | { records: RetentionDeletion[]; removed: boolean };

type Verdict = { expired: true; rule: string; reason: string } | { expired: false; why: string };

const PAGE = 500;
const MAX_APPEND_ATTEMPTS = 5;

export interface RetentionJobDeps {
  db: Db;
  clock: Clock;
  blobs: BlobStore;
  /** how long an upload is kept for its uploader to attach it (MOTCUA_BLOB_GRACE_HOURS; default 24 hours) */
  graceMs?: number;
  /** called after a file's deletion is recorded and before it is removed (a test's barrier, to interleave an upload there) */
  beforeRemove?: (sha256: string) => Promise<void>;
}

const DEFAULT_GRACE_MS = 24 * 3_600_000;

export class DocumentRetentionJob extends PeriodicJob<RetentionReport> {
  constructor(private readonly deps: RetentionJobDeps) {
    super(60_000);
  }

  /** What a run would delete now, changing nothing. */
  plan(): Promise<RetentionReport> {
    return this.run(true);
  }

  runOnce(): Promise<RetentionReport> {
    return this.run(false);
  }

  private async run(dryRun: boolean): Promise<RetentionReport> {
    const clock = this.deps.clock.now();
    const now = clock.toISOString();
    const cutoff = new Date(clock.getTime() - (this.deps.graceMs ?? DEFAULT_GRACE_MS)).toISOString();
    const verdictOf = await this.rules(now);
    const report: RetentionReport = { files: 0, keptRevived: 0, records: 0, keptShared: 0, keptRecent: 0, deletions: [], finished: 0 };
    if (!dryRun) {
      for (const sha256 of await unfinishedRetentionDeletes(this.deps.db)) {
        if (await this.remove(sha256)) report.finished += 1;
      }
    }
    const decided = new Set<string>();
    let after: string | null = null;
    for (;;) {
      const page = await closedDossiersWithFiles(this.deps.db, after, PAGE);
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      const expired = page.filter((d) => verdictOf(d).expired);
      for (const ref of await liveRefsOf(
        this.deps.db,
        expired.map((d) => d.id),
      )) {
        if (decided.has(ref.sha256)) continue;
        decided.add(ref.sha256);
        const deletions = dryRun
          ? await this.wouldDelete(ref.sha256, verdictOf, cutoff)
          : await this.deleteFile(ref.sha256, verdictOf, now, cutoff);
        if (deletions === null) {
          report.keptShared += 1;
          continue;
        }
        if (deletions === 'recent') {
          report.keptRecent += 1;
          continue;
        }
        if (deletions.records.length === 0) continue;
        if (deletions.removed) report.files += 1;
        else report.keptRevived += 1;
        report.records += deletions.records.length;
        report.deletions.push(...deletions.records);
      }
      if (page.length < PAGE) break;
    }
    return report;
  }

  /** The rule in force for a dossier, from the stored procedure versions (read once per run). */
  private async rules(now: string): Promise<(d: RetentionDossier) => Verdict> {
    const byVersion = new Map<string, RetentionRule | undefined>();
    const latest = new Map<string, { version: number; rule: RetentionRule | undefined }>();
    for (const p of await listProcedureDefinitions(this.deps.db)) {
      const rule = (JSON.parse(p.definition) as { retention?: RetentionRule }).retention;
      byVersion.set(`${p.code}@${p.version}`, rule);
      const known = latest.get(p.code);
      if (!known || p.version > known.version) latest.set(p.code, { version: p.version, rule });
    }
    return (d) => {
      const rule = strictestRule(byVersion.get(`${d.procedureCode}@${d.procedureVersion}`), latest.get(d.procedureCode)?.rule);
      const ends = retentionEndsAt(d.closedAt, rule);
      if (!rule) return { expired: false, why: 'kept for ever (no retention rule)' };
      if (!ends) return { expired: false, why: 'not closed' };
      if (ends > now) return { expired: false, why: `kept until ${ends}` };
      return {
        expired: true,
        rule: describeRule(d.procedureCode, rule),
        reason: `hồ sơ kết thúc lúc ${d.closedAt}; hết thời hạn lưu trữ lúc ${ends} (retention ended)`,
      };
    };
  }

  /** The references a deletion of the file would record; null when a dossier that must be kept references it, `recent` as in a run. */
  private async wouldDelete(sha256: string, verdictOf: (d: RetentionDossier) => Verdict, cutoff: string): Promise<Outcome> {
    const planned = decider(sha256, verdictOf)(await referencesToFile(this.deps.db, sha256));
    if (planned === null) return null;
    const blob = planned.length ? await findBlob(this.deps.db, sha256) : undefined;
    return blob && blob.state === 'stored' && blob.touchedAt >= cutoff ? 'recent' : { records: planned, removed: true };
  }

  /** Step (2): the row, if still `deleting`, and the file with it. */
  private remove(sha256: string): Promise<boolean> {
    return removeMarkedBlob(this.deps.db, sha256, () => this.deps.blobs.delete(sha256));
  }

  /** Records and deletes one file (steps 1 and 2 above); null when it must be kept, `recent` when it waits. */
  private async deleteFile(sha256: string, verdictOf: (d: RetentionDossier) => Verdict, at: string, cutoff: string): Promise<Outcome> {
    const decide = decider(sha256, verdictOf);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const recorded = await recordRetentionDeletion(this.deps.db, sha256, at, cutoff, decide);
        if (recorded === null || recorded === 'recent') return recorded;
        if (recorded.length === 0) return { records: recorded, removed: false };
        await this.deps.beforeRemove?.(sha256);
        return { records: recorded, removed: await this.remove(sha256) };
      } catch (err) {
        // another instance appended to the log at the same seq: read its head again
        if (!isUniqueViolation(err) || attempt >= MAX_APPEND_ATTEMPTS) throw err;
      }
    }
  }
}

/** Given every reference to a file: the records its deletion writes, or null when one of them must still be kept. */
function decider(sha256: string, verdictOf: (d: RetentionDossier) => Verdict) {
  return (refs: Awaited<ReturnType<typeof referencesToFile>>): RetentionDeletion[] | null => {
    const planned: RetentionDeletion[] = [];
    for (const r of refs) {
      const v = verdictOf(r.dossier);
      if (!v.expired) return null;
      if (!r.deleted)
        planned.push({
          sha256,
          dossierId: r.dossierId,
          dossierCode: r.dossier.code,
          documentId: r.documentId,
          documentVersion: r.documentVersion,
          rule: v.rule,
          reason: v.reason,
        });
    }
    return planned;
  };
}
