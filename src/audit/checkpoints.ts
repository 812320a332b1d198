/**
 * Checkpoints: periodic anchors over every dossier's hash chain, so that deleting a whole dossier, or
 * its last events, is detected too (a per-dossier chain cannot show what was cut off its end).
 *
 * A checkpoint (table audit_checkpoints, migration 20261124000003_audit) records, at one moment:
 * - `heads_digest`: sha256 over one line "dossier_id seq hash" per dossier, in dossier id order, for
 *   every dossier that exists or was anchored by an earlier checkpoint (a dossier that disappeared
 *   keeps a line with seq 0 and the genesis hash, so its disappearance is itself on record);
 * - the heads that changed since the previous checkpoint, as rows of audit_checkpoint_heads
 *   (checkpoint_id, dossier_id, code, seq, hash), and `changed_digest` over them;
 * - counts of dossiers, events and changed heads;
 * - the retention job's deletion log's head: how many records it holds and its last record's hash
 *   (`deletion_count`, `deletion_head`; null on checkpoints taken before they were anchored, migration
 *   20261208000400), so that a log cut short or rewritten consistently after a checkpoint is found too;
 * - `digest` = sha256(prev_digest + "\n" + canonicalJson(all the fields above)), chaining each
 *   checkpoint to the previous one (the first to the genesis hash).
 *
 * `verifyCheckpoints` then checks, reporting each dossier once (the earliest evidence):
 * - the checkpoint chain: ids without gaps, each prev_digest = previous digest, each digest and
 *   changed_digest recomputed (`checkpoint_tampered`); optional external copies of digests
 *   (`anchors`, e.g. printed in the daily report) must match;
 * - every anchored head against the current events: the dossier must still exist
 *   (`dossier_deleted`), still have an event at the anchored seq (`events_deleted`, naming the first
 *   missing seq) with the anchored hash (`chain_rewritten`); heads recorded by a later checkpoint
 *   must not go backwards from an earlier one (deletions that happened between two checkpoints);
 * - the latest checkpoint's heads_digest rebuilt from the head rows, and the database's event count
 *   not below the latest checkpoint's;
 * - the deletion log against every anchored head (`deletion_log_diverged`, reported once): the log must still
 *   hold the anchored record count, its record at that seq must have the anchored hash (a hash covers every
 *   record before it), and a later checkpoint's head must not fall back from an earlier one's; once a
 *   checkpoint has anchored the log, a later one without an anchor is `checkpoint_tampered`.
 *
 * The anchors are only as strong as their copies outside the database: someone able to rewrite both
 * the events and every checkpoint can forge a consistent history, unless the digests were published.
 * Memory is constant: everything is paged by dossier id. On PostgreSQL a checkpoint is taken in one
 * REPEATABLE READ transaction (writers are not blocked); on SQLite the transaction holds the single
 * connection while it runs.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../store/db';
import { toIso } from '../store/time';
import {
  allCheckpoints,
  anchoredHeads,
  anchoredIdPage,
  checkpointHeadPage,
  countCheckpoints,
  countEvents,
  currentHeads,
  existingDossierIds,
  inSnapshotTransaction,
  insertCheckpoint,
  insertCheckpointHeads,
  latestCheckpoint,
  livePage,
  storedHashes,
  type CheckpointRow,
  type StoredAnchoredHead as AnchoredHead,
  type StoredHead as Head,
} from '../store/checkpoint-store';
import { deletionHashAt, deletionLogHead } from '../store/retention-store';
import { canonicalJson, GENESIS_HASH } from '../../machines/engine/hash';
import type { Finding } from './verify-dossier';

/** A checkpoint: counts and digests over every dossier's head, chained to the one before. */
export type Checkpoint = CheckpointRow;

export interface CreatedCheckpoint extends Checkpoint {
  /** anchored heads that went backwards (deleted dossiers or events) since the previous checkpoint */
  regressions: number;
}

export interface CheckpointVerification {
  checkpoints: number;
  latest: Checkpoint | null;
  findings: Finding[];
}

export interface CheckpointOptions {
  pageSize?: number;
}

export interface VerifyCheckpointOptions extends CheckpointOptions {
  /** digests kept outside the database; each must match the stored checkpoint */
  anchors?: { id: number; digest: string }[];
}

const DEFAULT_PAGE = 500;
const DATABASE = '(database)';

