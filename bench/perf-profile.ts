/**
 * On-CPU profiles of the HTTP benchmark's servers with Linux `perf` (`--perf`). The V8 profiler
 * (`--cpu-prof`) samples wall-clock time, so on a loaded machine its samples land where a preempted
 * thread resumes; `perf record -e cpu-clock` counts a sample only while a thread of the process is on a
 * CPU, kernel time (syscalls, TCP) included, so the split survives load. The servers run with
 * `--perf-basic-prof --interpreted-frames-native-stack`, so JIT and interpreted frames are named
 * (`JS:*name file:line` from /tmp/perf-<pid>.map).
 *
 * Each sample is given one owner, walking its stack from the leaf: the garbage collector or V8's compiler
 * if any frame is theirs; native SQLite (better-sqlite3) if the leaf runs there; otherwise the innermost
 * JavaScript frame's file (a package in node_modules, a file of this repository, a `node:` module); stacks
 * with no JavaScript frame are the event loop's own work (llhttp, libuv, the kernel). Threads other than
 * the main one are counted apart (V8's helper threads: concurrent GC and compilation; libuv's pool). Owners
 * are then grouped into the components the issue names. Kernel time is shown per component.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Node flags that make JIT frames visible to perf (and keep V8's isolate log, which they switch on, out of the working directory). */
export const PERF_NODE_FLAGS = [
  '--perf-basic-prof',
  '--interpreted-frames-native-stack',
  '--logfile=/dev/null',
  '--no-logfile-per-isolate',
];

