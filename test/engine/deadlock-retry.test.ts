/**
 * PostgreSQL aborts one of two transactions that wait on each other's locks (deadlock_detected, 40P01). Nothing of
 * the aborted one was committed and nobody was answered yet, so the engine runs it again: both clerks' actions
 * commit, once each, and neither sees a server error.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, startEngine, submission, type StartedEngine } from '../support/engine';
import { findDossierByCode } from '../../src/store/dossier-store';
import { verifyDossier } from '../../src/audit/verify-dossier';

const HOUSEHOLD_BUSINESS = '1.001612';
const postgres = BACKENDS.filter((b) => b.name === 'postgres');

describe.each(postgres)('a deadlock on $label', (backend) => {
  let t: StartedEngine;
  beforeAll(async () => {
    t = await startEngine(backend, '2026-03-03 09:00');
  });
  afterAll(async () => t.drop());

  test('two actions deadlocked on each other both commit: the one PostgreSQL aborts runs again', async () => {
    const a = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    const b = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    // each action holds its own dossier's row (the engine's FOR UPDATE), then, on its first attempt only, reaches for
    // the other's once both hold theirs: a lock cycle PostgreSQL breaks by aborting one of them
    let holding = 0;
    let bothHold!: () => void;
    const barrier = new Promise<void>((resolve) => (bothHold = resolve));
    const attempts = new Map<string, number>();
    const crossLock = (mine: string, other: string) =>
      t.engine.actCommitted(mine, { type: 'ASSIGN', assignee: `officer-${mine}` }, ACTORS.leader, {
        authorize: async (_loaded, tx) => {
          const n = (attempts.get(mine) ?? 0) + 1;
          attempts.set(mine, n);
          if (n > 1) return;
          if (++holding === 2) bothHold();
          await barrier;
          await tx('dossiers').select('id').where('code', other).forUpdate();
        },
      });
    const results = await Promise.allSettled([crossLock(a.code, b.code), crossLock(b.code, a.code)]);
    expect(results.map((r) => (r.status === 'rejected' ? String((r.reason as Error).message) : 'ok'))).toEqual(['ok', 'ok']);
    // exactly one of them was aborted and run again
    expect([...attempts.values()].sort()).toEqual([1, 2]);
    for (const d of [a, b]) {
      const history = await t.engine.history(d.code);
      expect(history.at(-1)?.type).toBe('ASSIGN');
      expect(history.filter((e) => e.type === 'ASSIGN')).toHaveLength(1);
      expect(verifyDossier((await findDossierByCode(t.db, d.code))!, history)).toEqual([]);
    }
  }, 30_000);
});
