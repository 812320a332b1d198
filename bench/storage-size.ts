/**
 * Bytes a dossier takes on disk, table by table and index by index: the event log and the projection,
 * and every table that grows with the dossiers and is kept (the pending-class history, the document
 * references and the file records; the files themselves are in the document store, not the database).
 * Left out: outbox deliveries (pruned after MOTCUA_OUTBOX_RETENTION_DAYS) and the compliance rollup (a row
 * per day, not per dossier). PostgreSQL from pg_table_size / pg_relation_size (TOAST included in the
 * table), SQLite from the dbstat virtual table; a table the database does not have yet counts nothing.
 * Divided by the number of dossiers.
 */
import type { Knex } from 'knex';
import { dialectOfKnex } from '../src/store/db';

export const STORED_TABLES = ['dossiers', 'dossier_events', 'dossier_class_history', 'document_refs', 'blobs'] as const;

export interface RelationSize {
  table: string;
  /** the table itself, or an index's name */
  name: string;
  kind: 'table' | 'index';
  bytes: number;
}

export interface StorageReport {
  relations: RelationSize[];
  totalBytes: number;
  dossiers: number;
  closedDossiers: number;
  events: number;
  bytesPerDossier: number;
  source: string;
}

async function postgresSizes(db: Knex): Promise<RelationSize[]> {
  const out: RelationSize[] = [];
  for (const table of STORED_TABLES) {
    const t = await db.raw(`SELECT pg_table_size(c.oid)::bigint AS bytes FROM pg_class c WHERE c.oid = to_regclass(?)`, [table]);
    if (!t.rows.length) continue;
    out.push({ table, name: table, kind: 'table', bytes: Number(t.rows[0].bytes) });
    const idx = await db.raw(
      `SELECT i.relname AS name, pg_relation_size(i.oid)::bigint AS bytes
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = to_regclass(?) ORDER BY i.relname`,
      [table],
    );
    for (const r of idx.rows as { name: string; bytes: string }[]) out.push({ table, name: r.name, kind: 'index', bytes: Number(r.bytes) });
  }
  return out;
}

async function sqliteSizes(db: Knex): Promise<RelationSize[]> {
  const objects = (await db('sqlite_master')
    .select('type', 'name', 'tbl_name')
    .whereIn('tbl_name', [...STORED_TABLES])) as { type: string; name: string; tbl_name: string }[];
  const sizes = new Map(
    ((await db.raw(`SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name`)) as { name: string; bytes: number }[]).map((r) => [
      r.name,
      Number(r.bytes),
    ]),
  );
  return objects
    .filter((o) => o.type === 'table' || o.type === 'index')
    .map((o) => ({
      table: o.tbl_name,
      name: o.name,
      kind: o.type === 'table' ? ('table' as const) : ('index' as const),
      bytes: sizes.get(o.name) ?? 0,
    }))
    .sort((a, b) =>
      a.table === b.table
        ? a.kind === b.kind
          ? a.name.localeCompare(b.name)
          : a.kind === 'table'
            ? -1
            : 1
        : a.table.localeCompare(b.table),
    );
}

export async function storageReport(db: Knex): Promise<StorageReport> {
  const pg = dialectOfKnex(db) === 'postgres';
  const relations = pg ? await postgresSizes(db) : await sqliteSizes(db);
  const count = async (q: Knex.QueryBuilder) => Number(((await q.count({ n: '*' })) as { n: unknown }[])[0]?.n ?? 0);
  const dossiers = await count(db('dossiers'));
  const closedDossiers = await count(db('dossiers').whereNotNull('closed_at'));
  const events = await count(db('dossier_events'));
  const totalBytes = relations.reduce((s, r) => s + r.bytes, 0);
  return {
    relations,
    totalBytes,
    dossiers,
    closedDossiers,
    events,
    bytesPerDossier: dossiers ? totalBytes / dossiers : Number.NaN,
    source: pg ? 'pg_table_size (heap + TOAST) and pg_relation_size per index' : 'SQLite dbstat (pages of each table and index)',
  };
}
