/**
 * Writes generated dossiers fast (npm run seed:generate, src/seed-generate/): multi-row INSERTs (up to 1000 rows a statement, within the
 * database's limit on bound variables: 65535 on PostgreSQL, 32766 on SQLite ≥ 3.32, else 999), in one
 * transaction per batch. Rows arrive already flattened in column order (the CPU work happens where the
 * dossiers are built); the writer only binds them.
 * On PostgreSQL the batch goes straight to a pooled `pg` connection as named prepared statements: the
 * server parses and plans each statement shape once per connection, and Knex's placeholder rewriting
 * is skipped (measured: a third less server CPU and half the client CPU of `knex.raw`). A batch's
 * commit does not wait for the WAL flush (`synchronous_commit = off` for that transaction: a crash
 * loses the last batches of a generation that would be rerun anyway, never consistency).
 */
import type { Knex } from 'knex';
import { dialectOfKnex } from './db';
import type { EventRow } from './dossier-store';
import type { FullRow } from '../../machines/engine/plan';

/** The dossiers columns in the order `dossierRow` builds them (taken from a built row). */
export function dossierColumns(row: FullRow): string[] {
  return Object.keys(row);
}

/** Appends the row's values in `columns` order to `out`. */
export function flattenRow(row: Record<string, unknown>, columns: readonly string[], out: unknown[]): void {
  if (Object.keys(row).length !== columns.length) throw new Error(`row ${String(row.id)} has other columns than ${columns.join(', ')}`);
  for (const c of columns) out.push(row[c]);
}

export function flattenEvent(e: EventRow, out: unknown[]): void {
  out.push(e.dossier_id, e.seq, e.type, e.payload, e.actor, e.actor_unit, e.occurred_at, e.machine_version, e.prev_hash, e.hash);
}

/** The driver connection Knex pools on PostgreSQL (node-postgres Client). */
interface PgConnection {
  query(q: string | { name: string; text: string; values: unknown[] }): Promise<unknown>;
}
interface PooledClient {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(c: PgConnection): Promise<void>;
}

/** Flat values of many rows of one table. */
export interface Rows {
  columns: readonly string[];
  values: unknown[];
}

export class BatchWriter {
  private readonly pg: boolean;
  private maxVariables = 999;
  private readonly sql = new Map<string, string>();
  /** a prepared statement's name per statement text (node-postgres keeps one parse per name and connection) */
  private readonly names = new Map<string, number>();

  private constructor(private readonly db: Knex) {
    this.pg = dialectOfKnex(db) === 'postgres';
  }

  static async open(db: Knex): Promise<BatchWriter> {
    const w = new BatchWriter(db);
    if (w.pg) w.maxVariables = 65_535;
    else {
      const rows = (await db.raw('select sqlite_version() as v')) as { v: string }[];
      const [major, minor] = (rows[0]?.v ?? '3.0').split('.').map(Number) as [number, number];
      w.maxVariables = major > 3 || (major === 3 && minor >= 32) ? 32_766 : 999;
    }
    return w;
  }

  /**
   * One transaction: the dossiers rows, then their events (events reference dossiers), then the tables that
   * follow from the events (`blobs`, `document_refs`). A `blobs` row already written (a file an earlier batch
   * brought, reused now) keeps its first upload and moves its `touched_at` to the later reference, as the
   * engine's touch of a referenced blob does.
   */
  async writeBatch(dossiers: Rows, events: Rows, more: readonly [string, Rows][] = []): Promise<void> {
    const tables: [string, Rows][] = [['dossiers', dossiers], ['dossier_events', events], ...more];
    if (this.pg) return this.writePg(tables);
    await this.db.transaction(async (tx) => {
      for (const [table, rows] of tables) await this.insert(tx, table, rows);
    });
  }

