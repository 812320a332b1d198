/**
 * The change feed pages through every event, never skipping one: on PostgreSQL a transaction that started
 * first but commits last is not left behind a cursor already handed out (the test drives exactly that with
 * two connections); applicants' ID numbers and phones are masked.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, startEngine, submission, type StartedEngine } from '../support/engine';
import { readFeed, FEED_START } from '../../src/services/feed-service';
import { appendEvents, findDossierByCode, listEvents } from '../../src/store/dossier-store';
import type { Knex } from 'knex';

const HOUSEHOLD_BUSINESS = '1.001612';

async function readAll(db: Knex, after = FEED_START, limit = 3): Promise<{ ids: string[]; cursor: string }> {
  const ids: string[] = [];
  let cursor = after;
  for (;;) {
    const page = await readFeed(db, { after: cursor, limit });
    ids.push(...page.items.map((i) => i.event.id));
    if (!page.items.length) return { ids, cursor };
    cursor = page.nextCursor;
  }
}

describe.each(BACKENDS)('the change feed on $label', (backend) => {
  let t: StartedEngine;
  beforeAll(async () => {
    t = await startEngine(backend, '2026-03-03 09:00');
  });
  afterAll(async () => t.drop());

  test('pages through every event once, each dossier in event order, with the applicant masked', async () => {
    const a = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    const b = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await t.engine.act(a.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    const { ids } = await readAll(t.db);
    const rowA = (await findDossierByCode(t.db, a.code))!;
    const rowB = (await findDossierByCode(t.db, b.code))!;
    expect(ids).toEqual([`${rowA.id}:1`, `${rowA.id}:2`, `${rowB.id}:1`, `${rowB.id}:2`, `${rowA.id}:3`]);
    const first = (await readFeed(t.db, { limit: 1 })).items[0]!.event;
    expect(first).toMatchObject({ type: 'SUBMIT', seq: 1, dossier: { code: a.code, procedureCode: HOUSEHOLD_BUSINESS } });
    const applicant = (first.payload as { applicant: { idNumber: string; phone: string } }).applicant;
    expect(applicant.idNumber).toBe('••••••••2345');
    expect(applicant.phone).toBe('••••••5678');
    expect(JSON.stringify(first)).not.toContain('001190012345');
  });

  if (backend.name === 'postgres') {
    test('a transaction that started first and commits last is not skipped by a reader that paged meanwhile', async () => {
      const d1 = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
      const d2 = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
      const { cursor: start } = await readAll(t.db);
      const [row1, row2] = [(await findDossierByCode(t.db, d1.code))!, (await findDossierByCode(t.db, d2.code))!];
      const next = async (row: typeof row1) => {
        const last = (await listEvents(t.db, row.id)).at(-1)!;
        return { ...last, seq: last.seq + 1, type: 'NOTE_TEST', payload: '{}', prev_hash: last.hash, hash: `h${last.seq + 1}` };
      };
      const e1 = await next(row1);
      const e2 = await next(row2);
      // connection 1 starts first and writes (it takes the lower transaction id and the lower event id) …
      const first = await t.db.transaction();
      await appendEvents(first, [e1]);
      // … connection 2 starts later, writes and commits
      const second = await t.db.transaction();
      await appendEvents(second, [e2]);
      await second.commit();
      // a reader pages now: it must not get past the first transaction's event, still uncommitted
      const during = await readAll(t.db, start);
      expect(during.ids).not.toContain(`${row2.id}:${e2.seq}`);
      await first.commit();
      const after = await readAll(t.db, during.cursor);
      expect(after.ids).toEqual(expect.arrayContaining([`${row1.id}:${e1.seq}`, `${row2.id}:${e2.seq}`]));
      expect([...during.ids, ...after.ids].filter((id) => id === `${row1.id}:${e1.seq}` || id === `${row2.id}:${e2.seq}`)).toHaveLength(2);
    });
  }

  test('a malformed cursor is refused naming the field', async () => {
    await expect(readFeed(t.db, { after: 'abc', limit: 10 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
