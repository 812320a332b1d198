/**
 * The weekly late-dossier review on a fixture of dossiers around ISO week 2026-W11 (Mon 09/03 – Sun
 * 15/03/2026), built through the engine with the clock under control: each listed dossier and the
 * totals are checked by hand; CSV and XLSX read back equal the JSON; the HTML page escapes the
 * applicant's name and carries an SVG chart; notes and the sign-off are chained records; a signed-off
 * week refuses notes; the next week shows what was promised.
 */
import * as ExcelJS from 'exceljs';
import type { Command } from '../../machines/engine/commands';
import { buildWeeklyReview, parseIsoWeek, isoWeekOf, shiftWeek, stateLabel } from '../../src/reports/weekly-review';
import { APOLOGY_STATUS_LABELS, REVIEW_CATEGORY_LABELS } from '../../machines/vocabulary';
import { WeeklyReviewJsonSchema, type ReviewDossier } from '../../src/reports/report-schemas';
import { verifyWeekChain } from '../../src/reports/review-log';
import { listReviewEvents } from '../../src/store/review-event-store';
import { GENESIS_HASH } from '../../machines/engine/hash';
import { BACKENDS } from '../support/backends';
import { ACTORS, hanoi, submission } from '../support/engine';
import { startServer, type TestServer } from '../support/server';
import { asDatabaseOwner } from '../support/db-owner';

const HKD = '1.001612'; // 3 working days: tiep-nhan (TTPVHCC, 4 h), tham-dinh (KINHTE, 1 day), ky-cap (KINHTE, 1 day)
const BIRTH = '1.001193'; // same day: tiep-nhan (TTPVHCC, 1 h), tham-dinh (VHXH), ky-cap (LANHDAO)
const BUILDING = '1.013225'; // 15 working days
const TRICKY_NAME = 'Trần "Bé" <Tí> & Co';
const approve: Command = {
  type: 'RECORD_RESULT',
  documentNumber: '15/GCN-HKD',
  documentDate: '2026-03-05',
  signer: 'Trưởng phòng Kinh tế',
  digitised: true,
};

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are read loosely; the test asserts their shape

/** RFC 4180 parser (quoted fields, doubled quotes, CRLF), independent of the writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const local = (iso: string | null) =>
  iso === null ? '' : new Date(Date.parse(iso) + 7 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
const excelDate = (iso: string | null) => (iso === null ? null : new Date(Date.parse(iso) + 7 * 3_600_000));

/** The flat row a JSON dossier must read back as, written out independently of REVIEW_COLUMNS. */
function flat(d: ReviewDossier, instant: (iso: string | null) => unknown, empty: unknown): unknown[] {
  const or = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? empty : v);
  return [
    REVIEW_CATEGORY_LABELS[d.category],
    d.code,
    d.procedure.code,
    d.procedure.name,
    d.applicant.fullName,
    d.applicant.idNumber,
    instant(d.receivedAt),
    instant(d.dueAt),
    instant(d.appointmentAt),
    instant(d.resultAt),
    d.daysOverdue,
    stateLabel(d.state),
    or(d.currentStep?.name),
    or(d.currentUnit?.name),
    or(d.responsible?.stepName),
    or(d.responsible?.unitName),
    APOLOGY_STATUS_LABELS[d.apology],
    d.pauses.count,
    Math.round((d.pauses.totalWorkingMs / 3_600_000) * 10) / 10,
    Math.round((d.pauses.extensionMs / 3_600_000) * 10) / 10,
    or(d.notes.at(-1)?.cause),
    or(d.notes.at(-1)?.correctiveAction),
    or(d.lastWeekNotes.at(-1)?.cause),
    or(d.lastWeekNotes.at(-1)?.correctiveAction),
  ];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- supertest's raw response stream is untyped