  private async writePg(tables: [string, Rows][]): Promise<void> {
    const client = this.db.client as unknown as PooledClient;
    const conn = await client.acquireConnection();
    try {
      await conn.query('BEGIN');
      try {
        await conn.query('SET LOCAL synchronous_commit = off');
        for (const [table, rows] of tables) {
          const width = rows.columns.length;
          const count = rows.values.length / width;
          const perStatement = this.rowsPerStatement(width);
          for (let start = 0; start < count; start += perStatement) {
            const n = Math.min(perStatement, count - start);
            const text = this.statement(table, rows.columns, n, true);
            await conn.query({
              name: `seed_generate_${this.names.get(text)}`,
              text,
              values: rows.values.slice(start * width, (start + n) * width),
            });
          }
        }
        await conn.query('COMMIT');
      } catch (err) {
        await conn.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    } finally {
      await client.releaseConnection(conn);
    }
  }

  async insertRows(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    if (!rows.length) return;
    const columns = Object.keys(rows[0]!);
    const values: unknown[] = [];
    for (const r of rows) flattenRow(r, columns, values);
    await this.db.transaction((tx) => this.insert(tx, table, { columns, values }));
  }

  private rowsPerStatement(width: number): number {
    return Math.max(1, Math.min(1000, Math.floor(this.maxVariables / width)));
  }

  private async insert(tx: Knex.Transaction, table: string, rows: Rows): Promise<void> {
    const width = rows.columns.length;
    const count = rows.values.length / width;
    const perStatement = this.rowsPerStatement(width);
    for (let start = 0; start < count; start += perStatement) {
      const n = Math.min(perStatement, count - start);
      const slice = rows.values.slice(start * width, (start + n) * width);
      if (!this.pg) for (let i = 0; i < slice.length; i++) if (typeof slice[i] === 'boolean') slice[i] = slice[i] ? 1 : 0;
      await tx.raw(this.statement(table, rows.columns, n), slice as Knex.RawBinding[]);
    }
  }

  /** A blob already stored keeps its row; only its last reference moves (rows of one statement have distinct hashes). */
  private onConflict(table: string): string {
    if (table !== 'blobs') return '';
    return this.pg
      ? ' ON CONFLICT (sha256) DO UPDATE SET touched_at = GREATEST(blobs.touched_at, EXCLUDED.touched_at)'
      : ' ON CONFLICT(sha256) DO UPDATE SET touched_at = MAX(blobs.touched_at, excluded.touched_at)';
  }

  /** The INSERT of n rows, with `?` placeholders (Knex) or `$1…` (node-postgres); each shape is built once. */
  private statement(table: string, columns: readonly string[], n: number, numbered = false): string {
    const key = `${table}|${columns.join(',')}|${n}|${numbered}`;
    let sql = this.sql.get(key);
    if (!sql) {
      let i = 0;
      const tuple = () => `(${columns.map(() => (numbered ? `$${++i}` : '?')).join(',')})`;
      sql = `INSERT INTO ${table} (${columns.join(',')}) VALUES ${Array.from({ length: n }, tuple).join(',')}${this.onConflict(table)}`;
      this.sql.set(key, sql);
      this.names.set(sql, this.names.size + 1);
    }
    return sql;
  }
}

/**
 * Refreshes the planner's statistics after a bulk load. Autovacuum analyses a table only after enough changes and
 * may not have run when the generated database is first queried: measured on a freshly generated 100 000-dossier
 * PostgreSQL database, the planner expected 61 rows of a year's 48 448 received dossiers and sorted them on disk.
 */
export async function analyzeAfterBulkLoad(db: Knex): Promise<void> {
  // the loaded tables only (a whole-database ANALYZE would also lock every other schema's tables in turn)
  for (const table of BULK_LOADED_TABLES) await db.raw('ANALYZE ??', [table]);
}

const BULK_LOADED_TABLES = [
  'dossiers',
  'dossier_events',
  'blobs',
  'document_refs',
  'compliance_rollup',
  'digitisation_rollup',
  'dossier_class_history',
  'users',
];
