/**
 * `npm run corpus:export`'s work on a generated database: histories covering every path, each replaying to what the
 * database holds, with no name, ID number, phone, username or free text of the database left in them, and the dates
 * as they were.
 */
import { BACKENDS } from '../support/backends';
import { generatedDb, type GeneratedDb } from '../seed-generate/helpers';
import { exportCorpus, type CorpusExport } from '../../src/corpus/export';
import { checkHistory, formatCorpus, parseCorpus, pathOf } from '../../src/corpus/corpus';
import { HIDDEN } from '../../src/corpus/anonymise';
import { decodeRow } from '../../machines/engine/event-codec';
import { clearClosedSnapshots, eventRowFromDb } from '../../src/store/dossier-store';

describe.each(BACKENDS)('exporting a corpus from $name', (backend) => {
  let g: GeneratedDb;
  let result: CorpusExport;
  let text: string;
  beforeAll(async () => {
    g = await generatedDb(backend, { dossiers: 400, centres: 1, months: 3, seed: 'corpus-test' });
    result = await exportCorpus(g.db, { limit: 60, pageSize: 97 });
    text = formatCorpus(result.header, result.histories);
  }, 180_000);
  afterAll(async () => g.drop());

  test('every path of the database gets a history (rarest first) and nothing is left out', () => {
    expect(result.skipped).toEqual([]);
    expect(result.histories).toHaveLength(60);
    expect(result.paths.reduce((n, p) => n + p.dossiers, 0)).toBe(400);
    const covered = new Set(result.histories.map((h) => pathOf(h.expected)));
    const rare = result.paths.slice(0, Math.min(result.paths.length, 30)).map((p) => p.path);
    for (const p of rare) expect(covered).toContain(p);
  });

  test('the file reads back and every history replays to the facts the database holds', () => {
    const { header, histories } = parseCorpus(text);
    expect(header.histories).toBe(60);
    expect(histories.flatMap((h) => checkHistory(h))).toEqual([]);
  });

  test('no name, ID number, phone, username, code or free text of the database is left; the dates are', async () => {
    const rows = (await g.db('dossiers').select('code', 'applicant_name', 'applicant_id_number', 'applicant_phone')) as Record<
      string,
      string
    >[];
    const events = ((await g.db('dossier_events').select('*')) as Record<string, unknown>[]).map((r) => decodeRow(eventRowFromDb(r)));
    const secrets = new Set<string>();
    for (const r of rows) for (const k of ['code', 'applicant_name', 'applicant_id_number', 'applicant_phone']) secrets.add(r[k]!);
    for (const e of events) {
      if (e.actor !== 'system') secrets.add(e.actor);
      for (const k of ['reason', 'signer', 'documentNumber', 'assignee']) {
        if (e.type === 'PAUSE' && k === 'reason') continue; // a code among the procedure's pause reasons: kept
        const v = e.payload[k];
        if (typeof v === 'string' && v.length > 3) secrets.add(v);
      }
    }
    const leaked = [...secrets].filter((s) => text.includes(JSON.stringify(s)));
    expect(leaked).toEqual([]);
    expect(text).toContain(HIDDEN);
    const instants = new Set(events.map((e) => e.occurredAt));
    for (const h of result.histories) for (const e of h.events) expect(instants).toContain(e.occurredAt);
  });

  // last: it empties the closed dossiers' snapshots of the suite's database (npm run dossiers:compact, issue 16)
  test('after dossiers:compact the export is the same file: a closed dossier without a snapshot is replayed from its events', async () => {
    let cleared = 0;
    for (let n; (n = await clearClosedSnapshots(g.db, '2100-01-01T00:00:00.000Z', 1000)) > 0;) cleared += n;
    expect(cleared).toBeGreaterThan(0);
    const again = await exportCorpus(g.db, { limit: 60, pageSize: 97 });
    expect(again.skipped).toEqual([]);
    expect(formatCorpus(again.header, again.histories)).toBe(text);
  }, 180_000);
});
