/**
 * The narrowed indexes (db/migrations/20261208000800_narrower_indexes.ts, 20261209000500_event_document_keys.ts,
 * 20261210000100_blobs_unattached.ts, the archive's key, 20261211071512_event_archive_scope_key.ts, and
 * 20261213152930_fewer_dossier_indexes.ts: docs/dossier-indexes.md says which query reads which index)
 * still serve the queries that read through them: each query, as the store sends it, is planned on each database and its plan names the
 * index. On PostgreSQL sequential scans are turned off for the EXPLAIN, so that a tiny test table does not
 * hide an index whose predicate the query fails to imply (a partial index is then simply not usable).
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { bucketTallies, p90OfBucket } from '../../src/store/compliance-queries';
import { resultsByTimeliness, returnedByChannelAndMethod, reviewSectionRows, type ReviewSection } from '../../src/store/report-queries';
import { findDossiersWithRunningDeadline, findDueForCheck } from '../../src/store/dossier-store';
import { knownBlobs, markUnreferencedBlobs } from '../../src/store/document-store';
import { referencesToFile } from '../../src/store/retention-store';
import { findDossiers, findLateWithoutApology } from '../../src/store/dossier-queries';
import { periodOf } from '../../machines/metrics/definitions';
import { DUE_DATE_STATES, RUNNING_STATES, STOPPED_STATES } from '../../machines/vocabulary';
import { dialectOfKnex } from '../../src/store/db';
import { BACKENDS } from '../support/backends';
import { startEngine, type StartedEngine } from '../support/engine';

/** The SQL (with its bindings) that `run` sends, each statement's plan as one text. */
async function plansOf(db: Knex, run: () => Promise<unknown>, alsoOff: string[] = []): Promise<string[]> {
  return (await explained(db, run, alsoOff)).map((e) => e.plan);
}

/** Each statement `run` sends, with its plan. */
async function explained(db: Knex, run: () => Promise<unknown>, alsoOff: string[] = []): Promise<{ sql: string; plan: string }[]> {
  const sent: { sql: string; bindings: readonly unknown[] }[] = [];
  const listen = (q: { sql?: string; bindings?: unknown[] }) => {
    if (q.sql) sent.push({ sql: q.sql, bindings: q.bindings ?? [] });
  };
  db.on('query', listen);
  try {
    await run();
  } finally {
    db.off('query', listen);
  }
  const plans: { sql: string; plan: string }[] = [];
  for (const q of sent) {
    if (dialectOfKnex(db) === 'postgres') {
      plans.push({
        sql: q.sql,
        plan: await db.transaction(async (tx) => {
          for (const kind of ['seqscan', ...alsoOff]) await tx.raw(`SET LOCAL enable_${kind} = off`);
          // the query event gives PostgreSQL's $n placeholders; knex.raw takes ?, in the same order
          const sql = q.sql.replace(/\$\d+/g, '?');
          const r = (await tx.raw(`EXPLAIN ${sql}`, q.bindings as Knex.RawBinding[])) as { rows: Record<string, string>[] };
          return r.rows.map((row) => row['QUERY PLAN']).join('\n');
        }),
      });
    } else {
      const rows = (await db.raw(`EXPLAIN QUERY PLAN ${q.sql}`, q.bindings as Knex.RawBinding[])) as { detail: string }[];
      plans.push({ sql: q.sql, plan: rows.map((r) => r.detail).join('\n') });
    }
  }
  return plans;
}

/**
 * 2,000 dossiers (most of them returned, the rest open or withdrawn), analysed on PostgreSQL: on empty tables every index costs the
 * same, and PostgreSQL may pick any index whose columns the query names (e.g. (handling_unit, result_at) for a range
 * on result_at alone); with rows it picks what it picks on a real database (bench/RESULTS.md, "Fewer indexes on
 * dossiers").
 */
