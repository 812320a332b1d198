/**
 * The narrowed indexes (db/migrations/20261208000800_narrower_indexes.ts, 20261209000500_event_document_keys.ts,
 * 20261210000100_blobs_unattached.ts, and the archive's key, 20261211071512_event_archive_scope_key.ts)
 * still serve the queries that read through them: each query, as the store sends it, is planned on each database and its plan names the
 * index. On PostgreSQL sequential scans are turned off for the EXPLAIN, so that a tiny test table does not
 * hide an index whose predicate the query fails to imply (a partial index is then simply not usable).
 */
import type { Knex } from 'knex';
import { p90OfBucket } from '../../src/store/compliance-queries';
import { resultsByTimeliness, returnedByChannelAndMethod } from '../../src/store/report-queries';
import { findDueForCheck } from '../../src/store/dossier-store';
import { knownBlobs, markUnreferencedBlobs } from '../../src/store/document-store';
import { referencesToFile } from '../../src/store/retention-store';
import { findDossiers } from '../../src/store/dossier-queries';
import { dialectOfKnex } from '../../src/store/db';
import { BACKENDS } from '../support/backends';
import { startEngine, type StartedEngine } from '../support/engine';

/** The SQL (with its bindings) that `run` sends, each statement's plan as one text. */
async function plansOf(db: Knex, run: () => Promise<unknown>, alsoOff: string[] = []): Promise<string[]> {
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
  const plans: string[] = [];
  for (const q of sent) {
    if (dialectOfKnex(db) === 'postgres') {
      plans.push(
        await db.transaction(async (tx) => {
          for (const kind of ['seqscan', ...alsoOff]) await tx.raw(`SET LOCAL enable_${kind} = off`);
          // the query event gives PostgreSQL's $n placeholders; knex.raw takes ?, in the same order
          const sql = q.sql.replace(/\$\d+/g, '?');
          const r = (await tx.raw(`EXPLAIN ${sql}`, q.bindings as Knex.RawBinding[])) as { rows: Record<string, string>[] };
          return r.rows.map((row) => row['QUERY PLAN']).join('\n');
        }),
      );
    } else {
      const rows = (await db.raw(`EXPLAIN QUERY PLAN ${q.sql}`, q.bindings as Knex.RawBinding[])) as { detail: string }[];
      plans.push(rows.map((r) => r.detail).join('\n'));
    }
  }
  return plans;
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

  test("the weekly review's counts and the 90th percentile read the merged result_at index", async () => {
    const plans = [
      ...(await plansOf(s.db, () => resultsByTimeliness(s.db, from, to, null))),
      ...(await plansOf(s.db, () => p90OfBucket(s.db, { fromAt: from, toAt: to }, 10))),
    ];
    expect(plans).toHaveLength(2);
    for (const plan of plans) expect(plan).toContain('dossiers_result_at_timeliness_working_ms_index');
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
