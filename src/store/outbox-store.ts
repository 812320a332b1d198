/**
 * The transactional outbox's rows (db/migrations/20261205000600_outbox.ts, docs/integration.md):
 * subscribers and their event filters, one delivery per (subscriber, dossier event) written in the event's
 * own transaction, the dispatcher's claims (FOR UPDATE SKIP LOCKED on PostgreSQL) and results, the per-channel
 * figures, dead letters and the change feed over dossier_events.
 */
import type { Knex } from 'knex';
import { dialectOfKnex, inRetriedTransaction } from './db';
import { toIso, toIsoOrNull } from './time';
import { CHOICE_EVENT_TYPES } from '../../machines/notify/channels';
import { dossierRowFromDb, eventRowFromDb, type DossierRow, type EventRow } from './dossier-store';
import { archivedEventsByDossier } from './event-archive';

export type DeliveryState = 'pending' | 'sent' | 'dead' | 'discarded';

export interface SubscriberRow {
  id: string;
  kind: string;
  name: string;
  /** the channel's own settings (JSON), e.g. a webhook's URL and secret */
  config: Record<string, unknown>;
  active: boolean;
  /** event types it is told of; ['*'] for all */
  eventTypes: string[];
  createdAt: string;
  createdBy: string;
}

export interface DeliveryRow {
  id: number;
  subscriberId: string;
  dossierId: string;
  seq: number;
  eventType: string;
  state: DeliveryState;
  attempts: number;
  createdAt: string;
  nextAttemptAt: string;
  sentAt: string | null;
  lastError: string | null;
  providerAnswer: string | null;
}

function deliveryFromDb(r: Record<string, unknown>): DeliveryRow {
  return {
    id: Number(r.id),
    subscriberId: String(r.subscriber_id),
    dossierId: String(r.dossier_id),
    seq: Number(r.seq),
    eventType: String(r.event_type),
    state: String(r.state) as DeliveryState,
    attempts: Number(r.attempts),
    createdAt: toIso(r.created_at),
    nextAttemptAt: toIso(r.next_attempt_at),
    sentAt: toIsoOrNull(r.sent_at),
    lastError: (r.last_error as string | null) ?? null,
    providerAnswer: (r.provider_answer as string | null) ?? null,
  };
}

export { enqueueDeliveries } from './outbox-enqueue';

// --- subscribers ----------------------------------------------------------------------------------

function subscriberFromDb(r: Record<string, unknown>, types: string[]): SubscriberRow {
  return {
    id: String(r.id),
    kind: String(r.kind),
    name: String(r.name),
    config: JSON.parse(String(r.config)) as Record<string, unknown>,
    active: Number(r.active) === 1,
    eventTypes: types,
    createdAt: toIso(r.created_at),
    createdBy: String(r.created_by),
  };
}

export async function listSubscribers(db: Knex, opts: { activeOnly?: boolean; kind?: string } = {}): Promise<SubscriberRow[]> {
  const q = db('outbox_subscribers').orderBy('id');
  if (opts.activeOnly) q.where({ active: 1 });
  if (opts.kind) q.where({ kind: opts.kind });
  const rows = (await q) as Record<string, unknown>[];
  if (!rows.length) return [];
  const filters = (await db('outbox_subscriber_events')
    .whereIn(
      'subscriber_id',
      rows.map((r) => String(r.id)),
    )
    .orderBy(['subscriber_id', 'event_type'])) as { subscriber_id: string; event_type: string }[];
  return rows.map((r) =>
    subscriberFromDb(
      r,
      filters.filter((f) => f.subscriber_id === r.id).map((f) => f.event_type),
    ),
  );
}

export async function findSubscriber(db: Knex, id: string): Promise<SubscriberRow | null> {
  const row = (await db('outbox_subscribers').where({ id }).first()) as Record<string, unknown> | undefined;
  if (!row) return null;
  const types = (await db('outbox_subscriber_events').where({ subscriber_id: id }).orderBy('event_type')) as { event_type: string }[];
  return subscriberFromDb(
    row,
    types.map((t) => t.event_type),
  );
}

/**
 * Creates or replaces a subscriber and its filter (one transaction, run again on a PostgreSQL deadlock or serialization
 * failure: database work only). Deliveries already queued stay.
 */
export async function upsertSubscriber(db: Knex, s: Omit<SubscriberRow, 'createdAt'> & { createdAt: string }): Promise<void> {
  await inRetriedTransaction(db, async (tx) => {
    const row = { kind: s.kind, name: s.name, config: JSON.stringify(s.config), active: s.active ? 1 : 0 };
    const found = await tx('outbox_subscribers').where({ id: s.id }).first('id');
    if (found) await tx('outbox_subscribers').where({ id: s.id }).update(row);
    else await tx('outbox_subscribers').insert({ id: s.id, ...row, created_at: s.createdAt, created_by: s.createdBy });
    await tx('outbox_subscriber_events').where({ subscriber_id: s.id }).delete();
    await tx('outbox_subscriber_events').insert([...new Set(s.eventTypes)].map((t) => ({ subscriber_id: s.id, event_type: t })));
  });
}

