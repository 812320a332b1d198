/**
 * Versioned procedure definitions. A new definition is a new version; a dossier pins the version it started
 * with, so editing the catalogue never changes a running dossier.
 */
import type { Knex } from 'knex';
import { toIso } from './time';
import { isTx, runInTx, type Row } from './direct-sql';

export interface StoredProcedure {
  code: string;
  version: number;
  definition: unknown;
  createdAt: string;
  createdBy: string;
}

function fromRow(r: Record<string, unknown>): StoredProcedure {
  return {
    code: String(r.code),
    version: Number(r.version),
    definition: JSON.parse(String(r.definition)),
    createdAt: toIso(r.created_at),
    createdBy: String(r.created_by),
  };
}

export async function insertProcedureVersion(
  db: Knex | Knex.Transaction,
  p: { code: string; version: number; definition: unknown; createdAt: string; createdBy: string },
): Promise<void> {
  await db('procedures').insert({
    code: p.code,
    version: p.version,
    definition: JSON.stringify(p.definition),
    created_at: p.createdAt,
    created_by: p.createdBy,
  });
}

/** The latest version number of a procedure (null: no such procedure); in a transaction straight to the driver (src/store/direct-sql.ts). */
export async function latestProcedureVersion(db: Knex | Knex.Transaction, code: string): Promise<number | null> {
  const sql = 'SELECT max(version) AS version FROM procedures WHERE code = ?';
  const row: Row | undefined = isTx(db)
    ? (await runInTx(db, sql, [code], true)).rows[0]
    : await db('procedures').where({ code }).max({ version: 'version' }).first();
  return row?.version == null ? null : Number(row.version);
}

export async function findProcedureVersion(db: Knex | Knex.Transaction, code: string, version: number): Promise<StoredProcedure | null> {
  const r = await db('procedures').where({ code, version }).first();
  return r ? fromRow(r) : null;
}

export async function findLatestProcedure(db: Knex | Knex.Transaction, code: string): Promise<StoredProcedure | null> {
  const r = await db('procedures').where({ code }).orderBy('version', 'desc').first();
  return r ? fromRow(r) : null;
}

/** The latest version of every procedure, by code. */
export async function listLatestProcedures(db: Knex | Knex.Transaction): Promise<StoredProcedure[]> {
  const rows = await db('procedures as p')
    .whereRaw('p.version = (select max(q.version) from procedures q where q.code = p.code)')
    .orderBy('p.code');
  return rows.map(fromRow);
}

/** Every version of every procedure with its definition as stored (JSON text), by code then version. */
export async function listProcedureDefinitions(
  db: Knex | Knex.Transaction,
): Promise<{ code: string; version: number; definition: string }[]> {
  const rows = (await db('procedures').select('code', 'version', 'definition').orderBy(['code', 'version'])) as {
    code: string;
    version: number | string;
    definition: string;
  }[];
  return rows.map((r) => ({ code: r.code, version: Number(r.version), definition: String(r.definition) }));
}