export function checkpointDigest(c: Omit<Checkpoint, 'digest'>): string {
  const content = {
    id: c.id,
    createdAt: c.createdAt,
    dossierCount: c.dossierCount,
    eventCount: c.eventCount,
    changedCount: c.changedCount,
    headsDigest: c.headsDigest,
    changedDigest: c.changedDigest,
    // only checkpoints that anchor the deletion log have these: the older ones keep the digest they were given
    ...(c.deletionCount === null ? {} : { deletionCount: c.deletionCount }),
    ...(c.deletionHead === null ? {} : { deletionHead: c.deletionHead }),
  };
  return createHash('sha256').update(c.prevDigest).update('\n').update(canonicalJson(content)).digest('hex');
}

const headLine = (dossierId: string, h: Head) => `${dossierId} ${h.seq} ${h.hash}\n`;
const changedLine = (dossierId: string, code: string, h: Head) => `${dossierId} ${code} ${h.seq} ${h.hash}\n`;

/** Records a checkpoint at `at` over every dossier's current head. */
export async function createCheckpoint(db: Db, at: string | Date, opts: CheckpointOptions = {}): Promise<CreatedCheckpoint> {
  const pageSize = opts.pageSize ?? DEFAULT_PAGE;
  const createdAt = toIso(at);
  return inSnapshotTransaction(db, async (trx): Promise<CreatedCheckpoint> => {
    const prev = await latestCheckpoint(trx);
    const id = prev ? prev.id + 1 : 1;
    const heads = createHash('sha256');
    const changed = createHash('sha256');
    let dossierCount = 0;
    let changedCount = 0;
    let regressions = 0;
    let cursor: string | null = null;
    for (;;) {
      const live: { id: string; code: string }[] = await livePage(trx, cursor, pageSize);
      const anchored: string[] = prev ? await anchoredIdPage(trx, prev.id, cursor, pageSize) : [];
      if (!live.length && !anchored.length) break;
      // Merge the two sorted pages up to the smaller of their last keys (when a page is full).
      let hi: string | null = null;
      if (live.length === pageSize) hi = live[live.length - 1]!.id;
      if (anchored.length === pageSize) {
        const a: string = anchored[anchored.length - 1]!;
        hi = hi === null || a < hi ? a : hi;
      }
      const codes = new Map<string, string>();
      for (const d of live) if (hi === null || d.id <= hi) codes.set(d.id, d.code);
      const liveIds = [...codes.keys()];
      const ids = [...new Set([...liveIds, ...anchored.filter((a) => hi === null || a <= hi)])].sort();
      const now = await currentHeads(trx, liveIds);
      const before = prev ? await anchoredHeads(trx, ids, prev.id) : new Map<string, AnchoredHead>();
      const rows: Parameters<typeof insertCheckpointHeads>[1] = [];
      for (const dossierId of ids) {
        const isLive = codes.has(dossierId);
        const head: Head = (isLive ? now.get(dossierId) : undefined) ?? { seq: 0, hash: GENESIS_HASH };
        const old = before.get(dossierId);
        const code = codes.get(dossierId) ?? old?.code ?? '';
        if (isLive) dossierCount += 1;
        heads.update(headLine(dossierId, head));
        if (!old || old.seq !== head.seq || old.hash !== head.hash || old.code !== code) {
          if (old && (head.seq < old.seq || (head.seq === old.seq && head.hash !== old.hash))) regressions += 1;
          changed.update(changedLine(dossierId, code, head));
          changedCount += 1;
          rows.push({ checkpoint_id: id, dossier_id: dossierId, code, seq: head.seq, hash: head.hash });
        }
      }
      await insertCheckpointHeads(trx, rows);
      if (hi === null) break;
      cursor = hi;
    }
    const deletions = await deletionLogHead(trx);
    const fields = {
      id,
      createdAt,
      dossierCount,
      eventCount: await countEvents(trx),
      changedCount,
      headsDigest: heads.digest('hex'),
      changedDigest: changed.digest('hex'),
      prevDigest: prev ? prev.digest : GENESIS_HASH,
      deletionCount: deletions.count,
      deletionHead: deletions.hash,
    };
    const checkpoint: Checkpoint = { ...fields, digest: checkpointDigest(fields) };
    await insertCheckpoint(trx, checkpoint);
    return { ...checkpoint, regressions };
  });
}

function tampered(message: string): Finding {
  return { dossierCode: DATABASE, seq: null, kind: 'checkpoint_tampered', message };
}

const when = (c: { id: number; createdAt: string }) => `checkpoint #${c.id} (${c.createdAt})`;

