/**
 * The audit checkpoints as stored (`audit_checkpoints`, `audit_checkpoint_heads`) and the reads of the
 * event log they need: what src/audit/checkpoints.ts takes and checks.
 */
import { dialectOfKnex, type Db, type Tx } from './db';
import { toIso } from './time';
import { archivedEventsByDossier } from './event-archive';

/** How many checkpoints were taken (0 on a database that has no checkpoint table yet). */
export async function countCheckpoints(db: Db): Promise<number> {
  if (!(await db.schema.hasTable('audit_checkpoints'))) return 0;
  const [c] = await db('audit_checkpoints').count({ n: '*' });
  return Number((c as { n: unknown } | undefined)?.n ?? 0);
}

/** A checkpoint as stored. */
export interface CheckpointRow {
  id: number;
  createdAt: string;
  dossierCount: number;
  eventCount: number;
  changedCount: number;
  headsDigest: string;
  changedDigest: string;
  prevDigest: string;
  digest: string;
  /** the deletion log's head when the checkpoint was taken: its record count (null: taken before checkpoints anchored it) */
  deletionCount: number | null;
  /** the hash of the log's last record then (the genesis hash when empty; null as for deletionCount) */
  deletionHead: string | null;
}

/** A dossier's head: its last event's seq and hash (seq 0 and the genesis hash: no event). */
export interface StoredHead {
  seq: number;
  hash: string;
}

/** A head as a checkpoint anchored it, with the dossier's code and the checkpoint's id. */
export interface StoredAnchoredHead extends StoredHead {
  code: string;
  checkpointId: number;
}

function toCheckpoint(raw: Record<string, unknown>): CheckpointRow {
  return {
    id: Number(raw.id),
    createdAt: toIso(raw.created_at),
    dossierCount: Number(raw.dossier_count),
    eventCount: Number(raw.event_count),
    changedCount: Number(raw.changed_count),
    headsDigest: String(raw.heads_digest),
    changedDigest: String(raw.changed_digest),
    prevDigest: String(raw.prev_digest),
    digest: String(raw.digest),
    deletionCount: raw.deletion_count === null || raw.deletion_count === undefined ? null : Number(raw.deletion_count),
    deletionHead: raw.deletion_head === null || raw.deletion_head === undefined ? null : String(raw.deletion_head),
  };
}

/** How many events the database holds. */
export async function countEvents(db: Db): Promise<number> {
  const [row] = await db('dossier_events').count({ n: '*' });
  // and the archived ones (src/store/event-archive.ts)
  const [archived] = await db('dossier_event_archive').sum({ n: 'event_count' });
  return Number((row as { n: unknown } | undefined)?.n ?? 0) + Number((archived as { n: unknown } | undefined)?.n ?? 0);
}

/** The current head (last event) of each of these dossiers; dossiers without events are absent. */
export async function currentHeads(db: Db, ids: string[]): Promise<Map<string, StoredHead>> {
  const heads = new Map<string, StoredHead>();
  if (!ids.length) return heads;
  const rows = await db('dossier_events as e')
    .select('e.dossier_id', 'e.seq', 'e.hash')
    .whereIn('e.dossier_id', ids)
    .whereRaw('e.seq = (select max(e2.seq) from dossier_events e2 where e2.dossier_id = e.dossier_id)');
  for (const r of rows) heads.set(String(r.dossier_id), { seq: Number(r.seq), hash: String(r.hash) });
  // a dossier whose events are all archived has its head on the archive row (src/store/event-archive.ts)
  const rest = ids.filter((id) => !heads.has(id));
  if (rest.length)
    for (const a of (await db('dossier_event_archive').select('dossier_id', 'event_count', 'head_hash').whereIn('dossier_id', rest)) as {
      dossier_id: unknown;
      event_count: unknown;
      head_hash: unknown;
    }[])
      heads.set(String(a.dossier_id), { seq: Number(a.event_count), hash: String(a.head_hash) });
  return heads;
}

/** The hash stored for each (dossier id, seq) pair that still exists, keyed "id seq". */
export async function storedHashes(db: Db, pairs: [string, number][]): Promise<Map<string, string>> {
  const stored = new Map<string, string>();
  if (!pairs.length) return stored;
  const rows = await db('dossier_events').select('dossier_id', 'seq', 'hash').whereIn(['dossier_id', 'seq'], pairs);
  for (const r of rows) stored.set(`${String(r.dossier_id)} ${Number(r.seq)}`, String(r.hash));
  // the pairs the table lacks may be archived (src/store/event-archive.ts): read through the audit's reader
  const missing = pairs.filter(([id, seq]) => !stored.has(`${id} ${seq}`));
  if (missing.length) {
    const archived = await archivedEventsByDossier(db, [...new Set(missing.map(([id]) => id))], true);
    for (const [id, seq] of missing) {
      const e = archived.get(id)?.find((x) => x.seq === seq);
      if (e) stored.set(`${id} ${seq}`, e.hash);
    }
  }
  return stored;
}

/** Which of these dossier ids still exist. */
export async function existingDossierIds(db: Db, ids: string[]): Promise<Set<string>> {
  return new Set((await db('dossiers').select('id').whereIn('id', ids)).map((r: { id: unknown }) => String(r.id)));
}

