/**
 * The review log on its own: racing writers each get their own place in one week's chain, chains of
 * different weeks and scopes are independent, nothing follows a sign-off, and any edit to a record,
 * including its order, is detected.
 */
import { GENESIS_HASH } from '../../machines/engine/hash';
import { isMotcuaError } from '../../machines/engine/errors';
import { appendReviewNote, appendWeekSignOff, verifyChain, verifyWeekChain } from '../../src/reports/review-log';
import { listReviewEvents } from '../../src/store/review-event-store';
import { BACKENDS } from '../support/backends';
import { hanoi, startEngine, type StartedEngine } from '../support/engine';

describe.each(BACKENDS)('the review log on $name', (backend) => {
  let t: StartedEngine;
  beforeAll(async () => {
    t = await startEngine(backend, '2026-03-16 08:00', { poolMax: 5 });
  });
  afterAll(async () => t.drop());

  const note = (week: string, scope: string, i: number) =>
    appendReviewNote(t.db, {
      week,
      scope,
      actor: `user${i}`,
      at: hanoi('2026-03-16 08:00'),
      dossierCode: `CODE-${i}`,
      cause: `nguyên nhân ${i}`,
      correctiveAction: `biện pháp ${i}`,
    });

  test('concurrent notes each take the next place in the chain, which verifies', async () => {
    await Promise.all([1, 2, 3, 4, 5].map((i) => note('2026-W11', 'centre', i)));
    const chain = await listReviewEvents(t.db, '2026-W11', 'centre');
    expect(chain.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(chain[0]!.prevHash).toBe(GENESIS_HASH);
    chain.slice(1).forEach((e, i) => expect(e.prevHash).toBe(chain[i]!.hash));
    expect(new Set(chain.map((e) => e.dossierCode))).toEqual(new Set(['CODE-1', 'CODE-2', 'CODE-3', 'CODE-4', 'CODE-5']));
    expect(await verifyWeekChain(t.db, '2026-W11', 'centre')).toEqual({ valid: true, length: 5, head: chain[4]!.hash, brokenAt: null });
  });

  test('each (week, scope) is its own chain; a signed-off chain refuses notes and a second sign-off', async () => {
    const k = await note('2026-W11', 'KINHTE', 9);
    expect(k).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, scope: 'KINHTE' });
    const signed = await appendWeekSignOff(t.db, {
      week: '2026-W11',
      scope: 'KINHTE',
      actor: 'leader_kinhte',
      at: hanoi('2026-03-16 09:00'),
      summary: 'xong',
    });
    expect(signed).toMatchObject({ seq: 2, type: 'WEEK_SIGNED_OFF', prevHash: k.hash, payload: { summary: 'xong' } });
    const refused = await note('2026-W11', 'KINHTE', 10).catch((e) => e);
    expect(isMotcuaError(refused, 'TRANSITION_NOT_ALLOWED')).toBe(true);
    expect(refused.details).toMatchObject({ eventType: 'REVIEW_NOTE', state: 'signed_off', allowed: [] });
    const again = await appendWeekSignOff(t.db, {
      week: '2026-W11',
      scope: 'KINHTE',
      actor: 'leader_kinhte',
      at: hanoi('2026-03-16 10:00'),
    }).catch((e) => e);
    expect(isMotcuaError(again, 'TRANSITION_NOT_ALLOWED')).toBe(true);
    expect((await note('2026-W11', 'centre', 6)).seq).toBe(6); // the centre's chain is still open
  });

  test('an edited, reordered or removed record breaks the chain', async () => {
    const chain = await listReviewEvents(t.db, '2026-W11', 'centre');
    expect(verifyChain(chain).valid).toBe(true);
    const edited = chain.map((e, i) => (i === 2 ? { ...e, payload: { ...e.payload, correctiveAction: 'khác' } } : e));
    expect(verifyChain(edited)).toMatchObject({ valid: false, brokenAt: { seq: 3 } });
    const swapped = [chain[0]!, chain[2]!, chain[1]!, ...chain.slice(3)];
    expect(verifyChain(swapped).valid).toBe(false);
    expect(verifyChain(chain.slice(0, 2).concat(chain.slice(3))).valid).toBe(false);
    const moved = chain.map((e, i) => (i === 0 ? { ...e, dossierCode: 'OTHER' } : e));
    expect(verifyChain(moved)).toMatchObject({ valid: false, brokenAt: { seq: 1 } });
  });
});
