/**
 * When people come: the schedule of every submission of the history — its centre, instant, channel
 * and procedure — and the dossier code numbers that follow from it. Counter and postal filings arrive
 * during office hours on working days (Mondays busiest); online filings at any hour, days off too.
 * Codes are numbered per agency and local day in submission order, exactly as the engine's
 * code_sequences would have numbered them, and the final sequence values are returned so the live
 * engine continues after them.
 */
import type { Channel } from '../../machines/dossier';
import { addDays, weekday, type Calendar } from '../../machines/calendar';
import { codeDay } from '../../machines/engine/plan';
import {
  CENTRE_SIZE_SIGMA,
  channelWeights,
  DOCUMENT_RATES,
  ONLINE_DAY_OFF_LOAD,
  ONLINE_HOUR_LOAD,
  OTHER_PROCEDURE_WEIGHT,
  PROCEDURE_WEIGHTS,
  WEEKDAY_LOAD,
} from './mix';
import { Rng } from './prng';
import type { DossierSeed } from './simulate';

export const CHANNELS: readonly Channel[] = ['counter', 'online', 'postal'];

export interface ScheduleOptions {
  seed: string;
  dossiers: number;
  centres: number;
  /** first local day of the history */
  startDate: string;
  /** the history ends at the start of this local day */
  endDate: string;
  cal: Calendar;
  /** the procedures dossiers may be for */
  procedureCodes: readonly string[];
  agencyCodes: readonly string[];
}

export interface CodeSequence {
  agency_code: string;
  day: string;
  last: number;
}

/** Every submission, in columns (a million objects would not fit comfortably), with the global time order. */
export interface Schedule {
  size: number;
  centre: Uint16Array;
  index: Uint32Array;
  atMs: Float64Array;
  channel: Uint8Array;
  procedure: Uint8Array;
  seq: Uint32Array;
  /** the applicant: the centre-local index of the applicant's first dossier there */
  person: Uint32Array;
  /** the applicant's previous dossier at the centre (a global index), or -1 */
  prev: Int32Array;
  /** positions in submission order across all centres */
  order: Uint32Array;
  procedureCodes: readonly string[];
  sequences: CodeSequence[];
}

function seedOf(s: Schedule, i: number): DossierSeed {
  return {
    centre: s.centre[i]!,
    index: s.index[i]!,
    atMs: s.atMs[i]!,
    channel: CHANNELS[s.channel[i]!]!,
    procedureCode: s.procedureCodes[s.procedure[i]!]!,
    seq: s.seq[i]!,
    person: s.person[i]!,
    earlier: [],
  };
}

/** The dossier at `position` in submission order, with its applicant's earlier dossiers at the centre (oldest first). */
export function seedAt(s: Schedule, position: number): DossierSeed {
  const i = s.order[position]!;
  const earlier: DossierSeed[] = [];
  for (let p = s.prev[i]!; p >= 0; p = s.prev[p]!) earlier.unshift(seedOf(s, p));
  return { ...seedOf(s, i), earlier };
}

/** The local date `months` calendar months before `date` (the day clamped to the month's length). */
export function monthsBefore(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) - months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

function localMidnight(date: string): number {
  return Date.parse(`${date}T00:00:00+07:00`);
}

/** Splits `total` into parts proportional to `weights` (largest remainder): the parts sum to total. */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (left-- <= 0) break;
    parts[i]! += 1;
  }
  return parts;
}

/** Index of the first cumulative weight above x (binary search). */
function pickCumulative(cum: Float64Array, x: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let s = 0;
  weights.forEach((w, i) => (out[i] = s += w));
  return out;
}

/**
 * Who files each of a centre's dossiers (in submission order `sorted`): mostly someone new, sometimes one of the
 * applicants of the centre's recent dossiers, then often for the same procedure again (when the channel allows
 * it). Writes `person` and `prev` (centre-local for now) at `base + k`, and may change `proc[j]`.
 */
function assignApplicants(
  rng: Rng,
  sorted: readonly number[],
  chan: Uint8Array,
  proc: Uint8Array,
  procedureCodes: readonly string[],
  s: Schedule,
  base: number,
): void {
  const n = sorted.length;
  const rootOf = new Uint32Array(n);
  const count = new Uint8Array(n);
  const last = new Int32Array(n).fill(-1);
  for (let k = 0; k < n; k++) {
    const j = sorted[k]!;
    let root = k;
    if (k > 0 && rng.chance(DOCUMENT_RATES.repeatApplicant)) {
      const other = rootOf[k - 1 - rng.int(Math.min(k, DOCUMENT_RATES.repeatWindow))]!;
      if (count[other]! < DOCUMENT_RATES.maxPerPerson) {
        root = other;
        const before = proc[sorted[last[other]!]!]!;
        if (rng.chance(DOCUMENT_RATES.repeatSameProcedure) && channelWeights(procedureCodes[before]!)[CHANNELS[chan[j]!]!] > 0)
          proc[j] = before;
      }
    }
    rootOf[k] = root;
    s.person[base + k] = root;
    s.prev[base + k] = last[root]!;
    last[root] = k;
    count[root]! += 1;
  }
}

