/**
 * Database connection: SQLite (file, WAL, one writer) by default, PostgreSQL when DATABASE_URL is a postgres URL.
 * Knex configuration is derived by a pure function; pragmas are set per connection in pool.afterCreate.
 */
import path from 'node:path';
import fs from 'node:fs';
import knexFactory, { type Knex } from 'knex';

export type Dialect = 'sqlite' | 'postgres';

/** SQLite drivers: `sqlite3` (asynchronous, the default) or `better-sqlite3` (synchronous, faster per statement). */
export type SqliteDriver = 'sqlite3' | 'better-sqlite3';

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
        afterCreate: (conn: { query: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null, conn: unknown) => void) => {
          // jit off: short OLTP queries paid 20–200 ms of JIT compilation on a million-dossier database (docs/explain-1m.md)
          conn.query(`SET statement_timeout = ${timeout}; SET TIME ZONE 'UTC'; SET jit = off`, (err) => done(err, conn));
        },
      },
      acquireConnectionTimeout: 20000,
    };
  }
  const pragmas = ['PRAGMA journal_mode = WAL', 'PRAGMA synchronous = NORMAL', 'PRAGMA foreign_keys = ON', 'PRAGMA busy_timeout = 5000'];
  if (opts.sqliteDriver === 'better-sqlite3') {
    return {
      client: 'better-sqlite3',
      connection: { filename: opts.url },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        afterCreate: (conn: { exec: (sql: string) => void }, done: (err: Error | null, conn: unknown) => void) => {
          try {
            for (const pragma of pragmas) conn.exec(pragma);
            done(null, conn);
          } catch (err) {
            done(err as Error, conn);
          }
        },
      },
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
      afterCreate: (conn: { run: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null, conn: unknown) => void) => {
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

export function openDb(opts: DbOptions): Knex {
  if (dialectOf(opts.url) === 'sqlite' && opts.url !== ':memory:') {
    fs.mkdirSync(path.dirname(path.resolve(opts.url)), { recursive: true });
  }
  return knexFactory(knexConfig(opts));
}

export function dialectOfKnex(db: Knex): Dialect {
  const client = (db.client as { config: { client: string } }).config.client;
  return client === 'pg' ? 'postgres' : 'sqlite';
}

/** The database handle (or a transaction) that services pass to the store's functions; only src/store/ builds queries on it. */
export type Db = Knex;
