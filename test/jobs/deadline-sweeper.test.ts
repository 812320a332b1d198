/**
 * The deadline sweeper around every boundary: the working day before the due date, the due time
 * itself, Tết, a make-up Saturday, an hour-based procedure; re-running changes nothing; two sweepers
 * racing send each event once.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, hanoi, startEngine, submission, type StartedEngine } from '../support/engine';
import { DeadlineSweeper } from '../../src/jobs/deadline-sweeper';
import { createEngineContext } from '../../src/app/engine-factory';
import { findDueForCheck } from '../../src/store/dossier-store';
import { insertProcedureVersion } from '../../src/store/procedure-store';
import { CATALOGUE } from '../../machines/procedures';

const HKD = '1.001612'; // 3 working days

describe.each(BACKENDS)('the deadline sweeper on $name', (backend) => {
  let t: StartedEngine;
  let sweeper: DeadlineSweeper;
  beforeAll(async () => {
    t = await startEngine(backend);
    sweeper = new DeadlineSweeper(t);
  });
  afterAll(async () => t.drop());

  async function flags(code: string) {
    return (await t.engine.history(code)).filter((e) => e.type.startsWith('DEADLINE_')).map((e) => e.type);
  }

  test('rule: the office is warned half an office day before the apology window closes, not when it closes; overdue only after the due time; once each', async () => {
    t.at('2026-03-03 09:00'); // Tue → due Fri 06/03 17:00; a timely apology by Thu 05/03 17:00
    const { code } = await t.engine.submit(submission(HKD), ACTORS.counter);
    t.at('2026-03-05 11:14'); // 3 h 46 min of office time before the window closes
    await sweeper.sweepOnce();
    expect(await flags(code)).toEqual([]);
    t.at('2026-03-05 11:15'); // 3 h 45 min = half an office day (7 h 30) before Thu 17:00
    await sweeper.sweepOnce();
    expect(await flags(code)).toEqual(['DEADLINE_APPROACHING']);
    expect((await t.engine.get(code)).timeliness).toBe('due_soon');
    expect((await t.engine.history(code)).at(-1)).toMatchObject({ payload: { apologyDueBy: hanoi('2026-03-05 17:00') } });
    t.at('2026-03-06 17:00');
    await sweeper.sweepOnce();
    expect(await flags(code)).toEqual(['DEADLINE_APPROACHING']);
    t.at('2026-03-06 17:01');
    await sweeper.sweepOnce();
    await sweeper.sweepOnce();
    expect(await flags(code)).toEqual(['DEADLINE_APPROACHING', 'DEADLINE_PASSED']);
    expect((await t.engine.get(code)).timeliness).toBe('overdue');
    const history = await t.engine.history(code);
    expect(history.at(-1)).toMatchObject({ actor: 'system', payload: { dueAt: (await t.engine.get(code)).originalDueAt } });
  });

  test('Tết days do not count: a dossier received before Tết is not flagged during it', async () => {
    t.at('2026-02-13 09:00'); // Fri; Tết 16–20/02 → due Wed 25/02 17:00
    const { code, dueAt } = await t.engine.submit(submission(HKD), ACTORS.counter);
    expect(dueAt).toBe(new Date('2026-02-25T17:00:00+07:00').toISOString());
    t.at('2026-02-20 10:00');
    await sweeper.sweepOnce();
    expect(await flags(code)).toEqual([]);
    t.at('2026-02-24 17:01');
    await sweeper.sweepOnce();
    expect(await flags(code)).toEqual(['DEADLINE_APPROACHING']);
  });

  test('a make-up Saturday is a working day for the clock', async () => {
    t.at('2026-01-08 09:00'); // Thu; Sat 10/01 is a make-up working day → due Mon 12/01
    const { code, dueAt } = await t.engine.submit(submission(HKD), ACTORS.counter);
    expect(dueAt).toBe(new Date('2026-01-12T17:00:00+07:00').toISOString());
    t.at('2026-01-10 17:01');
    await sweeper.sweepOnce();
    expect(await flags(code)).toEqual(['DEADLINE_APPROACHING']);
  });

  test('an hour-based procedure is flagged in working hours', async () => {
    const base = CATALOGUE.find((p) => p.code === HKD)!;
    const hourly = {
      ...base,
      code: '9.000008',
      name: 'Thủ tục thử nghiệm tính theo giờ',
      processingTime: { value: 8, unit: 'hours' as const },
      steps: base.steps.map((s) => ({ ...s, budget: { value: 2, unit: 'hours' as const } })),
    };
    await insertProcedureVersion(t.db, {
      code: hourly.code,
      version: 1,
      definition: hourly,
      createdAt: new Date(0).toISOString(),
      createdBy: 'test',
    });
    t.at('2026-03-02 10:00'); // Mon 10:00 + 8 office hours → Tue 10:30
    const { code, dueAt } = await t.engine.submit(submission(hourly.code), ACTORS.counter);
    expect(dueAt).toBe(new Date('2026-03-03T10:30:00+07:00').toISOString());
    t.at('2026-03-02 10:20');
    await sweeper.sweepOnce();
    expect(await flags(code)).toEqual([]);
    t.at('2026-03-02 10:31'); // 7.5 office hours (one office day) left
    await sweeper.sweepOnce();
    expect(await flags(code)).toEqual(['DEADLINE_APPROACHING']);
    t.at('2026-03-03 10:31');
    await sweeper.sweepOnce();
    expect(await flags(code)).toEqual(['DEADLINE_APPROACHING', 'DEADLINE_PASSED']);
  });

  test('a step running past its own budget is flagged once, naming the step and its unit', async () => {
    t.at('2026-03-03 09:00'); // Tue; step 1 (tiep-nhan, counter) has 4 office hours: 09:00–11:30 + 13:30–15:00
    const { code } = await t.engine.submit(submission(HKD), ACTORS.counter);
    await t.engine.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    t.at('2026-03-03 14:59');
    await sweeper.sweepOnce();
    expect((await t.engine.history(code)).map((e) => e.type)).not.toContain('STEP_OVERDUE');
    t.at('2026-03-03 15:01');
    await sweeper.sweepOnce();
    await sweeper.sweepOnce();
    const overruns = (await t.engine.snapshotOf(code)).context.stepOverruns;
    expect(overruns).toEqual([
      expect.objectContaining({
        stepIndex: 0,
        stepId: 'tiep-nhan',
        unit: 'TTPVHCC',
        assignee: 'counter',
        stepDueAt: new Date('2026-03-03T15:00:00+07:00').toISOString(),
      }),
    ]);
    // The next step starts its own budget: one working day, so it is not flagged the same afternoon.
    await t.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
    t.at('2026-03-03 16:00');
    await sweeper.sweepOnce();
    expect((await t.engine.snapshotOf(code)).context.stepOverruns).toHaveLength(1);
  });

  test('the due-soon threshold is configurable in working hours (warned then, if earlier than the apology warning)', async () => {
    const two = await startEngine(backend, '2026-03-03 09:00', { dueSoonThresholdMs: 16 * 3_600_000 });
    try {
      const { code } = await two.engine.submit(submission(HKD), ACTORS.counter); // due Fri 06/03 17:00
      const sw = new DeadlineSweeper(two);
      two.at('2026-03-04 15:59');
      await sw.sweepOnce();
      expect((await two.engine.get(code)).timeliness).toBe('on_track');
      two.at('2026-03-04 16:00'); // 16 office hours left: Wed 1 h + Thu 7.5 h + Fri 7.5 h
      await sw.sweepOnce();
      expect((await two.engine.get(code)).timeliness).toBe('due_soon');
    } finally {
      await two.drop();
    }
  });

  test('the apology warning lead is configurable in working hours (MOTCUA_APOLOGY_WARNING_WORKING_HOURS)', async () => {
    const one = await startEngine(backend, '2026-03-03 09:00', { apologyLeadMs: 3_600_000 });
    try {
      const { code } = await one.engine.submit(submission(HKD), ACTORS.counter); // apology window closes Thu 05/03 17:00
      const sw = new DeadlineSweeper(one);
      one.at('2026-03-05 15:59');
      await sw.sweepOnce();
      expect((await one.engine.get(code)).timeliness).toBe('on_track');
      one.at('2026-03-05 16:00');
      await sw.sweepOnce();
      expect((await one.engine.get(code)).timeliness).toBe('due_soon');
    } finally {
      await one.drop();
    }
  });

  test('rule: with the at_deadline apology option the office is warned half an office day before the due time at the latest', async () => {
    const short = await startEngine(backend, '2026-03-03 09:00', { dueSoonThresholdMs: 3_600_000 });
    try {
      const base = CATALOGUE.find((p) => p.code === HKD)!;
      const atDeadline = {
        ...base,
        code: '9.000297',
        name: 'Thủ tục liên thông (xin lỗi khi hết hạn)',
        apology: { ...base.apology, deadline: 'at_deadline' as const },
      };
      await insertProcedureVersion(short.db, {
        code: atDeadline.code,
        version: 1,
        definition: atDeadline,
        createdAt: new Date(0).toISOString(),
        createdBy: 'test',
      });
      const { code } = await short.engine.submit(submission(atDeadline.code), ACTORS.counter); // due Fri 06/03 17:00
      const sw = new DeadlineSweeper(short);
      short.at('2026-03-06 11:14');
      await sw.sweepOnce();
      expect((await short.engine.get(code)).timeliness).toBe('on_track');
      short.at('2026-03-06 11:15');
      await sw.sweepOnce();
      expect((await short.engine.get(code)).timeliness).toBe('due_soon');
      expect((await short.engine.history(code)).at(-1)).toMatchObject({
        type: 'DEADLINE_APPROACHING',
        payload: { apologyDueBy: hanoi('2026-03-06 17:00') },
      });
    } finally {
      await short.drop();
    }
  });

  test('a paused dossier or one with a result is never flagged', async () => {
    t.at('2026-03-03 09:00');
    const paused = await t.engine.submit(submission(HKD), ACTORS.counter);
    await t.engine.act(paused.code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    await t.engine.act(paused.code, { type: 'PAUSE', reason: 'verification' }, ACTORS.counter);
    t.at('2026-03-20 09:00');
    await sweeper.sweepOnce();
    expect(await flags(paused.code)).toEqual([]);
    expect(await findDueForCheck(t.db, new Date('2030-01-01').toISOString(), 10, [])).not.toContain(paused.code);
  });

  test('a sweep with nothing due reads nothing: every open dossier has its next check in the future', async () => {
    t.at('2026-04-01 09:00');
    await sweeper.sweepOnce();
    expect(await findDueForCheck(t.db, t.clock.now().toISOString(), 1000, [])).toEqual([]);
    const again = await sweeper.sweepOnce();
    expect(again).toEqual({ checked: 0, sent: 0, skipped: 0 });
  });

  test('two sweepers racing over the same overdue dossiers send each event exactly once', async () => {
    t.at('2026-05-04 09:00');
    const ds = [];
    for (let i = 0; i < 12; i++) ds.push(await t.engine.submit(submission(HKD), ACTORS.counter));
    t.at('2026-06-01 09:00');
    // PostgreSQL: a second instance with its own pool. SQLite serves one instance (one writer): a second sweeper in it.
    const other =
      backend.name === 'postgres' ? await createEngineContext({ url: t.dbUrl, schema: t.dbSchema, clock: t.clock, prepare: false }) : null;
    try {
      const a = new DeadlineSweeper(t);
      const b = new DeadlineSweeper(other ?? t);
      const [ra, rb] = await Promise.all([a.sweepOnce(), b.sweepOnce()]);
      expect(ra.sent + rb.sent).toBe(12);
      for (const d of ds) expect(await flags(d.code)).toEqual(['DEADLINE_PASSED']);
    } finally {
      await other?.close();
    }
  });
});
