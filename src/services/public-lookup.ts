/**
 * The citizen's status lookup: a dossier code plus the last 4 digits of the one number the applicant chose
 * at receipt (phone or ID number, `dossiers.lookup_factor`, printed on the receipt) as a second factor; the
 * other number's digits are refused, so a guess has 1 chance in 10,000, not about 1 in 5,000. Dossiers
 * submitted before the choice was recorded accept either, as their receipts said. It answers the state and due date only, never applicant data. An unknown
 * code and a wrong factor give the very same answer. Guessing is throttled (docs/deploy.md), every
 * failure counted before the factor is compared, in one atomic statement per bucket, and taken back when
 * the attempt succeeds, so a burst of parallel guesses cannot slip past a check made before any was
 * counted: every attempt per client address (20 a minute); failures per code and address (5 in 15 minutes,
 * so a stranger locks only their own address out of a citizen's dossier); and failures per code from
 * anywhere (30 a day, the backstop against guessing from many addresses; codes known or not, so the limit
 * does not reveal which codes exist).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Db } from '../store/db';
import { nationalStatus, type LifecycleState } from '../../machines/dossier';
import { restoreRow } from '../engine/restore-row';
import { MotcuaError } from '../../machines/engine/errors';
import type { DossierRow } from '../../machines/engine/rows';
import { decodeRow } from '../../machines/engine/event-codec';
import { STOPPED_STATES } from '../../machines/vocabulary';
import { documentsOf } from '../../machines/documents/rules';
import { findDossierByCode, listEvents } from '../store/dossier-store';
import { bucketName, clear, hit, hitAll, refund, type RateLimitDecision } from './rate-limit';

/** All a member of the public may see of a dossier. */
export interface PublicDossierStatus {
  code: string;
  /** national status name (Vietnamese) */
  status: string;
  state: string;
  dueAt: string | null;
  resultReady: boolean;
  returned: boolean;
  /** the result is an electronic original the applicant can download (GET /api/public/dossiers/{code}/result-document) */
  electronicResult: boolean;
  /** the deadline clock is stopped (waiting for the applicant's supplement, or paused): no countdown */
  clockStopped: boolean;
  /** past its statutory due date (still open), or its result came after it */
  late: boolean;
  /** the statutory due date, which an apology's new appointment does not move */
  originalDueAt: string | null;
  /** while a supplement is awaited: what to bring, as the request listed it */
  supplement: { requestedAt: string; missing: string[]; reason: string } | null;
  /** the latest apology (Phiếu xin lỗi và hẹn lại ngày trả kết quả): when, why, and the new appointment (null: result handed over at once) */
  apology: { issuedAt: string; reason: string; newDueAt: string | null } | null;
}

export const PUBLIC_LOOKUP_LIMITS = {
  perAddress: { limit: 20, windowMs: 60_000 },
  failuresPerCodeAndAddress: { limit: 5, windowMs: 15 * 60_000, lockout: true },
  failuresPerCode: { limit: 30, windowMs: 24 * 3600_000 },
} as const;

/** The one answer for an unknown code, a wrong factor and a missing factor. */
export const lookupNotFound = () =>
  new MotcuaError('NOT_FOUND', 'Không tìm thấy hồ sơ với mã hồ sơ và 4 số cuối đã nhập (số ghi trên giấy tiếp nhận)', {});

export interface LookupRequest {
  code: string;
  /** 4 digits, or undefined when the caller gave none */
  verify: string | undefined;
  /** the client address (req.ip) */
  address: string;
  now: Date;
}

