/**
 * Reads a V8 CPU profile (`node --cpu-prof`) and names what the time went to: the functions with the
 * most self time, and the same time grouped by area (a package in node_modules, a folder of this
 * repository, Node's internals, the garbage collector, idle).
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** share of the profile not idle */
  busyShare: number;
  functions: SelfTime[];
  areas: SelfTime[];
  /** this repository's functions (src/, machines/, db/) by inclusive time: themselves and what they call */
  inclusive: SelfTime[];
}

/** Where a frame's code lives: `node_modules/<package>`, a repository folder, `node:internals`, or a V8 pseudo-frame. */
export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node: internals';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return `node_modules/${rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const m = /\/(src\/[^/]+|machines\/[^/]+|db\/[^/]+|bench)\//.exec(url);
  return m ? m[1]! : url.replace(/^file:\/\//, '');
}

const isOurs = (url: string) => /\/(src|machines|db)\//.test(url) && !url.includes('/node_modules/');

function frameKey(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  return url ? `${functionName || '(anonymous)'}  ${shortUrl(url)}:${lineNumber + 1}` : functionName || '(anonymous)';
}

/** Inclusive time of our own frames: each sample counts once for every distinct frame of ours on its stack. */
function inclusiveOurs(profile: CpuProfile, selfUs: Map<number, number>): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const childIds = new Set(profile.nodes.flatMap((n) => n.children ?? []));
  const out = new Map<string, number>();
  // iterative DFS from the roots, carrying the frames of ours above each node
  const stack: { id: number; above: readonly string[] }[] = profile.nodes
    .filter((n) => !childIds.has(n.id))
    .map((n) => ({ id: n.id, above: [] }));
  while (stack.length) {
    const { id, above } = stack.pop()!;
    const n = byId.get(id);
    if (!n) continue;
    const key = frameKey(n);
    const here = isOurs(n.callFrame.url) && !above.includes(key) ? [...above, key] : above;
    const us = selfUs.get(id) ?? 0;
    if (us) for (const k of here) out.set(k, (out.get(k) ?? 0) + us);
    for (const c of n.children ?? []) stack.push({ id: c, above: here });
  }
  return out;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + 1);
  const m = /\/((?:dist-bench\/|dist\/)?(?:src|machines|db|bench)\/.*)$/.exec(url);
  return m ? m[1]! : url.replace(/^file:\/\//, '');
}

/**
 * A stretch of a profile's time: V8 stamps samples with the monotonic clock in microseconds, the clock
 * `process.hrtime` reads, so another process (the benchmark) can name the window it measured.
 */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

/** The monotonic clock as V8's profiles stamp samples (µs). */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export function summariseProfile(profile: CpuProfile, top = 15, window?: ProfileWindow): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  if (profile.samples && profile.timeDeltas && profile.samples.length === profile.timeDeltas.length) {
    // timeDeltas[i] is the time since the previous sample: attribute it to the sample it ends on
    let at = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      at += profile.timeDeltas[i]!;
      if (window && (at < window.fromUs || at > window.toUs)) continue;
      const id = profile.samples[i]!;
      selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, profile.timeDeltas[i]!));
    }
  } else {
    if (window) throw new Error('this profile has no sample times: it cannot be cut to a window');
    const hits = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0) || 1;
    const per = (profile.endTime - profile.startTime) / hits;
    for (const n of profile.nodes) selfUs.set(n.id, (n.hitCount ?? 0) * per);
  }
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1;
  const fn = new Map<string, number>();
  const area = new Map<string, number>();
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    if (!n) continue;
    const { functionName, url } = n.callFrame;
    if (functionName === '(idle)') idleUs += us;
    const key = frameKey(n);
    fn.set(key, (fn.get(key) ?? 0) + us);
    const a = areaOf(url, functionName);
    area.set(a, (area.get(a) ?? 0) + us);
  }
  const rank = (m: Map<string, number>): SelfTime[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / totalUs }));
  return {
    totalMs: totalUs / 1000,
    busyShare: 1 - idleUs / totalUs,
    functions: rank(fn),
    areas: rank(area),
    inclusive: rank(inclusiveOurs(profile, selfUs)),
  };
}

export function summariseProfileFile(file: string, top = 15, window?: ProfileWindow): ProfileSummary {
  return summariseProfile(readProfile(file), top, window);
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
}

export function formatProfile(title: string, s: ProfileSummary): string[] {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  return [
    `**${title}** — ${(s.totalMs / 1000).toFixed(1)} s profiled, ${pct(s.busyShare)} busy`,
    '',
    '| self time by area | ms | share |',
    '|---|---|---|',
    ...s.areas.map((a) => `| ${a.name} | ${a.ms.toFixed(0)} | ${pct(a.share)} |`),
    '',
    '| top self-time functions | ms | share |',
    '|---|---|---|',
    ...s.functions.map((f) => `| \`${f.name.replace(/\|/g, '\\|')}\` | ${f.ms.toFixed(0)} | ${pct(f.share)} |`),
    '',
    '| our functions by inclusive time (with what they call) | ms | share |',
    '|---|---|---|',
    ...s.inclusive.map((f) => `| \`${f.name.replace(/\|/g, '\\|')}\` | ${f.ms.toFixed(0)} | ${pct(f.share)} |`),
    '',
  ];
}

/** A named share of a profile: what a frame on the stack (the innermost one matching a rule) says the sample was doing. */
export interface AttributionRule {
  label: string;
  /** the function's name (as V8 reports it) */
  fn: string;
  /** a part of its file's path, e.g. `src/engine/engine` */
  file?: string;
}

/**
 * Each sample's time goes to the innermost frame on its stack matching a rule (so `eventHash` inside
 * `chainEvents` counts as hashing, not as building the row); samples with no matching frame go to the
 * area of their leaf (`areaOf`: a package, Node's internals, GC, idle). Shares are of the busy time.
 */
export function attributeProfile(profile: CpuProfile, rules: readonly AttributionRule[], window?: ProfileWindow): SelfTime[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const labelOf = new Map<number, string>();
  const ruleOf = (n: ProfileNode) => rules.find((r) => r.fn === n.callFrame.functionName && (!r.file || n.callFrame.url.includes(r.file)));
  const label = (id: number): string => {
    const known = labelOf.get(id);
    if (known !== undefined) return known;
    const leaf = byId.get(id)!;
    let found: string | undefined;
    for (let cur: number | undefined = id; cur !== undefined && !found; cur = parent.get(cur)) found = ruleOf(byId.get(cur)!)?.label;
    const l = found ?? areaOf(leaf.callFrame.url, leaf.callFrame.functionName);
    labelOf.set(id, l);
    return l;
  };
  const out = new Map<string, number>();
  const add = (id: number, us: number) => {
    const l = label(id);
    out.set(l, (out.get(l) ?? 0) + us);
  };
  if (profile.samples && profile.timeDeltas && profile.samples.length === profile.timeDeltas.length) {
    let at = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      at += profile.timeDeltas[i]!;
      if (window && (at < window.fromUs || at > window.toUs)) continue;
      add(profile.samples[i]!, Math.max(0, profile.timeDeltas[i]!));
    }
  } else {
    if (window) throw new Error('this profile has no sample times: it cannot be cut to a window');
    const hits = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0) || 1;
    const per = (profile.endTime - profile.startTime) / hits;
    for (const n of profile.nodes) if (n.hitCount) add(n.id, n.hitCount * per);
  }
  out.delete('(idle)');
  const busy = [...out.values()].reduce((a, b) => a + b, 0) || 1;
  return [...out.entries()].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: us / 1000, share: us / busy }));
}
