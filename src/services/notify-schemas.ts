/**
 * Response shapes of the notifications administration (src/http/routes/notifications.ts, docs/notifications.md):
 * the settings overview, a test message's result, the message log. The OpenAPI document and the web UI's types
 * (src/web/types.d.ts) are derived from them. Pure: zod and machines/ only, so the browser's type-check may read it.
 */
import { z } from 'zod';
import { DELIVERY_CHANNELS, MESSAGE_STATUSES } from '../../machines/notify/channels';

/** one delivery channel's settings as the administrator sees them */
export const NotifyChannelSchema = z.object({
  kind: z.enum(DELIVERY_CHANNELS),
  label: z.string(),
  configured: z.boolean(),
  active: z.boolean(),
  config: z.record(z.string(), z.unknown()).nullable().describe('secrets answered as "••••"'),
});
export const NotifyOverviewSchema = z.object({
  settings: z.record(z.string(), z.unknown()),
  channels: z.array(NotifyChannelSchema),
});

export const TestMessageResultSchema = z.object({
  sent: z.boolean(),
  providerAnswer: z.string().nullable(),
  error: z.string().nullable(),
});

/** one message of the log */
export const MessageLogItemSchema = z.object({
  id: z.number().int(),
  createdAt: z.string(),
  deliveryKey: z.string().nullable(),
  dossierCode: z.string().nullable(),
  kind: z.string().describe('a notice kind, or test (GET /api/vocabulary noticeKinds)'),
  templateVersion: z.number().int(),
  channel: z.string(),
  addressMasked: z.string(),
  subject: z.string().nullable(),
  body: z.string(),
  status: z.enum(MESSAGE_STATUSES).describe('GET /api/vocabulary messageStatuses'),
  providerAnswer: z.string().nullable(),
  actor: z.string().nullable(),
});
export const MessageLogSchema = z.object({
  items: z.array(MessageLogItemSchema),
  nextBefore: z.number().int().nullable(),
});
