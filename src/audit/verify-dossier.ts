/**
 * Verifies ONE dossier from its stored events and its projection row, and names the first broken
 * event and what is wrong with it. Pure apart from the loader at the bottom; reads no clock, no randomness.
 *
 * Four independent checks, reported in this order:
 *
 * 1. The hash chain (one finding at most: the FIRST event that fails, with a count of later ones).
 *    For every event (ordered by seq) we compute: seqOk (seq = previous seq + 1, the first is 1),
 *    linkOk (prev_hash = previous event's hash, GENESIS for the first), hashOk (sha256 recomputed
 *    from the stored prev_hash and content = stored hash) and timeOk (occurred_at not earlier than the
 *    previous event's). At the first event failing any of them, the kind is chosen by these
 *    heuristics, most specific first:
 *    - `missing_sequence`: seq jumps (the finding names the first missing seq). Also: the content
 *      hashes correctly only under a HIGHER seq than the stored one, i.e. events before it were
 *      deleted and the later ones renumbered to close the gap (we try offsets up to ±5).
 *    - `reordered`: its prev_hash is the hash of an event stored AFTER it (two events swapped or
 *      moved), or the chain is intact but occurred_at goes backwards (a chain rebuilt in another
 *      order; a stepped-back server clock would look the same, the message says so).
 *    - `inserted`: the content hashes correctly only under a LOWER seq (events were inserted before
 *      it and it was pushed up), or it hashes correctly but its prev_hash skips over the previous
 *      event(s) to an earlier one, or the previous event is self-consistent and well linked but this
 *      event's prev_hash does not point to it (the previous event was forged in or replaced the
 *      original). The finding names the inserted event.
 *    - `broken_link`: the content is unchanged (it hashes correctly against the previous event's
 *      hash) but the prev_hash column was altered, or neither link nor hash can be explained.
 *    - `hash_mismatch`: the event links correctly but its recomputed hash differs: its content
 *      (type, payload, actor, unit, time, chart version) was edited, or, if the next event still
 *      links to the recomputed hash, the hash column itself was altered.
 * 2. Replay through the chart version the dossier started with (an event the chart refuses stops it):
 *    - `returned_without_result`: RETURN_RESULT while no result is recorded (whether or not the
 *      chart would accept it), or `returned` reached from a state other than `result`;
 *    - `result_before_steps`: an approving RECORD_RESULT while the dossier is not at its last step
 *      or some earlier step's latest record is not `completed`;
 *    - `impossible_transition`: any other event the chart would not accept in that state, a first
 *      event that is not SUBMIT, an unknown chart version, an event naming another chart version.
 *    The rule checks run on accepted events too, so a lenient chart version cannot hide them.
 * 3. `head_mismatch`: dossiers.version / last_hash differ from the last stored event (seq of the
 *    first missing or extra event when that can be told).
 * 4. `projection_drift`: when the replay completed, every column of the dossiers row that the events
 *    determine is compared with the replay, one finding per differing field (seq null).
 *
 * Heuristics are heuristics: a forger who recomputes every hash after his change leaves only the
 * replay, the time order, the head and the checkpoints (./checkpoints.ts) to catch him.
 */
import type { Db } from '../store/db';
import {
  allowedEvents,
  chartFor,
  lifecycleOf,
  persistSnapshot,
  stepperFor,
  type ChartStepper,
  type DossierChart,
  type DossierContext,
  type DossierSnapshot,
} from '../../machines/dossier';
import { decodeRow, hashedContent, inputFromSubmit, toChartEvent, type StoredEvent } from '../../machines/engine/event-codec';
import { identityColumns, projectSnapshot } from '../../machines/engine/projection';
import { findDossierByCode, listEventsByDossier, type DossierRow } from '../store/dossier-store';
import { canonicalJson, eventHash, GENESIS_HASH } from '../../machines/engine/hash';

export const DOSSIER_FINDING_KINDS = [
  'hash_mismatch',
  'broken_link',
  'missing_sequence',
  'reordered',
  'inserted',
  'impossible_transition',
  'returned_without_result',
  'result_before_steps',
  'projection_drift',
  'head_mismatch',
] as const;

/**
 * Findings about the files the events reference (./verify-files.ts, issue 14): a file gone from the store or
 * altered, and a `document_refs` row (the side table the cleanup job and the whole-database file check read)
 * that disagrees with the events.
 */
