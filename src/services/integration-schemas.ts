/**
 * Request and response shapes of the integration API (src/http/routes/integration.ts, docs/integration.md): the
 * change feed, webhooks, the outbox's channels and dead letters, the portal sync backlog. The routes validate
 * with them, the OpenAPI document and the web UI's types (src/web/types.d.ts) are derived from them. Pure: zod
 * and the vocabulary only, so the browser's type-check may read it.
 */
import { z } from 'zod';
import { EVENT_LABELS } from '../../machines/vocabulary';

export const FeedQuerySchema = z.strictObject({
  after: z
    .string()
    .regex(/^\d{1,20}\.\d{1,20}$/, 'expected a cursor "<digits>.<digits>" from a previous page')
    .optional()
    .describe('nextCursor of the previous page; omitted: from the first event'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const IntegrationEventSchema = z.object({
  id: z.string().describe('<dossierId>:<seq>, the same for every receiver and attempt'),
  type: z.string(),
  seq: z.number().int(),
  occurredAt: z.string().describe('ISO-8601 instant in UTC'),
  actor: z.string(),
  actorUnit: z.string().nullable(),
  dossier: z.object({ id: z.string(), code: z.string(), procedureCode: z.string(), agencyCode: z.string() }),
  payload: z.unknown().describe('the event payload as logged, applicant ID, phone and e-mail masked'),
  hash: z.string(),
});

export const FeedPageSchema = z.object({
  items: z.array(z.object({ cursor: z.string(), event: IntegrationEventSchema })),
  nextCursor: z.string().describe('pass as `after` to read on; unchanged when nothing newer is committed yet'),
});

const EVENT_TYPES = Object.keys(EVENT_LABELS) as [string, ...string[]];

export const WebhookCreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  url: z
    .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
    .max(2000)
    .describe('where the deliveries are POSTed'),
  eventTypes: z
    .array(z.enum(['*', ...EVENT_TYPES]))
    .min(1)
    .max(EVENT_TYPES.length + 1)
    .default(['*'])
    .describe('event types to deliver; ["*"] (the default) for all'),
  secret: z.string().min(16).max(200).optional().describe('the HMAC secret; omitted: one is generated and returned once'),
});

export const WebhookSchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  eventTypes: z.array(z.string()),
  active: z.boolean(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export const WebhookCreatedSchema = WebhookSchema.extend({ secret: z.string().describe('shown only in this answer') });
export const WebhookListSchema = z.object({ items: z.array(WebhookSchema) });

/** one subscriber's figures (GET /api/admin/outbox) */
export const OutboxChannelSchema = z.object({
  subscriberId: z.string(),
  kind: z.string(),
  name: z.string(),
  active: z.boolean(),
  queued: z.number().int(),
  failing: z.number().int().describe('queued deliveries that failed at least once and wait for their next attempt'),
  sent: z.number().int(),
  deadLettered: z.number().int(),
  discarded: z.number().int(),
  oldestUndeliveredAt: z.string().nullable(),
  oldestUndeliveredAgeSeconds: z.number().int().nullable(),
});
export const OutboxChannelsSchema = z.object({ channels: z.array(OutboxChannelSchema) });

export const DeliverySchema = z.object({
  id: z.number().int(),
  subscriberId: z.string(),
  dossierId: z.string(),
  seq: z.number().int(),
  eventType: z.string(),
  state: z.enum(['pending', 'sent', 'dead', 'discarded']),
  attempts: z.number().int(),
  createdAt: z.string(),
  nextAttemptAt: z.string(),
  sentAt: z.string().nullable(),
  lastError: z.string().nullable(),
  providerAnswer: z.string().nullable(),
});
export const DeliveryListSchema = z.object({
  items: z.array(DeliverySchema.extend({ dossierCode: z.string().nullable().describe("the dossier's code (null if it is gone)") })),
});
export const DeadLettersQuerySchema = z.strictObject({
  subscriber: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const DeadLetterActionSchema = z.strictObject({ note: z.string().trim().min(1).max(500).optional() });
export const DeadLetterActedSchema = z.object({
  delivery: DeliverySchema,
  actions: z.array(
    z.object({ deliveryId: z.number().int(), action: z.string(), actor: z.string(), note: z.string().nullable(), at: z.string() }),
  ),
});
export const PortalSyncStatusSchema = z.object({
  configured: z.boolean(),
  pending: z.number().int(),
  deadLettered: z.number().int(),
  oldestPendingAt: z.string().nullable(),
  oldestPendingSeconds: z.number().int().nullable(),
  targetSeconds: z.number().int().describe('600: Decree 63/2024 asks for inter-system sync within 10 minutes'),
  late: z.boolean().describe('the oldest unacknowledged record is older than the target'),
});
