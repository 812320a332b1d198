/**
 * The compliance figures a supervisor needs to see through pauses and exemptions (issue 12; docs/metrics.md):
 * - an exempted late dossier is counted apart from apologies (`exempted`) and is not "late without apology"
 *   (`apologyMissing`); it stays late;
 * - dossiers whose due date pauses moved, and the total working time moved (`pauseExtended`,
 *   `pauseExtensionMsSum`).
 * Both metric paths (projection SQL and events-only) give the same figures.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, hanoi, startEngine, submission, type StartedEngine } from '../support/engine';
import { complianceFromProjection } from '../../src/metrics/compliance-projection';
import { complianceFromEvents, compareMetrics } from '../../src/metrics/compliance-from-events';
import type { Command } from '../../machines/engine/commands';

const HKD = '1.001612'; // 3 working days: tiep-nhan (counter) → tham-dinh (specialist, KINHTE) → ky-cap (leader, KINHTE)
const leader = { username: 'leader', unit: 'LANHDAO' };
const approve: Command = { type: 'RECORD_RESULT', documentNumber: '1/GCN', documentDate: '2026-03-10', signer: 'leader', digitised: true };
const OFFICE_DAY = 7.5 * 3_600_000;

describe.each(BACKENDS)('exemptions and pauses in the compliance figures on $name', (backend) => {
  let t: StartedEngine;
  beforeAll(async () => {
    t = await startEngine(backend, '2026-03-03 09:00');
  });
  afterAll(async () => t.drop());

  async function atLastStep(local: string): Promise<string> {
    t.at(local);
    const { code } = await t.engine.submit(submission(HKD), ACTORS.counter);
    await t.engine.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    await t.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
    await t.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.specialist);
    return code;
  }

  async function figures() {
    t.at('2026-04-02 10:00');
    const calendar = await t.calendars.latest();
    const q = { from: '2026-03-01', to: '2026-04-01', groupBy: 'centre' as const, now: hanoi('2026-04-02 10:00'), calendar };
    const fast = await complianceFromProjection(t.db, q);
    const slow = await complianceFromEvents(t.db, t.calendars, q);
    expect(compareMetrics(fast, slow.report)).toEqual([]);
    return fast.groups[0]!.figures;
  }

  test('rule: an exempted late dossier is counted as exempted, not as late without apology, and stays late', async () => {
    const apologised = await atLastStep('2026-03-03 09:00'); // due Fri 06/03 17:00
    t.at('2026-03-05 09:00');
    await t.engine.act(
      apologised,
      {
        type: 'ISSUE_APOLOGY',
        reason: 'Chờ ý kiến',
        signer: 'leader',
        signerTitle: 'Chủ tịch',
        signerUsername: 'leader',
        newDueDate: '2026-03-12',
      },
      leader,
    );
    const exempted = await atLastStep('2026-03-03 09:10');
    const missing = await atLastStep('2026-03-03 09:20');
    t.at('2026-03-10 09:00');
    for (const code of [apologised, exempted, missing]) await t.engine.act(code, approve, leader);
    await t.engine.act(exempted, { type: 'RECORD_EXEMPTION', reason: 'force_majeure', explanation: 'Bão số 3, trụ sở mất điện' }, leader);

    const f = await figures();
    expect(f).toMatchObject({ late: 3, lateDossiers: 3, apologised: 1, exempted: 1, apologyMissing: 1 });
    expect(f.apologised + f.exempted + f.apologyMissing).toBe(f.lateDossiers);
  });

  test('rule: the dossiers whose due date pauses moved, and by how much in all, are counted when resolved', async () => {
    const paused = await atLastStep('2026-03-16 09:00');
    t.at('2026-03-17 07:30');
    await t.engine.act(paused, { type: 'PAUSE', reason: 'verification' }, leader);
    t.at('2026-03-18 07:30'); // one whole office day paused: the due date moves one working day
    await t.engine.act(paused, { type: 'RESUME' }, leader);
    await t.engine.act(paused, approve, leader);
    const before = await figures();
    expect(before).toMatchObject({ pauseExtended: 1, pauseExtensionMsSum: OFFICE_DAY });
  });
});