export const FILE_FINDING_KINDS = ['file_missing', 'file_altered', 'document_ref_drift', 'deletion_log_broken'] as const;

/**
 * Notices: what the auditor is told but what is not wrong. `file_deleted_by_retention`: a referenced file is gone
 * and an intact record of the retention job's deletion log (src/jobs/document-retention.ts) says so. A notice never
 * makes a verification fail (`ok` stays true, `audit:verify` exits 0).
 */
export const NOTICE_KINDS = ['file_deleted_by_retention'] as const;

/** Findings about the checkpoint anchors (./checkpoints.ts): of the dossier chains, and of the retention job's deletion log. */
export const CHECKPOINT_FINDING_KINDS = [
  'dossier_deleted',
  'events_deleted',
  'chain_rewritten',
  'checkpoint_tampered',
  'deletion_log_diverged',
] as const;

export type DossierFindingKind = (typeof DOSSIER_FINDING_KINDS)[number];
export type CheckpointFindingKind = (typeof CHECKPOINT_FINDING_KINDS)[number];
export type FileFindingKind = (typeof FILE_FINDING_KINDS)[number];
export type NoticeKind = (typeof NOTICE_KINDS)[number];
export type FindingKind = DossierFindingKind | CheckpointFindingKind | FileFindingKind | NoticeKind;

/** A notice, not a failure (see NOTICE_KINDS). */
export function isNotice(f: { kind: FindingKind }): boolean {
  return (NOTICE_KINDS as readonly string[]).includes(f.kind);
}

export interface Finding {
  dossierCode: string;
  /** the event the finding is located at; null for whole-dossier findings (projection, database) */
  seq: number | null;
  kind: FindingKind;
  message: string;
  /** projection_drift: the column, with the stored and the replayed value */
  field?: string;
  stored?: unknown;
  replayed?: unknown;
}

/** Chain status of one event, for a timeline view. */
export interface ChainLinkStatus {
  seq: number;
  /** recomputed hash = stored hash */
  hashOk: boolean;
  /** prev_hash = previous event's hash (GENESIS for the first) */
  linkOk: boolean;
  /** seq = previous seq + 1 (1 for the first) */
  seqOk: boolean;
}

export interface DossierVerification {
  findings: Finding[];
  chain: ChainLinkStatus[];
  /** the replayed snapshot, when the replay went through every event */
  snapshot: DossierSnapshot | null;
}

const RENUMBER_OFFSETS = [1, -1, 2, -2, 3, -3, 4, -4, 5, -5];

function describe(e: StoredEvent): string {
  return `seq ${e.seq} (${e.type})`;
}

function range(from: number, to: number): string {
  return from === to ? `seq ${from}` : `seq ${from}–${to}`;
}

/** Per-event chain status (no interpretation). */
export function chainStatus(dossierId: string, events: readonly StoredEvent[]): ChainLinkStatus[] {
  return events.map((e, i) => {
    const p = events[i - 1];
    return {
      seq: e.seq,
      hashOk: eventHash(e.prevHash, hashedContent(dossierId, e)) === e.hash,
      linkOk: e.prevHash === (p ? p.hash : GENESIS_HASH),
      seqOk: e.seq === (p ? p.seq + 1 : 1),
    };
  });
}

