/**
 * The outbox's retention: finished deliveries (sent or discarded) older than the retention are deleted, but only
 * for dossier events every subscriber is finished with; a delivery still queued or dead-lettered keeps its whole
 * event (every subscriber's row), whatever its age. The message log keeps a pending delivery's entries (its
 * retry reads them to send only what was not yet sent).
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, startEngine, submission, type StartedEngine } from '../support/engine';
import { OutboxDispatcher } from '../../src/outbox/dispatcher';
import type { Channel, Delivery, DeliveryResult } from '../../src/outbox/channel';
import { actOnDeadLetter, listDeliveries, upsertSubscriber } from '../../src/store/outbox-store';
import { findDossierByCode } from '../../src/store/dossier-store';
import { pruneOutbox } from '../../src/jobs/outbox-prune';
import { pruneMessageLog } from '../../src/jobs/notify-log-prune';
import { insertMessage, listMessages, writeNotifySettings } from '../../src/store/notify-store';

const DAY = 86_400_000;

class Receiver implements Channel {
  answer: (d: Delivery) => DeliveryResult = () => ({ outcome: 'delivered' });
  constructor(readonly kind: string) {}
  async deliver(d: Delivery): Promise<DeliveryResult> {
    return this.answer(d);
  }
}

describe.each(BACKENDS)('pruning the outbox on $label', (backend) => {
  let t: StartedEngine;
  beforeAll(async () => {
    t = await startEngine(backend, '2026-03-03 09:00');
  });
  afterAll(async () => t.drop());

  test('finished deliveries past the retention go; an event not yet delivered to every subscriber keeps all its rows', async () => {
    for (const id of ['a', 'b'])
      await upsertSubscriber(t.db, {
        id,
        kind: `prune-${id}`,
        name: id,
        config: {},
        active: true,
        eventTypes: ['*'],
        createdAt: t.clock.now().toISOString(),
        createdBy: 'admin',
      });
    const a = new Receiver('prune-a');
    const b = new Receiver('prune-b');
    const dispatcher = new OutboxDispatcher(t, { random: () => 0.5 }).register(a).register(b);
    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const { code } = await t.engine.submit(submission('1.001612'), ACTORS.counter);
      ids.push((await findDossierByCode(t.db, code))!.id);
    }
    const [d1, d2, d3, d4] = ids as [string, string, string, string];
    // d2: b keeps failing (retried); d3: b refuses for good (dead letter); d4: a refuses its SUBMIT, later discarded
    b.answer = (d) =>
      d.dossier.id === d2
        ? { outcome: 'retry', error: 'HTTP 503' }
        : d.dossier.id === d3
          ? { outcome: 'permanent', error: 'HTTP 422' }
          : { outcome: 'delivered' };
    a.answer = (d) => (d.dossier.id === d4 && d.event.seq === 1 ? { outcome: 'permanent', error: 'HTTP 422' } : { outcome: 'delivered' });
    await dispatcher.drain();
    const deadA = (await listDeliveries(t.db, { subscriberId: 'a', dossierId: d4, limit: 10 }))[0]!;
    expect(deadA.state).toBe('dead');
    expect(await actOnDeadLetter(t.db, deadA.id, 'discard', 'admin', null, t.clock.now().toISOString())).toBe(true);
    await dispatcher.drain();

    // a message of b's still-pending delivery for d2, and one of a's finished delivery for d1, both old
    await writeNotifySettings(t.db, { retentionDays: 30 }, t.clock.now().toISOString(), 'admin');
    const message = (deliveryKey: string, kind: string) =>
      insertMessage(t.db, {
        createdAt: t.clock.now().toISOString(),
        deliveryKey,
        dossierId: null,
        dossierCode: 'X',
        kind,
        templateVersion: 1,
        channel: 'sms',
        addressMasked: '••••5678',
        subject: null,
        body: 'x',
        status: 'sent',
        providerAnswer: null,
        actor: null,
      });
    await message(`b:${d2}:1`, 'of-pending');
    await message(`a:${d1}:1`, 'of-finished');

    t.clock.advance(31 * DAY);
    const { code: recent } = await t.engine.submit(submission('1.001612'), ACTORS.counter);
    const d5 = (await findDossierByCode(t.db, recent))!.id;
    await dispatcher.drain();

    expect(await pruneOutbox(t, 0)).toBe(0); // retention 0: kept for ever
    const rows = async (dossierId: string) =>
      [
        ...(await listDeliveries(t.db, { subscriberId: 'a', dossierId, limit: 10 })),
        ...(await listDeliveries(t.db, { subscriberId: 'b', dossierId, limit: 10 })),
      ].map((r) => `${r.subscriberId}${r.seq}:${r.state}`);
    expect(await rows(d2)).toEqual(['a1:sent', 'a2:sent', 'b1:pending', 'b2:pending']);

    // d1 (all sent) and d4 (sent, one discarded) go: 2 events × 2 subscribers each
    expect(await pruneOutbox(t, 30)).toBe(8);
    expect(await rows(d1)).toEqual([]);
    expect(await rows(d4)).toEqual([]);
    expect(await rows(d2)).toEqual(['a1:sent', 'a2:sent', 'b1:pending', 'b2:pending']);
    expect(await rows(d3)).toEqual(['a1:sent', 'a2:sent', 'b1:dead', 'b2:pending']);
    expect(await rows(d5)).toEqual(['a1:sent', 'a2:sent', 'b1:sent', 'b2:sent']); // within the retention

    expect(await pruneMessageLog(t)).toBe(1);
    expect((await listMessages(t.db, { dossierCode: 'X', limit: 10 })).map((m) => m.kind)).toEqual(['of-pending']);

    // once the dead letter is discarded and the delivery it held back is sent, d3's event rows go too
    const deadB = (await listDeliveries(t.db, { subscriberId: 'b', dossierId: d3, state: 'dead', limit: 10 }))[0]!;
    await actOnDeadLetter(t.db, deadB.id, 'discard', 'admin', 'receiver retired', t.clock.now().toISOString());
    b.answer = () => ({ outcome: 'delivered' });
    await dispatcher.drain();
    expect(await pruneOutbox(t, 30)).toBe(4);
    expect(await rows(d3)).toEqual([]);
    // d2's retry succeeds once its back-off has passed, and its rows and messages go as well
    t.clock.advance(3_600_000);
    await dispatcher.drain();
    expect(await pruneOutbox(t, 30)).toBe(4);
    expect(await pruneMessageLog(t)).toBe(1);
  });
});
