/**
 * PostgreSQL: a transition's or a submission's one write statement carries the transaction's COMMIT (issue 16,
 * h16commit): `EXECUTE name('value', …); COMMIT`, one round trip where there were two. The rules that keep it as
 * strict as a COMMIT sent alone:
 * - a write whose update finds another version fails (`motcua_version_lost()`), so the COMMIT after it never runs:
 *   the caller gets the same version conflict as before, and nothing of the transaction is committed;
 * - a COMMIT that fails (here a deferred constraint trigger) fails the action: nothing committed, nothing answered,
 *   no after-commit signal; its SQLSTATE reaches the engine's retry (40001 runs the action again, once committed);
 * - after any of these failures the connection's next transaction works.
 */
import pg from 'pg';
import { BACKENDS } from '../support/backends';
import { ACTORS, startEngine, submission, type StartedEngine } from '../support/engine';
import { versionConflict } from '../../machines/engine/errors';
import { onEventsCommitted } from '../../src/store/event-signal';
import { recordPgQueries } from '../support/pg-queries';

const HOUSEHOLD_BUSINESS = '1.001612';
const postgres = BACKENDS.filter((b) => b.name === 'postgres');

/** Every query text the engine's pg connections send while `fn` runs. */
async function sentDuring(fn: () => Promise<unknown>): Promise<string[]> {
  const { sent, restore } = recordPgQueries();
  try {
    await fn();
  } finally {
    restore();
  }
  return sent;
}

const WRITE_WITH_COMMIT = /^EXECUTE motcua_\d+(_\d+)?\(.*\); COMMIT$/s;

