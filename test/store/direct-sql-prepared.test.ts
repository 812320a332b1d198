/**
 * PostgreSQL: the direct statements (src/store/direct-sql.ts) run as named prepared statements, parsed once per
 * connection and text; past MAX_PREPARED_PER_CONNECTION a new text runs unnamed; and a statement whose result
 * columns a migration changed (`SELECT *` after ADD COLUMN: "cached plan must not change result type") is prepared
 * again: outside a transaction at once, inside one after failing that transaction only. A direct transaction's BEGIN
 * goes with its first statement when that is a SELECT the connection has prepared (one round trip), the read still
 * inside the transaction (its FOR UPDATE lock held until COMMIT), its values quoted as the server reads them; its
 * last statement, when the caller says so, carries its COMMIT the same way (`EXECUTE …; COMMIT`), and the transaction
 * refuses any statement after it. A statement's RowDescription is made into parsers and an empty row once per
 * connection while its fields stay the same.
 */
import pg from 'pg';
import type { Knex } from 'knex';
import { openDb, type Db } from '../../src/store/db';
import { inDirectTransaction } from '../../src/store/direct-transaction';
import { MAX_PREPARED_PER_CONNECTION, quoteLiteral, runInTx, selectOnDb } from '../../src/store/direct-sql';
import { BACKENDS } from '../support/backends';
import { recordPgQueries } from '../support/pg-queries';

const postgres = BACKENDS.find((b) => b.name === 'postgres');
const suite = postgres ? describe : describe.skip;

