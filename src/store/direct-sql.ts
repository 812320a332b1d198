/**
 * The write path's statements, sent straight to the driver of a transaction's connection (issue 16). Knex
 * builds each query afresh (builder, compiler, bindings, runner, events: a third of a transition's CPU beside
 * the driver itself), although the hot path's SQL has a handful of shapes; these statements are written once
 * here, in the store, with `?` placeholders, numbered `$n` for PostgreSQL once per text and kept. The
 * transaction itself (BEGIN, COMMIT, ROLLBACK, its one connection) stays Knex's, and so does every other query.
 *
 * Each driver is called as Knex calls it: better-sqlite3 `prepare(sql).run/all` (the connection keeps its
 * prepared statements, src/store/db.ts `cacheStatements`), sqlite3 `run/all` on a statement kept per SQL text,
 * pg `query({ name, text, values })`: a named prepared statement, parsed once per connection and text, whose plan
 * the server keeps (see `pgStatement`). Values are bound as Knex binds them (booleans as 0/1 on SQLite, undefined as
 * null). The statement is announced as Knex announces its own (the `query` event), so what listens to the
 * queries of a transaction (tests counting statements, the plans benchmark) still sees these.
 */
import type { Knex } from 'knex';
import pg from 'pg';

export type Row = Record<string, unknown>;

/** What a statement gave: its rows (a SELECT, or RETURNING) and how many rows it changed. */
export interface DirectResult {
  rows: Row[];
  changes: number;
}

interface BetterSqliteStatement {
  reader: boolean;
  all(...params: unknown[]): Row[];
  run(...params: unknown[]): { changes: number };
}

interface Sqlite3Statement {
  all(params: unknown[], cb: (err: Error | null, rows: Row[]) => void): void;
  run(params: unknown[], cb: (this: { changes: number }, err: Error | null) => void): void;
  finalize(cb: (err: Error | null) => void): void;
}

interface Sqlite3Connection {
  prepare(sql: string, cb: (err: Error | null) => void): Sqlite3Statement;
  close(cb: (err: Error | null) => void): void;
}

interface PgResult {
  rows: Row[];
  rowCount: number | null;
}

interface PgConnection {
  query(query: DirectQuery): DirectQuery;
}

/** A field of a RowDescription, as pg hands it to `Result.addFields`. */
interface FieldDescription {
  name: string;
  dataTypeID: number;
  format?: string;
}

/** The parts of pg's Result that `addFields` sets (pg/lib/result.js). */
interface PgResultState {
  fields: FieldDescription[];
  _types: unknown;
  _parsers: unknown;
  _prebuiltEmptyResultObject: unknown;
  addFields(fields: FieldDescription[]): void;
}

/** What `addFields` made of a statement's RowDescription on one connection, kept for its next executions. */
interface KeptFields {
  fields?: FieldDescription[];
  types?: unknown;
  parsers?: unknown;
  prebuilt?: unknown;
}

