/**
 * Webhooks end to end with a real local HTTP subscriber: subscribed through the admin API, deliveries signed
 * HMAC-SHA256 over `t.body` and verifiable with the documented recipe, a 500 then 200 gets the same delivery
 * again (same id), a subscriber that is down and comes back gets everything, in event order per dossier; dead
 * letters are listed, retried and discarded through the admin API, each action recorded.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { BACKENDS } from '../support/backends';
import { startServer, type TestServer } from '../support/server';
import { ACTORS, submission } from '../support/engine';
import { OutboxDispatcher } from '../../src/outbox/dispatcher';
import { WebhookChannel } from '../../src/outbox/channels/webhook';
import { verifySignature } from '../../src/outbox/signature';

const HOUSEHOLD_BUSINESS = '1.001612';

interface Received {
  deliveryId: string;
  signature: string;
  body: string;
  event: { type: string; seq: number; dossier: { code: string } };
}

/** A subscriber on a real port: `status()` decides each answer; it can go down and come back on the same port. */
class Subscriber {
  received: Received[] = [];
  status: (r: Received) => number = () => 200;
  private server: http.Server | null = null;
  port = 0;
  async up(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const parsed = JSON.parse(body) as { id: string; event: Received['event'] };
        const r: Received = {
          deliveryId: String(req.headers['motcua-delivery-id']),
          signature: String(req.headers['motcua-signature']),
          body,
          event: parsed.event,
        };
        this.received.push(r);
        res.writeHead(this.status(r)).end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }
  async down(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
  url(): string {
    return `http://127.0.0.1:${this.port}/hooks/motcua`;
  }
  /** the documented receiver's check (docs/integration.md), written here with node:crypto only */
  static verify(secret: string, header: string, body: string, nowSeconds: number): boolean {
    const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2)));
    const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest();
    const given = Buffer.from(String(parts.v1), 'hex');
    return Math.abs(nowSeconds - Number(parts.t)) <= 300 && given.length === expected.length && timingSafeEqual(given, expected);
  }
}