export async function setSubscriberActive(db: Knex, id: string, active: boolean): Promise<boolean> {
  return (
    Number(
      await db('outbox_subscribers')
        .where({ id })
        .update({ active: active ? 1 : 0 }),
    ) === 1
  );
}

// --- the dispatcher ---------------------------------------------------------------------------------

/**
 * Claims up to `limit` of a subscriber's deliveries that are due at `now`, each the earliest undelivered one of
 * its dossier for this subscriber (an earlier pending or dead delivery holds the later ones back), and leases
 * them until `leaseUntil` (their next_attempt_at) with one more attempt counted. Several instances on
 * PostgreSQL share the work: rows another claim has locked are skipped, not waited for.
 */
export async function claimDeliveries(
  db: Knex,
  subscriberId: string,
  now: string,
  leaseUntil: string,
  limit: number,
): Promise<DeliveryRow[]> {
  const pg = dialectOfKnex(db) === 'postgres';
  return db.transaction(async (tx) => {
    const ids = (await tx.raw(
      `SELECT d.id FROM outbox_deliveries d
       WHERE d.subscriber_id = ? AND d.state = 'pending' AND d.next_attempt_at <= ?
         AND NOT EXISTS (SELECT 1 FROM outbox_deliveries e
                         WHERE e.subscriber_id = d.subscriber_id AND e.dossier_id = d.dossier_id AND e.seq < d.seq
                           AND e.state IN ('pending', 'dead'))
       ORDER BY d.next_attempt_at, d.id LIMIT ?${pg ? ' FOR UPDATE SKIP LOCKED' : ''}`,
      [subscriberId, now, limit],
    )) as { rows?: { id: string | number }[] } | { id: string | number }[];
    const list = (Array.isArray(ids) ? ids : (ids.rows ?? [])).map((r) => Number(r.id));
    if (!list.length) return [];
    await tx('outbox_deliveries')
      .whereIn('id', list)
      .update({ next_attempt_at: leaseUntil, attempts: tx.raw('attempts + 1') });
    const rows = (await tx('outbox_deliveries').whereIn('id', list).orderBy('id')) as Record<string, unknown>[];
    return rows.map(deliveryFromDb);
  });
}

/** The event a delivery tells of, and its dossier as it is now. */
export async function deliveryContext(
  db: Knex,
  d: Pick<DeliveryRow, 'dossierId' | 'seq'>,
): Promise<{ event: EventRow; dossier: DossierRow } | null> {
  const ev = (await db('dossier_events').where({ dossier_id: d.dossierId, seq: d.seq }).first()) as Record<string, unknown> | undefined;
  const dossier = (await db('dossiers').where({ id: d.dossierId }).first()) as Record<string, unknown> | undefined;
  // an event archived since it was queued (src/store/event-archive.ts) is read from the archive
  const event = ev
    ? eventRowFromDb(ev)
    : ((await archivedEventsByDossier(db, [d.dossierId])).get(d.dossierId) ?? []).find((e) => e.seq === d.seq);
  if (!event || !dossier) return null;
  return { event, dossier: dossierRowFromDb(dossier) };
}

/** The dossier's events up to and including `seq`, in order (to know its state as of that event). */
export async function eventsUpTo(db: Knex, dossierId: string, seq: number): Promise<EventRow[]> {
  const rows = (await db('dossier_events').where({ dossier_id: dossierId }).where('seq', '<=', seq).orderBy('seq')) as Record<
    string,
    unknown
  >[];
  const archived = ((await archivedEventsByDossier(db, [dossierId])).get(dossierId) ?? []).filter((e) => e.seq <= seq);
  return [...archived, ...rows.map(eventRowFromDb)];
}

/** The dossier's events that record the applicant's notification choice (RECEIVE, CHANGE_NOTIFICATION), in order. */
export async function choiceEvents(db: Knex, dossierId: string): Promise<EventRow[]> {
  const rows = (await db('dossier_events')
    .where({ dossier_id: dossierId })
    .whereIn('type', [...CHOICE_EVENT_TYPES])
    .orderBy('seq')) as Record<string, unknown>[];
  const choice = new Set<string>(CHOICE_EVENT_TYPES);
  const archived = ((await archivedEventsByDossier(db, [dossierId])).get(dossierId) ?? []).filter((e) => choice.has(e.type));
  return [...archived, ...rows.map(eventRowFromDb)];
}

