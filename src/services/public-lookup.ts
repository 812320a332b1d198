/**
 * The citizen's status lookup: a dossier code plus the last 4 digits of the applicant's phone or ID
 * number as a second factor. It answers the state and due date only, never applicant data. An unknown
 * code and a wrong factor give the very same answer, and guessing is throttled twice: every attempt
 * per client address, and failed attempts per dossier code (known or not, so the limit does not
 * reveal which codes exist either).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import { chartFor, nationalStatus, restoreSnapshot, type LifecycleState } from '../../machines/dossier';
import { MotcuaError } from '../../machines/engine/errors';
import { findDossierByCode } from '../store/dossier-store';
import { bucketName, check, hit, type RateLimitDecision } from './rate-limit';

/** All a member of the public may see of a dossier. */
export interface PublicDossierStatus {
  code: string;
  /** national status name (Vietnamese) */
  status: string;
  state: string;
  dueAt: string | null;
  resultReady: boolean;
  returned: boolean;
}

export const PUBLIC_LOOKUP_LIMITS = {
  perAddress: { limit: 20, windowMs: 60_000 },
  failuresPerCode: { limit: 5, windowMs: 15 * 60_000 },
} as const;

/** The one answer for an unknown code, a wrong factor and a missing factor. */
export const lookupNotFound = () =>
  new MotcuaError('NOT_FOUND', 'Không tìm thấy hồ sơ với mã hồ sơ và 4 số cuối đã nhập', {});

export interface LookupRequest {
  code: string;
  /** 4 digits, or undefined when the caller gave none */
  verify: string | undefined;
  /** the client address (req.ip) */
  address: string;
  now: Date;
}

/** Throws RATE_LIMITED (429) when throttled and NOT_FOUND (404) for any mismatch. */
export async function lookupPublicStatus(db: Knex, req: LookupRequest): Promise<PublicDossierStatus> {
  const byAddress = await hit(db, bucketName('public-lookup:address:', req.address), { ...PUBLIC_LOOKUP_LIMITS.perAddress, now: req.now });
  if (!byAddress.allowed) throw rateLimited(byAddress);
  const codeBucket = bucketName('public-lookup:code:', req.code.toUpperCase());
  const failures = { ...PUBLIC_LOOKUP_LIMITS.failuresPerCode, now: req.now };
  const byCode = await check(db, codeBucket, failures);
  if (!byCode.allowed) throw rateLimited(byCode);

  const row = await findDossierByCode(db, req.code);
  const matches = row !== null && req.verify !== undefined && secondFactorMatches(req.verify, row.applicant_phone, row.applicant_id_number);
  if (!row || !matches) {
    await hit(db, codeBucket, failures);
    throw lookupNotFound();
  }
  const state = row.state as LifecycleState;
  const pauseReason = state === 'paused' ? restoreSnapshot(chartFor(row.machine_version), JSON.parse(row.snapshot)).context.pauseReason : null;
  return {
    code: row.code,
    status: nationalStatus(state, pauseReason)?.name ?? state,
    state,
    dueAt: row.due_at,
    resultReady: state === 'result',
    returned: state === 'returned',
  };
}

/** Compares against both the phone and the ID number, always both, in constant time. */
function secondFactorMatches(verify: string, phone: string, idNumber: string): boolean {
  const given = Buffer.from(verify);
  let ok = false;
  for (const value of [phone, idNumber]) {
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
