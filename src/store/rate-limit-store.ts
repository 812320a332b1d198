/**
 * The rate_limits table: one fixed-window counter per bucket, shared by every API instance.
 * `countHit` counts one attempt in a single INSERT … ON CONFLICT (bucket) DO UPDATE … RETURNING statement
 * (SQLite ≥ 3.35 and PostgreSQL): two concurrent hits can never read the same count, and an expired
 * window restarts at 1 in the same statement. Instants are written as ISO-8601 UTC strings; on SQLite they
 * compare as text, which orders correctly because toISOString() always has the same width.
 */
import type { Knex } from 'knex';
import { toIso } from './time';

export interface RateLimitBucket {
  windowStart: string;
  count: number;
}

export interface CountHitOptions {
  now: string;
  /** a window that started at or before this instant has expired: the hit starts a new one at `now` */
  expiredAtOrBefore: string;
  /**
   * when the count reaches exactly this, the window restarts at `now` (a lockout then lasts a full window);
   * later hits in the same window do not restart it again, so refused attempts cannot renew a lockout forever
   */
  restartWindowAt?: number;
}

/** Counts one attempt against `bucket`; the bucket as it is after the hit. */
export async function countHit(db: Knex, bucket: string, opts: CountHitOptions): Promise<RateLimitBucket> {
  const expired = `"rate_limits"."window_start" <= ?`;
  const restart = opts.restartWindowAt === undefined ? '' : ` WHEN "rate_limits"."count" + 1 = ? THEN excluded."window_start"`;
  const restartArgs = opts.restartWindowAt === undefined ? [] : [opts.restartWindowAt];
  const rows: { window_start: unknown; count: unknown }[] = await db('rate_limits')
    .insert({ bucket, window_start: opts.now, count: 1 })
    .onConflict('bucket')
    .merge({
      window_start: db.raw(`CASE WHEN ${expired} THEN excluded."window_start"${restart} ELSE "rate_limits"."window_start" END`, [
        opts.expiredAtOrBefore,
        ...restartArgs,
      ]),
      count: db.raw(`CASE WHEN ${expired} THEN 1 ELSE "rate_limits"."count" + 1 END`, [opts.expiredAtOrBefore]),
    })
    .returning(['window_start', 'count']);
  const row = rows[0];
  if (!row) throw new Error(`rate limit upsert returned no row for ${bucket}`);
  return { windowStart: toIso(row.window_start), count: Number(row.count) };
}

/**
 * Takes back one attempt counted by countHit (an attempt that turned out not to be a failure, or one that
 * was refused before anything was checked). Never below 0; a window that has since restarted is left as is
 * only by accident of timing, which can only make the limit stricter.
 */
export async function uncountHit(db: Knex, bucket: string): Promise<void> {
  await db('rate_limits').where({ bucket }).where('count', '>', 0).decrement('count', 1);
}

export async function deleteBucket(db: Knex, bucket: string): Promise<void> {
  await db('rate_limits').where({ bucket }).delete();
}

/** Deletes buckets whose window started before `before` (housekeeping: pass now minus the longest window). */
export async function pruneRateLimits(db: Knex, before: Date): Promise<number> {
  return db('rate_limits').where('window_start', '<', before.toISOString()).del();
}