/** The first chain break, classified (see the header), or null when the chain is intact. */
export function chainFinding(
  dossierCode: string,
  dossierId: string,
  events: readonly StoredEvent[],
  status = chainStatus(dossierId, events),
): Finding | null {
  if (events.length === 0)
    return { dossierCode, seq: 1, kind: 'missing_sequence', message: 'the dossier has no events at all: its whole history was removed' };
  const timeOk = events.map((e, i) => i === 0 || Date.parse(e.occurredAt) >= Date.parse(events[i - 1]!.occurredAt));
  const bad = status.map((s, i) => !(s.hashOk && s.linkOk && s.seqOk && timeOk[i]));
  const f = bad.indexOf(true);
  if (f < 0) return null;
  const later = bad.slice(f + 1).filter(Boolean).length;
  const tail = later ? ` (${later} later event${later > 1 ? 's' : ''} also fail${later > 1 ? '' : 's'} the chain checks)` : '';
  const e = events[f]!;
  const p = events[f - 1];
  const s = status[f]!;
  const at = (kind: Finding['kind'], seq: number, message: string): Finding => ({ dossierCode, seq, kind, message: message + tail });
  /** index of the event with this hash: -1 for the genesis hash, undefined when no event has it */
  const indexOfHash = (hash: string): number | undefined => {
    if (hash === GENESIS_HASH) return -1;
    const i = events.findIndex((x) => x.hash === hash);
    return i < 0 ? undefined : i;
  };

  // 1. A gap in the numbering.
  const expectedSeq = p ? p.seq + 1 : 1;
  if (e.seq > expectedSeq) {
    const link = s.linkOk
      ? 'yet its prev_hash was re-linked over the gap'
      : p
        ? `and its prev_hash does not match ${describe(p)}`
        : 'and it is the first event left';
    return at(
      'missing_sequence',
      expectedSeq,
      `${range(expectedSeq, e.seq - 1)} missing: ${describe(e)} follows ${p ? describe(p) : 'nothing'}, ${link}`,
    );
  }
  // 2. Written after an event that is now stored after it.
  const j = indexOfHash(e.prevHash);
  if (j !== undefined && j > f) {
    return at(
      'reordered',
      e.seq,
      `${describe(e)} was written after ${describe(events[j]!)}, which is now stored after it: the events were reordered`,
    );
  }
  if (!s.hashOk) {
    // 3. Renumbered: the content hashes correctly under another seq.
    const d = RENUMBER_OFFSETS.find((o) => e.seq + o >= 1 && eventHash(e.prevHash, hashedContent(dossierId, e, e.seq + o)) === e.hash);
    if (d !== undefined && d > 0) {
      return at(
        'missing_sequence',
        e.seq,
        `${describe(e)} was written as seq ${e.seq + d}: ${d} event${d > 1 ? 's' : ''} before it ${d > 1 ? 'were' : 'was'} removed and the later ones renumbered to close the gap`,
      );
    }
    if (d !== undefined && d < 0) {
      const n = -d;
      const first = events[f - n];
      if (first) {
        return at(
          'inserted',
          first.seq,
          `${describe(first)} is not part of the original chain: ${n} event${n > 1 ? 's were' : ' was'} inserted before ${e.type}, which was written as seq ${e.seq + d} and pushed up to seq ${e.seq}`,
        );
      }
    }
    if (!s.linkOk) {
      const expectedPrev = p ? p.hash : GENESIS_HASH;
      if (eventHash(expectedPrev, hashedContent(dossierId, e)) === e.hash) {
        return at(
          'broken_link',
          e.seq,
          `the prev_hash column of ${describe(e)} was altered: its content still hashes against ${p ? describe(p) : 'the genesis'}`,
        );
      }
      return at(
        'broken_link',
        e.seq,
        `${describe(e)} neither links to ${p ? describe(p) : 'the genesis hash'} nor matches its own hash: it was altered or does not belong here`,
      );
    }
    const next = events[f + 1];
    const recomputed = eventHash(e.prevHash, hashedContent(dossierId, e));
    if (next && next.prevHash === recomputed) {
      return at(
        'hash_mismatch',
        e.seq,
        `the stored hash of ${describe(e)} was altered: its content still hashes to the value the next event links to`,
      );
    }
    const when = timeOk[f] ? '' : ` (its occurred_at ${e.occurredAt} is earlier than ${p ? describe(p) : ''}'s)`;
    return at(
      'hash_mismatch',
      e.seq,
      `the content of ${describe(e)} (type, payload, actor, time or chart version) was edited after it was written${when}: its hash no longer matches`,
    );
  }
  if (!s.linkOk) {
    // 4. Self-consistent but written after another event than the one before it.
    if (j !== undefined && j < f - 1) {
      const first = events[j + 1]!;
      const n = f - 1 - j;
      return at(
        'inserted',
        first.seq,
        `${range(first.seq, p!.seq)} ${n > 1 ? 'are' : 'is'} not part of the original chain: ${describe(e)} was written right after ${j >= 0 ? describe(events[j]!) : 'the genesis'}`,
      );
    }
    if (p) {
      return at(
        'inserted',
        p.seq,
        `${describe(p)} is self-consistent but ${describe(e)} was not written after it: it was inserted or replaced the original event ${p.seq}`,
      );
    }
    return at(
      'broken_link',
      e.seq,
      `the first event ${describe(e)} does not start from the genesis hash: earlier events were removed and the chain rebuilt`,
    );
  }
  // 5. Intact chain, time going backwards.
  return at(
    'reordered',
    e.seq,
    `${describe(e)} occurred at ${e.occurredAt}, before ${p ? describe(p) : ''} at ${p?.occurredAt ?? ''}: the chain was rebuilt in another order (or the server clock stepped back)`,
  );
}

