/**
 * PostgreSQL: the direct statements (src/store/direct-sql.ts) run as named prepared statements, parsed once per
 * connection and text; past MAX_PREPARED_PER_CONNECTION a new text runs unnamed; and a statement whose result
 * columns a migration changed (`SELECT *` after ADD COLUMN: "cached plan must not change result type") is prepared
 * again: outside a transaction at once, inside one after failing that transaction only.
 */
import { openDb, type Db } from '../../src/store/db';
import { inDirectTransaction } from '../../src/store/direct-transaction';
import { MAX_PREPARED_PER_CONNECTION, runInTx, selectOnDb } from '../../src/store/direct-sql';
import { BACKENDS } from '../support/backends';

const postgres = BACKENDS.find((b) => b.name === 'postgres');
const suite = postgres ? describe : describe.skip;

suite('direct statements on PostgreSQL', () => {
  let db: Db;
  let drop: () => Promise<void>;
  /** the statements prepared on the pool's one connection, as the server lists them */
  const prepared = async (): Promise<string[]> =>
    (await selectOnDb(db, 'SELECT statement FROM pg_prepared_statements ORDER BY prepare_time', [])).map((r) => String(r.statement));

  beforeAll(async () => {
    const target = await postgres!.create();
    drop = target.drop;
    // one connection, so every statement meets the statements the earlier ones prepared
    db = openDb({ url: target.url, schema: target.schema, poolMax: 1 });
    await db.schema.createTable('ps', (t) => {
      t.integer('n').primary();
      t.string('label');
    });
  });
  afterAll(async () => {
    await db.destroy();
    await drop();
  });

  test('a text is prepared once per connection and then only bound and run', async () => {
    for (let i = 1; i <= 3; i++)
      await inDirectTransaction(db, async (tx) => {
        await runInTx(tx, 'INSERT INTO ps (n, label) VALUES (?, ?)', [i, `n${i}`], false);
        expect((await runInTx(tx, 'SELECT label FROM ps WHERE n = ?', [i], true)).rows).toEqual([{ label: `n${i}` }]);
      });
    const texts = await prepared();
    expect(texts.filter((t) => t === 'INSERT INTO ps (n, label) VALUES ($1, $2)')).toHaveLength(1);
    expect(texts.filter((t) => t === 'SELECT label FROM ps WHERE n = $1')).toHaveLength(1);
    // the server ran the prepared insert three times
    const [{ calls }] = (await selectOnDb(
      db,
      "SELECT generic_plans + custom_plans AS calls FROM pg_prepared_statements WHERE statement = 'INSERT INTO ps (n, label) VALUES ($1, $2)'",
      [],
    )) as [{ calls: string }];
    expect(Number(calls)).toBe(3);
  });

  test('a prepared SELECT * after a migration added a column: again at once outside a transaction, after one failed transaction inside', async () => {
    await db.schema.createTable('ps_wide', (t) => t.integer('n').primary());
    await db('ps_wide').insert({ n: 1 });
    const lookup = 'SELECT * FROM ps_wide WHERE n = ?';
    const locked = 'SELECT * FROM ps_wide WHERE n = ? FOR UPDATE';
    expect(await selectOnDb(db, lookup, [1])).toEqual([{ n: 1 }]);
    await inDirectTransaction(db, async (tx) => expect((await runInTx(tx, locked, [1], true)).rows).toEqual([{ n: 1 }]));
    expect(await prepared()).toEqual(
      expect.arrayContaining(['SELECT * FROM ps_wide WHERE n = $1', 'SELECT * FROM ps_wide WHERE n = $1 FOR UPDATE']),
    );

    await db.schema.alterTable('ps_wide', (t) => t.string('added').defaultTo('x'));
    // outside a transaction: prepared again and sent again, the caller sees the new column
    expect(await selectOnDb(db, lookup, [1])).toEqual([{ n: 1, added: 'x' }]);
    // (every text is prepared afresh on that connection from then on)
    await inDirectTransaction(db, async (tx) => expect((await runInTx(tx, locked, [1], true)).rows).toEqual([{ n: 1, added: 'x' }]));

    await db.schema.alterTable('ps_wide', (t) => t.string('again').defaultTo('y'));
    // inside one: that transaction fails (and is rolled back), the next one prepares again and runs
    await expect(
      inDirectTransaction(db, async (tx) => {
        await runInTx(tx, 'INSERT INTO ps (n, label) VALUES (?, ?)', [100, 'rolled back'], false);
        await runInTx(tx, locked, [1], true);
      }),
    ).rejects.toMatchObject({ code: '0A000' });
    expect(await db('ps').where({ n: 100 })).toEqual([]);
    await inDirectTransaction(db, async (tx) =>
      expect((await runInTx(tx, locked, [1], true)).rows).toEqual([{ n: 1, added: 'x', again: 'y' }]),
    );
    expect(await selectOnDb(db, lookup, [1])).toEqual([{ n: 1, added: 'x', again: 'y' }]);
  });

  test('past its share a connection runs new texts unnamed, still correctly', async () => {
    const before = (await prepared()).length;
    for (let i = 0; i < MAX_PREPARED_PER_CONNECTION + 5; i++) {
      const rows = await selectOnDb(db, `SELECT count(*)::integer AS c${i} FROM ps WHERE n > ?`, [0]);
      expect(rows).toEqual([{ [`c${i}`]: 3 }]);
    }
    // the first of these texts were prepared, the last ones (past the share) were not
    const texts = await prepared();
    expect(texts).toContain('SELECT count(*)::integer AS c0 FROM ps WHERE n > $1');
    expect(texts).not.toContain(`SELECT count(*)::integer AS c${MAX_PREPARED_PER_CONNECTION + 4} FROM ps WHERE n > $1`);
    expect(texts.length).toBeLessThanOrEqual(before + MAX_PREPARED_PER_CONNECTION);
  });
});
