/**
 * The archive of closed dossiers' events (issue 16, storage; docs/engine.md, "An archive of closed dossiers'
 * events"): one `dossier_event_archive` row per dossier holding every column of its event rows as written (a JSON
 * array of arrays in BLOB_COLUMNS order), deflated (node:zlib deflateRaw, level 9) with a preset dictionary from
 * `dossier_event_archive_dictionaries` (immutable, SHA-256 checked on every load), beside kept columns for the
 * set-based readers. `archiveBatch`/`archiveDossiers` move rows there as the owner (`npm run events:archive`), one
 * transaction per batch, after checking each chain; `archivedEventsByDossier` gives them back as the table's reader
 * would, and is read by every reader of a dossier's events (listEvents, listEventsByDossier, the audit pages, the
 * outbox); the access filter, the monthly report, the events-only metrics and the checkpoints read the kept columns.
 */
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Knex } from 'knex';
import pg from 'pg';
import { dialectOfKnex } from './db';
import { isoOfPgTimestamptz, toIso } from './time';
import type { EventRow } from '../../machines/engine/rows';
import { decodeRow, hashedContent } from '../../machines/engine/event-codec';
import { eventHash, GENESIS_HASH } from '../../machines/engine/hash';

type Db = Knex | Knex.Transaction;

/** An event row's columns in the blob, in order: every column of dossier_events but dossier_id (the archive row's key). */
const BLOB_COLUMNS = [
  'id',
  'seq',
  'type',
  'payload',
  'actor',
  'actor_unit',
  'occurred_at',
  'machine_version',
  'prev_hash',
  'hash',
  'txid',
] as const;
type BlobRow = [string, number, string, string, string, string | null, string, number, string, string, string | null];

const TIMESTAMPTZ_OID = 1184;
const parseTimestamptz = pg.types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (text: string) => unknown;

/** Each column as its own text, lossless: PostgreSQL's instant in UTC to the microsecond, ids and txid as text. */
function selectList(isPg: boolean): string {
  return isPg
    ? `e.dossier_id::text AS dossier_id, e.id::text AS id, e.seq, e.type, e.payload, e.actor, e.actor_unit,
       to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' AS occurred_at,
       e.machine_version, e.prev_hash, e.hash, e.txid::text AS txid`
    : `e.dossier_id, CAST(e.id AS TEXT) AS id, e.seq, e.type, e.payload, e.actor, e.actor_unit, e.occurred_at,
       e.machine_version, e.prev_hash, e.hash, NULL AS txid`;
}

function blobRowOf(r: Record<string, unknown>): BlobRow {
  return BLOB_COLUMNS.map((c) => (c === 'seq' || c === 'machine_version' ? Number(r[c]) : r[c] === null ? null : String(r[c]))) as BlobRow;
}

/** The EventRow the table's reader (eventRowFromDb) gives for the same row. */
function eventRowOf(dossierId: string, b: BlobRow, isPg: boolean): EventRow {
  return {
    dossier_id: dossierId,
    seq: b[1],
    type: b[2],
    payload: b[3],
    actor: b[4],
    actor_unit: b[5],
    occurred_at: isPg ? isoOfPgTimestamptz(b[6], parseTimestamptz) : toIso(b[6]),
    machine_version: b[7],
    prev_hash: b[8],
    hash: b[9],
  };
}

export function encodeArchive(rows: BlobRow[], dictionary: Buffer): Buffer {
  return deflateRawSync(Buffer.from(JSON.stringify(rows)), { level: 9, dictionary });
}