export function perfAvailable(): boolean {
  return spawnSync('perf', ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface PerfRecording {
  stop(): Promise<string>;
}

/** `perf record` of these processes (all their threads) from now until stop(); resolves with the data file. */
export function startPerf(pids: readonly number[], file: string): PerfRecording {
  const child: ChildProcess = spawn('perf', ['record', '-e', 'cpu-clock', '-F', '999', '-g', '-p', pids.join(','), '-o', file, '-q'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    async stop() {
      child.kill('SIGINT');
      await exited;
      if (child.exitCode && child.exitCode !== 0 && child.exitCode !== 130) throw new Error(`perf record failed: ${err}`);
      return file;
    },
  };
}

interface Frame {
  ip: bigint;
  sym: string;
  dso: string;
}

export interface Sample {
  pid: number;
  tid: number;
  periodNs: number;
  frames: Frame[];
}

/** Parses `perf script` output (one header line per sample, then its stack, leaf first). */
export function parsePerfScript(text: string): Sample[] {
  const out: Sample[] = [];
  let cur: Sample | null = null;
  for (const line of text.split('\n')) {
    if (!line.trim()) {
      if (cur) out.push(cur);
      cur = null;
      continue;
    }
    if (!line.startsWith('\t') && !line.startsWith(' ')) {
      // "node 13624/13624  1013.686494:    1001001 cpu-clock: " (pid/tid) or "node 13624 …" (tid only)
      const m = /^\S.*?\s+(\d+)(?:\/(\d+))?\s+[\d.]+:\s+(\d+)\s+\S+:/.exec(line);
      if (cur) out.push(cur);
      cur = m ? { pid: Number(m[1]), tid: Number(m[2] ?? m[1]), periodNs: Number(m[3]), frames: [] } : null;
      continue;
    }
    if (!cur) continue;
    const m = /^\s*([0-9a-f]+)\s+(.*?)\s+\(([^)]*)\)\s*$/.exec(line);
    if (m) cur.frames.push({ ip: BigInt(`0x${m[1]}`), sym: m[2]!.replace(/\+0x[0-9a-f]+$/, ''), dso: m[3]! });
  }
  if (cur) out.push(cur);
  return out;
}

const GC =
  /^v8::internal::(?:Heap::|Scavenge|MarkCompact|MinorMark|IncrementalMarking|ConcurrentMarking|GCTracer|Sweeper::|MemoryAllocator|Evacuat|.*GarbageCollect)/;
const COMPILER =
  /^v8::internal::(?:compiler::|Compiler::|maglev::|baseline::|Parser::|ParserBase|BytecodeGenerator|interpreter::Bytecode|OptimizingCompileDispatcher)/;
const isKernel = (f: Frame) => f.dso.includes('kernel') || f.dso.startsWith('[') || /^(?:entry_|__x64_sys|do_syscall)/.test(f.sym);
const isJs = (f: Frame) => /^(?:JS|Eval|LazyCompile|Function):/.test(f.sym);

/** The file of a JS frame's symbol: "JS:*name /path/file.js:12:3" → "/path/file.js". */
function jsFile(sym: string): string {
  const m = /\s(\S+?):\d+(?::\d+)?$/.exec(sym);
  return m ? m[1]! : '';
}

/** The owner of a JS file: `node_modules/<package>`, a file of this repository (`src/…`, `machines/…`), or a `node:` module. */
export function ownerOfFile(file: string): string {
  if (file.startsWith('node:')) return file;
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = file.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const m = /\/((?:src|machines|db)\/.*?)\.[jt]s$/.exec(file);
  return m ? m[1]! : file || '(anonymous JS)';
}

/** One sample's owner (see the file comment). */
export function ownerOf(s: Sample, mainTid: boolean): string {
  const f = s.frames;
  if (!mainTid) {
    if (f.some((x) => GC.test(x.sym))) return '(V8 helper threads: concurrent GC)';
    if (f.some((x) => COMPILER.test(x.sym))) return '(V8 helper threads: compiler)';
    if (f.some((x) => /sqlite/i.test(x.dso) || /sqlite3/.test(x.sym))) return 'sqlite3 (libuv pool)';
    return '(other threads)';
  }
  if (f.some((x) => GC.test(x.sym))) return '(GC, main thread)';
  if (f.some((x) => COMPILER.test(x.sym))) return '(V8 compiler, main thread)';
  for (const x of f) {
    if (/better_sqlite3|node_sqlite3/.test(x.dso)) return x.dso.includes('better') ? 'better-sqlite3 (native SQLite)' : 'sqlite3 (native)';
    if (isJs(x)) return ownerOfFile(jsFile(x.sym));
  }
  if (f.some((x) => /llhttp|node::\(anonymous namespace\)::Parser::/.test(x.sym))) return '(llhttp parser, native)';
  if (f.length && f.every(isKernel)) return '(kernel, no user stack)';
  if (f.some((x) => /uv__io_poll|uv_run|epoll/.test(x.sym))) return '(event loop: libuv, epoll, socket I/O)';
  return '(native, no JS frame)';
}

/** The component an owner belongs to, in the issue's words. */
export function componentOf(owner: string): string {
  if (owner === '(GC, main thread)' || owner.startsWith('(V8 helper threads: concurrent GC')) return 'GC';
  if (owner.includes('compiler')) return 'V8 compiler (JIT)';
  if (
    /^node:(?:_http|net|internal\/(?:stream|streams|http|net)|stream|events|internal\/timers|timers|internal\/process\/task_queues|internal\/async_hooks)/.test(
      owner,
    )
  )
    return 'Node HTTP + sockets (JS side)';
  if (owner.startsWith('(llhttp') || owner.startsWith('(event loop') || owner.startsWith('(kernel'))
    return 'Node HTTP + sockets (native, kernel)';
  if (owner.startsWith('node:crypto') || owner.startsWith('node:internal/crypto')) return 'crypto (hash chain, tokens)';
  if (owner.startsWith('node:')) return 'Node internals (other)';
  const express =
    /^(?:express|router|body-parser|raw-body|iconv-lite|qs|type-is|content-type|media-typer|mime-types|mime-db|on-finished|finalhandler|send|accepts|negotiator|path-to-regexp|parseurl|encodeurl|escape-html|etag|fresh|depd|statuses|http-errors|debug|ms|vary|cookie|cookie-signature|merge-descriptors|range-parser|proxy-addr|forwarded|ipaddr\.js|setprototypeof|inherits|side-channel.*|call-bind.*|get-intrinsic|es-.*|has-.*|function-bind|object-inspect|gopd|hasown|math-intrinsics|dunder-proto|bytes|unpipe|serve-static|is-promise|content-disposition|safe-buffer|safer-buffer|toidentifier|once|wrappy|ee-first)$/;
  if (express.test(owner)) return 'Express (routing, middleware, JSON body)';
  if (owner === 'helmet') return 'helmet';
  if (owner === 'zod') return 'zod';
  if (
    owner === 'pino' ||
    /^(?:sonic-boom|thread-stream|fast-redact|quick-format-unescaped|atomic-sleep|on-exit-leak-free|safe-stable-stringify|pino-std-serializers)$/.test(
      owner,
    ) ||
    owner === 'src/observability/logger'
  )
    return 'logging (pino)';
  if (owner === 'src/observability/request-id') return 'request context (id, access line, metrics hook)';
  if (owner === 'src/observability/prometheus') return 'Prometheus (routeOf, counters)';
  if (owner === 'knex' || /^(?:lodash|tarn|getopts|rechoir|interpret|colorette|pg-connection-string|escalade)$/.test(owner)) return 'Knex';
  if (/^(?:pg|pg-protocol|pg-pool|pg-types|postgres-.*|pgpass|split2|buffer-writer|packet-reader)$/.test(owner)) return 'driver (pg)';
  if (owner.startsWith('better-sqlite3') || owner.startsWith('sqlite3') || owner === 'bindings' || owner === 'file-uri-to-path')
    return 'driver (SQLite)';
  if (owner === 'xstate' || owner.startsWith('machines/') || owner.startsWith('src/engine/'))
    return 'engine (xstate, machines, src/engine)';
  if (/^src\/(?:http\/authenticate|services\/auth|store\/user-store)/.test(owner)) return 'session lookup';
  if (owner.startsWith('src/store/')) return 'store (SQL built by motcua)';
  if (owner.startsWith('src/http/') || owner.startsWith('src/services/')) return 'routes, services, view (permittedEvents)';
  if (owner.startsWith('src/')) return `motcua other (${owner.split('/').slice(0, 2).join('/')})`;
  return `other: ${owner}`;
}

/**
 * Names JIT addresses by the LAST entry of /tmp/perf-<pid>.map that covers them. The map only grows: when V8
 * frees code (a module's top-level code after loading, deoptimised or flushed functions) and reuses its
 * addresses, both entries stay, and perf names the address after the first one — which put most of a
 * running server's samples on modules' start-up code (`Eval:~ …/verify-workers.js:1:1`). The newest entry is
 * what occupied the address during the measured window, which comes after start-up and warm-up.
 */
export class JitMap {
  private readonly starts: bigint[] = [];
  private readonly ends: bigint[] = [];
  private readonly names: string[] = [];
  private readonly order: number[] = [];
  private maxSize = 0n;
  private readonly cache = new Map<bigint, string | null>();

  constructor(text: string) {
    const rows: { start: bigint; end: bigint; name: string; i: number }[] = [];
    for (const [i, line] of text.split('\n').entries()) {
      const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
      if (!m) continue;
      const start = BigInt(`0x${m[1]}`);
      const size = BigInt(`0x${m[2]}`);
      rows.push({ start, end: start + size, name: m[3]!, i });
      if (size > this.maxSize) this.maxSize = size;
    }
    rows.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.i - b.i));
    for (const r of rows) {
      this.starts.push(r.start);
      this.ends.push(r.end);
      this.names.push(r.name);
      this.order.push(r.i);
    }
  }

  /** The newest entry covering `ip`, or null. */
  resolve(ip: bigint): string | null {
    const hit = this.cache.get(ip);
    if (hit !== undefined) return hit;
    let lo = 0;
    let hi = this.starts.length - 1;
    let last = -1; // the last entry starting at or before ip
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= ip) {
        last = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    let best: number | null = null;
    for (let k = last; k >= 0 && this.starts[k]! + this.maxSize > ip; k--)
      if (ip < this.ends[k]! && (best === null || this.order[k]! > this.order[best]!)) best = k;
    const name = best === null ? null : this.names[best]!;
    this.cache.set(ip, name);
    return name;
  }
}

