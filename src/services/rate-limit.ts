/**
 * The one rate limiter: fixed windows kept in the rate_limits table (src/store/rate-limit-store.ts), so
 * every API instance shares them. Used for every attempt (`hit`), or for failures only: count first
 * (`hit`, or `hitAll` for several buckets), then try, then `refund` or `clear` what was not a failure, so
 * check-and-count is one atomic statement and a parallel burst cannot pass a check made before any of it
 * was counted. With `lockout`, the hit that reaches the limit restarts the window, so a lockout lasts a
 * full window (the login throttle); later refused hits neither count nor renew it.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../store/db';
import { countHit, deleteBucket, uncountHit } from '../store/rate-limit-store';

/** rate_limits.bucket holds at most this many characters */
export const MAX_BUCKET_LENGTH = 200;

/**
 * The bucket for `key` (a username, a client address, a dossier code) under `prefix`: readable when it
 * is short and printable, else the key's SHA-256. A client address comes from X-Forwarded-For behind a
 * proxy and can be any text of any length; it must neither overflow the column nor reach it raw.
 */
export function bucketName(prefix: string, key: string): string {
  const plain = `${prefix}${key}`;
  if (plain.length <= MAX_BUCKET_LENGTH && /^[\x21-\x7e]*$/.test(key)) return plain;
  return `${prefix}sha256:${createHash('sha256').update(key).digest('hex')}`;
}

export interface RateLimitOptions {
  /** attempts allowed per window */
  limit: number;
  windowMs: number;
  /** the caller's clock (deps.ctx.clock.now()) */
  now: Date;
  /** the hit that reaches `limit` restarts the window: the bucket stays locked for a full window */
  lockout?: boolean;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** attempts counted in the current window, this one included for `hit` */
  count: number;
  /** seconds until the window ends when refused; 0 when allowed */
  retryAfterSeconds: number;
}

/** Counts one attempt against `bucket` and says whether it is within the limit. */
export async function hit(db: Db, bucket: string, opts: RateLimitOptions): Promise<RateLimitDecision> {
  const after = await countHit(db, bucket, {
    now: opts.now.toISOString(),
    expiredAtOrBefore: windowCutoff(opts),
    restartWindowAt: opts.lockout ? opts.limit : undefined,
  });
  return decide(after.count, after.windowStart, opts);
}

/**
 * Takes back one attempt counted by `hit`: for limits that count failures atomically (count first, then
 * try, then refund what was not a failure), so a burst of parallel attempts can never all pass a check
 * made before any of them was counted.
 */
export async function refund(db: Db, bucket: string): Promise<void> {
  await uncountHit(db, bucket);
}

/**
 * Counts one attempt against every bucket, each in one atomic statement, before anything is checked. When
 * a bucket is over its limit, every count just made is taken back (a refused attempt is not counted and
 * does not renew a lockout) and that bucket's refusal is returned; else an allowed decision. The caller
 * then `refund`s (or `clear`s) the buckets whose attempt turned out not to be a failure.
 */
export async function hitAll(db: Db, limits: readonly { bucket: string; opts: RateLimitOptions }[]): Promise<RateLimitDecision> {
  const counted: string[] = [];
  for (const { bucket, opts } of limits) {
    const decision = await hit(db, bucket, opts);
    counted.push(bucket);
    if (!decision.allowed) {
      for (const b of counted) await refund(db, b);
      return decision;
    }
  }
  return { allowed: true, count: 0, retryAfterSeconds: 0 };
}

/** Forgets the attempts counted against `bucket` (a successful login clears its failures). */
export async function clear(db: Db, bucket: string): Promise<void> {
  await deleteBucket(db, bucket);
}

function windowCutoff(opts: RateLimitOptions): string {
  return new Date(opts.now.getTime() - opts.windowMs).toISOString();
}

function decide(count: number, windowStart: string, opts: RateLimitOptions): RateLimitDecision {
  const allowed = count <= opts.limit;
  if (allowed) return { allowed, count, retryAfterSeconds: 0 };
  const leftMs = Date.parse(windowStart) + opts.windowMs - opts.now.getTime();
  const retryAfterSeconds = Math.min(Math.ceil(opts.windowMs / 1000), Math.max(1, Math.ceil(leftMs / 1000)));
  return { allowed, count, retryAfterSeconds };
}
