/**
 * A SQLite database closed cleanly is whole in its one file. SQLite checkpoints the write-ahead log into the database
 * and deletes it when the last connection closes — but only a connection that can close: one with statements still
 * unfinalized stays open (the engine keeps its statements per connection, src/store/direct-sql.ts), and the server's
 * clean stop used to leave the -wal file behind. Its commits were safe (the next open replays the log), but an
 * operator who stops the server and copies the database file copied a database without its last writes.
 */
import fs from 'node:fs';
import { BACKENDS, SQLITE_BETTER } from '../support/backends';
import { ACTORS, APPROVE, startEngine, submission } from '../support/engine';
import { openDb } from '../../src/store/db';

describe.each([...BACKENDS.filter((b) => b.name === 'sqlite'), SQLITE_BETTER])('a clean close on $label', (backend) => {
  test('leaves no write-ahead log: the database file alone holds every committed write', async () => {
    const t = await startEngine(backend);
    const file = t.dbUrl;
    const copy = `${file}.copy`;
    try {
      const { code } = await t.engine.submit(submission('1.001612'), ACTORS.counter);
      await t.engine.act(code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
      while ((await t.engine.get(code)).allowedEvents.includes('COMPLETE_STEP'))
        await t.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.specialist);
      const last = await t.engine.act(code, APPROVE, ACTORS.leader);
      expect(fs.existsSync(`${file}-wal`)).toBe(true); // written through the log while open

      await t.close();
      expect(fs.existsSync(`${file}-wal`)).toBe(false);

      // the file copied alone, as an operator would after stopping the server, has the last write
      fs.copyFileSync(file, copy);
      const alone = openDb({ url: copy });
      try {
        const row = (await alone('dossiers').select('state', 'version').where({ code }).first()) as { state: string; version: number };
        expect({ state: row.state, version: Number(row.version) }).toEqual({ state: last.state, version: last.version });
      } finally {
        await alone.destroy();
      }
    } finally {
      for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) fs.rmSync(f, { force: true });
      await t.drop().catch(() => undefined); // closes again (a no-op) and removes the file
    }
  });
});
