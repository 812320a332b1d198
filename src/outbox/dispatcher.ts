/**
 * The outbox dispatcher: runs in every server instance and delivers the queued deliveries through the channel
 * registered for each subscriber's kind (docs/integration.md). Each active subscriber has its own lane: a lane
 * claims a batch of that subscriber's due deliveries (each the earliest undelivered one of its dossier), leases
 * them, delivers them concurrently (different dossiers) under a per-attempt timeout, and records each outcome.
 * A slow or dead channel only slows its own lane. On PostgreSQL several instances share the work through the
 * claim's FOR UPDATE SKIP LOCKED; a crashed instance's leases run out and the deliveries are tried again with
 * the same key (at least once).
 */
import type { Db } from '../store/db';
import type { Clock } from '../engine/clock';
import {
  claimDeliveries,
  deliveryContext,
  listSubscribers,
  markDelivered,
  markFailed,
  type DeliveryRow,
  type SubscriberRow,
} from '../store/outbox-store';
import type { Channel, Delivery, DeliveryResult } from './channel';

export interface DispatcherOptions {
  /** attempts before a delivery is dead-lettered (default 10) */
  maxAttempts: number;
  /** the first retry's delay; doubled at each attempt (default 2 s) */
  baseDelayMs: number;
  /** the longest delay between attempts (default 1 h) */
  maxDelayMs: number;
  /** how long one attempt may take before it is abandoned as a retryable failure (default 10 s) */
  attemptTimeoutMs: number;
  /** how often an idle dispatcher looks for work (default 500 ms) */
  pollMs: number;
  /** deliveries one lane claims at a time (default 20) */
  batch: number;
  /** randomness for the jitter (tests pin it) */
  random?: () => number;
}

export const DEFAULT_DISPATCHER_OPTIONS: DispatcherOptions = {
  maxAttempts: 10,
  baseDelayMs: 2_000,
  maxDelayMs: 3_600_000,
  attemptTimeoutMs: 10_000,
  pollMs: 500,
  batch: 20,
};

