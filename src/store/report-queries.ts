/**
 * The queries of the reports (src/reports/):
 * - the weekly late-dossier review (weekly-review.ts): a week's results by timeliness, and the dossiers
 *   of each section in keyset pages (result_at, through its index; original_due_at, among the open dossiers of
 *   the section's states, read through the (state, due_at) index: a few per cent of the table, sorted), so that
 *   an export never holds a whole province in memory;
 * - the monthly report (monthly-report.ts): a month's received dossiers by channel (indexed range on
 *   dossiers.received_at) and returned results by channel and return method (the month's RETURN_RESULT
 *   events, partial index on dossier_events(type, occurred_at) WHERE type = 'RETURN_RESULT', whose payload
 *   holds the method). Both are SQL aggregates: their size does not grow with the centre's.
 */
import type { Knex } from 'knex';
import { findDossiersByIds, type DossierRow } from './dossier-store';
import { dialectOfKnex, type Db } from './db';
import { toIsoOrNull } from './time';

/** Which dossiers a review covers: all (null), or those whose procedure passes through the unit or that are with it now. */
export type ReviewScopeFilter = { unit: string; procedureCodes: readonly string[] } | null;

/**
 * One section of the review as a query:
 * - `resolved_late`: a late result in [from, to);
 * - `resolved_after_due`: a result at or after `asOf` on a dossier due before it;
 * - `open_overdue`: no result, due before `asOf`, in a running state (or a stopped one flagged overdue);
 * - `open_at_risk`: no result, in one of `states`, due at or after `asOf` and before `nextTo` or flagged due soon.
 */
export type ReviewSection =
  | { kind: 'resolved_late'; from: string; to: string }
  | { kind: 'resolved_after_due'; asOf: string }
  | { kind: 'open_overdue'; asOf: string; running: readonly string[]; stopped: readonly string[] }
  | { kind: 'open_at_risk'; asOf: string; nextTo: string; states: readonly string[] };

function scoped(q: Knex.QueryBuilder, scope: ReviewScopeFilter): Knex.QueryBuilder {
  if (scope) q.where((w) => w.whereIn('procedure_code', [...scope.procedureCodes]).orWhere('unit', scope.unit));
  return q;
}

/** The section's condition and the indexed column its pages are ordered by. */
function sectionQuery(s: ReviewSection): { where: (q: Knex.QueryBuilder) => Knex.QueryBuilder; orderCol: string } {
  switch (s.kind) {
    case 'resolved_late':
      return {
        where: (q) => q.where('result_at', '>=', s.from).where('result_at', '<', s.to).where('final_timeliness', 'late'),
        orderCol: 'result_at',
      };
    case 'resolved_after_due':
      return { where: (q) => q.where('result_at', '>=', s.asOf).where('original_due_at', '<', s.asOf), orderCol: 'result_at' };
    case 'open_overdue':
      return {
        where: (q) =>
          q
            .where('original_due_at', '<', s.asOf)
            .whereNull('result_at')
            .where((w) =>
              w.whereIn('state', [...s.running]).orWhere((x) => x.whereIn('state', [...s.stopped]).where('timeliness', 'overdue')),
            ),
        orderCol: 'original_due_at',
      };
    case 'open_at_risk':
      return {
        where: (q) =>
          q
            .whereIn('state', [...s.states])
            .whereNull('result_at')
            .where('original_due_at', '>=', s.asOf)
            .where((w) => w.where('original_due_at', '<', s.nextTo).orWhere('timeliness', 'due_soon')),
        orderCol: 'original_due_at',
      };
  }
}

/** The results recorded in [from, to) within the scope, counted by final timeliness ('null' for none). */
export async function resultsByTimeliness(db: Db, from: string, to: string, scope: ReviewScopeFilter): Promise<Map<string, number>> {
  const q = db('dossiers')
    .select('final_timeliness')
    .count({ n: '*' })
    .where('result_at', '>=', from)
    .where('result_at', '<', to)
    .groupBy('final_timeliness');
  scoped(q, scope);
  return new Map(
    ((await q) as { final_timeliness: string | null; n: number | string }[]).map((r) => [String(r.final_timeliness), Number(r.n)]),
  );
}