suite('direct statements on PostgreSQL', () => {
  let db: Db;
  let drop: () => Promise<void>;
  let target: { url: string; schema?: string };
  /** the statements prepared on the pool's one connection, as the server lists them */
  const prepared = async (): Promise<string[]> =>
    (await selectOnDb(db, 'SELECT statement FROM pg_prepared_statements ORDER BY prepare_time', [])).map((r) => String(r.statement));

  beforeAll(async () => {
    const created = await postgres!.create();
    target = created;
    drop = created.drop;
    // one connection, so every statement meets the statements the earlier ones prepared
    db = openDb({ url: created.url, schema: created.schema, poolMax: 1 });
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

  test('a transaction opening with a prepared SELECT sends its BEGIN with it, the read inside the transaction', async () => {
    await db('ps').insert({ n: 7, label: "O'Brien \\ \u1ea1" });
    // a connection of its own (the one above has prepared its share)
    const own = openDb({ url: target.url, schema: target.schema, poolMax: 1 });
    const locked = 'SELECT label FROM ps WHERE label = ? AND n = ? FOR UPDATE';
    // the first time, prepared (its BEGIN alone before it)
    await inDirectTransaction(own, async (tx) => void (await runInTx(tx, locked, ["O'Brien \\ \u1ea1", 7], true)));
    const other = new pg.Client({ connectionString: target.url });
    await other.connect();
    if (target.schema) await other.query(`SET search_path TO ${pg.escapeIdentifier(target.schema)}`);
    const { sent, restore } = recordPgQueries(other);
    try {
      await inDirectTransaction(own, async (tx) => {
        expect((await runInTx(tx, locked, ["O'Brien \\ \u1ea1", 7], true)).rows).toEqual([{ label: "O'Brien \\ \u1ea1" }]);
        // the row stays locked by this transaction: another connection cannot take it
        await expect(other.query('SELECT n FROM ps WHERE n = 7 FOR UPDATE NOWAIT')).rejects.toMatchObject({ code: '55P03' });
        await runInTx(tx, 'UPDATE ps SET label = ? WHERE n = ?', ['seven', 7], false);
      });
    } finally {
      restore();
      await other.end();
      await own.destroy();
    }
    // one round trip for BEGIN and the read; the update and COMMIT after it
    expect(sent[0]).toMatch(/^BEGIN; EXECUTE motcua_\d+(_\d+)?\( E'O''Brien \\\\ \u1ea1', '7'\)$/);
    expect(sent.filter((t) => /^BEGIN/.test(t))).toHaveLength(1);
    expect(sent.at(-1)).toBe('COMMIT;');
    expect(await db('ps').where({ n: 7 }).first()).toMatchObject({ label: 'seven' });
    // a value the server refuses (a NUL) is refused as when bound, not cut short on the wire
    const nul = openDb({ url: target.url, schema: target.schema, poolMax: 1 });
    try {
      await inDirectTransaction(nul, async (tx) => void (await runInTx(tx, locked, ['x', 7], true)));
      await expect(inDirectTransaction(nul, (tx) => runInTx(tx, locked, ['a\0b', 7], true))).rejects.toMatchObject({ code: '22021' });
      await inDirectTransaction(nul, async (tx) =>
        expect((await runInTx(tx, locked, ['seven', 7], true)).rows).toEqual([{ label: 'seven' }]),
      );
    } finally {
      await nul.destroy();
    }
  });

  test('the fields of a statement are made into parsers once per connection, its rows the same as pg gives', async () => {
    await db.schema.createTable('ps_types', (t) => {
      t.integer('n').primary();
      t.timestamp('at', { useTz: true });
      t.bigInteger('big');
      t.boolean('flag');
      t.text('note');
    });
    await db('ps_types').insert([
      { n: 1, at: '2026-03-03T02:05:09.500Z', big: '9007199254740993', flag: true, note: 'a' },
      { n: 2, at: null, big: null, flag: false, note: null },
    ]);
    const own = openDb({ url: target.url, schema: target.schema, poolMax: 1 });
    const addFields = jest.spyOn(pg.Result.prototype as unknown as { addFields(fields: unknown[]): void }, 'addFields');
    try {
      const sql = 'SELECT * FROM ps_types WHERE n <= ? ORDER BY n';
      const expected = (await db.raw('SELECT * FROM ps_types WHERE n <= ? ORDER BY n', [2])).rows as unknown[];
      expect(expected[0]).toMatchObject({ at: new Date('2026-03-03T02:05:09.500Z'), big: '9007199254740993', flag: true });
      // the first time on the connection: made from the fields
      expect(await selectOnDb(own, sql, [2])).toEqual(expected);
      expect(addFields).toHaveBeenCalled();
      addFields.mockClear();
      for (let i = 0; i < 5; i++) expect(await selectOnDb(own, sql, [2])).toEqual(expected);
      // and as the first statement of transactions, BEGIN and the statement in one query
      for (let i = 0; i < 3; i++)
        await inDirectTransaction(own, async (tx) => expect((await runInTx(tx, sql, [2], true)).rows).toEqual(expected));
      expect(addFields).not.toHaveBeenCalled();
      // other fields (a migration added a column): made afresh, the new column read
      await db.schema.alterTable('ps_types', (t) => t.string('added').defaultTo('x'));
      expect(await selectOnDb(own, sql, [2])).toEqual(expected.map((r) => ({ ...(r as object), added: 'x' })));
      await inDirectTransaction(own, async (tx) =>
        expect((await runInTx(tx, sql, [2], true)).rows).toEqual(expected.map((r) => ({ ...(r as object), added: 'x' }))),
      );
      expect(addFields).toHaveBeenCalledTimes(1);
    } finally {
      addFields.mockRestore();
      await own.destroy();
    }
  });

  test("a transaction's last statement carries its COMMIT once the connection knows it; else it runs bound, its COMMIT alone after it", async () => {
    await db.schema.createTable('ps_last', (t) => {
      t.integer('n').primary();
      t.text('label');
      t.boolean('flag');
      t.binary('data');
    });
    const own = openDb({ url: target.url, schema: target.schema, poolMax: 1 });
    const insert = 'INSERT INTO ps_last (n, label, flag, data) VALUES (?, ?, ?, ?)';
    const { sent, restore } = recordPgQueries();
    const last = (n: number, label: string, data: Buffer | null, check?: (tx: Knex.Transaction) => Promise<void>) =>
      inDirectTransaction(own, async (tx) => {
        await runInTx(tx, 'SELECT n FROM ps_last WHERE n = ? FOR UPDATE', [n], true);
        await runInTx(tx, insert, [n, label, n % 2 === 0, data], false, { commit: true });
        await check?.(tx);
      });
    try {
      // the first time on the connection: prepared, bound, then its COMMIT
      await last(1, 'one', null);
      expect(sent.slice(-2)).toEqual(['INSERT INTO ps_last (n, label, flag, data) VALUES ($1, $2, $3, $4)', 'COMMIT;']);
      // then with it, its values as literals (a boolean as pg binds it)
      await last(2, "O'Brien \\ \u1ea1", null);
      expect(sent.at(-1)).toMatch(/^EXECUTE motcua_\d+(_\d+)?\('2', {2}E'O''Brien \\\\ \u1ea1', 'true', NULL\); COMMIT$/);
      // a Buffer is bound, its COMMIT alone
      await last(3, 'three', Buffer.from([0, 1, 2]));
      expect(sent.at(-1)).toBe('COMMIT;');
      // committed at once: a statement after it is refused, and runs nowhere
      await expect(
        last(4, 'four', null, async (tx) => void (await runInTx(tx, 'DELETE FROM ps_last WHERE n = ?', [4], false))),
      ).rejects.toThrow(/Transaction query already complete/);
    } finally {
      restore();
      await own.destroy();
    }
    expect(await db('ps_last').orderBy('n')).toEqual([
      { n: 1, label: 'one', flag: false, data: null },
      { n: 2, label: "O'Brien \\ \u1ea1", flag: true, data: null },
      { n: 3, label: 'three', flag: false, data: Buffer.from([0, 1, 2]) },
      { n: 4, label: 'four', flag: true, data: null },
    ]);
  });

  test('a literal is quoted as pg quotes it', () => {
    for (const s of ['', 'plain', "it's", "''", '\\', "a\\'b", "E'x'", '\u1ea1 \u{1f600}', '{"a":"b\\"c"}', 'line\nbreak'])
      expect(quoteLiteral(s)).toBe(pg.escapeLiteral(s));
  });

  test('a transaction that runs no statement sends nothing; a builder as its first statement has its BEGIN sent before it', async () => {
    const { sent, restore } = recordPgQueries();
    try {
      expect(await inDirectTransaction(db, async () => 'nothing')).toBe('nothing');
      expect(sent).toEqual([]);
      await inDirectTransaction(db, async (tx) => void (await tx('ps').insert({ n: 8, label: 'eight' })));
    } finally {
      restore();
    }
    expect(sent).toEqual(['BEGIN;', expect.stringMatching(/^insert into "ps"/), 'COMMIT;']);
    expect(await db('ps').where({ n: 8 }).first()).toMatchObject({ label: 'eight' });
  });
});