export function decodeArchive(blob: Buffer, dictionary: Buffer): BlobRow[] {
  return JSON.parse(inflateRawSync(blob, { dictionary }).toString('utf8')) as BlobRow[];
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The dictionaries, by id, each checked against its SHA-256 (a mismatch is an error: the audit reports it). */
async function dictionaries(db: Db, ids: Iterable<number>, skipAltered = false): Promise<Map<number, Buffer>> {
  const want = [...new Set(ids)];
  const out = new Map<number, Buffer>();
  if (!want.length) return out;
  const rows = (await db('dossier_event_archive_dictionaries').whereIn('id', want)) as { id: number; sha256: string; bytes: Buffer }[];
  for (const r of rows) {
    const bytes = Buffer.from(r.bytes);
    if (sha256(bytes) !== r.sha256) {
      if (skipAltered) continue;
      throw new Error(`archive dictionary ${r.id} does not match its sha256`);
    }
    out.set(Number(r.id), bytes);
  }
  return out;
}

/**
 * What the audit reads in place of an archive row that cannot be read (the blob does not inflate or parse, or its
 * dictionary is missing or altered): one row that can match no chain, so the dossier is BROKEN, naming why.
 */
function unreadable(dossierId: string, why: string): EventRow[] {
  return [
    {
      dossier_id: dossierId,
      seq: 1,
      type: 'ARCHIVE_UNREADABLE',
      payload: JSON.stringify({ $archiveUnreadable: why }),
      actor: 'system',
      actor_unit: null,
      occurred_at: '1970-01-01T00:00:00.000Z',
      machine_version: 0,
      prev_hash: '',
      hash: '',
    },
  ];
}

/**
 * The archived event rows of these dossiers, by dossier id, in seq order; dossiers without an archive row are
 * absent. An archive row that cannot be read throws, or, `forAudit`, reads as one row no chain matches.
 */
export async function archivedEventsByDossier(db: Db, ids: readonly string[], forAudit = false): Promise<Map<string, EventRow[]>> {
  const out = new Map<string, EventRow[]>();
  if (!ids.length) return out;
  const rows = (await db('dossier_event_archive')
    .select('*')
    .whereIn('dossier_id', [...ids])) as ArchiveRow[];
  if (!rows.length) return out;
  const dicts = await dictionaries(
    db,
    rows.map((r) => Number(r.dictionary_id)),
    forAudit,
  );
  const isPg = dialectOfKnex(db) === 'postgres';
  for (const r of rows) {
    const id = String(r.dossier_id);
    try {
      const dictionary = dicts.get(Number(r.dictionary_id));
      if (!dictionary) throw new Error(`dictionary ${r.dictionary_id} missing or altered`);
      const events = decodeArchive(Buffer.from(r.events), dictionary).map((b) => eventRowOf(id, b, isPg));
      if (forAudit) {
        // the kept columns steer the access filter, the reports and the checkpoints: they must be what the rows give
        const kept = summaryOf(events);
        const drift = (Object.keys(kept) as (keyof typeof kept)[]).filter((k) => String(kept[k]) !== keptValue(r, k));
        if (drift.length) throw new Error(`its kept columns differ from its rows: ${drift.join(', ')}`);
      }
      out.set(id, events);
    } catch (err) {
      if (!forAudit) throw new Error(`the archive of dossier ${id} cannot be read: ${(err as Error).message}`, { cause: err });
      out.set(id, unreadable(id, (err as Error).message));
    }
  }
  return out;
}

interface ArchiveRow {
  dossier_id: string;
  dictionary_id: number;
  event_count: number;
  head_hash: string;
  first_at: unknown;
  actor_units: string;
  returns: string;
  events: Buffer;
}

/** The archive row's kept columns, as the rows give them. */
function summaryOf(events: EventRow[]): { event_count: number; head_hash: string; first_at: string; actor_units: string; returns: string } {
  return {
    event_count: events.length,
    head_hash: events[events.length - 1]?.hash ?? '',
    first_at: events[0]?.occurred_at ?? '',
    actor_units: JSON.stringify([...new Set(events.map((e) => e.actor_unit).filter((u): u is string => u !== null))].sort()),
    returns: JSON.stringify(
      events
        .filter((e) => e.type === 'RETURN_RESULT')
        .map((e) => [e.occurred_at, (JSON.parse(e.payload) as { method?: unknown }).method ?? null]),
    ),
  };
}

function keptValue(r: ArchiveRow, k: keyof ReturnType<typeof summaryOf>): string {
  return k === 'first_at' ? toIso(r.first_at) : String(r[k]);
}

/** One dossier's rows checked as the audit checks a chain: seq 1..n, each prev_hash the previous hash, each hash recomputed. */
function chainProblem(dossierId: string, rows: EventRow[], lastHash: string): string | null {
  let prev = GENESIS_HASH;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.seq !== i + 1) return `seq ${row.seq} at position ${i + 1}`;
    if (row.prev_hash !== prev) return `seq ${row.seq}: prev_hash does not link`;
    if (eventHash(prev, hashedContent(dossierId, decodeRow(row))) !== row.hash) return `seq ${row.seq}: hash does not recompute`;
    prev = row.hash;
  }
  if (prev !== lastHash) return `the chain's head is not the dossier's last_hash`;
  return null;
}

