/**
 * Housekeeping of the rate_limits table: a bucket whose window started longer ago than any limit's
 * window counts nothing any more (the next hit starts a new window), so its row is deleted. Without
 * this, every address and dossier code ever throttled would keep a row for ever.
 */
import type { Clock } from '../engine/clock';
import type { Db } from '../store/db';
import { pruneRateLimits } from '../store/rate-limit-store';
import { PeriodicJob } from './periodic-job';

/** How long a bucket is kept after its window started: longer than any window in use (the longest, the login throttle's, is 15 minutes). */
export const RATE_LIMIT_RETENTION_MS = 86_400_000;

/** A housekeeping task run every `pollMs` (the rate-limit buckets, the message log); runOnce returns how many rows it deleted. */
export class PeriodicPruneJob extends PeriodicJob<number> {
  constructor(private readonly task: () => Promise<number>) {
    super();
  }

  runOnce(): Promise<number> {
    return this.task();
  }
}

export class RateLimitPruneJob extends PeriodicPruneJob {
  constructor(deps: { db: Db; clock: Clock }) {
    super(() => pruneRateLimits(deps.db, new Date(deps.clock.now().getTime() - RATE_LIMIT_RETENTION_MS)));
  }
}
