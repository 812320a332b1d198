/**
 * The digitisation rollup's table, the rollup by group (db/migrations/20261209000100_digitisation_rollup.ts, its
 * compliance columns 20261210620626_group_rollup_flows.ts; what it holds: machines/metrics/digitisation-rollup.ts). The engine adds a transition's entries in its own transaction with
 * one multi-row upsert (most transitions change nothing here and write nothing); the metrics read sums over a
 * range of days grouped by one key; the rebuild replaces the whole table (the migration fills it with its own SQL).
 */
import type { Knex } from 'knex';
import {
  DIGITISATION_FLOWS,
  GROUP_COLUMNS,
  type DigitisationColumn,
  type DigitisationEntry,
} from '../../machines/metrics/digitisation-rollup';
import { ROLLUP_FLOWS } from '../../machines/metrics/rollup';
import { shardFor } from './rollup-store';
import { upsertAdding, upsertAddingStatement, type Statement } from './direct-sql';

type Conn = Knex | Knex.Transaction;

const TABLE = 'digitisation_rollup';
const KEY = ['day', 'procedure_code', 'handling_unit', 'shard'];

/**
 * Adds the entries (sorted, as digitisationDelta gives them) to the rollup: one upsert statement, to be run with a
 * transaction's other writes (src/store/direct-sql.ts `runTogether`); null for no entry.
 */
export function digitisationStatement(tx: Conn, entries: readonly DigitisationEntry[]): Statement | null {
  return upsertAddingStatement(TABLE, KEY, ...digitisationRows(entries, shardFor(tx)));
}

function digitisationRows(entries: readonly DigitisationEntry[], shard: number): [DigitisationColumn[], unknown[][]] {
  const cols = new Set<DigitisationColumn>();
  for (const e of entries) for (const k of Object.keys(e.values) as DigitisationColumn[]) cols.add(k);
  const used = GROUP_COLUMNS.filter((c) => cols.has(c));
  return [used, entries.map((e) => [e.day, e.procedure, e.unit, shard, ...used.map((c) => e.values[c] ?? 0)])];
}

/** What the sums are grouped by: the day, the procedure or the handling unit. */
export type DigitisationKey = 'day' | 'procedure_code' | 'handling_unit';

const rowsOf = (raw: unknown) =>
  (Array.isArray(raw) ? raw : (raw as { rows: Record<string, unknown>[] }).rows) as Record<string, unknown>[];

/** Sums (all shards) of the digitisation counts of the days in [fromDay, toDay), one row per value of `key`, in key order. */
export async function digitisationSums(
  db: Conn,
  fromDay: string,
  toDay: string,
  key: DigitisationKey,
): Promise<{ key: string; values: Record<(typeof DIGITISATION_FLOWS)[number], number> }[]> {
  const sums = DIGITISATION_FLOWS.map((c) => `SUM("${c}") AS "${c}"`).join(', ');
  const raw = await db.raw(`SELECT ${key} AS k, ${sums} FROM ${TABLE} WHERE day >= ? AND day < ? GROUP BY ${key} ORDER BY ${key}`, [
    fromDay,
    toDay,
  ]);
  const rows = (Array.isArray(raw) ? raw : (raw as { rows: Record<string, unknown>[] }).rows) as Record<string, unknown>[];
  return rows.map((r) => {
    const values = {} as Record<(typeof DIGITISATION_FLOWS)[number], number>;
    for (const c of DIGITISATION_FLOWS) values[c] = Number(r[c] ?? 0);
    return { key: String(r.k), values };
  });
}

/**
 * The compliance counts of one period [fromDay, toDay) by procedure or by unit (all shards), one row per key in key
 * order: each flow summed over the period's days, `pending` and `results_not_collected` as of the period's end (the sum
 * of every day up to and including `toDay`, the first midnight after it) and `carried_over` as of its start (the
 * pending of every day up to `fromDay`). One read of the table's days up to the end.
 */
