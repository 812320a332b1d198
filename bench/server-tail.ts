/**
 * The HTTP benchmark's `--tail`: what a slow request met on its way. Preloaded into each server (`node -r
 * dist-bench/bench/server-tail.js`, with MOTCUA_BENCH_TAIL_OUT and MOTCUA_BENCH_TAIL_SRC set), it records on the
 * epoch clock every GC pause (perf_hooks), every WAL checkpoint run with the server's connection held
 * (src/store/db.ts withConnectionHeld, wrapped through its module's exports, which the checkpointer calls through)
 * and each request's arrival and answer on the server (its `X-Bench-Request` id), and writes them as JSON when the
 * process exits. The load generator keeps each request's start, length and kind, and samples how long each server's
 * main thread waited for a CPU while runnable (/proc/<pid>/task/<pid>/schedstat). tailLines then splits the latency
 * of the slowest 1 % of requests against the faster half by what overlapped them.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { PerformanceObserver, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { ms, quantile } from './stats';

/** [start (epoch ms), length (ms)] */
export type Span = [number, number];

export interface ServerTail {
  /** GC pauses: [start (epoch ms), length (ms), kind] */
  gc: [number, number, string][];
  /** checkpoints with the server's connection held: [held from, held for] */
  held: Span[];
  /** requests as the server saw them: id → [arrived (epoch ms), answered after (ms)] */
  requests: Record<string, Span>;
  /** event-loop delay percentiles, ms */
  loopDelay: { p50: number; p99: number; max: number };
}

/** A request as the load generator saw it: [start (epoch ms), length (ms), 's' (submission) | 'e' (event), id, server index] */
export type TimedRequest = [number, number, 's' | 'e', string, number];

/** One server's main thread, sampled: [at (epoch ms), ms on a CPU, ms runnable and waiting for one] so far. */
export type SchedSample = [number, number, number];

export function readSched(pid: number): SchedSample | null {
  try {
    const [run, wait] = fs.readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
    return [performance.timeOrigin + performance.now(), run! / 1e6, wait! / 1e6];
  } catch {
    return null;
  }
}

const now = () => performance.timeOrigin + performance.now();

/** Where the server with this pid writes its record (MOTCUA_BENCH_TAIL_OUT is shared by a cell's instances). */
export function tailFile(out: string, pid: number): string {
  return `${out}-${pid}.json`;
}

function record(out: string, src: string): void {
  const tail: ServerTail = { gc: [], held: [], requests: {}, loopDelay: { p50: 0, p99: 0, max: 0 } };
  const kinds: Record<number, string> = { 1: 'scavenge', 2: 'mark-compact', 4: 'incremental marking', 8: 'weak callbacks' };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
      tail.gc.push([performance.timeOrigin + e.startTime, e.duration, kinds[kind] ?? String(kind)]);
    }
  }).observe({ entryTypes: ['gc'] });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const db = require(path.join(src, 'store', 'db')) as {
    withConnectionHeld: (db: unknown, work: () => Promise<unknown>) => Promise<unknown>;
  };
  const held = db.withConnectionHeld;
  db.withConnectionHeld = async (handle, work) => {
    let from = 0;
    try {
      return await held(handle, () => {
        from = now();
        return work();
      });
    } finally {
      if (from) tail.held.push([from, now() - from]);
    }
  };
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string, ...args: unknown[]) {
    if (event === 'request') {
      const req = args[0] as http.IncomingMessage;
      const res = args[1] as http.ServerResponse;
      const id = req.headers['x-bench-request'];
      const at = now();
      if (typeof id === 'string') res.once('finish', () => (tail.requests[id] = [at, now() - at]));
    }
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof emit;
  process.on('exit', () => {
    tail.loopDelay = { p50: delay.percentile(50) / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 };
    fs.writeFileSync(tailFile(out, process.pid), JSON.stringify(tail));
  });
}

if (process.env.MOTCUA_BENCH_TAIL_OUT && process.env.MOTCUA_BENCH_TAIL_SRC)
  record(process.env.MOTCUA_BENCH_TAIL_OUT, process.env.MOTCUA_BENCH_TAIL_SRC);

/** How much of [from, from + length] the spans cover, ms (each span weighted by `weight`, 1 when none). */
function covered(from: number, length: number, spans: readonly Span[], weight?: (i: number) => number): number {
  let sum = 0;
  for (let i = 0; i < spans.length; i++) {
    const [s, l] = spans[i]!;
    const o = Math.min(from + length, s + l) - Math.max(from, s);
    if (o > 0) sum += o * (weight ? weight(i) : 1);
  }
  return sum;
}

/**
 * The markdown lines of a cell's decomposition: for all requests, the faster half and the
 * slowest 1 %, mean latency split into before the server read the request, in the server and after, and how much
 * of it overlapped the server's main thread waiting for a CPU, its GC pauses and its held checkpoints.
 */
