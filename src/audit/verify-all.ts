/**
 * Whole-database verification: streams through every dossier in id order, one page at a time (a page
 * of dossier rows, then that page's events in ONE query ordered by dossier and seq), verifies each
 * dossier (./verify-dossier.ts), then checks the checkpoint anchors (./checkpoints.ts), which is where
 * deleted dossiers show up. Memory is bounded by one page, whatever the size of the database.
 *
 * Two ways to consume it: `verifyAllStream` (an async generator of progress / finding / summary
 * messages, used by the NDJSON endpoint) and `verifyAll` (callbacks, returns the summary).
 *
 * Pages are read ahead of their verification, so the database works while the CPU verifies.
 * Verification runs on the calling thread by default. `workers: N` verifies pages on N worker
 * threads (compiled JavaScript only); measured on a shared 2-core VM (bench/RESULTS.md) it was no
 * faster — the machine's second core was busy, and a worker costs ~120 MB and a second load of the
 * code — so it stays opt-in (`--workers` on the CLI) for machines with idle cores.
 * Memory: one page in flight per worker (+1); 10 000 dossiers verify within a 40 MB V8 heap cap
 * (`node --max-old-space-size=40`).
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Knex } from 'knex';
import { findDossiersByIds, type DossierRow, type EventRow } from '../store/dossier-store';
import { checkpointFindings } from './checkpoints';
import {
  CHECKPOINT_FINDING_KINDS,
  decodeEventForAudit,
  DOSSIER_FINDING_KINDS,
  eventRowFromDb,
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
  findings: number;
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
  | ({ type: 'summary' } & VerifySummary);

export interface VerifyAllOptions {
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
  /** worker threads verifying pages in parallel (default 0: on the calling thread); see VerifyPool */
  workers?: number;
}

export const ALL_FINDING_KINDS: readonly FindingKind[] = [...DOSSIER_FINDING_KINDS, ...CHECKPOINT_FINDING_KINDS];

function emptyCounts(): Record<FindingKind, number> {
  return Object.fromEntries(ALL_FINDING_KINDS.map((k) => [k, 0])) as Record<FindingKind, number>;
}

interface PageItem {
  row: DossierRow;
  /** as read (payload still JSON text): decoded where it is verified */
  events: EventRow[];
}

interface Page {
  cursor: string;
  items: PageItem[];
}

/** One page of dossiers after the cursor, in id order, each with its events (one query for all). */
async function readPage(db: Knex, after: string | null, pageSize: number): Promise<Page> {
  let q = db('dossiers').select('id');
  if (after !== null) q = q.where('id', '>', after);
  const ids = (await q.orderBy('id').limit(pageSize)).map((r: { id: unknown }) => String(r.id));
  if (!ids.length) return { cursor: after ?? '', items: [] };
  const rows = new Map((await findDossiersByIds(db, ids)).map((r) => [r.id, r]));
  const byDossier = new Map<string, EventRow[]>();
  const raw = await db('dossier_events').select(EVENT_COLUMNS).whereIn('dossier_id', ids).orderBy([{ column: 'dossier_id' }, { column: 'seq' }]);
  for (const r of raw) {
    const e = eventRowFromDb(r);
    let list = byDossier.get(e.dossier_id);
    if (!list) byDossier.set(e.dossier_id, (list = []));
    list.push(e);
  }
  const items: PageItem[] = [];
  for (const id of ids) {
    const row = rows.get(id);
    if (row) items.push({ row, events: byDossier.get(id) ?? [] }); // a row deleted between the two reads is skipped
  }
  return { cursor: ids[ids.length - 1]!, items };
}

function verifyItem(item: PageItem): Finding[] {
  return verifyDossier(item.row, item.events.map(decodeEventForAudit));
}

/**
 * Worker threads running this same module (compiled JavaScript only: under ts-jest the module is
 * TypeScript and the verification stays on the calling thread). A worker knows the chart versions
 * registered statically in machines/dossier, not ones registered at run time.
 */
const WORKER_FLAG = 'motcua-verify-worker';
const WORKERS_SUPPORTED = __filename.endsWith('.js');

class VerifyPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve(r: Finding[][]): void; reject(e: Error): void }>();
  private nextId = 0;
  private failed: Error | null = null;

  constructor(n: number) {
    for (let i = 0; i < n; i++) {
      const w = new Worker(__filename, { workerData: WORKER_FLAG });
      w.on('message', (m: { id: number; results?: Finding[][]; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.results) p.resolve(m.results);
        else p.reject(new Error(m.error ?? 'worker failed'));
      });
      w.on('error', (err) => this.fail(err));
      this.workers.push(w);
    }
  }

  private fail(err: Error): void {
    this.failed = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  verify(items: PageItem[]): Promise<Finding[][]> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    const worker = this.workers[id % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, items });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

if (!isMainThread && workerData === WORKER_FLAG && parentPort) {
  const port = parentPort;
  port.on('message', (m: { id: number; items: PageItem[] }) => {
    try {
      port.postMessage({ id: m.id, results: m.items.map(verifyItem) });
    } catch (err) {
      port.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) });
    }
  });
}

const EVENT_COLUMNS = ['dossier_id', 'seq', 'type', 'payload', 'actor', 'actor_unit', 'occurred_at', 'machine_version', 'prev_hash', 'hash'];

/** Streams progress, findings and, last, the summary. */
export async function* verifyAllStream(db: Knex, opts: VerifyAllOptions = {}): AsyncGenerator<VerifyMessage> {
  const pageSize = opts.pageSize ?? 500;
  const every = opts.progressEveryMs ?? 250;
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const [countRow] = await db('dossiers').count({ n: '*' });
  const totalDossiers = Number((countRow as { n: unknown } | undefined)?.n ?? 0);
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

  const pool = opts.workers && opts.workers > 0 && WORKERS_SUPPORTED ? new VerifyPool(opts.workers) : null;
  const depth = pool ? opts.workers! + 1 : 1;
  try {
    // Pages are read ahead (up to `depth` in flight) so that the database works while pages are verified.
    const inflight: { page: Page; results: Promise<Finding[][]> }[] = [];
    let cursor: string | null = null;
    let exhausted = false;
    for (;;) {
      while (!exhausted && inflight.length < depth) {
        if (opts.signal?.aborted) return;
        const page = await readPage(db, cursor, pageSize);
        if (!page.items.length) {
          exhausted = true;
          break;
        }
        cursor = page.cursor;
        inflight.push({ page, results: pool ? pool.verify(page.items) : Promise.resolve().then(() => page.items.map(verifyItem)) });
      }
      const head = inflight.shift();
      if (!head) break;
      const results = await head.results;
      for (const [i, item] of head.page.items.entries()) {
        dossiers += 1;
        events += item.events.length;
        const found = results[i] ?? [];
        if (found.length) dossiersWithFindings += 1;
        for (const f of found) {
          findings += 1;
          byKind[f.kind] += 1;
          yield { type: 'finding', ...f };
        }
      }
      if (elapsed() - lastProgress >= every) yield progress('dossiers');
    }
  } finally {
    await pool?.close();
  }

  let checkpoints = 0;
  if (opts.checkpoints !== false && (await db.schema.hasTable('audit_checkpoints'))) {
    const [c] = await db('audit_checkpoints').count({ n: '*' });
    checkpoints = Number((c as { n: unknown } | undefined)?.n ?? 0);
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
}

/** Runs the whole verification, reporting through callbacks; resolves with the summary. */
export async function verifyAll(db: Knex, opts: VerifyAllCallbacks = {}): Promise<VerifySummary> {
  let summary: VerifySummary | null = null;
  for await (const m of verifyAllStream(db, opts)) {
    if (m.type === 'progress') {
      const { type: _t, ...p } = m;
      opts.onProgress?.(p);
    } else if (m.type === 'finding') {
      const { type: _t, ...f } = m;
      await opts.onFinding?.(f);
    } else {
      const { type: _t, ...s } = m;
      summary = s;
    }
  }
  if (!summary) throw new Error('verification was aborted');
  return summary;
}