/** Throws RATE_LIMITED (429) when throttled and NOT_FOUND (404) for any mismatch. */
export async function lookupPublicStatus(db: Db, req: LookupRequest): Promise<PublicDossierStatus> {
  const byAddress = await hit(db, bucketName('public-lookup:address:', req.address), { ...PUBLIC_LOOKUP_LIMITS.perAddress, now: req.now });
  if (!byAddress.allowed) throw rateLimited(byAddress);
  // codes are printed in capitals; a citizen may type them in any case, with spaces around
  const code = req.code.trim().toUpperCase();
  const pairBucket = bucketName('public-lookup:code-address:', `${code}|${req.address}`);
  const codeBucket = bucketName('public-lookup:code:', code);
  const failures = await hitAll(db, [
    { bucket: pairBucket, opts: { ...PUBLIC_LOOKUP_LIMITS.failuresPerCodeAndAddress, now: req.now } },
    { bucket: codeBucket, opts: { ...PUBLIC_LOOKUP_LIMITS.failuresPerCode, now: req.now } },
  ]);
  if (!failures.allowed) throw rateLimited(failures);

  const row = await findDossierByCode(db, code);
  const matches = row !== null && req.verify !== undefined && secondFactorMatches(req.verify, factorsOf(row));
  if (!row || !matches) throw lookupNotFound();
  await clear(db, pairBucket);
  await refund(db, codeBucket);
  const state = row.state as LifecycleState;
  const context = (await restoreRow(db, row)).snapshot.context;
  const last = context.apologies[context.apologies.length - 1];
  return {
    code: row.code,
    status: nationalStatus(state, state === 'paused' ? context.pauseReason : null)?.name ?? state,
    state,
    dueAt: row.due_at,
    resultReady: state === 'result',
    returned: state === 'returned',
    electronicResult: context.result !== null && documentsOf(context).some((d) => d.kind === 'result' && d.form === 'electronic_original'),
    clockStopped: (STOPPED_STATES as readonly string[]).includes(state),
    late: row.timeliness === 'overdue' || row.timeliness === 'late' || row.final_timeliness === 'late',
    originalDueAt: row.original_due_at,
    supplement: state === 'awaiting_supplement' ? await lastSupplementRequest(db, row.id) : null,
    apology: last ? { issuedAt: last.at, reason: last.reason, newDueAt: last.newDueAt } : null,
  };
}

/** The supplement request the dossier waits on: its list of missing papers, read from the event the specialist recorded. */
async function lastSupplementRequest(db: Db, dossierId: string): Promise<PublicDossierStatus['supplement']> {
  const requests = (await listEvents(db, dossierId)).filter((e) => e.type === 'REQUEST_SUPPLEMENT').map(decodeRow);
  const last = requests[requests.length - 1];
  if (!last) return null;
  const p = last.payload as { missing?: unknown; reason?: unknown };
  return {
    requestedAt: last.occurredAt,
    missing: Array.isArray(p.missing) ? p.missing.map(String) : [],
    reason: typeof p.reason === 'string' ? p.reason : '',
  };
}

/** The numbers whose last 4 digits open this dossier: the chosen one, or (recorded before the choice existed) both. */
function factorsOf(row: Pick<DossierRow, 'applicant_phone' | 'applicant_id_number' | 'lookup_factor'>): string[] {
  if (row.lookup_factor === 'phone') return [row.applicant_phone];
  if (row.lookup_factor === 'idNumber') return [row.applicant_id_number];
  return [row.applicant_phone, row.applicant_id_number];
}

/** Compares against each accepted number, always all of them, in constant time. */
function secondFactorMatches(verify: string, accepted: readonly string[]): boolean {
  const given = Buffer.from(verify);
  let ok = false;
  for (const value of accepted) {
    const last4 = Buffer.from(value.slice(-4).padStart(4, ' '));
    if (last4.length === given.length && timingSafeEqual(last4, given)) ok = true;
  }
  return ok;
}

function rateLimited(d: RateLimitDecision): MotcuaError {
  return new MotcuaError('RATE_LIMITED', `Quá nhiều lần tra cứu; hãy thử lại sau ${d.retryAfterSeconds} giây`, {
    retryAfterSeconds: d.retryAfterSeconds,
  });
}
