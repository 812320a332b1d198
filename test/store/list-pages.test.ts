/**
 * The dossier lists are keyset runs, each one query in an index's order (`findDossiers`, src/store/dossier-queries.ts):
 * by due date, the dated dossiers by (due_at, id), then the undated by (submitted_at, id); newest first, one run.
 * Walked page by page with every page size, each gives exactly its full ordering (by due date: soonest due first, ties
 * by id, then the undated by submission, ties by id), each page's cursor that of its last row (`undated` in the second
 * run), across the boundary between the runs, with and without the read scope and other filters. Under a read scope
 * on PostgreSQL, a run walks at most `scopeWalk.rows` rows probing each, then goes on as one freely planned query:
 * the walks are repeated with that window shrunk to 1, 2 and 3 rows, so that every page crosses from one to the other.
 */
import { UNITS } from '../../machines/procedures';
import { decodeCursor, encodeCursor, findDossiers, scopeWalk, type DossierFilter } from '../../src/store/dossier-queries';
import type { DossierRow } from '../../src/store/dossier-store';
import { BACKENDS } from '../support/backends';
import { startEngine, submission, type StartedEngine } from '../support/engine';

const PROCEDURE = '1.001612';
const OFFICES = UNITS.filter((u) => u.kind === 'office').map((u) => u.code);