/** Index of the last step, and the step indexes before it whose latest record is not "completed". */
function unfinishedSteps(ctx: DossierContext): { last: number; missing: number[] } {
  const last = ctx.procedure.steps.length - 1;
  const missing: number[] = [];
  for (let i = 0; i < last; i++) {
    const latest = ctx.steps.filter((r) => r.index === i).at(-1);
    if (!latest || latest.outcome !== 'completed') missing.push(i);
  }
  return { last, missing };
}

function resultBeforeStepsMessage(e: StoredEvent, ctx: DossierContext): string | null {
  const { last, missing } = unfinishedSteps(ctx);
  if (ctx.stepIndex === last && missing.length === 0) return null;
  const names = missing.map((i) => `${i + 1} “${ctx.procedure.steps[i]?.name ?? ''}”`);
  const where = ctx.stepIndex < 0 ? 'before any step was assigned' : `at step ${ctx.stepIndex + 1} of ${last + 1}`;
  return `${describe(e)} records an approved result ${where}${names.length ? `; not completed: step ${names.join(', step ')}` : ''}`;
}

interface ReplayOutcome {
  findings: Finding[];
  snapshot: DossierSnapshot | null;
  chart: DossierChart | null;
}

/** Replays the events through their chart version with the rule checks; stops at the first refusal. */
export function replayFindings(dossierCode: string, dossierId: string, events: readonly StoredEvent[]): ReplayOutcome {
  const findings: Finding[] = [];
  const fail = (seq: number, kind: Finding['kind'], message: string): ReplayOutcome => ({
    findings: [...findings, { dossierCode, seq, kind, message }],
    snapshot: null,
    chart: null,
  });
  const [first, ...rest] = events;
  if (!first) return { findings, snapshot: null, chart: null };
  if (first.type !== 'SUBMIT')
    return fail(first.seq, 'impossible_transition', `the first event is ${describe(first)}, not SUBMIT: a dossier cannot start that way`);
  let chart: DossierChart;
  let stepper: ChartStepper;
  let snapshot: DossierSnapshot;
  try {
    chart = chartFor(first.machineVersion);
    stepper = stepperFor(chart);
    snapshot = stepper.start(inputFromSubmit(dossierId, first));
  } catch (err) {
    return fail(first.seq, 'impossible_transition', `the dossier cannot be started from ${describe(first)}: ${(err as Error).message}`);
  }
  for (const e of rest) {
    if (e.machineVersion !== first.machineVersion) {
      return fail(
        e.seq,
        'impossible_transition',
        `${describe(e)} names chart version ${e.machineVersion}, but the dossier started under version ${first.machineVersion}`,
      );
    }
    const event = toChartEvent(e);
    const ctx = snapshot.context;
    const state = lifecycleOf(snapshot);
    if (e.type === 'RETURN_RESULT' && ctx.result === null) {
      return fail(e.seq, 'returned_without_result', `${describe(e)} hands the dossier back while it is ${state} with no result recorded`);
    }
    if (!snapshot.can(event)) {
      if (e.type === 'RECORD_RESULT') {
        const why = resultBeforeStepsMessage(e, ctx);
        if (why) return fail(e.seq, 'result_before_steps', why);
      }
      const allowed = allowedEvents(snapshot);
      return fail(
        e.seq,
        'impossible_transition',
        `${describe(e)} is not allowed in state ${state} (allowed: ${allowed.join(', ') || 'none'})`,
      );
    }
    let next: DossierSnapshot;
    try {
      next = stepper.applyAccepted(snapshot, event); // accepted: snapshot.can(event) above
    } catch (err) {
      return fail(e.seq, 'impossible_transition', `${describe(e)} cannot be applied in state ${state}: ${(err as Error).message}`);
    }
    const after = lifecycleOf(next);
    if (after === 'returned' && state !== 'result' && !(e.type === 'CORRECT_RESULT' && state === 'returned')) {
      findings.push({
        dossierCode,
        seq: e.seq,
        kind: 'returned_without_result',
        message: `${describe(e)} moved the dossier to returned from ${state}, not from result`,
      });
    } else if ((after === 'result' || after === 'returned') && next.context.result === null) {
      findings.push({
        dossierCode,
        seq: e.seq,
        kind: after === 'returned' ? 'returned_without_result' : 'impossible_transition',
        message: `${describe(e)} reached ${after} without a result record`,
      });
    }
    if (e.type === 'RECORD_RESULT' && next.context.result?.outcome === 'approved') {
      const why = resultBeforeStepsMessage(e, ctx);
      if (why) findings.push({ dossierCode, seq: e.seq, kind: 'result_before_steps', message: why });
    }
    snapshot = next;
  }
  return { findings, snapshot, chart };
}

