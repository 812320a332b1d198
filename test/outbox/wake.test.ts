/**
 * Instant wake-up: a dispatcher whose poll is an hour away still delivers within seconds of a commit that queued
 * deliveries — in this process through the after-commit signal, and on PostgreSQL in another instance (its own
 * connection pool) through LISTEN/NOTIFY. Without the other instance's NOTIFY nothing arrives: polling is not
 * what delivers here.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, startEngine, submission, type StartedEngine } from '../support/engine';
import { OutboxDispatcher } from '../../src/outbox/dispatcher';
import { OutboxWaker } from '../../src/outbox/wake';
import type { Channel, Delivery, DeliveryResult } from '../../src/outbox/channel';
import { upsertSubscriber } from '../../src/store/outbox-store';
import { openDb, type Db } from '../../src/store/db';
import { onOutboxCommitted } from '../../src/store/outbox-signal';

const HOUR = 3_600_000;

class Receiver implements Channel {
  readonly got: string[] = [];
  constructor(readonly kind: string) {}
  async deliver(d: Delivery): Promise<DeliveryResult> {
    this.got.push(`${d.dossier.code}:${d.event.type}`);
    return { outcome: 'delivered' };
  }
}

/** waits until `done()` or `ms` have passed; true when done */
async function within(ms: number, done: () => boolean): Promise<boolean> {
  const until = Date.now() + ms;
  while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return done();
}

describe.each(BACKENDS)('waking the outbox dispatcher on $label', (backend) => {
  let t: StartedEngine;
  const stops: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    t = await startEngine(backend, '2026-03-03 09:00');
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await t.drop();
  });

  const subscribe = (id: string, kind: string, eventTypes = ['RECEIVE'], active = true) =>
    upsertSubscriber(t.db, {
      id,
      kind,
      name: id,
      config: {},
      active,
      eventTypes,
      createdAt: t.clock.now().toISOString(),
      createdBy: 'admin',
    });

  test('a commit that queued no delivery wakes nobody; one that queued one does (issue 16: a look per transition)', async () => {
    let woken = 0;
    const off = onOutboxCommitted(t.db, () => void (woken += 1));
    try {
      const { code } = await t.engine.submit(submission('1.001612'), ACTORS.counter); // no subscriber yet
      const current = await t.engine.get(code);
      await t.engine.act(code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader, { expectedVersion: current.version });
      await new Promise((r) => setTimeout(r, 50));
      expect(woken).toBe(0);
      await subscribe('wake-count', 'wake-count', ['ASSIGN']);
      const other = await t.engine.submit(submission('1.001612'), ACTORS.counter); // SUBMIT and RECEIVE: not taken
      await new Promise((r) => setTimeout(r, 50));
      expect(woken).toBe(0);
      await t.engine.act(other.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader, { expectedVersion: other.version });
      expect(await within(5_000, () => woken === 1)).toBe(true);
    } finally {
      off();
      await subscribe('wake-count', 'wake-count', ['ASSIGN'], false);
    }
  });

  test('a commit wakes this instance’s dispatcher at once although its next poll is an hour away', async () => {
    await subscribe('wake-local', 'wake-local');
    const receiver = new Receiver('wake-local');
    const dispatcher = new OutboxDispatcher(t, { pollMs: HOUR }).register(receiver);
    const waker = new OutboxWaker(t.db, dispatcher);
    waker.start();
    dispatcher.start();
    await waker.ready();
    await dispatcher.whenIdle(); // the first look found nothing; the next poll is in an hour
    const { code } = await t.engine.submit(submission('1.001612'), ACTORS.counter);
    expect(await within(10_000, () => receiver.got.length > 0)).toBe(true);
    expect(receiver.got).toEqual([`${code}:RECEIVE`]);
    // this instance stops telling anyone (the next test needs a database where nobody NOTIFYs at first)
    await waker.stop();
    await dispatcher.stop();
  }, 30_000);

  test('a transition of a stored dossier wakes it too, not only a submission', async () => {
    // on PostgreSQL a transition is written by one statement of its own, which must signal after commit as well
    await subscribe('wake-transition', 'wake-transition', ['ASSIGN']);
    const receiver = new Receiver('wake-transition');
    const dispatcher = new OutboxDispatcher(t, { pollMs: HOUR }).register(receiver);
    const waker = new OutboxWaker(t.db, dispatcher);
    waker.start();
    dispatcher.start();
    await waker.ready();
    try {
      const { code } = await t.engine.submit(submission('1.001612'), ACTORS.counter);
      await dispatcher.whenIdle();
      expect(receiver.got).toEqual([]);
      const current = await t.engine.get(code);
      await t.engine.act(code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader, { expectedVersion: current.version });
      expect(await within(10_000, () => receiver.got.length > 0)).toBe(true);
      expect(receiver.got).toEqual([`${code}:ASSIGN`]);
    } finally {
      await waker.stop();
      await dispatcher.stop();
    }
  }, 30_000);

  (backend.name === 'postgres' ? test : test.skip)(
    'another instance, polling hourly, delivers within seconds through LISTEN/NOTIFY, and not without it',
    async () => {
      await subscribe('wake-remote', 'wake-remote');
      // instance B: its own pool, its own dispatcher (the only one with the channel), listening
      const dbB: Db = openDb({ url: t.dbUrl, schema: t.dbSchema, poolMax: 2 });
      const receiver = new Receiver('wake-remote');
      const dispatcherB = new OutboxDispatcher({ db: dbB, clock: t.clock }, { pollMs: HOUR }).register(receiver);
      const wakerB = new OutboxWaker(dbB, dispatcherB);
      wakerB.start();
      dispatcherB.start();
      stops.push(
        () => dbB.destroy(),
        () => wakerB.stop(),
        () => dispatcherB.stop(),
      );
      await wakerB.ready();
      await dispatcherB.whenIdle();
      // instance A writes without telling anyone: B does not poll for an hour, so nothing arrives
      const first = await t.engine.submit(submission('1.001612'), ACTORS.counter);
      expect(await within(1_500, () => receiver.got.length > 0)).toBe(false);
      // instance A with its waker (no dispatcher of its own): its next commit NOTIFYs, B wakes and delivers both
      const wakerA = new OutboxWaker(t.db, null);
      wakerA.start();
      stops.push(() => wakerA.stop());
      const second = await t.engine.submit(submission('1.001612'), ACTORS.counter);
      expect(await within(10_000, () => receiver.got.length >= 2)).toBe(true);
      expect(receiver.got.sort()).toEqual([`${first.code}:RECEIVE`, `${second.code}:RECEIVE`].sort());
    },
    30_000,
  );
});