/** The delay before attempt `attempt + 1`: exponential, capped, with "equal jitter" (half fixed, half random). */
export function backoffMs(attempt: number, opts: Pick<DispatcherOptions, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const exp = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

/** Observes each attempt's outcome (the Prometheus figures, the sync lag). */
export type DeliveryObserver = (d: Delivery, result: DeliveryResult, at: Date) => void;

export class OutboxDispatcher {
  private readonly channels = new Map<string, Channel>();
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly observers: DeliveryObserver[] = [];
  private readonly opts: DispatcherOptions;
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  private started = false;
  private ticking: Promise<void> | null = null;
  /** counts wake() calls: a lane that finds nothing looks once more if one came during its claim */
  private nudges = 0;
  /** a wake() came while a look for work was under way: look again as soon as it ends */
  private rerun = false;

  constructor(
    private readonly deps: { db: Db; clock: Clock },
    opts: Partial<DispatcherOptions> = {},
    private readonly onError: (err: unknown, context: Record<string, unknown>) => void = () => undefined,
  ) {
    this.opts = { ...DEFAULT_DISPATCHER_OPTIONS, ...opts };
  }

  /** Registers the channel that delivers to subscribers of `channel.kind` (one per kind). */
  register(channel: Channel): this {
    this.channels.set(channel.kind, channel);
    return this;
  }

  observe(observer: DeliveryObserver): this {
    this.observers.push(observer);
    return this;
  }

  /** Starts every idle lane that has work; resolves when the lanes it started have found nothing more to do. */
  async runOnce(): Promise<void> {
    await Promise.all(await this.startLanes());
  }

  /** Runs until nothing is due (tests): lanes until they find no work, repeated while anything was claimed. */
  async drain(): Promise<void> {
    await this.runOnce();
    await Promise.all([...this.lanes.values()]);
  }

  start(): void {
    this.stopping = false;
    this.started = true;
    this.tick(); // the first look starts now (whenIdle() then waits for it)
  }

  /**
   * Deliveries were just committed (in this process, or in another instance on PostgreSQL: src/outbox/wake.ts):
   * look for work now instead of at the next poll. Cheap and coalesced: while a look is under way, one more
   * follows it; a lane running meanwhile claims once more before it ends.
   */
  wake(): void {
    this.nudges += 1;
    if (!this.started || this.stopping) return;
    if (this.ticking) this.rerun = true;
    else this.tick();
  }

  /** resolves when no look for work and no lane is under way (tests) */
  async whenIdle(): Promise<void> {
    while (this.ticking || this.lanes.size) {
      await this.ticking;
      await Promise.all([...this.lanes.values()]);
    }
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), ms);
  }

  private tick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopping || this.ticking) return;
    this.rerun = false;
    // lanes run in the background: a slow one never delays the next look for other subscribers' work
    this.ticking = this.startLanes()
      .then(() => undefined)
      .catch((err) => this.onError(err, { job: 'outbox' }))
      .finally(() => {
        this.ticking = null;
        if (this.stopping) return;
        if (this.rerun) this.tick();
        else this.schedule(this.opts.pollMs);
      });
  }

  /** Stops claiming; waits for the attempts in flight (bounded by the attempt timeout) and closes the channels. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    await Promise.all([...this.lanes.values()]);
    for (const ch of this.channels.values()) await ch.close?.().catch((err) => this.onError(err, { channel: ch.kind }));
  }

  private async startLanes(): Promise<Promise<void>[]> {
    const subscribers = await listSubscribers(this.deps.db, { activeOnly: true });
    const started: Promise<void>[] = [];
    for (const sub of subscribers) {
      if (this.stopping || !this.channels.has(sub.kind) || this.lanes.has(sub.id)) continue;
      const lane = this.runLane(sub)
        .catch((err) => this.onError(err, { subscriber: sub.id }))
        .finally(() => this.lanes.delete(sub.id));
      this.lanes.set(sub.id, lane);
      started.push(lane);
    }
    return started;
  }

  private async runLane(sub: SubscriberRow): Promise<void> {
    const channel = this.channels.get(sub.kind)!;
    while (!this.stopping) {
      const seen = this.nudges;
      const now = this.deps.clock.now();
      // the lease outlives the attempt's timeout, so no other instance takes a delivery still being tried
      const leaseUntil = new Date(now.getTime() + this.opts.attemptTimeoutMs * 2 + 5_000).toISOString();
      const claimed = await claimDeliveries(this.deps.db, sub.id, now.toISOString(), leaseUntil, this.opts.batch);
      if (!claimed.length) {
        if (this.nudges === seen) return;
        continue; // woken during the claim: what was committed meanwhile may not have been visible to it
      }
      await Promise.all(claimed.map((row) => this.attempt(channel, sub, row)));
    }
  }

  private async attempt(channel: Channel, sub: SubscriberRow, row: DeliveryRow): Promise<void> {
    const ctx = await deliveryContext(this.deps.db, row);
    if (!ctx) {
      await markFailed(this.deps.db, row.id, 'the event or its dossier is missing', null, null);
      return;
    }
    const delivery: Delivery = {
      id: `${sub.id}:${row.dossierId}:${row.seq}`,
      rowId: row.id,
      attempt: row.attempts,
      subscriber: sub,
      event: ctx.event,
      dossier: ctx.dossier,
      eventId: `${row.dossierId}:${row.seq}`,
    };
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new Error(`timed out after ${this.opts.attemptTimeoutMs} ms`)),
      this.opts.attemptTimeoutMs,
    );
    let result: DeliveryResult;
    try {
      result = await Promise.race([
        channel.deliver(delivery, controller.signal),
        new Promise<DeliveryResult>((resolve) =>
          controller.signal.addEventListener('abort', () =>
            resolve({ outcome: 'retry', error: `timed out after ${this.opts.attemptTimeoutMs} ms` }),
          ),
        ),
      ]);
    } catch (err) {
      result = { outcome: 'retry', error: (err as Error)?.message ?? String(err) };
    } finally {
      clearTimeout(timer);
    }
    const at = this.deps.clock.now();
    if (result.outcome === 'delivered') {
      await markDelivered(this.deps.db, row.id, at.toISOString(), clip(result.providerAnswer));
    } else {
      const exhausted = result.outcome === 'permanent' || row.attempts >= this.opts.maxAttempts;
      const delay =
        result.outcome === 'retry' && result.retryAfterMs !== undefined
          ? Math.min(this.opts.maxDelayMs, result.retryAfterMs)
          : backoffMs(row.attempts, this.opts, this.opts.random ?? Math.random);
      await markFailed(
        this.deps.db,
        row.id,
        clip(result.error) ?? 'failed',
        clip(result.providerAnswer),
        exhausted ? null : new Date(at.getTime() + delay).toISOString(),
      );
    }
    for (const o of this.observers) {
      try {
        o(delivery, result, at);
      } catch (err) {
        this.onError(err, { observer: true });
      }
    }
  }
}

const clip = (s: string | undefined | null): string | null => (s === undefined || s === null ? null : s.slice(0, 2000));
