/**
 * The compliance rollup's per-day table (db/migrations/20261206000400_compliance_rollup.ts; since
 * 20261211406316_day_rollup_classes_only the pending classes at each midnight only, the other counts being the rollup
 * by group's: machines/metrics/rollup.ts). The engine adds a transition's entries in its own transaction with one
 * multi-row upsert (none when the pending class does not move); the metrics read the per-day sums; the rebuild
 * replaces the whole table.
 */
import type { Knex } from 'knex';
import { ROLLUP_CLASSES, type RollupClass, type RollupEntry, type RollupValues } from '../../machines/metrics/rollup';
import { dialectOfKnex } from './db';
import { upsertAdding, upsertAddingStatement, type Statement } from './direct-sql';

type Conn = Knex | Knex.Transaction;

/** Rows of one shard number per writer on PostgreSQL (concurrent transactions rarely share a row); SQLite has one writer. */
const PG_SHARDS = 8;

const ROLLUP_KEY = ['day', 'shard'];

export function shardFor(db: Conn): number {
  return dialectOfKnex(db as Knex) === 'postgres' ? Math.floor(Math.random() * PG_SHARDS) : 0;
}

/**
 * Adds the entries (sorted by day, as rollupDelta gives them) to the rollup: one upsert statement, to be run with a
 * transaction's other writes (src/store/direct-sql.ts `runTogether`); null for no entry.
 */
export function rollupStatement(tx: Conn, entries: readonly RollupEntry[]): Statement | null {
  return upsertAddingStatement('compliance_rollup', ROLLUP_KEY, ...rollupRows(entries, shardFor(tx)));
}

function rollupRows(entries: readonly RollupEntry[], shard: number): [RollupClass[], unknown[][]] {
  const cols = new Set<RollupClass>();
  for (const e of entries) for (const k of Object.keys(e.values) as RollupClass[]) cols.add(k);
  const used = ROLLUP_CLASSES.filter((c) => cols.has(c));
  return [used, entries.map((e) => [e.day, shard, ...used.map((c) => e.values[c] ?? 0)])];
}

/** Per-day totals (all shards) of the pending classes of every day before `beforeDay`, in day order. */
export async function rollupDays(db: Conn, beforeDay: string): Promise<{ day: string; values: Record<RollupClass, number> }[]> {
  const sums = ROLLUP_CLASSES.map((c) => `SUM("${c}") AS "${c}"`).join(', ');
  const raw = await db.raw(`SELECT day, ${sums} FROM compliance_rollup WHERE day < ? GROUP BY day ORDER BY day`, [beforeDay]);
  const rows = (Array.isArray(raw) ? raw : (raw as { rows: Record<string, unknown>[] }).rows) as Record<string, unknown>[];
  return rows.map((r) => {
    const values = {} as Record<RollupClass, number>;
    for (const c of ROLLUP_CLASSES) values[c] = Number(r[c] ?? 0);
    return { day: String(r.day), values };
  });
}

/** Whether the rollup holds every dossier's contribution (false after the migration on a database with dossiers, until a rebuild). */
export async function rollupComplete(db: Conn): Promise<boolean> {
  const row = (await db('compliance_rollup_state').where({ id: 1 }).first()) as { complete: unknown } | undefined;
  return row !== undefined && (row.complete === true || row.complete === 1);
}

/** Replaces the whole rollup with these per-day totals and marks it complete, in one transaction. */
export async function replaceRollup(tx: Knex.Transaction, days: Map<string, RollupValues>, builtAt: string): Promise<void> {
  await tx('compliance_rollup').delete();
  const entries = [...days].map(([day, values]) => ({ day, values })).sort((a, b) => (a.day < b.day ? -1 : 1));
  // Chunks well under either database's bound on bound variables.
  for (let i = 0; i < entries.length; i += 200)
    await upsertAdding(tx, 'compliance_rollup', ROLLUP_KEY, ...rollupRows(entries.slice(i, i + 200), 0));
  await tx('compliance_rollup_state').where({ id: 1 }).update({ complete: true, built_at: builtAt });
}
