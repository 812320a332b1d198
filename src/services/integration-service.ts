/**
 * What an administrator does with the outbox (docs/integration.md): subscribe and unsubscribe webhooks, see
 * each channel's figures (queued, failing, sent, dead-lettered, discarded, oldest undelivered age), list dead
 * letters, retry or discard one (recorded with who, when and why).
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../store/db';
import type { Clock } from '../engine/clock';
import {
  actOnDeadLetter,
  channelFigures,
  findDelivery,
  findSubscriber,
  listDeadLetters,
  listOutboxActions,
  listSubscribers,
  setSubscriberActive,
  upsertSubscriber,
  type DeliveryRow,
} from '../store/outbox-store';
import { notFound, transitionNotAllowed } from '../../machines/engine/errors';
import type { AuthUser } from './auth-user';
import { PORTAL_SYNC_TARGET_SECONDS } from '../outbox/sync-lag';
import type { OutboxChannelSchema, WebhookSchema } from './integration-schemas';

/** a webhook subscription as answered, without its secret */
export type WebhookView = z.output<typeof WebhookSchema>;
/** one subscriber's outbox figures */
export type ChannelView = z.output<typeof OutboxChannelSchema>;

export class IntegrationService {
  constructor(private readonly ctx: { db: Db; clock: Clock }) {}

  async createWebhook(
    input: { name: string; url: string; eventTypes: string[]; secret?: string },
    user: AuthUser,
  ): Promise<WebhookView & { secret: string }> {
    const id = `webhook-${uuidv7()}`;
    const secret = input.secret ?? `whsec_${randomBytes(24).toString('base64url')}`;
    await upsertSubscriber(this.ctx.db, {
      id,
      kind: 'webhook',
      name: input.name,
      config: { url: input.url, secret },
      active: true,
      eventTypes: input.eventTypes,
      createdAt: this.ctx.clock.now().toISOString(),
      createdBy: user.username,
    });
    return { ...(await this.webhook(id)), secret };
  }

  async listWebhooks(): Promise<WebhookView[]> {
    return (await listSubscribers(this.ctx.db, { kind: 'webhook' })).map(webhookView);
  }

  async deactivateWebhook(id: string): Promise<WebhookView> {
    const found = await findSubscriber(this.ctx.db, id);
    if (!found || found.kind !== 'webhook') throw notFound('webhook', id);
    await setSubscriberActive(this.ctx.db, id, false);
    return this.webhook(id);
  }

  private async webhook(id: string): Promise<WebhookView> {
    const s = await findSubscriber(this.ctx.db, id);
    if (!s) throw notFound('webhook', id);
    return webhookView(s);
  }

  async channels(): Promise<ChannelView[]> {
    const now = this.ctx.clock.now().getTime();
    const [subs, figures] = await Promise.all([listSubscribers(this.ctx.db), channelFigures(this.ctx.db)]);
    return subs.map((s) => {
      const f = figures.find((x) => x.subscriberId === s.id);
      const oldest = f?.oldestUndeliveredAt ?? null;
      return {
        subscriberId: s.id,
        kind: s.kind,
        name: s.name,
        active: s.active,
        queued: f?.queued ?? 0,
        failing: f?.failing ?? 0,
        sent: f?.sent ?? 0,
        deadLettered: f?.dead ?? 0,
        discarded: f?.discarded ?? 0,
        oldestUndeliveredAt: oldest,
        oldestUndeliveredAgeSeconds: oldest === null ? null : Math.max(0, Math.round((now - Date.parse(oldest)) / 1000)),
      };
    });
  }

  async deadLetters(q: { subscriber?: string; limit: number }): Promise<(DeliveryRow & { dossierCode: string | null })[]> {
    return listDeadLetters(this.ctx.db, { subscriberId: q.subscriber, limit: q.limit });
  }

  /** Retries or discards a dead letter; 404 when there is no such delivery, 409 when it is not dead-lettered. */
  async actOnDeadLetter(id: number, action: 'retry' | 'discard', note: string | undefined, user: AuthUser) {
    const found = await findDelivery(this.ctx.db, id);
    if (!found) throw notFound('delivery', String(id));
    const done = await actOnDeadLetter(this.ctx.db, id, action, user.username, note ?? null, this.ctx.clock.now().toISOString());
    if (!done) {
      const now = (await findDelivery(this.ctx.db, id))!;
      throw transitionNotAllowed(action, now.state, now.state === 'dead' ? ['retry', 'discard'] : []);
    }
    return { delivery: (await findDelivery(this.ctx.db, id))!, actions: await listOutboxActions(this.ctx.db, id) };
  }
}

function webhookView(s: {
  id: string;
  name: string;
  config: Record<string, unknown>;
  eventTypes: string[];
  active: boolean;
  createdAt: string;
  createdBy: string;
}): WebhookView {
  return {
    id: s.id,
    name: s.name,
    url: String(s.config.url),
    eventTypes: s.eventTypes,
    active: s.active,
    createdAt: s.createdAt,
    createdBy: s.createdBy,
  };
}

export interface PortalSyncStatus {
  /** whether a national portal connector is configured (an active `portal` subscriber) */
  configured: boolean;
  pending: number;
  deadLettered: number;
  oldestPendingAt: string | null;
  oldestPendingSeconds: number | null;
  targetSeconds: number;
  /** the oldest record the portal has not acknowledged is older than the 10-minute target */
  late: boolean;
}

/** The national portal sync's backlog, for the supervisor's dashboard and GET /metrics. */
export async function portalSyncStatus(ctx: { db: Db; clock: Clock }): Promise<PortalSyncStatus> {
  const sub = await findSubscriber(ctx.db, 'portal');
  const f = (await channelFigures(ctx.db)).find((x) => x.subscriberId === 'portal');
  const oldest = f?.oldestUndeliveredAt ?? null;
  const age = oldest === null ? null : Math.max(0, Math.round((ctx.clock.now().getTime() - Date.parse(oldest)) / 1000));
  return {
    configured: Boolean(sub?.active),
    pending: f?.queued ?? 0,
    deadLettered: f?.dead ?? 0,
    oldestPendingAt: oldest,
    oldestPendingSeconds: age,
    targetSeconds: PORTAL_SYNC_TARGET_SECONDS,
    late: age !== null && age > PORTAL_SYNC_TARGET_SECONDS,
  };
}

/** The backlog as Prometheus gauges. */
export function portalPendingMetric(s: PortalSyncStatus): string {
  return [
    '# HELP motcua_portal_sync_oldest_pending_seconds Age of the oldest dossier event the national portal has not acknowledged (0 when none).',
    '# TYPE motcua_portal_sync_oldest_pending_seconds gauge',
    `motcua_portal_sync_oldest_pending_seconds ${s.oldestPendingSeconds ?? 0}`,
    '# HELP motcua_portal_sync_pending Dossier events queued for the national portal, not yet acknowledged (dead letters apart).',
    '# TYPE motcua_portal_sync_pending gauge',
    `motcua_portal_sync_pending ${s.pending}`,
  ].join('\n');
}