describe.each(postgres)('the write and its COMMIT on $label', (backend) => {
  let t: StartedEngine;
  let codes: string[];
  beforeAll(async () => {
    // one connection: every transaction meets the statements the earlier ones prepared
    t = await startEngine(backend, '2026-03-03 09:00', { poolMax: 1 });
    codes = [];
    for (let i = 0; i < 8; i++) codes.push((await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter)).code);
    // the first ASSIGN prepares its write statement on the connection (bound, then its COMMIT alone)
    await t.engine.act(codes[0]!, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
  });
  afterAll(async () => t.drop());

  const versionOf = async (code: string) => Number((await t.db('dossiers').where({ code }).first()).version);
  const eventCount = async (code: string) =>
    Number((await t.db('dossier_events as e').join('dossiers as d', 'd.id', 'e.dossier_id').where('d.code', code).count({ n: '*' }))[0]!.n);

  test('a transition on PostgreSQL sends its write and its COMMIT together: two round trips in all', async () => {
    const version = await versionOf(codes[1]!);
    const sent = await sentDuring(() => t.engine.act(codes[1]!, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader));
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatch(/^BEGIN; EXECUTE motcua_\d+(_\d+)?\(/);
    expect(sent[1]).toMatch(WRITE_WITH_COMMIT);
    expect(sent).not.toContain('COMMIT;');
    // committed: another connection sees it
    const other = new pg.Client({ connectionString: t.dbUrl });
    await other.connect();
    try {
      if (t.dbSchema) await other.query(`SET search_path TO ${pg.escapeIdentifier(t.dbSchema)}`);
      const { rows } = await other.query('SELECT assignee, version FROM dossiers WHERE code = $1', [codes[1]]);
      expect(rows).toEqual([{ assignee: 'specialist', version: version + 1 }]);
    } finally {
      await other.end();
    }
  });

  test("a submission sends its write and its COMMIT together, just after taking the day's number", async () => {
    const sent = await sentDuring(() => t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter));
    // the number's row stays locked from its upsert to the COMMIT: one round trip more
    expect(sent.at(-2)).toMatch(/^INSERT INTO code_sequences/);
    expect(sent.at(-1)).toMatch(WRITE_WITH_COMMIT);
    expect(sent).not.toContain('COMMIT;');
  });

  test('a write whose version was lost is refused with the same version conflict, and nothing is committed', async () => {
    const code = codes[2]!;
    const version = await versionOf(code);
    const events = await eventCount(code);
    let failing!: Promise<unknown>;
    const sent = await sentDuring(async () => {
      failing = t.engine.actCommitted(
        code,
        { type: 'ASSIGN', assignee: 'specialist' },
        ACTORS.leader,
        // inside the transaction, on the row it locked: the version moves under the write (as no other writer can here)
        {
          authorize: async (loaded, tx) =>
            void (await tx('dossiers')
              .where({ id: loaded.row.id })
              .update({ version: loaded.row.version + 1 })),
        },
      );
      await failing.catch(() => undefined);
    });
    await expect(failing).rejects.toEqual(versionConflict(version, null));
    // it went with its COMMIT, which the server did not run: neither the move nor the write is there
    expect(await versionOf(code)).toBe(version);
    expect(await eventCount(code)).toBe(events);
    expect(sent.some((s) => WRITE_WITH_COMMIT.test(s))).toBe(true);
    expect(sent.at(-1)).toBe('ROLLBACK');
    // and the connection's next transaction works
    expect(await t.engine.act(code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader)).toMatchObject({ version: version + 1 });
  });

  test('a COMMIT that fails fails the action: nothing committed or signalled, the next transaction works; 40001 is run again', async () => {
    const [failCode, retryCode] = [codes[3]!, codes[4]!];
    const signalled: string[][] = [];
    const off = onEventsCommitted(t.db, (types) => void signalled.push([...types]));
    // a deferred constraint trigger: it fails the COMMIT of a write to the dossier named in fail_at_commit, with that
    // row's SQLSTATE, for as many COMMITs as the row says (a sequence counts them: it is not rolled back)
    await t.db.raw(`CREATE TABLE fail_at_commit (code text PRIMARY KEY, sqlstate text NOT NULL, times integer NOT NULL)`);
    await t.db.raw(`CREATE SEQUENCE fail_at_commit_seen`);
    await t.db.raw(`CREATE FUNCTION fail_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE f fail_at_commit;
BEGIN
  SELECT * INTO f FROM fail_at_commit WHERE code = NEW.code;
  IF f.code IS NOT NULL AND nextval('fail_at_commit_seen') <= f.times THEN
    RAISE EXCEPTION 'refused at commit' USING ERRCODE = f.sqlstate;
  END IF;
  RETURN NULL;
END
$$`);
    await t.db.raw(
      `CREATE CONSTRAINT TRIGGER fail_at_commit AFTER UPDATE ON dossiers DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fail_at_commit()`,
    );
    try {
      await t.db('fail_at_commit').insert({ code: failCode, sqlstate: '23514', times: 1 });
      const version = await versionOf(failCode);
      const events = await eventCount(failCode);
      let failing!: Promise<unknown>;
      const sent = await sentDuring(async () => {
        failing = t.engine.act(failCode, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
        await failing.catch(() => undefined);
      });
      await expect(failing).rejects.toMatchObject({ code: '23514', message: expect.stringMatching(/refused at commit/) });
      expect(sent.some((s) => WRITE_WITH_COMMIT.test(s))).toBe(true);
      expect(await versionOf(failCode)).toBe(version);
      expect(await eventCount(failCode)).toBe(events);
      expect(signalled).toEqual([]);
      // the connection's next transaction works (the trigger lets this one through)
      await t.engine.act(failCode, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
      expect(await versionOf(failCode)).toBe(version + 1);
      expect(signalled).toEqual([['ASSIGN']]);

      // serialization failures at COMMIT, twice: the engine runs the action again, and it commits once
      await t.db.raw(`ALTER SEQUENCE fail_at_commit_seen RESTART`);
      await t.db('fail_at_commit').insert({ code: retryCode, sqlstate: '40001', times: 2 });
      signalled.length = 0;
      const before = await versionOf(retryCode);
      const eventsBefore = await eventCount(retryCode);
      const retried = await sentDuring(() => t.engine.act(retryCode, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader));
      expect(retried.filter((s) => WRITE_WITH_COMMIT.test(s))).toHaveLength(3);
      expect(await versionOf(retryCode)).toBe(before + 1);
      expect(await eventCount(retryCode)).toBe(eventsBefore + 1);
      expect(signalled).toEqual([['ASSIGN']]);
    } finally {
      off();
      await t.db.raw(`DROP TRIGGER fail_at_commit ON dossiers`);
    }
  });
});
