/**
 * The engine's transactions without Knex's per-transaction object (issue 16). `db.transaction()` builds, for each
 * transaction, a Transaction (an EventEmitter and four promise chains), a client copy with four listeners and a
 * whole Knex instance (`makeKnex`: a hundred-odd methods defined afresh on a new function): about a tenth of an
 * engine transition's CPU on better-sqlite3, and garbage. Here BEGIN, COMMIT and ROLLBACK go straight to the
 * connection (the dialect's own driver call; on PostgreSQL the BEGIN with the transaction's first statement, TxState), and the transaction handed to the work is a thin view over one Knex instance made
 * once per database handle, bound to this transaction's connection:
 * - it is a full `Knex.Transaction` for the work: `tx('table')`, `tx.raw`, `runInTx`, nested `tx.transaction`
 *   (a savepoint), `isTransaction`, `executionPromise` (settled after COMMIT or ROLLBACK, as Knex's);
 * - its statements run on its connection only while it is open: a statement sent on it after COMMIT or ROLLBACK
 *   fails ("Transaction query already complete", as with Knex) and never runs in a later transaction;
 * - COMMIT happens when the work resolves; when it throws, ROLLBACK, and the work's error is what the caller
 *   gets; a failed COMMIT is followed by a ROLLBACK (SQLite keeps a transaction open after a COMMIT that failed)
 *   and its error is the caller's; the connection goes back to the pool either way;
 * - on PostgreSQL the work's last statement may carry the COMMIT (`takeCommit`; src/store/direct-sql.ts `runInTx`
 *   with `commit`, the engine's one write statement): the transaction is committed once that statement has
 *   succeeded, and refuses any statement after it; if it failed, nothing was committed, and the transaction rolls
 *   back as above. Either way the work's result is given, and `executionPromise` settled (the after-commit
 *   signals), only after the COMMIT has succeeded.
 * What a transaction reads and locks (PostgreSQL's FOR UPDATE) is unchanged: every statement of the work runs on
 * the one connection between BEGIN and COMMIT, as in Knex's transaction.
 */
import type { Knex } from 'knex';
import { takeIdleConnection, type PoolClient } from './direct-sql';

// Knex's own constructor of an instance over a client (untyped; what its transactions use, once each)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const makeKnex = require('knex/lib/knex-builder/make-knex') as (client: unknown) => Knex;

interface KnexClient extends PoolClient {
  constructor: { prototype: object };
  version?: unknown;
  driver?: unknown;
  connectionSettings?: unknown;
  valueForUndefined?: unknown;
  logger?: unknown;
  transacting?: boolean;
  query(conn: unknown, obj: unknown): Promise<unknown>;
  /** the dialect's own call of its driver, below Knex's runner and formatting */
  _query(conn: unknown, obj: { sql: string; bindings: unknown[]; method: string }): Promise<unknown>;
  stream(conn: unknown, obj: unknown, stream: unknown, options: unknown): Promise<unknown>;
  queryBuilder(): { table(name: unknown, options?: unknown): unknown };
  releaseConnection(conn: unknown): Promise<void>;
  on(event: string, fn: (...args: unknown[]) => void): void;
}

/**
 * One open (or ended) transaction: its connection, whether it ended, and its execution promise if one was asked for.
 * On PostgreSQL the BEGIN is not sent alone: `beginPending` until the transaction's first statement, which either
 * carries it (src/store/direct-sql.ts, `takeBegin`) or has it sent just before it (`acquireConnection`); `begun`
 * settles once it has run (rejected if it failed: every later statement of the transaction, and its COMMIT, fail).
 * Its COMMIT may go with its last statement (`takeCommit`): `committing` settles once that statement has run, with
 * the COMMIT (then `committed`, and the transaction is done) or without it (its error).
 */
interface TxState {
  conn: { __knexTxId?: string };
  done: boolean;
  beginPending: boolean;
  begun?: Promise<void>;
  committing?: Promise<void>;
  committed?: boolean;
  /** its COMMIT is not handed to a statement (a group commit's transaction, shared by several works in savepoints) */
  keepCommit?: boolean;
  settle?: { resolve(value: unknown): void; reject(err: unknown): void };
  promise?: Promise<unknown>;
}

