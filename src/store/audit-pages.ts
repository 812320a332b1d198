/**
 * What the whole-database audit (src/audit/verify-all.ts) reads: one page of dossiers at a time, in id order,
 * each with its events (in seq order) and its document_refs rows (in id order). Four statements per page: the
 * page's ids (an index-only keyset scan), then the dossier rows, the events and the refs of those dossiers.
 *
 * Only the columns of a DossierRow are read (not the reporting columns the audit does not check). On SQLite
 * the page is read like the store's ordinary readers do (ids listed in IN (…)). On PostgreSQL it is read by
 * id range (after, last id] — range scans of the primary key and of the (dossier_id, …) unique indexes —,
 * the event rows, most of what the audit reads, come as arrays (no object per row), and every `timestamp
 * with time zone` is turned into ISO-8601 text directly (isoOfPgTimestamptz) rather than into a Date and
 * back: the same values the generic readers give, at a fraction of the driver's cost. The rows read are
 * exactly those of listDossierIdsAfter, findDossiersByIds (its DossierRow columns), listEventsByDossier and
 * documentRefsOfDossiers for the same ids (test/audit/audit-pages.test.ts).
 */
import pg from 'pg';
import { dialectOfKnex, type Db } from './db';
import {
  dossierRowWithIsoInstants,
  EVENT_COLUMNS,
  dossierRowFromDb,
  listDossierIdsAfter,
  listEventsByDossier,
  type DossierRow,
  type EventRow,
} from './dossier-store';
import { documentRefsOfDossiers, refWithIsoInstant, type DocumentRefRow } from './document-store';
import { isoOfPgTimestamptz } from './time';
import { archivedEventsByDossier } from './event-archive';

export interface AuditPage {
  /** the page's dossier ids, in id order (the last one is the next page's cursor) */
  ids: string[];
  /** the dossier rows by id (an id whose row was deleted between the reads is absent) */
  rows: Map<string, DossierRow>;
  /** each dossier's events in seq order (a dossier without events is absent) */
  events: Map<string, EventRow[]>;
  /** each dossier's document_refs rows in id order (a dossier without any is absent) */
  refs: Map<string, DocumentRefRow[]>;
}

/** Every column of a DossierRow (the type makes the list complete): what the audit compares; other columns are not read. */
const DOSSIER_ROW_COLUMNS: Record<keyof DossierRow, true> = {
  id: true,
  code: true,
  submission_ref: true,
  agency_code: true,
  procedure_code: true,
  procedure_version: true,
  machine_version: true,
  channel: true,
  state: true,
  timeliness: true,
  step_index: true,
  step_id: true,
  unit: true,
  assignee: true,
  submitted_at: true,
  received_at: true,
  due_at: true,
  original_due_at: true,
  result_at: true,
  outcome: true,
  final_timeliness: true,
  returned_at: true,
  closed_at: true,
  apology_count: true,
  supplement_count: true,
  applicant_name: true,
  applicant_id_number: true,
  applicant_phone: true,
  lookup_factor: true,
  version: true,
  last_hash: true,
  snapshot: true,
  updated_at: true,
  next_check_at: true,
};
export const DOSSIER_COLUMNS = Object.keys(DOSSIER_ROW_COLUMNS) as (keyof DossierRow)[];

const TIMESTAMPTZ_OID = 1184;
const parseTimestamptz = pg.types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (text: string) => unknown;

/** The pg driver's type parsers, but `timestamp with time zone` read as ISO-8601 text. */
const ISO_INSTANTS = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMPTZ_OID && format !== 'binary'
      ? (text: string) => isoOfPgTimestamptz(text, parseTimestamptz)
      : pg.types.getTypeParser(oid, format ?? 'text'),
};

