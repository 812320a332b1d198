/**
 * Applicant notifications' SQL: the message log, the shared settings, and the reads a notification needs from
 * the event log (the applicant's choice in RECEIVE, the events up to the one being told).
 */
import type { Knex } from 'knex';
import type { MessageStatus } from '../../machines/notify/channels';
import { toIso } from './time';

export interface MessageLogEntry {
  id: number;
  createdAt: string;
  deliveryKey: string | null;
  dossierCode: string | null;
  kind: string;
  templateVersion: number;
  channel: string;
  addressMasked: string;
  subject: string | null;
  body: string;
  status: MessageStatus;
  providerAnswer: string | null;
  actor: string | null;
}

export type NewMessage = Omit<MessageLogEntry, 'id'> & { dossierId: string | null };

export async function insertMessage(db: Knex, m: NewMessage): Promise<void> {
  await db('notify_messages').insert({
    created_at: m.createdAt,
    delivery_key: m.deliveryKey,
    dossier_id: m.dossierId,
    dossier_code: m.dossierCode,
    kind: m.kind,
    template_version: m.templateVersion,
    channel: m.channel,
    address_masked: m.addressMasked,
    subject: m.subject,
    body: m.body,
    status: m.status,
    provider_answer: m.providerAnswer?.slice(0, 2000) ?? null,
    actor: m.actor,
  });
}

/** The message kinds already sent for a delivery (a retried or redelivered delivery sends only the rest). */
export async function sentKinds(db: Knex, deliveryKey: string): Promise<Set<string>> {
  const rows = await db('notify_messages').where({ delivery_key: deliveryKey, status: 'sent' }).select('kind');
  return new Set(rows.map((r: { kind: string }) => r.kind));
}

export async function listMessages(
  db: Knex,
  q: { dossierCode?: string; channel?: string; status?: string; limit: number; beforeId?: number },
): Promise<MessageLogEntry[]> {
  const query = db('notify_messages').orderBy('id', 'desc').limit(q.limit);
  if (q.dossierCode) query.where({ dossier_code: q.dossierCode });
  if (q.channel) query.where({ channel: q.channel });
  if (q.status) query.where({ status: q.status });
  if (q.beforeId) query.where('id', '<', q.beforeId);
  const rows = (await query) as Record<string, unknown>[];
  return rows.map((r) => ({
    id: Number(r.id),
    createdAt: toIso(r.created_at),
    deliveryKey: (r.delivery_key as string | null) ?? null,
    dossierCode: (r.dossier_code as string | null) ?? null,
    kind: String(r.kind),
    templateVersion: Number(r.template_version),
    channel: String(r.channel),
    addressMasked: String(r.address_masked),
    subject: (r.subject as string | null) ?? null,
    body: String(r.body),
    status: r.status as MessageStatus,
    providerAnswer: (r.provider_answer as string | null) ?? null,
    actor: (r.actor as string | null) ?? null,
  }));
}

/**
 * Deletes the log entries older than `before`, except those of a delivery still pending or dead-lettered: a
 * retried delivery reads the log to send only the messages not yet sent (sentKinds), so its entries stay until
 * it is finished. The number deleted.
 */
export async function pruneMessages(db: Knex, before: string): Promise<number> {
  return Number(
    await db('notify_messages')
      .where('created_at', '<', before)
      .where((q) =>
        q
          .whereNull('delivery_key')
          .orWhereNotIn(
            'delivery_key',
            db('outbox_deliveries')
              .whereIn('state', ['pending', 'dead'])
              .select(db.raw(`subscriber_id || ':' || dossier_id || ':' || seq`)),
          ),
      )
      .delete(),
  );
}

export async function readNotifySettings(db: Knex): Promise<Record<string, unknown> | null> {
  const row = await db('notify_settings').where({ id: 1 }).first('config');
  return row ? (JSON.parse(String(row.config)) as Record<string, unknown>) : null;
}

export async function writeNotifySettings(db: Knex, config: Record<string, unknown>, at: string, by: string): Promise<void> {
  const row = { config: JSON.stringify(config), updated_at: at, updated_by: by };
  const n = Number(await db('notify_settings').where({ id: 1 }).update(row));
  if (n === 0) await db('notify_settings').insert({ id: 1, ...row });
}
