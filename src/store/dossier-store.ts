/**
 * Dossier rows (the projection) and their events (the truth), read and written inside a caller's transaction.
 * Writes are optimistic: an update names the version it read, and a lost race on (dossier_id, seq)
 * surfaces as a unique violation, both reported as a conflict by the engine.
 */
import type { Knex } from 'knex';
import { dialectOfKnex } from './db';
import { toIso, toIsoOrNull } from './time';
import { deliveriesStatement, enqueueDeliveries, mutedCondition } from './outbox-enqueue';
import { signalAfterCommit } from './outbox-signal';
import { signalEventsAfterCommit } from './event-signal';
import { ident, isTx, placeholders, runInTx, runTogether, withClauses, type Statement } from './direct-sql';
import type { DossierRow, EventRow, ProjectionPatch } from '../../machines/engine/rows';
import { DUE_DATE_STATES } from '../../machines/vocabulary';
import { archivedEventsByDossier } from './event-archive';

export type { DossierRow, EventRow, ProjectionPatch } from '../../machines/engine/rows';

const INSTANT_COLUMNS = [
  'submitted_at',
  'received_at',
  'due_at',
  'original_due_at',
  'result_at',
  'returned_at',
  'closed_at',
  'updated_at',
  'next_check_at',
] as const;

/** The dossiers table's columns, in table order (the same on both databases; test/engine/dossier-columns.test.ts holds it to the schema). */
export const DOSSIER_COLUMNS = [
  'id',
  'code',
  'agency_code',
  'procedure_code',
  'procedure_version',
  'machine_version',
  'channel',
  'state',
  'timeliness',
  'step_index',
  'step_id',
  'unit',
  'assignee',
  'submitted_at',
  'received_at',
  'due_at',
  'original_due_at',
  'result_at',
  'outcome',
  'final_timeliness',
  'returned_at',
  'closed_at',
  'apology_count',
  'supplement_count',
  'applicant_name',
  'applicant_id_number',
  'applicant_phone',
  'version',
  'last_hash',
  'snapshot',
  'updated_at',
  'next_check_at',
  'first_apology_at',
  'apology_timely',
  'return_method',
  'rating',
  'result_digitised',
  'result_working_ms',
  'handling_unit',
  'handling_officer',
  'submission_ref',
  'late_supplement_at',
  'intake_due_by',
  'intake_answered_at',
  'intake_late_at',
  'first_exemption_at',
  'pause_extension_ms',
  'lookup_factor',
  'receipt_digitised',
  'receipt_reused',
] as const;

function hasEveryColumn(raw: Record<string, unknown>): boolean {
  if (Object.keys(raw).length !== DOSSIER_COLUMNS.length) return false;
  for (const c of DOSSIER_COLUMNS) if (!(c in raw)) return false;
  return true;
}

/**
 * A copy of a whole row as one object literal of fixed keys, in table order: what `{ ...raw }` gave, but the driver's
 * row (50 columns added one by one, on SQLite after a helper column was deleted from it) copied key by key made V8
 * build new hidden classes at every read, and every object made from the row after it (the committed row, the
 * rollup facts) had a shape of its own, so the code reading them was megamorphic (issue 16, perf). A row with
 * other columns (a partial select, a column this list does not know yet) is still copied by spreading.
 */
function copyOfFullRow(raw: Record<string, unknown>): Record<string, unknown> {
  return {
    id: raw.id,
    code: raw.code,
    agency_code: raw.agency_code,
    procedure_code: raw.procedure_code,
    procedure_version: raw.procedure_version,
    machine_version: raw.machine_version,
    channel: raw.channel,
    state: raw.state,
    timeliness: raw.timeliness,
    step_index: raw.step_index,
    step_id: raw.step_id,
    unit: raw.unit,
    assignee: raw.assignee,
    submitted_at: raw.submitted_at,
    received_at: raw.received_at,
    due_at: raw.due_at,
    original_due_at: raw.original_due_at,
    result_at: raw.result_at,
    outcome: raw.outcome,
    final_timeliness: raw.final_timeliness,
    returned_at: raw.returned_at,
    closed_at: raw.closed_at,
    apology_count: raw.apology_count,
    supplement_count: raw.supplement_count,
    applicant_name: raw.applicant_name,
    applicant_id_number: raw.applicant_id_number,
    applicant_phone: raw.applicant_phone,
    version: raw.version,
    last_hash: raw.last_hash,
    snapshot: raw.snapshot,
    updated_at: raw.updated_at,
    next_check_at: raw.next_check_at,
    first_apology_at: raw.first_apology_at,
    apology_timely: raw.apology_timely,
    return_method: raw.return_method,
    rating: raw.rating,
    result_digitised: raw.result_digitised,
    result_working_ms: raw.result_working_ms,
    handling_unit: raw.handling_unit,
    handling_officer: raw.handling_officer,
    submission_ref: raw.submission_ref,
    late_supplement_at: raw.late_supplement_at,
    intake_due_by: raw.intake_due_by,
    intake_answered_at: raw.intake_answered_at,
    intake_late_at: raw.intake_late_at,
    first_exemption_at: raw.first_exemption_at,
    pause_extension_ms: raw.pause_extension_ms,
    lookup_factor: raw.lookup_factor,
    receipt_digitised: raw.receipt_digitised,
    receipt_reused: raw.receipt_reused,
  };
}

