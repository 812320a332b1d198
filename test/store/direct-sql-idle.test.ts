/**
 * The request path's reads on better-sqlite3 (src/store/direct-sql.ts `runOnDb`): on the idle connection they run
 * at once, without the pool's acquire and release; while a transaction holds the connection they wait for it, and
 * see only what it committed, never what it has written so far. The engine's transactions take the idle connection
 * out of the pool the same way (src/store/direct-transaction.ts): the pool counts it held until the transaction
 * ends, so Knex's own queries wait for it too.
 */
import { SQLITE_BETTER } from '../support/backends';
import { openDb, withConnectionHeld, type Db } from '../../src/store/db';
import { inDirectTransaction } from '../../src/store/direct-transaction';
import { runInTx, selectOnDb } from '../../src/store/direct-sql';

describe('direct reads on better-sqlite3', () => {
  let db: Db;
  let drop: () => Promise<void>;
  const ns = async () => (await selectOnDb(db, 'SELECT n FROM di ORDER BY n', [])).map((r) => Number(r.n));
  beforeAll(async () => {
    const target = await SQLITE_BETTER.create();
    drop = target.drop;
    db = openDb({ url: target.url, schema: target.schema, sqliteDriver: target.sqliteDriver });
    await db.schema.createTable('di', (t) => t.integer('n').primary());
  });
  afterAll(async () => {
    await db.destroy();
    await drop();
  });
  beforeEach(() => db('di').del());
  afterEach(() => jest.restoreAllMocks());

  test('a read on the idle connection takes nothing from the pool, and is announced as a query', async () => {
    await db('di').insert({ n: 1 });
    const acquire = jest.spyOn(db.client, 'acquireConnection');
    const seen: string[] = [];
    const onQuery = (q: { sql: string }) => seen.push(q.sql);
    db.on('query', onQuery);
    expect(await ns()).toEqual([1]);
    db.off('query', onQuery);
    expect(acquire).not.toHaveBeenCalled();
    expect(seen).toEqual(['SELECT n FROM di ORDER BY n']);
  });

  test('a read while a transaction holds the connection waits for its end, and sees only what it committed', async () => {
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => (wrote = resolve));
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    const tx = inDirectTransaction(db, async (t) => {
      await runInTx(t, 'INSERT INTO di (n) VALUES (?)', [7], false);
      wrote();
      await held;
    });
    await written;
    const read = ns();
    let settled = false;
    void read.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(settled).toBe(false);
    finish();
    await tx;
    expect(await read).toEqual([7]);
  });

  test('a read queued behind a transaction that rolls back sees nothing of it', async () => {
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => (wrote = resolve));
    const tx = inDirectTransaction(db, async (t) => {
      await runInTx(t, 'INSERT INTO di (n) VALUES (?)', [8], false);
      wrote();
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new Error('rolled back');
    });
    await written;
    const read = ns();
    await expect(tx).rejects.toThrow('rolled back');
    expect(await read).toEqual([]);
  });

  test('a direct transaction takes the idle connection without an acquire; the pool holds it until the transaction ends', async () => {
    const pool = (db.client as { pool: { numUsed(): number; numFree(): number } }).pool;
    const acquire = jest.spyOn(db.client, 'acquireConnection');
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => (wrote = resolve));
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    const tx = inDirectTransaction(db, async (t) => {
      await runInTx(t, 'INSERT INTO di (n) VALUES (?)', [9], false);
      wrote();
      await held;
    });
    await written;
    expect(acquire).not.toHaveBeenCalled();
    expect([pool.numUsed(), pool.numFree()]).toEqual([1, 0]);
    // a query of Knex's own waits for the connection: it never runs inside the open transaction
    const knexRead = db('di').select('n');
    const direct = ns();
    let settled = false;
    void Promise.all([knexRead, direct]).then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(settled).toBe(false);
    finish();
    await tx;
    expect((await knexRead).map((r: { n: number }) => Number(r.n))).toEqual([9]);
    expect(await direct).toEqual([9]);
    expect([pool.numUsed(), pool.numFree()]).toEqual([0, 1]);
  });

  test('a read waits while the connection is held unused (the WAL checkpointer’s withConnectionHeld)', async () => {
    await db('di').insert({ n: 3 });
    let read: Promise<number[]> | undefined;
    let settledInside = false;
    await withConnectionHeld(db, async () => {
      read = ns();
      void read.then(() => (settledInside = true));
      await new Promise((resolve) => setTimeout(resolve, 30));
    });
    expect(settledInside).toBe(false);
    expect(await read).toEqual([3]);
  });
});
