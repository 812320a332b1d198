/**
 * A measured PROTOTYPE of the closed-history archive designed in docs/engine.md ("An archive of closed
 * dossiers' events"): not the product, no reader goes through it. It moves the events of every dossier closed
 * before a day out of `dossier_events` into one compressed row per dossier, so the storage of that layout can
 * be measured by table and index (bench/storage-size.ts) beside the live one.
 *
 *   node dist-bench/bench/event-archive-prototype.js --database postgres://…/a_throwaway_copy --closed-before 2026-11-25 --i-delete-events
 *
 * It DELETES events with the append-only triggers bypassed (session_replication_role = replica: a superuser's
 * setting), so it runs only on a throwaway copy (`CREATE DATABASE x TEMPLATE y`) and only with --i-delete-events.
 * Per batch of dossiers, one transaction: read every column of their event rows, check each chain (seq 1..n,
 * prev_hash links, every hash recomputed by the engine's own functions), build and compress the blob, decompress
 * it again and compare, insert the archive rows, delete the event rows. Beside the chosen encoding (deflate with a
 * preset dictionary) it sums, for the same dossiers, the bytes of deflate without a dictionary, and fills two
 * side tables with the uncompressed JSON so PostgreSQL's own TOAST compression (pglz, lz4) is measured too.
 */
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { Client } from 'pg';
import { decodeRow, hashedContent } from '../machines/engine/event-codec';
import { eventHash, GENESIS_HASH } from '../machines/engine/hash';
import type { EventRow } from '../machines/engine/rows';
import { argFlag, argValue } from './stats';

/** The archive's columns of an event row, in the blob's order: every column of dossier_events but dossier_id (the archive row's key). */
const BLOB_COLUMNS = ['id', 'seq', 'type', 'payload', 'actor', 'actor_unit', 'occurred_at', 'machine_version', 'prev_hash', 'hash', 'txid'];

/** PostgreSQL's own text of each column (timestamptz in UTC, to the microsecond): lossless. */
const SELECT_COLUMNS = `e.dossier_id::text AS dossier_id, e.id::text AS id, e.seq, e.type, e.payload, e.actor, e.actor_unit,
  e.occurred_at::text AS occurred_at, e.machine_version, e.prev_hash, e.hash, e.txid::text AS txid`;

type Raw = Record<string, string | number | null>;

/** The dictionary keeps no person's data: these columns blanked, and in the payload the applicant's values and free text. */
const BLANKED = new Set(['id', 'actor', 'occurred_at', 'prev_hash', 'hash', 'txid']);
const BLANKED_PAYLOAD_KEYS = ['code', 'note', 'reason', 'signer', 'documentNumber', 'assignee'];

function blankPayload(text: string): string {
  const p = JSON.parse(text) as Record<string, unknown>;
  const applicant = p.applicant as Record<string, unknown> | undefined;
  if (applicant) for (const k of Object.keys(applicant)) applicant[k] = '';
  for (const k of BLANKED_PAYLOAD_KEYS) if (typeof p[k] === 'string') p[k] = '';
  return JSON.stringify(p);
}

function isoOf(pgText: string): string {
  // '2026-01-02 03:04:05.678+00' (TimeZone UTC): what the pg driver's reader turns into an ISO instant, in ms
  return new Date(pgText.replace(' ', 'T').replace(/\+00$/, 'Z')).toISOString();
}

/** The chain of one dossier's rows, checked as the audit checks it; throws on any break (nothing is moved then). */
function checkChain(dossierId: string, rows: Raw[]): void {
  let prev = GENESIS_HASH;
  rows.forEach((r, i) => {
    const row: EventRow = {
      dossier_id: dossierId,
      seq: Number(r.seq),
      type: String(r.type),
      payload: String(r.payload),
      actor: String(r.actor),
      actor_unit: r.actor_unit === null ? null : String(r.actor_unit),
      occurred_at: isoOf(String(r.occurred_at)),
      machine_version: Number(r.machine_version),
      prev_hash: String(r.prev_hash),
      hash: String(r.hash),
    };
    if (row.seq !== i + 1) throw new Error(`${dossierId}: seq ${row.seq} at position ${i + 1}`);
    if (row.prev_hash !== prev) throw new Error(`${dossierId}: prev_hash of seq ${row.seq} does not link`);
    const e = decodeRow(row);
    if (eventHash(prev, hashedContent(dossierId, e)) !== row.hash)
      throw new Error(`${dossierId}: hash of seq ${row.seq} does not recompute`);
    prev = row.hash;
  });
}

/**
 * Reading a set of dossiers' events a page of 500 at a time, as the audit's pages do: from the table
 * (rows decoded by the driver) or from the archive (one row each, inflated and parsed). Milliseconds.
 */