async function fillDossiers(db: Knex): Promise<void> {
  const pg = dialectOfKnex(db) === 'postgres';
  const at = (hours: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + hours * 3_600_000).toISOString();
  const rows = Array.from({ length: 2000 }, (_, i) => {
    const open = i % 25 === 0;
    const withdrawn = i % 25 === 1;
    const resolved = !open && !withdrawn;
    return {
      id: randomUUID(),
      code: `INDEX-USE-${i}`,
      agency_code: 'A',
      procedure_code: i % 10 === 0 ? 'X' : `P${i % 10}`,
      procedure_version: 1,
      machine_version: 1,
      channel: 'counter',
      state: open ? 'processing' : withdrawn ? 'withdrawn' : 'returned',
      timeliness: open ? 'on_track' : 'on_time',
      step_index: 0,
      unit: open ? 'KINHTE' : null,
      submitted_at: at(i),
      received_at: at(i),
      due_at: open ? at(i + 240) : null,
      original_due_at: at(i + 240),
      result_at: resolved ? at(i + 48) : null,
      outcome: resolved ? 'approved' : null,
      final_timeliness: resolved ? 'on_time' : null,
      result_working_ms: resolved ? i * 1000 : null,
      handling_unit: i % 20 === 0 ? 'X' : `U${i % 20}`,
      returned_at: resolved ? at(i + 72) : null,
      closed_at: open ? null : at(i + 72),
      applicant_name: 'A',
      applicant_id_number: String(i),
      applicant_phone: String(i),
      version: 1,
      last_hash: '0'.repeat(64),
      updated_at: at(i),
    };
  });
  for (let i = 0; i < rows.length; i += 200) await db('dossiers').insert(rows.slice(i, i + 200));
  if (pg) await db.raw('ANALYZE dossiers');
}

