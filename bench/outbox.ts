/**
 * `npm run bench -- outbox [--postgres] [--dossiers N] [--rounds R]`: the transactional outbox's two costs.
 * 1. Write overhead: the same dossier lifecycles through the engine with no subscriber, then with one and three
 *    active subscribers (every event queues one delivery per subscriber in its transaction), interleaved rounds:
 *    events/s and wall time, and this process's CPU per transition, each beside the run without outbox rows in
 *    the same process, with the load average when each round started; on SQLite (and PostgreSQL).
 * 2. Dispatcher throughput: the deliveries queued by (1) delivered by one dispatcher to a local webhook receiver
 *    (HTTP, signed) and to RabbitMQ (publisher confirms, when the broker answers at 127.0.0.1:5672), deliveries/s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import knexFactory from 'knex';
import { createEngineContext, type EngineContext } from '../src/app/engine-factory';
import { ManualClock } from '../src/engine/clock';
import { OutboxDispatcher } from '../src/outbox/dispatcher';
import { WebhookChannel } from '../src/outbox/channels/webhook';
import { AmqpChannel } from '../src/outbox/channels/amqp';
import { listDeliveries, setSubscriberActive, upsertSubscriber } from '../src/store/outbox-store';
import { median } from './stats';
import { appendResults, machine } from './machine-info';

const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const ACTOR = { username: 'counter', unit: 'TTPVHCC' };
const LEADER = { username: 'leader', unit: 'LANHDAO' };

interface Db {
  label: string;
  open(): Promise<EngineContext & { drop(): Promise<void> }>;
}

function sqlite(): Db {
  return {
    label: 'SQLite (sqlite3, FULL)',
    async open() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-bench-outbox-'));
      const ctx = await createEngineContext({ url: path.join(dir, 'db.sqlite'), clock: new ManualClock('2026-03-03T02:00:00Z', 1) });
      return { ...ctx, drop: async () => (await ctx.close(), fs.rmSync(dir, { recursive: true, force: true })) };
    },
  };
}

function postgres(url: string): Db {
  return {
    label: 'PostgreSQL',
    async open() {
      const schema = `bench_${randomBytes(5).toString('hex')}`;
      const ctx = await createEngineContext({ url, schema, clock: new ManualClock('2026-03-03T02:00:00Z', 1) });
      return {
        ...ctx,
        drop: async () => {
          await ctx.close();
          const k = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
          await k.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await k.destroy();
        },
      };
    },
  };
}

/**
 * n dossiers submitted at the counter and assigned: 3 events each, in 2 transactions. Wall seconds, and this
 * process's CPU seconds (user + system; on SQLite that includes the database's own work, which runs in process),
 * with the 1-minute load average when the run started: on a shared machine the CPU figure moves far less than the
 * wall time.
 */
async function transitions(
  ctx: EngineContext,
  n: number,
): Promise<{ events: number; seconds: number; cpuSeconds: number; loadAverage: number }> {
  const loadAverage = os.loadavg()[0]!;
  const cpu0 = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1) {
    const d = await ctx.engine.submit(
      {
        procedureCode: '1.001612',
        channel: 'counter',
        applicant: { fullName: 'Nguyễn Văn An', idNumber: '001190012345', phone: '0912345678', address: 'Hà Nội' },
        documents: [{ name: 'Giấy đề nghị', copies: 1 }],
      },
      ACTOR,
    );
    await ctx.engine.act(d.code, { type: 'ASSIGN', assignee: 'specialist' }, LEADER);
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    events: n * 3,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    loadAverage,
  };
}

async function subscribe(ctx: EngineContext, id: string, kind: string, config: Record<string, unknown>, active = true) {
  await upsertSubscriber(ctx.db, {
    id,
    kind,
    name: id,
    config,
    active,
    eventTypes: ['*'],
    createdAt: new Date().toISOString(),
    createdBy: 'bench',
  });
}

