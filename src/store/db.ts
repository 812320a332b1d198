/**
 * Database connection: SQLite (file, WAL, one writer) by default, PostgreSQL when DATABASE_URL is a postgres URL.
 * Knex configuration is derived by a pure function; pragmas are set per connection in pool.afterCreate.
 */
import knexFactory, { type Knex } from 'knex';
import { createFileDurable } from './durable-files';

export type Dialect = 'sqlite' | 'postgres';

/** SQLite drivers: `sqlite3` (asynchronous, the default) or `better-sqlite3` (synchronous, faster per statement). */
export type SqliteDriver = 'sqlite3' | 'better-sqlite3';

/**
 * SQLite's `PRAGMA synchronous` in WAL mode (https://www.sqlite.org/pragma.html#pragma_synchronous):
 * - FULL: the WAL file is synced at every commit, so a committed transaction survives a power loss or an
 *   OS crash. The default: a 2xx answer means the write is on stable storage.
 * - EXTRA: FULL plus a directory sync after a rollback journal is deleted; in WAL mode there is no such
 *   journal, so it gives nothing more than FULL here (accepted for operators who ask for it).
 * - NORMAL: the WAL is synced only at checkpoints. The database stays consistent, but the last
 *   transactions committed before a power cut or OS crash can roll back (a process crash loses nothing).
 * OFF is never offered: an OS crash can corrupt the database.
 */
export const SQLITE_SYNCHRONOUS_MODES = ['FULL', 'EXTRA', 'NORMAL'] as const;
export type SqliteSynchronous = (typeof SQLITE_SYNCHRONOUS_MODES)[number];
export const DURABLE_SQLITE_SYNCHRONOUS: SqliteSynchronous = 'FULL';

/** Whether a commit is on stable storage when it returns (what `PRAGMA synchronous` reads back as 2 or 3). */
export function isDurableSynchronous(mode: string): boolean {
  return mode === 'FULL' || mode === 'EXTRA';
}

export interface DbOptions {
  /** a postgres:// URL, a SQLite file path, or ':memory:' */
  url: string;
  /** PostgreSQL schema to use (tests isolate suites in their own schema) */
  schema?: string;
  /** PostgreSQL pool size (default 10) */
  poolMax?: number;
  /** PostgreSQL statement_timeout per connection in ms (default 30000; 0 = no limit) */
  statementTimeoutMs?: number;
  /** which SQLite driver Knex uses (default sqlite3) */
  sqliteDriver?: SqliteDriver;
  /** SQLite `PRAGMA synchronous` of every connection (default FULL: durable commits) */
  sqliteSynchronous?: SqliteSynchronous;
  /**
   * SQLite `PRAGMA wal_autocheckpoint` of every connection, in WAL pages; unset = SQLite's default (1000). The
   * server raises it to WAL_BACKSTOP_PAGES while its checkpointer thread runs (src/jobs/wal-checkpointer.ts).
   */
  sqliteWalAutocheckpoint?: number;
}