/** the rule, written out: dated first by (due_at, id), then the undated by (submitted_at, id) */
function byDueRule(a: DossierRow, b: DossierRow): number {
  if (a.due_at && !b.due_at) return -1;
  if (!a.due_at && b.due_at) return 1;
  const ka = Date.parse(a.due_at ?? a.submitted_at);
  const kb = Date.parse(b.due_at ?? b.submitted_at);
  return ka - kb || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** newest submission first, ties by id (descending) */
function byRecentRule(a: DossierRow, b: DossierRow): number {
  return Date.parse(b.submitted_at) - Date.parse(a.submitted_at) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** the cursor after a page's last row, as the API gives it */
function keyAfter(last: DossierRow, sort: 'due' | 'recent') {
  if (sort === 'recent') return { k: last.submitted_at, id: last.id };
  return last.due_at ? { k: last.due_at, id: last.id } : { k: last.submitted_at, id: last.id, undated: true as const };
}

describe.each(BACKENDS)('the dossier lists, page by page, are their full orderings ($label)', (backend) => {
  let t: StartedEngine;

  beforeAll(async () => {
    t = await startEngine(backend);
    // 14 received at the counter (dated), 7 online (no due date, at no unit); some moved between offices by their staff
    for (let i = 0; i < 21; i++) {
      t.at(`2026-03-0${2 + (i % 5)} 0${8 + (i % 2)}:00`);
      const online = i % 3 === 2;
      const { code } = await t.engine.submit(submission(PROCEDURE, online ? 'online' : 'counter'), {
        username: 'counter',
        unit: 'TTPVHCC',
      });
      if (online) continue;
      for (let m = 0; m < i % 3; m++) {
        const actor = OFFICES[(i + m) % OFFICES.length]!;
        const to = OFFICES[(i + 2 * m + 1) % OFFICES.length]!;
        await t.engine.act(code, { type: 'ASSIGN', unit: to }, { username: `x_${actor}`, unit: actor });
      }
    }
    // ties: three due dates among the dated, two submission times among the undated (the id breaks them); a few
    // dossiers at or acted on by an office lose their due date, so that the unit lists have both runs too
    const rows = (await t.db('dossiers').select('id', 'due_at').orderBy('id')) as { id: string; due_at: string | null }[];
    const dues = ['2026-03-20T02:00:00.000Z', '2026-03-18T09:30:00.000Z', '2026-03-25T01:00:00.000Z'];
    const subs = ['2026-03-01T02:00:00.000Z', '2026-02-27T03:00:00.000Z'];
    for (const [i, r] of rows.entries()) {
      if (r.due_at && i % 4 !== 3)
        await t
          .db('dossiers')
          .where({ id: r.id })
          .update({ due_at: dues[i % dues.length] });
      else
        await t
          .db('dossiers')
          .where({ id: r.id })
          .update({ due_at: null, submitted_at: subs[i % subs.length] });
    }
  }, 60_000);

  afterAll(async () => t?.drop());

  const filters: [string, Omit<DossierFilter, 'sort' | 'limit' | 'cursor'>][] = [
    ['no filter', {}],
    ...OFFICES.map((u): [string, Omit<DossierFilter, 'sort' | 'limit' | 'cursor'>] => [`scope ${u}`, { scopeUnits: [u] }]),
    [`scope ${OFFICES.join(' and ')}`, { scopeUnits: OFFICES }],
    ['states submitted, received, assigned', { states: ['submitted', 'received', 'assigned'] }],
    [`scope ${OFFICES[1]}, states received and assigned`, { scopeUnits: [OFFICES[1]!], states: ['received', 'assigned'] }],
    ['mine (counter staff)', { mine: { unit: 'TTPVHCC', username: 'counter', unreceived: true } }],
  ];

  const windows = [scopeWalk.rows, 1, 2, 3];
  afterEach(() => {
    scopeWalk.rows = windows[0]!;
  });

  /** every page size, the pages walked with the cursor, against the full ordering */
  async function walkEveryLimit(filter: Omit<DossierFilter, 'sort' | 'limit' | 'cursor'>, sort: 'due' | 'recent', all: DossierRow[]) {
    for (let limit = 1; limit <= all.length + 1; limit++) {
      const seen: DossierRow[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await findDossiers(t.db, { ...filter, sort, limit, cursor });
        seen.push(...page.rows);
        if (seen.length >= all.length) {
          expect(page.nextCursor).toBeNull();
          break;
        }
        expect(page.rows).toHaveLength(limit);
        const key = keyAfter(page.rows[limit - 1]!, sort);
        expect(decodeCursor(page.nextCursor!)).toEqual(key);
        expect(page.nextCursor).toBe(encodeCursor(key));
        cursor = page.nextCursor!;
      }
      expect({ sort, limit, ids: seen.map((r) => r.id) }).toEqual({ sort, limit, ids: all.map((r) => r.id) });
    }
  }

  test.each(filters)('by due date: %s', async (_, filter) => {
    // the set from the other list (newest first, one query when the window holds it), the order from the rule
    const all = (await findDossiers(t.db, { ...filter, sort: 'recent', limit: 1000 })).rows.sort(byDueRule);
    // every filter leaves both runs: the walks cross the boundary between them at every offset in a page
    expect(all.some((r) => r.due_at) && all.some((r) => !r.due_at)).toBe(true);
    for (const rows of windows) {
      scopeWalk.rows = rows;
      await walkEveryLimit(filter, 'due', all);
    }
  });

  test.each(filters)('newest first: %s', async (_, filter) => {
    const all = (await findDossiers(t.db, { ...filter, sort: 'due', limit: 1000 })).rows.sort(byRecentRule);
    expect(all.length).toBeGreaterThan(1);
    for (const rows of windows) {
      scopeWalk.rows = rows;
      await walkEveryLimit(filter, 'recent', all);
    }
  });

  test('the data has ties in each run, and dossiers in a unit list only by their events', async () => {
    const all = (await findDossiers(t.db, { sort: 'recent', limit: 1000 })).rows;
    const repeated = (keys: string[]) => new Set(keys).size < keys.length;
    expect(repeated(all.filter((r) => r.due_at).map((r) => r.due_at!))).toBe(true);
    expect(repeated(all.filter((r) => !r.due_at).map((r) => r.submitted_at))).toBe(true);
    for (const unit of OFFICES) {
      const scoped = (await findDossiers(t.db, { sort: 'due', limit: 1000, scopeUnits: [unit] })).rows;
      expect(scoped.some((r) => r.unit !== unit)).toBe(true);
    }
  });
});
