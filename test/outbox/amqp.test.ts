/**
 * RabbitMQ through the machine's broker (127.0.0.1:5672, guest/guest; .ci/run starts it): every event is
 * published to the topic exchange with routing key `<procedure>.<eventType>`, confirmed by the broker before it
 * counts as delivered, persistent, with the delivery's idempotency key as messageId, in event order per dossier.
 * A broker that cannot be reached is a retryable failure, not a lost event.
 */
import { randomBytes } from 'node:crypto';
import { connect, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { BACKENDS } from '../support/backends';
import { ACTORS, startEngine, submission, type StartedEngine } from '../support/engine';
import { OutboxDispatcher } from '../../src/outbox/dispatcher';
import { AmqpChannel } from '../../src/outbox/channels/amqp';
import { listDeliveries, upsertSubscriber } from '../../src/store/outbox-store';
import { findDossierByCode } from '../../src/store/dossier-store';

const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const HOUSEHOLD_BUSINESS = '1.001612';

describe.each(BACKENDS)('RabbitMQ publishing on $label', (backend) => {
  let t: StartedEngine;
  let broker: ChannelModel;
  const exchange = `motcua.test.${randomBytes(4).toString('hex')}`;
  const all: ConsumeMessage[] = [];
  const receives: ConsumeMessage[] = [];

  beforeAll(async () => {
    t = await startEngine(backend, '2026-03-03 09:00');
    broker = await connect(AMQP_URL).catch((err) => {
      throw new Error(`RabbitMQ must answer at ${AMQP_URL} (.ci/run starts it: rabbitmq-server -detached): ${err.message}`);
    });
    const ch = await broker.createChannel();
    await ch.assertExchange(exchange, 'topic', { durable: true }); // as the channel declares it
    for (const [pattern, sink] of [
      ['#', all],
      ['*.*.RECEIVE', receives],
    ] as const) {
      const q = await ch.assertQueue('', { exclusive: true });
      await ch.bindQueue(q.queue, exchange, pattern);
      await ch.consume(q.queue, (m) => m && sink.push(m), { noAck: true });
    }
    await upsertSubscriber(t.db, {
      id: 'amqp',
      kind: 'amqp',
      name: 'RabbitMQ',
      config: {},
      active: true,
      eventTypes: ['*'],
      createdAt: t.clock.now().toISOString(),
      createdBy: 'system',
    });
  });
  afterAll(async () => {
    const ch = await broker?.createChannel();
    await ch?.deleteExchange(exchange);
    await broker?.close();
    await t.drop();
  });

  async function until(cond: () => boolean) {
    for (let i = 0; i < 100 && !cond(); i += 1) await new Promise((r) => setTimeout(r, 50));
  }

  test('events reach the topic exchange, confirmed, routed by procedure and event type, in order per dossier', async () => {
    const channel = new AmqpChannel({ url: AMQP_URL, exchange });
    const dispatcher = new OutboxDispatcher(t).register(channel);
    const d = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await t.engine.act(d.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    await dispatcher.drain();
    await until(() => all.length >= 3);
    await channel.close();
    expect(all.map((m) => m.fields.routingKey)).toEqual(['1.001612.SUBMIT', '1.001612.RECEIVE', '1.001612.ASSIGN']);
    expect(receives.map((m) => JSON.parse(m.content.toString()).dossier.code)).toEqual([d.code]);
    const row = (await findDossierByCode(t.db, d.code))!;
    const first = all[0]!;
    expect(first.properties).toMatchObject({
      messageId: `amqp:${row.id}:1`,
      contentType: 'application/json',
      deliveryMode: 2,
      type: 'SUBMIT',
    });
    expect(JSON.parse(first.content.toString())).toMatchObject({ id: `${row.id}:1`, type: 'SUBMIT', dossier: { code: d.code } });
    const sent = await listDeliveries(t.db, { subscriberId: 'amqp', dossierId: row.id, limit: 10 });
    expect(sent.map((s) => [s.state, s.providerAnswer])).toEqual([
      ['sent', 'confirmed 1.001612.SUBMIT'],
      ['sent', 'confirmed 1.001612.RECEIVE'],
      ['sent', 'confirmed 1.001612.ASSIGN'],
    ]);
  });

  test('a broker that cannot be reached leaves the delivery queued for a retry', async () => {
    const channel = new AmqpChannel({ url: 'amqp://guest:guest@127.0.0.1:1', exchange });
    const dispatcher = new OutboxDispatcher(t, { baseDelayMs: 60_000 }).register(channel);
    const d = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await dispatcher.drain();
    await channel.close();
    const row = (await findDossierByCode(t.db, d.code))!;
    const [first] = await listDeliveries(t.db, { subscriberId: 'amqp', dossierId: row.id, limit: 10 });
    expect(first).toMatchObject({ state: 'pending', attempts: 1 });
    expect(first!.lastError).toMatch(/^broker unreachable/);
  });
});