export function dialectOf(url: string): Dialect {
  return /^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite';
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

export function knexConfig(opts: DbOptions): Knex.Config {
  if (dialectOf(opts.url) === 'postgres') {
    const timeout = opts.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
    if (!Number.isInteger(timeout) || timeout < 0) throw new Error(`statementTimeoutMs must be a non-negative integer, got ${timeout}`);
    return {
      client: 'pg',
      connection: opts.url,
      searchPath: opts.schema ? [opts.schema] : undefined,
      pool: {
        min: 0,
        max: opts.poolMax ?? 10,
        afterCreate: (
          conn: { query: (sql: string, cb: (err: Error | null) => void) => void },
          done: (err: Error | null, conn: unknown) => void,
        ) => {
          // jit off: short OLTP queries paid 20–200 ms of JIT compilation on a million-dossier database (docs/explain-1m.md)
          conn.query(`SET statement_timeout = ${timeout}; SET TIME ZONE 'UTC'; SET jit = off`, (err) => done(err, conn));
        },
      },
      acquireConnectionTimeout: 20000,
    };
  }
  const pragmas = sqlitePragmas(opts.sqliteSynchronous ?? DURABLE_SQLITE_SYNCHRONOUS, opts.sqliteWalAutocheckpoint);
  if (opts.sqliteDriver === 'better-sqlite3') {
    return {
      client: 'better-sqlite3',
      connection: { filename: opts.url },
      useNullAsDefault: true,
      pool: { min: 1, max: 1, afterCreate: betterSqliteAfterCreate(pragmas) },
      acquireConnectionTimeout: 20000,
    };
  }
  return {
    client: 'sqlite3',
    connection: { filename: opts.url },
    useNullAsDefault: true,
    // One writer: more connections give SQLITE_BUSY on read→write upgrades.
    pool: {
      min: 1,
      max: 1,
      afterCreate: (
        conn: { run: (sql: string, cb: (err: Error | null) => void) => void },
        done: (err: Error | null, conn: unknown) => void,
      ) => {
        const next = (i: number): void => {
          if (i === pragmas.length) return done(null, conn);
          conn.run(pragmas[i]!, (err) => (err ? done(err, conn) : next(i + 1)));
        };
        next(0);
      },
    },
    acquireConnectionTimeout: 20000,
  };
}

/** How many prepared statements one better-sqlite3 connection keeps (the application has a few hundred query shapes). */
export const STATEMENT_CACHE_SIZE = 1000;

interface BetterSqliteConnection {
  exec(sql: string): void;
  prepare(sql: string): unknown;
}

/**
 * Makes a better-sqlite3 connection keep its prepared statements by SQL text. Knex prepares every query
 * afresh (parsing and planning it each time: a third of a transition's driver time); the same text gives
 * the same statement, which better-sqlite3 re-prepares by itself if the schema changes under it. Knex
 * runs each statement to completion (`all` or `run`) before the next, so a cached statement is never
 * in use twice. Past STATEMENT_CACHE_SIZE texts the cache starts again (statements are freed by GC).
 */
export function cacheStatements(conn: BetterSqliteConnection, size = STATEMENT_CACHE_SIZE): void {
  const prepare = conn.prepare.bind(conn);
  const cache = new Map<string, unknown>();
  conn.prepare = (sql: string) => {
    let statement = cache.get(sql);
    if (statement === undefined) {
      if (cache.size >= size) cache.clear();
      statement = prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
}

/** A better-sqlite3 pool's afterCreate that runs `pragmas` on each new connection and caches its statements. */
export function betterSqliteAfterCreate(pragmas: readonly string[]) {
  return (conn: BetterSqliteConnection, done: (err: Error | null, conn: unknown) => void): void => {
    try {
      for (const pragma of pragmas) conn.exec(pragma);
      cacheStatements(conn);
      done(null, conn);
    } catch (err) {
      done(err as Error, conn);
    }
  };
}

/**
 * The pragmas every SQLite connection runs when it opens (journal_mode first: synchronous means what it says for
 * WAL), and `wal_autocheckpoint` when one is given.
 */
export function sqlitePragmas(synchronous: SqliteSynchronous, walAutocheckpoint?: number): string[] {
  if (!SQLITE_SYNCHRONOUS_MODES.includes(synchronous))
    throw new Error(`sqliteSynchronous must be one of ${SQLITE_SYNCHRONOUS_MODES.join(', ')}, got ${synchronous}`);
  const pragmas = [
    'PRAGMA journal_mode = WAL',
    `PRAGMA synchronous = ${synchronous}`,
    'PRAGMA foreign_keys = ON',
    'PRAGMA busy_timeout = 5000',
  ];
  if (walAutocheckpoint === undefined) return pragmas;
  if (!Number.isInteger(walAutocheckpoint) || walAutocheckpoint < 0)
    throw new Error(`sqliteWalAutocheckpoint must be a non-negative integer, got ${walAutocheckpoint}`);
  return [...pragmas, `PRAGMA wal_autocheckpoint = ${walAutocheckpoint}`];
}

/**
 * What one `PRAGMA wal_checkpoint` answered: `busy` 1 when a RESTART or TRUNCATE could not finish (never for
 * PASSIVE), `log` the frames in the WAL, `checkpointed` how many of them are now in the database file (the WAL
 * starts again from its beginning at the next write once they are all in and no reader still uses them).
 */
export interface WalCheckpoint {
  busy: number;
  log: number;
  checkpointed: number;
}

/**
 * One PASSIVE checkpoint on `db`'s connection: copies the WAL frames no reader still needs into the database
 * file, without waiting for any lock and without blocking the writer or readers of other connections
 * (https://www.sqlite.org/c3ref/wal_checkpoint_v2.html). The connection's synchronous level (NORMAL or higher)
 * makes it sync the WAL before copying and the database file after.
 */
export async function walCheckpointPassive(db: Db): Promise<WalCheckpoint> {
  const rows = (await db.raw('PRAGMA wal_checkpoint(PASSIVE)')) as WalCheckpoint[];
  const row = rows[0];
  if (!row || typeof row.log !== 'number') throw new Error(`unexpected PRAGMA wal_checkpoint answer: ${JSON.stringify(rows)}`);
  return { busy: row.busy, log: row.log, checkpointed: row.checkpointed };
}

const SYNCHRONOUS_NAMES = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;

/** `PRAGMA synchronous` as one SQLite connection of `db` actually runs it (read back, not the configured value). */
export async function sqliteSynchronousOf(db: Knex): Promise<(typeof SYNCHRONOUS_NAMES)[number]> {
  const rows = (await db.raw('PRAGMA synchronous')) as { synchronous: number }[];
  const name = SYNCHRONOUS_NAMES[Number(rows[0]?.synchronous)];
  if (!name) throw new Error(`unexpected PRAGMA synchronous answer: ${JSON.stringify(rows)}`);
  return name;
}

/** PostgreSQL's `fsync` and `synchronous_commit` as one connection of `db` runs them. */
export async function postgresDurabilityOf(db: Knex): Promise<{ fsync: string; synchronous_commit: string }> {
  const result = await db.raw(`SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS synchronous_commit`);
  const row = (result as { rows: { fsync: string; synchronous_commit: string }[] }).rows[0]!;
  return { fsync: row.fsync, synchronous_commit: row.synchronous_commit };
}

export function openDb(opts: DbOptions): Knex {
  // SQLite would create a missing file itself, but never syncs the directory entry of the database file
  if (dialectOf(opts.url) === 'sqlite' && opts.url !== ':memory:') createFileDurable(opts.url);
  return knexFactory(knexConfig(opts));
}

export function dialectOfKnex(db: Knex): Dialect {
  const client = (db.client as { config: { client: string } }).config.client;
  return client === 'pg' ? 'postgres' : 'sqlite';
}

/** The database handle (or a transaction) that services pass to the store's functions; only src/store/ builds queries on it. */
export type Db = Knex;

/** A transaction: a Db whose statements commit or roll back together. */
export type Tx = Knex.Transaction;

/** Runs `work` in one transaction (committed when it resolves, rolled back when it throws). */
export function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(work);
}

/**
 * true for PostgreSQL's errors that abort a transaction only because it raced another one: deadlock_detected (40P01)
 * and serialization_failure (40001). Nothing of it was committed, so it can be run again as it was.
 */
export function isTransientConflict(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === '40P01' || code === '40001';
}

/** How many times a transaction PostgreSQL aborted for a deadlock or serialization failure is run in all. */
export const TRANSIENT_ATTEMPTS = 5;

/** The pause before running an aborted transaction again: a few random milliseconds, longer at each attempt. */
function transientPause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
}

export interface TransientRetry {
  /** how many runs in all (default TRANSIENT_ATTEMPTS) */
  attempts?: number;
  /** waits before run `attempt + 1` (default: a random 0–10·attempt ms) */
  pause?: (attempt: number) => Promise<void>;
}

/**
 * Runs `transaction` (one whole transaction, BEGIN to COMMIT) and, on PostgreSQL, runs it again from the start when
 * it failed with a transient conflict (isTransientConflict), up to `attempts` runs in all after a short random pause
 * (the other transaction of the cycle goes on meanwhile); after the last, its error. Any other error is thrown at once.
 * SQLite has one writer and never gives these codes: there it is `transaction()` as it is.
 *
 * Only for a transaction whose closure does database work alone: nothing sent, no file written, no in-memory state a
 * second run would double, no after-commit signal registered twice. Running it again is then running the request
 * again on what is committed now. Left without it: `removeMarkedBlob` (document-store.ts: it deletes the file inside
 * its transaction); the transactions of jobs and tools, which answer no user (outbox claims, event archive, rollup
 * rebuild, batch writer, app role, checkpoint snapshot): they fail as before, for their next pass or the operator.
 */
export async function retryTransient<T>(db: Db, transaction: () => Promise<T>, opts: TransientRetry = {}): Promise<T> {
  if (dialectOfKnex(db) !== 'postgres') return transaction();
  const attempts = opts.attempts ?? TRANSIENT_ATTEMPTS;
  const pause = opts.pause ?? transientPause;
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (err) {
      if (!isTransientConflict(err) || attempt >= attempts) throw err;
      await pause(attempt);
    }
  }
}

