/**
 * The engine's transactions without Knex's per-transaction object (src/store/direct-transaction.ts): committed
 * when the work resolves, rolled back when it throws (the work's error is the caller's), a full Knex transaction
 * for the work (builders, raw, the direct statements, a nested savepoint, its execution promise), and a
 * transaction that has ended runs nothing more: not alone, not inside the next transaction on its connection.
 */
import { BACKENDS, SQLITE_BETTER } from '../support/backends';
import { openDb, type Db } from '../../src/store/db';
import { inDirectTransaction } from '../../src/store/direct-transaction';
import { runInTx } from '../../src/store/direct-sql';
import type { Knex } from 'knex';

describe.each([...BACKENDS, SQLITE_BETTER])('a direct transaction on $label', (backend) => {
  let db: Db;
  let drop: () => Promise<void>;
  const rows = async () => (await db('dt').orderBy('n')).map((r: { n: number }) => Number(r.n));
  beforeAll(async () => {
    const target = await backend.create();
    drop = target.drop;
    db = openDb({ url: target.url, schema: target.schema, sqliteDriver: target.sqliteDriver });
    await db.schema.createTable('dt', (t) => t.integer('n').primary());
  });
  afterAll(async () => {
    await db.destroy();
    await drop();
  });
  beforeEach(() => db('dt').del());

  test('commits what the work wrote, through builders, raw, direct statements and a nested savepoint', async () => {
    const settled: string[] = [];
    const value = await inDirectTransaction(db, async (tx) => {
      expect(tx.isTransaction).toBe(true);
      await tx('dt').insert({ n: 1 });
      await tx.raw('INSERT INTO dt (n) VALUES (?)', [2]);
      await runInTx(tx, 'INSERT INTO dt (n) VALUES (?)', [3], false);
      await tx.transaction(async (inner) => void (await inner('dt').insert({ n: 4 })));
      await tx
        .transaction(async (inner) => {
          await inner('dt').insert({ n: 5 });
          throw new Error('only the savepoint');
        })
        .catch(() => undefined);
      void tx.executionPromise.then((v) => settled.push(`committed ${String(v)}`));
      expect(await tx('dt').count({ c: '*' }).first()).toEqual({ c: expect.anything() });
      return 'done';
    });
    expect(value).toBe('done');
    expect(await rows()).toEqual([1, 2, 3, 4]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toEqual(['committed done']);
  });

  test('rolls back when the work throws, the work error being the caller’s, and its execution promise rejects', async () => {
    let execution: Promise<unknown> | undefined;
    const failing = inDirectTransaction(db, async (tx) => {
      execution = tx.executionPromise;
      await tx('dt').insert({ n: 1 });
      await runInTx(tx, 'INSERT INTO dt (n) VALUES (?)', [2], false);
      throw new Error('the work failed');
    });
    await expect(failing).rejects.toThrow('the work failed');
    await expect(execution).rejects.toThrow('the work failed');
    expect(await rows()).toEqual([]);
    // a statement error (a duplicate key) rolls back too and leaves the connection usable (matched by its message:
    // under Jest, better-sqlite3's error class can come from another test file's module registry)
    await expect(
      inDirectTransaction(db, async (tx) => {
        await tx('dt').insert({ n: 7 });
        await tx('dt').insert({ n: 7 });
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/unique|duplicate/i) });
    expect(await rows()).toEqual([]);
    await inDirectTransaction(db, async (tx) => void (await tx('dt').insert({ n: 8 })));
    expect(await rows()).toEqual([8]);
  });

  test('a transaction that has ended runs nothing more, not even inside the next one on its connection', async () => {
    let stale!: Knex.Transaction;
    await inDirectTransaction(db, async (tx) => void (stale = tx));
    await expect(stale('dt').insert({ n: 1 })).rejects.toThrow(/Transaction query already complete/);
    await expect(runInTx(stale, 'INSERT INTO dt (n) VALUES (?)', [2], false)).rejects.toThrow(/already complete/);
    await inDirectTransaction(db, async (tx) => {
      await tx('dt').insert({ n: 3 });
      await expect(stale('dt').insert({ n: 4 })).rejects.toThrow(/already complete/);
      await expect(runInTx(stale, 'INSERT INTO dt (n) VALUES (?)', [5], false)).rejects.toThrow(/already complete/);
    });
    expect(await rows()).toEqual([3]);
  });
});
