/**
 * The one rule for running a transaction again (retryTransient in src/store/db.ts): on PostgreSQL, a deadlock (40P01)
 * or a serialization failure (40001) runs it again, up to N runs in all, then gives the last error; any other error
 * is thrown at once; on SQLite (one writer, never these codes) it runs once, whatever it throws.
 */
import { isTransientConflict, retryTransient, TRANSIENT_ATTEMPTS, type Db } from '../../src/store/db';

const handle = (client: string) => ({ client: { config: { client } } }) as unknown as Db;
const pg = handle('pg');
const sqlite = handle('sqlite3');
const failure = (code: string, n: number) => Object.assign(new Error(`failure ${n}`), { code });

/** A transaction that fails with `codes[i]` at its i-th run, then returns 'committed'; counts its runs and pauses. */
function scripted(codes: string[]) {
  const seen = { runs: 0, pauses: [] as number[] };
  const transaction = async () => {
    const code = codes[seen.runs++];
    if (code) throw failure(code, seen.runs);
    return 'committed';
  };
  const pause = async (attempt: number) => void seen.pauses.push(attempt);
  return { seen, transaction, pause };
}

describe('retryTransient', () => {
  test.each(['40P01', '40001'])('on PostgreSQL, %s runs the transaction again until it commits', async (code) => {
    const s = scripted([code, code]);
    await expect(retryTransient(pg, s.transaction, { pause: s.pause })).resolves.toBe('committed');
    expect(s.seen).toEqual({ runs: 3, pauses: [1, 2] });
  });

  test('after N runs it gives the last error', async () => {
    const s = scripted(['40P01', '40001', '40P01', '40001']);
    await expect(retryTransient(pg, s.transaction, { attempts: 3, pause: s.pause })).rejects.toMatchObject({
      code: '40P01',
      message: 'failure 3',
    });
    expect(s.seen).toEqual({ runs: 3, pauses: [1, 2] });
  });

  test(`by default ${TRANSIENT_ATTEMPTS} runs in all`, async () => {
    const s = scripted(Array<string>(10).fill('40P01'));
    await expect(retryTransient(pg, s.transaction, { pause: s.pause })).rejects.toMatchObject({ code: '40P01' });
    expect(s.seen.runs).toBe(TRANSIENT_ATTEMPTS);
  });

  test.each(['23505', '57014', 'VERSION_CONFLICT'])('any other error (%s) is thrown at once', async (code) => {
    const s = scripted([code]);
    await expect(retryTransient(pg, s.transaction, { pause: s.pause })).rejects.toMatchObject({ code });
    expect(s.seen).toEqual({ runs: 1, pauses: [] });
  });

  test('on SQLite it runs the transaction once, even for these codes', async () => {
    const s = scripted(['40P01']);
    await expect(retryTransient(sqlite, s.transaction, { pause: s.pause })).rejects.toMatchObject({ code: '40P01' });
    expect(s.seen).toEqual({ runs: 1, pauses: [] });
    const ok = scripted([]);
    await expect(retryTransient(sqlite, ok.transaction)).resolves.toBe('committed');
  });

  test('isTransientConflict: 40P01 and 40001 only', () => {
    expect(['40P01', '40001', '23505', '40000', undefined].map((code) => isTransientConflict({ code }))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(isTransientConflict(null)).toBe(false);
  });
});