export function tailLines(
  title: string,
  requests: readonly TimedRequest[],
  servers: readonly ServerTail[],
  sched: readonly SchedSample[][],
  windowSeconds: number,
): string[] {
  if (!requests.length) return [];
  const from = requests.reduce((a, r) => Math.min(a, r[0]), Infinity);
  const to = requests.reduce((a, r) => Math.max(a, r[0] + r[1]), 0);
  const within = (s: readonly [number, number, ...unknown[]]) => s[0] + s[1] >= from && s[0] <= to;
  const gc = servers.map((t) => t.gc.filter(within).map((g) => [g[0], g[1]] as Span));
  const scavenges = servers.map((t) => t.gc.filter((g) => within(g) && g[2] === 'scavenge'));
  const held = servers.map((t) => t.held.filter(within));
  // the CPU wait between samples, spread evenly over each interval
  const waits = sched.map((samples) => {
    const spans: Span[] = [];
    const rate: number[] = [];
    for (let i = 1; i < samples.length; i++) {
      const [a, , wa] = samples[i - 1]!;
      const [b, , wb] = samples[i]!;
      if (b > a) {
        spans.push([a, b - a]);
        rate.push((wb - wa) / (b - a));
      }
    }
    return { spans, rate };
  });
  const bySpeed = [...requests].sort((a, b) => a[1] - b[1]);
  const groups: [string, TimedRequest[]][] = [
    ['all', [...requests]],
    ['the faster half', bySpeed.slice(0, Math.floor(bySpeed.length / 2))],
    ['the slowest 1 %', bySpeed.slice(bySpeed.length - Math.max(1, Math.round(bySpeed.length / 100)))],
  ];
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
  const lines = [
    `**${title}: where the slow requests' time went** (\`--tail\`; latency as the load generator saw it, split by the server's own arrival and answer times; overlaps are the mean ms of each request's span covered by the server's main thread runnable but off the CPU (/proc schedstat, sampled every 20 ms), its GC pauses, and WAL checkpoints with its connection held)`,
    '',
    '| requests | n | submissions | mean latency | before the server read it | in the server | main thread waiting for a CPU | GC pauses | held checkpoints (share of requests meeting one) |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [name, group] of groups) {
    const split = group.map((r) => {
      const seen = servers[r[4]]?.requests[r[3]];
      return seen ? [seen[0] - r[0], seen[1], r[0] + r[1] - seen[0] - seen[1]] : null;
    });
    const known = split.filter((x): x is number[] => x !== null);
    const w = group.map((r) => {
      const s = waits[r[4]];
      return s ? covered(r[0], r[1], s.spans, (i) => s.rate[i]!) : 0;
    });
    const h = group.map((r) => covered(r[0], r[1], held[r[4]] ?? []));
    lines.push(
      `| ${name} | ${group.length} | ${group.filter((r) => r[2] === 's').length} | ${ms(mean(group.map((r) => r[1])))} | ${ms(mean(known.map((x) => x[0]!)))} | ${ms(mean(known.map((x) => x[1]!)))} | ${ms(mean(w))} | ${ms(mean(group.map((r) => covered(r[0], r[1], gc[r[4]] ?? []))))} | ${ms(mean(h))} (${((100 * h.filter((x) => x > 0).length) / group.length).toFixed(0)} %) |`,
    );
  }
  const all = <T>(xs: T[][]) => xs.flat();
  const sc = all(scavenges).map((g) => g[1]);
  const hd = all(held).map((x) => x[1]);
  const cpuWait = waits.map(
    (s) =>
      s.spans.reduce((a, sp, i) => a + sp[1] * s.rate[i]!, 0) /
      Math.max(
        1,
        s.spans.reduce((a, sp) => a + sp[1], 0),
      ),
  );
  lines.push(
    '',
    `Per 1000 requests: ${((1000 * sc.length) / requests.length).toFixed(1)} scavenges (pause p50 ${ms(quantile(sc, 0.5))}, max ${ms(quantile(sc, 1))}), ` +
      `${((1000 * hd.length) / requests.length).toFixed(1)} held checkpoints (held p50 ${ms(quantile(hd, 0.5))}, max ${ms(quantile(hd, 1))}); ` +
      `other GC pauses ${all(gc).length - sc.length} in ${windowSeconds} s. Main thread runnable but off the CPU: ${cpuWait.map((x) => `${(100 * x).toFixed(0)} %`).join(', ')} of the window. ` +
      `Event-loop delay p50 / p99 / max: ${servers.map((t) => `${t.loopDelay.p50.toFixed(1)} / ${t.loopDelay.p99.toFixed(1)} / ${t.loopDelay.max.toFixed(0)} ms`).join('; ')}.`,
    '',
  );
  return lines;
}