async function receiver(): Promise<{ url: string; count: () => number; close(): Promise<void> }> {
  let n = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      n += 1;
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    count: () => n,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

async function amqpAnswers(): Promise<boolean> {
  const ch = new AmqpChannel({ url: AMQP_URL, exchange: 'motcua.bench' });
  try {
    // a throwaway delivery-less connection check: connect through the channel's own path
    await (ch as unknown as { connection(): Promise<unknown> }).connection();
    return true;
  } catch {
    return false;
  } finally {
    await ch.close();
  }
}

/** the change in time, signed: "+4.2 %" */
const pct = (t: number, base: number) => {
  const p = (t / base - 1) * 100;
  return `${p >= 0 ? '+' : ''}${p.toFixed(1)} %`;
};

export async function benchOutbox(opts: { dossiers: number; rounds: number; postgres?: string; smoke: boolean }): Promise<void> {
  const lines: string[] = [];
  const print = (s: string) => {
    console.log(s);
    lines.push(s);
  };
  print(`machine: ${machine()}`);
  print(
    `load average at start: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const dbs = [sqlite(), ...(opts.postgres ? [postgres(opts.postgres)] : [])];
  for (const db of dbs) {
    print(
      `\n${db.label}: ${opts.dossiers} dossiers × (submit+receive, assign) = ${opts.dossiers * 3} events in ${opts.dossiers * 2} transactions`,
    );
    print(
      '| subscribers (deliveries queued per event) | events/s | wall time ÷ none | CPU ms per transition | CPU ÷ none | load average (1 min) at its rounds |',
    );
    print('|---|---|---|---|---|---|');
    const ctx = await db.open();
    try {
      await transitions(ctx, Math.max(2, Math.round(opts.dossiers / 10))); // warm-up
      const rx = await receiver();
      await subscribe(ctx, 'bench-hook', 'webhook', { url: rx.url, secret: 'bench-secret-0123456789' }, false);
      await subscribe(ctx, 'bench-x', 'none', {}, false);
      await subscribe(ctx, 'bench-y', 'none', {}, false);
      // interleaved rounds (0, 1, 3 subscribers, again …): a loaded machine's drift hits all three alike; medians
      const runs: Record<0 | 1 | 3, Awaited<ReturnType<typeof transitions>>[]> = { 0: [], 1: [], 3: [] };
      let queued = 0;
      for (let round = 0; round < opts.rounds; round += 1) {
        for (const n of [0, 1, 3] as const) {
          await setSubscriberActive(ctx.db, 'bench-hook', n >= 1);
          await setSubscriberActive(ctx.db, 'bench-x', n === 3);
          await setSubscriberActive(ctx.db, 'bench-y', n === 3);
          const r = await transitions(ctx, opts.dossiers);
          runs[n].push(r);
          if (n >= 1) queued += r.events;
        }
      }
      const events = opts.dossiers * 3;
      // a transition = one transaction (the submission, SUBMIT + RECEIVE; the ASSIGN)
      const perTransitionMs = (r: { cpuSeconds: number }) => (r.cpuSeconds * 1000) / (opts.dossiers * 2);
      const wall = (n: 0 | 1 | 3) => median(runs[n].map((r) => r.seconds));
      const cpu = (n: 0 | 1 | 3) => median(runs[n].map(perTransitionMs));
      const loads = (n: 0 | 1 | 3) => runs[n].map((r) => r.loadAverage.toFixed(1)).join(', ');
      for (const n of [0, 1, 3] as const) {
        const t = wall(n);
        print(
          `| ${n} | ${(events / t).toFixed(0)} | ${n ? `${(t / wall(0)).toFixed(2)} (${pct(t, wall(0))})` : '1.00'} | ${cpu(n).toFixed(2)} | ${n ? `${(cpu(n) / cpu(0)).toFixed(2)} (${pct(cpu(n), cpu(0))})` : '1.00'} | ${loads(n)} |`,
        );
      }
      print(
        `(CPU: this process, user + system${db.label === 'PostgreSQL' ? "; the PostgreSQL server's own CPU is not in it" : ', SQLite included (it runs in process)'})`,
      );
      print(
        `(median of ${opts.rounds} interleaved rounds; per-round wall seconds 0/1/3: ${runs[0].map((r, i) => `${r.seconds.toFixed(2)}/${runs[1][i]!.seconds.toFixed(2)}/${runs[3][i]!.seconds.toFixed(2)}`).join(', ')})`,
      );

      // dispatcher throughput: what the webhook subscriber queued during the 1- and 3-subscriber runs
      const webhook = new OutboxDispatcher({ db: ctx.db, clock: { now: () => new Date() } }, { batch: 50 }).register(
        new WebhookChannel({ now: () => new Date() }),
      );
      const t0 = process.hrtime.bigint();
      await webhook.drain();
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      const left = (await listDeliveries(ctx.db, { subscriberId: 'bench-hook', state: 'pending', limit: 1 })).length;
      print(
        `dispatcher → local webhook: ${rx.count()} of ${queued} deliveries in ${s.toFixed(2)} s = ${(rx.count() / s).toFixed(0)} deliveries/s${left ? ' (NOT all delivered)' : ''}`,
      );
      await rx.close();
      if (await amqpAnswers()) {
        const exchange = `motcua.bench.${randomBytes(3).toString('hex')}`;
        await setSubscriberActive(ctx.db, 'bench-hook', false);
        await subscribe(ctx, 'amqp', 'amqp', {});
        await transitions(ctx, opts.dossiers);
        const ch = new AmqpChannel({ url: AMQP_URL, exchange });
        const amqp = new OutboxDispatcher({ db: ctx.db, clock: { now: () => new Date() } }, { batch: 50 }).register(ch);
        const a0 = process.hrtime.bigint();
        await amqp.drain();
        const as = Number(process.hrtime.bigint() - a0) / 1e9;
        const sent = (await listDeliveries(ctx.db, { subscriberId: 'amqp', state: 'sent', limit: 1_000_000 })).length;
        print(
          `dispatcher → RabbitMQ (confirms, persistent): ${sent} deliveries in ${as.toFixed(2)} s = ${(sent / as).toFixed(0)} deliveries/s`,
        );
        await ch.close();
      } else print('dispatcher → RabbitMQ: skipped (no broker at 127.0.0.1:5672)');
    } finally {
      await ctx.drop();
    }
  }
  print(
    `load average at end: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  if (!opts.smoke) appendResults('Outbox: write overhead and dispatcher throughput', lines);
}