export async function groupComplianceSums(
  db: Conn,
  fromDay: string,
  toDay: string,
  key: 'procedure_code' | 'handling_unit',
): Promise<{ key: string; values: Record<DigitisationColumn | 'carried_over', number> }[]> {
  const levels = ['pending', 'results_not_collected'].map((c) => `SUM("${c}") AS "${c}"`);
  const carried = `SUM(CASE WHEN day <= ? THEN pending ELSE 0 END) AS carried_over`;
  const inPeriod = `day >= ? AND day < ?`;
  const sums = [...ROLLUP_FLOWS.map((c) => `SUM(CASE WHEN ${inPeriod} THEN "${c}" ELSE 0 END) AS "${c}"`), ...levels, carried];
  const raw = await db.raw(`SELECT ${key} AS k, ${sums.join(', ')} FROM ${TABLE} WHERE day <= ? GROUP BY ${key} ORDER BY ${key}`, [
    ...ROLLUP_FLOWS.flatMap(() => [fromDay, toDay]),
    fromDay,
    toDay,
  ]);
  return rowsOf(raw).map((r) => {
    const values = {} as Record<DigitisationColumn | 'carried_over', number>;
    for (const c of [...GROUP_COLUMNS, 'carried_over' as const]) values[c] = Number(r[c] ?? 0);
    return { key: String(r.k), values };
  });
}

/**
 * The whole centre's per-day totals of every count the table holds (the sums over all procedures, units and shards) of
 * every day before `beforeDay`, in day order: the flows and fixed-instant levels of the whole-centre, weekly and monthly
 * compliance figures (machines/metrics/rollup.ts), which live in this table only.
 */
export async function groupRollupDays(db: Conn, beforeDay: string): Promise<{ day: string; values: Record<DigitisationColumn, number> }[]> {
  const sums = GROUP_COLUMNS.map((c) => `SUM("${c}") AS "${c}"`).join(', ');
  const raw = await db.raw(`SELECT day, ${sums} FROM ${TABLE} WHERE day < ? GROUP BY day ORDER BY day`, [beforeDay]);
  return rowsOf(raw).map((r) => {
    const values = {} as Record<DigitisationColumn, number>;
    for (const c of GROUP_COLUMNS) values[c] = Number(r[c] ?? 0);
    return { day: String(r.day), values };
  });
}

/** Every day × procedure × unit's totals (all shards) without the all-zero ones, in key order (code units, as the pure side sorts): what metrics:rollup --verify compares. */
export async function digitisationRollupEntries(db: Conn): Promise<DigitisationEntry[]> {
  const sums = GROUP_COLUMNS.map((c) => `SUM("${c}") AS "${c}"`).join(', ');
  const raw = await db.raw(`SELECT day, procedure_code, handling_unit, ${sums} FROM ${TABLE} GROUP BY day, procedure_code, handling_unit`);
  const rows = (Array.isArray(raw) ? raw : (raw as { rows: Record<string, unknown>[] }).rows) as Record<string, unknown>[];
  const out: DigitisationEntry[] = [];
  for (const r of rows) {
    const values = Object.fromEntries(GROUP_COLUMNS.map((c) => [c, Number(r[c] ?? 0)]).filter(([, v]) => v !== 0));
    if (Object.keys(values).length)
      out.push({ day: String(r.day), procedure: String(r.procedure_code), unit: String(r.handling_unit), values });
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return out.sort((a, b) => cmp(a.day, b.day) || cmp(a.procedure, b.procedure) || cmp(a.unit, b.unit));
}

/** Replaces the whole table with these entries (shard 0), in the caller's transaction. */
export async function replaceDigitisationRollup(tx: Conn, entries: readonly DigitisationEntry[]): Promise<void> {
  await tx(TABLE).delete();
  // Chunks well under either database's bound on bound variables (34 per row); each entry in exactly one chunk.
  const chunk = 25;
  for (let i = 0; i < entries.length; i += chunk) await upsertAdding(tx, TABLE, KEY, ...digitisationRows(entries.slice(i, i + chunk), 0));
}