function sameFields(a: readonly FieldDescription[], b: readonly FieldDescription[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (a[i]!.name !== b[i]!.name || a[i]!.dataTypeID !== b[i]!.dataTypeID || a[i]!.format !== b[i]!.format) return false;
  return true;
}

/**
 * A direct statement's query object (issue 16, h16pgcpu: measured per call, pg's own path cost ≈ 2.5 µs to copy the
 * config object and ≈ 29 µs to turn the 50 fields of `SELECT * FROM dossiers` into parsers and an empty row on
 * every execution). Made from its text (pg copies a config object property by property, not a string), its name
 * and values set as pg's constructor sets them; its RowDescription is turned into the result's fields, parsers
 * and empty row by pg's own `addFields` the first time, and the same ones are taken again while the connection
 * describes the same fields (names, types and formats) with the same type parsers.
 */
class DirectQuery extends pg.Query {
  constructor(
    text: string,
    name: string | undefined,
    values: unknown[],
    private readonly kept: KeptFields,
  ) {
    super(text);
    const self = this as unknown as { name?: string; values: unknown[] };
    self.name = name;
    self.values = values;
  }

  handleRowDescription(msg: { fields: FieldDescription[] }): void {
    const self = this as unknown as { _checkForMultirow(): void; _result: PgResultState };
    // pg's own first step: the result these fields are for (a new one after a first command's)
    self._checkForMultirow();
    const result = self._result;
    const kept = this.kept;
    result.addFields = (fields) => {
      if (kept.fields && kept.types === result._types && sameFields(kept.fields, fields)) {
        result.fields = fields;
        result._parsers = kept.parsers;
        result._prebuiltEmptyResultObject = kept.prebuilt;
        return;
      }
      (pg.Result.prototype as unknown as PgResultState).addFields.call(result, fields);
      Object.assign(kept, { fields, types: result._types, parsers: result._parsers, prebuilt: result._prebuiltEmptyResultObject });
    };
    (pg.Query.prototype as unknown as { handleRowDescription(msg: unknown): void }).handleRowDescription.call(this, msg);
  }
}

/** Sends `text` on `conn` as a DirectQuery; its result (an array of results for several commands in one simple query). */
function sendQuery(
  conn: PgConnection,
  text: string,
  name: string | undefined,
  values: unknown[],
  kept: KeptFields,
): Promise<PgResult | PgResult[]> {
  return new Promise((resolve, reject) => {
    const query = new DirectQuery(text, name, values, kept);
    (query as unknown as { callback(err: Error | null, result: unknown): void }).callback = (err, result) =>
      err ? reject(err) : resolve(result as PgResult | PgResult[]);
    conn.query(query);
  });
}

/** BEGIN or COMMIT alone on `conn`, a failure named by its statement as Knex names it. */
async function sendControl(conn: PgConnection, sql: string): Promise<void> {
  try {
    await sendQuery(conn, sql, undefined, [], {});
  } catch (err) {
    if (err instanceof Error) err.message = `${sql} - ${err.message}`;
    throw err;
  }
}

export interface TxClient {
  config: { client: string };
  acquireConnection(): Promise<unknown>;
  /**
   * A direct transaction on PostgreSQL whose BEGIN is not sent yet (src/store/direct-transaction.ts): hands it to
   * the caller, who sends it with (or just before) its statement and then settles it; undefined otherwise.
   */
  takeBegin?(): { conn: unknown; settle(err?: unknown): void } | undefined;
  /**
   * A direct transaction on PostgreSQL that has begun (its BEGIN sent with an earlier statement, `begun` settled once
   * it ran) and has not ended: hands its COMMIT to the caller, who sends it with its statement and then settles it
   * (success: committed; an error: nothing committed, the transaction rolls back); undefined otherwise.
   */
  takeCommit?(): { conn: unknown; begun: Promise<void> | undefined; settle(err?: unknown): void } | undefined;
  emit(event: 'query', data: { sql: string; bindings: unknown[]; method: string; __knexTxId?: string }): boolean;
}

/** A resource of tarn's pool (tarn/dist/Resource.js): `resolve()` settles it and gives its next entry. */
interface PoolResource {
  resource: { __knex__disposed?: unknown };
  resolve(): PoolResource;
}

export interface PoolClient extends TxClient {
  releaseConnection(conn: unknown): Promise<void>;
  /** Knex's tarn pool (undefined once the handle is destroyed) */
  pool?: {
    free: PoolResource[];
    used: PoolResource[];
    pendingAcquires: unknown[];
    pendingValidations: unknown[];
    pendingCreates: unknown[];
  };
}

/**
 * better-sqlite3: the pool's connection when nobody holds it and nobody waits for it, else undefined. A statement
 * on better-sqlite3 runs synchronously, so a read sent on the idle connection ends before any other code runs:
 * no transaction can be open on it meanwhile (an open transaction holds the connection: it is not free), and it
 * cannot be taken from under the read. Taking it from the pool instead costs tarn's acquire (two pending
 * operations, each a promise and a timer, and an asynchronous validation) and release, twice or more per request
 * (the session lookup, the names a view shows): bench/RESULTS.md, h16http4. When the connection is held (a
 * transaction is open, or a query of Knex's is running) or others wait, the read queues through the pool as before.
 */
function idleBetterSqlite(client: PoolClient): object | undefined {
  if (client.config.client !== 'better-sqlite3') return undefined;
  const pool = client.pool;
  if (!pool || pool.pendingAcquires.length || pool.pendingValidations.length || pool.pendingCreates.length) return undefined;
  const conn = pool.free[pool.free.length - 1]?.resource;
  return conn && !conn.__knex__disposed ? conn : undefined;
}

/**
 * better-sqlite3: takes the idle connection (as idleBetterSqlite finds it) out of the pool as tarn's own acquire
 * does once its validation has passed (the free entry moved to the used ones: the pool counts it held, and every
 * other acquire waits for it), without the pending operations and their timers; given back by the client's
 * `releaseConnection`, as any connection of the pool. Undefined when there is no idle connection: then acquire.
 */
export function takeIdleConnection(client: PoolClient): unknown {
  if (!idleBetterSqlite(client)) return undefined;
  const pool = client.pool!;
  const free = pool.free.pop()!;
  pool.used.push(free.resolve());
  return free.resource;
}

/**
 * A statement's PostgreSQL text (`?` placeholders numbered `$1…$n`) and the name it is prepared under. PostgreSQL
 * parses, analyses and plans an unnamed statement at every execution: measured in the HTTP bench, two fifths of its
 * backends' CPU per transition went there (the write path's WITH statements take longer to plan than to run; see
 * bench/RESULTS.md, h16pg). A named statement is parsed once per connection; after five executions the server keeps
 * a generic plan when it costs no more than the custom ones (an insert, an update by key, a lookup by a unique
 * index), so a transition's statements are then only bound and run. A name is never given to another text (a name
 * the server knows on a connection stays that text's); the write path has a few dozen texts.
 */
interface PgStatement {
  text: string;
  name: string;
}

const pgStatements = new Map<string, PgStatement>();
let pgStatementCount = 0;

function pgStatement(sql: string): PgStatement {
  let statement = pgStatements.get(sql);
  if (statement === undefined) {
    let n = 0;
    statement = { text: sql.replace(/\?/g, () => `$${++n}`), name: `motcua_${++pgStatementCount}` };
    if (pgStatements.size > 2000) pgStatements.clear();
    pgStatements.set(sql, statement);
  }
  return statement;
}

/** How many statements one pg connection prepares at most; past that, a new text runs unnamed (parsed each time). */
export const MAX_PREPARED_PER_CONNECTION = 200;

/**
 * What one pg connection has prepared: the names, those the server has answered to (`ready`: each ran once without
 * error, so the server knows it), and a generation bumped when its plans went stale (below).
 */
interface Prepared {
  names: Set<string>;
  ready: Set<string>;
  generation: number;
  /** by statement: what its result's fields made (DirectQuery) */
  fields: Map<PgStatement, KeptFields>;
}

const preparedOf = new WeakMap<object, Prepared>();

function preparedOn(conn: object): Prepared {
  let prepared = preparedOf.get(conn);
  if (!prepared) preparedOf.set(conn, (prepared = { names: new Set(), ready: new Set(), generation: 0, fields: new Map() }));
  return prepared;
}

/** The name `statement` has among what a connection prepared: its own, suffixed after its plans went stale (isStalePlan). */
function nameIn(prepared: Prepared, statement: PgStatement): string {
  return prepared.generation ? `${statement.name}_${prepared.generation}` : statement.name;
}

/** The name `statement` runs under on `conn`, or undefined (unnamed) once the connection has prepared its share. */
function nameOn(conn: object, statement: PgStatement): string | undefined {
  const prepared = preparedOn(conn);
  const name = nameIn(prepared, statement);
  if (prepared.names.has(name)) return name;
  if (prepared.names.size >= MAX_PREPARED_PER_CONNECTION) return undefined;
  prepared.names.add(name);
  return name;
}

/** Notes that `statement`'s name on `conn` (if it ran named) is known to the server: it has run there without error. */
function readyOn(conn: object, statement: PgStatement): void {
  const prepared = preparedOn(conn);
  const name = nameIn(prepared, statement);
  if (prepared.names.has(name)) prepared.ready.add(name);
}

/** The name `statement` has on `conn` if the server knows it there (it ran there once without error), else undefined. */
function readyName(conn: object, statement: PgStatement): string | undefined {
  const prepared = preparedOn(conn);
  const name = nameIn(prepared, statement);
  return prepared.ready.has(name) ? name : undefined;
}

/**
 * `s` as a quoted literal, exactly as pg.escapeLiteral quotes it (quotes doubled; with a backslash, an E'' literal
 * with backslashes doubled, so it reads the same whatever standard_conforming_strings says), through the engine's
 * own regular expressions rather than pg's loop of one concatenation a character: a transition's write carries the
 * dossier's snapshot and the events' payloads, kilobytes each.
 */
export function quoteLiteral(s: string): string {
  const quoted = s.includes("'") ? s.replace(/'/g, "''") : s;
  return s.includes('\\') ? ` E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
}

/**
 * `EXECUTE name('value', …)` for `statement`, already prepared and run on `conn`, its values as quoted literals the
 * server types as the statement's parameters, as it does a bound value (text as itself, a finite number, a boolean
 * or a bigint as the text pg would bind for it, null as NULL); undefined when it cannot be sent so: not yet known to
 * the server on this connection, or a value of another kind (a Buffer, a Date, an object: bound), or text holding a
 * NUL (it would end the query's text on the wire: bound, and refused by the server as any NUL is).
 */
function executeWithLiterals(conn: object, statement: PgStatement, values: readonly unknown[]): string | undefined {
  const name = readyName(conn, statement);
  if (name === undefined) return undefined;
  let list = '';
  for (const v of values) {
    let literal: string;
    if (v === null) literal = 'NULL';
    else if (typeof v === 'string') {
      if (v.includes('\0')) return undefined;
      literal = quoteLiteral(v);
    } else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean' || typeof v === 'bigint') literal = `'${String(v)}'`;
    else return undefined;
    list += list ? `, ${literal}` : literal;
  }
  return `EXECUTE ${name}${list ? `(${list})` : ''}`;
}

/** `BEGIN; EXECUTE name(…)` for a SELECT already prepared and run on `conn` (see runOn), or undefined when it cannot be sent so. */
function foldedWithBegin(conn: object, statement: PgStatement, values: readonly unknown[]): string | undefined {
  if (!/^SELECT\b/.test(statement.text)) return undefined;
  const execute = executeWithLiterals(conn, statement, values);
  return execute && `BEGIN; ${execute}`;
}

/** `EXECUTE name(…); COMMIT` for a statement already prepared and run on `conn` (see runOn), or undefined when it cannot be sent so. */
function foldedWithCommit(conn: object, statement: PgStatement, values: readonly unknown[]): string | undefined {
  const execute = executeWithLiterals(conn, statement, values);
  return execute && `${execute}; COMMIT`;
}

/**
 * A prepared statement whose result columns changed since it was prepared (a migration added a column to a table it
 * reads with `*`, or changed a column's type): PostgreSQL refuses it ("cached plan must not change result type",
 * 0A000) on that connection for good. The connection then prepares every text again under new names (the old ones
 * stay unused), so the failure is met once per connection and text: in a transaction it is that transaction's error
 * (rolled back, like any failed statement); outside one, the statement is sent again at once.
 */
function isStalePlan(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === '0A000' && /cached plan must not change result type/.test((err as Error).message);
}

/** sqlite3 statements kept per connection and SQL text (sqlite3_prepare_v2: re-prepared by SQLite itself after a schema change). */
const sqlite3Statements = new WeakMap<object, Map<string, Sqlite3Statement>>();

function finalizeAll(statements: Iterable<Sqlite3Statement>): Promise<void> {
  return Promise.all([...statements].map((st) => new Promise<void>((resolve) => st.finalize(() => resolve())))).then(() => undefined);
}

/**
 * The statements a connection keeps are finalized before it closes. SQLite refuses to close a connection that still
 * has unfinalized statements ("unable to close due to unfinalized statements"), and Knex's pool does not report it:
 * the connection stayed open until the process exited, so a clean shutdown never ran SQLite's last checkpoint and
 * left the -wal file beside the database (its commits safe, but the database file alone not the whole database, for
 * an operator who copies it after stopping the server). better-sqlite3 finalizes its statements itself on close.
 */
function finalizeBeforeClose(conn: Sqlite3Connection, kept: Map<string, Sqlite3Statement>): void {
  const close = conn.close.bind(conn);
  conn.close = (cb) => {
    const statements = [...kept.values()];
    kept.clear();
    void finalizeAll(statements).then(() => close(cb));
  };
}

function sqlite3Statement(conn: Sqlite3Connection, sql: string): Promise<Sqlite3Statement> {
  let kept = sqlite3Statements.get(conn);
  if (!kept) {
    sqlite3Statements.set(conn, (kept = new Map()));
    finalizeBeforeClose(conn, kept);
  }
  const hit = kept.get(sql);
  if (hit) return Promise.resolve(hit);
  return new Promise((resolve, reject) => {
    const statement = conn.prepare(sql, (err) => {
      if (err) return reject(err);
      if (kept.size >= 1000) {
        // none of them is running: the connection runs one statement at a time, each to its end, for its one holder
        void finalizeAll(kept.values());
        kept.clear();
      }
      kept.set(sql, statement);
      resolve(statement);
    });
  });
}

const sqliteValue = (v: unknown): unknown => (v === undefined ? null : typeof v === 'boolean' ? Number(v) : v);

/**
 * Runs one statement (with `?` placeholders) on the connection of `tx`, a Knex transaction. `returnsRows`:
 * whether it yields rows (a SELECT, or RETURNING); otherwise the count of changed rows is what it gives.
 * `commit` (the caller's promise that this is the transaction's last statement): on PostgreSQL, in a direct
 * transaction that has begun (src/store/direct-transaction.ts `takeCommit`), the transaction's COMMIT goes with it
 * (see runOn), and once this has resolved the transaction is committed and refuses any further statement; if it
 * fails nothing was committed and the transaction rolls back as for any failed statement. Elsewhere (SQLite, a
 * group commit's shared transaction, a savepoint) it is ignored: the COMMIT comes when the work resolves, as ever.
 */
export async function runInTx(
  tx: Knex.Transaction,
  sql: string,
  params: readonly unknown[],
  returnsRows: boolean,
  opts: { commit?: boolean } = {},
): Promise<DirectResult> {
  // a pool's client would hand out a connection nobody gives back
  if (!isTx(tx)) throw new Error('runInTx needs a transaction');
  const client = tx.client as unknown as TxClient;
  const begin = client.takeBegin?.();
  const commit = !begin && opts.commit ? client.takeCommit?.() : undefined;
  const handle = begin ?? commit;
  if (!handle) return runOn(client, await client.acquireConnection(), sql, params, returnsRows, true);
  try {
    await commit?.begun;
    const result = await runOn(client, handle.conn, sql, params, returnsRows, true, begin ? 'begin' : 'commit');
    handle.settle();
    return result;
  } catch (err) {
    handle.settle(err);
    throw err;
  }
}

/**
 * Runs one statement on `db`: in a transaction on its connection (as runInTx), otherwise on a connection of the
 * pool, taken and given back as Knex takes one for a single query (so it waits for SQLite's one connection like any
 * other query). For the request path's reads, which run once or more per request outside any transaction: the
 * session lookup, the accounts a command names, the names a view shows (bench/RESULTS.md, h16http).
 */
export async function runOnDb(
  db: Knex | Knex.Transaction,
  sql: string,
  params: readonly unknown[],
  returnsRows: boolean,
): Promise<DirectResult> {
  if (isTx(db)) return runInTx(db, sql, params, returnsRows);
  const client = db.client as unknown as PoolClient;
  const idle = idleBetterSqlite(client);
  // runs to completion before this call returns: the connection is never held across an await
  if (idle) return runOn(client, idle, sql, params, returnsRows, false);
  const conn = await client.acquireConnection();
  try {
    return await runOn(client, conn, sql, params, returnsRows, false);
  } finally {
    await client.releaseConnection(conn);
  }
}

/** The rows of a SELECT on `db` (see runOnDb). */
export async function selectOnDb(db: Knex | Knex.Transaction, sql: string, params: readonly unknown[]): Promise<Row[]> {
  return (await runOnDb(db, sql, params, true)).rows;
}

/**
 * `fold` (PostgreSQL, a direct transaction; src/store/direct-transaction.ts):
 * - `'begin'`, its first statement: the transaction's BEGIN is sent first. A SELECT the connection has already
 *   prepared goes with it, in one simple query `BEGIN; EXECUTE name('value', …)`: one round trip where there were two
 *   (on the write path, the dossier's read FOR UPDATE that opens every transition: issue 16, h16pgcpu). It runs the
 *   same prepared statement and plan, in the transaction the BEGIN opened; if the BEGIN fails the server skips the
 *   rest of the query. A statement whose values cannot be sent as literals (executeWithLiterals) sends its BEGIN alone first.
 * - `'commit'`, its last statement: the transaction's COMMIT is sent after it. A statement the connection has already
 *   prepared goes with it, in one simple query `EXECUTE name('value', …); COMMIT`: one round trip where there were
 *   two (a transition's or a submission's one write statement: the row locks it takes, the day's code number's and
 *   the rollups', are held for one round trip fewer; issue 16, h16commit). If the statement fails, the server skips
 *   the COMMIT and the transaction is left aborted (the caller's ROLLBACK ends it); if the COMMIT fails, the query
 *   fails with its error: either way this throws, with the server's error and its SQLSTATE (a deadlock's 40P01 too).
 *   A statement not yet prepared here, or whose values cannot be sent as literals, runs bound, then its COMMIT alone.
 */
async function runOn(
  client: TxClient,
  conn: unknown,
  sql: string,
  params: readonly unknown[],
  returnsRows: boolean,
  inTx: boolean,
  fold?: 'begin' | 'commit',
): Promise<DirectResult> {
  const driver = client.config.client;
  if (driver === 'pg') {
    const pgConn = conn as PgConnection;
    const statement = pgStatement(sql);
    const values = params.map((v) => (v === undefined ? null : v));
    const prepared = preparedOn(pgConn);
    let kept = prepared.fields.get(statement);
    if (!kept) prepared.fields.set(statement, (kept = {}));
    const bound = async () => (await sendQuery(pgConn, statement.text, nameOn(pgConn, statement), values, kept)) as PgResult;
    let run = bound;
    if (fold === 'begin') {
      client.emit('query', { sql: 'BEGIN;', bindings: [], method: 'raw' });
      const folded = foldedWithBegin(pgConn, statement, values);
      if (folded) {
        run = async () => {
          const results = await sendQuery(pgConn, folded, undefined, [], kept);
          return Array.isArray(results) ? results[results.length - 1]! : results;
        };
      } else await sendControl(pgConn, 'BEGIN;');
    } else if (fold === 'commit') {
      const folded = foldedWithCommit(pgConn, statement, values);
      run = folded
        ? async () => {
            client.emit('query', { sql: 'COMMIT;', bindings: [], method: 'raw' });
            const results = await sendQuery(pgConn, folded, undefined, [], kept);
            return Array.isArray(results) ? results[0]! : results;
          }
        : async () => {
            const result = await bound();
            client.emit('query', { sql: 'COMMIT;', bindings: [], method: 'raw' });
            await sendControl(pgConn, 'COMMIT;');
            return result;
          };
    }
    client.emit('query', { sql: statement.text, bindings: values, method: 'raw' });
    let result;
    try {
      result = await run();
      readyOn(pgConn, statement);
    } catch (err) {
      if (!isStalePlan(err)) throw err;
      const prepared = preparedOn(pgConn);
      prepared.generation++;
      prepared.names.clear();
      prepared.ready.clear();
      if (inTx) throw err;
      result = await run();
    }
    return { rows: result.rows, changes: result.rowCount ?? 0 };
  }
  const values = params.map(sqliteValue);
  client.emit('query', { sql, bindings: values, method: 'raw' });
  if (driver === 'better-sqlite3') {
    const statement = (conn as { prepare(sql: string): BetterSqliteStatement }).prepare(sql);
    if (returnsRows) {
      const rows = statement.all(...values);
      return { rows, changes: rows.length };
    }
    return { rows: [], changes: statement.run(...values).changes };
  }
  const statement = await sqlite3Statement(conn as Sqlite3Connection, sql);
  return new Promise((resolve, reject) => {
    if (returnsRows) statement.all(values, (err, rows) => (err ? reject(err) : resolve({ rows, changes: rows.length })));
    else
      statement.run(values, function (err) {
        if (err) reject(err);
        else resolve({ rows: [], changes: this.changes });
      });
  });
}

/** Whether `db` is a transaction (the direct path needs its one connection; a pool's queries stay Knex's). */
export function isTx(db: Knex | Knex.Transaction): db is Knex.Transaction {
  return Boolean((db as Partial<Knex.Transaction>).isTransaction);
}

/** Upsert texts by table, key and value columns and row count (a rollup's few shapes: the write path's, and the rebuild's chunks). */
const upsertTexts = new Map<string, string>();

function upsertText(table: string, keyColumns: readonly string[], valueColumns: readonly string[], rowCount: number): string {
  const cacheKey = `${table}|${keyColumns.join(',')}|${valueColumns.join(',')}|${rowCount}`;
  let sql = upsertTexts.get(cacheKey);
  if (sql === undefined) {
    const columns = [...keyColumns, ...valueColumns];
    const row = placeholders(columns.length);
    const t = ident(table);
    sql =
      `INSERT INTO ${t} (${columns.map(ident).join(', ')}) VALUES ${Array.from({ length: rowCount }, () => row).join(', ')}` +
      ` ON CONFLICT (${keyColumns.map(ident).join(', ')}) ` +
      (valueColumns.length
        ? `DO UPDATE SET ${valueColumns.map((c) => `${ident(c)} = ${t}.${ident(c)} + excluded.${ident(c)}`).join(', ')}`
        : 'DO NOTHING');
    if (upsertTexts.size > 500) upsertTexts.clear();
    upsertTexts.set(cacheKey, sql);
  }
  return sql;
}

/**
 * Adds `rows` to a table of counters: each row is its key's values then its counts (in the order of `keyColumns`
 * then `valueColumns`); a key not yet there is inserted, one already there gets the counts added. One statement,
 * none for no row. In a transaction it goes straight to the driver (the write path's rollups); elsewhere through
 * Knex's raw query, the same SQL text.
 */
export async function upsertAdding(
  db: Knex | Knex.Transaction,
  table: string,
  keyColumns: readonly string[],
  valueColumns: readonly string[],
  rows: readonly (readonly unknown[])[],
): Promise<void> {
  const s = upsertAddingStatement(table, keyColumns, valueColumns, rows);
  if (!s) return;
  if (isTx(db)) await runInTx(db, s.sql, s.params, false);
  else await db.raw(s.sql, s.params as Knex.RawBinding[]);
}

/** upsertAdding's statement, to be run with others (`runTogether`); null for no row. */
export function upsertAddingStatement(
  table: string,
  keyColumns: readonly string[],
  valueColumns: readonly string[],
  rows: readonly (readonly unknown[])[],
): Statement | null {
  return rows.length ? { sql: upsertText(table, keyColumns, valueColumns, rows.length), params: rows.flat() } : null;
}

/** One data-modifying statement of a transaction's writes, built by the store (`?` placeholders), to be run with others by `runTogether`. */
export interface Statement {
  sql: string;
  params: readonly unknown[];
}

/**
 * Runs `statements` (nulls skipped) in the transaction `tx`, in the order given, giving how many rows each wrote.
 * On PostgreSQL they are one statement, each a data-modifying WITH clause (they run together or fail together, on
 * the same snapshot, so none reads another's rows; foreign keys are checked at its end): one round trip, so the
 * row locks they take are held for that statement and the COMMIT only (issue 16). `withClauses` gives the clauses
 * and the select list that runs them in order: PostgreSQL runs a clause the query reads when it is first read,
 * and the ones it does not read at the end, the last declared first; so each is read, left to right. The order
 * matters: rows every transaction shares (the rollups') must be locked in the same order by all, or two of them
 * deadlock (seen in the HTTP bench). SQLite runs them in process, one after the other. `commit`: they are the
 * transaction's last statement, its COMMIT sent with them on PostgreSQL (runInTx).
 */
export async function runTogether(
  tx: Knex.Transaction,
  statements: readonly (Statement | null)[],
  opts: { commit?: boolean } = {},
): Promise<number[]> {
  const list = statements.filter((s): s is Statement => s !== null);
  if ((tx.client as unknown as TxClient).config.client !== 'pg') {
    const changes: number[] = [];
    for (const s of list) changes.push((await runInTx(tx, s.sql, s.params, false)).changes);
    return changes;
  }
  if (!list.length) return [];
  const { clauses, counts } = withClauses(list, 'w');
  const { rows } = await runInTx(
    tx,
    `WITH ${clauses}\nSELECT ${counts}`,
    list.flatMap((s) => s.params),
    true,
    opts,
  );
  return list.map((_, i) => Number(rows[0]?.[`w${i}`] ?? 0));
}

/**
 * PostgreSQL: `statements` as WITH clauses named `<prefix>0…`, each RETURNING 1, and the select list that runs them
 * in order, counting each one's rows under its name (see runTogether). Their parameters are theirs, in order.
 */
export function withClauses(statements: readonly Statement[], prefix: string): { clauses: string; counts: string } {
  return {
    clauses: statements.map((s, i) => `${prefix}${i} AS (${s.sql} RETURNING 1)`).join(',\n'),
    counts: statements.map((_, i) => `(SELECT count(*)::integer FROM ${prefix}${i}) AS ${prefix}${i}`).join(', '),
  };
}

/** A quoted identifier, the same in SQLite and PostgreSQL. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `(?, ?, …)` for `n` values. */
export function placeholders(n: number): string {
  return `(${Array.from({ length: n }, () => '?').join(', ')})`;
}