/** What each transaction's client carries beside the shared one's behaviour. */
interface BoundClient extends KnexClient {
  txState: TxState;
}

interface Shared {
  knex: Knex & { context: object };
  client: KnexClient;
}

const completed = () => new Error('Transaction query already complete, run with DEBUG=knex:tx for more info');

/** The Knex instance shared by every direct transaction on `db`: its client runs on the connection of the transaction it is viewed through. */
const sharedOf = new WeakMap<object, Shared>();

function shared(db: Knex): Shared {
  const base = db.client as unknown as KnexClient;
  let s = sharedOf.get(base);
  if (s) return s;
  // as Knex's own transaction client (knex/lib/execution/transaction.js makeTxClient), but per transaction
  // through `this.txState` instead of one closure per transaction
  const client = Object.create(base.constructor.prototype) as KnexClient;
  Object.assign(client, {
    version: base.version,
    config: base.config,
    driver: base.driver,
    connectionSettings: base.connectionSettings,
    transacting: true,
    valueForUndefined: base.valueForUndefined,
    logger: base.logger,
  });
  for (const event of ['start', 'query', 'query-error', 'query-response'])
    client.on(event, (...args: unknown[]) => void (base as unknown as { emit(e: string, ...a: unknown[]): boolean }).emit(event, ...args));
  const query = client.query;
  const stream = client.stream;
  const open = (c: BoundClient, conn: unknown): void => {
    if (!c.txState || c.txState.done) throw completed();
    if (conn !== c.txState.conn) throw new Error('Invalid connection for transaction query.');
  };
  client.query = function (this: BoundClient, conn, obj) {
    try {
      open(this, conn);
    } catch (err) {
      return Promise.reject(err);
    }
    return query.call(this, conn, obj);
  };
  client.stream = function (this: BoundClient, conn, obj, out, options) {
    try {
      open(this, conn);
    } catch (err) {
      return Promise.reject(err);
    }
    return stream.call(this, conn, obj, out, options);
  };
  client.acquireConnection = function (this: BoundClient) {
    const state = this.txState;
    if (!state || state.done) return Promise.reject(completed());
    if (state.beginPending) {
      state.beginPending = false;
      state.begun = control(base, state.conn, 'BEGIN;');
      state.begun.catch(() => undefined);
    }
    return state.begun ? state.begun.then(() => state.conn) : Promise.resolve(state.conn);
  };
  client.takeBegin = function (this: BoundClient) {
    const state = this.txState;
    if (!state || state.done || !state.beginPending) return undefined;
    state.beginPending = false;
    let settle!: (err?: unknown) => void;
    state.begun = new Promise<void>((resolve, reject) => (settle = (err) => (err === undefined ? resolve() : reject(err))));
    state.begun.catch(() => undefined);
    return { conn: state.conn, settle };
  };
  client.takeCommit = function (this: BoundClient) {
    const state = this.txState;
    if (!state || state.done || state.beginPending || state.committing || state.keepCommit) return undefined;
    let settle!: (err?: unknown) => void;
    state.committing = new Promise<void>(
      (resolve, reject) =>
        (settle = (err) => {
          if (err !== undefined) return reject(err);
          // committed: nothing more runs in it (a statement now fails, as after any COMMIT)
          state.committed = true;
          state.done = true;
          resolve();
        }),
    );
    state.committing.catch(() => undefined);
    return { conn: state.conn, begun: state.begun, settle };
  };
  client.releaseConnection = () => Promise.resolve();
  s = { knex: makeKnex(client) as Knex & { context: object }, client };
  sharedOf.set(base, s);
  return s;
}

/**
 * `tx`'s COMMIT stays its own, sent when its work resolves: no statement carries it (takeCommit), whatever the
 * statement says of itself. For a transaction several works share (src/store/group-commit.ts), each in a savepoint.
 */
export function keepCommit(tx: Knex.Transaction): void {
  const state = (tx.client as unknown as Partial<BoundClient>).txState;
  if (state) state.keepCommit = true;
}