describe.each(BACKENDS)('narrowed indexes still serve their queries ($label)', (backend) => {
  let s: StartedEngine;
  beforeAll(async () => {
    s = await startEngine(backend);
  });
  afterAll(async () => {
    await s.drop();
  });

  const from = '2026-03-01T00:00:00.000Z';
  const to = '2026-04-01T00:00:00.000Z';

  test("the monthly report's returned results read the partial index of RETURN_RESULT events", async () => {
    const [plan] = await plansOf(s.db, () => returnedByChannelAndMethod(s.db, from, to));
    expect(plan).toContain('dossier_events_returned_at_index');
  });

  test("the sweeper's due dossiers read the partial next_check_at index", async () => {
    const [plan] = await plansOf(s.db, () => findDueForCheck(s.db, to, 50));
    expect(plan).toContain('dossiers_next_check_at_index');
  });

  test("the file jobs' lookups by content hash read the document_refs (sha256) index (a hash index on PostgreSQL)", async () => {
    const sha = 'ab'.repeat(32);
    const plans = [
      ...(await plansOf(s.db, () => markUnreferencedBlobs(s.db, to, 10))),
      ...(await plansOf(s.db, () => knownBlobs(s.db, [sha, 'cd'.repeat(32)]))),
      ...(await plansOf(s.db, () => referencesToFile(s.db, sha))),
    ];
    expect(plans).toHaveLength(4); // the cleanup's two statements (clear the attached, find the unreferenced), then one each
    for (const plan of plans) expect(plan).toContain('document_refs_sha256_index');
    if (dialectOfKnex(s.db) === 'postgres') {
      const [{ method }] = (
        (await s.db.raw(
          `SELECT am.amname AS method FROM pg_class c JOIN pg_am am ON am.oid = c.relam WHERE c.oid = to_regclass('document_refs_sha256_index')`,
        )) as { rows: { method: string }[] }
      ).rows as [{ method: string }];
      expect(method).toBe('hash');
    }
  });
  test("a unit's list reads the archive's acting units from the archive's key, never its rows (PostgreSQL: Index Only Scan)", async () => {
    // bitmap scans off too: on an empty table PostgreSQL would take one (it fetches every row, as a plain index scan);
    // what is left is the index scan, which is an Index Only Scan exactly when the key holds actor_units
    const [plan] = await plansOf(s.db, () => findDossiers(s.db, { scopeUnits: ['KINHTE'], sort: 'recent', limit: 25 }), ['bitmapscan']);
    if (dialectOfKnex(s.db) === 'postgres')
      expect(plan).toMatch(/Index Only Scan using dossier_event_archive_pkey on dossier_event_archive/);
    // SQLite looks the archive row up by its key for each candidate dossier
    else expect(plan).toMatch(/SEARCH a USING INDEX sqlite_autoindex_dossier_event_archive_1 \(dossier_id=\?\)/);
  });

  test("a unit's list newest first checks each dossier it walks past by that dossier's own events, never by a hash of every event of the unit", async () => {
    const [plan] = await plansOf(s.db, () => findDossiers(s.db, { scopeUnits: ['KINHTE'], sort: 'recent', limit: 25 }));
    if (dialectOfKnex(s.db) === 'postgres') {
      // a hashed subplan reads the whole events table on every page (≈ 470 ms at 100k dossiers, growing with the history)
      expect(plan).not.toMatch(/hashed SubPlan/);
      expect(plan).toMatch(/SubPlan[\s\S]*Index Cond: \(dossier_id = dossiers\.id\)/);
    } else expect(plan).toMatch(/SEARCH e USING INDEX dossier_events_dossier_id_seq_unique \(dossier_id=\?\)/);
  });

  test("a unit's list by due date walks its two indexes in order, checking each dossier it passes by its own events", async () => {
    // an empty list: the dated run finds no row, so the undated run is queried too; bitmap scans off, as above.
    // PostgreSQL: the dated run's walk, where its window ends (no row: the run ends within it), the undated run's walk
    const plans = await plansOf(s.db, () => findDossiers(s.db, { scopeUnits: ['KINHTE'], sort: 'due', limit: 25 }), ['bitmapscan']);
    const pg = dialectOfKnex(s.db) === 'postgres';
    expect(plans).toHaveLength(pg ? 3 : 2);
    const [dated, undated] = [plans[0]!, plans[plans.length - 1]!];
    if (pg) {
      // no sort of every dossier in scope before the first row (≈ 240 ms a page at 100k dossiers, growing with the history)
      for (const plan of [dated, undated]) {
        expect(plan).not.toMatch(/hashed SubPlan|Sort Key/);
        expect(plan).toMatch(/SubPlan[\s\S]*Index Cond: \(dossier_id = dossiers\.id\)/);
      }
      expect(dated).toMatch(/Index Scan using dossiers_due_at_id_index on dossiers/);
      expect(undated).toMatch(/Index Scan using dossiers_undated_submitted_at_id_index on dossiers/);
    } else {
      expect(dated).toMatch(/(SCAN|SEARCH) dossiers USING INDEX dossiers_due_at_id_index/);
      expect(undated).toMatch(/(SCAN|SEARCH) dossiers USING INDEX dossiers_undated_submitted_at_id_index/);
      for (const plan of [dated, undated]) {
        expect(plan).not.toMatch(/TEMP B-TREE/);
        expect(plan).toMatch(/SEARCH e USING INDEX dossier_events_dossier_id_seq_unique \(dossier_id=\?\)/);
      }
    }
  });

  test("the cleanup's search for unreferenced files reads only the uploads no event has referenced (the partial unattached index)", async () => {
    // files that events reference, as a live store holds: on an empty table every plan costs the same, and
    // PostgreSQL may then walk the primary key and filter; with rows the partial index is the one that stays small
    const attached = Array.from({ length: 400 }, (_, i) => ({
      sha256: i.toString(16).padStart(64, '0'),
      size: 1,
      media_type: 'application/pdf',
      created_at: from,
      created_by: 'counter',
      touched_at: from,
      state: 'stored',
      unattached: false,
    }));
    for (let i = 0; i < attached.length; i += 100) await s.db('blobs').insert(attached.slice(i, i + 100));
    await s.db.raw(dialectOfKnex(s.db) === 'postgres' ? 'ANALYZE blobs' : 'ANALYZE');
    try {
      const plans = await plansOf(s.db, () => markUnreferencedBlobs(s.db, to, 10));
      expect(plans).toHaveLength(2);
      for (const plan of plans) expect(plan).toContain('blobs_unattached_touched_at');
    } finally {
      await s.db('blobs').where({ unattached: false }).delete();
    }
  });
});

