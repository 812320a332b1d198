/**
 * The pure rules of retention (machines/documents/retention.ts): when a closed dossier's files may go, which rule
 * holds when the procedure changed since the dossier started, and where the deletion log's chain breaks.
 */
import {
  deletionHash,
  deletionLogBreaks,
  DELETION_LOG_GENESIS,
  retentionEndsAt,
  strictestRule,
  type DeletionRecord,
} from '../../machines/documents/retention';

const TEN = { years: 10, legalBasis: 'x' };
const FIVE = { years: 5, legalBasis: 'y' };

test('files are kept for ever without a rule, and while the dossier is open', () => {
  expect(retentionEndsAt('2026-03-03T02:00:00.000Z', undefined)).toBeNull();
  expect(retentionEndsAt(null, TEN)).toBeNull();
  expect(retentionEndsAt('2026-03-03T02:00:00.000Z', FIVE)).toBe('2031-03-03T02:00:00.000Z');
});

test('the longer rule wins: a period lengthened later protects old dossiers, keeping for ever beats any period', () => {
  expect(strictestRule(FIVE, TEN)).toBe(TEN);
  expect(strictestRule(TEN, FIVE)).toBe(TEN);
  expect(strictestRule(undefined, FIVE)).toBeUndefined();
  expect(strictestRule(FIVE, undefined)).toBeUndefined();
});

function chain(n: number): DeletionRecord[] {
  const out: DeletionRecord[] = [];
  let prev = DELETION_LOG_GENESIS;
  for (let seq = 1; seq <= n; seq += 1) {
    const content = {
      seq,
      sha256: String(seq).repeat(64).slice(0, 64),
      dossierId: `d${seq}`,
      dossierCode: `C-${seq}`,
      documentId: 'd1',
      documentVersion: 1,
      rule: '5 năm',
      reason: 'hết hạn',
      at: '2031-03-04T02:00:00.000Z',
    };
    const hash = deletionHash(prev, content);
    out.push({ ...content, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

test('an intact log has no breaks; an edited, removed or reordered record breaks it there', () => {
  expect(deletionLogBreaks(chain(3))).toEqual([]);
  const edited = chain(3);
  edited[1] = { ...edited[1]!, reason: 'khác' };
  expect(deletionLogBreaks(edited).map((b) => b.seq)).toEqual([2]);
  const removed = chain(3).filter((r) => r.seq !== 2);
  expect(deletionLogBreaks(removed).map((b) => b.seq)).toEqual([3]);
  const [r1, r2, r3] = chain(3);
  expect(deletionLogBreaks([r1!, r3!, r2!]).length).toBeGreaterThan(0);
});
