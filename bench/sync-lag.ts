/**
 * `npm run bench -- sync-lag [--postgres] [--no-sqlite] [--clients 16] [--seconds 30] [--warmup 2] [--instances 2]`:
 * the national portal's sync lag (event committed → portal acknowledged, docs/integration.md) while the HTTP
 * benchmark's load runs. The real servers (./http-server.ts) run with MOTCUA_PORTAL_URL pointing at a local portal
 * adapter that logs in and acknowledges each DongBoHoSoMC request at once, so the figure is motcua's own delay: the
 * outbox row waiting for a dispatcher (woken after commit, polled every 500 ms), the per-dossier ordering, the
 * record's construction and the HTTP round trip, under the same full-lifecycle clients as `bench http`.
 *
 * The lag of each record is read from the database afterwards: the portal delivery's `sent_at` (marked when the
 * portal acknowledged) minus its `created_at` (the event's stamped time, taken in the transaction that commits it);
 * deliveries that sent nothing (no national status change) are left out. Figures: p50/p95/p99/max of the records
 * whose event came in the measured window, how many were acknowledged only after the load stopped (the backlog),
 * the load's transitions/s, and the machine's load average at the start and the end of each row.
 */
import os from 'node:os';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEngineContext } from '../src/app/engine-factory';
import { listDeliveries } from '../src/store/outbox-store';
import { appendResults } from './machine-info';
import { runLoad, type LoadResult } from './http-load';
import type { ServerProcess } from './http-server';
import { postgresBackend, sqliteBackend, startSignedIn, type BenchBackend } from './http-setup';
import { ms, quantile } from './stats';

export interface SyncLagBenchOptions {
  sqlite: boolean;
  postgres?: string;
  clients: number[];
  seconds: number;
  warmupSeconds: number;
  instances: number;
  smoke: boolean;
}

const DATABASE = 'motcua_bench_sync_lag';
/** how long the backlog may take to drain after the load stops before the row is reported as not drained */
const DRAIN_LIMIT_MS = 180_000;