export async function markDelivered(db: Knex, id: number, at: string, providerAnswer: string | null): Promise<void> {
  await db('outbox_deliveries')
    .where({ id, state: 'pending' })
    .update({ state: 'sent', sent_at: at, provider_answer: providerAnswer, last_error: null });
}

/** A failed attempt: tried again at `retryAt`, or dead-lettered when `retryAt` is null. */
export async function markFailed(
  db: Knex,
  id: number,
  error: string,
  providerAnswer: string | null,
  retryAt: string | null,
): Promise<void> {
  await db('outbox_deliveries')
    .where({ id, state: 'pending' })
    .update(
      retryAt === null
        ? { state: 'dead', last_error: error, provider_answer: providerAnswer }
        : { next_attempt_at: retryAt, last_error: error, provider_answer: providerAnswer },
    );
}

/**
 * Deletes, oldest first and at most `limit` at a time, the deliveries created before `before` that are finished
 * (sent or discarded) — and only those of events every subscriber is finished with: no delivery of the same
 * dossier event is still pending or dead-lettered. Dead letters and queued rows are never touched, and neither
 * is the order guard (a row only ever holds back later rows while pending or dead). The number deleted.
 */
export async function pruneFinishedDeliveries(db: Knex, before: string, limit: number): Promise<number> {
  return Number(
    await db('outbox_deliveries')
      .whereIn(
        'id',
        db('outbox_deliveries as d')
          .select('d.id')
          .whereIn('d.state', ['sent', 'discarded'])
          .where('d.created_at', '<', before)
          .whereNotExists(
            db('outbox_deliveries as o')
              .select(db.raw('1'))
              .whereRaw('o.dossier_id = d.dossier_id AND o.seq = d.seq')
              .whereIn('o.state', ['pending', 'dead']),
          )
          .orderBy('d.id')
          .limit(limit),
      )
      .delete(),
  );
}

// --- administration ----------------------------------------------------------------------------------

export interface ChannelFigures {
  subscriberId: string;
  queued: number;
  /** queued rows that failed at least once and wait for their next attempt */
  failing: number;
  sent: number;
  dead: number;
  discarded: number;
  /** when the oldest undelivered (pending or dead) delivery was created; null when none */
  oldestUndeliveredAt: string | null;
}

export async function channelFigures(db: Knex): Promise<ChannelFigures[]> {
  const rows = (await db('outbox_deliveries')
    .select('subscriber_id', 'state')
    .count({ n: '*' })
    .sum({ failing: db.raw(`CASE WHEN state = 'pending' AND attempts > 0 AND last_error IS NOT NULL THEN 1 ELSE 0 END`) })
    .min({ oldest: 'created_at' })
    .groupBy('subscriber_id', 'state')) as {
    subscriber_id: string;
    state: DeliveryState;
    n: number | string;
    failing: number | string | null;
    oldest: unknown;
  }[];
  const by = new Map<string, ChannelFigures>();
  for (const r of rows) {
    const f = by.get(r.subscriber_id) ?? {
      subscriberId: r.subscriber_id,
      queued: 0,
      failing: 0,
      sent: 0,
      dead: 0,
      discarded: 0,
      oldestUndeliveredAt: null,
    };
    const n = Number(r.n);
    if (r.state === 'pending') {
      f.queued = n;
      f.failing = Number(r.failing ?? 0);
    } else if (r.state === 'sent') f.sent = n;
    else if (r.state === 'dead') f.dead = n;
    else f.discarded = n;
    if ((r.state === 'pending' || r.state === 'dead') && r.oldest !== null) {
      const oldest = toIso(r.oldest);
      if (!f.oldestUndeliveredAt || oldest < f.oldestUndeliveredAt) f.oldestUndeliveredAt = oldest;
    }
    by.set(r.subscriber_id, f);
  }
  return [...by.values()].sort((a, b) => a.subscriberId.localeCompare(b.subscriberId));
}

export async function listDeliveries(
  db: Knex,
  opts: { subscriberId?: string; state?: DeliveryState; dossierId?: string; limit: number },
): Promise<DeliveryRow[]> {
  const q = db('outbox_deliveries').orderBy('id').limit(opts.limit);
  if (opts.subscriberId) q.where({ subscriber_id: opts.subscriberId });
  if (opts.state) q.where({ state: opts.state });
  if (opts.dossierId) q.where({ dossier_id: opts.dossierId });
  return ((await q) as Record<string, unknown>[]).map(deliveryFromDb);
}

