/**
 * RabbitMQ: every event the `amqp` subscriber takes is published to a durable topic exchange with routing key
 * `<procedureCode>.<eventType>` (procedure codes have a dot of their own: `1.001612.RECEIVE`), as a persistent
 * JSON message (the event message) whose messageId is the delivery's idempotency key, on a confirm channel: a
 * delivery counts as delivered only when the broker has confirmed it. docs/integration.md, "RabbitMQ".
 * Library: amqplib (the maintained AMQP 0-9-1 client for Node; publisher confirms through ConfirmChannel).
 */
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { Channel, Delivery, DeliveryResult } from '../channel';
import { integrationEvent } from '../event-message';

export interface AmqpChannelOptions {
  url: string;
  exchange: string;
}

export function routingKey(procedureCode: string, eventType: string): string {
  return `${procedureCode}.${eventType}`;
}

export class AmqpChannel implements Channel {
  readonly kind = 'amqp';
  private connecting: Promise<{ model: ChannelModel; channel: ConfirmChannel }> | null = null;

  constructor(private readonly opts: AmqpChannelOptions) {}

  private connection(): Promise<{ model: ChannelModel; channel: ConfirmChannel }> {
    if (!this.connecting) {
      const attempt = (async () => {
        const model = await connect(this.opts.url);
        const forget = () => {
          if (this.connecting === attempt) this.connecting = null;
        };
        model.on('error', forget);
        model.on('close', forget);
        const channel = await model.createConfirmChannel();
        channel.on('error', forget);
        channel.on('close', forget);
        await channel.assertExchange(this.opts.exchange, 'topic', { durable: true });
        return { model, channel };
      })();
      this.connecting = attempt;
      attempt.catch(() => {
        if (this.connecting === attempt) this.connecting = null;
      });
    }
    return this.connecting;
  }

  async deliver(d: Delivery, signal: AbortSignal): Promise<DeliveryResult> {
    let channel: ConfirmChannel;
    try {
      ({ channel } = await this.connection());
    } catch (err) {
      return { outcome: 'retry', error: `broker unreachable: ${(err as Error).message}` };
    }
    const event = integrationEvent(d.event, {
      code: d.dossier.code,
      procedureCode: d.dossier.procedure_code,
      agencyCode: d.dossier.agency_code,
    });
    const key = routingKey(d.dossier.procedure_code, d.event.type);
    return new Promise<DeliveryResult>((resolve) => {
      signal.addEventListener('abort', () => resolve({ outcome: 'retry', error: 'no confirm from the broker in time' }));
      try {
        channel.publish(
          this.opts.exchange,
          key,
          Buffer.from(JSON.stringify(event)),
          {
            persistent: true,
            contentType: 'application/json',
            messageId: d.id,
            type: d.event.type,
            timestamp: Math.floor(Date.parse(d.event.occurred_at) / 1000),
            headers: { 'motcua-event-id': event.id, 'motcua-attempt': d.attempt },
          },
          (err) =>
            resolve(
              err
                ? { outcome: 'retry', error: `broker refused: ${String(err)}` }
                : { outcome: 'delivered', providerAnswer: `confirmed ${key}` },
            ),
        );
      } catch (err) {
        resolve({ outcome: 'retry', error: `publish failed: ${(err as Error).message}` });
      }
    });
  }

  async close(): Promise<void> {
    const current = this.connecting;
    this.connecting = null;
    if (!current) return;
    const { model } = await current.catch(() => ({ model: null }));
    await model?.close().catch(() => undefined);
  }
}
