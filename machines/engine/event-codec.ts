/**
 * How chart events are stored: `type`, `at` and `by` go to columns, the rest to the JSON payload.
 * The first event of every dossier is SUBMIT, whose payload holds the chart's input (including the
 * procedure terms pinned at submission), so a dossier replays from its events alone.
 */
import type { ActorRef, DossierEvent, DossierInput, ProcedureTerms } from '../dossier';
import type { LookupFactor } from './commands';
import type { EventRow } from './rows';
import type { HashedEventContent } from './hash';

export interface SubmitPayload {
  code: string;
  agencyCode: string;
  channel: DossierInput['channel'];
  terms: ProcedureTerms;
  /** `lookupFactor` is in every SUBMIT written since it existed (default phone); older ones have none */
  applicant: { fullName: string; idNumber: string; phone: string; email?: string; address: string; lookupFactor?: LookupFactor };
  documents: { name: string; copies: number }[];
  note?: string;
  /** an online submission's intake answer is due by then (chart version 3 on; absent before) */
  intakeDueBy?: string | null;
}

export interface StoredEvent {
  seq: number;
  type: string;
  payload: Record<string, unknown>;
  actor: string;
  actorUnit: string | null;
  occurredAt: string;
  machineVersion: number;
  prevHash: string;
  hash: string;
}

/**
 * The one decoder of a stored event row. It does not trust the row: a payload that is not a JSON
 * object is kept as text under `$unparseable` (its hash will not match, and the audit says so).
 */
export function decodeRow(row: EventRow): StoredEvent {
  let payload: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(row.payload);
    payload =
      parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : { $unparseable: row.payload };
  } catch {
    payload = { $unparseable: row.payload };
  }
  return {
    seq: row.seq,
    type: row.type,
    payload,
    actor: row.actor,
    actorUnit: row.actor_unit,
    occurredAt: row.occurred_at,
    machineVersion: row.machine_version,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * The content an event's hash covers (with the previous hash: machines/engine/hash.ts eventHash): the one
 * builder, used when the chain is written (plan.ts) and whenever it is checked. `seq` overrides the
 * event's own (the audit tries neighbouring numbers to recognise renumbered events).
 */
export function hashedContent(dossierId: string, e: Omit<StoredEvent, 'prevHash' | 'hash'>, seq = e.seq): HashedEventContent {
  // keys in canonical (sorted) order, so canonicalJson has nothing to sort at the top level
  return {
    actor: e.actor,
    actorUnit: e.actorUnit,
    dossierId,
    machineVersion: e.machineVersion,
    occurredAt: e.occurredAt,
    payload: e.payload,
    seq,
    type: e.type,
  };
}

/** The payload column of a chart event: everything but type, time and actor. */
export function payloadOf(event: DossierEvent): Record<string, unknown> {
  const { type: _t, at: _a, by: _b, ...rest } = event;
  return rest;
}

export function toChartEvent(e: StoredEvent): DossierEvent {
  const by: ActorRef = { username: e.actor, unit: e.actorUnit };
  return { ...e.payload, type: e.type, at: e.occurredAt, by } as DossierEvent;
}

export function inputFromSubmit(dossierId: string, e: StoredEvent): DossierInput {
  if (e.type !== 'SUBMIT') throw new Error(`the first event must be SUBMIT, found ${e.type}`);
  const p = e.payload as unknown as SubmitPayload;
  return {
    dossierId,
    code: p.code,
    channel: p.channel,
    procedure: p.terms,
    submittedAt: e.occurredAt,
    by: { username: e.actor, unit: e.actorUnit },
    ...(p.intakeDueBy !== undefined ? { intakeDueBy: p.intakeDueBy } : {}),
  };
}