async function readAll(
  db: Client,
  ids: string[],
  from: 'table' | 'archive',
  dictionary: Buffer | null,
): Promise<{ ms: number; events: number }> {
  const t = performance.now();
  let events = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const page = ids.slice(i, i + 500);
    if (from === 'table') {
      const r = await db.query({
        text: `SELECT ${SELECT_COLUMNS} FROM dossier_events e WHERE e.dossier_id = ANY($1::uuid[]) ORDER BY e.dossier_id, e.seq`,
        values: [page],
        rowMode: 'array',
      });
      events += r.rows.length;
    } else {
      const r = await db.query(
        `SELECT dossier_id, events FROM dossier_event_archive WHERE dossier_id = ANY($1::uuid[]) ORDER BY dossier_id`,
        [page],
      );
      for (const row of r.rows as { events: Buffer }[])
        events += (JSON.parse(inflateRawSync(row.events, { dictionary: dictionary! }).toString()) as unknown[]).length;
    }
  }
  return { ms: performance.now() - t, events };
}

export async function archivePrototype(url: string, closedBefore: string, batch: number): Promise<void> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    await db.query(`SET TimeZone = 'UTC'`);
    await db.query(
      `CREATE TABLE IF NOT EXISTS dossier_event_archive_dictionaries (id integer PRIMARY KEY, sha256 varchar(64) NOT NULL, bytes bytea NOT NULL)`,
    );
    await db.query(`CREATE TABLE IF NOT EXISTS dossier_event_archive (
      dossier_id uuid PRIMARY KEY REFERENCES dossiers(id),
      dictionary_id integer NOT NULL REFERENCES dossier_event_archive_dictionaries(id),
      event_count integer NOT NULL, head_hash varchar(64) NOT NULL, actor_units text NOT NULL, events bytea NOT NULL)`);
    await db.query(`CREATE TABLE IF NOT EXISTS proto_archive_pglz (dossier_id uuid PRIMARY KEY, events text COMPRESSION pglz NOT NULL)`);
    await db.query(`CREATE TABLE IF NOT EXISTS proto_archive_lz4 (dossier_id uuid PRIMARY KEY, events text COMPRESSION lz4 NOT NULL)`);

    // The dictionary: one closed dossier's rows for each of the most frequent procedures, the most frequent last
    // (deflate reaches back 32 KiB, and nearer strings cost fewer bits), cut to 32 KiB, with no person's data in it
    // (BLANKED): it outlives every dossier whose rows it was made from.
    let dictionary: Buffer;
    const known = await db.query(`SELECT bytes FROM dossier_event_archive_dictionaries WHERE id = 1`);
    if (known.rows.length) dictionary = known.rows[0].bytes as Buffer;
    else {
      const sample = await db.query(
        `SELECT DISTINCT ON (d.procedure_code) d.id::text AS id, n.n FROM dossiers d
           JOIN (SELECT procedure_code, count(*) AS n FROM dossiers WHERE closed_at IS NOT NULL GROUP BY procedure_code) n USING (procedure_code)
          WHERE d.closed_at IS NOT NULL ORDER BY d.procedure_code, d.id`,
      );
      const picks = (sample.rows as { id: string; n: string }[]).sort((a, b) => Number(a.n) - Number(b.n)).map((r) => r.id);
      const parts: Buffer[] = [];
      for (const id of picks.slice(-40)) {
        const rows = (await db.query(`SELECT ${SELECT_COLUMNS} FROM dossier_events e WHERE e.dossier_id = $1 ORDER BY e.seq`, [id]))
          .rows as Raw[];
        parts.push(
          Buffer.from(
            JSON.stringify(
              rows.map((r) => BLOB_COLUMNS.map((c) => (BLANKED.has(c) ? '' : c === 'payload' ? blankPayload(String(r[c])) : r[c]))),
            ),
          ),
        );
      }
      dictionary = Buffer.concat(parts).subarray(-32 * 1024);
      await db.query(`INSERT INTO dossier_event_archive_dictionaries (id, sha256, bytes) VALUES (1, $1, $2)`, [
        createHash('sha256').update(dictionary).digest('hex'),
        dictionary,
      ]);
    }

    // the read cost, before and after, on the same sample of closed dossiers (read twice; the second counts)
    const sample = (
      await db.query(`SELECT id::text AS id FROM dossiers WHERE closed_at < $1 ORDER BY md5(id::text) LIMIT 10000`, [closedBefore])
    ).rows
      .map((r: { id: string }) => r.id)
      .sort();
    await readAll(db, sample, 'table', null);
    const readBefore = await readAll(db, sample, 'table', null);

    const started = performance.now();
    let moved = 0;
    let events = 0;
    let rawBytes = 0;
    let plainDeflate = 0;
    let dictDeflate = 0;
    let checkMs = 0;
    for (;;) {
      await db.query('BEGIN');
      const ids = (
        await db.query(
          `SELECT d.id::text AS id FROM dossiers d WHERE d.closed_at < $1
              AND NOT EXISTS (SELECT 1 FROM dossier_event_archive a WHERE a.dossier_id = d.id)
            ORDER BY d.id LIMIT $2 FOR UPDATE`,
          [closedBefore, batch],
        )
      ).rows.map((r: { id: string }) => r.id);
      if (!ids.length) {
        await db.query('COMMIT');
        break;
      }
      const rows = (
        await db.query(`SELECT ${SELECT_COLUMNS} FROM dossier_events e WHERE e.dossier_id = ANY($1::uuid[]) ORDER BY e.dossier_id, e.seq`, [
          ids,
        ])
      ).rows as Raw[];
      const byDossier = new Map<string, Raw[]>();
      for (const r of rows) {
        const id = String(r.dossier_id);
        let list = byDossier.get(id);
        if (!list) byDossier.set(id, (list = []));
        list.push(r);
      }
      const values: unknown[] = [];
      const side: unknown[] = [];
      const t = performance.now();
      for (const [id, list] of byDossier) {
        checkChain(id, list);
        const json = Buffer.from(JSON.stringify(list.map((r) => BLOB_COLUMNS.map((c) => r[c]))));
        const blob = deflateRawSync(json, { level: 9, dictionary });
        if (!inflateRawSync(blob, { dictionary }).equals(json)) throw new Error(`${id}: the blob does not decompress to its rows`);
        rawBytes += json.length;
        dictDeflate += blob.length;
        plainDeflate += deflateRawSync(json, { level: 9 }).length;
        const units = [...new Set(list.map((r) => r.actor_unit).filter((u): u is string => u !== null))].sort();
        values.push(id, 1, list.length, String(list[list.length - 1]!.hash), JSON.stringify(units), blob);
        side.push(id, json.toString());
        events += list.length;
      }
      checkMs += performance.now() - t;
      const n = byDossier.size;
      const tuple = (k: number, at: number) => `(${Array.from({ length: k }, (_, j) => `$${at + j + 1}`).join(', ')})`;
      await db.query(
        `INSERT INTO dossier_event_archive (dossier_id, dictionary_id, event_count, head_hash, actor_units, events) VALUES ${Array.from({ length: n }, (_, i) => tuple(6, i * 6)).join(', ')}`,
        values,
      );
      for (const table of ['proto_archive_pglz', 'proto_archive_lz4'])
        await db.query(
          `INSERT INTO ${table} (dossier_id, events) VALUES ${Array.from({ length: n }, (_, i) => tuple(2, i * 2)).join(', ')}`,
          side,
        );
      await db.query(`SET LOCAL session_replication_role = replica`);
      const del = await db.query(`DELETE FROM dossier_events WHERE dossier_id = ANY($1::uuid[])`, [[...byDossier.keys()]]);
      if (del.rowCount !== rows.length) throw new Error(`deleted ${del.rowCount} rows, read ${rows.length}`);
      await db.query('COMMIT');
      moved += n;
      process.stderr.write(`${moved} dossiers archived, ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    }
    await readAll(db, sample, 'archive', dictionary);
    const readAfter = await readAll(db, sample, 'archive', dictionary);
    const per = (x: number) => (moved ? Math.round(x / moved) : 0);
    console.log(
      JSON.stringify(
        {
          closedBefore,
          dossiers: moved,
          events,
          seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
          chainCheckAndCompressMs: Math.round(checkMs),
          perDossier: { json: per(rawBytes), deflate: per(plainDeflate), deflateWithDictionary: per(dictDeflate) },
          dictionaryBytes: dictionary.length,
          read10kSample: {
            tableMs: Math.round(readBefore.ms),
            tableEvents: readBefore.events,
            archiveMs: Math.round(readAfter.ms),
            archiveEvents: readAfter.events,
          },
        },
        null,
        1,
      ),
    );
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await db.end();
  }
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const url = argValue(argv, 'database');
  const day = argValue(argv, 'closed-before');
  if (!url || !day || !/^\d{4}-\d{2}-\d{2}$/.test(day) || !argFlag(argv, 'i-delete-events'))
    throw new Error(
      'usage: event-archive-prototype --database URL --closed-before YYYY-MM-DD --i-delete-events [--batch N] (a throwaway copy only)',
    );
  archivePrototype(url, new Date(Date.parse(day)).toISOString(), Number(argValue(argv, 'batch', '1000'))).catch((err: unknown) => {
    console.error(err);
    process.exit(2);
  });
}