/** The dossiers of one section within the scope, in keyset pages over (orderCol, id): each page is one indexed range read. */
export async function* reviewSectionRows(
  db: Db,
  section: ReviewSection,
  scope: ReviewScopeFilter,
  pageSize: number,
): AsyncGenerator<DossierRow> {
  const { where, orderCol } = sectionQuery(section);
  let after: { k: string; id: string } | null = null;
  for (;;) {
    const q = db('dossiers').select('id', orderCol);
    where(q);
    scoped(q, scope);
    if (after) {
      const { k, id } = after;
      q.where((w) => w.where(orderCol, '>', k).orWhere((x) => x.where(orderCol, k).andWhere('id', '>', id)));
    }
    const keys = (await q.orderBy([{ column: orderCol }, { column: 'id' }]).limit(pageSize)) as Record<string, unknown>[];
    if (keys.length === 0) return;
    const byId = new Map(
      (
        await findDossiersByIds(
          db,
          keys.map((k) => String(k.id)),
        )
      ).map((r) => [r.id, r]),
    );
    for (const k of keys) {
      const row = byId.get(String(k.id));
      if (row) yield row;
    }
    const last = keys[keys.length - 1]!;
    after = { k: toIsoOrNull(last[orderCol])!, id: String(last.id) };
    if (keys.length < pageSize) return;
  }
}

/** Dossiers received in [from, to), counted by the channel they came in by. */
export async function receivedByChannel(db: Db, from: string, to: string): Promise<{ channel: string; n: number }[]> {
  const rows = (await db('dossiers')
    .select('channel')
    .count({ n: '*' })
    .where('received_at', '>=', from)
    .where('received_at', '<', to)
    .groupBy('channel')) as { channel: string; n: number | string }[];
  return rows.map((r) => ({ channel: r.channel, n: Number(r.n) }));
}

/** Results returned in [from, to) (RETURN_RESULT events), counted by the dossier's channel and the payload's return method. */
export async function returnedByChannelAndMethod(
  db: Db,
  from: string,
  to: string,
): Promise<{ channel: string; method: string | null; n: number }[]> {
  const method = dialectOfKnex(db) === 'postgres' ? `(e.payload::jsonb ->> 'method')` : `json_extract(e.payload, '$.method')`;
  const rows = (await db('dossier_events as e')
    .join('dossiers as d', 'd.id', 'e.dossier_id')
    .select('d.channel as channel', db.raw(`${method} as method`))
    .count({ n: '*' })
    .where('e.type', 'RETURN_RESULT')
    .where('e.occurred_at', '>=', from)
    .where('e.occurred_at', '<', to)
    .groupByRaw(`d.channel, ${method}`)) as { channel: string; method: string | null; n: number | string }[];
  // archived dossiers (src/store/event-archive.ts): their RETURN_RESULT events' time and method are kept on the
  // archive row; the candidates are found by the projection's returned_at (indexed), the archive's own time decides
  const pg = dialectOfKnex(db) === 'postgres';
  const archived = pg
    ? ((
        await db.raw(
          `SELECT d.channel AS channel, r.value ->> 1 AS method, count(*) AS n
               FROM dossiers d JOIN dossier_event_archive a ON a.dossier_id = d.id
               CROSS JOIN LATERAL jsonb_array_elements(a.returns::jsonb) AS r(value)
              WHERE d.returned_at >= ? AND d.returned_at < ? AND (r.value ->> 0)::timestamptz >= ? AND (r.value ->> 0)::timestamptz < ?
              GROUP BY 1, 2`,
          [from, to, from, to],
        )
      ).rows as { channel: string; method: string | null; n: number | string }[])
    : ((await db.raw(
        `SELECT d.channel AS channel, json_extract(r.value, '$[1]') AS method, count(*) AS n
             FROM dossiers d JOIN dossier_event_archive a ON a.dossier_id = d.id, json_each(a.returns) AS r
            WHERE d.returned_at >= ? AND d.returned_at < ? AND json_extract(r.value, '$[0]') >= ? AND json_extract(r.value, '$[0]') < ?
            GROUP BY 1, 2`,
        [from, to, from, to],
      )) as { channel: string; method: string | null; n: number | string }[]);
  const sum = new Map<string, { channel: string; method: string | null; n: number }>();
  for (const r of [...rows, ...archived]) {
    const key = JSON.stringify([r.channel, r.method]);
    const at = sum.get(key);
    if (at) at.n += Number(r.n);
    else sum.set(key, { channel: r.channel, method: r.method, n: Number(r.n) });
  }
  return [...sum.values()];
}
