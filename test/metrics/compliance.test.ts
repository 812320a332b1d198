/**
 * Compliance metrics on a fixture month: twenty dossiers moved through the engine with the clock under
 * control (February's carry-over, March 2026, one result in April), and every figure of March counted
 * by hand in the comments below. The fast path (SQL over the projection) must give exactly those
 * figures, and the events-only path must give the same, for every grouping, on SQLite and PostgreSQL.
 *
 * Office hours 07:30–11:30 and 13:30–17:00 (7.5 h a day); March 2026 has no holiday.
 * 1.001612 (HKD, 3 working days): tiep-nhan (counter) → tham-dinh (specialist, KINHTE) → ky-cap (leader).
 * 2.000815 (CHUNGTHUC, same day, due 17:00): tiep-nhan → doi-chieu (specialist, VHXH) → ky-chung-thuc.
 *
 *  #   proc  chan    received        due (statutory)  result              class    work h  returned          rating  apology
 *  D1  HKD   counter Mon 02/03 09:00 Thu 05/03 17:00  Wed 04/03 10:00      early    16      04/03 counter     5       –
 *  D2  HKD   online  Mon 02/03 08:30 Thu 05/03 17:00  Thu 05/03 16:00      on time  28      06/03 online      4       –
 *  D3  HKD   counter Mon 09/03 09:00 Thu 12/03 17:00  Fri 13/03 10:00      late     31      16/03 counter     3       Wed 11/03 10:00 timely
 *  D4  HKD   counter Mon 09/03 09:30 Thu 12/03 17:00  Mon 16/03 10:00      late     38      17/03 post        –       Mon 16/03 11:00 late
 *  D5  HKD   counter Mon 16/03 09:00 Thu 19/03 17:00  Fri 20/03 09:00      late     30      not returned      –       none
 *  D6  HKD   counter Mon 23/03 09:00 Thu 26/03 17:00  (in progress: late at the period end)                          none
 *  D7  HKD   counter Mon 23/03 10:00 Thu 26/03 17:00  (in progress: late at the period end)                          Wed 25/03 09:00 timely
 *  D8  HKD   counter Mon 02/03 10:00 Mon 09/03 17:00* Mon 09/03 11:00      on time  31†     09/03 counter     5       –
 *  D9  HKD   counter Tue 10/03 09:00 Mon 16/03 17:00‡ Mon 16/03 14:00      on time  25.5†   17/03 counter     –       –
 *  D10 HKD   counter Tue 17/03 09:00 —                withdrawn Wed 18/03 10:00
 *  D11 HKD   online  (never received)                 refused at intake Wed 18/03 10:00
 *  D12 HKD   counter Thu 19/03 09:00 Tue 24/03 17:00  Mon 23/03 10:00 REFUSED early 16   24/03 counter     2       –
 *  D13 HKD   postal  Mon 23/03 14:00 Thu 26/03 17:00  Wed 25/03 15:00      early    16      26/03 post        –       –
 *  D14 CT    counter Tue 03/03 09:00 Tue 03/03 17:00  Tue 03/03 11:00      on time  2       03/03 counter     4       –
 *  D15 CT    counter Wed 25/03 14:00 Wed 25/03 17:00  Thu 26/03 08:00      late     3.5     27/03 counter     5       Thu 26/03 09:00 late
 *  D16 HKD   counter Thu 26/02 09:00 Tue 03/03 17:00  Tue 03/03 10:00      on time  23.5    03/03 counter     5       –   (carried over)
 *  D17 HKD   counter Wed 25/02 09:00 Mon 02/03 17:00  Fri 27/02 10:00      early            02/03 counter     1       –   (resolved in Feb)
 *  D18 HKD   counter Fri 27/03 09:00 Wed 01/04 17:00  Wed 01/04 10:00 (April: pending and due soon at the period end)
 *  D19 HKD   online  Tue 31/03 09:00 Fri 03/04 17:00  (pending, not yet due)
 *  D20 HKD   counter Mon 30/03 09:00 Thu 02/04 17:00  (supplement requested Tue 31/03: clock stopped)
 *
 *  * D8: supplement requested Tue 03/03 10:00, received Wed 04/03 10:00: the time restarts, due Mon 09/03
 *    (against the first due date, Thu 05/03, the result would have been late).
 *  ‡ D9: paused Wed 11/03 09:00 → Thu 12/03 09:00 = 7.5 working hours = 1 day: due Fri 13/03 → Mon 16/03.
 *  † working time excludes the supplement wait (D8: 7.5 + 23.5 h) and the pause (D9: 7.5 + 18 h).
 *
 * Officers of the handling step: an = D1 D2 D5 D6 D8 D12 D16 D17 D18; binh = D3 D4 D7 D9 D13; chi = D14 D15.
 */
import type request from 'supertest';
import { BACKENDS } from '../support/backends';
import { hanoi, submission } from '../support/engine';
import { startServer, type TestServer } from '../support/server';
import type { Command } from '../../machines/engine/commands';
import type { ActorRef } from '../../machines/dossier';
import { chartFor, restoreSnapshot } from '../../machines/dossier';
import { complianceFromProjection } from '../../src/metrics/compliance-projection';
import { complianceFromRollup } from '../../src/metrics/compliance-rollup';
import { compareMetrics, complianceFromEvents } from '../../src/metrics/compliance-from-events';
import {
  DRILL_FIGURES,
  GROUP_BYS,
  METRIC_DEFINITIONS,
  type ComplianceFigures,
  type ComplianceReport,
  type GroupBy,
} from '../../machines/metrics/definitions';
import { metricsColumns } from '../../machines/metrics/projection-extra';
import fs from 'node:fs';
import path from 'node:path';
import { asDatabaseOwner } from '../support/db-owner';