let txCount = 0;

/**
 * BEGIN, COMMIT or ROLLBACK on `conn`: the dialect's own driver call (what Knex's transaction ends in, without its
 * runner), announced as Knex announces it, a failure named by its statement as Knex names it.
 */
async function control(client: KnexClient, conn: TxState['conn'], sql: string): Promise<void> {
  client.emit('query', { sql, bindings: [], method: 'raw', __knexTxId: conn.__knexTxId });
  try {
    await client._query(conn, { sql, bindings: [], method: 'raw' });
  } catch (err) {
    if (err instanceof Error) err.message = `${sql} - ${err.message}`;
    throw err;
  }
}

/** The transaction object the work sees: the shared Knex instance, with this transaction's client and state. */
function view(s: Shared, state: TxState): Knex.Transaction {
  const client = Object.create(s.client) as BoundClient;
  client.txState = state;
  const context = Object.create(s.knex.context) as { client: unknown };
  context.client = client;
  const own: Record<PropertyKey, unknown> = {
    context,
    client,
    isTransaction: true,
    isCompleted: () => state.done,
    commit: () => Promise.reject(new Error('a direct transaction commits when its work resolves')),
    rollback: () => Promise.reject(new Error('a direct transaction rolls back when its work throws')),
  };
  return new Proxy(s.knex, {
    get(target, prop, receiver) {
      if (prop === 'executionPromise') return executionPromise(state);
      if (Object.prototype.hasOwnProperty.call(own, prop)) return own[prop];
      return Reflect.get(target, prop, receiver) as unknown;
    },
    apply(_target, _this, args: unknown[]) {
      const qb = client.queryBuilder();
      return args[0] ? qb.table(args[0], args[1]) : qb;
    },
  }) as unknown as Knex.Transaction;
}

/** Settled when the transaction ends: with the work's value after COMMIT, with the error after ROLLBACK (as Knex's). */
function executionPromise(state: TxState): Promise<unknown> {
  if (!state.promise) {
    state.promise = new Promise((resolve, reject) => (state.settle = { resolve, reject }));
    state.promise.catch(() => undefined);
  }
  return state.promise;
}

/**
 * Runs `work` in one transaction on a connection of `db` (see above): committed when it resolves, rolled back
 * when it throws.
 */
export async function inDirectTransaction<T>(db: Knex, work: (tx: Knex.Transaction) => Promise<T>): Promise<T> {
  const s = shared(db);
  const base = db.client as unknown as KnexClient;
  // better-sqlite3's idle connection is taken at once (src/store/direct-sql.ts, takeIdleConnection)
  const conn = ((takeIdleConnection(base) as TxState['conn'] | undefined) ?? (await base.acquireConnection())) as TxState['conn'];
  // PostgreSQL: the BEGIN goes with the first statement (TxState); SQLite's is sent now, as ever
  const state: TxState = { conn, done: false, beginPending: base.config.client === 'pg' };
  conn.__knexTxId = `dtx${++txCount}`;
  let value: T;
  try {
    if (!state.beginPending) await control(base, conn, 'BEGIN;');
    try {
      value = await work(view(s, state));
      // its last statement carried its COMMIT (PostgreSQL, takeCommit): committed once that has succeeded
      if (state.committing) await state.committing;
      // a work that ran no statement began nothing, and has nothing to commit
      else if (!state.beginPending) {
        await state.begun;
        await control(base, conn, 'COMMIT;');
      }
    } catch (err) {
      const began = !state.beginPending && !state.committed;
      state.done = true;
      // the work's error (or the COMMIT's) is the caller's; a ROLLBACK that fails (no transaction left) adds nothing
      // (a statement that carried the COMMIT and failed left the transaction aborted, or ended by the failed COMMIT)
      if (began) await control(base, conn, 'ROLLBACK').catch(() => undefined);
      state.settle?.reject(err);
      throw err;
    }
  } finally {
    state.done = true;
    delete conn.__knexTxId;
    await base.releaseConnection(conn);
  }
  state.settle?.resolve(value);
  return value;
}