export function buildSchedule(o: ScheduleOptions): Schedule {
  if (o.endDate <= o.startDate) throw new Error(`the history must start before it ends (${o.startDate} … ${o.endDate})`);
  const days: string[] = [];
  for (let d = o.startDate; d < o.endDate; d = addDays(d, 1)) days.push(d);
  const working = days.map((d) => o.cal.isWorkingDay(d));
  if (!working.some(Boolean)) throw new Error(`no working day between ${o.startDate} and ${o.endDate}`);
  const procWeights = cumulative(o.procedureCodes.map((c) => PROCEDURE_WEIGHTS[c] ?? OTHER_PROCEDURE_WEIGHT));
  const chanWeights = o.procedureCodes.map((c) => {
    const w = channelWeights(c);
    return cumulative(CHANNELS.map((ch) => w[ch]));
  });
  const hourWeights = cumulative([...ONLINE_HOUR_LOAD]);
  const intervals = o.cal.intervalsMs;
  const intervalWeights = cumulative(intervals.map((iv) => iv.endMs - iv.startMs));

  const sizeRng = new Rng(`${o.seed}|centre-sizes`);
  const counts = apportion(
    o.dossiers,
    Array.from({ length: o.centres }, () => sizeRng.logNormal(1, CENTRE_SIZE_SIGMA)),
  );

  const size = o.dossiers;
  const s: Schedule = {
    size,
    centre: new Uint16Array(size),
    index: new Uint32Array(size),
    atMs: new Float64Array(size),
    channel: new Uint8Array(size),
    procedure: new Uint8Array(size),
    seq: new Uint32Array(size),
    person: new Uint32Array(size),
    prev: new Int32Array(size),
    order: new Uint32Array(size),
    procedureCodes: o.procedureCodes,
    sequences: [],
  };

  let base = 0;
  for (let c = 0; c < o.centres; c++) {
    const n = counts[c]!;
    const rng = new Rng(`${o.seed}|arrivals|${c}`);
    // Each centre has its own busy and quiet days.
    const noise = days.map(() => rng.logNormal(1, 0.2));
    const officeDays = cumulative(days.map((d, i) => (working[i] ? WEEKDAY_LOAD[weekday(d)] * noise[i]! : 0)));
    const onlineDays = cumulative(days.map((d, i) => (working[i] ? WEEKDAY_LOAD[weekday(d)] : ONLINE_DAY_OFF_LOAD) * noise[i]!));
    const at = new Float64Array(n);
    const chan = new Uint8Array(n);
    const proc = new Uint8Array(n);
    for (let j = 0; j < n; j++) {
      const p = pickCumulative(procWeights, rng.next() * procWeights[procWeights.length - 1]!);
      const cw = chanWeights[p]!;
      const ch = pickCumulative(cw, rng.next() * cw[cw.length - 1]!);
      let ms: number;
      if (CHANNELS[ch] === 'online') {
        const day = days[pickCumulative(onlineDays, rng.next() * onlineDays[onlineDays.length - 1]!)]!;
        const hour = pickCumulative(hourWeights, rng.next() * hourWeights[hourWeights.length - 1]!);
        ms = localMidnight(day) + hour * 3_600_000 + rng.int(3600) * 1000;
      } else {
        const day = days[pickCumulative(officeDays, rng.next() * officeDays[officeDays.length - 1]!)]!;
        const iv = intervals[pickCumulative(intervalWeights, rng.next() * intervalWeights[intervalWeights.length - 1]!)]!;
        ms = localMidnight(day) + iv.startMs + Math.floor((rng.next() * (iv.endMs - iv.startMs)) / 1000) * 1000;
      }
      at[j] = ms;
      chan[j] = ch;
      proc[j] = p;
    }
    // Submission order within the centre, then the daily numbering.
    const sorted = Array.from({ length: n }, (_, j) => j).sort((a, b) => at[a]! - at[b]! || a - b);
    assignApplicants(new Rng(`${o.seed}|applicants|${c}`), sorted, chan, proc, o.procedureCodes, s, base);
    let day = '';
    let count = 0;
    for (let k = 0; k < n; k++) {
      const j = sorted[k]!;
      const key = codeDay(new Date(at[j]!).toISOString());
      if (key !== day) {
        if (count) s.sequences.push({ agency_code: o.agencyCodes[c]!, day, last: count });
        day = key;
        count = 0;
      }
      count += 1;
      const g = base + k;
      s.centre[g] = c;
      s.index[g] = k;
      s.atMs[g] = at[j]!;
      s.channel[g] = chan[j]!;
      s.procedure[g] = proc[j]!;
      s.seq[g] = count;
      if (s.prev[g]! >= 0) s.prev[g]! += base;
    }
    if (count) s.sequences.push({ agency_code: o.agencyCodes[c]!, day, last: count });
    base += n;
  }
  const order = Array.from({ length: size }, (_, i) => i).sort((a, b) => s.atMs[a]! - s.atMs[b]! || a - b);
  s.order.set(order);
  return s;
}
