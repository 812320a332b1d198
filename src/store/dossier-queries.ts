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
 * `probe` (the walks of `runKeys`): PostgreSQL is told to check each dossier it walks past by its own events (an index
 * probe on (dossier_id, seq); `OFFSET 0` keeps it from turning the EXISTS into a hash of every event of the units,
 * which it otherwise prefers: a whole scan of the events table on every page, ≈ 470 ms at 100k dossiers and growing
 * with the history, against ≈ 4 ms for a page of a unit that holds or handled a good share of the dossiers). Without
 * it PostgreSQL chooses, which for a scope of few dossiers is the one hash.
 */
function whereInScope(db: Knex, q: Knex.QueryBuilder, units: readonly string[], probe: boolean): void {
  const any = units.map(() => '?').join(', ');
  if (dialectOfKnex(db) === 'postgres') {
    const fence = probe ? ' OFFSET 0' : '';
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
 *
 * Each list is keyset runs, each one query in the order of an index, so that a page costs about a page:
 * - recent: one run, (submitted_at, id) descending (`dossiers_submitted_at_id_index`).
 * - due: the dated dossiers by (due_at, id) (`dossiers_due_at_id_index`), then, only when the page is not full yet,
 *   the undated by (submitted_at, id) (`dossiers_undated_submitted_at_id_index`; migration
 *   20261212318407_due_list_indexes). One query ordered by `CASE WHEN due_at IS NULL …` had no index in its order:
 *   with the read scope PostgreSQL read, checked and sorted every dossier in scope before the first row (≈ 0.3–0.6 s
 *   a page at 100k dossiers, growing with the history; now 2–13 ms: bench/RESULTS.md, "A unit's list by due date").
 *   The rows, their order and the cursors are those of that query (test/store/list-pages.test.ts).
 */
export async function findDossiers(db: Knex, f: DossierFilter): Promise<{ rows: DossierRow[]; nextCursor: string | null }> {
  const byDue = f.sort === 'due';
  const c = f.cursor ? decodeCursor(f.cursor) : null;
  const want = f.limit + 1;
  let keys: SortKeys[];
  if (!byDue) keys = await runKeys(db, f, { key: 'submitted_at', dir: 'desc', after: c }, want);
  else {
    keys = c?.undated ? [] : await runKeys(db, f, { key: 'due_at', dir: 'asc', dated: true, after: c }, want);
    if (keys.length < want)
      keys.push(
        ...(await runKeys(db, f, { key: 'submitted_at', dir: 'asc', dated: false, after: c?.undated ? c : null }, want - keys.length)),
      );
  }
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

/** A row's sort keys as the driver gives them (PostgreSQL: Date) */
interface SortKeys {
  id: string;
  due_at: Knex.Value;
  submitted_at: Knex.Value;
}

/** One keyset run: the rows (with `dated`: only those with / without a due date) in (key, id) order, after the cursor. */
interface Run {
  key: 'submitted_at' | 'due_at';
  dir: 'asc' | 'desc';
  dated?: boolean;
  after: { k: Knex.Value; id: string } | null;
}

/**
 * How many rows of its index a list under a read scope walks, probing each, before it lets PostgreSQL choose instead
 * (measured at 100k dossiers, bench/RESULTS.md, "A unit's list by due date"). A walk costs ≈ 6.6 µs a row (the
 * events' and the archive's probes): a page of a unit that holds or handled a good share of the dossiers is found
 * within a few hundred rows (KINHTE, 44 % of them: 449 rows, 2.5 ms), but a unit in scope of few dossiers would walk
 * the whole index on every page (none: 657 ms by due date, against 160–180 ms for PostgreSQL's own plan, one hash of
 * the unit's events, and 520 ms newest first since the walk of c569ff8). So the walk stops after this many rows
 * (≈ 13 ms), and the run goes on from the last of them as one query PostgreSQL plans freely: such a unit's page costs
 * the hash plus ≈ 20 ms, any other's a walk. A cheap count up front could not say which it is (the units that acted
 * on a dossier are in its events only). Tests shrink the window to exercise that path.
 */
export const scopeWalk = { rows: 2000 };

async function runKeys(db: Knex, f: DossierFilter, run: Run, want: number): Promise<SortKeys[]> {
  const { key, dir, dated, after } = run;
  const inRun = (q: Knex.QueryBuilder, from: Run['after']): Knex.QueryBuilder => {
    if (dated === true) q.whereNotNull('due_at');
    if (dated === false) q.whereNull('due_at');
    // a row value: PostgreSQL and SQLite both start the index walk at the cursor
    if (from) q.whereRaw(`(${key}, id) ${dir === 'asc' ? '>' : '<'} (?, ?)`, [from.k, from.id]);
    return q.orderBy([
      { column: key, order: dir },
      { column: 'id', order: dir },
    ]);
  };
  if (!f.scopeUnits || dialectOfKnex(db) !== 'postgres' || dated === false) {
    // SQLite checks each row's EXISTS by its index as it walks; the undated are few (≈ 1 % of the dossiers: those
    // refused or withdrawn before receipt, and the few waiting for it), so their whole index is a short walk
    const q = inRun(filtered(db, f), after);
    if (f.scopeUnits) whereInScope(db, q, f.scopeUnits, true);
    return (await q.limit(want)) as SortKeys[];
  }
  // the walk, over at most scopeWalk.rows rows of the run (every filter but the scope), each probed
  const window = inRun(filtered(db, f).select('unit'), after).limit(scopeWalk.rows);
  const walk = db.select('id', 'due_at', 'submitted_at').from(window.as('dossiers'));
  whereInScope(db, walk, f.scopeUnits, true);
  const found = (await inRun(walk, null).limit(want)) as SortKeys[];
  if (found.length === want) return found;
  // not a full page: the scope is sparse here, or the run ends within the window
  const end = (await inRun(filtered(db, f), after)
    .offset(scopeWalk.rows - 1)
    .limit(1)
    .first()) as SortKeys | undefined;
  if (!end) return found;
  const rest = inRun(filtered(db, f), { k: end[key], id: end.id });
  whereInScope(db, rest, f.scopeUnits, false);
  return [...found, ...((await rest.limit(want - found.length)) as SortKeys[])];
}

/** The list's filters but the read scope and the cursor, selecting the sort keys. */
function filtered(db: Knex, f: DossierFilter): Knex.QueryBuilder {
  const pg = dialectOfKnex(db) === 'postgres';
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
  return q;
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
