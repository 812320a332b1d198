/**
 * The generator is deterministic: the same options and seed give the same dossiers, events and
 * hashes (ids included), whatever the batch size; another seed gives another history.
 */
import { BACKENDS } from '../support/backends';
import { chainsOf, generatedDb } from './helpers';

describe.each(BACKENDS)('generating deterministically on $name', (backend) => {
  test('the same seed twice gives identical event hashes and rows; a different seed gives different ones', async () => {
    const opts = { dossiers: 150, centres: 2, months: 1 };
    const first = await generatedDb(backend, { ...opts, seed: 'same' });
    const again = await generatedDb(backend, { ...opts, seed: 'same', batchSize: 37 });
    const other = await generatedDb(backend, { ...opts, seed: 'other' });
    try {
      const a = await chainsOf(first.db);
      expect(a).toHaveLength(first.summary.events);
      expect(await chainsOf(again.db)).toEqual(a);
      const rows = async (g: typeof first) => g.db('dossiers').select('id', 'code', 'version', 'last_hash', 'snapshot').orderBy('code');
      expect(await rows(again)).toEqual(await rows(first));

      const b = await chainsOf(other.db);
      const hashes = new Set(a.map((line) => line.split(' ')[3]));
      expect(b.some((line) => hashes.has(line.split(' ')[3]!))).toBe(false);
    } finally {
      await Promise.all([first.drop(), again.drop(), other.drop()]);
    }
  }, 120_000);
});
