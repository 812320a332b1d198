/**
 * The compliance rollup (issue 16; machines/metrics/rollup.ts): kept by the engine in each event's
 * transaction, it must be exactly what the events give — the table the engine kept equals the one derived
 * from the events, and its reports (whole centre, weeks, months) equal the events-only path's for every
 * figure — after a random history through the engine, on SQLite and PostgreSQL. A closed period's pending
 * dossiers are classified as they were at its end, not as they are now.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, hanoi, startEngine, submission, type StartedEngine } from '../support/engine';
import { allowedEvents, USER_EVENT_TYPES } from '../../machines/dossier';
import type { Command } from '../../machines/engine/commands';
import { compareMetrics, complianceFromEvents } from '../../src/metrics/compliance-from-events';
import { complianceFromProjection } from '../../src/metrics/compliance-projection';
import { complianceFromRollup } from '../../src/metrics/compliance-rollup';
import { classHistoryDifferences, rebuildRollup, rollupFromEvents } from '../../src/metrics/rollup-rebuild';
import { rollupDays } from '../../src/store/rollup-store';
import type { GroupBy } from '../../machines/metrics/definitions';
import type { RollupValues } from '../../machines/metrics/rollup';
import { DIGITISATION_GROUPINGS, digitisationDifferences, type DigitisationGroupBy } from '../../machines/metrics/digitisation-rollup';
import { compareDigitisation, digitisationFromRollup, digitisationOfReport } from '../../src/metrics/digitisation-report';
import { digitisationRollupEntries, groupRollupDays } from '../../src/store/digitisation-rollup-store';
import { loadMetricsReference } from '../../src/metrics/compliance-projection';
import { verifyGrouping } from '../../src/cli/metrics-verify';
import * as digitisationRollupMigration from '../../db/migrations/20261209000100_digitisation_rollup';
import * as groupRollupFlowsMigration from '../../db/migrations/20261210620626_group_rollup_flows';
import * as dayRollupClassesOnlyMigration from '../../db/migrations/20261211406316_day_rollup_classes_only';

const HKD = '1.001612'; // 3 working days
const CT = '2.000815'; // same day
const leader = { username: 'leader', unit: 'LANHDAO' };

/** A small deterministic PRNG (mulberry32): the same history every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A command of each type the random walk uses (the others are left out). */
function commandFor(type: string, at: string, rnd: () => number): Command | null {
  const later = (days: number) => new Date(Date.parse(at) + days * 86_400_000 + 7 * 3_600_000).toISOString().slice(0, 10);
  switch (type) {
    case 'RECEIVE':
    case 'COMPLETE_STEP':
    case 'RECEIVE_SUPPLEMENT':
    case 'RESUME':
    case 'RESUBMIT':
      return { type } as Command;
    case 'ASSIGN':
      return { type, assignee: rnd() < 0.5 ? 'specialist' : 'counter' };
    case 'REQUEST_SUPPLEMENT':
      return { type, missing: ['Bản sao giấy tờ'], reason: 'thiếu giấy tờ' };
    case 'PAUSE':
      return { type, reason: 'verification' };
    case 'RECORD_RESULT':
      return { type, documentNumber: '1/GCN', documentDate: at.slice(0, 10), signer: 'leader', digitised: rnd() < 0.8 };
    case 'REFUSE':
      return { type, reason: 'Không đủ điều kiện', signer: 'leader' };
    case 'ISSUE_APOLOGY':
      return { type, reason: 'Chờ xác minh', signer: 'leader', newDueDate: later(3 + Math.floor(rnd() * 5)) };
    case 'RECORD_EXEMPTION':
      return { type, reason: 'force_majeure', explanation: 'Bão, mất điện' } as Command;
    case 'RETURN_RESULT':
      return {
        type,
        method: rnd() < 0.6 ? 'counter' : rnd() < 0.5 ? 'post' : 'online',
        ...(rnd() < 0.7 ? { rating: 1 + Math.floor(rnd() * 5) } : {}),
      };
    case 'REQUEST_WITHDRAWAL':
      return { type, reason: 'Người nộp rút', via: 'counter' } as Command;
    case 'WITHDRAW':
      return { type, reason: 'Người nộp rút' } as Command;
    default:
      return null;
  }
}