/** No person's data in a dictionary: it outlives the dossiers it was made from. */
const BLANKED = new Set<string>(['id', 'actor', 'occurred_at', 'prev_hash', 'hash', 'txid']);
const BLANKED_PAYLOAD_KEYS = ['code', 'note', 'reason', 'signer', 'documentNumber', 'assignee'];

function blanked(b: BlobRow): unknown[] {
  return BLOB_COLUMNS.map((c, i) => {
    if (BLANKED.has(c)) return '';
    if (c !== 'payload') return b[i];
    const p = JSON.parse(String(b[i])) as Record<string, unknown>;
    const applicant = p.applicant as Record<string, unknown> | undefined;
    if (applicant) for (const k of Object.keys(applicant)) applicant[k] = '';
    for (const k of BLANKED_PAYLOAD_KEYS) if (typeof p[k] === 'string') p[k] = '';
    return JSON.stringify(p);
  });
}

/** The newest dictionary; the first archive run makes one from the rows it is about to move (blanked), at most 32 KiB. */
async function currentDictionary(tx: Knex.Transaction, sample: BlobRow[][]): Promise<{ id: number; bytes: Buffer }> {
  const last = (await tx('dossier_event_archive_dictionaries').orderBy('id', 'desc').first()) as { id: number } | undefined;
  if (last) return { id: Number(last.id), bytes: (await dictionaries(tx, [Number(last.id)])).get(Number(last.id))! };
  const bytes = Buffer.concat(sample.slice(0, 40).map((rows) => Buffer.from(JSON.stringify(rows.map(blanked))))).subarray(-32 * 1024);
  await tx('dossier_event_archive_dictionaries').insert({ id: 1, sha256: sha256(bytes), bytes });
  return { id: 1, bytes };
}

export interface ArchiveResult {
  dossiers: number;
  events: number;
}

/** One dossier's archive row as the move reads it back: its rows decoded (dictionary checked) and its count. */
async function archivedBlobRows(tx: Knex.Transaction, ids: readonly string[]): Promise<Map<string, { count: number; rows: BlobRow[] }>> {
  const rows = (await tx('dossier_event_archive')
    .select('dossier_id', 'dictionary_id', 'event_count', 'events')
    .whereIn('dossier_id', [...ids])) as Pick<ArchiveRow, 'dossier_id' | 'dictionary_id' | 'event_count' | 'events'>[];
  const dicts = await dictionaries(
    tx,
    rows.map((r) => Number(r.dictionary_id)),
  );
  return new Map(
    rows.map((r) => {
      const dictionary = dicts.get(Number(r.dictionary_id));
      if (!dictionary) throw new Error(`archive: dictionary ${r.dictionary_id} missing`);
      return [String(r.dossier_id), { count: Number(r.event_count), rows: decodeArchive(Buffer.from(r.events), dictionary) }];
    }),
  );
}

/**
 * Moves these dossiers' events into the archive, in the caller's transaction (the owner's connection): refused
 * for a dossier that is not closed, that is archived already with no row after its archive, or whose chain does
 * not check; each blob is decoded again and compared with the rows before they are deleted. A dossier archived
 * before whose table holds later rows (a correction after archiving) is archived again: its archived rows and the
 * table's, checked as one chain from the first event to `last_hash`, replace its archive row (the UPDATE the
 * archive's trigger allows: the same dossier, the same first event, the count grown over table rows that continue
 * the old head), then the table's rows are deleted. On PostgreSQL the dossiers' rows are locked first (the lock a
 * transition takes), so nothing is appended while they move.
 */
