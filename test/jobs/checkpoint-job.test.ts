import { BACKENDS } from '../support/backends';
import { ACTORS, startEngine, submission, type StartedEngine } from '../support/engine';
import { CheckpointJob } from '../../src/jobs/checkpoint-job';
import { listCheckpoints } from '../../src/store/checkpoint-store';

describe.each(BACKENDS)('the daily checkpoint job on $name', (backend) => {
  let t: StartedEngine;
  beforeAll(async () => {
    t = await startEngine(backend);
  });
  afterAll(async () => t.drop());

  test('anchors the chains once per interval, however often it runs', async () => {
    await t.engine.submit(submission('1.001612'), ACTORS.counter);
    const job = new CheckpointJob(t, 86_400_000);
    expect(await job.runOnce()).toBe(true);
    t.at('2026-03-03 20:00');
    expect(await job.runOnce()).toBe(false);
    await t.engine.submit(submission('1.001612'), ACTORS.counter);
    t.at('2026-03-04 09:30');
    expect(await job.runOnce()).toBe(true);
    const all = await listCheckpoints(t.db);
    expect(all).toHaveLength(2);
    expect(Math.max(...all.map((c) => c.dossierCount))).toBe(2);
  });
});