function grouped<T>(list: T[], idOf: (item: T) => string): Map<string, T[]> {
  const by = new Map<string, T[]>();
  let current: T[] | undefined;
  let currentId: string | undefined;
  for (const item of list) {
    const id = idOf(item);
    if (id !== currentId) {
      currentId = id;
      current = by.get(id);
      if (!current) by.set(id, (current = []));
    }
    current!.push(item);
  }
  return by;
}

/** A page's events: each archived dossier's archived rows before its table rows (src/store/event-archive.ts). */
function withArchived(archived: Map<string, EventRow[]>, live: Map<string, EventRow[]>): Map<string, EventRow[]> {
  for (const [id, rows] of archived) live.set(id, [...rows, ...(live.get(id) ?? [])]);
  return live;
}

/** The id range (after, last] as SQL and bindings for a uuid or text key column. */
function range(column: string, after: string | null, last: string): { sql: string; bindings: string[] } {
  return after === null
    ? { sql: `${column} <= ?`, bindings: [last] }
    : { sql: `${column} > ? AND ${column} <= ?`, bindings: [after, last] };
}

async function postgresPage(db: Db, ids: string[], after: string | null, last: string): Promise<Omit<AuditPage, 'ids'>> {
  const rowsRange = range('id', after, last);
  const eventsRange = range('dossier_id', after, last);
  const [rows, events, refs, archived] = await Promise.all([
    db
      .raw(`SELECT ${DOSSIER_COLUMNS.join(', ')} FROM dossiers WHERE ${rowsRange.sql}`, rowsRange.bindings)
      .options({ types: ISO_INSTANTS }),
    db
      .raw(`SELECT ${EVENT_COLUMNS.join(', ')} FROM dossier_events WHERE ${eventsRange.sql} ORDER BY dossier_id, seq`, eventsRange.bindings)
      .options({ rowMode: 'array', types: ISO_INSTANTS }),
    db
      .raw(`SELECT * FROM document_refs WHERE ${eventsRange.sql} ORDER BY dossier_id, id`, eventsRange.bindings)
      .options({ types: ISO_INSTANTS }),
    archivedEventsByDossier(db, ids, true),
  ]);
  const eventRows = (events as { rows: unknown[][] }).rows.map((r): EventRow => ({
    dossier_id: String(r[0]),
    seq: Number(r[1]),
    type: String(r[2]),
    payload: String(r[3]),
    actor: String(r[4]),
    actor_unit: (r[5] as string | null) ?? null,
    occurred_at: r[6] as string,
    machine_version: Number(r[7]),
    prev_hash: String(r[8]),
    hash: String(r[9]),
  }));
  return {
    rows: new Map(
      (rows as { rows: Record<string, unknown>[] }).rows.map((r) => {
        const row = dossierRowWithIsoInstants(r);
        return [row.id, row];
      }),
    ),
    events: withArchived(
      archived,
      grouped(eventRows, (e) => e.dossier_id),
    ),
    refs: grouped((refs as { rows: Record<string, unknown>[] }).rows.map(refWithIsoInstant), (r) => r.dossierId),
  };
}

/**
 * The next page: up to `limit` dossiers after `after` (null: from the first) and, when given, up to `upto`,
 * with their events and refs. An empty `ids` means there is nothing left.
 */
export async function readAuditPage(db: Db, after: string | null, limit: number, upto?: string): Promise<AuditPage> {
  const ids = await listDossierIdsAfter(db, after, limit, upto);
  if (!ids.length) return { ids, rows: new Map(), events: new Map(), refs: new Map() };
  const last = ids[ids.length - 1]!;
  if (dialectOfKnex(db) === 'postgres') return { ids, ...(await postgresPage(db, ids, after, last)) };
  return {
    ids,
    rows: new Map(
      (await db('dossiers').select(DOSSIER_COLUMNS).whereIn('id', ids)).map((r: Record<string, unknown>) => {
        const row = dossierRowFromDb(r);
        return [row.id, row];
      }),
    ),
    events: await listEventsByDossier(db, ids, true),
    refs: await documentRefsOfDossiers(db, ids),
  };
}