/** Per-day totals without the zero figures (a table and a derivation compare equal whatever their zero rows). */
function nonZero(days: Iterable<[string, Partial<Record<string, number>>]>): Record<string, Partial<Record<string, number>>> {
  const out: Record<string, Partial<Record<string, number>>> = {};
  for (const [day, values] of days) {
    const v = Object.fromEntries(Object.entries(values).filter(([, n]) => n !== 0));
    if (Object.keys(v).length) out[day] = v;
  }
  return out;
}

async function keptRollup(t: StartedEngine) {
  return nonZero((await rollupDays(t.db, '9999-12-31')).map((d) => [d.day, d.values] as [string, RollupValues]));
}

async function derivedRollup(t: StartedEngine) {
  return nonZero((await rollupFromEvents(t.db, t.calendars, { pageSize: 9 })).days);
}

/** The day × procedure × unit rows where the digitisation rollup the engine kept differs from the one the events give. */
async function digitisationDiffering(t: StartedEngine) {
  const derived = await rollupFromEvents(t.db, t.calendars, { pageSize: 9 });
  return digitisationDifferences(await digitisationRollupEntries(t.db), derived.digitisation.entries());
}

/** The dossiers whose pending-class history the engine kept says something else than their events at some instant. */
async function classHistoryDiffering(t: StartedEngine): Promise<string[]> {
  const differing: string[] = [];
  await rollupFromEvents(t.db, t.calendars, {
    pageSize: 9,
    onPage: async (page) => {
      for (const d of await classHistoryDifferences(t.db, page)) differing.push(d.dossier);
    },
  });
  return differing;
}

