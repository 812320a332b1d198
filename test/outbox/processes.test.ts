/**
 * The outbox with real server processes and a real webhook receiver:
 * - crash: the server is killed (SIGKILL) while deliveries are in flight; after a restart every committed event
 *   is delivered, none lost, and a delivery seen twice carries the same id both times (the receiver de-duplicates);
 * - two instances on one PostgreSQL database share the work and deliver each outbox row once.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import { BACKENDS } from '../support/backends';
import { killAllServerProcesses, prepareDatabase, sleep, startServerProcess, type PreparedDatabase } from '../support/server-process';
import { ApiClient, pool, submissionBody } from '../support/api-client';
import { upsertSubscriber, listDeliveries } from '../../src/store/outbox-store';

/** A receiver that answers after `delayMs`, recording every delivery id it is sent. */
class Receiver {
  readonly ids: string[] = [];
  private server!: http.Server;
  url = '';
  constructor(private readonly delayMs: number) {}
  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        this.ids.push(String(req.headers['motcua-delivery-id']));
        setTimeout(() => res.writeHead(200).end('ok'), this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }
  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function expectedIds(db: Knex, subscriber: string): Promise<string[]> {
  const rows = (await db('dossier_events').select('dossier_id', 'seq')) as { dossier_id: string; seq: number }[];
  return rows.map((r) => `${subscriber}:${r.dossier_id}:${Number(r.seq)}`).sort();
}

async function until(what: string, cond: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const env = (prepared: PreparedDatabase) => ({
  ...prepared.env,
  MOTCUA_OUTBOX_POLL_MS: '50',
  MOTCUA_OUTBOX_ATTEMPT_TIMEOUT_MS: '1000',
  MOTCUA_OUTBOX_BASE_DELAY_MS: '200',
  MOTCUA_OUTBOX_MAX_DELAY_MS: '1000',
  MOTCUA_SWEEP_INTERVAL_MS: '0',
  MOTCUA_CHECKPOINT_INTERVAL_MS: '0',
  DATABASE_POOL_MAX: '5',
});

async function subscribe(db: Knex, url: string): Promise<void> {
  await upsertSubscriber(db, {
    id: 'hook',
    kind: 'webhook',
    name: 'test receiver',
    config: { url, secret: 'test-secret-0123456789' },
    active: true,
    eventTypes: ['*'],
    createdAt: new Date().toISOString(),
    createdBy: 'test',
  });
}

describe.each(BACKENDS)('outbox crash round on $label', (backend) => {
  let prepared: PreparedDatabase;
  let db: Knex;
  const receiver = new Receiver(400);
  beforeAll(async () => {
    prepared = await prepareDatabase(backend);
    db = prepared.open();
    await receiver.start();
    await subscribe(db, receiver.url);
  }, 60_000);
  afterAll(async () => {
    await killAllServerProcesses();
    await receiver.stop();
    await prepared?.drop();
  });

  test('killed with deliveries in flight: after a restart every committed event is delivered; repeats share their id', async () => {
    const first = await startServerProcess({ name: 'first', env: env(prepared) });
    const client = new ApiClient(first.baseUrl);
    await pool(12, 4, async (i) => {
      await client.call('POST', '/api/dossiers', { as: 'counter', body: submissionBody(i) });
    });
    await until('some deliveries', async () => receiver.ids.length >= 3);
    first.kill('SIGKILL');
    await first.waitForExit();
    const before = receiver.ids.length;
    const second = await startServerProcess({ name: 'second', env: env(prepared) });
    const expected = await expectedIds(db, 'hook');
    expect(before).toBeLessThan(expected.length); // the kill came while deliveries were still queued or in flight
    await until(
      'every delivery sent',
      async () => (await listDeliveries(db, { subscriberId: 'hook', state: 'pending', limit: 1 })).length === 0,
    );
    second.kill('SIGTERM');
    await second.waitForExit();
    expect([...new Set(receiver.ids)].sort()).toEqual(expected);
    // a delivery seen twice is the same delivery: the receiver's de-duplication by id leaves exactly the events
    expect(new Set(receiver.ids).size).toBe(expected.length);
  }, 120_000);
});

const POSTGRES = BACKENDS.find((b) => b.name === 'postgres');
(POSTGRES ? describe : describe.skip)('two server processes delivering from one PostgreSQL outbox', () => {
  let prepared: PreparedDatabase;
  let db: Knex;
  const receiver = new Receiver(5);
  beforeAll(async () => {
    prepared = await prepareDatabase(POSTGRES!);
    db = prepared.open();
    await receiver.start();
    await subscribe(db, receiver.url);
  }, 60_000);
  afterAll(async () => {
    await killAllServerProcesses();
    await receiver.stop();
    await prepared?.drop();
  });

  test('each outbox row is delivered once in the normal case, by either instance', async () => {
    const servers = await Promise.all(['A', 'B'].map((name) => startServerProcess({ name, env: env(prepared) })));
    const clients = servers.map((s) => new ApiClient(s.baseUrl));
    await pool(30, 6, async (i) => {
      await clients[i % 2]!.call('POST', '/api/dossiers', { as: 'counter', body: submissionBody(i) });
    });
    await until(
      'every delivery sent',
      async () => (await listDeliveries(db, { subscriberId: 'hook', state: 'pending', limit: 1 })).length === 0,
    );
    const expected = await expectedIds(db, 'hook');
    expect(expected.length).toBe(60);
    expect([...receiver.ids].sort()).toEqual(expected);
  }, 120_000);
});