/** Dead letters with their dossier's code (the administrator's list), oldest first. */
export async function listDeadLetters(
  db: Knex,
  opts: { subscriberId?: string; limit: number },
): Promise<(DeliveryRow & { dossierCode: string | null })[]> {
  const q = db('outbox_deliveries as o')
    .leftJoin('dossiers as d', 'd.id', 'o.dossier_id')
    .where('o.state', 'dead')
    .select('o.*', 'd.code as dossier_code')
    .orderBy('o.id')
    .limit(opts.limit);
  if (opts.subscriberId) q.where('o.subscriber_id', opts.subscriberId);
  return ((await q) as Record<string, unknown>[]).map((r) => ({
    ...deliveryFromDb(r),
    dossierCode: (r.dossier_code as string | null) ?? null,
  }));
}

export async function findDelivery(db: Knex, id: number): Promise<DeliveryRow | null> {
  const r = (await db('outbox_deliveries').where({ id }).first()) as Record<string, unknown> | undefined;
  return r ? deliveryFromDb(r) : null;
}

/**
 * An administrator's action on a dead letter, recorded with it in one transaction: `retry` makes it pending
 * again at `at` with its attempts reset, `discard` gives it up (its dossier's later deliveries then go on).
 * false when the delivery is not dead (nothing changes). Database work only: run again on a PostgreSQL deadlock or
 * serialization failure.
 */
export async function actOnDeadLetter(
  db: Knex,
  id: number,
  action: 'retry' | 'discard',
  actor: string,
  note: string | null,
  at: string,
): Promise<boolean> {
  return inRetriedTransaction(db, async (tx) => {
    const patch = action === 'retry' ? { state: 'pending', attempts: 0, next_attempt_at: at } : { state: 'discarded' };
    const n = Number(await tx('outbox_deliveries').where({ id, state: 'dead' }).update(patch));
    if (n !== 1) return false;
    await tx('outbox_actions').insert({ delivery_id: id, action, actor, note, at });
    return true;
  });
}

export interface OutboxAction {
  deliveryId: number;
  action: string;
  actor: string;
  note: string | null;
  at: string;
}

export async function listOutboxActions(db: Knex, deliveryId?: number): Promise<OutboxAction[]> {
  const q = db('outbox_actions').orderBy('id');
  if (deliveryId !== undefined) q.where({ delivery_id: deliveryId });
  return ((await q) as Record<string, unknown>[]).map((r) => ({
    deliveryId: Number(r.delivery_id),
    action: String(r.action),
    actor: String(r.actor),
    note: (r.note as string | null) ?? null,
    at: toIso(r.at),
  }));
}

// --- the change feed ---------------------------------------------------------------------------------

export interface FeedRow {
  /** the position to continue after: "txid.id" on PostgreSQL, "0.id" on SQLite */
  cursor: string;
  event: EventRow;
  dossierCode: string;
  procedureCode: string;
  agencyCode: string;
}

/** A cursor as stored: the writing transaction's id (0 on SQLite and for rows older than the feed) and the event's id. */
export function parseFeedCursor(cursor: string): { txid: string; id: string } | null {
  const m = /^(\d{1,20})\.(\d{1,20})$/.exec(cursor);
  return m ? { txid: m[1]!, id: m[2]! } : null;
}

/**
 * The events after `after`, in feed order. On PostgreSQL the order is (txid, id) and only rows written by
 * transactions older than every transaction still running are served (pg_snapshot_xmin of the statement's
 * snapshot): a transaction that started earlier but commits later can therefore never land behind a cursor
 * already handed out. On SQLite, one writer: id order is commit order.
 */
export async function feedPage(db: Knex, after: { txid: string; id: string }, limit: number): Promise<FeedRow[]> {
  const pg = dialectOfKnex(db) === 'postgres';
  const cols = `e.*, d.code AS dossier_code, d.procedure_code AS dossier_procedure_code, d.agency_code AS dossier_agency_code`;
  const result = pg
    ? (
        (await db.raw(
          `SELECT ${cols}, e.txid::text AS feed_txid FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
         WHERE e.txid < pg_snapshot_xmin(pg_current_snapshot()) AND (e.txid, e.id) > (?::xid8, ?::bigint)
         ORDER BY e.txid, e.id LIMIT ?`,
          [after.txid, after.id, limit],
        )) as { rows: Record<string, unknown>[] }
      ).rows
    : ((await db.raw(
        `SELECT ${cols}, '0' AS feed_txid FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
         WHERE e.id > ? ORDER BY e.id LIMIT ?`,
        [Number(after.id), limit],
      )) as Record<string, unknown>[]);
  return result.map((r) => ({
    cursor: `${String(r.feed_txid)}.${String(r.id)}`,
    event: eventRowFromDb(r),
    dossierCode: String(r.dossier_code),
    procedureCode: String(r.dossier_procedure_code),
    agencyCode: String(r.dossier_agency_code),
  }));
}
