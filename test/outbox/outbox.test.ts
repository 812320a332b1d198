/**
 * The transactional outbox: deliveries are written with the event that causes them (never for a rolled-back
 * one), delivered at least once with a stable key, in event order per dossier and subscriber, retried with
 * back-off, dead-lettered at the limit; a failing dossier or a slow channel holds back nobody else.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, startEngine, submission, type StartedEngine } from '../support/engine';
import { OutboxDispatcher, backoffMs } from '../../src/outbox/dispatcher';
import type { Channel, Delivery, DeliveryResult } from '../../src/outbox/channel';
import { actOnDeadLetter, channelFigures, listDeliveries, listOutboxActions, upsertSubscriber } from '../../src/store/outbox-store';
import { inTransaction } from '../../src/store/db';
import { appendEvents, findDossierByCode } from '../../src/store/dossier-store';

const HOUSEHOLD_BUSINESS = '1.001612';

/** A channel under the test's control: records every attempt; `answer` decides each outcome. */
class RecordingChannel implements Channel {
  readonly attempts: { key: string; eventId: string; type: string; seq: number; code: string; attempt: number }[] = [];
  answer: (d: Delivery) => DeliveryResult | Promise<DeliveryResult> = () => ({ outcome: 'delivered', providerAnswer: 'ok' });
  constructor(readonly kind: string) {}
  async deliver(d: Delivery): Promise<DeliveryResult> {
    this.attempts.push({ key: d.id, eventId: d.eventId, type: d.event.type, seq: d.event.seq, code: d.dossier.code, attempt: d.attempt });
    return this.answer(d);
  }
  delivered(code: string): string[] {
    return this.attempts.filter((a) => a.code === code).map((a) => `${a.seq}:${a.type}`);
  }
}

