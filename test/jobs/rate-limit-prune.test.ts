import { BACKENDS } from '../support/backends';
import { startEngine, type StartedEngine } from '../support/engine';
import { RATE_LIMIT_RETENTION_MS, RateLimitPruneJob } from '../../src/jobs/rate-limit-prune';
import { hit } from '../../src/services/rate-limit';

describe.each(BACKENDS)('the rate-limit housekeeping job on $name', (backend) => {
  let t: StartedEngine;
  beforeAll(async () => {
    t = await startEngine(backend);
  });
  afterAll(async () => t.drop());

  test('deletes the buckets whose window started longer ago than the retention, and only those', async () => {
    const opts = { limit: 5, windowMs: 15 * 60_000 };
    t.at('2026-03-02 08:00');
    await hit(t.db, 'test:old', { ...opts, now: t.clock.now() });
    t.at('2026-03-03 07:30');
    await hit(t.db, 'test:recent', { ...opts, now: t.clock.now() });
    t.at('2026-03-03 09:00'); // 25 h after the old bucket's window, 1.5 h after the recent one's
    expect(RATE_LIMIT_RETENTION_MS).toBeLessThan(25 * 3_600_000);
    const job = new RateLimitPruneJob(t);
    expect(await job.runOnce()).toBe(1);
    const left = (await t.db('rate_limits').select('bucket')).map((r: { bucket: string }) => r.bucket);
    expect(left).toEqual(['test:recent']);
    expect(await job.runOnce()).toBe(0);
  });
});
