/**
 * Housekeeping of the rate_limits table: a bucket whose window started longer ago than any limit's
 * window counts nothing any more (the next hit starts a new window), so its row is deleted. Without
 * this, every address and dossier code ever throttled would keep a row for ever.
 */
import type { Clock } from '../engine/clock';
import type { Db } from '../store/db';
import { pruneRateLimits } from '../store/rate-limit-store';

/** How long a bucket is kept after its window started: longer than any window in use (the longest, the login throttle's, is 15 minutes). */
export const RATE_LIMIT_RETENTION_MS = 86_400_000;

/** A housekeeping task run every `pollMs` (the rate-limit buckets, the message log); a failure goes to `onError`. */
export class PeriodicPruneJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(private readonly task: () => Promise<number>) {}

  /** Runs the task once; returns how many rows it deleted. */
  runOnce(): Promise<number> {
    return this.task();
  }

  /** Prunes every `pollMs` (an hour by default); a failure goes to `onError` (the server's logger). */
  start(pollMs: number, onError: (err: unknown) => void): void {
    const tick = () => {
      this.running = this.runOnce()
        .catch(onError)
        .finally(() => {
          this.running = null;
          if (this.timer) this.timer = setTimeout(tick, pollMs);
        });
    };
    this.timer = setTimeout(tick, Math.min(pollMs, 10_000));
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) await this.running;
  }
}

export class RateLimitPruneJob extends PeriodicPruneJob {
  constructor(deps: { db: Db; clock: Clock }) {
    super(() => pruneRateLimits(deps.db, new Date(deps.clock.now().getTime() - RATE_LIMIT_RETENTION_MS)));
  }
}