describe.each(BACKENDS)('the transactional outbox on $label', (backend) => {
  let t: StartedEngine;
  beforeAll(async () => {
    t = await startEngine(backend, '2026-03-03 09:00');
  });
  afterAll(async () => t.drop());

  async function subscribe(id: string, kind: string, eventTypes: string[] = ['*']) {
    await upsertSubscriber(t.db, {
      id,
      kind,
      name: id,
      config: {},
      active: true,
      eventTypes,
      createdAt: t.clock.now().toISOString(),
      createdBy: 'admin',
    });
  }

  test('each event is queued for each subscriber whose filter takes it, in the transaction of the event', async () => {
    await subscribe('all-1', 'rec-all-1');
    await subscribe('returns-1', 'rec-returns-1', ['ASSIGN']);
    const d = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await t.engine.act(d.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    const row = (await findDossierByCode(t.db, d.code))!;
    const all = await listDeliveries(t.db, { subscriberId: 'all-1', dossierId: row.id, limit: 100 });
    expect(all.map((x) => `${x.seq}:${x.eventType}:${x.state}`)).toEqual(['1:SUBMIT:pending', '2:RECEIVE:pending', '3:ASSIGN:pending']);
    const filtered = await listDeliveries(t.db, { subscriberId: 'returns-1', dossierId: row.id, limit: 100 });
    expect(filtered.map((x) => x.eventType)).toEqual(['ASSIGN']);
  });

  test('an event rolled back with its transaction leaves no delivery behind', async () => {
    await subscribe('all-2', 'rec-all-2');
    const d = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    const row = (await findDossierByCode(t.db, d.code))!;
    const before = await listDeliveries(t.db, { subscriberId: 'all-2', dossierId: row.id, limit: 100 });
    await expect(
      inTransaction(t.db, async (tx) => {
        await appendEvents(tx, [
          {
            dossier_id: row.id,
            seq: 99,
            type: 'ASSIGN',
            payload: '{}',
            actor: 'x',
            actor_unit: null,
            occurred_at: t.clock.now().toISOString(),
            machine_version: 2,
            prev_hash: 'x',
            hash: 'y',
          },
        ]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await listDeliveries(t.db, { subscriberId: 'all-2', dossierId: row.id, limit: 100 })).toEqual(before);
  });

  test('delivered in event order per dossier with a stable key; a failure is retried and holds back only its own dossier', async () => {
    await subscribe('ordered', 'rec-ordered');
    const ch = new RecordingChannel('rec-ordered');
    const dispatcher = new OutboxDispatcher(t, { baseDelayMs: 60_000, random: () => 0.5 }).register(ch);
    const a = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    const b = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await t.engine.act(a.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    await t.engine.act(b.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    // dossier a's RECEIVE fails once; b goes on meanwhile
    let failed = false;
    ch.answer = (d) => {
      if (d.dossier.code === a.code && d.event.type === 'RECEIVE' && !failed) {
        failed = true;
        return { outcome: 'retry', error: 'HTTP 500' };
      }
      return { outcome: 'delivered' };
    };
    await dispatcher.drain();
    expect(ch.delivered(a.code)).toEqual(['1:SUBMIT', '2:RECEIVE']);
    expect(ch.delivered(b.code)).toEqual(['1:SUBMIT', '2:RECEIVE', '3:ASSIGN']);
    // not yet due: the back-off of the first retry is half fixed, half jitter of 60 s
    expect(backoffMs(1, { baseDelayMs: 60_000, maxDelayMs: 3_600_000 }, () => 0.5)).toBe(45_000);
    t.clock.advance(44_000);
    await dispatcher.drain();
    expect(ch.delivered(a.code)).toEqual(['1:SUBMIT', '2:RECEIVE']);
    t.clock.advance(2_000);
    await dispatcher.drain();
    expect(ch.delivered(a.code)).toEqual(['1:SUBMIT', '2:RECEIVE', '2:RECEIVE', '3:ASSIGN']);
    const receives = ch.attempts.filter((x) => x.code === a.code && x.seq === 2);
    expect(receives.map((x) => x.attempt)).toEqual([1, 2]);
    expect(new Set(receives.map((x) => x.key)).size).toBe(1);
    const [fig] = (await channelFigures(t.db)).filter((f) => f.subscriberId === 'ordered');
    expect(fig).toMatchObject({ queued: 0, sent: 6, dead: 0, oldestUndeliveredAt: null });
  });

  test('attempts exhausted: dead-lettered, later events of that dossier wait; retry by an administrator is recorded and delivers them in order', async () => {
    await subscribe('dying', 'rec-dying');
    const ch = new RecordingChannel('rec-dying');
    ch.answer = (d) => (d.event.type === 'RECEIVE' ? { outcome: 'retry', error: 'HTTP 503' } : { outcome: 'delivered' });
    const dispatcher = new OutboxDispatcher(t, { baseDelayMs: 1_000, maxDelayMs: 1_000, maxAttempts: 3, random: () => 1 }).register(ch);
    const a = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await t.engine.act(a.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    for (let i = 0; i < 4; i += 1) {
      await dispatcher.drain();
      t.clock.advance(1_001);
    }
    expect(ch.delivered(a.code)).toEqual(['1:SUBMIT', '2:RECEIVE', '2:RECEIVE', '2:RECEIVE']);
    const row = (await findDossierByCode(t.db, a.code))!;
    const dead = await listDeliveries(t.db, { subscriberId: 'dying', state: 'dead', limit: 10 });
    expect(dead.map((x) => [x.dossierId, x.seq, x.attempts, x.lastError])).toEqual([[row.id, 2, 3, 'HTTP 503']]);
    const [fig] = (await channelFigures(t.db)).filter((f) => f.subscriberId === 'dying');
    expect(fig).toMatchObject({ queued: 1, dead: 1, sent: 1 });
    expect(fig!.oldestUndeliveredAt).not.toBeNull();

    ch.answer = () => ({ outcome: 'delivered' });
    expect(await actOnDeadLetter(t.db, dead[0]!.id, 'retry', 'admin', 'endpoint fixed', t.clock.now().toISOString())).toBe(true);
    expect(await actOnDeadLetter(t.db, dead[0]!.id, 'retry', 'admin', 'twice', t.clock.now().toISOString())).toBe(false);
    await dispatcher.drain();
    expect(ch.delivered(a.code).slice(-2)).toEqual(['2:RECEIVE', '3:ASSIGN']);
    expect((await listOutboxActions(t.db, dead[0]!.id)).map((x) => [x.action, x.actor, x.note])).toEqual([
      ['retry', 'admin', 'endpoint fixed'],
    ]);
  });

  test('a channel that hangs is cut off by the attempt timeout and does not hold back another channel', async () => {
    await subscribe('hanging', 'rec-hanging');
    await subscribe('quick', 'rec-quick');
    const hanging = new RecordingChannel('rec-hanging');
    hanging.answer = () => new Promise<DeliveryResult>(() => undefined);
    const quick = new RecordingChannel('rec-quick');
    const dispatcher = new OutboxDispatcher(t, { attemptTimeoutMs: 300, baseDelayMs: 60_000 }).register(hanging).register(quick);
    const a = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    const started = Date.now();
    await dispatcher.drain();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(quick.delivered(a.code)).toEqual(['1:SUBMIT', '2:RECEIVE']);
    expect(hanging.delivered(a.code)).toEqual(['1:SUBMIT']);
    const row = (await findDossierByCode(t.db, a.code))!;
    const [pending] = await listDeliveries(t.db, { subscriberId: 'hanging', dossierId: row.id, limit: 1 });
    expect(pending).toMatchObject({ state: 'pending', lastError: 'timed out after 300 ms' });
  });
});
