/**
 * What the write path sends to the database (issue 16): a transition's UPDATE names only the columns it
 * changes (SQLite rewrites every index on a column named in SET), a dossier is still found by its
 * submission reference, and a better-sqlite3 connection prepares each SQL text once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BACKENDS, SQLITE_BETTER } from '../support/backends';
import { ACTORS, startEngine, submission, type StartedEngine } from '../support/engine';
import { cacheStatements, openDb } from '../../src/store/db';

describe.each([...BACKENDS, SQLITE_BETTER])('the write path on $label', (backend) => {
  let t: StartedEngine;
  let sql: string[] = [];
  const record = (q: { sql: string }) => void sql.push(q.sql);
  beforeAll(async () => {
    t = await startEngine(backend);
    t.db.on('query', record);
  });
  afterAll(async () => {
    t.db.removeListener('query', record);
    await t.drop();
  });

  test('a transition updates only the columns it changes, and the row reads as the whole projection', async () => {
    t.at('2026-03-03 09:00');
    const d = await t.engine.submit(submission('1.001612'), ACTORS.counter);
    t.at('2026-03-03 09:30');
    sql = [];
    const assigned = await t.engine.act(d.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    // PostgreSQL sends the update inside the transition's one WITH statement (writeTransition)
    const updates = sql.map((s) => /update [`"]?dossiers[`"]? set (.*?) where /is.exec(s)?.[1]).filter((s) => s !== undefined);
    expect(updates).toHaveLength(1);
    const set = updates[0]!;
    for (const changed of ['assignee', 'version', 'last_hash', 'snapshot', 'updated_at'])
      expect(set).toMatch(new RegExp(`[\`"]${changed}[\`"]`));
    for (const unchanged of ['received_at', 'due_at', 'original_due_at', 'code', 'apology_count'])
      expect(set).not.toMatch(new RegExp(`[\`"]${unchanged}[\`"]`));
    expect(assigned).toMatchObject({ assignee: 'specialist', receivedAt: d.receivedAt, dueAt: d.dueAt, version: d.version + 1 });
    expect(await t.engine.get(d.code)).toEqual(assigned);
  });

  test('a dossier not yet received is found by its submission reference, and after receipt by both', async () => {
    t.at('2026-03-03 10:00');
    const online = await t.engine.submit(submission('1.001612', 'online'), ACTORS.counter);
    expect((await t.engine.get(online.code)).state).toBe('submitted');
    const received = await t.engine.act(online.code, { type: 'RECEIVE' }, ACTORS.counter);
    expect(received.code).not.toBe(online.code);
    expect((await t.engine.get(online.code)).code).toBe(received.code);
    expect((await t.engine.get(received.code)).submissionRef).toBe(online.code);
  });
});

describe('a better-sqlite3 connection', () => {
  test('prepares each SQL text once, and a kept statement sees a column added after it was prepared', async () => {
    const fake = { prepared: 0, exec: () => {}, prepare: (s: string) => ({ s, n: ++fake.prepared }) };
    cacheStatements(fake, 2);
    expect(fake.prepare('a')).toBe(fake.prepare('a'));
    expect(fake.prepared).toBe(1);
    fake.prepare('b');
    fake.prepare('c'); // past the size: the cache starts again
    fake.prepare('a');
    expect(fake.prepared).toBe(4);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-stmt-'));
    const db = openDb({ url: path.join(dir, 'db.sqlite'), sqliteDriver: 'better-sqlite3' });
    try {
      await db.schema.createTable('t', (tb) => tb.integer('id'));
      await db('t').insert({ id: 1 });
      expect(await db('t').where({ id: 1 })).toEqual([{ id: 1 }]);
      await db.schema.alterTable('t', (tb) => tb.string('name'));
      await db('t').where({ id: 1 }).update({ name: 'x' });
      expect(await db('t').where({ id: 1 })).toEqual([{ id: 1, name: 'x' }]);
    } finally {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