describe.each(BACKENDS)('the result, return and close indexes serve their queries on a filled table ($label)', (backend) => {
  let s: StartedEngine;
  beforeAll(async () => {
    s = await startEngine(backend);
    await fillDossiers(s.db);
  });
  afterAll(async () => {
    await s.drop();
  });

  const from = '2026-03-01T00:00:00.000Z';
  const to = '2026-04-01T00:00:00.000Z';

  test("the weekly review's counts and the 90th percentile read the merged result_at index", async () => {
    const plans = [
      ...(await plansOf(s.db, () => resultsByTimeliness(s.db, from, to, null))),
      ...(await plansOf(s.db, () => p90OfBucket(s.db, { fromAt: from, toAt: to }, 10))),
    ];
    expect(plans).toHaveLength(2);
    for (const plan of plans) expect(plan).toContain('dossiers_result_at_timeliness_working_ms_index');
  });

  test('the indexes narrowed to the rows that have their column (returned_at, closed_at) still serve every query on that column', async () => {
    // a comparison on the column implies it IS NOT NULL; a query that did not imply it could not use the index at all
    const bucket = { ...periodOf('2026-03-01', '2026-04-01'), key: 'all', label: 'all' };
    const cut = { asOf: to, dueSoonUntil: to };
    const all = await explained(s.db, () => bucketTallies(s.db, bucket, cut, 'officer', [], true));
    const of = (sql: RegExp) => all.filter((e) => sql.test(e.sql)).map((e) => e.plan);
    expect(of(/WHERE returned_at >= /)).toEqual([expect.stringContaining('dossiers_returned_at_index')]);
    expect(of(/WHERE state IN \('withdrawn', 'refused_intake'\) AND closed_at >= /)).toEqual([
      expect.stringContaining('dossiers_state_closed_at_index'),
    ]);
    const [archivedReturns] = (await explained(s.db, () => returnedByChannelAndMethod(s.db, from, to))).slice(1).map((e) => e.plan);
    expect(archivedReturns).toContain('dossiers_returned_at_index');
  });

  test("the queries of the dropped (state, result_at) search another (state, …) index: the lists by due date of some states, the weekly review's open sections, results not collected, the late dossiers without an apology, a calendar change's deadlines", async () => {
    const plans: string[] = [];
    // each query's own statement (not the fetch of the listed rows by id)
    const read = async (run: () => Promise<unknown>) =>
      plans.push(...(await explained(s.db, run)).filter((e) => !/where "id" in|where `id` in/.test(e.sql)).map((e) => e.plan));
    // the dated run of a list by due date with a state filter (the inbox)
    await read(() => findDossiers(s.db, { states: ['processing', 'paused'], sort: 'due', limit: 25 }));
    plans.splice(1); // the undated run has its own index
    const sections: ReviewSection[] = [
      { kind: 'open_overdue', asOf: to, running: RUNNING_STATES, stopped: STOPPED_STATES },
      { kind: 'open_at_risk', asOf: from, nextTo: to, states: DUE_DATE_STATES },
    ];
    for (const section of sections)
      await read(async () => {
        for await (const _row of reviewSectionRows(s.db, section, null, 10)) break;
      });
    const bucket = { ...periodOf('2026-03-01', '2026-04-01'), key: 'all', label: 'all' };
    const all = await explained(s.db, () => bucketTallies(s.db, bucket, { asOf: to, dueSoonUntil: to }, 'officer', [], true));
    plans.push(...all.filter((e) => /"resultsNotCollected"/.test(e.sql)).map((e) => e.plan));
    await read(() => findLateWithoutApology(s.db, { runningStates: RUNNING_STATES, now: to, limit: 10 }));
    await read(() => findDossiersWithRunningDeadline(s.db));
    expect(plans).toHaveLength(6);
    for (const plan of plans) {
      // PostgreSQL: (state, due_at) or (state, original_due_at), alone or beside another index; SQLite may take the
      // open dossiers by result_at IS NULL instead (as it does at 100k for the weekly review's open sections)
      if (dialectOfKnex(s.db) === 'postgres') expect(plan).toMatch(/dossiers_state_(original_)?due_at_index/);
      else expect(plan).toMatch(/SEARCH dossiers USING INDEX dossiers_(state_(original_)?due_at|result_at_timeliness_working_ms)_index/);
      expect(plan).not.toMatch(/Seq Scan on dossiers|SCAN dossiers(?! USING)/);
    }
  });
});
