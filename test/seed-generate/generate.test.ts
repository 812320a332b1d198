/**
 * The province generator writes a history the audit accepts in full, numbers codes like the engine,
 * has the mix a real centre has, and leaves a database the live engine carries on from.
 */
import type { Knex } from 'knex';
import { BACKENDS } from '../support/backends';
import { hanoi } from '../support/engine';
import { createEngineContext } from '../../src/app/engine-factory';
import { ManualClock } from '../../src/engine/clock';
import { verifyAll } from '../../src/audit/verify-all';
import { replayStoredEvents } from '../../src/audit/replay';
import { decodeRow } from '../../machines/engine/event-codec';
import { nextCheckAt } from '../../machines/engine/deadline-check';
import { metricsColumns } from '../../machines/metrics/projection-extra';
import { CalendarProvider } from '../../src/engine/reference-data';
import { dossierRowFromDb, eventRowFromDb } from '../../src/store/dossier-store';
import { toIsoOrNull } from '../../src/store/time';
import { generate } from '../../src/seed-generate/generate';
import { END, generatedDb, type GeneratedDb } from './helpers';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalBlobStore } from '../../src/store/blob-store';
import type { DocumentSource, FileRef } from '../../machines/dossier/types';

const OPEN_STATES = ['submitted', 'received', 'assigned', 'processing', 'awaiting_supplement', 'paused', 'result'];

