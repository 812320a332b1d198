/**
 * The pending-class history (db/migrations/20261208000500_class_history.ts; what it holds:
 * machines/metrics/class-history.ts): per dossier, the intervals of the facts that classify it when pending.
 * The engine moves it in each event's own transaction (close the open interval, open the next); the rebuild
 * replaces it with the intervals derived from the events.
 */
import type { Knex } from 'knex';
import type { ClassFacts, ClassInterval } from '../../machines/metrics/class-history';
import { toIso, toIsoOrNull } from './time';
import { placeholders, type Statement } from './direct-sql';

type Conn = Knex | Knex.Transaction;

export const CLASS_HISTORY = 'dossier_class_history';

const factsColumns = (f: ClassFacts) => ({
  clock_stopped: f.clockStopped,
  original_due_at: f.originalDueAt,
  intake_due_by: f.intakeDueBy,
  intake_answered_at: f.intakeAnsweredAt,
});

/**
 * A new dossier's first interval, from its submission (its last event `seq`, at `at`): a statement run with the
 * submission's other writes (src/store/direct-sql.ts `runTogether`).
 */
export function openClassIntervalStatement(dossierId: string, seq: number, at: string, facts: ClassFacts): Statement {
  const row = intervalRow(dossierId, seq, at, facts);
  return {
    sql: `INSERT INTO ${CLASS_HISTORY} (${Object.keys(row).join(', ')}) VALUES ${placeholders(Object.keys(row).length)}`,
    params: Object.values(row),
  };
}

const intervalRow = (dossierId: string, seq: number, at: string, facts: ClassFacts) => ({
  dossier_id: dossierId,
  seq,
  valid_from: at,
  valid_to: null,
  ...factsColumns(facts),
});

/**
 * A transition at `at` (its last event `seq`) changed the facts: the open interval ends, a new one opens. Statements
 * run with the transition's other writes (src/store/direct-sql.ts `runTogether`): on PostgreSQL in one statement both
 * see the rows as they were before it, so the UPDATE closes the old interval only.
 */
export function moveClassIntervalStatements(dossierId: string, seq: number, at: string, facts: ClassFacts): Statement[] {
  return [
    { sql: `UPDATE ${CLASS_HISTORY} SET valid_to = ? WHERE dossier_id = ? AND valid_to IS NULL`, params: [at, dossierId] },
    openClassIntervalStatement(dossierId, seq, at, facts),
  ];
}

/** Inserts whole histories (a rebuild's or a backfill's), in chunks well under either database's bound on variables. */
export async function insertClassIntervals(tx: Conn, byDossier: readonly [string, readonly ClassInterval[]][]): Promise<void> {
  const rows = byDossier.flatMap(([id, intervals]) =>
    intervals.map((i) => ({ dossier_id: id, seq: i.seq, valid_from: i.validFrom, valid_to: i.validTo, ...factsColumns(i) })),
  );
  for (let i = 0; i < rows.length; i += 100) await tx(CLASS_HISTORY).insert(rows.slice(i, i + 100));
}

export async function deleteClassHistory(tx: Conn): Promise<void> {
  await tx(CLASS_HISTORY).delete();
}

/** The kept intervals of these dossiers, in order. */
export async function classIntervalsOf(db: Conn, ids: readonly string[]): Promise<Map<string, ClassInterval[]>> {
  const out = new Map<string, ClassInterval[]>();
  if (!ids.length) return out;
  const rows = (await db(CLASS_HISTORY)
    .whereIn('dossier_id', [...ids])
    .orderBy([{ column: 'dossier_id' }, { column: 'seq' }])) as Record<string, unknown>[];
  for (const r of rows) {
    const id = String(r.dossier_id);
    let list = out.get(id);
    if (!list) out.set(id, (list = []));
    list.push({
      seq: Number(r.seq),
      validFrom: toIso(r.valid_from),
      validTo: toIsoOrNull(r.valid_to),
      clockStopped: r.clock_stopped === true || r.clock_stopped === 1,
      originalDueAt: toIsoOrNull(r.original_due_at),
      intakeDueBy: toIsoOrNull(r.intake_due_by),
      intakeAnsweredAt: toIsoOrNull(r.intake_answered_at),
    });
  }
  return out;
}
