/**
 * The corpus of dossier histories (issue 11, as Camino does it): anonymised histories exported from a motcua
 * database (`npm run corpus:export`, ./export.ts) with the facts the database holds for each, replayed through the
 * chart to check that it still reaches them (test/corpus/corpus.test.ts; a centre runs the same check before a new
 * chart version goes live). Pure: no I/O, no clock.
 */
import { chartFor, stepperFor, type DossierSnapshot } from '../../machines/dossier';
import { factsOf, type DossierFacts } from '../../machines/dossier/facts';
import { inputFromSubmit, toChartEvent, type StoredEvent } from '../../machines/engine/event-codec';

export const CORPUS_FORMAT = 'motcua-corpus/1';

/** One stored event of a history, without its hash chain (the anonymised content would not match it). */
export type CorpusEvent = Omit<StoredEvent, 'prevHash' | 'hash'>;

/** What the chart must reach: the dossier's facts and the flags raised along the way. */
export interface CorpusOutcome extends DossierFacts {
  flags: {
    /** pauses taken (clock entries `pause`) */
    pauses: number;
    /** clock restarts after a supplement */
    restarts: number;
    /** steps flagged as over their budget */
    stepOverruns: number;
    /** apologies issued in time */
    timelyApologies: number;
  };
}

export interface CorpusHistory {
  /** the anonymised dossier id and code */
  id: string;
  code: string;
  machineVersion: number;
  events: CorpusEvent[];
  expected: CorpusOutcome;
}

export interface CorpusHeader {
  format: typeof CORPUS_FORMAT;
  histories: number;
  /** how the histories were chosen */
  selection: string;
}

export function outcomeOf(snapshot: DossierSnapshot): CorpusOutcome {
  const ctx = snapshot.context;
  return {
    ...factsOf(snapshot),
    flags: {
      pauses: ctx.clock.filter((e) => e.kind === 'pause').length,
      restarts: ctx.clock.filter((e) => e.kind === 'restart').length,
      stepOverruns: ctx.stepOverruns.length,
      timelyApologies: ctx.apologies.filter((a) => a.timely).length,
    },
  };
}

/** The path a history takes, for choosing a corpus that covers every path. */
export function pathOf(o: CorpusOutcome): string {
  return [
    o.state,
    o.outcome ?? '-',
    o.finalTimeliness ?? o.timeliness,
    o.apologies ? 'apologised' : '',
    o.supplements ? 'supplemented' : '',
    o.flags.pauses ? 'paused' : '',
    o.flags.stepOverruns ? 'step-overrun' : '',
  ]
    .filter(Boolean)
    .join('|');
}

/** Replays a history's events through a chart version (its own unless `chartVersion` is given). */
export function replayHistory(h: Pick<CorpusHistory, 'id' | 'events'>, chartVersion?: number): DossierSnapshot {
  const [first, ...rest] = h.events.map((e): StoredEvent => ({ ...e, prevHash: '', hash: '' }));
  if (!first) throw new Error('a history without events');
  const stepper = stepperFor(chartFor(chartVersion ?? first.machineVersion));
  let snapshot = stepper.start(inputFromSubmit(h.id, first));
  for (const e of rest) {
    const next = stepper.apply(snapshot, toChartEvent(e));
    if (!next) throw new Error(`seq ${e.seq} (${e.type}) is not accepted in state ${factsOf(snapshot).state}`);
    snapshot = next;
  }
  return snapshot;
}

export interface CorpusDifference {
  field: string;
  expected: unknown;
  replayed: unknown;
}

/** Where the replay of a history differs from what the database held (empty when the chart still agrees). */
export function checkHistory(h: CorpusHistory, chartVersion?: number): CorpusDifference[] {
  let replayed: CorpusOutcome;
  try {
    replayed = outcomeOf(replayHistory(h, chartVersion));
  } catch (err) {
    return [{ field: '(replay)', expected: 'the whole history accepted', replayed: (err as Error).message }];
  }
  const out: CorpusDifference[] = [];
  const compare = (prefix: string, a: Record<string, unknown>, b: Record<string, unknown>) => {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])]) {
      if (key === 'flags') continue;
      if (JSON.stringify(a[key] ?? null) !== JSON.stringify(b[key] ?? null))
        out.push({ field: prefix + key, expected: a[key] ?? null, replayed: b[key] ?? null });
    }
  };
  compare('', h.expected as unknown as Record<string, unknown>, replayed as unknown as Record<string, unknown>);
  compare('flags.', h.expected.flags, replayed.flags);
  return out;
}

/** The corpus file: a header line, then one history per line (JSON Lines, so a change to one history is one line). */
export function formatCorpus(header: CorpusHeader, histories: readonly CorpusHistory[]): string {
  return [header, ...histories].map((x) => JSON.stringify(x)).join('\n') + '\n';
}

export function parseCorpus(text: string): { header: CorpusHeader; histories: CorpusHistory[] } {
  const [head, ...lines] = text.split('\n').filter((l) => l.trim() !== '');
  if (!head) throw new Error('an empty corpus file');
  const header = JSON.parse(head) as CorpusHeader;
  if (header.format !== CORPUS_FORMAT) throw new Error(`not a ${CORPUS_FORMAT} file: ${String(header.format)}`);
  return { header, histories: lines.map((l) => JSON.parse(l) as CorpusHistory) };
}