describe.each(BACKENDS)('the province generator on $name', (backend) => {
  let g: GeneratedDb;
  beforeAll(async () => {
    // a seed whose history ends with a dossier open in every open state (at 1000 dossiers some seeds leave one state empty)
    g = await generatedDb(backend, { dossiers: 1000, centres: 2, months: 2, seed: 'province' });
  }, 180_000);
  afterAll(async () => g.drop());

  test('a generated database passes the whole-database audit: every chain verifies and every projection equals its replay', async () => {
    const summary = await verifyAll(g.db, { progressEveryMs: 60_000 });
    expect(summary).toMatchObject({ dossiers: 1000, findings: 0 });
    expect(summary.events).toBe(g.summary.events);
  }, 60_000);

  test('the columns the audit does not replay (metrics, next_check_at) are what the engine computes from the replayed events', async () => {
    const cal = await new CalendarProvider(g.db).latest();
    const rows = (await g.db('dossiers').select('*')).map((r: Record<string, unknown>) => ({ raw: r, row: dossierRowFromDb(r) }));
    const events = (
      await g
        .db('dossier_events')
        .select('*')
        .orderBy([{ column: 'dossier_id' }, { column: 'seq' }])
    ).map(eventRowFromDb);
    const byDossier = new Map<string, ReturnType<typeof eventRowFromDb>[]>();
    for (const e of events) byDossier.set(e.dossier_id, [...(byDossier.get(e.dossier_id) ?? []), e]);
    const bool = (v: unknown) => (v === null || v === undefined ? null : Boolean(Number(v)));
    for (const { raw, row } of rows) {
      const snapshot = replayStoredEvents(row.id, byDossier.get(row.id)!.map(decodeRow));
      const m = metricsColumns(snapshot, cal);
      expect({
        first_apology_at: toIsoOrNull(raw.first_apology_at),
        apology_timely: bool(raw.apology_timely),
        return_method: raw.return_method ?? null,
        rating: raw.rating === null ? null : Number(raw.rating),
        result_digitised: bool(raw.result_digitised),
        result_working_ms: raw.result_working_ms === null ? null : Number(raw.result_working_ms),
        handling_unit: raw.handling_unit ?? null,
        handling_officer: raw.handling_officer ?? null,
        late_supplement_at: toIsoOrNull(raw.late_supplement_at),
        intake_due_by: toIsoOrNull(raw.intake_due_by),
        intake_answered_at: toIsoOrNull(raw.intake_answered_at),
        intake_late_at: toIsoOrNull(raw.intake_late_at),
        pause_extension_ms: raw.pause_extension_ms === null ? null : Number(raw.pause_extension_ms),
        first_exemption_at: toIsoOrNull(raw.first_exemption_at),
        receipt_digitised: bool(raw.receipt_digitised),
        receipt_reused: bool(raw.receipt_reused),
        next_check_at: row.next_check_at,
      }).toEqual({ ...m, next_check_at: nextCheckAt(snapshot, cal, cal.officeDayMs) });
    }
  }, 60_000);

  test('dossier codes are gap-free per agency and day, and code_sequences end at each day’s last number', async () => {
    const codes = (await g.db('dossiers').select('code', 'agency_code', 'submitted_at')).map(
      (r: { code: string; agency_code: string }) => r,
    );
    const perDay = new Map<string, number[]>();
    for (const { code, agency_code } of codes) {
      const m = /^(.+)-(\d{6})-(\d{4,})$/.exec(code)!;
      expect(m[1]).toBe(agency_code);
      const key = `${agency_code}|${m[2]}`;
      perDay.set(key, [...(perDay.get(key) ?? []), Number(m[3])]);
    }
    const sequences = await g.db('code_sequences').select('agency_code', 'day', 'last');
    expect(sequences).toHaveLength(perDay.size);
    for (const s of sequences as { agency_code: string; day: string; last: number }[]) {
      const seqs = perDay.get(`${s.agency_code}|${s.day}`)!.sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      expect(Number(s.last)).toBe(seqs.length);
    }
    expect(new Set(codes.map((c) => c.agency_code))).toEqual(new Set(['000.00.12.H29', '000.00.13.H29']));
  });

  test('the mix has late, apologised, supplemented, paused, refused and withdrawn dossiers, and open ones in every open state at the end', async () => {
    const count = async (q: Knex.QueryBuilder) => Number(((await q.count({ n: '*' }).first()) as { n: unknown }).n);
    const late = await count(g.db('dossiers').where({ final_timeliness: 'late' }));
    expect(late / 1000).toBeGreaterThan(0.01);
    expect(late / 1000).toBeLessThan(0.1);
    const lateApologised = await count(g.db('dossiers').where({ final_timeliness: 'late' }).where('apology_count', '>', 0));
    expect(lateApologised / late).toBeGreaterThan(0.6);
    expect(await count(g.db('dossiers').where('supplement_count', '>', 0))).toBeGreaterThan(10);
    const types = new Map(
      ((await g.db('dossier_events').select('type').count({ n: '*' }).groupBy('type')) as { type: string; n: unknown }[]).map((r) => [
        r.type,
        Number(r.n),
      ]),
    );
    for (const t of [
      'PAUSE',
      'RESUME',
      'REQUEST_SUPPLEMENT',
      'RECEIVE_SUPPLEMENT',
      'ISSUE_APOLOGY',
      'RETURN_STEP',
      'REFUSE',
      'REQUEST_WITHDRAWAL',
      'WITHDRAW',
      'DEADLINE_APPROACHING',
      'DEADLINE_PASSED',
      'STEP_OVERDUE',
      'RETURN_RESULT',
    ]) {
      expect([t, (types.get(t) ?? 0) > 0]).toEqual([t, true]);
    }
    const states = new Map(
      ((await g.db('dossiers').select('state').count({ n: '*' }).groupBy('state')) as { state: string; n: unknown }[]).map((r) => [
        r.state,
        Number(r.n),
      ]),
    );
    for (const s of [...OPEN_STATES, 'returned', 'refused_intake', 'withdrawn']) expect([s, (states.get(s) ?? 0) > 0]).toEqual([s, true]);
    // Open dossiers are the recent ones: nothing happened at or after the end of the history.
    const [last] = await g.db('dossier_events').max({ at: 'occurred_at' });
    expect(toIsoOrNull((last as { at: unknown }).at)! < hanoi(`${END} 00:00`)).toBe(true);
    expect(g.summary).toMatchObject({ dossiers: 1000, centres: 2, startDate: '2026-09-24', endDate: END });
  });

  test('the engine continues on a generated database: it moves an open dossier and numbers new submissions after the generated ones', async () => {
    const clock = new ManualClock(hanoi(`${END} 09:00`));
    const ctx = await createEngineContext({ url: g.url, schema: g.schema, clock, prepare: false });
    try {
      const open = await g
        .db('dossiers')
        .where({ agency_code: '000.00.12.H29' })
        .whereIn('state', ['assigned', 'processing'])
        .orderBy('code')
        .first();
      const before = dossierRowFromDb(open);
      const view = await ctx.engine.get(before.code);
      const cmd = view.allowedEvents.includes('COMPLETE_STEP')
        ? ({ type: 'COMPLETE_STEP' } as const)
        : ({ type: 'REQUEST_WITHDRAWAL', reason: 'Công dân rút hồ sơ', via: 'counter' } as const);
      const moved = await ctx.engine.act(
        before.code,
        cmd,
        { username: 'c01.motcua1', unit: 'TTPVHCC' },
        { expectedVersion: before.version },
      );
      expect(moved.version).toBe(before.version + 1);
      const [appended] = (await ctx.engine.history(before.code)).slice(-1);
      expect(appended).toMatchObject({ type: cmd.type, prevHash: before.last_hash });

      // On the busiest generated day the next number follows the generated ones; after the end a new day starts at 1.
      const busiest = (await g
        .db('code_sequences')
        .where({ agency_code: '000.00.12.H29' })
        .orderBy([{ column: 'last', order: 'desc' }, { column: 'day' }])
        .first()) as { day: string; last: number };
      const day = `20${busiest.day.slice(0, 2)}-${busiest.day.slice(2, 4)}-${busiest.day.slice(4)}`;
      clock.set(hanoi(`${day} 16:00`));
      const sub = {
        procedureCode: '1.001612',
        channel: 'counter' as const,
        applicant: { fullName: 'Nguyễn Văn Mới', idNumber: '001090000001', phone: '0912000000', address: 'Hà Nội' },
        documents: [{ name: 'Giấy đề nghị', copies: 1 }],
      };
      const a = await ctx.engine.submit(sub, { username: 'c01.motcua1', unit: 'TTPVHCC' });
      expect(a.code).toBe(`000.00.12.H29-${busiest.day}-${String(Number(busiest.last) + 1).padStart(4, '0')}`);
      clock.set(hanoi(`${END} 09:30`));
      const b = await ctx.engine.submit(sub, { username: 'c01.motcua1', unit: 'TTPVHCC' });
      expect(b.code).toBe(`000.00.12.H29-${END.slice(2).replace(/-/g, '')}-0001`);

      const summary = await verifyAll(g.db, { progressEveryMs: 60_000 });
      expect(summary).toMatchObject({ dossiers: 1002, findings: 0 });
    } finally {
      await ctx.close();
    }
  }, 60_000);

  test('documents look like a province’s: most receipts fully digitised, some reused from the applicant’s earlier dossier, most results digitised', async () => {
    const s = g.summary;
    expect(s.receiptDigitised / s.received).toBeGreaterThan(0.85);
    expect(s.receiptDigitised / s.received).toBeLessThan(0.97);
    expect(s.receiptReused / s.received).toBeGreaterThan(0.05);
    expect(s.receiptReused / s.received).toBeLessThan(0.4);
    expect(s.resultsDigitised / s.results).toBeGreaterThan(0.85);
    expect(s.resultsDigitised / s.results).toBeLessThan(0.95);
    // the summary's figures are the projection's own columns
    const count = async (where: Record<string, unknown>) =>
      Number(((await g.db('dossiers').where(where).count({ n: '*' }).first()) as { n: unknown }).n);
    expect(await count({ receipt_digitised: true })).toBe(s.receiptDigitised);
    expect(await count({ receipt_reused: true })).toBe(s.receiptReused);
    expect(await count({ result_digitised: true })).toBe(s.resultsDigitised);
  });

  test('every reuse names a document an earlier dossier of the same applicant holds, with that document’s own file', async () => {
    const reuses = (await g
      .db('dossier_events as e')
      .join('dossiers as d', 'd.id', 'e.dossier_id')
      .where('e.type', 'REUSE_DOCUMENT')
      .select('d.code', 'd.applicant_id_number', 'e.occurred_at', 'e.payload')) as Record<string, unknown>[];
    expect(reuses.length).toBeGreaterThan(20);
    for (const r of reuses) {
      const p = JSON.parse(String(r.payload)) as { source: DocumentSource; file: FileRef };
      const source = await g.db('dossiers').where({ code: p.source.dossierCode }).first();
      expect([r.code, source.applicant_id_number]).toEqual([r.code, r.applicant_id_number]);
      const attach = (await g.db('dossier_events').where({ dossier_id: source.id, type: 'ATTACH_DOCUMENT' })).find(
        (e: { payload: string }) => (JSON.parse(e.payload) as { documentId: string }).documentId === p.source.documentId,
      ) as { payload: string; occurred_at: unknown };
      expect([r.code, (JSON.parse(attach.payload) as { file: FileRef }).file]).toEqual([r.code, p.file]);
      expect(toIsoOrNull(attach.occurred_at)! <= toIsoOrNull(r.occurred_at)!).toBe(true);
    }
  });

  test('each referenced file has its blobs row: uploaded at its first reference, touched at its last', async () => {
    const rows = (await g
      .db('document_refs')
      .select('sha256')
      .min({ first: 'at' })
      .max({ last: 'at' })
      .count({ n: '*' })
      .groupBy('sha256')) as Record<string, unknown>[];
    const blobs = new Map(((await g.db('blobs').select()) as Record<string, unknown>[]).map((b) => [String(b.sha256), b]));
    expect(blobs.size).toBe(rows.length);
    for (const r of rows) {
      const b = blobs.get(String(r.sha256))!;
      expect([r.sha256, toIsoOrNull(b.created_at), toIsoOrNull(b.touched_at), b.state]).toEqual([
        r.sha256,
        toIsoOrNull(r.first),
        toIsoOrNull(r.last),
        'stored',
      ]);
    }
    expect(rows.some((r) => Number(r.n) > 1)).toBe(true); // reused files are referenced more than once
  });

  test('with a document store (--files) every generated file is written, and the audit rehashes each one; without it they are missing, and said so', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-seed-files-'));
    const small = await generatedDb(backend, { dossiers: 40, centres: 1, months: 1, seed: 'files', files: new LocalBlobStore(dir) });
    try {
      expect(small.summary.filesWritten).toBeGreaterThan(40);
      const refs = await small.db('document_refs').countDistinct({ n: 'sha256' }).first();
      expect(small.summary.filesWritten).toBe(Number((refs as { n: unknown }).n));
      const checked = await verifyAll(small.db, { blobs: new LocalBlobStore(dir), hashFiles: true, progressEveryMs: 60_000 });
      expect(checked).toMatchObject({ dossiers: 40, findings: 0 });
      const empty = await verifyAll(small.db, { blobs: new LocalBlobStore(path.join(dir, 'elsewhere')), progressEveryMs: 60_000 });
      expect(empty.findingsByKind.file_missing).toBe(small.summary.documentRefs);
    } finally {
      await small.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  test('generating into a database that already holds dossiers is refused', async () => {
    await expect(generate({ db: g.db, dossiers: 10, centres: 1, months: 1, seed: 'again', end: END })).rejects.toThrow(
      /already holds dossiers/,
    );
  });
});