/** A raw dossiers row from either driver (PostgreSQL gives Date and strings for numbers) as a DossierRow. */
export function dossierRowFromDb(raw: Record<string, unknown>): DossierRow {
  return dossierRow(raw, true);
}

/** The same for a row whose instants were read as ISO-8601 text already (src/store/audit-pages.ts): they are kept. */
export function dossierRowWithIsoInstants(raw: Record<string, unknown>): DossierRow {
  return dossierRow(raw, false);
}

function dossierRow(raw: Record<string, unknown>, convertInstants: boolean): DossierRow {
  const row = hasEveryColumn(raw) ? copyOfFullRow(raw) : { ...raw };
  if (convertInstants) for (const c of INSTANT_COLUMNS) row[c] = toIsoOrNull(row[c]);
  for (const c of ['procedure_version', 'machine_version', 'step_index', 'apology_count', 'supplement_count', 'version'])
    row[c] = Number(row[c]);
  return row as unknown as DossierRow;
}

/** A raw dossier_events row from either driver as an EventRow. */
export function eventRowFromDb(raw: Record<string, unknown>): EventRow {
  return {
    dossier_id: String(raw.dossier_id),
    seq: Number(raw.seq),
    type: String(raw.type),
    payload: String(raw.payload),
    actor: String(raw.actor),
    actor_unit: (raw.actor_unit as string | null) ?? null,
    occurred_at: toIso(raw.occurred_at),
    machine_version: Number(raw.machine_version),
    prev_hash: String(raw.prev_hash),
    hash: String(raw.hash),
  };
}

/**
 * A new dossier's writes: its row, its first events with their outbox deliveries, and `also` (the statements of the
 * same transaction's other writes: rollups, class history, document references, an idempotency key; see
 * src/store/direct-sql.ts `runTogether`). On PostgreSQL they are one statement, the last before COMMIT: a
 * submission sends it after taking the day's code number (src/store/code-sequence.ts), whose row every submission
 * of the agency's day waits on until COMMIT (issue 16). `commit`: nothing follows it in the transaction, so on
 * PostgreSQL its COMMIT goes with it (src/store/direct-sql.ts `runInTx`): that row is then locked for one round trip
 * fewer. SQLite runs them one after the other, in this order.
 */
export async function writeNewDossier(
  tx: Knex.Transaction,
  row: DossierRow,
  events: readonly EventRow[],
  also: readonly (Statement | null)[] = [],
  opts: { commit?: boolean } = {},
): Promise<void> {
  const columns = Object.keys(row);
  const insert = {
    sql: `INSERT INTO dossiers (${columns.map(ident).join(', ')}) VALUES ${placeholders(columns.length)}`,
    params: Object.values(row),
  };
  const [, , queued] = await runTogether(tx, [insert, eventsStatement(events), deliveriesStatement(tx, events), ...also], opts);
  // as appendEvents does: the dispatchers are woken once this transaction commits, when it queued deliveries
  if (queued) signalAfterCommit(tx);
  signalEventsAfterCommit(tx, events);
}

function eventsStatement(events: readonly EventRow[]): Statement {
  return {
    sql: `INSERT INTO dossier_events (${EVENT_COLUMNS.join(', ')}) VALUES ${events.map(() => placeholders(EVENT_COLUMNS.length)).join(', ')}`,
    params: events.flatMap((e) => EVENT_COLUMNS.map((c) => e[c])),
  };
}

