/**
 * Whole-database verification: streams through every dossier in id order, one page at a time (a page
 * of dossier rows, then that page's events in ONE query ordered by dossier and seq), verifies each
 * dossier (./verify-dossier.ts), then checks the checkpoint anchors (./checkpoints.ts), which is where
 * deleted dossiers show up. Memory is bounded by the pages in flight, whatever the size of the database.
 *
 * Two ways to consume it: `verifyAllStream` (an async generator of progress / finding / summary
 * messages, used by the NDJSON endpoint) and `verifyAll` (callbacks, returns the summary).
 *
 * By default the pages are verified on the calling thread, read one ahead so that the database works
 * while the CPU verifies. `workers: N` verifies on N worker threads instead (./verify-workers.ts): each
 * has its own database connection and reads and verifies the ranges of ids the calling thread hands
 * out, so reading, decoding and verifying all run in parallel; the messages, their order and the
 * summary are the same as on one thread. An in-memory SQLite database cannot be shared and is always
 * verified on the calling thread.
 */
import { countDossiers, listDossierIdsAfter, type DossierRow, type EventRow } from '../store/dossier-store';
import { readAuditPage } from '../store/audit-pages';
import { countCheckpoints } from '../store/checkpoint-store';
import { sharedConnectionOf, type Db, type SharedConnection } from '../store/db';
import { checkpointFindings } from './checkpoints';
import { allFileFindings, deletionLogFindings, documentRefFindings } from './verify-files';
import type { DocumentRefRow } from '../store/document-store';
import type { BlobStore } from '../store/blob-store';
import { decodeRow } from '../../machines/engine/event-codec';
import { VerifyWorkerPool, type RangeResult } from './verify-workers';
import {
  CHECKPOINT_FINDING_KINDS,
  DOSSIER_FINDING_KINDS,
  FILE_FINDING_KINDS,
  isNotice,
  NOTICE_KINDS,
  verifyDossier,
  type Finding,
  type FindingKind,
} from './verify-dossier';

export interface VerifyProgress {
  dossiers: number;
  events: number;
  /** dossiers in the database when the run started (for a percentage) */
  totalDossiers: number;
  elapsedMs: number;
  phase: 'dossiers' | 'checkpoints';
}

export interface VerifySummary {
  dossiers: number;
  events: number;
  /** what failed (notices not counted) */
  findings: number;
  /** notices (NOTICE_KINDS, e.g. a file deleted by the retention job with its record): reported, never a failure */
  notices: number;
  /** every kind, notices included */
  findingsByKind: Record<FindingKind, number>;
  dossiersWithFindings: number;
  /** checkpoints checked (0 when none were ever taken) */
  checkpoints: number;
  elapsedMs: number;
  dossiersPerSecond: number;
  eventsPerSecond: number;
}

export type VerifyMessage =
  | ({ type: 'progress' } & VerifyProgress)
  | ({ type: 'finding' } & Finding)
  | ({ type: 'notice' } & Finding)
  | ({ type: 'summary' } & VerifySummary);

export interface VerifyAllOptions {
  /** the document store: every referenced file is checked in it (absent: files are not checked) */
  blobs?: BlobStore;
  /** rehash every referenced file instead of checking presence and size */
  hashFiles?: boolean;
  /** dossiers per page (default 500) */
  pageSize?: number;
  /** minimum time between progress messages (default 250 ms; 0 = after every page) */
  progressEveryMs?: number;
  /** check the checkpoint anchors too (default true) */
  checkpoints?: boolean;
  /** checkpoint digests kept outside the database */
  anchors?: { id: number; digest: string }[];
  /** stops the run between pages */
  signal?: AbortSignal;
  /** worker threads verifying in parallel, each with its own connection (default 0: on the calling thread) */
  workers?: number;
  /** how the workers connect (default: the connection of `db`) */
  workerConnection?: SharedConnection;
}

export const ALL_FINDING_KINDS: readonly FindingKind[] = [
  ...DOSSIER_FINDING_KINDS,
  ...FILE_FINDING_KINDS,
  ...CHECKPOINT_FINDING_KINDS,
  ...NOTICE_KINDS,
];

function emptyCounts(): Record<FindingKind, number> {
  return Object.fromEntries(ALL_FINDING_KINDS.map((k) => [k, 0])) as Record<FindingKind, number>;
}

export interface PageItem {
  row: DossierRow;
  /** as read (payload still JSON text): decoded where it is verified */
  events: EventRow[];
  /** its document_refs rows, compared with the files its events reference */
  refs: DocumentRefRow[];
}

export interface Page {
  cursor: string;
  items: PageItem[];
}

/**
 * One page of dossiers after the cursor (and up to `upto` when given), in id order, each with its
 * events (one query for all).
 */
export async function readPage(db: Db, after: string | null, pageSize: number, upto?: string): Promise<Page> {
  const { ids, rows, events, refs } = await readAuditPage(db, after, pageSize, upto);
  if (!ids.length) return { cursor: after ?? '', items: [] };
  const items: PageItem[] = [];
  for (const id of ids) {
    const row = rows.get(id);
    // a row deleted between the reads is skipped
    if (row) items.push({ row, events: events.get(id) ?? [], refs: refs.get(id) ?? [] });
  }
  return { cursor: ids[ids.length - 1]!, items };
}

function verifyItem(item: PageItem): Finding[] {
  const events = item.events.map(decodeRow);
  return [...verifyDossier(item.row, events), ...documentRefFindings(item.row.code, events, item.refs)];
}

/** Verifies every dossier of a page: the counts and the findings, in dossier order. */
export function verifyPage(page: Page): RangeResult {
  const result: RangeResult = { dossiers: 0, events: 0, dossiersWithFindings: 0, findings: [] };
  for (const item of page.items) {
    result.dossiers += 1;
    result.events += item.events.length;
    const found = verifyItem(item);
    if (found.length) result.dossiersWithFindings += 1;
    result.findings.push(...found);
  }
  return result;
}