/** The latest head anchored for each of these dossiers by a checkpoint with id ≤ upTo. */
export async function anchoredHeads(db: Db, ids: string[], upTo: number): Promise<Map<string, StoredAnchoredHead>> {
  const heads = new Map<string, StoredAnchoredHead>();
  if (!ids.length) return heads;
  const rows = await db('audit_checkpoint_heads as h')
    .select('h.dossier_id', 'h.code', 'h.seq', 'h.hash', 'h.checkpoint_id')
    .whereIn('h.dossier_id', ids)
    .whereRaw(
      'h.checkpoint_id = (select max(h2.checkpoint_id) from audit_checkpoint_heads h2 where h2.dossier_id = h.dossier_id and h2.checkpoint_id <= ?)',
      [upTo],
    );
  for (const r of rows) {
    heads.set(String(r.dossier_id), {
      code: String(r.code),
      seq: Number(r.seq),
      hash: String(r.hash),
      checkpointId: Number(r.checkpoint_id),
    });
  }
  return heads;
}

/** One page of dossier ids anchored by checkpoints ≤ upTo, after the cursor. */
export async function anchoredIdPage(db: Db, upTo: number, after: string | null, limit: number): Promise<string[]> {
  let q = db('audit_checkpoint_heads').distinct('dossier_id').where('checkpoint_id', '<=', upTo);
  if (after !== null) q = q.andWhere('dossier_id', '>', after);
  return (await q.orderBy('dossier_id').limit(limit)).map((r: { dossier_id: unknown }) => String(r.dossier_id));
}

/** One page of the heads one checkpoint recorded, after the cursor, in dossier id order. */
export async function checkpointHeadPage(
  db: Db,
  checkpointId: number,
  after: string | null,
  limit: number,
): Promise<{ dossierId: string; code: string; seq: number; hash: string }[]> {
  let q = db('audit_checkpoint_heads').select('dossier_id', 'code', 'seq', 'hash').where('checkpoint_id', checkpointId);
  if (after !== null) q = q.andWhere('dossier_id', '>', after);
  return (await q.orderBy('dossier_id').limit(limit)).map((r: Record<string, unknown>) => ({
    dossierId: String(r.dossier_id),
    code: String(r.code),
    seq: Number(r.seq),
    hash: String(r.hash),
  }));
}

/** One page of live dossiers (id and code) after the cursor, in id order. */
export async function livePage(db: Db, after: string | null, limit: number): Promise<{ id: string; code: string }[]> {
  let q = db('dossiers').select('id', 'code');
  if (after !== null) q = q.where('id', '>', after);
  return (await q.orderBy('id').limit(limit)).map((r: { id: unknown; code: unknown }) => ({ id: String(r.id), code: String(r.code) }));
}

export async function latestCheckpoint(db: Db): Promise<CheckpointRow | null> {
  const raw = await db('audit_checkpoints').orderBy('id', 'desc').first();
  return raw ? toCheckpoint(raw) : null;
}

/** The latest checkpoints first (at most `limit`, default 100). */
export async function listCheckpoints(db: Db, opts: { limit?: number } = {}): Promise<CheckpointRow[]> {
  const rows = await db('audit_checkpoints')
    .orderBy('id', 'desc')
    .limit(opts.limit ?? 100);
  return rows.map(toCheckpoint);
}

/** Every checkpoint, oldest first (none on a database that has no checkpoint table yet). */
/** The heads the checkpoints anchored for one dossier (each checkpoint that saw its head change), oldest first. */
export async function anchoredHeadsOfDossier(db: Db, dossierId: string): Promise<{ checkpointId: number; seq: number; hash: string }[]> {
  if (!(await db.schema.hasTable('audit_checkpoint_heads'))) return [];
  const rows = (await db('audit_checkpoint_heads')
    .where({ dossier_id: dossierId })
    .orderBy('checkpoint_id', 'asc')
    .select('checkpoint_id', 'seq', 'hash')) as { checkpoint_id: unknown; seq: unknown; hash: unknown }[];
  return rows.map((r) => ({ checkpointId: Number(r.checkpoint_id), seq: Number(r.seq), hash: String(r.hash) }));
}

export async function allCheckpoints(db: Db): Promise<CheckpointRow[]> {
  if (!(await db.schema.hasTable('audit_checkpoints'))) return [];
  return (await db('audit_checkpoints').orderBy('id', 'asc')).map(toCheckpoint);
}

/** Records heads of one checkpoint (in statements of 100 rows). */
export async function insertCheckpointHeads(
  tx: Tx,
  rows: { checkpoint_id: number; dossier_id: string; code: string; seq: number; hash: string }[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 100) await tx('audit_checkpoint_heads').insert(rows.slice(i, i + 100));
}

export async function insertCheckpoint(tx: Tx, c: CheckpointRow): Promise<void> {
  await tx('audit_checkpoints').insert({
    id: c.id,
    created_at: c.createdAt,
    dossier_count: c.dossierCount,
    event_count: c.eventCount,
    changed_count: c.changedCount,
    heads_digest: c.headsDigest,
    changed_digest: c.changedDigest,
    prev_digest: c.prevDigest,
    digest: c.digest,
    deletion_count: c.deletionCount,
    deletion_head: c.deletionHead,
  });
}

/** Runs `work` on one snapshot of the database (PostgreSQL: a repeatable-read transaction; SQLite: its one writer). */
export function inSnapshotTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return dialectOfKnex(db) === 'postgres' ? db.transaction(work, { isolationLevel: 'repeatable read' }) : db.transaction(work);
}
