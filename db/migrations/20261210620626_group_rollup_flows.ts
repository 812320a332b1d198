/**
 * The rollup by group (issue 16): the digitisation rollup's table (day × procedure × handling unit × shard,
 * 20261209000100_digitisation_rollup) gets every other count of the compliance rollup that depends on fixed instants
 * only — the flows (channels, outcomes, timeliness, working time, pauses, returns, ratings, withdrawals, refusals at
 * intake, late supplement requests, late intake answers) and the levels written on the day after an instant (pending,
 * results not collected) — so that the compliance report by procedure and by unit sums a small table instead of
 * scanning the period's dossiers (machines/metrics/digitisation-rollup.ts).
 *
 * The backfill replaces the table's rows with one INSERT … SELECT over the projection's rows in the migration's
 * transaction (grouped in the database): a dossier's changes add up to its current row's contribution, so the table is
 * complete when the migration ends; `npm run metrics:rollup -- --verify` compares it with the events. What a shipped
 * migration does must not change when live code does: the columns and the rule below are frozen copies of
 * fixedContribution (machines/metrics/rollup.ts) as of this migration (test/metrics/rollup.test.ts compares the backfill
 * with the table derived from the events, on both databases).
 *
 * On PostgreSQL the (procedure_code, result_at) and (handling_unit, result_at) indexes are rebuilt to include
 * result_working_ms, so that the report's 90th percentile of one group is a top-N read of that index alone (the group's
 * timed results are counted by the rollup), not of the period's rows (an index build of `dossiers`: a few seconds at
 * 1M dossiers, writes wait meanwhile). SQLite keeps its indexes (a centre's few dossiers).
 */
import type { Knex } from 'knex';

/** frozen copy of the columns 20261209000100 created */
const OLD = ['received', 'digitised_receipts', 'reused_receipts', 'resolved', 'digitised_results'];
/** frozen copy of ROLLUP_FIXED minus OLD at the time of this migration */
const ADDED = [
  'received_counter',
  'received_online',
  'received_postal',
  'approved',
  'refused_result',
  'early',
  'on_time',
  'late',
  'timed_results',
  'working_ms_sum',
  'pause_extended',
  'pause_extension_ms_sum',
  'returned',
  'returned_counter',
  'returned_post',
  'returned_online',
  'rated',
  'rating_sum',
  'satisfied',
  'withdrawn',
  'refused_intake',
  'late_supplement_requests',
  'intake_answered_late',
  'pending',
  'results_not_collected',
];
const ALL = [...OLD, ...ADDED];

