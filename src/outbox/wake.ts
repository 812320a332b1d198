/**
 * Instant wake-up of the outbox dispatchers (docs/integration.md, "Wake-up"): after a commit that queued
 * deliveries, this instance's dispatcher looks for work at once; on PostgreSQL the instance also sends a NOTIFY
 * so that every other instance's dispatcher does too (each keeps one LISTEN connection). NOTIFYs are coalesced:
 * at most one in flight, and one more after it if commits came meanwhile, so a burst of commits costs a couple of
 * statements, never one per request, and none inside the dossier's transaction. Polling stays as the fallback.
 */
import type { Db } from '../store/db';
import { dialectOfKnex } from '../store/db';
import { listenForOutbox, notifyOutbox, onOutboxCommitted, type OutboxListener } from '../store/outbox-signal';
import type { OutboxDispatcher } from './dispatcher';

export class OutboxWaker {
  private off: (() => void) | null = null;
  private listener: OutboxListener | null = null;
  private sending: Promise<void> | null = null;
  private again = false;
  private readonly pg: boolean;

  /**
   * @param dispatcher this instance's dispatcher, woken by local commits and by other instances' NOTIFYs; null
   *   when this instance does not dispatch (it still tells the others)
   */
  constructor(
    private readonly db: Db,
    private readonly dispatcher: OutboxDispatcher | null,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {
    this.pg = dialectOfKnex(db) === 'postgres';
  }

  start(): void {
    this.off = onOutboxCommitted(this.db, () => {
      this.dispatcher?.wake();
      if (this.pg) this.notify();
    });
    if (this.pg && this.dispatcher) {
      const d = this.dispatcher;
      this.listener = listenForOutbox(this.db, () => d.wake(), this.onError);
    }
  }

  /** resolves when this instance LISTENs for the others' commits (at once on SQLite or without a dispatcher) */
  async ready(): Promise<void> {
    await this.listener?.ready;
  }

  private notify(): void {
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = notifyOutbox(this.db)
      .catch(this.onError)
      .finally(() => {
        this.sending = null;
        if (this.again && this.off) {
          this.again = false;
          this.notify();
        }
      });
  }

  async stop(): Promise<void> {
    this.off?.();
    this.off = null;
    await this.sending;
    await this.listener?.close();
    this.listener = null;
  }
}