/**
 * Transactions whose dossier read (SQLite) found no active outbox subscriber: their events queue nothing, and
 * the INSERT … SELECT that would find none is not sent. The read and the writes are one SQLite transaction,
 * one snapshot: a subscriber another process adds in between makes the writes fail (SQLITE_BUSY_SNAPSHOT),
 * it cannot miss them. Keyed by the transaction object, so nothing outlives it.
 */
const noActiveSubscriber = new WeakSet<object>();

const BY_CODE_SQLITE = {
  code: 'SELECT d.*, EXISTS (SELECT 1 FROM outbox_subscribers s WHERE s.active = 1) AS outbox_active__ FROM dossiers d WHERE d.code = ? LIMIT 1',
  submission_ref:
    'SELECT d.*, EXISTS (SELECT 1 FROM outbox_subscribers s WHERE s.active = 1) AS outbox_active__ FROM dossiers d WHERE d.submission_ref = ? LIMIT 1',
};

async function findInTx(
  tx: Knex.Transaction,
  column: 'code' | 'submission_ref',
  value: string,
  opts: { forUpdate?: boolean; skipLocked?: boolean },
): Promise<Record<string, unknown> | undefined> {
  if (dialectOfKnex(tx as unknown as Knex) === 'postgres') {
    const lock = opts.forUpdate ? (opts.skipLocked ? ' FOR UPDATE SKIP LOCKED' : ' FOR UPDATE') : '';
    return (await runInTx(tx, `SELECT * FROM dossiers WHERE ${column} = ? LIMIT 1${lock}`, [value], true)).rows[0];
  }
  const raw = (await runInTx(tx, BY_CODE_SQLITE[column], [value], true)).rows[0];
  if (!raw) return undefined;
  if (!raw.outbox_active__) noActiveSubscriber.add(tx);
  else noActiveSubscriber.delete(tx);
  delete raw.outbox_active__;
  return raw;
}

export async function findDossierByCode(
  db: Knex | Knex.Transaction,
  code: string,
  opts: { forUpdate?: boolean; skipLocked?: boolean } = {},
): Promise<DossierRow | null> {
  // The official code, or the submission reference the applicant was given before receipt (old links keep working).
  // Two lookups rather than one `code = ? OR submission_ref = ?`, which SQLite answers by merging two index searches
  // into a temporary row set (three times the cost of one search): most look-ups are by official code, and no
  // dossier's official code is another's reference (references have letters, codes only digits).
  // In a transaction (the write path) the statement goes straight to the driver (src/store/direct-sql.ts).
  const lookup = (column: 'code' | 'submission_ref') => {
    if (isTx(db)) return findInTx(db, column, code, opts);
    let q = db('dossiers').where(column, code).first();
    if (opts.forUpdate && dialectOfKnex(db as Knex) === 'postgres') q = opts.skipLocked ? q.forUpdate().skipLocked() : q.forUpdate();
    return q;
  };
  const raw = (await lookup('code')) ?? (await lookup('submission_ref'));
  return raw ? dossierRowFromDb(raw) : null;
}

export async function findDossiersByIds(db: Knex | Knex.Transaction, ids: string[]): Promise<DossierRow[]> {
  if (!ids.length) return [];
  return (await db('dossiers').whereIn('id', ids)).map(dossierRowFromDb);
}

/** The dossiers with these official codes (codes not found are absent), in no particular order. */
export async function findDossiersByCodes(db: Knex | Knex.Transaction, codes: readonly string[]): Promise<DossierRow[]> {
  if (!codes.length) return [];
  return (await db('dossiers').whereIn('code', [...codes])).map(dossierRowFromDb);
}

/** The ids of the next `limit` dossiers after `after` (null: from the start) and up to `upto` when given, in id order (an index-only scan). */
export async function listDossierIdsAfter(
  db: Knex | Knex.Transaction,
  after: string | null,
  limit: number,
  upto?: string,
): Promise<string[]> {
  let q = db('dossiers').select('id');
  if (after !== null) q = q.where('id', '>', after);
  if (upto !== undefined) q = q.where('id', '<=', upto);
  return (await q.orderBy('id').limit(limit)).map((r: { id: unknown }) => String(r.id));
}

