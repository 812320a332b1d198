/**
 * Anchors the hash chains periodically (default daily): a checkpoint records a digest over every
 * dossier's chain head, so that deleting a whole dossier or its last events is detected later.
 * Runs only if no checkpoint is younger than the interval, so several instances do not pile them up.
 */
import type { Db } from '../store/db';
import type { Clock } from '../engine/clock';
import { createCheckpoint } from '../audit/checkpoints';
import { latestCheckpoint } from '../store/checkpoint-store';
import { PeriodicJob } from './periodic-job';

export class CheckpointJob extends PeriodicJob<boolean> {
  constructor(
    private readonly deps: { db: Db; clock: Clock },
    private readonly intervalMs = 86_400_000,
  ) {
    super();
  }

  /** Creates a checkpoint if the latest is older than the interval; returns whether it did. */
  async runOnce(): Promise<boolean> {
    const now = this.deps.clock.now();
    const last = await latestCheckpoint(this.deps.db);
    if (last && now.getTime() - Date.parse(last.createdAt) < this.intervalMs) return false;
    await createCheckpoint(this.deps.db, now);
    return true;
  }

  /** Checks every `pollMs` (default an hour) whether a checkpoint is due; a failure goes to `onError` (the server's logger). */
  override start(pollMs: number | undefined, onError: (err: unknown) => void): void {
    super.start(pollMs ?? 3_600_000, onError);
  }
}