describe.each(BACKENDS)('the compliance rollup on $name', (backend) => {
  let t: StartedEngine;
  beforeAll(async () => {
    t = await startEngine(backend, '2026-02-02 08:00');
  });
  afterAll(async () => t.drop());

  async function reports(from: string, to: string, groupBy: GroupBy, nowLocal: string) {
    const calendar = await t.calendars.latest();
    const q = { from, to, groupBy, now: hanoi(nowLocal), calendar };
    return {
      rollup: await complianceFromRollup(t.db, q),
      projection: await complianceFromProjection(t.db, q),
      events: (await complianceFromEvents(t.db, t.calendars, q)).report,
    };
  }

  test('rule: a closed month classifies its pending dossiers as they were at its end (a supplement requested later does not stop its clock then)', async () => {
    t.at('2026-02-02 09:00');
    const { code } = await t.engine.submit(submission(HKD), ACTORS.counter); // due Thu 05/02 17:00
    await t.engine.act(code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.counter);
    t.at('2026-03-02 09:00'); // late at the end of February; then waiting for a supplement in March
    await t.engine.act(code, { type: 'REQUEST_SUPPLEMENT', missing: ['Bản đồ'], reason: 'thiếu giấy tờ' }, ACTORS.specialist);
    const r = await reports('2026-02-01', '2026-03-01', 'centre', '2026-03-03 09:00');
    const feb = (x: typeof r.rollup) => x.groups[0]!.figures;
    expect(feb(r.events)).toMatchObject({ pending: 1, pendingLate: 1, pendingClockStopped: 0, lateDossiers: 1, apologyMissing: 1 });
    expect(feb(r.rollup)).toMatchObject({ pending: 1, pendingLate: 1, pendingClockStopped: 0, lateDossiers: 1, apologyMissing: 1 });
    // the projection's SQL classifies with the history interval valid at the end (test/metrics/pending-at-cut.test.ts)
    expect(feb(r.projection)).toMatchObject({ pending: 1, pendingLate: 1, pendingClockStopped: 0, lateDossiers: 1, apologyMissing: 1 });
    expect(compareMetrics(r.rollup, r.events)).toEqual([]);
    expect(compareMetrics(r.projection, r.events)).toEqual([]);
  });

  test('rule: after a random history the rollup and the pending-class history the engine kept are the ones derived from the events, and every figure of every month, week, grouping and the whole period equals the events-only path on the rollup and on the projection', async () => {
    const rnd = prng(16);
    const codes: string[] = [];
    let clock = Date.parse(hanoi('2026-02-03 08:00'));
    for (let step = 0; step < 700; step++) {
      clock += Math.floor(rnd() * 5 * 3_600_000); // up to 5 hours later, nights and weekends included
      t.clock.set(new Date(clock).toISOString());
      if (codes.length < 60 && rnd() < 0.12) {
        const channel = rnd() < 0.6 ? 'counter' : rnd() < 0.5 ? 'online' : 'postal';
        codes.push((await t.engine.submit(submission(rnd() < 0.8 ? HKD : CT, channel), ACTORS.counter)).code);
        continue;
      }
      if (!codes.length) continue;
      const i = Math.floor(rnd() * codes.length);
      const snapshot = await t.engine.snapshotOf(codes[i]!);
      const allowed = allowedEvents(snapshot, USER_EVENT_TYPES).filter((e) => e !== 'REQUEST_WITHDRAWAL' || rnd() < 0.15);
      if (!allowed.length) continue;
      const cmd = commandFor(allowed[Math.floor(rnd() * allowed.length)]!, new Date(clock).toISOString(), rnd);
      if (!cmd) continue;
      try {
        const view = await t.engine.act(
          codes[i]!,
          cmd,
          cmd.type === 'RECORD_RESULT' || cmd.type === 'ISSUE_APOLOGY' ? leader : ACTORS.counter,
        );
        codes[i] = view.code; // an online dossier takes its official code at receipt
      } catch {
        // a command the rules refuse here (a signer, a date): nothing changed, the walk goes on
      }
    }
    const now = new Date(clock + 3_600_000).toISOString();
    expect(await keptRollup(t)).toEqual(await derivedRollup(t));
    expect(await classHistoryDiffering(t)).toEqual([]);
    expect(await digitisationDiffering(t)).toEqual([]);

    const nowLocal = new Date(Date.parse(now) + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    for (const [from, to, groupBy] of [
      ['2026-02-01', '2026-07-01', 'month'], // the last months still running: classified now, from the rows
      ['2026-02-01', '2026-07-01', 'week'],
      ['2026-02-01', '2026-07-01', 'centre'],
      ['2026-02-16', '2026-03-16', 'centre'],
      ...(['procedure', 'field', 'unit', 'officer', 'channel'] as const).map((g) => ['2026-02-01', '2026-04-01', g]),
      ['2026-03-01', '2026-07-01', 'unit'],
    ] as [string, string, GroupBy][]) {
      const q = { from, to, groupBy, now: hanoi(nowLocal), calendar: await t.calendars.latest() };
      if ((DIGITISATION_GROUPINGS as readonly string[]).includes(groupBy)) {
        // the digitisation rollup's figures equal the events' and the projection's
        const digitisation = await digitisationFromRollup(t.db, { ...q, groupBy: groupBy as DigitisationGroupBy });
        const events = (await complianceFromEvents(t.db, t.calendars, q)).report;
        expect([groupBy, compareDigitisation(digitisation, digitisationOfReport(events))]).toEqual([groupBy, []]);
        expect(compareDigitisation(digitisation, digitisationOfReport(await complianceFromProjection(t.db, q)))).toEqual([]);
      }
      if (['centre', 'week', 'month', 'procedure', 'unit'].includes(groupBy)) {
        const r = await reports(from, to, groupBy, nowLocal);
        expect([groupBy, compareMetrics(r.rollup, r.events)]).toEqual([groupBy, []]);
        expect([groupBy, compareMetrics(r.projection, r.events)]).toEqual([groupBy, []]);
        continue;
      }
      // the groupings only the projection answers
      const events = (await complianceFromEvents(t.db, t.calendars, q)).report;
      expect([groupBy, compareMetrics(await complianceFromProjection(t.db, q), events)]).toEqual([groupBy, []]);
    }
    // the walk reached every kind of figure the rollup keeps
    const months = (await reports('2026-02-01', '2026-07-01', 'month', nowLocal)).rollup.groups.map((g) => g.figures);
    const sum = (k: keyof (typeof months)[number]) => months.reduce((n, f) => n + Number(f[k] ?? 0), 0);
    expect(sum('received')).toBeGreaterThan(30);
    expect(sum('resolved')).toBeGreaterThan(10);
    for (const k of [
      'returned',
      'late',
      'pendingLate',
      'pendingClockStopped',
      'pendingDueSoon',
      'apologised',
      'withdrawn',
      'digitisedResults',
    ] as const)
      expect([k, sum(k)]).not.toEqual([k, 0]);
    // the digitisation rollup has rows of both procedures
    expect(new Set((await digitisationRollupEntries(t.db)).map((e) => e.procedure))).toEqual(new Set([HKD, CT]));
  }, 180_000);

  test('rule: the compliance report by procedure and by unit from the rollup equals the one from the events and the one from the projection, group by group, for an ended period and a running one', async () => {
    const nowLocal = '2026-06-01 09:00';
    for (const groupBy of ['procedure', 'unit'] as const)
      for (const [from, to] of [
        ['2026-02-01', '2026-03-01'], // ended: pending classified at its end from the class history
        ['2026-02-16', '2026-04-16'],
        ['2026-02-01', '2026-07-01'], // running: classified now, from the open rows
      ]) {
        const r = await reports(from!, to!, groupBy, nowLocal);
        expect(r.rollup.source).toBe('rollup');
        expect([groupBy, from, compareMetrics(r.rollup, r.events)]).toEqual([groupBy, from, []]);
        expect([groupBy, from, compareMetrics(r.rollup, r.projection)]).toEqual([groupBy, from, []]);
        // the same groups, in the same order, with the same labels
        expect(r.rollup.groups.map((g) => [g.key, g.label])).toEqual(r.events.groups.map((g) => [g.key, g.label]));
      }
    const byProcedure = (await reports('2026-02-01', '2026-07-01', 'procedure', nowLocal)).rollup;
    expect(byProcedure.groups.map((g) => g.key)).toEqual([HKD, CT].sort());
    expect(byProcedure.groups.every((g) => g.figures.received > 0 && g.figures.p90WorkingMsToResult !== null)).toBe(true);
  });

  test('the migrations that add the digitisation rollup and its compliance columns backfill it from the projection: the table derived from the events', async () => {
    const before = await digitisationRollupEntries(t.db);
    expect(before.length).toBeGreaterThan(5);
    expect(before.some((e) => (e.values.returned ?? 0) > 0 && (e.values.pending ?? 0) !== 0)).toBe(true);
    await groupRollupFlowsMigration.down(t.db);
    await digitisationRollupMigration.down(t.db);
    await digitisationRollupMigration.up(t.db);
    await groupRollupFlowsMigration.up(t.db);
    expect(await digitisationDiffering(t)).toEqual([]);
    expect(await digitisationRollupEntries(t.db)).toEqual(before);
  });

  test('metrics:rollup --rebuild (and the generator) replaces the tables with what the write path kept: every row once, however many chunks', async () => {
    const [rollup, byGroup] = [await keptRollup(t), await digitisationRollupEntries(t.db)];
    expect(byGroup.length).toBeGreaterThan(50); // several chunks of the by-group table's rebuild
    await rebuildRollup(t.db, t.calendars, { now: t.clock.now().toISOString(), pageSize: 9 });
    expect(await keptRollup(t)).toEqual(rollup);
    expect(await digitisationRollupEntries(t.db)).toEqual(byGroup);
    expect(await classHistoryDiffering(t)).toEqual([]);
  });

  test('migration 20261211406316: down puts back in the per-day table the flows the by-group table sums to per day, up drops them again, and the whole-centre figures are the same throughout', async () => {
    const [classes, reportBefore] = [await keptRollup(t), (await reports('2026-02-01', '2026-07-01', 'month', '2026-06-01 09:00')).rollup];
    const perDay = async () => {
      const sums = (await t
        .db('compliance_rollup')
        .select('day')
        .sum({ received: 'received', pending: 'pending', returned: 'returned' })
        .groupBy('day')) as Record<string, unknown>[];
      return nonZero(
        sums.map(
          (r) => [String(r.day), { received: Number(r.received), pending: Number(r.pending), returned: Number(r.returned) }] as const,
        ),
      );
    };
    await dayRollupClassesOnlyMigration.down(t.db);
    try {
      const groups = nonZero(
        (await groupRollupDays(t.db, '9999-12-31')).map(
          (d) => [d.day, { received: d.values.received, pending: d.values.pending, returned: d.values.returned }] as const,
        ),
      );
      expect(Object.keys(groups).length).toBeGreaterThan(20);
      expect(await perDay()).toEqual(groups);
    } finally {
      await dayRollupClassesOnlyMigration.up(t.db);
    }
    expect(await keptRollup(t)).toEqual(classes);
    expect(compareMetrics((await reports('2026-02-01', '2026-07-01', 'month', '2026-06-01 09:00')).rollup, reportBefore)).toEqual([]);
  });

  test('an edited digitisation rollup row is a difference metrics:verify reports (exit 1), and one metrics:rollup --verify reports', async () => {
    const [from, to] = ['2026-02-01', '2026-04-01'];
    const calendar = await t.calendars.latest();
    const reference = await loadMetricsReference(t.db);
    const verify = (groupBy: GroupBy) =>
      verifyGrouping(t.db, t.calendars, { from, to, groupBy, now: hanoi('2026-06-01 09:00'), calendar, reference });
    expect((await verify('procedure')).problems).toBe(0);
    const row = (await t
      .db('digitisation_rollup')
      .where('day', '>=', from)
      .where('day', '<', to)
      .where('received', '>', 0)
      .first()) as Record<string, unknown>;
    await t
      .db('digitisation_rollup')
      .where({ day: row.day, procedure_code: row.procedure_code, handling_unit: row.handling_unit, shard: row.shard })
      .increment('digitised_receipts', 1);
    try {
      for (const groupBy of ['procedure', 'unit', 'centre', 'month'] as const) {
        const r = await verify(groupBy);
        // the count and its rate, against the events and against the projection; the compliance report from the same
        // table (by group, and the whole centre's sums of it) differs from the events on both too
        expect([groupBy, r.problems]).toEqual([groupBy, 6]);
        expect(r.lines.filter((l) => l.includes('KHÁC digitisation-rollup')).join('\n')).toMatch(
          /digitisedReceipts: digitisation-rollup=\d+ events=\d+/,
        );
      }
      expect(await digitisationDiffering(t)).toEqual([
        {
          day: row.day,
          procedure: row.procedure_code,
          unit: row.handling_unit,
          columns: [expect.objectContaining({ column: 'digitised_receipts' })],
        },
      ]);
    } finally {
      await t
        .db('digitisation_rollup')
        .where({ day: row.day, procedure_code: row.procedure_code, handling_unit: row.handling_unit, shard: row.shard })
        .decrement('digitised_receipts', 1);
    }
    expect((await verify('procedure')).problems).toBe(0);
  });

  test('an edited rollup row, of the per-day table or of the by-group one, shows in the whole centre as a difference from the events-only path (what metrics:verify reports)', async () => {
    const monthOf = (day: string) => {
      const month = `${day.slice(0, 7)}-01`;
      const next =
        month.slice(5, 7) === '12'
          ? `${Number(month.slice(0, 4)) + 1}-01-01`
          : `${month.slice(0, 5)}${String(Number(month.slice(5, 7)) + 1).padStart(2, '0')}-01`;
      return [month, next] as const;
    };
    const centre = async (day: string) => {
      const r = await reports(...monthOf(day), 'centre', '2026-06-01 09:00');
      return compareMetrics(r.rollup, r.events).map((d) => d.metric);
    };
    // a pending class: the per-day table is its only home
    const day = (await rollupDays(t.db, '2026-05-01')).find((d) => d.values.pending_not_yet_due > 0)!.day;
    const row = (await t.db('compliance_rollup').where({ day }).first()) as { shard: number };
    await t.db('compliance_rollup').where({ day, shard: row.shard }).increment('pending_not_yet_due', 1);
    expect(await centre(day)).toEqual(expect.arrayContaining(['pendingNotYetDue']));
    expect(await keptRollup(t)).not.toEqual(await derivedRollup(t));
    // a flow: the whole centre sums the by-group table's
    const g = (await t.db('digitisation_rollup').where('day', '<', '2026-05-01').where('received', '>', 0).first()) as Record<
      string,
      unknown
    >;
    await t
      .db('digitisation_rollup')
      .where({ day: g.day, procedure_code: g.procedure_code, handling_unit: g.handling_unit, shard: g.shard })
      .increment('received', 1);
    expect(await centre(String(g.day))).toEqual(expect.arrayContaining(['received']));
  });
});
