/**
 * Builds a batch of dossiers into what the writer binds (flat values in column order) and what the
 * summary counts. Runs on the main thread or in a worker (./pool.ts); the world is rebuilt from plain
 * data in a worker, so both give the same bytes.
 */
import { buildCalendar, type CalendarData } from '../../machines/calendar';
import type { ProcedureDefinition } from '../../machines/procedures';
import { buildCentre } from './centres';
import { buildDossier, factsOf, type DossierSeed, type World } from './simulate';
import { FileMaker, type FileSpec } from './files';
import { dossierColumns, flattenEvent, flattenRow, type Rows } from '../store/batch-writer';
import { EVENT_COLUMNS } from '../store/dossier-store';

/** The world as plain data (what a worker receives). */
export interface WorldSpec {
  seed: string;
  calendar: CalendarData;
  procedures: ProcedureDefinition[];
  centres: number;
  chartVersion: number;
  thresholdMs: number;
  endMs: number;
  /** keep what is needed to write each new file's bytes (`--files`) */
  files?: boolean;
}

export function worldOf(spec: WorldSpec): World {
  return {
    seed: spec.seed,
    cal: buildCalendar(spec.calendar),
    procedures: new Map(spec.procedures.map((p) => [p.code, p])),
    centres: Array.from({ length: spec.centres }, (_, i) => buildCentre(spec.seed, i)),
    chartVersion: spec.chartVersion,
    thresholdMs: spec.thresholdMs,
    endMs: spec.endMs,
    files: new FileMaker(spec.seed, spec.files === true),
  };
}

export interface Tally {
  dossiers: number;
  events: number;
  open: number;
  late: number;
  apologised: number;
  supplemented: number;
  paused: number;
  received: number;
  receiptDigitised: number;
  receiptReused: number;
  results: number;
  resultsDigitised: number;
  /** document_refs rows, and the bytes they reference */
  documentRefs: number;
  documentBytes: number;
  byState: Record<string, number>;
  byEventType: Record<string, number>;
}

export function emptyTally(): Tally {
  return {
    dossiers: 0,
    events: 0,
    open: 0,
    late: 0,
    apologised: 0,
    supplemented: 0,
    paused: 0,
    received: 0,
    receiptDigitised: 0,
    receiptReused: 0,
    results: 0,
    resultsDigitised: 0,
    documentRefs: 0,
    documentBytes: 0,
    byState: {},
    byEventType: {},
  };
}

const COUNTS = [
  'dossiers',
  'events',
  'open',
  'late',
  'apologised',
  'supplemented',
  'paused',
  'received',
  'receiptDigitised',
  'receiptReused',
  'results',
  'resultsDigitised',
  'documentRefs',
  'documentBytes',
] as const;

export function addTally(into: Tally, t: Tally): void {
  for (const k of COUNTS) into[k] += t[k];
  for (const [k, n] of Object.entries(t.byState)) into.byState[k] = (into.byState[k] ?? 0) + n;
  for (const [k, n] of Object.entries(t.byEventType)) into.byEventType[k] = (into.byEventType[k] ?? 0) + n;
}

export interface BuiltBatch {
  dossiers: Rows;
  events: Rows;
  /** one row per file the batch references (first upload, last reference): upserted, a reused file is older */
  blobs: Rows;
  refs: Rows;
  /** the bytes of the new files (only when the world keeps them) */
  specs: { sha256: string; spec: FileSpec }[];
  tally: Tally;
}

export const BLOB_COLUMNS = ['sha256', 'size', 'media_type', 'created_at', 'created_by', 'touched_at', 'state'] as const;
export const REF_COLUMNS = ['dossier_id', 'seq', 'document_id', 'document_version', 'sha256', 'size', 'media_type', 'kind', 'at'] as const;

export function buildBatch(world: World, seeds: readonly DossierSeed[]): BuiltBatch {
  const tally = emptyTally();
  const dossierValues: unknown[] = [];
  const eventValues: unknown[] = [];
  const refValues: unknown[] = [];
  const blobs = new Map<string, { size: number; type: string; created: string; by: string; touched: string }>();
  const specs: BuiltBatch['specs'] = [];
  let columns: string[] = [];
  for (const seed of seeds) {
    const built = buildDossier(world, seed);
    if (!columns.length) columns = dossierColumns(built.row);
    for (const r of built.refs) {
      for (const c of REF_COLUMNS) refValues.push(r[c]);
      const b = blobs.get(r.sha256);
      if (!b) blobs.set(r.sha256, { size: r.size, type: r.media_type, created: r.at, by: built.firstBy.get(r.sha256)!, touched: r.at });
      else {
        if (r.at < b.created) Object.assign(b, { created: r.at, by: built.firstBy.get(r.sha256)! });
        if (r.at > b.touched) b.touched = r.at;
      }
      tally.documentRefs += 1;
      tally.documentBytes += r.size;
    }
    specs.push(...built.specs);
    flattenRow(built.row as unknown as Record<string, unknown>, columns, dossierValues);
    for (const e of built.events) {
      flattenEvent(e, eventValues);
      tally.byEventType[e.type] = (tally.byEventType[e.type] ?? 0) + 1;
    }
    const f = factsOf(built);
    tally.dossiers += 1;
    tally.events += built.events.length;
    tally.byState[f.state] = (tally.byState[f.state] ?? 0) + 1;
    if (f.open) tally.open += 1;
    if (f.late) tally.late += 1;
    if (f.apologised) tally.apologised += 1;
    if (f.supplemented) tally.supplemented += 1;
    if (f.paused) tally.paused += 1;
    if (f.received) tally.received += 1;
    if (f.receiptDigitised) tally.receiptDigitised += 1;
    if (f.receiptReused) tally.receiptReused += 1;
    if (f.result) tally.results += 1;
    if (f.resultDigitised) tally.resultsDigitised += 1;
  }
  const blobValues: unknown[] = [];
  for (const [sha256, b] of blobs) blobValues.push(sha256, b.size, b.type, b.created, b.by, b.touched, 'stored');
  return {
    dossiers: { columns, values: dossierValues },
    events: { columns: EVENT_COLUMNS, values: eventValues },
    blobs: { columns: BLOB_COLUMNS, values: blobValues },
    refs: { columns: REF_COLUMNS, values: refValues },
    specs,
    tally,
  };
}
