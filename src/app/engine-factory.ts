/**
 * Composition root for the engine: opens the database, brings its schema up to date,
 * makes sure reference data exists, and wires the engine to a clock.
 */
import { migrateToLatest } from '../../db/migrations';
import { seedReferenceData } from '../../db/seeds/reference-data';
import { dialectOf, ensureSchema, openDb, type Db, type DbOptions } from '../store/db';
import { grantApplicationRole, roleOfUrl } from '../store/app-role';

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
  /**
   * PostgreSQL: the owner's URL (MIGRATION_DATABASE_URL). Migrations and reference data then go through it, the
   * application role named by `url` gets its privileges (src/store/app-role.ts), and the engine connects with `url`.
   */
  migrationUrl?: string;
  chartVersion?: number;
  /** remaining working time under which a dossier is due soon (default one office day) */
  dueSoonThresholdMs?: number;
  /** working time before the apology window closes at which the sweeper warns (default: half an office day) */
  apologyLeadMs?: number;
  /** number dossiers at submission, as before issue 12 (replaying generated histories only; see EngineDeps) */
  codeAtSubmission?: boolean;
  /** the largest total of a dossier's current documents, in bytes (MOTCUA_UPLOAD_MAX_DOSSIER_BYTES) */
  maxDossierBytes?: number;
  /**
   * Group commit of the engine's actions (src/store/group-commit.ts). Default: on for SQLite, off for PostgreSQL
   * (MOTCUA_GROUP_COMMIT=0 turns it off; docs/engine.md, "Group commit", for what was measured).
   */
  groupCommit?: boolean;
  /** the document store; default a local directory `blobs/` next to the database (src/app/blob-store-factory.ts) */
  blobs?: BlobStore;
}

export const DEFAULT_AGENCY_CODE = '000.00.12.H29';

/** The database settings of the configuration (DATABASE_URL, DATABASE_SCHEMA, DATABASE_POOL_MAX, …). */
export function dbOptionsFromConfig(config: Config): DbOptions & { migrationUrl?: string; groupCommit?: boolean } {
  return {
    groupCommit: config.MOTCUA_GROUP_COMMIT ? undefined : false,
    url: config.DATABASE_URL,
    schema: config.DATABASE_SCHEMA,
    poolMax: config.DATABASE_POOL_MAX,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    sqliteDriver: config.MOTCUA_SQLITE_DRIVER,
    sqliteSynchronous: config.MOTCUA_SQLITE_SYNCHRONOUS,
    migrationUrl: config.MIGRATION_DATABASE_URL,
  };
}

/** Migrations, reference data and the application role's privileges, as the tables' owner; then that connection closes. */
async function prepareAsOwner(opts: EngineOptions & { migrationUrl: string }, clock: Clock): Promise<void> {
  const role = roleOfUrl(opts.url);
  if (!role) throw new Error('DATABASE_URL must name the application role when MIGRATION_DATABASE_URL is set');
  const owner = openDb({ ...opts, url: opts.migrationUrl, poolMax: 1 });
  try {
    if (opts.schema) await ensureSchema(owner, opts.schema);
    await migrateToLatest(owner);
    await seedReferenceData(owner, clock.now().toISOString());
    await grantApplicationRole(owner, role, opts.schema);
  } finally {
    await owner.destroy();
  }
}

export async function createEngineContext(opts: EngineOptions): Promise<EngineContext> {
  const clock = opts.clock ?? systemClock;
  if (opts.prepare !== false && opts.migrationUrl) await prepareAsOwner({ ...opts, migrationUrl: opts.migrationUrl }, clock);
  const db = openDb(opts);
  if (opts.prepare !== false && !opts.migrationUrl) {
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
    groupCommit: opts.groupCommit ?? dialectOf(opts.url) === 'sqlite',
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
