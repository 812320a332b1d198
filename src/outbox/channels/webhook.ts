/**
 * Webhooks: each delivery is an HTTP POST of `{id, event}` (the delivery's idempotency key and the event
 * message) to the subscription's URL, signed with its secret (../signature.ts). 2xx: delivered. 408, 425, 429,
 * 5xx, a timeout or no connection: retried (honouring Retry-After). Any other answer, redirects included (never
 * followed): dead-lettered at once. docs/integration.md, "Webhooks".
 */
import type { Channel, Delivery, DeliveryResult } from '../channel';
import { integrationEvent } from '../event-message';
import { DELIVERY_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from '../signature';
import type { Clock } from '../../engine/clock';

export interface WebhookConfig {
  url: string;
  secret: string;
}

const RETRYABLE = new Set([408, 425, 429]);

export function webhookBody(d: Delivery): string {
  const event = integrationEvent(d.event, {
    code: d.dossier.code,
    procedureCode: d.dossier.procedure_code,
    agencyCode: d.dossier.agency_code,
  });
  return JSON.stringify({ id: d.id, event });
}

/** Retry-After in seconds or as an HTTP date, as milliseconds from `now`; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: Date): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

export class WebhookChannel implements Channel {
  readonly kind = 'webhook';
  constructor(private readonly clock: Clock) {}

  async deliver(d: Delivery, signal: AbortSignal): Promise<DeliveryResult> {
    const config = d.subscriber.config as unknown as WebhookConfig;
    const body = webhookBody(d);
    const now = this.clock.now();
    const timestamp = Math.floor(now.getTime() / 1000);
    let res: Response;
    try {
      res = await fetch(config.url, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'motcua-webhooks/1',
          [SIGNATURE_HEADER]: signatureHeader(config.secret, timestamp, body),
          [DELIVERY_ID_HEADER]: d.id,
          'Motcua-Event-Type': d.event.type,
          'Motcua-Attempt': String(d.attempt),
        },
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      return { outcome: 'retry', error: `no answer: ${cause ?? (err as Error).message}` };
    }
    const answer = `HTTP ${res.status} ${(await res.text().catch(() => '')).slice(0, 200)}`.trim();
    if (res.ok) return { outcome: 'delivered', providerAnswer: answer };
    if (res.status >= 500 || RETRYABLE.has(res.status))
      return {
        outcome: 'retry',
        error: `HTTP ${res.status}`,
        providerAnswer: answer,
        retryAfterMs: retryAfterMs(res.headers.get('retry-after'), now),
      };
    return { outcome: 'permanent', error: `HTTP ${res.status}`, providerAnswer: answer };
  }
}