/** How many dossiers there are. */
export async function countDossiers(db: Knex | Knex.Transaction): Promise<number> {
  const [row] = await db('dossiers').count({ n: '*' });
  return Number((row as { n: unknown } | undefined)?.n ?? 0);
}

/** A page of dossiers in id order after `afterId` (keyset paging), for readers of the whole database. */
export async function listDossiersAfter(db: Knex | Knex.Transaction, afterId: string, limit: number): Promise<DossierRow[]> {
  const q = db('dossiers').orderBy('id').limit(limit);
  if (afterId) q.where('id', '>', afterId);
  return (await q).map(dossierRowFromDb);
}

/**
 * Updates the projection if nobody else moved the dossier since `expectedVersion`; false when someone did.
 * Given the row as read (`before`, from dossierRowFromDb), only the columns whose value differs are set: SQLite
 * rewrites the entries of every index on a column named in SET, and the dossiers table has two dozen indexes
 * for the reports, most on columns a transition does not touch. A column whose stored form differs from the
 * patch's (a boolean read back as 0/1) is simply set again.
 */
export async function updateDossier(
  tx: Knex.Transaction,
  id: string,
  expectedVersion: number,
  patch: ProjectionPatch,
  before?: Readonly<Record<string, unknown>>,
): Promise<boolean> {
  const set = Object.entries(changedColumns(patch, before));
  const sql = `UPDATE dossiers SET ${set.map(([c]) => `${ident(c)} = ?`).join(', ')} WHERE id = ? AND version = ?`;
  const { changes } = await runInTx(tx, sql, [...set.map(([, v]) => v), id, expectedVersion], false);
  return changes === 1;
}

function changedColumns(patch: ProjectionPatch, before?: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (!before) return patch;
  const set: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(patch)) if (value !== before[column]) set[column] = value;
  return set;
}

/**
 * A transition's writes: its events (with their outbox deliveries), the projection's update naming the
 * version read (`updateDossier`) and `also`, the statements of the same transaction's other writes (rollups, class
 * history, document references: src/store/direct-sql.ts `runTogether`); false when the update found another
 * version (the caller rolls back). On PostgreSQL they are one statement (data-modifying WITH clauses, which run
 * together or fail together): one round trip, the last before COMMIT, so the rollups' rows, which every
 * transition of the day shares, are locked for that statement and the COMMIT only (issue 16). There an update that
 * finds another version makes the statement fail (`motcua_version_lost()`, SQLSTATE VERSION_LOST_SQLSTATE: nothing of
 * it is written, and a COMMIT sent with it is not run), answered here as false. `commit`: nothing follows it in the
 * transaction, so on PostgreSQL its COMMIT goes with it (src/store/direct-sql.ts `runInTx`), and the rollups' rows
 * are locked for one round trip only (issue 16, h16commit). SQLite runs them in process, one after the other, `also`
 * once the update has found its version.
 */
export async function writeTransition(
  tx: Knex.Transaction,
  events: EventRow[],
  id: string,
  expectedVersion: number,
  patch: ProjectionPatch,
  before?: Readonly<Record<string, unknown>>,
  muted: readonly string[] = [],
  also: readonly (Statement | null)[] = [],
  opts: { commit?: boolean } = {},
): Promise<boolean> {
  if (dialectOfKnex(tx as unknown as Knex) !== 'postgres' || !events.length) {
    await appendEvents(tx, events, muted);
    if (!(await updateDossier(tx, id, expectedVersion, patch, before))) return false;
    await runTogether(tx, also);
    return true;
  }
  const more = withClauses(
    also.filter((s): s is Statement => s !== null),
    'x',
  );
  const set = Object.entries(changedColumns(patch, before));
  const skip = mutedCondition(muted);
  const row = placeholders(EVENT_COLUMNS.length);
  const result = await runInTx(
    tx,
    `WITH ev AS (INSERT INTO dossier_events (${EVENT_COLUMNS.join(', ')}) VALUES ${events.map(() => row).join(', ')}
                 RETURNING dossier_id, seq, type, occurred_at),
          ob AS (INSERT INTO outbox_deliveries (subscriber_id, dossier_id, seq, event_type, created_at, next_attempt_at, state, attempts)
                 SELECT s.id, ev.dossier_id, ev.seq, ev.type, ev.occurred_at, ev.occurred_at, 'pending', 0
                 FROM ev JOIN outbox_subscribers s ON s.active = 1
                 WHERE EXISTS (SELECT 1 FROM outbox_subscriber_events f WHERE f.subscriber_id = s.id AND f.event_type IN (ev.type, '*'))${skip.sql}
                 ORDER BY ev.seq, s.id
                 RETURNING 1),
          up AS (UPDATE dossiers SET ${set.map(([c]) => `${ident(c)} = ?`).join(', ')} WHERE id = ? AND version = ? RETURNING 1)${more.clauses ? `,\n${more.clauses}` : ''}
     SELECT (SELECT CASE WHEN count(*) = 1 THEN 1 ELSE motcua_version_lost() END FROM up) AS n,
            (SELECT count(*)::integer FROM ob) AS queued${more.counts ? `, ${more.counts}` : ''}`,
    [
      ...events.flatMap((e) => EVENT_COLUMNS.map((c) => e[c])),
      ...skip.params,
      ...set.map(([, v]) => v),
      id,
      expectedVersion,
      ...also.flatMap((m) => m?.params ?? []),
    ],
    true,
    opts,
  ).catch((err: unknown) => {
    if (isVersionLost(err)) return null;
    throw err;
  });
  const answer = result?.rows[0] as { n: number; queued: number } | undefined;
  // as enqueueDeliveries does: the dispatchers are woken once this transaction commits, when it queued deliveries
  if (answer?.queued) signalAfterCommit(tx);
  if (answer?.n === 1) signalEventsAfterCommit(tx, events);
  return answer?.n === 1;
}

