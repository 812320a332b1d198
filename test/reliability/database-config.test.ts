/**
 * The database settings a deployment chooses: DATABASE_POOL_MAX, DATABASE_STATEMENT_TIMEOUT_MS and
 * DATABASE_SCHEMA reach the connections, a server started on a new schema creates it and puts its tables
 * there, and a wrong value stops the real process with a message naming the variable.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { loadConfig } from '../../src/config';
import { configError } from '../support/config';
import { knexConfig, openDb } from '../../src/store/db';
import { BACKENDS, POSTGRES_URL } from '../support/backends';
import { childEnv, killAllServerProcesses, nodeArgsFor, REPO_ROOT, startServerProcess } from '../support/server-process';

const POSTGRES = BACKENDS.find((b) => b.name === 'postgres');

describe('database configuration', () => {
  afterAll(() => killAllServerProcesses());

  test('a wrong DATABASE_POOL_MAX, DATABASE_STATEMENT_TIMEOUT_MS or DATABASE_SCHEMA is refused naming the variable', () => {
    const pg = { DATABASE_URL: POSTGRES_URL };
    expect(configError({ ...pg, DATABASE_POOL_MAX: '0' })).toMatch(/DATABASE_POOL_MAX/);
    expect(configError({ ...pg, DATABASE_POOL_MAX: 'ten' })).toMatch(/DATABASE_POOL_MAX/);
    expect(configError({ ...pg, DATABASE_STATEMENT_TIMEOUT_MS: '-1' })).toMatch(/DATABASE_STATEMENT_TIMEOUT_MS/);
    expect(configError({ ...pg, DATABASE_SCHEMA: 'Centre-A; DROP' })).toMatch(/DATABASE_SCHEMA/);
    expect(configError({ DATABASE_URL: './data/x.sqlite', DATABASE_SCHEMA: 'centre_a' })).toMatch(/DATABASE_SCHEMA: only for PostgreSQL/);
    expect(configError({ ...pg, MOTCUA_DRAIN_TIMEOUT_MS: 'soon' })).toMatch(/MOTCUA_DRAIN_TIMEOUT_MS/);
    expect(loadConfig(pg)).toMatchObject({ DATABASE_POOL_MAX: 10, DATABASE_STATEMENT_TIMEOUT_MS: 30_000, MOTCUA_DRAIN_TIMEOUT_MS: 10_000 });
    expect(loadConfig(pg).DATABASE_SCHEMA).toBeUndefined();
  });

  test('the real server stops with exit code 1 and names the wrong variable', async () => {
    const child = spawn(process.execPath, nodeArgsFor('src/main.ts'), {
      cwd: REPO_ROOT,
      env: childEnv({ DATABASE_URL: POSTGRES_URL, DATABASE_POOL_MAX: 'many', PORT: '0' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/Invalid configuration:\nDATABASE_POOL_MAX: /);
  });

  test('the pool size and statement timeout reach the PostgreSQL configuration', () => {
    const cfg = knexConfig({ url: POSTGRES_URL, poolMax: 3, statementTimeoutMs: 1234 });
    expect((cfg.pool as { max: number }).max).toBe(3);
    expect(() => knexConfig({ url: POSTGRES_URL, statementTimeoutMs: 1.5 })).toThrow(/statementTimeoutMs/);
  });

  (POSTGRES ? test : test.skip)(
    'on PostgreSQL every connection has the statement timeout, and a server on a new DATABASE_SCHEMA creates it with its tables',
    async () => {
      const db = openDb({ url: POSTGRES_URL, statementTimeoutMs: 1234, poolMax: 1 });
      const schema = `cfg_${randomBytes(5).toString('hex')}`;
      const admin = knexFactory({ client: 'pg', connection: POSTGRES_URL, pool: { min: 0, max: 1 } });
      try {
        const shown = await db.raw('SHOW statement_timeout');
        expect(shown.rows[0].statement_timeout).toBe('1234ms');
        const server = await startServerProcess({
          name: 'schema',
          env: { DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema, MOTCUA_SWEEP_INTERVAL_MS: '0', MOTCUA_CHECKPOINT_INTERVAL_MS: '0' },
        });
        server.kill('SIGTERM');
        expect(await server.waitForExit()).toEqual({ code: 0, signal: null });
        const tables = (await admin('information_schema.tables').where({ table_schema: schema }).pluck('table_name')) as string[];
        expect(tables).toEqual(expect.arrayContaining(['dossiers', 'dossier_events', 'code_sequences', 'knex_migrations']));
      } finally {
        await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
        await admin.destroy();
        await db.destroy();
      }
    },
  );
});
