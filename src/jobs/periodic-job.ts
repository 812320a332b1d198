/**
 * A task the server runs periodically (checkpoints, pruning, cleanup): the first run soon after start
 * (within `firstRunWithinMs`), then `pollMs` after each run ends, so two runs of one job never overlap;
 * a failure goes to `onError` (the server's logger) and the next run is still scheduled. `stop` waits
 * for a run under way.
 */
export abstract class PeriodicJob<T> {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  /** @param firstRunWithinMs the longest wait before the first run (the first run comes after min(pollMs, this)) */
  protected constructor(private readonly firstRunWithinMs = 10_000) {}

  /** One run of the task. */
  abstract runOnce(): Promise<T>;

  start(pollMs: number, onError: (err: unknown) => void): void {
    const tick = () => {
      this.running = this.runOnce()
        .catch(onError)
        .finally(() => {
          this.running = null;
          if (this.timer) this.timer = setTimeout(tick, pollMs);
        });
    };
    this.timer = setTimeout(tick, Math.min(pollMs, this.firstRunWithinMs));
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) await this.running;
  }
}