/** A portal adapter that answers at once: a session for the login, error_code "00" for every sync request. */
async function portalAdapter(): Promise<{ url: string; records: () => number; close(): Promise<void> }> {
  let records = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const answer = (body: unknown) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      if (req.url === '/auth') return answer({ error_code: 0, session: 'bench-session' });
      const body = JSON.parse(raw) as { data?: unknown[] };
      records += body.data?.length ?? 0;
      return answer({ error_code: '00', message: 'Thành công' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    records: () => records,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

interface Row {
  backend: string;
  instances: number;
  load: LoadResult;
  /** lags in seconds of the records whose event came in the measured window */
  lags: number[];
  /** of them, acknowledged after the load stopped */
  afterLoad: number;
  /** portal deliveries still waiting when the drain limit passed */
  undrained: number;
  loadAverage: { start: number; end: number };
}

const la = () => os.loadavg()[0]!;

async function measure(
  backend: string,
  databaseUrl: string,
  instances: number,
  clients: number,
  opts: SyncLagBenchOptions,
  env: Record<string, string>,
): Promise<Row> {
  const portal = await portalAdapter();
  const servers: ServerProcess[] = [];
  const start = la();
  try {
    const { endpoints } = await startSignedIn(
      instances,
      { databaseUrl, env: { ...env, MOTCUA_PORTAL_URL: portal.url, MOTCUA_PORTAL_USERNAME: 'motcua', MOTCUA_PORTAL_PASSWORD: 'bench' } },
      servers,
    );
    const loadStarted = Date.now();
    const windowStart = new Date(loadStarted + opts.warmupSeconds * 1000).toISOString();
    const load = await runLoad({
      endpoints,
      clients,
      warmupMs: opts.warmupSeconds * 1000,
      durationMs: opts.seconds * 1000,
    });
    const loadEnded = new Date().toISOString();
    // the servers keep running (and delivering) until the portal's backlog is empty
    const ctx = await createEngineContext({ url: databaseUrl, sqliteSynchronous: 'NORMAL' });
    try {
      const deadline = Date.now() + DRAIN_LIMIT_MS;
      let undrained = 0;
      for (;;) {
        undrained = (await listDeliveries(ctx.db, { subscriberId: 'portal', state: 'pending', limit: 1_000_000 })).length;
        if (!undrained || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const sent = await listDeliveries(ctx.db, { subscriberId: 'portal', state: 'sent', limit: 10_000_000 });
      const measured = sent.filter(
        (d) => d.createdAt >= windowStart && d.createdAt <= loadEnded && d.sentAt && !d.providerAnswer?.startsWith('not sent'),
      );
      return {
        backend,
        instances,
        load,
        lags: measured.map((d) => (Date.parse(d.sentAt!) - Date.parse(d.createdAt)) / 1000),
        afterLoad: measured.filter((d) => d.sentAt! > loadEnded).length,
        undrained,
        loadAverage: { start, end: la() },
      };
    } finally {
      await ctx.close();
    }
  } finally {
    for (const s of servers) await s.stop();
    await portal.close();
  }
}

const seconds = (v: number) => (Number.isFinite(v) ? ms(v * 1000) : '–');

function line(r: Row): string {
  const sorted = [...r.lags].sort((a, b) => a - b);
  return [
    `${r.backend} × ${r.instances}`,
    r.load.clients,
    (r.load.requests / r.load.seconds).toFixed(0),
    r.lags.length,
    seconds(quantile(sorted, 0.5)),
    seconds(quantile(sorted, 0.95)),
    seconds(quantile(sorted, 0.99)),
    seconds(sorted.at(-1) ?? NaN),
    r.afterLoad,
    r.undrained ? `${r.undrained} NOT drained` : '0',
    r.load.errors,
    `${r.loadAverage.start.toFixed(1)} → ${r.loadAverage.end.toFixed(1)}`,
  ].join(' | ');
}

export async function benchSyncLag(opts: SyncLagBenchOptions): Promise<Row[]> {
  const backends: BenchBackend[] = [];
  if (opts.sqlite)
    backends.push(
      sqliteBackend(
        'SQLite (sqlite3, FULL)',
        'sqlite3',
        { MOTCUA_SQLITE_DRIVER: 'sqlite3', MOTCUA_SQLITE_SYNCHRONOUS: 'FULL' },
        'motcua-bench-sync-lag-',
      ),
    );
  if (opts.postgres) backends.push(postgresBackend(opts.postgres, DATABASE, opts.instances));
  const rows: Row[] = [];
  const failures: string[] = [];
  for (const b of backends) {
    for (const clients of opts.clients) {
      // a fresh database per row: the lag of one row never includes another row's backlog
      const url = await b.setUp();
      try {
        process.stderr.write(`sync-lag: ${b.name} × ${b.instances}, ${clients} client(s), ${opts.warmupSeconds}+${opts.seconds} s …\n`);
        const r = await measure(b.name, url, b.instances, clients, opts, b.env);
        rows.push(r);
        process.stderr.write(`  ${line(r)}\n`);
        if (r.load.errors)
          failures.push(`${b.name}, ${clients} clients: ${r.load.errors} error(s), e.g. ${r.load.errorSamples.join('; ')}`);
      } finally {
        await b.tearDown();
      }
    }
  }
  const lines = [
    `The HTTP benchmark's clients (whole lifecycles through the REST API, ${opts.warmupSeconds} s warm-up, then ${opts.seconds} s measured) with the ` +
      'national portal connector on (MOTCUA_PORTAL_URL: a local adapter acknowledging at once). Lag = the portal delivery acknowledged ' +
      "(its `sent_at`) − the event's stamped time (`created_at`), for the records whose event came in the measured window; " +
      'the servers run on after the load until the backlog is delivered. Fresh database per row.',
    '',
    '| backend × instances | clients | transitions/s | records | lag p50 | p95 | p99 | max | acknowledged after the load stopped | left undelivered | HTTP errors | load average (1 min) start → end |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${line(r)} |`),
  ];
  appendResults(`Portal sync lag under the HTTP benchmark load (bench/sync-lag.ts)${opts.smoke ? ' — smoke' : ''}`, lines);
  if (failures.length) throw new Error(`sync-lag benchmark had HTTP errors (every answer must be 2xx):\n${failures.join('\n')}`);
  return rows;
}
