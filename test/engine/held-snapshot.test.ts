/**
 * The engine holds the snapshot it last wrote to each dossier and reuses it at the dossier's next action instead of
 * parsing and resolving the row's text again (src/engine/restore-row.ts WrittenSnapshots, issue 16) — but only
 * while the row still holds exactly that text. A dossier another engine (another instance) moved in between is
 * restored from its row: its next action starts from the other engine's state, and what it writes is what
 * replaying the events gives.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, APPROVE, startEngine, submission, type StartedEngine } from '../support/engine';
import { DossierEngine } from '../../src/engine/engine';
import { DEFAULT_AGENCY_CODE } from '../../src/app/engine-factory';
import { restoreFromEvents, WrittenSnapshots } from '../../src/engine/restore-row';
import { findDossierByCode, listEvents } from '../../src/store/dossier-store';
import { persistSnapshot } from '../../machines/dossier';

describe.each(BACKENDS)('held snapshots on $name', (backend) => {
  let t: StartedEngine;
  beforeAll(async () => {
    t = await startEngine(backend);
  });
  afterAll(async () => t.drop());

  /** Another instance on the same database: its own held snapshots. */
  const other = () =>
    new DossierEngine({ db: t.db, clock: t.clock, calendars: t.calendars, procedures: t.procedures, agencyCode: DEFAULT_AGENCY_CODE });

  async function storedMatchesReplay(code: string): Promise<void> {
    const row = (await findDossierByCode(t.db, code))!;
    const { chart, snapshot } = restoreFromEvents(row, await listEvents(t.db, row.id));
    expect(row.snapshot).toBe(JSON.stringify(persistSnapshot(chart, snapshot)));
  }

  test('a dossier another engine moved is restored from its row, not from the snapshot this engine wrote', async () => {
    const b = other();
    const { code } = await t.engine.submit(submission('1.001612'), ACTORS.counter);
    await t.engine.act(code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader); // held by t.engine
    const moved = await b.act(code, { type: 'COMPLETE_STEP' }, ACTORS.specialist); // the row moves under it
    const next = await t.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.specialist);
    expect(next.version).toBe(moved.version + 1);
    expect(next.step).not.toBe(moved.step);
    await storedMatchesReplay(code);
    // and on to the result and the return, alternating engines
    await b.act(code, APPROVE, ACTORS.leader);
    const returned = await t.engine.act(code, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter);
    expect(returned.state).toBe('returned');
    await storedMatchesReplay(code);
  });

  test('a whole lifecycle on one engine writes what replaying its events gives', async () => {
    const { code } = await t.engine.submit(submission('1.001612'), ACTORS.counter);
    await t.engine.act(code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    while ((await t.engine.get(code)).allowedEvents.includes('COMPLETE_STEP'))
      await t.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.specialist);
    await t.engine.act(code, APPROVE, ACTORS.leader);
    await t.engine.act(code, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter);
    await storedMatchesReplay(code);
  });
});

describe('WrittenSnapshots', () => {
  const row = (id: string, snapshot: string | null) => ({ id, machine_version: 3, snapshot });
  const noDb = {} as never;
  const held = { context: {} } as never;

  test('gives the held snapshot for exactly the text it was written as, and is bounded', async () => {
    const w = new WrittenSnapshots(2);
    w.remember('a', 3, '{"held":1}', held);
    expect((await w.restore(noDb, row('a', '{"held":1}'))).snapshot).toBe(held);
    // another text (another writer's), another chart version: restored from the row (here: unparseable, so it throws)
    await expect(w.restore(noDb, row('a', '{"held":2}'))).rejects.toThrow();
    await expect(w.restore(noDb, { ...row('a', '{"held":1}'), machine_version: 2 })).rejects.toThrow();
    w.remember('b', 3, 'b', held);
    w.remember('c', 3, 'c', held);
    await expect(w.restore(noDb, row('a', '{"held":1}'))).rejects.toThrow(); // the oldest went
    expect((await w.restore(noDb, row('c', 'c'))).snapshot).toBe(held);
  });
});