/** Re-names JIT frames by the newest map entry (see JitMap). */
export function renameJitFrames(samples: Sample[], mapOf: (pid: number) => JitMap | null): void {
  for (const s of samples) {
    const map = mapOf(s.pid);
    if (!map) continue;
    for (const f of s.frames) {
      if (!f.dso.endsWith('.map')) continue;
      const name = map.resolve(f.ip);
      if (name) f.sym = name;
    }
  }
}

export interface PerfSummary {
  /** CPU ms the samples stand for */
  totalMs: number;
  samples: number;
  components: { name: string; ms: number; kernelMs: number }[];
  owners: { name: string; ms: number }[];
  leaves: { name: string; ms: number }[];
  /** work done in libraries (Knex, drivers, Express, Node) by the nearest function of this repository that called it */
  callers: { name: string; ms: number }[];
}

/** The nearest frame of this repository on a sample's stack ("src/store/user-store findSessionUser"), or null. */
function nearestOurs(s: Sample): string | null {
  for (const f of s.frames) {
    if (!isJs(f)) continue;
    const m = /^\w+:[*~^+]?(\S*)\s(\S+?):\d+(?::\d+)?$/.exec(f.sym);
    if (!m) continue;
    const owner = ownerOfFile(m[2]!);
    if (/^(?:src|machines|db)\//.test(owner)) return `${owner} ${m[1] || '(anonymous)'}`;
  }
  return null;
}

/** Reads `perf script` of a recording and totals its samples by component, owner and leaf symbol. */
export function summarisePerf(file: string, serverPids: readonly number[]): PerfSummary {
  const r = spawnSync('perf', ['script', '-i', file, '-F', 'comm,pid,tid,time,period,event,ip,sym,dso'], {
    maxBuffer: 2 ** 31 - 1,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const samples = parsePerfScript(r.stdout ?? '');
  const maps = new Map<number, JitMap | null>();
  renameJitFrames(samples, (pid) => {
    if (!maps.has(pid)) {
      const file = path.join(os.tmpdir(), `perf-${pid}.map`);
      maps.set(pid, fs.existsSync(file) ? new JitMap(fs.readFileSync(file, 'utf8')) : null);
    }
    return maps.get(pid)!;
  });
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  const comps = new Map<string, number>();
  const kernel = new Map<string, number>();
  const owners = new Map<string, number>();
  const leaves = new Map<string, number>();
  const callers = new Map<string, number>();
  let total = 0;
  const pids = new Set(serverPids);
  for (const s of samples) {
    if (!pids.has(s.pid)) continue;
    const v = s.periodNs / 1e6;
    total += v;
    const owner = ownerOf(s, s.tid === s.pid);
    const comp = componentOf(owner);
    add(owners, owner, v);
    add(comps, comp, v);
    if (/^(?:Knex|driver|Express|Node HTTP \+ sockets \(JS)/.test(comp))
      add(callers, `${comp.split(' ')[0]} ← ${nearestOurs(s) ?? '(no caller of ours)'}`, v);
    if (s.frames[0] && isKernel(s.frames[0])) add(kernel, comp, v);
    const leaf = s.frames[0];
    add(leaves, leaf ? (isJs(leaf) ? leaf.sym : `${leaf.sym} (${leaf.dso.split('/').pop()})`) : '(no stack)', v);
  }
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).map(([name, ms]) => ({ name, ms }));
  return {
    totalMs: total,
    samples: samples.length,
    components: sorted(comps).map((c) => ({ ...c, kernelMs: kernel.get(c.name) ?? 0 })),
    owners: sorted(owners),
    leaves: sorted(leaves),
    callers: sorted(callers),
  };
}

/** Markdown: the components per transition (µs), then the top owners and leaf symbols. */
export function formatPerf(title: string, s: PerfSummary, transitions: number, topN = 25): string[] {
  const us = (ms: number) => ((ms * 1000) / Math.max(1, transitions)).toFixed(0);
  const pct = (ms: number) => `${((100 * ms) / Math.max(1e-9, s.totalMs)).toFixed(1)} %`;
  return [
    '',
    `**${title}** — perf on-CPU samples: ${s.totalMs.toFixed(0)} ms of CPU over ${transitions} transitions = ${us(s.totalMs)} µs per transition`,
    '',
    '| component | µs per transition | share | of which kernel (leaf in kernel) |',
    '|---|---|---|---|',
    ...s.components.map((c) => `| ${c.name} | ${us(c.ms)} | ${pct(c.ms)} | ${us(c.kernelMs)} µs |`),
    '',
    `Top owners (innermost JS file or native area), µs per transition: ${s.owners
      .slice(0, topN)
      .map((o) => `${o.name} ${us(o.ms)}`)
      .join(' · ')}`,
    '',
    `Library work by its nearest caller in this repository, µs per transition: ${s.callers
      .slice(0, topN)
      .map((o) => `${o.name} ${us(o.ms)}`)
      .join(' · ')}`,
    '',
    `Top leaf symbols (self), µs per transition: ${s.leaves
      .slice(0, topN)
      .map((o) => `\`${o.name}\` ${us(o.ms)}`)
      .join(' · ')}`,
    '',
  ];
}
