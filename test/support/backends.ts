/**
 * The databases persistence tests run against. SQLite always. PostgreSQL too, at TEST_POSTGRES_URL
 * (default postgres://postgres@127.0.0.1:5432/test), unless MOTCUA_TEST_PG=off, which prints a loud
 * warning; in CI (CI=true) turning it off is refused, so a missing database fails the run.
 * Each suite gets its own SQLite file or PostgreSQL schema, dropped afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import type { SqliteDriver } from '../../src/store/db';

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** how test titles name it */
  label: string;
  /** creates a fresh, empty database for one suite */
  create(): Promise<{ url: string; schema?: string; sqliteDriver?: SqliteDriver; drop(): Promise<void> }>;
}

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const sqlite: Backend = {
  name: 'sqlite',
  label: 'sqlite',
  async create() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-test-'));
    return { url: path.join(dir, 'motcua.sqlite'), drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  },
};

/** SQLite through the synchronous better-sqlite3 driver, the alternative a centre can choose (MOTCUA_SQLITE_DRIVER). */
export const SQLITE_BETTER: Backend = {
  name: 'sqlite',
  label: 'sqlite (better-sqlite3 driver)',
  async create() {
    return { ...(await sqlite.create()), sqliteDriver: 'better-sqlite3' };
  },
};

const postgres: Backend = {
  name: 'postgres',
  label: 'postgres',
  async create() {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = knexFactory({ client: 'pg', connection: POSTGRES_URL, pool: { min: 0, max: 1 } });
    try {
      await admin.raw(`CREATE SCHEMA ${schema}`);
    } catch (err) {
      await admin.destroy();
      throw new Error(
        `PostgreSQL tests need a database at ${POSTGRES_URL} (set TEST_POSTGRES_URL, or MOTCUA_TEST_PG=off outside CI to skip them): ${(err as Error).message}`,
        { cause: err },
      );
    }
    await admin.destroy();
    return {
      url: POSTGRES_URL,
      schema,
      drop: async () => {
        const k = knexFactory({ client: 'pg', connection: POSTGRES_URL, pool: { min: 0, max: 1 } });
        await k.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await k.destroy();
      },
    };
  },
};

function postgresEnabled(): boolean {
  if (process.env.MOTCUA_TEST_PG !== 'off') return true;
  if (process.env.CI === 'true') throw new Error('MOTCUA_TEST_PG=off is not allowed in CI: the PostgreSQL suite is required');
  // eslint-disable-next-line no-console -- a skipped suite must be loud
  console.warn('\n*** MOTCUA_TEST_PG=off: PostgreSQL persistence tests are SKIPPED. They run in CI. ***\n');
  return false;
}

export const BACKENDS: Backend[] = postgresEnabled() ? [sqlite, postgres] : [sqlite];
