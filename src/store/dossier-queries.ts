/**
 * Read-side queries over the dossier projection: filtered, keyset-paginated lists that use the
 * projection's indexes. Cursors are opaque (base64url JSON of the last row's sort key and id).
 */
import type { Knex } from 'knex';
import { dialectOfKnex } from './db';
import { findDossiersByIds, type DossierRow } from './dossier-store';

export interface DossierFilter {
  states?: string[];
  timeliness?: string[];
  procedure?: string;
  unit?: string;
  assignee?: string;
  /** dossiers at this unit or assigned to this user */
  mine?: { unit: string; username: string };
  /** restrict to dossiers at one of these units, or that passed through one (read scope) */
  scopeUnits?: string[];
  receivedFrom?: string;
  receivedTo?: string;
  dueFrom?: string;
  dueTo?: string;
  /** the unit of the handling step (what the metrics group by unit) */
  handlingUnit?: string;
  /** a raw condition from a metric's definition (src/store/compliance-queries.ts figureCondition) */
  condition?: { sql: string; bindings: Knex.Value[] };
  q?: string;
  sort: 'recent' | 'due';
  limit: number;
  cursor?: string;
}

interface CursorKey {
  k: string;
  id: string;
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string): CursorKey | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorKey;
    return typeof v.k === 'string' && typeof v.id === 'string' && !Number.isNaN(Date.parse(v.k)) ? v : null;
  } catch {
    return null;
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The SQL half of the read scope (src/services/dossier-access.ts holds the in-memory half and says who
 * gets which units): the dossier is at one of `units` now, or someone of one of `units` acted on it.
 */
function whereInScope(db: Knex, q: Knex.QueryBuilder, units: readonly string[]): void {
  q.where((w) =>
    w.whereIn('dossiers.unit', units).orWhereExists(function () {
      this.select(db.raw('1')).from('dossier_events as e').whereRaw('e.dossier_id = dossiers.id').whereIn('e.actor_unit', units);
    }),
  );
}

/** Which of `units` acted on the dossier (its events' actor units), for the in-memory half of the read scope. */
export async function unitsThatActedOn(db: Knex, dossierId: string, units: readonly string[]): Promise<string[]> {
  if (!units.length) return [];
  const rows = (await db('dossier_events').distinct('actor_unit').where({ dossier_id: dossierId }).whereIn('actor_unit', units)) as {
    actor_unit: string;
  }[];
  return rows.map((r) => r.actor_unit);
}

export async function findDossiers(db: Knex, f: DossierFilter): Promise<{ rows: DossierRow[]; nextCursor: string | null }> {
  const pg = dialectOfKnex(db) === 'postgres';
  const sortCol = f.sort === 'due' ? 'due_at' : 'submitted_at';
  const dir = f.sort === 'due' ? 'asc' : 'desc';
  const q = db('dossiers').select('id', sortCol);
  if (f.states?.length) q.whereIn('state', f.states);
  if (f.timeliness?.length) q.whereIn('timeliness', f.timeliness);
  if (f.procedure) q.where('procedure_code', f.procedure);
  if (f.unit) q.where('unit', f.unit);
  if (f.assignee) q.where('assignee', f.assignee);
  if (f.mine) {
    const { unit, username } = f.mine;
    q.where((w) => w.where('unit', unit).orWhere('assignee', username));
  }
  if (f.scopeUnits) whereInScope(db, q, f.scopeUnits);
  const startOf = (d: string) => new Date(`${d}T00:00:00+07:00`).toISOString();
  const endOf = (d: string) => new Date(new Date(`${d}T00:00:00+07:00`).getTime() + 86_400_000).toISOString();
  if (f.receivedFrom) q.where('received_at', '>=', startOf(f.receivedFrom));
  if (f.receivedTo) q.where('received_at', '<', endOf(f.receivedTo));
  if (f.dueFrom) q.where('due_at', '>=', startOf(f.dueFrom));
  if (f.dueTo) q.where('due_at', '<', endOf(f.dueTo));
  if (f.handlingUnit) q.where('handling_unit', f.handlingUnit);
  if (f.condition) {
    const { sql, bindings } = f.condition;
    q.whereRaw(`(${sql})`, bindings);
  }
  if (f.q) {
    const text = f.q.trim();
    const like = `%${escapeLike(text)}%`;
    q.where((w) => {
      w.where('code', text)
        .orWhere('applicant_id_number', text)
        .orWhere('applicant_phone', text)
        .orWhereRaw(`code LIKE ? ESCAPE '\\'`, [like])
        .orWhereRaw(pg ? `applicant_name ILIKE ? ESCAPE '\\'` : `applicant_name LIKE ? ESCAPE '\\'`, [like]);
    });
  }
  if (f.sort === 'due') q.whereNotNull('due_at');
  if (f.cursor) {
    const c = decodeCursor(f.cursor);
    if (c) {
      const op = dir === 'asc' ? '>' : '<';
      q.where((w) => w.where(sortCol, op, c.k).orWhere((x) => x.where(sortCol, c.k).andWhere('id', op, c.id)));
    }
  }
  q.orderBy([
    { column: sortCol, order: dir },
    { column: 'id', order: dir },
  ]).limit(f.limit + 1);
  const keys = (await q) as { id: string }[];
  const page = keys.slice(0, f.limit);
  const byId = new Map(
    (
      await findDossiersByIds(
        db,
        page.map((k) => k.id),
      )
    ).map((r) => [r.id, r]),
  );
  const rows = page.map((k) => byId.get(k.id)).filter((r): r is DossierRow => r !== undefined);
  const last = rows[rows.length - 1];
  const nextCursor =
    keys.length > f.limit && last ? encodeCursor({ k: (f.sort === 'due' ? last.due_at : last.submitted_at)!, id: last.id }) : null;
  return { rows, nextCursor };
}

/**
 * Late dossiers with no apology, oldest due first: a late result not yet returned, or running (one of
 * `runningStates`) past its statutory due date at `now`.
 */
export async function findLateWithoutApology(
  db: Knex,
  f: { runningStates: readonly string[]; now: string; unit?: string; procedure?: string; limit: number },
): Promise<Record<string, unknown>[]> {
  return (await db('dossiers')
    .where('apology_count', 0)
    .where((w) =>
      w
        .where((a) => a.whereIn('state', [...f.runningStates]).where('original_due_at', '<', f.now))
        .orWhere((b) => b.where('state', 'result').where('final_timeliness', 'late')),
    )
    .modify((b) => {
      if (f.unit) b.where('handling_unit', f.unit);
      if (f.procedure) b.where('procedure_code', f.procedure);
    })
    .orderBy([{ column: 'original_due_at' }, { column: 'code' }])
    .limit(f.limit)) as Record<string, unknown>[];
}