/** `inTransaction`, run again on PostgreSQL's transient conflicts (retryTransient: `work` must be database work only). */
export function inRetriedTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return retryTransient(db, () => db.transaction(work));
}

/**
 * Creates the configured PostgreSQL schema on first start, so migrations put the tables in it (the
 * connections' search_path). Checked first: an account without CREATE on the database can still use a
 * schema made for it.
 */
export async function ensureSchema(db: Db, schema: string): Promise<void> {
  const found = await db('information_schema.schemata').where({ schema_name: schema }).first('schema_name');
  if (!found) await db.raw('CREATE SCHEMA IF NOT EXISTS ??', [schema]);
}

/** One round trip to the database; throws when it does not answer. */
export async function ping(db: Db): Promise<void> {
  await db.raw('select 1');
}

/**
 * Runs `work` while holding a connection of `db`'s pool without using it. On SQLite the pool is the one
 * connection: no statement of this handle runs meanwhile (each waits for the connection, as it waits behind a
 * transaction), and the connection holds no lock and no snapshot, so another connection's checkpoint can copy
 * the whole WAL (src/jobs/wal-checkpointer.ts).
 */
export async function withConnectionHeld<T>(db: Db, work: () => Promise<T>): Promise<T> {
  const client = db.client as { acquireConnection(): Promise<unknown>; releaseConnection(conn: unknown): Promise<unknown> };
  const conn = await client.acquireConnection();
  try {
    return await work();
  } finally {
    await client.releaseConnection(conn);
  }
}