function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The head check: the row's version/last_hash against the last stored event. */
export function headFinding(row: DossierRow, events: readonly StoredEvent[]): Finding | null {
  const last = events[events.length - 1];
  const lastSeq = last ? last.seq : 0;
  const lastHash = last ? last.hash : GENESIS_HASH;
  if (row.version === lastSeq && row.last_hash === lastHash) return null;
  const head = `the dossiers row names head seq ${row.version} (${row.last_hash.slice(0, 12)}…)`;
  if (row.version > lastSeq) {
    return {
      dossierCode: row.code,
      seq: lastSeq + 1,
      kind: 'head_mismatch',
      message: `${head} but the last stored event is seq ${lastSeq}: ${range(lastSeq + 1, row.version)} removed from the end`,
    };
  }
  const atHead = events.find((e) => e.seq === row.version);
  if (row.version < lastSeq) {
    const extra =
      atHead && atHead.hash === row.last_hash
        ? 'events were appended outside the engine'
        : 'the head does not match any stored event either';
    return {
      dossierCode: row.code,
      seq: row.version + 1,
      kind: 'head_mismatch',
      message: `${head} but events run to seq ${lastSeq}: ${extra}`,
    };
  }
  return {
    dossierCode: row.code,
    seq: lastSeq,
    kind: 'head_mismatch',
    message: `${head} but the last stored event ${last ? describe(last) : ''} has hash ${lastHash.slice(0, 12)}…: the head or the last event was rewritten`,
  };
}

/** Every column the events determine, as the replay says it should be. */
export function expectedProjection(
  dossierId: string,
  events: readonly StoredEvent[],
  snapshot: DossierSnapshot,
  chart: DossierChart,
): Record<string, unknown> {
  const last = events[events.length - 1]!;
  const projected = projectSnapshot(snapshot, persistSnapshot(chart, snapshot), {
    version: last.seq,
    lastHash: last.hash,
    updatedAt: last.occurredAt,
  });
  const { version: _v, last_hash: _h, ...rest } = projected;
  return { ...identityColumns(dossierId, events[0]!), ...rest };
}

/** Where a stored snapshot (JSON text) differs from a replayed one: `value`, `status` or `context.<key>`. */
export function snapshotDifferences(storedJson: string, replayed: unknown): { path: string; stored: unknown; replayed: unknown }[] {
  let stored: unknown;
  try {
    stored = JSON.parse(storedJson);
  } catch {
    return [{ path: '(snapshot)', stored: storedJson, replayed }];
  }
  const obj = (v: unknown): Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const out: { path: string; stored: unknown; replayed: unknown }[] = [];
  const compare = (prefix: string, a: Record<string, unknown>, b: Record<string, unknown>, skip: string[] = []) => {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (skip.includes(key)) continue;
      if (canonicalJson(a[key] ?? null) !== canonicalJson(b[key] ?? null))
        out.push({ path: prefix + key, stored: a[key] ?? null, replayed: b[key] ?? null });
    }
  };
  compare('', obj(stored), obj(replayed), ['context']);
  compare('context.', obj(obj(stored).context), obj(obj(replayed).context));
  return out;
}