function binary(res: any, cb: (err: Error | null, body: any) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

describe('ISO weeks in Asia/Ho_Chi_Minh', () => {
  test('weeks start on Monday 00:00 local time; W53 exists only in long years', () => {
    expect(parseIsoWeek('2026-W11')).toEqual({
      label: '2026-W11',
      monday: '2026-03-09',
      from: hanoi('2026-03-09 00:00'),
      to: hanoi('2026-03-16 00:00'),
    });
    expect(parseIsoWeek('2026-W01')!.monday).toBe('2025-12-29');
    expect(parseIsoWeek('2026-W53')!.monday).toBe('2026-12-28'); // 2026 starts on a Thursday: 53 weeks
    expect(parseIsoWeek('2027-W53')).toBeNull();
    expect(parseIsoWeek('2026-W00')).toBeNull();
    expect(shiftWeek(parseIsoWeek('2026-W01')!, -1).label).toBe('2025-W52');
    expect(isoWeekOf(hanoi('2026-03-15 23:59')).label).toBe('2026-W11');
    expect(isoWeekOf(hanoi('2026-03-16 00:00')).label).toBe('2026-W12');
  });
});

describe.each(BACKENDS)('the weekly late-dossier review on $name', (backend) => {
  let s: TestServer;
  const codes: Record<string, string> = {};
  const tokens: Record<string, string> = {};

  async function act(code: string, cmd: Command, actor = ACTORS.specialist) {
    return s.engine.engine.act(code, cmd, actor);
  }
  async function submit(
    key: string,
    at: string,
    proc = HKD,
    channel: 'counter' | 'online' | 'postal' = 'counter',
    name = `Người nộp ${key}`,
  ) {
    s.engine.at(at);
    codes[key] = (await s.engine.engine.submit(submission(proc, channel, name), ACTORS.counter)).code;
    return codes[key]!;
  }
  async function at(time: string, code: string, cmd: Command, actor = ACTORS.specialist) {
    s.engine.at(time);
    return act(code, cmd, actor);
  }
  const get = (path: string, user = 'supervisor') => s.http.get(path).set('Authorization', `Bearer ${tokens[user]}`);
  const post = (path: string, user = 'supervisor') => s.http.post(path).set('Authorization', `Bearer ${tokens[user]}`);

  beforeAll(async () => {
    s = await startServer(backend, '2026-02-25 08:00');

    // D8: resolved late in W10 (due Mon 02/03), apologised after, returned by post
    const d8 = await submit('D8', '2026-02-25 09:00');
    await at('2026-02-25 10:00', d8, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    await at('2026-02-25 11:00', d8, { type: 'COMPLETE_STEP' });
    await at('2026-02-26 10:00', d8, { type: 'COMPLETE_STEP' });
    await at('2026-03-03 10:00', d8, approve, ACTORS.leader);
    await at(
      '2026-03-03 11:00',
      d8,
      { type: 'ISSUE_APOLOGY', reason: 'Chậm ký', signer: 'Trưởng phòng', newDueDate: '2026-03-04' },
      ACTORS.leader,
    );
    await at('2026-03-04 09:00', d8, { type: 'RETURN_RESULT', method: 'post' }, ACTORS.counter);

    // D3: received Mon 02/03, due Thu 05/03, stuck at the counter's step since: overdue before and during W11
    const d3 = await submit('D3', '2026-03-02 09:00');
    await at('2026-03-02 10:00', d3, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.leader);

    // D1: due Fri 06/03; the specialist's step overran; late result Tue 10/03 (W11); apology after the due date; returned online
    const d1 = await submit('D1', '2026-03-03 09:00', HKD, 'counter', TRICKY_NAME);
    await at('2026-03-03 10:00', d1, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    await at('2026-03-03 11:00', d1, { type: 'COMPLETE_STEP' });
    await at('2026-03-09 10:00', d1, { type: 'COMPLETE_STEP' });
    await at('2026-03-10 10:00', d1, approve, ACTORS.leader);
    await at(
      '2026-03-10 11:00',
      d1,
      { type: 'ISSUE_APOLOGY', reason: 'Chuyên viên nghỉ ốm', signer: 'Trưởng phòng', newDueDate: '2026-03-11' },
      ACTORS.leader,
    );
    await at('2026-03-11 09:00', d1, { type: 'RETURN_RESULT', method: 'online' }, ACTORS.counter);

    // O1 (online, received Wed 04/03) and P1 (postal, received Thu 05/03): early results in W10, returned
    const o1 = await submit('O1', '2026-03-03 16:00', HKD, 'online');
    await at('2026-03-04 08:00', o1, { type: 'RECEIVE' }, ACTORS.counter);
    const p1 = await submit('P1', '2026-03-05 09:00', HKD, 'postal');
    await at('2026-03-05 10:00', p1, { type: 'RECEIVE' }, ACTORS.counter);
    for (const c of [o1, p1]) {
      await at('2026-03-05 11:00', c, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
      await at('2026-03-05 13:30', c, { type: 'COMPLETE_STEP' });
      await at('2026-03-05 15:00', c, { type: 'COMPLETE_STEP' });
      await at('2026-03-06 10:00', c, approve, ACTORS.leader);
    }
    await at('2026-03-06 14:00', o1, { type: 'RETURN_RESULT', method: 'online' }, ACTORS.counter);
    await at('2026-03-06 15:00', p1, { type: 'RETURN_RESULT', method: 'post' }, ACTORS.counter);

    // D2: due Mon 09/03 — became overdue in W11, still with the specialist; a timely apology on Fri 06/03
    const d2 = await submit('D2', '2026-03-04 09:00');
    await at('2026-03-04 10:00', d2, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    await at('2026-03-04 11:00', d2, { type: 'COMPLETE_STEP' });
    await at(
      '2026-03-06 10:00',
      d2,
      { type: 'ISSUE_APOLOGY', reason: 'Chờ xác minh địa điểm', signer: 'Trưởng phòng', newDueDate: '2026-03-11' },
      ACTORS.leader,
    );

    // D10: due Tue 10/03; the signing step overran; result only on Tue 17/03 (after the week)
    const d10 = await submit('D10', '2026-03-05 09:00');
    await at('2026-03-05 10:00', d10, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    await at('2026-03-05 11:00', d10, { type: 'COMPLETE_STEP' });
    await at('2026-03-06 10:00', d10, { type: 'COMPLETE_STEP' });

    // D5: on time (early) in W11, returned at the counter: not listed
    const d5 = await submit('D5', '2026-03-09 09:00');
    await at('2026-03-09 10:00', d5, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    await at('2026-03-09 11:00', d5, { type: 'COMPLETE_STEP' });
    await at('2026-03-10 09:00', d5, { type: 'COMPLETE_STEP' });
    await at('2026-03-11 10:00', d5, approve, ACTORS.leader);
    await at('2026-03-12 10:00', d5, { type: 'RETURN_RESULT', method: 'counter', rating: 5 }, ACTORS.counter);

    // D11: a same-day birth registration on Wed 11/03, never finished: overdue, not KINHTE's
    const d11 = await submit('D11', '2026-03-11 09:00', BIRTH);
    await at('2026-03-11 10:00', d11, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.leader);

    // D4: received Fri 13/03 14:00, due Wed 18/03: at risk next week. D7: due in April: not listed
    await submit('D4', '2026-03-13 14:00');
    await submit('D7', '2026-03-13 09:00', BUILDING);

    await at('2026-03-17 10:00', d10, approve, ACTORS.leader);
    s.engine.at('2026-03-17 12:00'); // Tuesday of W12: the review of W11 is read
    for (const u of ['supervisor', 'leader', 'leader_kinhte', 'auditor', 'counter']) tokens[u] = await s.login(u);
  });
  afterAll(async () => s.close());

  async function reviewJson(week = '2026-W11', user = 'supervisor', extra = ''): Promise<Json> {
    const res = await get(`/api/reports/weekly-late-review?week=${week}${extra}`, user);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    // every answer is exactly the documented shape (OpenAPI component WeeklyReview): nothing missing, retyped or extra
    expect(WeeklyReviewJsonSchema.safeParse(res.body).error?.issues ?? []).toEqual([]);
    expect(WeeklyReviewJsonSchema.parse(res.body)).toEqual(res.body);
    return res.body;
  }

  test('lists each late and at-risk dossier with its section, dates, overdue days, step, responsibility and apology', async () => {
    const r = await reviewJson();
    expect(r).toMatchObject({
      week: '2026-W11',
      from: hanoi('2026-03-09 00:00'),
      to: hanoi('2026-03-16 00:00'),
      asOf: hanoi('2026-03-16 00:00'),
      scope: 'centre',
    });
    const byCode = new Map((r.dossiers as Json[]).map((d) => [d.code, d]));
    expect((r.dossiers as Json[]).map((d) => d.code)).toEqual([codes.D1, codes.D10, codes.D3, codes.D2, codes.D11, codes.D4]);
    expect(byCode.get(codes.D1)).toMatchObject({
      category: 'resolved_late',
      procedure: { code: HKD, name: expect.stringContaining('hộ kinh doanh') },
      applicant: { fullName: TRICKY_NAME, idNumber: '••••••••2345' },
      receivedAt: hanoi('2026-03-03 09:00'),
      dueAt: hanoi('2026-03-06 17:00'),
      appointmentAt: hanoi('2026-03-11 17:00'),
      resultAt: hanoi('2026-03-10 10:00'),
      daysOverdue: 2,
      state: 'returned',
      currentStep: null,
      currentUnit: null,
      responsible: { step: 'tham-dinh', unit: 'KINHTE', unitName: 'Phòng Kinh tế', source: 'control_slip' },
      apology: 'late',
    });
    expect(byCode.get(codes.D10)).toMatchObject({
      category: 'overdue',
      dueAt: hanoi('2026-03-10 17:00'),
      resultAt: hanoi('2026-03-17 10:00'),
      daysOverdue: 3, // Wed, Thu, Fri
      responsible: { step: 'ky-cap', unit: 'KINHTE', source: 'control_slip' },
      apology: 'none',
    });
    expect(byCode.get(codes.D3)).toMatchObject({
      category: 'overdue',
      dueAt: hanoi('2026-03-05 17:00'),
      resultAt: null,
      daysOverdue: 6, // Fri 06/03 and the whole of W11
      state: 'assigned',
      currentStep: { id: 'tiep-nhan' },
      currentUnit: { code: 'TTPVHCC' },
      responsible: { step: 'tiep-nhan', unit: 'TTPVHCC', source: 'control_slip' },
      apology: 'none',
    });
    expect(byCode.get(codes.D2)).toMatchObject({
      category: 'overdue',
      dueAt: hanoi('2026-03-09 17:00'),
      appointmentAt: hanoi('2026-03-11 17:00'),
      daysOverdue: 4, // Tue–Fri
      state: 'processing',
      currentStep: { id: 'tham-dinh', name: expect.stringContaining('Chuyên viên') },
      currentUnit: { code: 'KINHTE', name: 'Phòng Kinh tế' },
      responsible: { step: 'tham-dinh', unit: 'KINHTE', source: 'control_slip' },
      apology: 'timely',
    });
    expect(byCode.get(codes.D11)).toMatchObject({
      category: 'overdue',
      procedure: { code: BIRTH },
      dueAt: hanoi('2026-03-11 17:00'),
      daysOverdue: 2,
      responsible: { unit: 'TTPVHCC' },
    });
    expect(byCode.get(codes.D4)).toMatchObject({
      category: 'at_risk',
      dueAt: hanoi('2026-03-18 17:00'),
      daysOverdue: 0,
      state: 'received',
      currentStep: null,
      currentUnit: { code: 'TTPVHCC' },
      responsible: { step: null, unit: 'TTPVHCC', source: 'current_step' },
      apology: 'none',
    });
    for (const k of ['D5', 'D7', 'D8', 'O1', 'P1']) expect(byCode.has(codes[k]!)).toBe(false);
  });

  test('totals, the five-week trend and the worst procedures and units', async () => {
    const r = await reviewJson();
    expect(r.totals).toEqual({
      dossiers: 6,
      late: 5,
      resolvedLate: 1,
      overdue: 4,
      atRisk: 1,
      apologyNone: 3,
      exempted: 0,
      apologyTimely: 1,
      apologyLate: 1,
      resolved: 2,
      early: 1,
      onTime: 0,
      onTimeRate: 0.5,
    });
    expect(r.trend.map((p: Json) => p.week)).toEqual(['2026-W07', '2026-W08', '2026-W09', '2026-W10', '2026-W11']);
    expect(r.trend[3]).toMatchObject({ resolved: 3, early: 2, late: 1, onTimeRate: 2 / 3 }); // D8 late, O1 and P1 early
    expect(r.trend[4]).toMatchObject({ resolved: 2, early: 1, late: 1, onTimeRate: 0.5 });
    expect(r.trend[0]).toMatchObject({ resolved: 0, onTimeRate: null });
    expect(r.worstProcedures).toEqual([
      { code: HKD, name: expect.any(String), late: 4 },
      { code: BIRTH, name: expect.any(String), late: 1 },
    ]);
    expect(r.worstUnits).toEqual([
      { code: 'KINHTE', name: 'Phòng Kinh tế', late: 3 },
      { code: 'TTPVHCC', name: 'Trung tâm Phục vụ hành chính công xã', late: 2 },
    ]);
    expect(r.review).toMatchObject({ signedOff: false, notes: 0, chain: { valid: true, length: 0, head: GENESIS_HASH } });
  });

  test('rows come in keyset pages: one row per page gives the same review', async () => {
    const review = await buildWeeklyReview({
      db: s.engine.db,
      calendars: s.engine.calendars,
      now: hanoi('2026-03-17 12:00'),
      week: parseIsoWeek('2026-W11')!,
      scope: 'centre',
      pageSize: 1,
    });
    const rows: ReviewDossier[] = [];
    for await (const d of review.dossiers()) rows.push(d);
    const tail = await review.finish();
    const r = await reviewJson();
    expect(JSON.parse(JSON.stringify(rows))).toEqual(r.dossiers);
    expect(tail.totals).toEqual(r.totals);
  });

  test('an office leader sees their unit; another unit is refused; roles outside the review get 403', async () => {
    const kinhte = await reviewJson('2026-W11', 'leader_kinhte');
    expect(kinhte.scope).toBe('KINHTE');
    expect(kinhte.dossiers.map((d: Json) => d.code)).not.toContain(codes.D11);
    expect(kinhte.dossiers).toHaveLength(5);
    expect((await get('/api/reports/weekly-late-review?week=2026-W11&unit=VHXH', 'leader_kinhte')).status).toBe(403);
    const vhxh = await reviewJson('2026-W11', 'auditor', '&unit=VHXH');
    expect(vhxh.dossiers.map((d: Json) => d.code)).toEqual([codes.D11]);
    expect((await get('/api/reports/weekly-late-review?week=2026-W11', 'counter')).status).toBe(403);
  });

  test('invalid queries are 400 naming the field', async () => {
    for (const [q, field] of [
      ['week=2026-W54', 'week'],
      ['week=2026-11', 'week'],
      ['week=2026-W11&format=pdf', 'format'],
      ['week=2026-W11&unit=XYZ', 'unit'],
      ['unit=KINHTE', 'week'],
    ] as const) {
      const res = await get(`/api/reports/weekly-late-review?${q}`);
      expect(res.status).toBe(400);
      expect(res.body.error.details.issues.map((i: Json) => i.field)).toContain(field);
    }
    expect((await get('/api/reports/weekly-late-review?week=2026-W11&x=1')).status).toBe(400);
  });

  test('CSV (UTF-8 with BOM, RFC 4180, Vietnamese headers) reads back equal to the JSON', async () => {
    const r = await reviewJson();
    const res = await get('/api/reports/weekly-late-review?week=2026-W11&format=csv').buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename=".+\.csv"/);
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes.subarray(3).toString('utf8'));
    expect(rows[0]).toEqual(
      expect.arrayContaining([
        'Mã hồ sơ',
        'Tên thủ tục',
        'Hạn giải quyết',
        'Số ngày quá hạn (ngày làm việc)',
        'Đơn vị chịu trách nhiệm',
        'Xin lỗi',
      ]),
    );
    expect(rows.slice(1)).toEqual((r.dossiers as ReviewDossier[]).map((d) => flat(d, local, '').map(String)));
  });

  test('XLSX is a real spreadsheet: a header row and typed cells that read back equal to the JSON', async () => {
    const r = await reviewJson();
    const res = await get('/api/reports/weekly-late-review?week=2026-W11&format=xlsx').buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('Hồ sơ')!;
    const values = (n: number) => {
      const row = sheet.getRow(n);
      return Array.from({ length: 24 }, (_, i) => row.getCell(i + 1).value ?? null);
    };
    expect(values(1)).toEqual(expect.arrayContaining(['Mã hồ sơ', 'Ngày tiếp nhận', 'Số ngày quá hạn (ngày làm việc)']));
    const data = Array.from({ length: sheet.rowCount - 1 }, (_, i) => values(i + 2));
    expect(data).toEqual((r.dossiers as ReviewDossier[]).map((d) => flat(d, excelDate, null)));
    expect(data[0]![6]).toBeInstanceOf(Date);
    expect(typeof data[0]![10]).toBe('number');
    expect(sheet.getRow(2).getCell(7).numFmt).toBe('dd/mm/yyyy hh:mm');
    const trend = wb.getWorksheet('Xu hướng')!;
    expect(trend.getRow(6).getCell(6).value).toBe(0.5);
    expect(trend.getRow(6).getCell(6).numFmt).toBe('0.0%');
    const totals = wb.getWorksheet('Tổng hợp')!;
    expect([totals.getRow(4).getCell(1).value, totals.getRow(4).getCell(2).value]).toEqual(['- Đã giải quyết trễ hạn trong tuần', 1]);
  });

  test('the printable HTML page is Vietnamese, escapes the applicant name, draws the trend as SVG and runs no script', async () => {
    const res = await get('/api/reports/weekly-late-review?week=2026-W11&format=html');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    const page = res.text;
    expect(page).toContain('<html lang="vi">');
    expect(page).toContain('Trần &quot;Bé&quot; &lt;Tí&gt; &amp; Co');
    expect(page).not.toContain(TRICKY_NAME);
    expect(page).toMatch(/<svg [^>]*role="img"/);
    expect(page).toContain('Mục tiêu 95,0%');
    expect(page).toContain('50,0%');
    expect(page).not.toMatch(/<script|\son\w+=/i);
    expect(page.trim().endsWith('</html>')).toBe(true);
  });

  test('notes are chained records; a dossier outside the review is refused; sign-off closes the week', async () => {
    // last week (W10): what was promised for D3 (still late) and D8 (resolved late in W10)
    const n1 = await post('/api/reports/weekly-late-review/notes').send({
      week: '2026-W10',
      dossierCode: codes.D3,
      cause: 'Chưa phân công chuyên viên',
      correctiveAction: 'Phân công ngay trong ngày 10/03',
    });
    expect(n1.status).toBe(201);
    expect(n1.body).toMatchObject({
      week: '2026-W10',
      scope: 'centre',
      seq: 1,
      type: 'REVIEW_NOTE',
      dossierCode: codes.D3,
      actor: 'supervisor',
      prevHash: GENESIS_HASH,
    });
    const n2 = await post('/api/reports/weekly-late-review/notes', 'leader').send({
      week: '2026-W10',
      dossierCode: codes.D8,
      cause: 'Lãnh đạo đi công tác',
      correctiveAction: 'Ủy quyền ký',
    });
    expect(n2.body).toMatchObject({ seq: 2, prevHash: n1.body.hash });

    const early = await post('/api/reports/weekly-late-review/notes').send({
      week: '2026-W11',
      dossierCode: codes.D5,
      cause: 'x',
      correctiveAction: 'y',
    });
    expect(early.status).toBe(400);
    expect(early.body.error.details.issues[0].field).toBe('dossierCode');
    expect(
      (
        await post('/api/reports/weekly-late-review/notes').send({
          week: '2026-W11',
          dossierCode: 'NOPE-1',
          cause: 'x',
          correctiveAction: 'y',
        })
      ).status,
    ).toBe(404);
    const missing = await post('/api/reports/weekly-late-review/notes').send({ week: '2026-W11', dossierCode: codes.D2 });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.issues.map((i: Json) => i.field).sort()).toEqual(['cause', 'correctiveAction']);
    expect(
      (
        await post('/api/reports/weekly-late-review/notes', 'auditor').send({
          week: '2026-W11',
          dossierCode: codes.D2,
          cause: 'x',
          correctiveAction: 'y',
        })
      ).status,
    ).toBe(403);
    const otherUnit = await post('/api/reports/weekly-late-review/notes', 'leader_kinhte').send({
      week: '2026-W11',
      dossierCode: codes.D11,
      cause: 'x',
      correctiveAction: 'y',
    });
    expect(otherUnit.status).toBe(400);

    const n3 = await post('/api/reports/weekly-late-review/notes').send({
      week: '2026-W11',
      dossierCode: codes.D2,
      cause: 'Chờ kết quả xác minh',
      correctiveAction: 'Trả kết quả trước 18/03',
    });
    expect(n3.status).toBe(201);
    const inProgress = await post('/api/reports/weekly-late-review/sign-off').send({ week: '2026-W12' });
    expect(inProgress.status).toBe(409);
    const signed = await post('/api/reports/weekly-late-review/sign-off', 'leader').send({
      week: '2026-W11',
      summary: 'Đã rà soát 6 hồ sơ',
    });
    expect(signed.status).toBe(201);
    expect(signed.body).toMatchObject({
      type: 'WEEK_SIGNED_OFF',
      seq: 2,
      prevHash: n3.body.hash,
      actor: 'leader',
      payload: { summary: 'Đã rà soát 6 hồ sơ' },
    });

    const refused = await post('/api/reports/weekly-late-review/notes').send({
      week: '2026-W11',
      dossierCode: codes.D3,
      cause: 'x',
      correctiveAction: 'y',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'TRANSITION_NOT_ALLOWED', details: { allowed: [] } });
    expect((await post('/api/reports/weekly-late-review/sign-off').send({ week: '2026-W11' })).status).toBe(409);

    const chain = await listReviewEvents(s.engine.db, '2026-W11', 'centre');
    expect(chain.map((e) => [e.seq, e.type])).toEqual([
      [1, 'REVIEW_NOTE'],
      [2, 'WEEK_SIGNED_OFF'],
    ]);
    expect(await verifyWeekChain(s.engine.db, '2026-W11', 'centre')).toMatchObject({ valid: true, length: 2, head: signed.body.hash });
    expect(await verifyWeekChain(s.engine.db, '2026-W10', 'centre')).toMatchObject({ valid: true, length: 2 });

    const r = await reviewJson();
    expect(r.review).toMatchObject({
      signedOff: true,
      signedOffBy: 'leader',
      summary: 'Đã rà soát 6 hồ sơ',
      notes: 1,
      chain: { valid: true },
    });
    const d2 = (r.dossiers as Json[]).find((d) => d.code === codes.D2)!;
    expect(d2.notes).toEqual([
      expect.objectContaining({ cause: 'Chờ kết quả xác minh', correctiveAction: 'Trả kết quả trước 18/03', actor: 'supervisor' }),
    ]);
    const d3 = (r.dossiers as Json[]).find((d) => d.code === codes.D3)!;
    expect(d3.lastWeekNotes).toEqual([
      expect.objectContaining({ cause: 'Chưa phân công chuyên viên', correctiveAction: 'Phân công ngay trong ngày 10/03' }),
    ]);
    expect(r.followUp).toEqual([
      expect.objectContaining({
        code: codes.D8,
        state: 'returned',
        finalTimeliness: 'late',
        lastWeekNotes: [expect.objectContaining({ correctiveAction: 'Ủy quyền ký' })],
      }),
    ]);
  });

  test('the next week shows what was promised for each dossier still late', async () => {
    const r = await reviewJson('2026-W12');
    expect(r.asOf).toBe(hanoi('2026-03-17 12:00'));
    const d2 = (r.dossiers as Json[]).find((d) => d.code === codes.D2)!;
    expect(d2).toMatchObject({
      category: 'overdue',
      notes: [],
      lastWeekNotes: [expect.objectContaining({ correctiveAction: 'Trả kết quả trước 18/03' })],
    });
    const csv = await get('/api/reports/weekly-late-review?week=2026-W12&format=csv').buffer(true).parse(binary);
    const rows = parseCsv((csv.body as Buffer).subarray(3).toString('utf8'));
    const d2row = rows.find((row) => row[1] === codes.D2)!;
    expect(d2row.at(-1)).toBe('Trả kết quả trước 18/03');
  });

  test('a tampered review record breaks the chain, and the review says so', async () => {
    await asDatabaseOwner(s.engine.db); // as the database owner: the application itself cannot change history
    await s.engine
      .db('review_events')
      .where({ week: '2026-W10', unit: 'centre', seq: 1 })
      .update({ payload: JSON.stringify({ dossierCode: codes.D3, cause: 'Đã sửa', correctiveAction: 'Đã sửa' }) });
    expect(await verifyWeekChain(s.engine.db, '2026-W10', 'centre')).toMatchObject({ valid: false, brokenAt: { seq: 1 } });
    const r = await reviewJson('2026-W10');
    expect(r.review.chain).toMatchObject({ valid: false });
    const page = await get('/api/reports/weekly-late-review?week=2026-W10&format=html');
    expect(page.text).toContain('Cảnh báo');
  });
});
