/**
 * Composition root for the engine: opens the database, brings its schema up to date,
 * makes sure reference data exists, and wires the engine to a clock.
 */
import { migrateToLatest } from '../../db/migrations';
import { seedReferenceData } from '../../db/seeds/reference-data';
import { dialectOf, ensureSchema, openDb, type Db, type DbOptions } from '../store/db';

import type { Config } from '../config';
import { systemClock, type Clock } from '../engine/clock';
import { DossierEngine } from '../engine/engine';
import { CalendarProvider, ProcedureProvider } from '../engine/reference-data';
import { LocalBlobStore, type BlobStore } from '../store/blob-store';
import { besideDatabase } from './blob-store-factory';

export interface EngineContext {
  db: Db;
  clock: Clock;
  engine: DossierEngine;
  calendars: CalendarProvider;
  procedures: ProcedureProvider;
  /** where document files live (MOTCUA_BLOB_STORE) */
  blobs: BlobStore;
  close(): Promise<void>;
}

export interface EngineOptions extends DbOptions {
  clock?: Clock;
  agencyCode?: string;
  /** default true: run migrations and seed reference data on start */
  prepare?: boolean;
  chartVersion?: number;
  /** remaining working time under which a dossier is due soon (default one office day) */
  dueSoonThresholdMs?: number;
  /** working time before the apology window closes at which the sweeper warns (default: half an office day) */
  apologyLeadMs?: number;
  /** number dossiers at submission, as before issue 12 (replaying generated histories only; see EngineDeps) */
  codeAtSubmission?: boolean;
  /** the largest total of a dossier's current documents, in bytes (MOTCUA_UPLOAD_MAX_DOSSIER_BYTES) */
  maxDossierBytes?: number;
  /** the document store; default a local directory `blobs/` next to the database (src/app/blob-store-factory.ts) */
  blobs?: BlobStore;
}

export const DEFAULT_AGENCY_CODE = '000.00.12.H29';

/** The database settings of the configuration (DATABASE_URL, DATABASE_SCHEMA, DATABASE_POOL_MAX, …). */
export function dbOptionsFromConfig(config: Config): DbOptions {
  return {
    url: config.DATABASE_URL,
    schema: config.DATABASE_SCHEMA,
    poolMax: config.DATABASE_POOL_MAX,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    sqliteDriver: config.MOTCUA_SQLITE_DRIVER,
    sqliteSynchronous: config.MOTCUA_SQLITE_SYNCHRONOUS,
  };
}

export async function createEngineContext(opts: EngineOptions): Promise<EngineContext> {
  const db = openDb(opts);
  const clock = opts.clock ?? systemClock;
  if (opts.prepare !== false) {
    if (opts.schema && dialectOf(opts.url) === 'postgres') await ensureSchema(db, opts.schema);
    await migrateToLatest(db);
    await seedReferenceData(db, clock.now().toISOString());
  }
  const calendars = new CalendarProvider(db);
  const procedures = new ProcedureProvider(db);
  const engine = new DossierEngine({
    db,
    clock,
    calendars,
    procedures,
    agencyCode: opts.agencyCode ?? DEFAULT_AGENCY_CODE,
    chartVersion: opts.chartVersion,
    dueSoonThresholdMs: opts.dueSoonThresholdMs,
    apologyLeadMs: opts.apologyLeadMs,
    codeAtSubmission: opts.codeAtSubmission,
    maxDossierBytes: opts.maxDossierBytes,
  });
  const blobs = opts.blobs ?? new LocalBlobStore(besideDatabase(opts.url, 'blobs'));
  return {
    db,
    clock,
    engine,
    calendars,
    procedures,
    blobs,
    close: async () => {
      await blobs.close();
      await db.destroy();
    },
  };
}