const HKD = '1.001612';
const CT = '2.000815';
const H = 3_600_000;

const counter: ActorRef = { username: 'counter', unit: 'TTPVHCC' };
const leader: ActorRef = { username: 'leader', unit: 'LANHDAO' };
const an: ActorRef = { username: 'an', unit: 'KINHTE' };
const binh: ActorRef = { username: 'binh', unit: 'KINHTE' };
const chi: ActorRef = { username: 'chi', unit: 'VHXH' };

const approve = (digitised = true): Command => ({
  type: 'RECORD_RESULT',
  documentNumber: '15/GCN',
  documentDate: '2026-03-01',
  signer: 'Chủ tịch UBND xã',
  digitised,
});
const apology = (newDueDate: string): Command => ({ type: 'ISSUE_APOLOGY', reason: 'Chờ xác minh', signer: 'Trưởng phòng', newDueDate });
const giveBack = (method: 'counter' | 'post' | 'online', rating?: number): Command => ({
  type: 'RETURN_RESULT',
  method,
  ...(rating ? { rating } : {}),
});

describe.each(BACKENDS)('compliance metrics for March 2026 on $name', (backend) => {
  let s: TestServer;
  const codes: Record<string, string> = {};
  let fast: (groupBy: GroupBy) => Promise<ComplianceReport>;
  let slow: (groupBy: GroupBy) => ReturnType<typeof complianceFromEvents>;

  const t = () => s.engine;
  async function act(code: string, cmd: Command, actor: ActorRef, at: string) {
    t().at(at);
    const current = await t().engine.get(code);
    return t().engine.act(code, cmd, actor, { expectedVersion: current.version });
  }
  async function receive(name: string, proc: string, at: string, channel: 'counter' | 'online' | 'postal' = 'counter', receivedAt = at) {
    t().at(at);
    const d = await t().engine.submit(submission(proc, channel, `Người nộp ${name}`), counter);
    codes[name] = d.code;
    // online and postal dossiers get their official code when received (the submission reference before)
    if (channel !== 'counter') codes[name] = (await act(d.code, { type: 'RECEIVE' }, counter, receivedAt)).code;
    return codes[name];
  }
  /** The counter's intake step, then the handling step assigned to `officer`. */
  async function toHandling(code: string, at: string, officer: ActorRef | null) {
    await act(code, { type: 'ASSIGN', assignee: 'counter' }, counter, at);
    await act(code, { type: 'COMPLETE_STEP' }, counter, at);
    if (officer) await act(code, { type: 'ASSIGN', assignee: officer.username }, leader, at);
  }
  async function toSignature(code: string, officer: ActorRef, at: string) {
    await act(code, { type: 'COMPLETE_STEP' }, officer, at);
  }

  beforeAll(async () => {
    s = await startServer(backend, '2026-02-25 08:00');
    let c: string;
    // D17: February, early; returned on Mon 02/03 with rating 1.
    c = await receive('D17', HKD, '2026-02-25 09:00');
    await toHandling(c, '2026-02-25 09:10', an);
    await toSignature(c, an, '2026-02-26 10:00');
    await act(c, approve(), leader, '2026-02-27 10:00');
    await act(c, giveBack('counter', 1), counter, '2026-03-02 09:00');
    // D16: carried over from February, on time on its due date.
    c = await receive('D16', HKD, '2026-02-26 09:00');
    await toHandling(c, '2026-02-26 09:10', an);
    await toSignature(c, an, '2026-03-02 10:00');
    await act(c, approve(), leader, '2026-03-03 10:00');
    await act(c, giveBack('counter', 5), counter, '2026-03-03 15:00');
    // D1: early.
    c = await receive('D1', HKD, '2026-03-02 09:00');
    await toHandling(c, '2026-03-02 09:10', an);
    await toSignature(c, an, '2026-03-03 16:00');
    await act(c, approve(), leader, '2026-03-04 10:00');
    await act(c, giveBack('counter', 5), counter, '2026-03-04 14:00');
    // D2: online, on time (on the due date, before 17:00).
    c = await receive('D2', HKD, '2026-03-02 08:00', 'online', '2026-03-02 08:30');
    await toHandling(c, '2026-03-02 08:40', an);
    await toSignature(c, an, '2026-03-05 09:00');
    await act(c, approve(), leader, '2026-03-05 16:00');
    await act(c, giveBack('online', 4), counter, '2026-03-06 09:00');
    // D8: a supplement restarts the time: on time against the new due date.
    c = await receive('D8', HKD, '2026-03-02 10:00');
    await toHandling(c, '2026-03-02 10:10', an);
    await act(c, { type: 'REQUEST_SUPPLEMENT', missing: ['Hợp đồng thuê nhà'], reason: 'thiếu giấy tờ' }, an, '2026-03-03 10:00');
    await act(c, { type: 'RECEIVE_SUPPLEMENT' }, counter, '2026-03-04 10:00');
    await toSignature(c, an, '2026-03-06 10:00');
    await act(c, approve(), leader, '2026-03-09 11:00');
    await act(c, giveBack('counter', 5), counter, '2026-03-09 15:00');
    // D14: same-day certification, on time.
    c = await receive('D14', CT, '2026-03-03 09:00');
    await toHandling(c, '2026-03-03 09:05', chi);
    await toSignature(c, chi, '2026-03-03 10:00');
    await act(c, approve(), leader, '2026-03-03 11:00');
    await act(c, giveBack('counter', 4), counter, '2026-03-03 14:00');
    // D3: late, apologised on Wed 11/03 (by the close of the working day before the due date: timely).
    c = await receive('D3', HKD, '2026-03-09 09:00');
    await toHandling(c, '2026-03-09 09:10', binh);
    await act(c, apology('2026-03-16'), leader, '2026-03-11 10:00');
    await toSignature(c, binh, '2026-03-12 10:00');
    await act(c, approve(false), leader, '2026-03-13 10:00');
    await act(c, giveBack('counter', 3), counter, '2026-03-16 09:00');
    // D4: late, apologised only after the result (a late apology), returned by post.
    c = await receive('D4', HKD, '2026-03-09 09:30');
    await toHandling(c, '2026-03-09 09:40', binh);
    await toSignature(c, binh, '2026-03-13 10:00');
    await act(c, approve(), leader, '2026-03-16 10:00');
    await act(c, apology('2026-03-17'), leader, '2026-03-16 11:00');
    await act(c, giveBack('post'), counter, '2026-03-17 09:00');
    // D9: a pause of one working day moves the due date: on time.
    c = await receive('D9', HKD, '2026-03-10 09:00');
    await toHandling(c, '2026-03-10 09:10', binh);
    await act(c, { type: 'PAUSE', reason: 'verification' }, binh, '2026-03-11 09:00');
    await act(c, { type: 'RESUME' }, binh, '2026-03-12 09:00');
    await toSignature(c, binh, '2026-03-13 10:00');
    await act(c, approve(), leader, '2026-03-16 14:00');
    await act(c, giveBack('counter'), counter, '2026-03-17 10:00');
    // D5: late, result ready but not collected, no apology yet.
    c = await receive('D5', HKD, '2026-03-16 09:00');
    await toHandling(c, '2026-03-16 09:10', an);
    await toSignature(c, an, '2026-03-19 10:00');
    await act(c, approve(), leader, '2026-03-20 09:00');
    // D10: withdrawn (the request, status 7, then the stop notice, status 8).
    c = await receive('D10', HKD, '2026-03-17 09:00');
    await act(c, { type: 'REQUEST_WITHDRAWAL', reason: 'Người nộp rút hồ sơ', via: 'counter' }, counter, '2026-03-18 09:55');
    await act(c, { type: 'WITHDRAW', reason: 'Người nộp rút hồ sơ' }, counter, '2026-03-18 10:00');
    // D11: online, refused at intake (never received).
    t().at('2026-03-18 09:00');
    codes.D11 = (await t().engine.submit(submission(HKD, 'online', 'Người nộp D11'), counter)).code;
    await act(codes.D11, { type: 'REFUSE', reason: 'Không thuộc thẩm quyền' }, counter, '2026-03-18 10:00');
    // D12: a written refusal is a result (early).
    c = await receive('D12', HKD, '2026-03-19 09:00');
    await toHandling(c, '2026-03-19 09:10', an);
    await act(c, { type: 'REFUSE', reason: 'Không đủ điều kiện', signer: 'Trưởng phòng' }, leader, '2026-03-23 10:00');
    await act(c, giveBack('counter', 2), counter, '2026-03-24 09:00');
    // D6, D7: late in progress at the period end; D7 apologised in time.
    c = await receive('D6', HKD, '2026-03-23 09:00');
    await toHandling(c, '2026-03-23 09:10', an);
    c = await receive('D7', HKD, '2026-03-23 10:00');
    await toHandling(c, '2026-03-23 10:10', binh);
    await act(c, apology('2026-03-31'), leader, '2026-03-25 09:00');
    // D13: postal, received by a clerk at 14:00, early, returned by post.
    c = await receive('D13', HKD, '2026-03-23 08:00', 'postal', '2026-03-23 14:00');
    await toHandling(c, '2026-03-23 14:10', binh);
    await toSignature(c, binh, '2026-03-24 10:00');
    await act(c, approve(), leader, '2026-03-25 15:00');
    await act(c, giveBack('post'), counter, '2026-03-26 09:00');
    // D15: same-day certification, late the next morning, apologised after the due date.
    c = await receive('D15', CT, '2026-03-25 14:00');
    await toHandling(c, '2026-03-25 14:05', chi);
    await toSignature(c, chi, '2026-03-25 16:00');
    await act(c, approve(), leader, '2026-03-26 08:00');
    await act(c, apology('2026-03-27'), leader, '2026-03-26 09:00');
    await act(c, giveBack('counter', 5), counter, '2026-03-27 08:00');
    // D18: due Wed 01/04, resolved in April.
    c = await receive('D18', HKD, '2026-03-27 09:00');
    await toHandling(c, '2026-03-27 09:10', an);
    await toSignature(c, an, '2026-03-31 10:00');
    // D20: waiting for a supplement at the period end.
    c = await receive('D20', HKD, '2026-03-30 09:00');
    await toHandling(c, '2026-03-30 09:10', null);
    await act(c, { type: 'REQUEST_SUPPLEMENT', missing: ['Bản đồ vị trí'], reason: 'thiếu giấy tờ' }, an, '2026-03-31 09:00');
    // D19: online, received on the last day.
    await receive('D19', HKD, '2026-03-31 08:45', 'online', '2026-03-31 09:00');
    await act(codes.D18!, approve(), leader, '2026-04-01 10:00');

    t().at('2026-04-10 10:00');
    await ensureMetricsColumns(s);
    const calendar = await t().calendars.latest();
    const now = hanoi('2026-04-10 10:00');
    fast = (groupBy) => complianceFromProjection(t().db, { from: '2026-03-01', to: '2026-04-01', groupBy, now, calendar });
    slow = (groupBy) =>
      complianceFromEvents(t().db, t().calendars, { from: '2026-03-01', to: '2026-04-01', groupBy, now, calendar, pageSize: 7 });
  }, 120_000);
  afterAll(async () => s.close());

  const centre = async () => (await fast('centre')).groups[0]!.figures;

  test('received counts dossiers whose clock started in the period, by channel; a refusal at intake is never received', async () => {
    // D1 D2 D3 D4 D5 D6 D7 D8 D9 D10 D12 D13 D14 D15 D18 D19 D20 = 17; online D2 D19; postal D13. D11 refused at intake.
    expect(await centre()).toMatchObject({
      received: 17,
      receivedCounter: 14,
      receivedOnline: 2,
      receivedPostal: 1,
      onlineShare: 0.1176,
      postalShare: 0.0588,
      refusedIntake: 1,
    });
  });

  test('timeliness is judged at the result against the statutory due date: a supplement restart and a pause move it, an apology does not', async () => {
    // resolved in March: early D1 D12 D13; on time D2 D8 D9 D14 D16; late D3 D4 D5 D15 → on-time rate 8/12.
    expect(await centre()).toMatchObject({
      resolved: 12,
      approved: 11,
      refusedResult: 1,
      early: 3,
      onTime: 5,
      late: 4,
      onTimeRate: 0.6667,
    });
    const snap = async (n: string) => (await t().engine.snapshotOf(codes[n]!)).context;
    expect((await snap('D8')).finalTimeliness).toBe('on_time');
    expect((await snap('D9')).finalTimeliness).toBe('on_time');
    expect((await snap('D3')).finalTimeliness).toBe('late');
  });

  test('at the period end pending dossiers are late in progress, due soon, not yet due, or waiting with the clock stopped', async () => {
    // pending at 01/04 00:00: D6 D7 (due 26/03: late), D18 (due 01/04 17:00, within one office day: due soon),
    // D19 (due 03/04), D20 (awaiting a supplement). D5 has a result not yet collected.
    expect(await centre()).toMatchObject({
      pending: 5,
      pendingLate: 2,
      pendingDueSoon: 1,
      pendingNotYetDue: 1,
      pendingClockStopped: 1,
      resultsNotCollected: 1,
    });
  });

  test('returned, withdrawn and refused are counted in the period they happened', async () => {
    // returned: D17 D16 D14 D1 D2 D8 D3 D4 D9 D12 D13 D15 = 12 (post D4 D13, online D2); withdrawn D10; refused D11 + D12.
    expect(await centre()).toMatchObject({
      returned: 12,
      returnedCounter: 9,
      returnedPost: 2,
      returnedOnline: 1,
      withdrawn: 1,
      refusedIntake: 1,
      refused: 2,
    });
  });

  test('the Gia Lai form: late rate = (late in progress + late resolved) ÷ (received + carried over)', async () => {
    // carried over: D16 (received 26/02, result 03/03). (2 + 4) ÷ (17 + 1) = 0.3333.
    expect(await centre()).toMatchObject({ carriedOver: 1, toProcess: 18, lateRateGiaLai: 0.3333, onTimeRateGiaLai: 0.6667 });
  });

  test('late dossiers: apologised, apologised before the due date, apologised late, apology missing', async () => {
    // late: D3 D4 D5 D15 (resolved) + D6 D7 (in progress) = 6; apologised D3 D7 (timely), D4 D15 (late); missing D5 D6.
    expect(await centre()).toMatchObject({
      lateDossiers: 6,
      apologised: 4,
      apologisedTimely: 2,
      apologisedLate: 2,
      apologyMissing: 2,
      apologyRate: 0.6667,
      timelyApologyRate: 0.3333,
    });
  });

  test('working time to result: average and nearest-rank p90, without supplement waits and pauses', async () => {
    // hours: 2, 3.5, 16, 16, 16, 23.5, 25.5, 28, 30, 31, 31, 38 → sum 260.5, average 21.708 h, p90 = 11th of 12 = 31 h.
    expect(await centre()).toMatchObject({
      timedResults: 12,
      workingMsSum: 260.5 * H,
      avgWorkingMsToResult: Math.round((260.5 * H) / 12),
      p90WorkingMsToResult: 31 * H,
    });
  });

  test('digitised results and satisfaction at return (satisfied = 4 or 5)', async () => {
    // D3's result is on paper: 11 of 12. Ratings returned in March: 5 4 3 5 2 4 5 5 1 (D1 D2 D3 D8 D12 D14 D15 D16 D17).
    expect(await centre()).toMatchObject({
      digitisedResults: 11,
      digitisedShare: 0.9167,
      rated: 9,
      ratingSum: 34,
      ratingAverage: 3.78,
      satisfied: 6,
      satisfactionRate: 0.6667,
    });
  });

  test('every figure of the month for the whole centre, as counted by hand', async () => {
    const expected: ComplianceFigures = {
      received: 17,
      receivedCounter: 14,
      receivedOnline: 2,
      receivedPostal: 1,
      carriedOver: 1,
      toProcess: 18,
      resolved: 12,
      approved: 11,
      refusedResult: 1,
      early: 3,
      onTime: 5,
      late: 4,
      onTimeRate: 0.6667,
      lateRateGiaLai: 0.3333,
      onTimeRateGiaLai: 0.6667,
      timedResults: 12,
      workingMsSum: 260.5 * H,
      avgWorkingMsToResult: 78_150_000,
      p90WorkingMsToResult: 31 * H,
      digitisedResults: 11,
      digitisedShare: 0.9167,
      // no scans were attached in this month's story: every receipt records its required documents as missing
      digitisedReceipts: 0,
      receiptDigitisedShare: 0,
      reusedReceipts: 0,
      reuseShare: 0,
      returned: 12,
      returnedCounter: 9,
      returnedPost: 2,
      returnedOnline: 1,
      resultsNotCollected: 1,
      withdrawn: 1,
      refusedIntake: 1,
      refused: 2,
      lateSupplementRequests: 0,
      exempted: 0,
      pauseExtended: 1,
      pauseExtensionMsSum: 27000000,
      intakeAnsweredLate: 0,
      intakeOverdueWaiting: 0,
      pending: 5,
      pendingNotYetDue: 1,
      pendingDueSoon: 1,
      pendingLate: 2,
      pendingClockStopped: 1,
      lateDossiers: 6,
      apologised: 4,
      apologisedTimely: 2,
      apologisedLate: 2,
      apologyMissing: 2,
      apologyRate: 0.6667,
      timelyApologyRate: 0.3333,
      onlineShare: 0.1176,
      postalShare: 0.0588,
      rated: 9,
      ratingSum: 34,
      ratingAverage: 3.78,
      satisfied: 6,
      satisfactionRate: 0.6667,
    };
    const report = await fast('centre');
    expect(report).toMatchObject({
      from: '2026-03-01',
      to: '2026-04-01',
      groupBy: 'centre',
      asOf: hanoi('2026-04-01 00:00'),
      source: 'projection',
    });
    expect(report.groups).toHaveLength(1);
    expect(report.groups[0]!.figures).toEqual(expected);
    expect(Object.keys(expected).sort()).toEqual(METRIC_DEFINITIONS.map((d) => d.key).sort());
  });

  test('per procedure: the household-business registrations and the same-day certifications', async () => {
    const groups = Object.fromEntries((await fast('procedure')).groups.map((g) => [g.key, g.figures]));
    expect(Object.keys(groups).sort()).toEqual([HKD, CT].sort());
    // 2.000815: D14 on time (2 h), D15 late (3.5 h) with a late apology; both rated 4 and 5.
    expect(groups[CT]).toMatchObject({
      received: 2,
      carriedOver: 0,
      resolved: 2,
      early: 0,
      onTime: 1,
      late: 1,
      onTimeRate: 0.5,
      returned: 2,
      pending: 0,
      avgWorkingMsToResult: 2.75 * H,
      p90WorkingMsToResult: 3.5 * H,
      lateDossiers: 1,
      apologised: 1,
      apologisedTimely: 0,
      apologyMissing: 0,
      rated: 2,
      satisfied: 2,
      lateRateGiaLai: 0.5,
    });
    // 1.001612: everything else. p90 of 16 16 16 23.5 25.5 28 30 31 31 38 is the 9th = 31 h; (2 + 3) ÷ (15 + 1).
    expect(groups[HKD]).toMatchObject({
      received: 15,
      receivedOnline: 2,
      receivedPostal: 1,
      carriedOver: 1,
      resolved: 10,
      early: 3,
      onTime: 4,
      late: 3,
      onTimeRate: 0.7,
      returned: 10,
      withdrawn: 1,
      refusedIntake: 1,
      refusedResult: 1,
      pending: 5,
      pendingLate: 2,
      pendingDueSoon: 1,
      pendingNotYetDue: 1,
      pendingClockStopped: 1,
      resultsNotCollected: 1,
      workingMsSum: 255 * H,
      p90WorkingMsToResult: 31 * H,
      lateDossiers: 5,
      apologised: 3,
      apologisedTimely: 2,
      apologyMissing: 2,
      lateRateGiaLai: 0.3125,
      rated: 7,
      satisfied: 4,
    });
  });

  test('per week (local, Monday to Sunday, clipped to the period): each week has its own carry-over and end-of-week pending', async () => {
    const report = await fast('week');
    expect(report.groups.map((g) => g.key)).toEqual(['2026-W09', '2026-W10', '2026-W11', '2026-W12', '2026-W13', '2026-W14']);
    const w = Object.fromEntries(report.groups.map((g) => [g.key, g.figures]));
    // Sun 01/03 only: D16 carried in and still pending (due Tue 03/03, more than one office day away).
    expect(w['2026-W09']).toMatchObject({ received: 0, carriedOver: 1, resolved: 0, pending: 1, pendingNotYetDue: 1 });
    // 02–08/03: received D1 D2 D8 D14; resolved D16 D14 (on time) D1 (early) D2 (on time); returned D17 D16 D14 D1 D2;
    // pending at Mon 09/03 00:00: D8, due that day at 17:00 after its restart → due soon.
    expect(w['2026-W10']).toMatchObject({
      received: 4,
      carriedOver: 1,
      resolved: 4,
      early: 1,
      onTime: 3,
      late: 0,
      returned: 5,
      pending: 1,
      pendingDueSoon: 1,
      onTimeRate: 1,
    });
    // 09–15/03: received D3 D4 D9; resolved D8 (on time) D3 (late); pending at 16/03: D4 late (apologised only on 16/03 11:00),
    // D9 due 16/03 17:00 → due soon. Late: D3 + D4; apologised D3 (timely).
    expect(w['2026-W11']).toMatchObject({
      received: 3,
      carriedOver: 1,
      resolved: 2,
      onTime: 1,
      late: 1,
      returned: 1,
      pending: 2,
      pendingLate: 1,
      pendingDueSoon: 1,
      lateDossiers: 2,
      apologised: 1,
      apologisedTimely: 1,
      apologyMissing: 1,
      lateRateGiaLai: 0.5,
    });
    // 16–22/03: received D5 D10 D12; resolved D4 (late) D9 (on time) D5 (late); returned D3 D4 D9; D10 withdrawn, D11 refused;
    // pending at 23/03: D12 (due 24/03) → not yet due; D5 not collected; late D4 (apologised late) and D5 (missing).
    expect(w['2026-W12']).toMatchObject({
      received: 3,
      carriedOver: 2,
      resolved: 3,
      onTime: 1,
      late: 2,
      returned: 3,
      withdrawn: 1,
      refusedIntake: 1,
      pending: 1,
      pendingNotYetDue: 1,
      resultsNotCollected: 1,
      lateDossiers: 2,
      apologised: 1,
      apologisedTimely: 0,
      apologyMissing: 1,
    });
    // 23–29/03: received D6 D7 D13 D15 D18; resolved D12 (early, refusal) D13 (early) D15 (late); returned D12 D13 D15;
    // pending at 30/03: D6 D7 late, D18 (due 01/04) not yet due. Late: D15 D6 D7; apologised D15 (late) D7 (timely).
    expect(w['2026-W13']).toMatchObject({
      received: 5,
      carriedOver: 1,
      resolved: 3,
      early: 2,
      late: 1,
      refusedResult: 1,
      returned: 3,
      pending: 3,
      pendingLate: 2,
      pendingNotYetDue: 1,
      lateDossiers: 3,
      apologised: 2,
      apologisedTimely: 1,
      apologyMissing: 1,
      lateRateGiaLai: 0.5,
    });
    // 30–31/03: received D19 D20; the month-end pending of the whole period.
    expect(w['2026-W14']).toMatchObject({
      received: 2,
      carriedOver: 3,
      resolved: 0,
      pending: 5,
      pendingLate: 2,
      pendingDueSoon: 1,
      pendingNotYetDue: 1,
      pendingClockStopped: 1,
    });
  });

  test('per officer of the handling step', async () => {
    const groups = Object.fromEntries((await fast('officer')).groups.map((g) => [g.key, g.figures]));
    expect(Object.keys(groups).sort()).toEqual(['(none)', 'an', 'binh', 'chi']);
    // binh: D3 D4 D7 D9 D13 received; D13 early, D9 on time, D3 D4 late; D7 late in progress (apologised in time).
    expect(groups.binh).toMatchObject({
      received: 5,
      resolved: 4,
      early: 1,
      onTime: 1,
      late: 2,
      pendingLate: 1,
      lateDossiers: 3,
      apologised: 3,
      apologisedTimely: 2,
    });
    // no officer: D10 (withdrawn), D11 (refused at intake), D19 and D20 (not assigned).
    expect(groups['(none)']).toMatchObject({ received: 3, withdrawn: 1, refusedIntake: 1, pending: 2 });
  });

  test("the projection's metrics columns are those of the chart snapshot (written by the engine at every transition)", async () => {
    const calendar = await t().calendars.latest();
    const rows = (await t().db('dossiers').select('*')) as Record<string, unknown>[];
    expect(rows).toHaveLength(20);
    for (const r of rows) {
      const expected = metricsColumns(restoreSnapshot(chartFor(Number(r.machine_version)), JSON.parse(String(r.snapshot))), calendar);
      const stored = Object.fromEntries(
        Object.entries(expected).map(([k, v]) => {
          const raw = r[k];
          const value =
            raw === null || raw === undefined
              ? null
              : typeof v === 'boolean'
                ? Boolean(raw)
                : typeof v === 'number'
                  ? Number(raw)
                  : k.endsWith('_at') || k.endsWith('_by')
                    ? new Date(raw as string).toISOString()
                    : raw;
          return [k, value];
        }),
      );
      expect({ code: r.code, ...stored }).toEqual({ code: r.code, ...expected });
    }
  });

  test.each(GROUP_BYS)('the events-only path gives the same figures as the fast path, grouped by %s', async (groupBy) => {
    const projection = await fast(groupBy);
    const { report, integrity } = await slow(groupBy);
    expect(integrity).toEqual({ dossiers: 20, broken: [] });
    expect(compareMetrics(projection, report)).toEqual([]);
    expect(report.groups.map((g) => [g.key, g.label])).toEqual(projection.groups.map((g) => [g.key, g.label]));
  });

  test.each(['centre', 'week', 'month', 'procedure', 'unit'] as GroupBy[])(
    'the rollup the engine kept gives the same figures, labels included, grouped by %s (what GET /api/metrics/compliance serves)',
    async (groupBy) => {
      const calendar = await t().calendars.latest();
      const q = { from: '2026-03-01', to: '2026-04-01', groupBy, now: hanoi('2026-04-10 10:00'), calendar };
      const rollup = await complianceFromRollup(t().db, q);
      const projection = await fast(groupBy);
      expect(compareMetrics(rollup, projection)).toEqual([]);
      expect(rollup.groups.map((g) => [g.key, g.label])).toEqual(projection.groups.map((g) => [g.key, g.label]));
    },
  );

  test('an edited projection row is caught by the events-only path', async () => {
    const id = (await t().db('dossiers').where({ code: codes.D5 }).first()).id;
    await t().db('dossiers').where({ id }).update({ final_timeliness: 'on_time' });
    try {
      const diffs = compareMetrics(await fast('centre'), (await slow('centre')).report);
      expect(diffs).toEqual(
        expect.arrayContaining([
          { group: 'all', metric: 'late', fast: 3, slow: 4 },
          { group: 'all', metric: 'onTime', fast: 6, slow: 5 },
        ]),
      );
    } finally {
      await t().db('dossiers').where({ id }).update({ final_timeliness: 'late' });
    }
  });

  test('an edited event breaks its hash chain and is reported', async () => {
    const id = (await t().db('dossiers').where({ code: codes.D1 }).first()).id;
    const ev = await t().db('dossier_events').where({ dossier_id: id, type: 'RETURN_RESULT' }).first();
    await asDatabaseOwner(t().db); // as the database owner: the application itself cannot change history
    await t()
      .db('dossier_events')
      .where({ id: ev.id })
      .update({ payload: JSON.stringify({ method: 'counter', rating: 1 }) });
    try {
      const { integrity } = await slow('centre');
      expect(integrity.broken).toEqual([{ dossier: id, problem: 'hash chain does not verify' }]);
    } finally {
      await t().db('dossier_events').where({ id: ev.id }).update({ payload: ev.payload });
    }
  });

  describe('over HTTP', () => {
    test('GET /api/metrics/compliance serves the fast path to a supervisor', async () => {
      const res = await s.http
        .get('/api/metrics/compliance?from=2026-03-01&to=2026-04-01&groupBy=procedure')
        .set('Authorization', `Bearer ${await s.login('supervisor')}`);
      expect(res.status).toBe(200);
      const expected = await fast('procedure');
      expect(res.body.groups).toEqual(expected.groups);
      expect(res.body.groups.map((g: { label: string }) => g.label)).toEqual([
        '1.001612 Đăng ký thành lập hộ kinh doanh',
        expect.stringMatching(/^2\.000815 /),
      ]);
    });

    test('only supervisors, leaders, auditors and administrators may read the metrics', async () => {
      for (const user of ['auditor', 'leader', 'admin']) {
        const res = await s.http
          .get('/api/metrics/compliance?from=2026-03-01&to=2026-04-01')
          .set('Authorization', `Bearer ${await s.login(user)}`);
        expect({ user, status: res.status }).toEqual({ user, status: 200 });
      }
      for (const user of ['counter', 'specialist']) {
        const res = await s.http.get('/api/metrics/apology-missing').set('Authorization', `Bearer ${await s.login(user)}`);
        expect({ user, status: res.status }).toEqual({ user, status: 403 });
      }
    });

    /** every code of a dossier list query, all pages */
    async function listed(query: string, token: string): Promise<string[]> {
      const out: string[] = [];
      let cursor: string | null = null;
      do {
        const res: request.Response = await s.http
          .get(`/api/dossiers?${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
          .set('Authorization', `Bearer ${token}`);
        expect({ query, status: res.status, body: res.status === 200 ? null : res.body }).toEqual({ query, status: 200, body: null });
        out.push(...res.body.items.map((i: { code: string }) => i.code));
        cursor = res.body.nextCursor;
      } while (cursor);
      return out.sort();
    }

    test('every dashboard figure opens a list of exactly the dossiers it counts, for the centre, each unit and each procedure', async () => {
      const token = await s.login('supervisor');
      const period = 'periodFrom=2026-03-01&periodTo=2026-04-01';
      const [centre, byUnit, byProcedure] = [await fast('centre'), await fast('unit'), await fast('procedure')];
      const name = (code: string) => Object.entries(codes).find(([, c]) => c === code)?.[0];
      for (const figure of DRILL_FIGURES) {
        const all = await listed(`figure=${figure}&${period}`, token);
        expect({ figure, n: all.length }).toEqual({ figure, n: centre.groups[0]!.figures[figure] });
        for (const g of byUnit.groups.filter((x) => x.key !== '(none)')) {
          const n = (await listed(`figure=${figure}&${period}&handlingUnit=${g.key}`, token)).length;
          expect({ figure, unit: g.key, n }).toEqual({ figure, unit: g.key, n: g.figures[figure] });
        }
        for (const g of byProcedure.groups) {
          const n = (await listed(`figure=${figure}&${period}&procedure=${g.key}`, token)).length;
          expect({ figure, procedure: g.key, n }).toEqual({ figure, procedure: g.key, n: g.figures[figure] });
        }
      }
      // the hand count: resolved late in March are D3 D4 D5 D15; late overall adds D6 D7 (late in progress)
      expect((await listed(`figure=late&${period}`, token)).map(name).sort()).toEqual(['D15', 'D3', 'D4', 'D5']);
      expect((await listed(`figure=lateDossiers&${period}`, token)).map(name).sort()).toEqual(['D15', 'D3', 'D4', 'D5', 'D6', 'D7']);
      // the old dashboard linked its "Trễ hạn" card (late results of one week) to timeliness=late: every late result ever
      const week = 'periodFrom=2026-03-16&periodTo=2026-03-23';
      const weekly = await complianceFromProjection(t().db, {
        from: '2026-03-16',
        to: '2026-03-23',
        groupBy: 'centre',
        now: hanoi('2026-04-10 10:00'),
        calendar: await t().calendars.latest(),
      });
      const lateInWeek = await listed(`figure=late&${week}`, token);
      expect(lateInWeek.length).toBe(weekly.groups[0]!.figures.late);
      expect((await listed('timeliness=late', token)).length).toBeGreaterThan(lateInWeek.length);
    });

    test('a figure needs its period, and a period needs a figure: 400 naming the field', async () => {
      const token = await s.login('supervisor');
      const cases: [string, string][] = [
        ['figure=late', 'periodFrom'],
        ['figure=late&periodFrom=2026-03-01', 'periodTo'],
        ['figure=late&periodFrom=2026-03-10&periodTo=2026-03-01', 'periodTo'],
        ['periodFrom=2026-03-01', 'periodFrom'],
        ['figure=everything&periodFrom=2026-03-01&periodTo=2026-04-01', 'figure'],
      ];
      for (const [query, field] of cases) {
        const res = await s.http.get(`/api/dossiers?${query}`).set('Authorization', `Bearer ${token}`);
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expect(res.body.error.details.issues.map((i: { field: string }) => i.field)).toContain(field);
      }
    });

    test('a malformed period is a 400 naming the fields', async () => {
      const res = await s.http
        .get('/api/metrics/compliance?from=2026-02-30&to=2026-01-01&groupBy=year&x=1')
        .set('Authorization', `Bearer ${await s.login('supervisor')}`);
      expect(res.status).toBe(400);
      const fields = res.body.error.details.issues.map((i: { field: string }) => i.field);
      expect(fields).toEqual(expect.arrayContaining(['from', 'groupBy']));
      expect(fields.some((f: string) => f === '(body)' || f === 'x' || f === '')).toBe(true);
    });

    test('GET /api/metrics/apology-missing lists late dossiers without an apology, applicant masked', async () => {
      const res = await s.http.get('/api/metrics/apology-missing').set('Authorization', `Bearer ${await s.login('supervisor')}`);
      expect(res.status).toBe(200);
      // now Fri 10/04: D5 (late result, not returned, due 19/03), D6 (in progress, due 26/03), D19 (received, due 03/04).
      // D7 has its apology; D20 waits for a supplement (its clock is stopped); D18 was resolved on time.
      expect(res.body.items.map((i: { code: string }) => i.code)).toEqual([codes.D5, codes.D6, codes.D19]);
      expect(res.body.items[0]).toMatchObject({
        state: 'result',
        originalDueAt: hanoi('2026-03-19 17:00'),
        workingDaysOverdue: 1,
        applicant: { idNumber: '••••••••2345', phone: '••••••5678' },
      });
      // 27/03, 30/03, 31/03, 01–03/04, 06–10/04: 11 working days after the due date.
      expect(res.body.items[1]).toMatchObject({
        state: 'processing',
        handlingUnit: 'KINHTE',
        handlingOfficer: 'an',
        workingDaysOverdue: 11,
      });
      expect(res.body.items[2]).toMatchObject({ state: 'received', handlingOfficer: null, workingDaysOverdue: 5 });
      expect(res.body.truncated).toBe(false);
    });
  });
});

/** The engine writes the metrics columns at every transition: each row equals what its snapshot gives. */
async function ensureMetricsColumns(s: TestServer): Promise<void> {
  const rows = (await s.engine.db('dossiers').select('*')) as Record<string, unknown>[];
  const calendar = await s.engine.calendars.latest();
  for (const r of rows) {
    const snapshot = restoreSnapshot(chartFor(Number(r.machine_version)), JSON.parse(String(r.snapshot)));
    for (const [column, expected] of Object.entries(metricsColumns(snapshot, calendar))) {
      const stored = r[column] instanceof Date ? (r[column] as Date).toISOString() : r[column];
      const normalise = (v: unknown) =>
        typeof v === 'boolean'
          ? Number(v)
          : v === null || v === undefined
            ? null
            : typeof v === 'string' && /^\d+$/.test(v)
              ? Number(v)
              : v;
      expect({ column, value: normalise(stored) }).toEqual({ column, value: normalise(expected) });
    }
  }
}

test('docs/metrics.md defines every figure', () => {
  const doc = fs.readFileSync(path.join(__dirname, '../../docs/metrics.md'), 'utf8');
  for (const d of METRIC_DEFINITIONS)
    expect({ key: d.key, documented: doc.includes(`\`${d.key}\``) }).toEqual({ key: d.key, documented: true });
});