/**
 * The SQLSTATE of `motcua_version_lost()` (db/migrations/20261212742931_version_lost.ts): a transition's write on
 * PostgreSQL whose update found another version than the one read. A class of its own ('MC'), raised by nothing else.
 */
export const VERSION_LOST_SQLSTATE = 'MC409';

/** true for the error of a write whose update found another version (PostgreSQL; writeTransition answers it as false). */
export function isVersionLost(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === VERSION_LOST_SQLSTATE;
}

/** Codes of the dossiers whose due date stands (DUE_DATE_STATES: the clock runs or is paused): the ones a calendar change can move. */
export async function findDossiersWithRunningDeadline(db: Knex | Knex.Transaction): Promise<string[]> {
  const rows = await db('dossiers')
    .select('code')
    .whereIn('state', [...DUE_DATE_STATES])
    .orderBy('code');
  return rows.map((r: { code: string }) => r.code);
}

/** Dossiers whose deadline check is due at `now`, most overdue first (index on next_check_at). */
export async function findDueForCheck(db: Knex | Knex.Transaction, now: string, limit: number, exclude: string[] = []): Promise<string[]> {
  const q = db('dossiers')
    .select('code')
    .whereNotNull('next_check_at')
    .where('next_check_at', '<=', now)
    .orderBy('next_check_at')
    .limit(limit);
  if (exclude.length) q.whereNotIn('code', exclude);
  return (await q).map((r: { code: string }) => r.code);
}

export async function setNextCheck(tx: Knex | Knex.Transaction, id: string, version: number, at: string | null): Promise<void> {
  await tx('dossiers').where({ id, version }).update({ next_check_at: at });
}

/** Appends events, and queues their outbox deliveries in the same transaction (docs/integration.md), but for the `muted` subscribers. */
export async function appendEvents(tx: Knex | Knex.Transaction, events: EventRow[], muted: readonly string[] = []): Promise<void> {
  if (!events.length) return;
  if (!isTx(tx)) await tx('dossier_events').insert(events);
  else {
    const insert = eventsStatement(events);
    await runInTx(tx, insert.sql, insert.params, false);
  }
  if (!(isTx(tx) && noActiveSubscriber.has(tx))) await enqueueDeliveries(tx, events, muted);
  signalEventsAfterCommit(tx, events);
}

/**
 * A dossier's events in seq order: the archived ones (src/store/event-archive.ts), then the table's. An archive
 * row always holds seq 1 onwards and only archived rows leave the table, so a dossier whose table rows start at
 * seq 1 has no archive: it is looked up only otherwise (the engine's reads of open dossiers cost no more), or
 * always for the audit, which must see a table row overlapping an archive.
 */