/** Streams checkpoint findings (see the header); yields nothing when no checkpoint was ever taken. */
export async function* checkpointFindings(db: Db, opts: VerifyCheckpointOptions = {}): AsyncGenerator<Finding> {
  const pageSize = opts.pageSize ?? DEFAULT_PAGE;
  const checkpoints = await allCheckpoints(db);
  if (!checkpoints.length) return;
  const byId = new Map(checkpoints.map((c) => [c.id, c]));

  // 1. The chain of checkpoints.
  let prevDigest = GENESIS_HASH;
  let expectedId = 1;
  for (const c of checkpoints) {
    if (c.id !== expectedId)
      yield tampered(
        `checkpoint${c.id - expectedId > 1 ? 's' : ''} #${expectedId}${c.id - 1 > expectedId ? `–#${c.id - 1}` : ''} missing before #${c.id}`,
      );
    if (c.prevDigest !== prevDigest) yield tampered(`${when(c)} does not link to the digest of the checkpoint before it`);
    if (checkpointDigest(c) !== c.digest) yield tampered(`${when(c)} was altered: its digest does not match its fields`);
    prevDigest = c.digest;
    expectedId = c.id + 1;
  }
  for (const a of opts.anchors ?? []) {
    const c = byId.get(a.id);
    if (!c) yield tampered(`checkpoint #${a.id}, whose digest was kept outside the database, is missing`);
    else if (c.digest !== a.digest) yield tampered(`${when(c)} differs from the digest kept outside the database`);
  }

  // 2. Every anchored head against the current events, and against the earlier anchors.
  const flagged = new Set<string>();
  for (const c of checkpoints) {
    const changed = createHash('sha256');
    let changedCount = 0;
    let cursor: string | null = null;
    for (;;) {
      const page = await checkpointHeadPage(db, c.id, cursor, pageSize);
      if (!page.length) break;
      cursor = page[page.length - 1]!.dossierId;
      const ids = page.map((h) => h.dossierId);
      const earlier = c.id > 1 ? await anchoredHeads(db, ids, c.id - 1) : new Map<string, AnchoredHead>();
      const live = await existingDossierIds(db, ids);
      const now = await currentHeads(db, ids);
      const stored = await storedHashes(
        db,
        page.filter((h) => h.seq > 0).map((h): [string, number] => [h.dossierId, h.seq]),
      );
      for (const h of page) {
        changed.update(changedLine(h.dossierId, h.code, h));
        changedCount += 1;
        if (flagged.has(h.dossierId)) continue;
        const flag = (f: Finding) => {
          flagged.add(h.dossierId);
          return f;
        };
        const old = earlier.get(h.dossierId);
        if (old && h.seq < old.seq) {
          const prevC = byId.get(old.checkpointId);
          const between = `between ${prevC ? when(prevC) : `checkpoint #${old.checkpointId}`} and ${when(c)}`;
          yield flag(
            h.seq === 0 && !live.has(h.dossierId)
              ? {
                  dossierCode: old.code,
                  seq: null,
                  kind: 'dossier_deleted',
                  message: `dossier ${old.code} (head seq ${old.seq}) was deleted ${between}`,
                }
              : {
                  dossierCode: old.code,
                  seq: h.seq + 1,
                  kind: 'events_deleted',
                  message: `events seq ${h.seq + 1}–${old.seq} of ${old.code} were deleted ${between}`,
                },
          );
          continue;
        }
        if (old && h.seq === old.seq && h.hash !== old.hash) {
          yield flag({
            dossierCode: h.code,
            seq: h.seq,
            kind: 'chain_rewritten',
            message: `the head seq ${h.seq} of ${h.code} changed its hash ${`between checkpoint #${old.checkpointId} and ${when(c)}`}: the chain was rewritten`,
          });
          continue;
        }
        if (h.seq === 0) continue;
        const current = now.get(h.dossierId);
        const hash = stored.get(`${h.dossierId} ${h.seq}`);
        if (!live.has(h.dossierId)) {
          yield flag({
            dossierCode: h.code,
            seq: null,
            kind: 'dossier_deleted',
            message: `dossier ${h.code} (head seq ${h.seq} at ${when(c)}) no longer exists: it was deleted with its ${h.seq} events`,
          });
        } else if (hash === undefined) {
          const from = current && current.seq < h.seq ? current.seq + 1 : h.seq;
          const to = h.seq;
          const what = current
            ? current.seq < h.seq
              ? `the dossier now ends at seq ${current.seq}`
              : `later events remain`
            : 'no event is left';
          yield flag({
            dossierCode: h.code,
            seq: from,
            kind: 'events_deleted',
            message: `${from === to ? `event seq ${to}` : `events seq ${from}–${to}`} of ${h.code}, anchored at ${when(c)}, ${from === to ? 'was' : 'were'} deleted (${what})`,
          });
        } else if (hash !== h.hash) {
          yield flag({
            dossierCode: h.code,
            seq: h.seq,
            kind: 'chain_rewritten',
            message: `event seq ${h.seq} of ${h.code} no longer has the hash anchored at ${when(c)}: the chain was rewritten up to it`,
          });
        }
      }
    }
    if (changedCount !== c.changedCount || changed.digest('hex') !== c.changedDigest) {
      yield tampered(`the heads recorded with ${when(c)} were altered (${changedCount} rows, ${c.changedCount} recorded)`);
    }
  }

  // 3. The latest checkpoint's digest over all heads, and the event count.
  const latest = checkpoints[checkpoints.length - 1];
  if (!latest) return;
  const heads = createHash('sha256');
  let cursor: string | null = null;
  for (;;) {
    const ids = await anchoredIdPage(db, latest.id, cursor, pageSize);
    if (!ids.length) break;
    cursor = ids[ids.length - 1]!;
    const anchored = await anchoredHeads(db, ids, latest.id);
    for (const id of ids) {
      const h = anchored.get(id);
      if (h) heads.update(headLine(id, h));
    }
  }
  if (heads.digest('hex') !== latest.headsDigest)
    yield tampered(`the heads anchored up to ${when(latest)} do not rebuild its digest over all heads`);
  const events = await countEvents(db);
  if (events < latest.eventCount) {
    yield {
      dossierCode: DATABASE,
      seq: null,
      kind: 'events_deleted',
      message: `the database holds ${events} events, fewer than the ${latest.eventCount} at ${when(latest)}`,
    };
  }

  // 4. The deletion log against the heads the checkpoints anchored.
  yield* deletionLogAnchorFindings(db, checkpoints);
}