export async function archiveDossiers(tx: Knex.Transaction, ids: readonly string[]): Promise<ArchiveResult> {
  if (!ids.length) return { dossiers: 0, events: 0 };
  const isPg = dialectOfKnex(tx) === 'postgres';
  const lockQ = tx('dossiers')
    .select('id', 'code', 'closed_at', 'last_hash')
    .whereIn('id', [...ids])
    .orderBy('id');
  const dossiers = (await (isPg ? lockQ.forUpdate() : lockQ)) as { id: string; code: string; closed_at: unknown; last_hash: string }[];
  if (dossiers.length !== ids.length) throw new Error('archive: a dossier does not exist');
  for (const d of dossiers) if (d.closed_at === null) throw new Error(`archive: dossier ${d.code} is not closed`);
  const raw = (await tx.raw(
    `SELECT ${selectList(isPg)} FROM dossier_events e WHERE e.dossier_id IN (${ids.map(() => '?').join(', ')}) ORDER BY e.dossier_id, e.seq`,
    [...ids],
  )) as { rows?: Record<string, unknown>[] } | Record<string, unknown>[];
  const rows = Array.isArray(raw) ? raw : (raw.rows ?? []);
  const byDossier = new Map<string, BlobRow[]>(dossiers.map((d) => [String(d.id), []]));
  for (const r of rows) byDossier.get(String(r.dossier_id))!.push(blobRowOf(r));
  const archived = await archivedBlobRows(tx, ids);
  const dictionary = await currentDictionary(tx, [...byDossier.values()]);
  const inserts: Record<string, unknown>[] = [];
  for (const d of dossiers) {
    const id = String(d.id);
    const live = byDossier.get(id)!;
    const before = archived.get(id);
    if (before && !live.length) throw new Error(`archive: dossier ${d.code} is archived already, with no event after it`);
    const blobRows = [...(before?.rows ?? []), ...live];
    const eventRows = blobRows.map((b) => eventRowOf(id, b, isPg));
    const problem = blobRows.length ? chainProblem(id, eventRows, d.last_hash) : 'no events';
    if (problem) throw new Error(`archive: dossier ${d.code}: ${problem}`);
    const events = encodeArchive(blobRows, dictionary.bytes);
    if (JSON.stringify(decodeArchive(events, dictionary.bytes)) !== JSON.stringify(blobRows))
      throw new Error(`archive: dossier ${d.code}: the blob does not decode to its rows`);
    const row = { dossier_id: id, dictionary_id: dictionary.id, ...summaryOf(eventRows), events };
    if (!before) {
      inserts.push(row);
      continue;
    }
    // archived again: the row is replaced only if it still holds what was read (one archive run at a time)
    const updated = await tx('dossier_event_archive').where({ dossier_id: id, event_count: before.count }).update(row);
    if (Number(updated) !== 1) throw new Error(`archive: dossier ${d.code}: its archive row changed meanwhile`);
  }
  if (inserts.length) await tx('dossier_event_archive').insert(inserts);
  const deleted = await tx('dossier_events')
    .whereIn('dossier_id', [...ids])
    .del();
  if (deleted !== rows.length) throw new Error(`archive: deleted ${deleted} event rows, read ${rows.length}`);
  return { dossiers: dossiers.length, events: rows.length };
}

/**
 * The next `limit` dossiers after `after` (id order) closed before `closedBefore` that still have rows in the
 * table: those not archived (a dossier always has its SUBMIT), and those archived whose table holds later rows.
 */
export async function dossiersToArchive(db: Db, closedBefore: string, limit: number, after = ''): Promise<string[]> {
  const q = db('dossiers as d')
    .select('d.id')
    .where('d.closed_at', '<', closedBefore)
    .whereExists(function () {
      this.select(db.raw('1')).from('dossier_events as e').whereRaw('e.dossier_id = d.id');
    })
    .orderBy('d.id')
    .limit(limit);
  if (after) q.where('d.id', '>', after);
  return ((await q) as { id: unknown }[]).map((r) => String(r.id));
}

/**
 * One batch of `events:archive`: up to `limit` dossiers after `after` (id order; '' from the first) closed before
 * `closedBefore`, moved in one transaction. `last` is the cursor for the next batch (null: nothing left).
 */
export async function archiveBatch(
  db: Knex,
  closedBefore: string,
  limit: number,
  after = '',
): Promise<ArchiveResult & { last: string | null }> {
  return db.transaction(async (tx) => {
    const ids = await dossiersToArchive(tx, closedBefore, limit, after);
    return { ...(await archiveDossiers(tx, ids)), last: ids[ids.length - 1] ?? null };
  });
}

/**
 * `npm run events:archive`'s run: `archiveBatch` after `archiveBatch` from the first dossier until none is left,
 * `onBatch` with the totals after each batch's COMMIT. A crash leaves the committed batches archived and the one
 * under way as it was; the next run picks up what is left.
 */
export async function archiveClosed(
  db: Knex,
  closedBefore: string,
  batch: number,
  onBatch: (done: ArchiveResult) => void = () => {},
): Promise<ArchiveResult> {
  const done = { dossiers: 0, events: 0 };
  for (let after = ''; ;) {
    const moved = await archiveBatch(db, closedBefore, batch, after);
    if (moved.last === null) return done;
    after = moved.last;
    done.dossiers += moved.dossiers;
    done.events += moved.events;
    onBatch({ ...done });
  }
}
