/**
 * The weekly late-dossier review's log (`review_events`): append-only, hash-chained per (week, scope),
 * where scope is a unit code or 'centre'. A REVIEW_NOTE records a dossier's cause and corrective action;
 * WEEK_SIGNED_OFF closes the week, after which the chain refuses anything more (409, nothing allowed).
 * Hashes use the dossier log's function (machines/engine/hash.ts), with the chain named `review:<week>:<scope>`
 * in place of a dossier id, so editing, removing, inserting or reordering a record breaks the chain.
 */
import { v7 as uuidv7 } from 'uuid';
import { eventHash, GENESIS_HASH } from '../../machines/engine/hash';
import { transitionNotAllowed, versionConflict } from '../../machines/engine/errors';
import { isUniqueViolation } from '../store/dossier-store';
import type { Db } from '../store/db';
import {
  appendReviewEvent,
  isWeekSignedOff,
  listReviewEvents,
  REVIEW_EVENT_TYPES,
  type ReviewEvent,
  type ReviewEventType,
} from '../store/review-event-store';
import type { ChainVerification } from './report-schemas';

/** the whole centre, as opposed to one unit's review */
export const CENTRE_SCOPE = 'centre';
/** the review log's record format, hashed as the "machine version" of each record */
const REVIEW_LOG_VERSION = 1;
const MAX_ATTEMPTS = 5;

export interface NotePayload {
  dossierCode: string;
  cause: string;
  correctiveAction: string;
}

export interface SignOffPayload {
  summary?: string;
}

function hashOf(prevHash: string, e: Pick<ReviewEvent, 'week' | 'scope' | 'seq' | 'type' | 'payload' | 'actor' | 'occurredAt'>): string {
  return eventHash(prevHash, {
    dossierId: `review:${e.week}:${e.scope}`,
    seq: e.seq,
    type: e.type,
    payload: e.payload,
    actor: e.actor,
    actorUnit: null,
    occurredAt: e.occurredAt,
    machineVersion: REVIEW_LOG_VERSION,
  });
}

/** The week's sign-off, if any. */
export function signOffOf(events: readonly ReviewEvent[]): ReviewEvent | null {
  return events.find((e) => e.type === 'WEEK_SIGNED_OFF') ?? null;
}

/** The week's notes grouped by dossier code, in the order they were written. */
export function notesByDossier(events: readonly ReviewEvent[]): Map<string, ReviewEvent[]> {
  const out = new Map<string, ReviewEvent[]>();
  for (const e of events) {
    if (e.type !== 'REVIEW_NOTE' || !e.dossierCode) continue;
    out.set(e.dossierCode, [...(out.get(e.dossierCode) ?? []), e]);
  }
  return out;
}

interface AppendInput {
  week: string;
  scope: string;
  actor: string;
  at: string;
}

/** Refuses (409, nothing allowed) when the week's review is already signed off. */
function refuseSignedOff(week: string, type: ReviewEventType): never {
  throw transitionNotAllowed(type, 'signed_off', [], `Tuần ${week} đã được ký duyệt: không thể ghi thêm vào biên bản rà soát`);
}

/** Refuses (409, nothing allowed) when the week's review is already signed off. */
export async function assertWeekOpen(db: Db, week: string, scope: string, type: ReviewEventType): Promise<void> {
  if (await isWeekSignedOff(db, week, scope)) refuseSignedOff(week, type);
}

async function append(
  db: Db,
  input: AppendInput,
  type: ReviewEventType,
  payload: Record<string, unknown>,
  dossierCode: string | null,
): Promise<ReviewEvent> {
  const occurredAt = new Date(input.at).toISOString();
  for (let attempt = 1; ; attempt++) {
    try {
      return await appendReviewEvent(db, input.week, input.scope, ({ signedOff, head }) => {
        if (signedOff) refuseSignedOff(input.week, type);
        const seq = head ? head.seq + 1 : 1;
        const prevHash = head ? head.hash : GENESIS_HASH;
        const event: ReviewEvent = {
          id: uuidv7(),
          week: input.week,
          scope: input.scope,
          seq,
          type,
          dossierCode,
          payload,
          actor: input.actor,
          occurredAt,
          prevHash,
          hash: '',
        };
        event.hash = hashOf(prevHash, event);
        return event;
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      if (attempt >= MAX_ATTEMPTS) throw versionConflict(null, null);
    }
  }
}

/** Appends a dossier's cause and corrective action to the week's chain; refused once the week is signed off. */
export function appendReviewNote(db: Db, input: AppendInput & NotePayload): Promise<ReviewEvent> {
  const payload: NotePayload = { dossierCode: input.dossierCode, cause: input.cause, correctiveAction: input.correctiveAction };
  return append(db, input, 'REVIEW_NOTE', { ...payload }, input.dossierCode);
}

/** Signs the week off; a second sign-off is refused like a note. */
export function appendWeekSignOff(db: Db, input: AppendInput & SignOffPayload): Promise<ReviewEvent> {
  const payload: SignOffPayload = input.summary === undefined ? {} : { summary: input.summary };
  return append(db, input, 'WEEK_SIGNED_OFF', { ...payload }, null);
}

/** Pure. Re-checks a chain: consecutive seqs, each prev_hash the previous hash, each hash recomputed, nothing after the sign-off. */
export function verifyChain(events: readonly ReviewEvent[]): ChainVerification {
  let prev = GENESIS_HASH;
  let signed = false;
  for (const [i, e] of events.entries()) {
    const broken = (reason: string): ChainVerification => ({
      valid: false,
      length: events.length,
      head: events.at(-1)?.hash ?? GENESIS_HASH,
      brokenAt: { seq: e.seq, reason },
    });
    if (e.seq !== i + 1) return broken(`expected seq ${i + 1}`);
    if (signed) return broken('record after the week was signed off');
    signed = e.type === 'WEEK_SIGNED_OFF';
    if (!(REVIEW_EVENT_TYPES as readonly string[]).includes(e.type)) return broken(`unknown type ${e.type}`);
    if (e.prevHash !== prev) return broken('prev_hash does not match the previous record');
    if (e.type === 'REVIEW_NOTE' && e.dossierCode !== e.payload.dossierCode) return broken('dossier_code does not match the payload');
    if (hashOf(prev, e) !== e.hash) return broken('hash does not match the record');
    prev = e.hash;
  }
  return { valid: true, length: events.length, head: prev, brokenAt: null };
}

/** Reads and verifies one week's chain. */
export async function verifyWeekChain(db: Db, week: string, scope: string): Promise<ChainVerification> {
  return verifyChain(await listReviewEvents(db, week, scope));
}