export async function listEvents(db: Knex | Knex.Transaction, dossierId: string): Promise<EventRow[]> {
  const rows = ((await db('dossier_events').where({ dossier_id: dossierId }).orderBy('seq', 'asc')) as Record<string, unknown>[]).map(
    eventRowFromDb,
  );
  if (rows[0]?.seq === 1) return rows;
  return [...((await archivedEventsByDossier(db, [dossierId])).get(dossierId) ?? []), ...rows];
}

/** The dossier_events columns, in the order flattenEvent (src/store/batch-writer.ts) writes them. */
export const EVENT_COLUMNS = [
  'dossier_id',
  'seq',
  'type',
  'payload',
  'actor',
  'actor_unit',
  'occurred_at',
  'machine_version',
  'prev_hash',
  'hash',
] as const satisfies readonly (keyof EventRow)[];

/** The events of several dossiers in one query, by dossier id, each list in seq order (ids without events are absent). */
export async function listEventsByDossier(
  db: Knex | Knex.Transaction,
  ids: readonly string[],
  forAudit = false,
): Promise<Map<string, EventRow[]>> {
  const byDossier = new Map<string, EventRow[]>();
  if (!ids.length) return byDossier;
  const raw = (await db('dossier_events')
    .select([...EVENT_COLUMNS])
    .whereIn('dossier_id', [...ids])
    .orderBy([{ column: 'dossier_id' }, { column: 'seq' }])) as Record<string, unknown>[];
  for (const r of raw) {
    const e = eventRowFromDb(r);
    let list = byDossier.get(e.dossier_id);
    if (!list) byDossier.set(e.dossier_id, (list = []));
    list.push(e);
  }
  // the archive holds seq 1 onwards: looked up for the dossiers whose table rows do not start there (listEvents)
  const archivedIds = forAudit ? ids : ids.filter((id) => byDossier.get(id)?.[0]?.seq !== 1);
  for (const [id, events] of await archivedEventsByDossier(db, archivedIds, forAudit))
    byDossier.set(id, [...events, ...(byDossier.get(id) ?? [])]);
  return byDossier;
}

/** The next `limit` ids, after `after` in id order, of the dossiers whose first event happened before `before`. */
export async function dossierIdsSubmittedBefore(
  db: Knex | Knex.Transaction,
  before: string,
  after: string,
  limit: number,
): Promise<string[]> {
  const q = db('dossier_events').select('dossier_id').where('seq', 1).where('occurred_at', '<', before).orderBy('dossier_id').limit(limit);
  if (after) q.where('dossier_id', '>', after);
  // an archived dossier's first event's time is kept on its archive row (src/store/event-archive.ts)
  const a = db('dossier_event_archive').select('dossier_id').where('first_at', '<', before).orderBy('dossier_id').limit(limit);
  if (after) a.where('dossier_id', '>', after);
  const ids = [...((await q) as { dossier_id: unknown }[]), ...((await a) as { dossier_id: unknown }[])].map((r) => String(r.dossier_id));
  return [...new Set(ids)].sort().slice(0, limit);
}

/** true for the driver errors that mean "someone else wrote this first". */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; errno?: number; message?: string };
  // sqlite3 reports SQLITE_CONSTRAINT, better-sqlite3 the extended SQLITE_CONSTRAINT_UNIQUE
  return e?.code === '23505' || (Boolean(e?.code?.startsWith('SQLITE_CONSTRAINT')) && /UNIQUE/.test(e.message ?? ''));
}

/**
 * Empties the snapshot of up to `limit` dossiers closed before `closedBefore` that still hold one
 * (`npm run dossiers:compact`). Returns how many rows it changed. Version and events are untouched, so a
 * transition racing it neither conflicts nor loses anything: the snapshot it reads is rebuilt from the events.
 */
export async function clearClosedSnapshots(db: Knex | Knex.Transaction, closedBefore: string, limit: number): Promise<number> {
  const ids = db('dossiers').select('id').where('closed_at', '<', closedBefore).whereNotNull('snapshot').limit(limit);
  return Number(await db('dossiers').update({ snapshot: null }).whereIn('id', ids));
}

/** Rewrites the dossiers table compactly after `clearClosedSnapshots`: VACUUM FULL on PostgreSQL (an exclusive lock), VACUUM on SQLite. */
export async function rewriteDossiersTable(db: Knex): Promise<void> {
  await db.raw(dialectOfKnex(db) === 'postgres' ? 'VACUUM FULL dossiers' : 'VACUUM');
}