describe.each(BACKENDS)('webhooks on $label', (backend) => {
  let s: TestServer;
  let admin: string;
  const sub = new Subscriber();
  beforeAll(async () => {
    s = await startServer(backend);
    admin = await s.login('admin');
    await sub.up();
  });
  afterAll(async () => {
    await sub.down().catch(() => undefined);
    await s.close();
  });

  const nowSeconds = () => Math.floor(s.engine.clock.now().getTime() / 1000);
  let secret = '';
  let webhookId = '';
  let dispatcher: OutboxDispatcher;

  test('an administrator subscribes a webhook; a bad URL or event type is refused naming the field', async () => {
    const bad = await s.http
      .post('/api/admin/webhooks')
      .set('Authorization', `Bearer ${admin}`)
      .send({ name: 'LGSP', url: 'ftp://x', eventTypes: ['NOPE'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { field: string }) => i.field).sort()).toEqual(['eventTypes.0', 'url']);
    const res = await s.http
      .post('/api/admin/webhooks')
      .set('Authorization', `Bearer ${admin}`)
      .send({ name: 'LGSP tỉnh', url: sub.url() });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'LGSP tỉnh', url: sub.url(), eventTypes: ['*'], active: true, createdBy: 'admin' });
    expect(res.body.secret).toMatch(/^whsec_/);
    secret = res.body.secret;
    webhookId = res.body.id;
    const list = await s.http.get('/api/admin/webhooks').set('Authorization', `Bearer ${admin}`);
    expect(list.body.items.map((w: { id: string }) => w.id)).toContain(webhookId);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    dispatcher = new OutboxDispatcher(s.engine, { baseDelayMs: 1_000, maxDelayMs: 1_000, random: () => 1, maxAttempts: 4 }).register(
      new WebhookChannel(s.engine.clock),
    );
  });

  test('deliveries are signed over timestamp.body and carry a delivery id; a 500 then 200 gets the same delivery again', async () => {
    let failedOnce = false;
    sub.status = () => (failedOnce ? 200 : ((failedOnce = true), 500));
    const d = await s.engine.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await dispatcher.drain();
    s.engine.clock.advance(1_001);
    await dispatcher.drain();
    const mine = sub.received.filter((r) => r.event.dossier.code === d.code);
    expect(mine.map((r) => `${r.event.seq}:${r.event.type}`)).toEqual(['1:SUBMIT', '1:SUBMIT', '2:RECEIVE']);
    expect(mine[0]!.deliveryId).toBe(mine[1]!.deliveryId);
    expect(mine[0]!.deliveryId).toMatch(new RegExp(`^${webhookId}:`));
    for (const r of mine) {
      expect(Subscriber.verify(secret, r.signature, r.body, nowSeconds())).toBe(true);
      expect(verifySignature(secret, r.signature, r.body, nowSeconds())).toBe(true);
    }
    // a changed body, another secret or a stale timestamp do not verify
    expect(Subscriber.verify(secret, mine[0]!.signature, mine[0]!.body.replace('SUBMIT', 'RECEIVE'), nowSeconds())).toBe(false);
    expect(Subscriber.verify('another-secret-0123456789', mine[0]!.signature, mine[0]!.body, nowSeconds())).toBe(false);
    expect(verifySignature(secret, mine[0]!.signature, mine[0]!.body, nowSeconds() + 3600)).toBe(false);
  });

  test('a subscriber that is down and comes back gets every event afterwards, in order per dossier', async () => {
    sub.status = () => 200;
    await sub.down();
    const codes: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const d = await s.engine.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
      await s.engine.engine.act(d.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
      codes.push(d.code);
    }
    await dispatcher.drain(); // every first attempt: connection refused
    const figures = await s.http.get('/api/admin/outbox').set('Authorization', `Bearer ${admin}`);
    const mine = figures.body.channels.find((c: { subscriberId: string }) => c.subscriberId === webhookId);
    expect(mine).toMatchObject({ kind: 'webhook', queued: 9, failing: 3, deadLettered: 0 });
    expect(mine.oldestUndeliveredAgeSeconds).toBeGreaterThanOrEqual(0);
    await sub.up();
    s.engine.clock.advance(1_001);
    await dispatcher.drain();
    for (const code of codes)
      expect(sub.received.filter((r) => r.event.dossier.code === code).map((r) => `${r.event.seq}:${r.event.type}`)).toEqual([
        '1:SUBMIT',
        '2:RECEIVE',
        '3:ASSIGN',
      ]);
  });

  test('a refused delivery is dead-lettered at once; an administrator lists it, retries it (recorded), and a second retry is a 409', async () => {
    sub.status = (r) => (r.event.type === 'ASSIGN' ? 422 : 200);
    const d = await s.engine.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await s.engine.engine.act(d.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    await dispatcher.drain();
    const auth = { Authorization: `Bearer ${admin}` };
    const dead = await s.http.get(`/api/admin/outbox/dead-letters?subscriber=${webhookId}`).set(auth);
    expect(dead.body.items).toHaveLength(1);
    expect(dead.body.items[0]).toMatchObject({ eventType: 'ASSIGN', state: 'dead', attempts: 1, lastError: 'HTTP 422' });
    sub.status = () => 200;
    const id = dead.body.items[0].id;
    const retried = await s.http.post(`/api/admin/outbox/deliveries/${id}/retry`).set(auth).send({ note: 'receiver fixed' });
    expect(retried.status).toBe(200);
    expect(retried.body.delivery.state).toBe('pending');
    expect(retried.body.actions).toMatchObject([{ action: 'retry', actor: 'admin', note: 'receiver fixed' }]);
    const again = await s.http.post(`/api/admin/outbox/deliveries/${id}/discard`).set(auth).send({});
    expect(again.status).toBe(409);
    expect(again.body.error.details).toMatchObject({ state: 'pending', allowed: [] });
    await dispatcher.drain();
    expect(sub.received.filter((r) => r.event.dossier.code === d.code).map((r) => r.event.type)).toEqual([
      'SUBMIT',
      'RECEIVE',
      'ASSIGN',
      'ASSIGN',
    ]);
    expect((await s.http.post('/api/admin/outbox/deliveries/999999/retry').set(auth).send({})).status).toBe(404);
  });

  test('an unsubscribed webhook is told of nothing new', async () => {
    const auth = { Authorization: `Bearer ${admin}` };
    const res = await s.http.post(`/api/admin/webhooks/${webhookId}/deactivate`).set(auth).send({});
    expect(res.body.active).toBe(false);
    const before = sub.received.length;
    await s.engine.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await dispatcher.drain();
    expect(sub.received.length).toBe(before);
  });
});
