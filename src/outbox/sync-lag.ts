/**
 * The national portal's sync lag: from a dossier event (its stamped time, taken in the transaction that commits
 * it) to the portal's acknowledgement of the record it caused. Decree 63/2024 asks for inter-system sync within
 * 10 minutes. Exposed on GET /metrics as the histogram motcua_portal_sync_lag_seconds (this process's
 * acknowledgements); the age of the oldest delivery the portal has not acknowledged is read from the database at
 * scrape time (motcua_portal_sync_oldest_pending_seconds, src/observability/prometheus.ts) and flagged on the
 * supervisor's dashboard past 10 minutes.
 */
import type { DeliveryObserver } from './dispatcher';

export const PORTAL_SYNC_TARGET_SECONDS = 600;
const BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];

export class SyncLag {
  private readonly counts = BUCKETS.map(() => 0);
  private sum = 0;
  private count = 0;
  private readonly recent: number[] = [];

  /** Observes acknowledged portal deliveries that were actually sent (not those skipped for no status change). */
  observer(): DeliveryObserver {
    return (d, result, at) => {
      if (d.subscriber.kind !== 'portal' || result.outcome !== 'delivered' || result.providerAnswer?.startsWith('not sent')) return;
      this.add((at.getTime() - Date.parse(d.event.occurred_at)) / 1000);
    };
  }

  add(seconds: number): void {
    const s = Math.max(0, seconds);
    BUCKETS.forEach((b, i) => {
      if (s <= b) this.counts[i]! += 1;
    });
    this.sum += s;
    this.count += 1;
    this.recent.push(s);
    if (this.recent.length > 1000) this.recent.shift();
  }

  /** the last (up to 1000) lags, in seconds */
  samples(): number[] {
    return [...this.recent];
  }

  render(): string {
    const out = [
      '# HELP motcua_portal_sync_lag_seconds From a dossier event to the national portal acknowledging its status record (this process).',
      '# TYPE motcua_portal_sync_lag_seconds histogram',
    ];
    BUCKETS.forEach((b, i) => out.push(`motcua_portal_sync_lag_seconds_bucket{le="${b}"} ${this.counts[i]}`));
    out.push(`motcua_portal_sync_lag_seconds_bucket{le="+Inf"} ${this.count}`);
    out.push(`motcua_portal_sync_lag_seconds_sum ${this.sum}`);
    out.push(`motcua_portal_sync_lag_seconds_count ${this.count}`);
    return out.join('\n');
  }
}