/**
 * The pages' results in id order. Sequential: this thread reads each page (one ahead) and verifies it.
 * Parallel: this thread only reads the ids and hands each page's range to the pool; up to two ranges
 * per worker are in flight, and results are taken in the order the ranges were handed out.
 */
async function* pageResults(db: Db, pageSize: number, pool: VerifyWorkerPool | null, signal?: AbortSignal): AsyncGenerator<RangeResult> {
  const depth = pool ? 2 * pool.size : 1;
  const inflight: Promise<RangeResult>[] = [];
  let cursor: string | null = null;
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && inflight.length < depth) {
        if (signal?.aborted) return;
        if (pool) {
          const ids = await listDossierIdsAfter(db, cursor, pageSize);
          if (!ids.length) {
            exhausted = true;
            break;
          }
          const upto = ids[ids.length - 1]!;
          inflight.push(pool.verify(cursor, upto, pageSize));
          cursor = upto;
        } else {
          const page = await readPage(db, cursor, pageSize);
          if (!page.items.length) {
            exhausted = true;
            break;
          }
          cursor = page.cursor;
          inflight.push(Promise.resolve().then(() => verifyPage(page)));
        }
      }
      const head = inflight.shift();
      if (!head) return;
      yield await head;
    }
  } finally {
    // An early stop (abort, error, consumer gone) leaves no rejection unobserved.
    for (const p of inflight) p.catch(() => undefined);
  }
}

/** Streams progress, findings and, last, the summary. */
export async function* verifyAllStream(db: Db, opts: VerifyAllOptions = {}): AsyncGenerator<VerifyMessage> {
  const pageSize = opts.pageSize ?? 500;
  const every = opts.progressEveryMs ?? 250;
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const totalDossiers = await countDossiers(db);
  const byKind = emptyCounts();
  let dossiers = 0;
  let events = 0;
  let findings = 0;
  let dossiersWithFindings = 0;
  let lastProgress = -Infinity;
  const progress = (phase: VerifyProgress['phase']): VerifyMessage => {
    lastProgress = elapsed();
    return { type: 'progress', dossiers, events, totalDossiers, elapsedMs: Math.round(lastProgress), phase };
  };

  const connection = opts.workers && opts.workers > 0 ? (opts.workerConnection ?? sharedConnectionOf(db)) : null;
  const pool = connection ? await VerifyWorkerPool.start(opts.workers!, connection) : null;
  try {
    for await (const page of pageResults(db, pageSize, pool, opts.signal)) {
      dossiers += page.dossiers;
      events += page.events;
      dossiersWithFindings += page.dossiersWithFindings;
      for (const f of page.findings) {
        findings += 1;
        byKind[f.kind] += 1;
        yield { type: 'finding', ...f };
      }
      if (elapsed() - lastProgress >= every) yield progress('dossiers');
    }
    if (opts.signal?.aborted) return;
  } finally {
    await pool?.close();
  }

  // every file the events reference, in the store with its recorded size (and hash, with hashFiles)
  let notices = 0;
  if (opts.blobs) {
    for await (const f of allFileFindings(db, opts.blobs, { pageSize, hashFiles: opts.hashFiles })) {
      byKind[f.kind] += 1;
      if (isNotice(f)) {
        notices += 1;
        yield { type: 'notice', ...f };
      } else {
        findings += 1;
        yield { type: 'finding', ...f };
      }
    }
  }
  // the retention job's deletion log, whose records excuse missing files: its chain must hold
  for await (const f of deletionLogFindings(db, { pageSize })) {
    findings += 1;
    byKind[f.kind] += 1;
    yield { type: 'finding', ...f };
  }

  let checkpoints = 0;
  if (opts.checkpoints !== false) {
    checkpoints = await countCheckpoints(db);
    if (checkpoints > 0) {
      yield progress('checkpoints');
      for await (const f of checkpointFindings(db, { pageSize, anchors: opts.anchors })) {
        findings += 1;
        byKind[f.kind] += 1;
        yield { type: 'finding', ...f };
      }
    }
  }
  const ms = elapsed();
  yield progress('checkpoints');
  const seconds = ms / 1000;
  yield {
    type: 'summary',
    dossiers,
    events,
    findings,
    notices,
    findingsByKind: byKind,
    dossiersWithFindings,
    checkpoints,
    elapsedMs: Math.round(ms),
    dossiersPerSecond: seconds > 0 ? Math.round(dossiers / seconds) : 0,
    eventsPerSecond: seconds > 0 ? Math.round(events / seconds) : 0,
  };
}

export interface VerifyAllCallbacks extends VerifyAllOptions {
  onProgress?: (p: VerifyProgress) => void;
  onFinding?: (f: Finding) => void | Promise<void>;
  onNotice?: (f: Finding) => void | Promise<void>;
}

/** Runs the whole verification, reporting through callbacks; resolves with the summary. */
export async function verifyAll(db: Db, opts: VerifyAllCallbacks = {}): Promise<VerifySummary> {
  let summary: VerifySummary | null = null;
  for await (const m of verifyAllStream(db, opts)) {
    if (m.type === 'progress') {
      const { type: _t, ...p } = m;
      opts.onProgress?.(p);
    } else if (m.type === 'finding') {
      const { type: _t, ...f } = m;
      await opts.onFinding?.(f);
    } else if (m.type === 'notice') {
      const { type: _t, ...f } = m;
      await opts.onNotice?.(f);
    } else {
      const { type: _t, ...s } = m;
      summary = s;
    }
  }
  if (!summary) throw new Error('verification was aborted');
  return summary;
}
