/**
 * The administrator's side of applicant notifications (docs/notifications.md, "Administration"): the shared
 * settings, each channel's settings (its outbox subscriber, secrets answered masked and kept when left out), a
 * test message sent at once through a channel's provider, and the message log.
 */
import { z } from 'zod';
import type { EngineContext } from '../app/engine-factory';
import type { AuthUser } from './auth-user';
import { parseWith } from './validate';
import { validationFailed } from '../../machines/engine/errors';
import {
  DELIVERY_CHANNELS,
  MESSAGE_STATUSES,
  NOTIFY_CHANNEL_LABELS,
  maskContact,
  type DeliveryChannel,
} from '../../machines/notify/channels';
import type { NotifyChannelSchema } from './notify-schemas';
import { fitSms } from '../../machines/notify/sms';
import { TEMPLATE_VERSION } from '../../machines/notify/templates';
import { findSubscriber, upsertSubscriber } from '../store/outbox-store';
import { insertMessage, listMessages, writeNotifySettings, type MessageLogEntry } from '../store/notify-store';
import { CHANNEL_CONFIG_SCHEMAS, NotifySettingsSchema, SECRET_FIELDS, type NotifySettings } from '../notify/settings';
import { loadNotifySettings, loggedBody, NOTICE_EVENT_TYPES, providerFor, subscriberIdOf } from '../notify/applicant-channel';
import { FORMATS } from '../../machines/engine/commands';

export const MASKED_SECRET = '••••';

export const ChannelUpdateSchema = z.strictObject({
  active: z.boolean().describe('false: the channel is told of no new events (queued messages stay)'),
  config: z
    .record(z.string(), z.unknown())
    .describe(
      "the channel's settings: email {host, port, secure, user, password, from}; sms {url, apiKey, sender}; zalo {url, accessToken, templates}. A secret left out keeps its stored value",
    ),
});

export const TestMessageSchema = z.strictObject({
  channel: z.enum(DELIVERY_CHANNELS),
  to: z.string().trim().min(3).max(254).describe('an e-mail address (email) or a phone (sms, zalo)'),
});

export const MessageLogQuerySchema = z.strictObject({
  channel: z.enum(DELIVERY_CHANNELS).optional(),
  status: z.enum(MESSAGE_STATUSES).optional(),
  dossierCode: z.string().trim().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().min(1).optional().describe('the id of the last entry of the previous page'),
});

export type ChannelView = z.output<typeof NotifyChannelSchema>;

export interface NotifyOverview {
  settings: NotifySettings;
  channels: ChannelView[];
}

function maskSecrets(kind: DeliveryChannel, config: Record<string, unknown>): Record<string, unknown> {
  const out = { ...config };
  for (const f of SECRET_FIELDS[kind]) if (out[f] !== undefined) out[f] = MASKED_SECRET;
  return out;
}

export class NotifyAdminService {
  constructor(private readonly ctx: Pick<EngineContext, 'db' | 'clock'>) {}

  async overview(): Promise<NotifyOverview> {
    const channels: ChannelView[] = [];
    for (const kind of DELIVERY_CHANNELS) {
      const s = await findSubscriber(this.ctx.db, subscriberIdOf(kind));
      channels.push({
        kind,
        label: NOTIFY_CHANNEL_LABELS[kind],
        configured: s !== null,
        active: s?.active ?? false,
        config: s ? maskSecrets(kind, s.config) : null,
      });
    }
    return { settings: await loadNotifySettings(this.ctx.db), channels };
  }

  async putSettings(user: AuthUser, body: unknown): Promise<NotifyOverview> {
    const settings = parseWith(NotifySettingsSchema, body);
    await writeNotifySettings(this.ctx.db, settings, this.ctx.clock.now().toISOString(), user.username);
    return this.overview();
  }