function diverged(message: string): Finding {
  return { dossierCode: DATABASE, seq: null, kind: 'deletion_log_diverged', message };
}

/**
 * The retention job's deletion log still reaches every head a checkpoint anchored. Reported once, the earliest
 * evidence first: a head that fell back between two checkpoints (which names when), else the first anchored head
 * the log no longer reaches.
 */
async function* deletionLogAnchorFindings(db: Db, checkpoints: readonly Checkpoint[]): AsyncGenerator<Finding> {
  const anchored: { c: Checkpoint; count: number; head: string }[] = [];
  for (const c of checkpoints) {
    const earlier = anchored[anchored.length - 1];
    if (c.deletionCount === null || c.deletionHead === null) {
      if (earlier) yield tampered(`${when(c)} does not anchor the deletion log, which ${when(earlier.c)} did`);
      continue;
    }
    if (earlier) {
      const between = `between ${when(earlier.c)} and ${when(c)}`;
      if (c.deletionCount < earlier.count) {
        yield diverged(`the deletion log went from ${earlier.count} records to ${c.deletionCount} ${between}: records were removed`);
        return;
      }
      if (c.deletionCount === earlier.count && c.deletionHead !== earlier.head) {
        yield diverged(`the deletion log's record ${c.deletionCount} changed its hash ${between}: the log was rewritten`);
        return;
      }
    }
    anchored.push({ c, count: c.deletionCount, head: c.deletionHead });
  }
  const now = await deletionLogHead(db);
  for (const { c, count, head } of anchored) {
    if (count === 0) continue;
    const hash = now.count < count ? null : await deletionHashAt(db, count);
    if (hash === null) {
      yield diverged(
        `the deletion log holds ${now.count} records, fewer than the ${count} anchored at ${when(c)}: records were removed from it`,
      );
      return;
    }
    if (hash !== head) {
      yield diverged(`the deletion log's record ${count} no longer has the hash anchored at ${when(c)}: the log was rewritten up to it`);
      return;
    }
  }
}

/** Checks every checkpoint and the anchored heads against the current events. */
export async function verifyCheckpoints(db: Db, opts: VerifyCheckpointOptions = {}): Promise<CheckpointVerification> {
  const findings: Finding[] = [];
  for await (const f of checkpointFindings(db, opts)) findings.push(f);
  const checkpoints = await countCheckpoints(db);
  return { checkpoints, latest: checkpoints > 0 ? await latestCheckpoint(db) : null, findings };
}
