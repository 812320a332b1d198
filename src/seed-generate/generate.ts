/**
 * Generates a province's history into an empty database: schema and reference data first, the
 * centres' staff, then every dossier of the schedule in submission order — built in batches (on worker
 * threads when asked) and written batch by batch while the next ones are built — and last the code
 * sequences, so the live engine continues each agency's numbering. Deterministic: the same options
 * give the same dossiers, events and hashes.
 */
import { CURRENT_CHART_VERSION } from '../../machines/dossier';
import type { HistoryEventType } from '../../machines/vocabulary';
import type { ProcedureDefinition } from '../../machines/procedures';
import { migrateToLatest } from '../../db/migrations';
import { seedReferenceData } from '../../db/seeds/reference-data';
import { CalendarProvider } from '../engine/reference-data';
import { listLatestProcedures } from '../store/procedure-store';
import { countDossiers } from '../store/dossier-store';
import type { Db } from '../store/db';
import { buildSchedule, monthsBefore, seedAt } from './arrivals';
import { addTally, emptyTally, type Tally, type WorldSpec } from './batch';
import { allStaff, buildCentre } from './centres';
import { createBuilder } from './pool';
import type { DossierSeed } from './simulate';
import { analyzeAfterBulkLoad, BatchWriter } from '../store/batch-writer';
import { rebuildRollup } from '../metrics/rollup-rebuild';
import fs from 'node:fs';
import path from 'node:path';
import type { BlobStore } from '../store/blob-store';
import { FileMaker, type FileSpec } from './files';

/**
 * The event types of the chart that generated histories never hold, and why: every other one is written
 * (test/seed-generate/engine-equivalence.test.ts derives the list it expects from the chart's types minus these).
 */
export const NOT_GENERATED_EVENT_TYPES = [
  'RESUBMIT', // online intake guidance: generated dossiers are received at once or refused at intake
  'RECORD_EXEMPTION', // a leader's exemption needs a reason the scenarios do not model
  'REPLACE_DOCUMENT', // a scan replaced by a better one: not modelled (every generated scan is its first version)
  'CALENDAR_CHANGED', // the reference calendar does not change during a generated history
  'CHANGE_NOTIFICATION', // generated receipts record no notification choice (no contacts to choose), so there is none to change
  'CORRECT_RESULT', // a correction of a handed-over result: too rare to model
] as const satisfies readonly HistoryEventType[];

export interface GenerateOptions {
  db: Db;
  dossiers: number;
  centres: number;
  months: number;
  seed: string;
  /** YYYY-MM-DD: the history ends at the start (00:00, Hanoi) of this day */
  end: string;
  /** worker threads building dossiers (0: the calling thread) */
  workers?: number;
  /**
   * the document store to write every generated file into (`--files`); absent, the events, `blobs` and
   * `document_refs` name files that are not in the store (docs/seed-generate.md, "Documents")
   */
  files?: BlobStore;
  /** dossiers per batch (one transaction each; default 2000) */
  batchSize?: number;
  /** remaining working time under which a dossier is due soon (default: one office day, as the engine) */
  dueSoonThresholdMs?: number;
  onProgress?: (p: GenerateProgress) => void;
}

export interface GenerateProgress {
  dossiers: number;
  events: number;
  total: number;
  elapsedMs: number;
}

