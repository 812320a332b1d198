/**
 * The message log's retention (docs/notifications.md): entries older than the configured number of days
 * (`retentionDays`, admin settings) are deleted every hour.
 */
import type { Db } from '../store/db';
import type { Clock } from '../engine/clock';
import { pruneMessages } from '../store/notify-store';
import { loadNotifySettings } from '../notify/applicant-channel';
import { PeriodicPruneJob } from './rate-limit-prune';

export async function pruneMessageLog(deps: { db: Db; clock: Clock }): Promise<number> {
  const { retentionDays } = await loadNotifySettings(deps.db);
  return pruneMessages(deps.db, new Date(deps.clock.now().getTime() - retentionDays * 86_400_000).toISOString());
}

export class NotifyLogPruneJob extends PeriodicPruneJob {
  constructor(deps: { db: Db; clock: Clock }) {
    super(() => pruneMessageLog(deps));
  }
}
