/**
 * Retention of document files (issue 14), pure: when a closed dossier's files may be deleted, and the record
 * the retention job writes for each deletion, hash-chained like the dossier events (sha256 of the previous
 * record's hash, a newline and the canonical JSON of the record), so an edited, removed, inserted or
 * reordered record breaks the chain from that point on.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, GENESIS_HASH } from '../engine/hash';

/** A procedure's `retention` field: `years` after the dossier closed; absent = kept for ever. */
export interface RetentionRule {
  years: number;
  legalBasis: string;
}

/** The instant a dossier's files may be deleted from, or null while they must be kept (not closed, or no rule). */
export function retentionEndsAt(closedAt: string | null, rule: RetentionRule | undefined): string | null {
  if (!closedAt || !rule) return null;
  const d = new Date(closedAt);
  d.setUTCFullYear(d.getUTCFullYear() + rule.years);
  return d.toISOString();
}

/**
 * The rule in force for a dossier: the procedure version it pinned, unless the current version keeps longer.
 * A period lengthened after a dossier started still protects it; a period shortened later does not shorten it.
 * Keeping for ever (no rule) wins over any period.
 */
export function strictestRule(pinned: RetentionRule | undefined, current: RetentionRule | undefined): RetentionRule | undefined {
  if (!pinned || !current) return undefined;
  return current.years > pinned.years ? current : pinned;
}

/** The rule's words as a deletion record keeps them. */
export function describeRule(procedureCode: string, rule: RetentionRule): string {
  return `${procedureCode}: ${rule.years} năm kể từ khi kết thúc hồ sơ (${rule.legalBasis})`;
}

/** One row of the deletion log (`document_deletions`): which file went, of which dossier's document, by which rule. */
export interface DeletionRecordContent {
  seq: number;
  sha256: string;
  dossierId: string;
  dossierCode: string;
  documentId: string;
  documentVersion: number;
  rule: string;
  reason: string;
  at: string;
}

export interface DeletionRecord extends DeletionRecordContent {
  prevHash: string;
  hash: string;
}

export const DELETION_LOG_GENESIS = GENESIS_HASH;

export function deletionHash(prevHash: string, r: DeletionRecordContent): string {
  const content = {
    seq: r.seq,
    sha256: r.sha256,
    dossierId: r.dossierId,
    dossierCode: r.dossierCode,
    documentId: r.documentId,
    documentVersion: r.documentVersion,
    rule: r.rule,
    reason: r.reason,
    at: r.at,
  };
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(content)).digest('hex');
}

/** The record's own hash checks out (its content and prev_hash give its hash). */
export function deletionRecordIntact(r: DeletionRecord): boolean {
  return deletionHash(r.prevHash, r) === r.hash;
}

/**
 * Where a run of consecutive records of the log breaks (records in seq order, starting at `start`, the record
 * before them having hash `prevHash`): each problem with the record's seq. Empty when the run is intact.
 */
export function deletionLogBreaks(
  records: readonly DeletionRecord[],
  start: { seq: number; prevHash: string } = { seq: 1, prevHash: DELETION_LOG_GENESIS },
): { seq: number; problem: string }[] {
  const out: { seq: number; problem: string }[] = [];
  let expectSeq = start.seq;
  let prev = start.prevHash;
  for (const r of records) {
    if (r.seq !== expectSeq)
      out.push({ seq: r.seq, problem: `seq ${r.seq} where ${expectSeq} was expected (a record removed or inserted)` });
    else if (r.prevHash !== prev) out.push({ seq: r.seq, problem: 'prev_hash does not name the previous record' });
    else if (!deletionRecordIntact(r)) out.push({ seq: r.seq, problem: 'its content does not hash to its hash (the record was edited)' });
    expectSeq = r.seq + 1;
    prev = r.hash;
  }
  return out;
}
