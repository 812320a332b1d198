/** The database figures of GET /metrics: bounded aggregates only (event types, one count). */
import type { Knex } from 'knex';

/** How many events of each type are recorded, by type. */
export async function countEventsByType(db: Knex): Promise<{ type: string; n: number }[]> {
  const rows = (await db('dossier_events').select('type').count({ n: '*' }).groupBy('type').orderBy('type')) as {
    type: string;
    n: number | string;
  }[];
  return rows.map((r) => ({ type: r.type, n: Number(r.n) }));
}

/** Dossiers in one of `states` whose timeliness is overdue. */
export async function countOverdue(db: Knex, states: readonly string[]): Promise<number> {
  const row = (await db('dossiers')
    .where('timeliness', 'overdue')
    .whereIn('state', [...states])
    .count({ n: '*' })
    .first()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
}