  async putChannel(user: AuthUser, kind: string, body: unknown): Promise<NotifyOverview> {
    if (!(DELIVERY_CHANNELS as readonly string[]).includes(kind))
      throw validationFailed([{ field: 'kind', code: 'not_allowed', reason: `expected one of ${DELIVERY_CHANNELS.join(', ')}` }]);
    const k = kind as DeliveryChannel;
    const update = parseWith(ChannelUpdateSchema, body);
    const id = subscriberIdOf(k);
    const stored = await findSubscriber(this.ctx.db, id);
    // a secret left out (or sent back masked, as the overview shows it) keeps its stored value
    const merged: Record<string, unknown> = { ...update.config };
    for (const f of SECRET_FIELDS[k])
      if ((merged[f] === undefined || merged[f] === MASKED_SECRET) && stored?.config[f] !== undefined) merged[f] = stored.config[f];
    const config = parseWith(CHANNEL_CONFIG_SCHEMAS[k], merged, 'config');
    await upsertSubscriber(this.ctx.db, {
      id,
      kind: k,
      name: NOTIFY_CHANNEL_LABELS[k],
      config: config as Record<string, unknown>,
      active: update.active,
      eventTypes: [...NOTICE_EVENT_TYPES],
      createdAt: this.ctx.clock.now().toISOString(),
      createdBy: user.username,
    });
    return this.overview();
  }

  /** Sends a test message now, through the channel's provider (not the outbox), and logs it. */
  async sendTest(user: AuthUser, body: unknown): Promise<{ sent: boolean; providerAnswer: string | null; error: string | null }> {
    const { channel, to } = parseWith(TestMessageSchema, body);
    if (channel === 'email' ? !z.email().safeParse(to).success : !FORMATS.phone.test(to))
      throw validationFailed([{ field: 'to', code: channel === 'email' ? 'email' : 'phone', reason: 'not an address of this channel' }]);
    const s = await findSubscriber(this.ctx.db, subscriberIdOf(channel));
    if (!s) return { sent: false, providerAnswer: null, error: 'the channel is not configured' };
    const settings = await loadNotifySettings(this.ctx.db);
    const text = `${settings.senderName}: Tin nhắn thử của hệ thống một cửa (motcua). Xin bỏ qua tin này.`;
    const message = {
      kind: 'test' as const,
      to,
      subject: `[${settings.senderName}] Thư thử`,
      body: `${text}\n\n${settings.senderName}\n(Thư gửi tự động, vui lòng không trả lời thư này.)`,
      sms: fitSms([{ text }], { maxSegments: settings.smsMaxSegments, stripAccents: settings.smsStripAccents }),
      zns: { co_quan: settings.senderName, ma_ho_so: 'TEST' },
      key: `test:${this.ctx.clock.now().toISOString()}:${user.username}`,
    };
    const at = this.ctx.clock.now().toISOString();
    const result = await providerFor(channel, s.config).send(message, AbortSignal.timeout(15_000));
    await insertMessage(this.ctx.db, {
      createdAt: at,
      deliveryKey: null,
      dossierId: null,
      dossierCode: null,
      kind: 'test',
      templateVersion: TEMPLATE_VERSION,
      channel,
      addressMasked: maskContact(to),
      subject: channel === 'email' ? message.subject : null,
      body: loggedBody(channel, message),
      status: result.ok ? 'sent' : result.retryable ? 'failed' : 'rejected',
      providerAnswer: result.ok ? result.answer : (result.answer ?? result.error),
      actor: user.username,
    });
    return result.ok
      ? { sent: true, providerAnswer: result.answer, error: null }
      : { sent: false, providerAnswer: result.answer ?? null, error: result.error };
  }

  async messages(query: unknown): Promise<{ items: MessageLogEntry[]; nextBefore: number | null }> {
    const q = parseWith(MessageLogQuerySchema, query);
    const items = await listMessages(this.ctx.db, { ...q, beforeId: q.before });
    return { items, nextBefore: items.length === q.limit ? items[items.length - 1]!.id : null };
  }
}
