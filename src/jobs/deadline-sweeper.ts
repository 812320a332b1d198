/**
 * The deadline sweeper: sends DEADLINE_APPROACHING and DEADLINE_PASSED when their moment comes.
 * A sweep reads only the dossiers whose stored next_check_at has passed (an index range scan), so its
 * cost follows the number of dossiers that change, not the number open. Safe with several instances:
 * each dossier is handled under its row lock and the chart accepts each flag once.
 */
import type { Db } from '../store/db';
import type { Clock } from '../engine/clock';
import type { DossierEngine } from '../engine/engine';
import { findDueForCheck } from '../store/dossier-store';

export interface SweepResult {
  checked: number;
  sent: number;
  skipped: number;
}

export class DeadlineSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SweepResult> | null = null;
  private stopping = false;

  constructor(
    private readonly deps: { db: Db; engine: DossierEngine; clock: Clock },
    private readonly batch = 200,
  ) {}

  /** One sweep to completion (or until stop() is called: it stops between dossiers). */
  async sweepOnce(): Promise<SweepResult> {
    const result: SweepResult = { checked: 0, sent: 0, skipped: 0 };
    const seen: string[] = [];
    for (;;) {
      const codes = await findDueForCheck(this.deps.db, this.deps.clock.now().toISOString(), this.batch, seen);
      if (!codes.length) return result;
      for (const code of codes) {
        if (this.stopping) return result;
        seen.push(code);
        const outcome = await this.deps.engine.sweepDossier(code);
        result.checked += 1;
        if (outcome === 'sent') result.sent += 1;
        if (outcome === 'skipped') result.skipped += 1;
      }
    }
  }

  /** Runs a sweep now unless one is already running, in which case it waits for that one. */
  sweep(): Promise<SweepResult> {
    if (!this.running) this.running = this.sweepOnce().finally(() => (this.running = null));
    return this.running;
  }

  /** Sweeps every `intervalMs`; a failed sweep goes to `onError` (the server's logger) and the next one still runs. */
  start(intervalMs: number, onError: (err: unknown) => void): void {
    this.stopping = false;
    const tick = () => {
      this.sweep()
        .catch(onError)
        .finally(() => {
          if (!this.stopping) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, intervalMs);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) await this.running.catch(() => undefined);
  }
}
