/**
 * What a channel (webhook, RabbitMQ, national portal, an applicant's SMS/Zalo/e-mail) implements to be fed by
 * the outbox dispatcher. docs/integration.md, "Writing a channel", is the contract in prose.
 */
import type { DossierRow, EventRow } from '../store/dossier-store';
import type { SubscriberRow } from '../store/outbox-store';

/** One delivery of one dossier event to one subscriber. */
export interface Delivery {
  /**
   * Stable idempotency key: `<subscriberId>:<dossierId>:<seq>`. Every attempt of this delivery (retries, a
   * redelivery after a crash, a second instance) carries the same key; a receiver de-duplicates on it.
   */
  id: string;
  /** outbox_deliveries.id (for logs and the admin API) */
  rowId: number;
  /** 1 for the first attempt */
  attempt: number;
  subscriber: SubscriberRow;
  /** the event as stored in the hash-chained log (payload is its JSON text) */
  event: EventRow;
  /** the dossier's row as it is now (its code, procedure, applicant contacts, current state) */
  dossier: DossierRow;
  /** the event's stable id: `<dossierId>:<seq>` (the same for every subscriber) */
  eventId: string;
}

/**
 * What became of an attempt.
 * - `delivered`: done; `providerAnswer` (the receiver's answer, short) is kept with the delivery.
 * - `retry`: a passing failure (timeout, 5xx, connection refused): tried again after an exponential,
 *   jittered back-off (or `retryAfterMs` when the receiver said), until the attempt limit, then dead-lettered.
 * - `permanent`: will never succeed as it is (4xx, refused payload): dead-lettered at once.
 * A channel that throws is treated as `retry` with the error's message.
 */
export type DeliveryResult =
  | { outcome: 'delivered'; providerAnswer?: string }
  | { outcome: 'retry'; error: string; providerAnswer?: string; retryAfterMs?: number }
  | { outcome: 'permanent'; error: string; providerAnswer?: string };

export interface Channel {
  /** the subscriber kind it serves (outbox_subscribers.kind): 'webhook', 'amqp', 'portal', 'email', … */
  readonly kind: string;
  /**
   * Delivers one event. Must give up when `signal` aborts (the dispatcher's per-attempt timeout). Calls for
   * different dossiers of one subscriber may run concurrently; one dossier's are never concurrent and come
   * in event order.
   */
  deliver(delivery: Delivery, signal: AbortSignal): Promise<DeliveryResult>;
  /** releases connections when the server stops */
  close?(): Promise<void>;
}
