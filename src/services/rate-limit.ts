/**
 * Fixed-window rate limits kept in the rate_limits table, so every API instance shares them.
 * `hit` counts one attempt in a single INSERT … ON CONFLICT (bucket) DO UPDATE … RETURNING statement
 * (SQLite ≥ 3.35 and PostgreSQL): two concurrent hits can never read the same count, and an expired
 * window restarts at 1 in the same statement. `check` only reads (for limits that count failures).
 * Instants are written as ISO-8601 UTC strings; on SQLite they compare as text, which orders correctly
 * because toISOString() always has the same width.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { toIso } from '../store/time';

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
}

export interface RateLimitDecision {
  allowed: boolean;
  /** attempts counted in the current window, this one included for `hit` */
  count: number;
  /** seconds until the window ends when refused; 0 when allowed */
  retryAfterSeconds: number;
}

/** Counts one attempt against `bucket` and says whether it is within the limit. */
export async function hit(db: Knex, bucket: string, opts: RateLimitOptions): Promise<RateLimitDecision> {
  const now = opts.now.toISOString();
  const cutoff = windowCutoff(opts);
  const expired = `"rate_limits"."window_start" <= ?`;
  const rows: { window_start: unknown; count: unknown }[] = await db('rate_limits')
    .insert({ bucket, window_start: now, count: 1 })
    .onConflict('bucket')
    .merge({
      window_start: db.raw(`CASE WHEN ${expired} THEN excluded."window_start" ELSE "rate_limits"."window_start" END`, [cutoff]),
      count: db.raw(`CASE WHEN ${expired} THEN 1 ELSE "rate_limits"."count" + 1 END`, [cutoff]),
    })
    .returning(['window_start', 'count']);
  const row = rows[0];
  if (!row) throw new Error(`rate limit upsert returned no row for ${bucket}`);
  return decide(Number(row.count), toIso(row.window_start), opts, 'hit');
}

/** Reads `bucket` without counting: refused once `limit` attempts were counted in the current window. */
export async function check(db: Knex, bucket: string, opts: RateLimitOptions): Promise<RateLimitDecision> {
  const row = (await db('rate_limits').where({ bucket }).first()) as { window_start: unknown; count: unknown } | undefined;
  if (!row) return { allowed: true, count: 0, retryAfterSeconds: 0 };
  const start = toIso(row.window_start);
  if (start <= windowCutoff(opts)) return { allowed: true, count: 0, retryAfterSeconds: 0 };
  return decide(Number(row.count), start, opts, 'check');
}

/** Deletes buckets whose window started before `before` (housekeeping: pass now minus the longest window). */
export async function pruneRateLimits(db: Knex, before: Date): Promise<number> {
  return db('rate_limits').where('window_start', '<', before.toISOString()).del();
}

function windowCutoff(opts: RateLimitOptions): string {
  return new Date(opts.now.getTime() - opts.windowMs).toISOString();
}

function decide(count: number, windowStart: string, opts: RateLimitOptions, mode: 'hit' | 'check'): RateLimitDecision {
  const allowed = mode === 'hit' ? count <= opts.limit : count < opts.limit;
  if (allowed) return { allowed, count, retryAfterSeconds: 0 };
  const leftMs = Date.parse(windowStart) + opts.windowMs - opts.now.getTime();
  const retryAfterSeconds = Math.min(Math.ceil(opts.windowMs / 1000), Math.max(1, Math.ceil(leftMs / 1000)));
  return { allowed, count, retryAfterSeconds };
}
