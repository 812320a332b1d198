/**
 * The outbox's retention (docs/integration.md, "Retention"): every hour, the deliveries finished (sent or
 * discarded) more than MOTCUA_OUTBOX_RETENTION_DAYS ago are deleted in batches, but only for events that every
 * subscriber is finished with; queued and dead-lettered deliveries are kept whatever their age.
 */
import type { Db } from '../store/db';
import type { Clock } from '../engine/clock';
import { pruneFinishedDeliveries } from '../store/outbox-store';
import { PeriodicPruneJob } from './rate-limit-prune';

/** rows deleted per statement, so one run never holds a long lock on a large backlog */
const BATCH = 5_000;

export async function pruneOutbox(deps: { db: Db; clock: Clock }, retentionDays: number): Promise<number> {
  if (retentionDays <= 0) return 0;
  const before = new Date(deps.clock.now().getTime() - retentionDays * 86_400_000).toISOString();
  let total = 0;
  for (;;) {
    const n = await pruneFinishedDeliveries(deps.db, before, BATCH);
    total += n;
    if (n < BATCH) return total;
  }
}

export class OutboxPruneJob extends PeriodicPruneJob {
  constructor(deps: { db: Db; clock: Clock }, retentionDays: number) {
    super(() => pruneOutbox(deps, retentionDays));
  }
}
