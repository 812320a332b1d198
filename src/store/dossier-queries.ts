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
  /** dossiers at this unit or assigned to this user; with `unreceived`, also those submitted and waiting for receipt (counter staff) */
  mine?: { unit: string; username: string; unreceived?: boolean };
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
  /** sort=due only: the cursor is in the tail of dossiers without a due date, and `k` is their submission time */
  undated?: true;
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string): CursorKey | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorKey;
    return typeof v.k === 'string' &&
      typeof v.id === 'string' &&
      !Number.isNaN(Date.parse(v.k)) &&
      (v.undated === undefined || v.undated === true)
      ? v
      : null;
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
 *
 * `walk`: the query walks an index in the list's order and stops at the page's end (newest first). PostgreSQL is then
 * told to check each dossier it walks past by its own events (an index probe on (dossier_id, seq); `OFFSET 0` keeps it
 * from turning the EXISTS into a hash of every event of the units, which it otherwise prefers: a whole scan of the
 * events table on every page, ≈ 470 ms at 100k dossiers and growing with the history, against ≈ 4 ms). A list sorted
 * by due date reads every dossier in scope before its first row, where the one hash is the cheaper plan.
 */
function whereInScope(db: Knex, q: Knex.QueryBuilder, units: readonly string[], walk: boolean): void {
  const any = units.map(() => '?').join(', ');
  if (dialectOfKnex(db) === 'postgres') {
    const fence = walk ? ' OFFSET 0' : '';
    q.where((w) =>
      w
        .whereIn('dossiers.unit', units)
        .orWhereRaw(`EXISTS (SELECT 1 FROM dossier_events e WHERE e.dossier_id = dossiers.id AND e.actor_unit IN (${any})${fence})`, [
          ...units,
        ])
        // an archived dossier's acting units are kept on its archive row (src/store/event-archive.ts)
        .orWhereRaw(
          `EXISTS (SELECT 1 FROM dossier_event_archive a WHERE a.dossier_id = dossiers.id AND jsonb_exists_any(a.actor_units::jsonb, array[${any}]::text[])${fence})`,
          [...units],
        ),
    );
    return;
  }
  // SQLite checks each row's EXISTS by its index as it goes
  q.where((w) =>
    w
      .whereIn('dossiers.unit', units)
      .orWhereExists(function () {
        this.select(db.raw('1')).from('dossier_events as e').whereRaw('e.dossier_id = dossiers.id').whereIn('e.actor_unit', units);
      })
      .orWhereExists(function () {
        this.select(db.raw('1'))
          .from(db.raw('dossier_event_archive as a, json_each(a.actor_units) as u'))
          .whereRaw('a.dossier_id = dossiers.id')
          .whereRaw(`u.value IN (${any})`, [...units]);
      }),
  );
}

/** Which of `units` acted on the dossier (its events' actor units), for the in-memory half of the read scope. */
export async function unitsThatActedOn(db: Knex, dossierId: string, units: readonly string[]): Promise<string[]> {
  if (!units.length) return [];
  const rows = (await db('dossier_events').distinct('actor_unit').where({ dossier_id: dossierId }).whereIn('actor_unit', units)) as {
    actor_unit: string;
  }[];
  const archived = (await db('dossier_event_archive').select('actor_units').where({ dossier_id: dossierId }).first()) as
    { actor_units: string } | undefined;
  const acted = new Set([...rows.map((r) => r.actor_unit), ...(archived ? (JSON.parse(archived.actor_units) as string[]) : [])]);
  return units.filter((u) => acted.has(u));
}

/**
 * One page of dossiers. sort=recent: newest submission first. sort=due: soonest due date first, then the
 * dossiers that have no due date yet (submitted online or by post and not received, or waiting for a
 * supplement), oldest submission first: a queue sorted by due date must not lose the ones not yet dated.
 */
export async function findDossiers(db: Knex, f: DossierFilter): Promise<{ rows: DossierRow[]; nextCursor: string | null }> {
  const pg = dialectOfKnex(db) === 'postgres';
  const byDue = f.sort === 'due';
  const q = db('dossiers').select('id', 'due_at', 'submitted_at');
  if (f.states?.length) q.whereIn('state', f.states);
  if (f.timeliness?.length) q.whereIn('timeliness', f.timeliness);
  if (f.procedure) q.where('procedure_code', f.procedure);
  if (f.unit) q.where('unit', f.unit);
  if (f.assignee) q.where('assignee', f.assignee);
  if (f.mine) {
    const { unit, username, unreceived } = f.mine;
    q.where((w) => {
      w.where('unit', unit).orWhere('assignee', username);
      if (unreceived) w.orWhere((x) => x.whereNull('unit').where('state', 'submitted'));
    });
  }
  if (f.scopeUnits) whereInScope(db, q, f.scopeUnits, !byDue);
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
  const c = f.cursor ? decodeCursor(f.cursor) : null;
  if (byDue) {
    // two runs, each keyset-paginated: (due_at, id) over the dated, then (submitted_at, id) over the undated
    if (c && !c.undated)
      q.where((w) =>
        w
          .where('due_at', '>', c.k)
          .orWhere((x) => x.where('due_at', c.k).andWhere('id', '>', c.id))
          .orWhereNull('due_at'),
      );
    if (c?.undated)
      q.whereNull('due_at').where((w) =>
        w.where('submitted_at', '>', c.k).orWhere((x) => x.where('submitted_at', c.k).andWhere('id', '>', c.id)),
      );
    q.orderByRaw('CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, CASE WHEN due_at IS NULL THEN submitted_at END, id');
  } else {
    if (c) q.where((w) => w.where('submitted_at', '<', c.k).orWhere((x) => x.where('submitted_at', c.k).andWhere('id', '<', c.id)));
    q.orderBy([
      { column: 'submitted_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
  }
  q.limit(f.limit + 1);
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
  const nextCursor = keys.length > f.limit && last ? encodeCursor(cursorAfter(last, byDue)) : null;
  return { rows, nextCursor };
}

function cursorAfter(last: DossierRow, byDue: boolean): CursorKey {
  if (!byDue) return { k: last.submitted_at, id: last.id };
  return last.due_at ? { k: last.due_at, id: last.id } : { k: last.submitted_at, id: last.id, undated: true };
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
