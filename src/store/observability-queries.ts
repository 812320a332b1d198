/**
 * The database figure of GET /metrics: one bounded count, read through the (timeliness, …) index, so its cost
 * follows the open overdue dossiers, not the history. (Events by type are counted in process as they commit:
 * src/observability/prometheus.ts.)
 */
import type { Knex } from 'knex';

/** Dossiers in one of `states` whose timeliness is overdue. */
export async function countOverdue(db: Knex, states: readonly string[]): Promise<number> {
  const row = (await db('dossiers')
    .where('timeliness', 'overdue')
    .whereIn('state', [...states])
    .count({ n: '*' })
    .first()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
}