/** One kind of contribution: the day it counts on (an expression), the rows it applies to, and its columns' values. */
interface Branch {
  day: string;
  where: string;
  values: Record<string, string>;
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('digitisation_rollup', (t) => {
    for (const c of ADDED) t.bigInteger(c).notNullable().defaultTo(0);
  });
  const pg = (knex.client as { config: { client: string } }).config.client === 'pg';
  // local (UTC+7) date of an instant, and the day after it (the first local midnight after the instant)
  const day = (col: string) =>
    pg ? `to_char((${col} AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM-DD')` : `date(${col}, '+7 hours')`;
  const dayAfter = (col: string) =>
    pg
      ? `to_char((${col} AT TIME ZONE 'UTC') + interval '7 hours' + interval '1 day', 'YYYY-MM-DD')`
      : `date(${col}, '+7 hours', '+1 day')`;
  const when = (cond: string, then = '1') => `CASE WHEN ${cond} THEN ${then} ELSE 0 END`;
  // The rule of fixedContribution, branch by branch.
  const branches: Branch[] = [
    {
      day: day('received_at'),
      where: 'received_at IS NOT NULL',
      values: {
        received: '1',
        received_online: when(`channel = 'online'`),
        received_postal: when(`channel = 'postal'`),
        received_counter: when(`channel <> 'online' AND channel <> 'postal'`),
        digitised_receipts: when('receipt_digitised'),
        reused_receipts: when('receipt_reused'),
      },
    },
    { day: dayAfter('received_at'), where: 'received_at IS NOT NULL', values: { pending: '1' } },
    {
      day: day('result_at'),
      where: 'result_at IS NOT NULL',
      values: {
        resolved: '1',
        refused_result: when(`outcome = 'refused'`),
        approved: when(`outcome IS NULL OR outcome <> 'refused'`),
        early: when(`final_timeliness = 'early'`),
        on_time: when(`final_timeliness = 'on_time'`),
        late: when(`final_timeliness = 'late'`),
        digitised_results: when('result_digitised'),
        timed_results: when('result_working_ms IS NOT NULL'),
        working_ms_sum: 'COALESCE(result_working_ms, 0)',
        pause_extended: when('pause_extension_ms IS NOT NULL AND pause_extension_ms <> 0'),
        pause_extension_ms_sum: 'COALESCE(pause_extension_ms, 0)',
      },
    },
    {
      day: dayAfter('result_at'),
      where: 'result_at IS NOT NULL',
      values: { pending: when('received_at IS NOT NULL', '-1'), results_not_collected: '1' },
    },
    { day: dayAfter('returned_at'), where: 'result_at IS NOT NULL AND returned_at IS NOT NULL', values: { results_not_collected: '-1' } },
    {
      day: day('returned_at'),
      where: 'returned_at IS NOT NULL',
      values: {
        returned: '1',
        returned_post: when(`return_method = 'post'`),
        returned_online: when(`return_method = 'online'`),
        returned_counter: when(`return_method IS NULL OR (return_method <> 'post' AND return_method <> 'online')`),
        rated: when('rating IS NOT NULL'),
        rating_sum: 'COALESCE(rating, 0)',
        satisfied: when('rating >= 4'),
      },
    },
    { day: day('closed_at'), where: `closed_at IS NOT NULL AND state = 'withdrawn'`, values: { withdrawn: '1' } },
    {
      day: dayAfter('closed_at'),
      where: `closed_at IS NOT NULL AND state = 'withdrawn' AND received_at IS NOT NULL AND result_at IS NULL`,
      values: { pending: '-1' },
    },
    { day: day('closed_at'), where: `closed_at IS NOT NULL AND state = 'refused_intake'`, values: { refused_intake: '1' } },
    { day: day('late_supplement_at'), where: 'late_supplement_at IS NOT NULL', values: { late_supplement_requests: '1' } },
    { day: day('intake_late_at'), where: 'intake_late_at IS NOT NULL', values: { intake_answered_late: '1' } },
  ];
  const selects = branches.map(
    (b) =>
      `SELECT ${b.day} AS day, procedure_code, COALESCE(handling_unit, '') AS unit, ${ALL.map((c) => `${b.values[c] ?? '0'} AS ${c}`).join(', ')}
       FROM dossiers WHERE ${b.where}`,
  );
  // One statement reads the whole projection: at 1M dossiers with a cold cache it may outlast the connection's
  // statement_timeout (DATABASE_STATEMENT_TIMEOUT_MS, 30 s by default), so it is lifted for this transaction only.
  if (pg) await knex.raw('SET LOCAL statement_timeout = 0');
  if (pg)
    for (const key of ['procedure_code', 'handling_unit']) {
      await knex.raw(`DROP INDEX dossiers_${key}_result_at_index`);
      await knex.raw(`CREATE INDEX dossiers_${key}_result_at_index ON dossiers (${key}, result_at) INCLUDE (result_working_ms)`);
    }
  await knex('digitisation_rollup').delete();
  await knex.raw(`
    INSERT INTO digitisation_rollup (day, procedure_code, handling_unit, shard, ${ALL.join(', ')})
    SELECT day, procedure_code, unit, 0, ${ALL.map((c) => `SUM(${c})`).join(', ')}
    FROM (${selects.join('\n UNION ALL ')}) contributions
    GROUP BY day, procedure_code, unit`);
}

export async function down(knex: Knex): Promise<void> {
  if ((knex.client as { config: { client: string } }).config.client === 'pg')
    for (const key of ['procedure_code', 'handling_unit']) {
      await knex.raw(`DROP INDEX dossiers_${key}_result_at_index`);
      await knex.raw(`CREATE INDEX dossiers_${key}_result_at_index ON dossiers (${key}, result_at)`);
    }
  await knex.schema.alterTable('digitisation_rollup', (t) => {
    for (const c of ADDED) t.dropColumn(c);
  });
  // the rows only the dropped columns needed (a day with pending or a return only) sum to nothing now
  await knex('digitisation_rollup')
    .where(Object.fromEntries(OLD.map((c) => [c, 0])))
    .delete();
}