/** How to open another connection to the same database (a worker thread opens its own). */
export interface SharedConnection {
  client: 'pg' | 'sqlite3' | 'better-sqlite3';
  /** the Knex connection: a parsed PostgreSQL connection object, or { filename } for SQLite */
  connection: unknown;
  /** PostgreSQL schema (search path) */
  schema?: string;
}

/**
 * The connection of an open Knex instance, for a worker to open its own; null when it cannot be
 * shared (an in-memory SQLite database, an unknown client).
 */
export function sharedConnectionOf(db: Db): SharedConnection | null {
  const config = (db.client as { config: { client?: unknown; connection?: unknown; searchPath?: unknown } }).config;
  const client = config.client;
  if (client === 'pg') {
    const schema = Array.isArray(config.searchPath)
      ? (config.searchPath[0] as string | undefined)
      : typeof config.searchPath === 'string'
        ? config.searchPath
        : undefined;
    if (typeof config.connection === 'function') return null;
    return { client, connection: config.connection, ...(schema ? { schema } : {}) };
  }
  if (client === 'sqlite3' || client === 'better-sqlite3') {
    const filename = (config.connection as { filename?: unknown } | undefined)?.filename;
    if (typeof filename !== 'string' || filename === ':memory:' || filename === '') return null;
    return { client, connection: { filename } };
  }
  return null;
}

/** A new one-connection handle to the database `c` describes (configured like openDb's). */
export function openSharedConnection(c: SharedConnection): Db {
  if (c.client === 'pg') {
    // knexConfig gives the pool set-up (time zone, statement timeout); the parsed connection replaces the URL.
    return knexFactory({
      ...knexConfig({ url: 'postgres://', schema: c.schema, poolMax: 1 }),
      connection: c.connection as Knex.PgConnectionConfig,
    });
  }
  const filename = (c.connection as { filename: string }).filename;
  return knexFactory(knexConfig({ url: filename, sqliteDriver: c.client }));
}
