/**
 * The monthly report to the Department of Home Affairs: dossiers received and results returned in a
 * month, by submission channel and by return method, with the month's boundaries in local time; the
 * CSV and XLSX read back equal to the JSON, and the HTML page is the printable Vietnamese report.
 */
import * as ExcelJS from 'exceljs';
import type { Command } from '../../machines/engine/commands';
import { monthBounds } from '../../src/reports/monthly-report';
import { MonthlyReportSchema } from '../../src/reports/report-schemas';
import { BACKENDS } from '../support/backends';
import { ACTORS, hanoi, submission } from '../support/engine';
import { startServer, type TestServer } from '../support/server';

const HKD = '1.001612';
const approve: Command = {
  type: 'RECORD_RESULT',
  documentNumber: '1/GCN',
  documentDate: '2026-03-02',
  signer: 'Trưởng phòng',
  digitised: true,
};

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are read loosely; the test asserts their shape

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- supertest's raw response stream is untyped
function binary(res: any, cb: (err: Error | null, body: any) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

function parseCsv(text: string): string[][] {
  return text
    .split('\r\n')
    .filter((l) => l !== '')
    .map((l) => l.split(','));
}

test('a month is bounded by local midnights', () => {
  expect(monthBounds('2026-03')).toEqual({ from: hanoi('2026-03-01 00:00'), to: hanoi('2026-04-01 00:00') });
  expect(monthBounds('2026-12')).toEqual({ from: hanoi('2026-12-01 00:00'), to: hanoi('2027-01-01 00:00') });
  expect(monthBounds('2026-13')).toBeNull();
});

describe.each(BACKENDS)('the monthly report on $name', (backend) => {
  let s: TestServer;
  let token: string;

  async function at(time: string, code: string, cmd: Command, actor = ACTORS.specialist) {
    s.engine.at(time);
    return s.engine.engine.act(code, cmd, actor);
  }
  async function submit(time: string, channel: 'counter' | 'online' | 'postal') {
    s.engine.at(time);
    return (await s.engine.engine.submit(submission(HKD, channel), ACTORS.counter)).code;
  }
  async function resolve(code: string, day: string) {
    await at(`${day} 08:00`, code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    await at(`${day} 08:30`, code, { type: 'COMPLETE_STEP' });
    await at(`${day} 09:00`, code, { type: 'COMPLETE_STEP' });
    await at(`${day} 10:00`, code, approve, ACTORS.leader);
  }
  const get = (path: string) => s.http.get(path).set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    s = await startServer(backend, '2026-02-26 09:00');
    const f1 = await submit('2026-02-26 09:00', 'counter'); // received in February, returned at the counter in March
    await resolve(f1, '2026-03-02');
    await at('2026-03-02 14:00', f1, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter);
    const o1 = await submit('2026-02-27 20:00', 'online'); // submitted in February, received in March
    await at('2026-03-02 08:00', o1, { type: 'RECEIVE' }, ACTORS.counter);
    const c1 = await submit('2026-03-02 09:00', 'counter');
    await resolve(o1, '2026-03-04');
    await resolve(c1, '2026-03-04');
    await at('2026-03-05 09:00', c1, { type: 'RETURN_RESULT', method: 'post' }, ACTORS.counter);
    await at('2026-03-31 23:59', o1, { type: 'RETURN_RESULT', method: 'online' }, ACTORS.counter);
    const c2 = await submit('2026-03-10 09:00', 'counter');
    await resolve(c2, '2026-03-12');
    await at('2026-04-01 00:01', c2, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter); // April
    const p1 = await submit('2026-03-31 14:00', 'postal');
    await at('2026-03-31 16:00', p1, { type: 'RECEIVE' }, ACTORS.counter);
    const p2 = await submit('2026-03-31 17:00', 'postal');
    await at('2026-04-01 08:00', p2, { type: 'RECEIVE' }, ACTORS.counter); // April
    await submit('2026-03-30 10:00', 'online'); // never received: not counted
    s.engine.at('2026-04-02 09:00');
    token = await s.login('supervisor');
  });
  afterAll(async () => s.close());

  test('counts received dossiers by channel and returned results by channel and return method', async () => {
    const res = await get('/api/reports/monthly?month=2026-03');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      month: '2026-03',
      from: hanoi('2026-03-01 00:00'),
      to: hanoi('2026-04-01 00:00'),
      title: expect.stringContaining('tháng 03/2026'),
    });
    expect(res.body.rows).toEqual([
      {
        channel: 'counter',
        channelLabel: 'Trực tiếp tại Bộ phận Một cửa',
        received: 2,
        returned: 2,
        returnedAtCounter: 1,
        returnedByPost: 1,
        returnedOnline: 0,
      },
      {
        channel: 'online',
        channelLabel: 'Trực tuyến',
        received: 1,
        returned: 1,
        returnedAtCounter: 0,
        returnedByPost: 0,
        returnedOnline: 1,
      },
      {
        channel: 'postal',
        channelLabel: 'Qua dịch vụ bưu chính công ích',
        received: 1,
        returned: 0,
        returnedAtCounter: 0,
        returnedByPost: 0,
        returnedOnline: 0,
      },
    ]);
    expect(res.body.total).toEqual({
      channel: 'total',
      channelLabel: 'Tổng cộng',
      received: 4,
      returned: 3,
      returnedAtCounter: 1,
      returnedByPost: 1,
      returnedOnline: 1,
    });
    const april = await get('/api/reports/monthly?month=2026-04');
    expect(april.body.total).toMatchObject({ received: 1, returned: 1, returnedAtCounter: 1 });
    expect(april.body.rows[2]).toMatchObject({ channel: 'postal', received: 1 });
  });

  test('the JSON answer is exactly the documented shape (OpenAPI component MonthlyReport)', async () => {
    for (const month of ['2026-03', '2026-04', '2025-01']) {
      const res = await get(`/api/reports/monthly?month=${month}`);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect({ month, issues: MonthlyReportSchema.safeParse(res.body).error?.issues ?? [] }).toEqual({ month, issues: [] });
      expect(MonthlyReportSchema.parse(res.body)).toEqual(res.body); // nothing the schema does not name
    }
  });

  test('CSV and XLSX read back equal to the JSON; HTML is the printable report', async () => {
    const json = (await get('/api/reports/monthly?month=2026-03')).body as Json;
    const expected = [...json.rows, json.total].map((r: Json) => [
      r.channelLabel,
      r.received,
      r.returned,
      r.returnedAtCounter,
      r.returnedByPost,
      r.returnedOnline,
    ]);

    const csv = await get('/api/reports/monthly?month=2026-03&format=csv').buffer(true).parse(binary);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const bytes = csv.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes.subarray(3).toString('utf8'));
    expect(rows[0]).toEqual([
      'Hình thức nộp hồ sơ',
      'Số hồ sơ tiếp nhận',
      'Số hồ sơ đã trả kết quả',
      'Trả trực tiếp tại Bộ phận Một cửa',
      'Trả qua dịch vụ bưu chính công ích',
      'Trả trực tuyến',
    ]);
    expect(rows.slice(1)).toEqual(expected.map((r) => r.map(String)));

    const xlsx = await get('/api/reports/monthly?month=2026-03&format=xlsx').buffer(true).parse(binary);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    const read = (n: number) => Array.from({ length: 6 }, (_, i) => sheet.getRow(n).getCell(i + 1).value);
    expect(read(1)).toEqual(rows[0]);
    expect(Array.from({ length: sheet.rowCount - 1 }, (_, i) => read(i + 2))).toEqual(expected);

    const html = await get('/api/reports/monthly?month=2026-03&format=html');
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toContain('Kính gửi: Sở Nội vụ');
    expect(html.text).toMatch(/nhận kết quả trực tiếp tại Bộ phận Một cửa trong tháng: <strong>1<\/strong>/);
    expect(html.text).not.toContain('<script');
  });

  test('an invalid month is 400 naming the field; a counter clerk may not read the report', async () => {
    const bad = await get('/api/reports/monthly?month=2026-13');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].field).toBe('month');
    // no valid-looking input may give a 5xx: years outside 1971–9998 used to throw (an unpadded year)
    for (const month of ['0001-01', '0999-12', '1970-12', '9999-12']) {
      const res = await get(`/api/reports/monthly?month=${month}`);
      expect({ month, status: res.status, field: res.body.error?.details?.issues?.[0]?.field }).toEqual({
        month,
        status: 400,
        field: 'month',
      });
    }
    for (const month of ['1971-01', '9998-12']) expect((await get(`/api/reports/monthly?month=${month}`)).status).toBe(200);
    const counter = await s.login('counter');
    expect((await s.http.get('/api/reports/monthly?month=2026-03').set('Authorization', `Bearer ${counter}`)).status).toBe(403);
  });
});