/** Projection columns that differ from the replay (head columns excluded: see headFinding). */
export function projectionDrift(
  row: DossierRow,
  events: readonly StoredEvent[],
  snapshot: DossierSnapshot,
  chart: DossierChart,
): Finding[] {
  const expected = expectedProjection(row.id, events, snapshot, chart);
  const findings: Finding[] = [];
  for (const [field, replayed] of Object.entries(expected)) {
    const stored = (row as unknown as Record<string, unknown>)[field];
    if (field === 'snapshot') {
      if (stored === replayed) continue; // the engine writes JSON.stringify of the same persisted snapshot
      if (stored === null || stored === undefined) {
        if (row.closed_at !== null && snapshot.context.closedAt !== null) continue; // a closed dossier's, emptied by dossiers:compact
        findings.push({
          dossierCode: row.code,
          seq: null,
          kind: 'projection_drift',
          field,
          message: 'the dossiers row has no chart snapshot, but its events leave the dossier open: only a closed dossier may have none',
          stored: null,
          replayed: '(the replayed snapshot)',
        });
        continue;
      }
      const paths = snapshotDifferences(String(stored), JSON.parse(String(replayed)));
      if (paths.length) {
        findings.push({
          dossierCode: row.code,
          seq: null,
          kind: 'projection_drift',
          field,
          message: `the stored chart snapshot differs from the replayed one in ${paths.map((d) => d.path).join(', ')}`,
          stored: Object.fromEntries(paths.map((d) => [d.path, d.stored])),
          replayed: Object.fromEntries(paths.map((d) => [d.path, d.replayed])),
        });
      }
      continue;
    }
    if (!same(stored, replayed)) {
      findings.push({
        dossierCode: row.code,
        seq: null,
        kind: 'projection_drift',
        field,
        message: `${field} is ${JSON.stringify(stored ?? null)} in the dossiers row but ${JSON.stringify(replayed ?? null)} by replay of the events`,
        stored: stored ?? null,
        replayed: replayed ?? null,
      });
    }
  }
  return findings;
}

export interface FieldDifference {
  field: string;
  stored: unknown;
  replayed: unknown;
}

/**
 * Where the dossiers row differs from the replay of its events: the head (version, last_hash), then
 * every column the events determine (projectionDrift). Empty for an intact dossier.
 */
export function replayDifferences(
  row: DossierRow,
  events: readonly StoredEvent[],
  snapshot: DossierSnapshot,
  chart: DossierChart,
): FieldDifference[] {
  const last = events[events.length - 1]!;
  const differences: FieldDifference[] = [];
  if (row.version !== last.seq) differences.push({ field: 'version', stored: row.version, replayed: last.seq });
  if (row.last_hash !== last.hash) differences.push({ field: 'last_hash', stored: row.last_hash, replayed: last.hash });
  for (const f of projectionDrift(row, events, snapshot, chart))
    differences.push({ field: f.field!, stored: f.stored, replayed: f.replayed });
  return differences;
}

/** All four checks on one dossier. `events` must be ordered by seq. */
export function verifyDossierDetailed(row: DossierRow, events: readonly StoredEvent[]): DossierVerification {
  const chain = chainStatus(row.id, events);
  const findings: Finding[] = [];
  const broken = chainFinding(row.code, row.id, events, chain);
  if (broken) findings.push(broken);
  const replayed = replayFindings(row.code, row.id, events);
  findings.push(...replayed.findings);
  const head = headFinding(row, events);
  if (head) findings.push(head);
  if (replayed.snapshot && replayed.chart) findings.push(...projectionDrift(row, events, replayed.snapshot, replayed.chart));
  return { findings, chain, snapshot: replayed.snapshot };
}

/** The findings for one dossier (empty when it is intact). */
export function verifyDossier(row: DossierRow, events: readonly StoredEvent[]): Finding[] {
  return verifyDossierDetailed(row, events).findings;
}

// --- loading ------------------------------------------------------------------------------------

/** A raw dossier_events row (either driver) as an EventRow: the store's reader. */
export { eventRowFromDb } from '../store/dossier-store';

export interface LoadedDossier {
  row: DossierRow;
  events: StoredEvent[];
}

export async function loadDossierForAudit(db: Db, code: string): Promise<LoadedDossier | null> {
  const row = await findDossierByCode(db, code);
  if (!row) return null;
  return { row, events: ((await listEventsByDossier(db, [row.id], true)).get(row.id) ?? []).map(decodeRow) };
}