export interface GenerateSummary extends Tally {
  centres: number;
  agencyCodes: string[];
  startDate: string;
  endDate: string;
  workers: number;
  elapsedMs: number;
  dossiersPerSecond: number;
  eventsPerSecond: number;
  /** files written into the document store (`files`) */
  filesWritten: number;
}

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function generate(o: GenerateOptions): Promise<GenerateSummary> {
  if (!Number.isInteger(o.dossiers) || o.dossiers < 1) throw new Error('dossiers must be a positive integer');
  if (!Number.isInteger(o.centres) || o.centres < 1 || o.centres > 900) throw new Error('centres must be an integer from 1 to 900');
  if (!Number.isInteger(o.months) || o.months < 1 || o.months > 120) throw new Error('months must be an integer from 1 to 120');
  if (!LOCAL_DATE.test(o.end)) throw new Error('end must be a date YYYY-MM-DD');
  const started = performance.now();
  const { db } = o;
  const startDate = monthsBefore(o.end, o.months);
  const startInstant = new Date(`${startDate}T00:00:00+07:00`).toISOString();

  await migrateToLatest(db);
  await seedReferenceData(db, startInstant);
  if ((await countDossiers(db)) > 0) {
    throw new Error('the database already holds dossiers: generate into an empty database (their codes and sequences would collide)');
  }
  const calendars = new CalendarProvider(db);
  const cal = await calendars.latest();
  const procedures = (await listLatestProcedures(db)).map((p) => p.definition as ProcedureDefinition);
  const centres = Array.from({ length: o.centres }, (_, i) => buildCentre(o.seed, i));
  const writer = await BatchWriter.open(db);
  await writer.insertRows(
    'users',
    centres.flatMap(allStaff).map((s) => ({
      username: s.username,
      full_name: s.fullName,
      password_hash: 'disabled:generated-history',
      roles: JSON.stringify(s.roles),
      unit: s.unit,
      active: false,
      demo: false,
      password_changed_at: startInstant,
      created_at: startInstant,
    })),
  );

  const schedule = buildSchedule({
    seed: o.seed,
    dossiers: o.dossiers,
    centres: o.centres,
    startDate,
    endDate: o.end,
    cal,
    procedureCodes: procedures.map((p) => p.code),
    agencyCodes: centres.map((c) => c.agencyCode),
  });
  const spec: WorldSpec = {
    seed: o.seed,
    calendar: cal.data,
    procedures,
    centres: o.centres,
    chartVersion: CURRENT_CHART_VERSION,
    thresholdMs: o.dueSoonThresholdMs ?? cal.officeDayMs,
    endMs: Date.parse(`${o.end}T00:00:00+07:00`),
    files: o.files !== undefined,
  };
  const maker = o.files ? new FileMaker(o.seed) : null;
  const builder = createBuilder(spec, o.workers ?? 0);
  const batchSize = o.batchSize ?? 2000;
  const batches = Math.ceil(schedule.size / batchSize);
  const seedsOf = (b: number): DossierSeed[] => {
    const out: DossierSeed[] = [];
    for (let p = b * batchSize; p < Math.min(schedule.size, (b + 1) * batchSize); p++) out.push(seedAt(schedule, p));
    return out;
  };
  const tally = emptyTally();
  let filesWritten = 0;
  try {
    // Build ahead (one batch per worker, plus one) while the database writes the oldest.
    const depth = Math.max(1, builder.workers) + 1;
    const inflight: Promise<Awaited<ReturnType<typeof builder.build>>>[] = [];
    let next = 0;
    while (next < batches || inflight.length) {
      while (next < batches && inflight.length < depth) {
        const built = builder.build(seedsOf(next++));
        built.catch(() => undefined); // a failure is reported when its turn comes; never as an unhandled rejection
        inflight.push(built);
      }
      const batch = await inflight.shift()!;
      // the files first, as an upload comes before the event that references it
      if (o.files && maker) filesWritten += await writeFiles(o.files, maker, batch.specs);
      await writer.writeBatch(batch.dossiers, batch.events, [
        ['blobs', batch.blobs],
        ['document_refs', batch.refs],
      ]);
      addTally(tally, batch.tally);
      o.onProgress?.({ dossiers: tally.dossiers, events: tally.events, total: schedule.size, elapsedMs: performance.now() - started });
    }
  } finally {
    await builder.close();
  }
  await writer.insertRows('code_sequences', schedule.sequences as unknown as Record<string, unknown>[]);
  // The rebuild reads every dossier's events a page at a time: without statistics the planner reads each page of a
  // just-loaded dossier_events by a parallel sequential scan (seen at 1M dossiers: 170 dossiers/s, 420 after ANALYZE).
  await analyzeAfterBulkLoad(db);
  // The compliance rollup, derived from the events just written (the live engine keeps it from here on).
  await rebuildRollup(db, calendars, { now: new Date(spec.endMs).toISOString() });
  await analyzeAfterBulkLoad(db);

  const elapsedMs = performance.now() - started;
  return {
    ...tally,
    centres: o.centres,
    agencyCodes: centres.map((c) => c.agencyCode),
    startDate,
    endDate: o.end,
    workers: builder.workers,
    elapsedMs,
    dossiersPerSecond: Math.round((tally.dossiers * 1000) / elapsedMs),
    eventsPerSecond: Math.round((tally.events * 1000) / elapsedMs),
    filesWritten,
  };
}

/** Writes each new file into the store (staged, then moved in as an upload is); one already there is skipped. */
async function writeFiles(store: BlobStore, maker: FileMaker, specs: readonly { sha256: string; spec: FileSpec }[]): Promise<number> {
  let written = 0;
  await fs.promises.mkdir(store.stagingDir, { recursive: true });
  for (const { sha256, spec } of specs) {
    if (await store.stat(sha256)) continue;
    const bytes = maker.bytesOf(spec);
    const staged = path.join(store.stagingDir, `seed-generate-${sha256}`);
    await fs.promises.writeFile(staged, bytes);
    await store.putFile(staged, sha256, bytes.length);
    written += 1;
  }
  return written;
}
