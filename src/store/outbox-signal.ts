/**
 * Waking the outbox dispatchers as soon as deliveries are committed (docs/integration.md, "Wake-up"), instead of
 * at their next poll:
 * - in this process: `signalAfterCommit` (called by the append path with the transaction that queued deliveries)
 *   runs the listeners registered with `onOutboxCommitted` for the same database once that transaction has
 *   committed (never for a rolled-back one);
 * - across instances on PostgreSQL: `notifyOutbox` sends a NOTIFY on the database's outbox channel and
 *   `listenForOutbox` keeps a dedicated connection LISTENing on it.
 * Polling stays as the fallback (a lost notification, a connection being re-opened, a delivery's back-off).
 */
import pg from 'pg';
import type { Knex } from 'knex';
import { dialectOfKnex } from './db';

/**
 * After-commit signals held for one work of a group-commit batch (./group-commit.ts): the batch's transaction is
 * shared, so a signal waits for the work to be kept (its savepoint released), and runs after the batch's COMMIT.
 */
const heldSignals = new WeakMap<object, (() => void)[]>();

/**
 * From now until `end()`, what is asked to run after `tx` commits is held, not attached to the transaction;
 * `end()` gives it back (the group committer runs it after its COMMIT, or drops it with a work rolled back).
 */
export function collectAfterCommit(tx: Knex.Transaction): { end(): (() => void)[] } {
  const held: (() => void)[] = [];
  heldSignals.set(tx, held);
  return {
    end() {
      if (heldSignals.get(tx) === held) heldSignals.delete(tx);
      return held;
    },
  };
}

/**
 * Listeners by database, run after a transaction on that database commits: a transaction's client shares its
 * configuration object with the Knex instance that opened it, so that object identifies "the same database
 * handle" (several handles in one process, as in tests or two instances, never wake each other in-process).
 * Used for the outbox's wake-up here and for the events counted by GET /metrics (./event-signal.ts).
 */
export function commitListeners<A extends unknown[]>(): {
  /** registers `fn` for `db`; returns the unregistration */
  on(db: Knex, fn: (...args: A) => void): () => void;
  /** after `tx` commits (at once when it is not a transaction), runs the listeners of its database; never throws */
  fireAfterCommit(tx: Knex | Knex.Transaction, ...args: A): void;
} {
  const listeners = new WeakMap<object, Set<(...args: A) => void>>();
  const keyOf = (db: Knex | Knex.Transaction): object => (db.client as { config: object }).config;
  return {
    on(db, fn) {
      const key = keyOf(db);
      const set = listeners.get(key) ?? new Set();
      listeners.set(key, set);
      set.add(fn);
      return () => void set.delete(fn);
    },
    fireAfterCommit(tx, ...args) {
      const set = listeners.get(keyOf(tx));
      if (!set?.size) return;
      const fire = () => {
        for (const fn of set) {
          try {
            fn(...args);
          } catch {
            // a listener's failure must not reach the committed request
          }
        }
      };
      const held = heldSignals.get(tx);
      if (held) return void held.push(fire);
      const t = tx as Partial<Knex.Transaction>;
      if (t.isTransaction && t.executionPromise) t.executionPromise.then(fire, () => undefined);
      else fire();
    },
  };
}

const outboxCommitted = commitListeners<[]>();

/** Registers `fn` to run after each commit that queued deliveries on `db`; returns the unregistration. */
export function onOutboxCommitted(db: Knex, fn: () => void): () => void {
  return outboxCommitted.on(db, fn);
}

/** After `tx` commits (at once when it is not a transaction), wakes its database's dispatchers (polling still delivers if one fails). */
export function signalAfterCommit(tx: Knex | Knex.Transaction): void {
  outboxCommitted.fireAfterCommit(tx);
}

/** The NOTIFY channel of this database and schema (instances of another schema on the same server are not woken). */
export function outboxChannelName(db: Knex): string {
  const searchPath = (db.client as { config: { searchPath?: unknown } }).config.searchPath;
  const schema = Array.isArray(searchPath) ? String(searchPath[0] ?? 'public') : typeof searchPath === 'string' ? searchPath : 'public';
  return `motcua_outbox.${schema}`.slice(0, 63);
}

/** PostgreSQL: tells every instance listening on this database that deliveries were committed. */
export async function notifyOutbox(db: Knex): Promise<void> {
  await db.raw(`SELECT pg_notify(?, '')`, [outboxChannelName(db)]);
}

export interface OutboxListener {
  /** resolves once the first connection LISTENs (or failed: then it retries in the background) */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * PostgreSQL: a dedicated connection (outside the pool) LISTENing on the outbox channel; `onNotify` runs for each
 * notification and once after each (re)connection (notifications sent while disconnected are lost). A lost
 * connection is re-opened after `retryMs`; errors go to `onError`. Null on SQLite.
 */
export function listenForOutbox(db: Knex, onNotify: () => void, onError: (err: unknown) => void, retryMs = 1_000): OutboxListener | null {
  if (dialectOfKnex(db) !== 'postgres') return null;
  const connection = (db.client as { config: { connection: string | pg.ClientConfig } }).config.connection;
  const channel = outboxChannelName(db);
  let client: pg.Client | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  const reconnect = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void open();
    }, retryMs);
  };
  const open = async () => {
    const c = new pg.Client(typeof connection === 'string' ? { connectionString: connection } : connection);
    client = c;
    c.on('notification', (msg) => {
      if (msg.channel === channel) onNotify();
    });
    c.on('error', (err) => {
      onError(err);
      void c.end().catch(() => undefined);
      if (client === c) client = null;
      reconnect();
    });
    try {
      await c.connect();
      await c.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
      if (closed) {
        await c.end();
        return;
      }
      onNotify();
    } catch (err) {
      onError(err);
      void c.end().catch(() => undefined);
      if (client === c) client = null;
      reconnect();
    }
  };
  const ready = open();
  return {
    ready,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}
