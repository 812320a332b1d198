/**
 * Personal data in lists, histories, reports and logs: a dossier whose applicant has a known ID number
 * and phone number, late and noted in the weekly review (the note itself quoting both numbers), then
 * every list, history, report and export format a staff member can fetch, and every log line written
 * meanwhile, must hold neither number whole — only the last four digits. The reads that do show them
 * (the full record GET /api/dossiers/{code}, the printable forms, the auditor's export) are each logged as
 * a record view naming what showed them.
 */
import { Writable } from 'node:stream';
import request from 'supertest';
import * as ExcelJS from 'exceljs';
import { BACKENDS } from '../support/backends';
import { startServer, type TestServer } from '../support/server';
import { createApp } from '../../src/http/app';
import { createLogger } from '../../src/observability/logger';
import { AuthService } from '../../src/services/auth/auth-service';
import { FORM_KINDS } from '../../src/forms';

const ID_NUMBER = '079203004567';
const PHONE = '0987654321';
const MASKED_ID = '••••••••4567';
const MASKED_PHONE = '••••••4321';
const NAME = 'Phan Thị Thu Trang';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- supertest's raw response stream is untyped
function binary(res: any, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

/** Every cell of every sheet as text. */
async function xlsxText(bytes: Buffer): Promise<string> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const out: string[] = [];
  wb.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => out.push(String(cell.value)))));
  return out.join('\n');
}

const expectMasked = (label: string, text: string) => {
  expect({ label, id: text.includes(ID_NUMBER), phone: text.includes(PHONE) }).toEqual({ label, id: false, phone: false });
};

describe.each(BACKENDS)('ID and phone numbers are masked everywhere but the full record, on $name', (backend) => {
  let s: TestServer;
  let http: ReturnType<typeof request>;
  const logLines: string[] = [];
  let code: string;
  const outputs: [string, string][] = [];

  beforeAll(async () => {
    s = await startServer(backend, '2026-03-02 09:00');
    const destination = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    http = request(createApp(s.deps, { logger: createLogger({ level: 'trace', destination }) }));
    const auth = new AuthService(s.engine);
    const bearer = async (u: string) => `Bearer ${(await auth.login(u, 'demo')).token}`;

    const applicant = { fullName: NAME, idNumber: ID_NUMBER, phone: PHONE, email: 'trang@example.vn', address: 'Phường Ba Đình, Hà Nội' };
    const body = {
      procedureCode: '1.001612',
      channel: 'counter',
      applicant,
      documents: [{ name: 'Giấy đề nghị', copies: 1 }],
      note: `Liên hệ ${PHONE}`,
    };
    const counter = await bearer('counter');
    const created = await http.post('/api/dossiers').set('Authorization', counter).set('Idempotency-Key', 'masking-test-0001').send(body);
    expect(created.status).toBe(201);
    code = created.body.code;
    outputs.push(['the created dossier', created.text]);
    outputs.push([
      'a retried submission',
      (await http.post('/api/dossiers').set('Authorization', counter).set('Idempotency-Key', 'masking-test-0001').send(body)).text,
    ]);
    outputs.push([
      'a refused submission',
      (
        await http
          .post('/api/dossiers')
          .set('Authorization', counter)
          .send({ ...body, applicant: { ...applicant, email: 'not an email' } })
      ).text,
    ]);
    const e = s.engine.engine;
    await e.act(code, { type: 'ASSIGN', assignee: 'counter' }, { username: 'counter', unit: 'TTPVHCC' });
    await e.act(code, { type: 'COMPLETE_STEP' }, { username: 'counter', unit: 'TTPVHCC' });

    // a week later (due Thu 05/03 17:00): overdue, no apology, noted in the weekly review
    s.engine.at('2026-03-10 09:00');
    expect((await http.post('/api/admin/sweep').set('Authorization', await bearer('admin'))).status).toBe(200);
    const note = await http
      .post('/api/reports/weekly-late-review/notes')
      .set('Authorization', await bearer('leader_kinhte'))
      .send({
        week: '2026-W11',
        unit: 'KINHTE',
        dossierCode: code,
        cause: `Công dân (ĐT ${PHONE}, CCCD ${ID_NUMBER}) chưa bổ sung`,
        correctiveAction: `Gọi lại số ${PHONE}`,
      });
    expect(note.status).toBe(201);

    const supervisor = await bearer('supervisor');
    const get = (path: string) => http.get(path).set('Authorization', supervisor);
    // the note belongs to the office's review (scope KINHTE); the centre's review lists the dossier too
    for (const format of ['json', 'csv', 'html'])
      outputs.push([
        `weekly review (${format})`,
        (await get(`/api/reports/weekly-late-review?week=2026-W11&unit=KINHTE&format=${format}`)).text,
      ]);
    outputs.push([
      'weekly review (xlsx)',
      await xlsxText((await get('/api/reports/weekly-late-review?week=2026-W11&unit=KINHTE&format=xlsx').buffer(true).parse(binary)).body),
    ]);
    outputs.push(['weekly review (centre)', (await get('/api/reports/weekly-late-review?week=2026-W11')).text]);
    for (const format of ['json', 'csv', 'html'])
      outputs.push([`monthly report (${format})`, (await get(`/api/reports/monthly?month=2026-03&format=${format}`)).text]);
    outputs.push([
      'monthly report (xlsx)',
      await xlsxText((await get('/api/reports/monthly?month=2026-03&format=xlsx').buffer(true).parse(binary)).body),
    ]);
    outputs.push(['late dossiers without an apology', (await get('/api/metrics/apology-missing')).text]);
    outputs.push(['the dossier list', (await get('/api/dossiers?limit=100')).text]);
    outputs.push(['a search by the full phone number', (await get(`/api/dossiers?q=${PHONE}`)).text]);
    outputs.push(['a search by the full ID number', (await get(`/api/dossiers?q=${ID_NUMBER}`)).text]);
    outputs.push(['the history', (await get(`/api/dossiers/${code}/events`)).text]);
    outputs.push(['the replay', (await get(`/api/dossiers/${code}/replay`)).text]);
  });
  afterAll(async () => s?.close());

  test('the weekly review lists the dossier by name with the ID masked, in every format', () => {
    for (const [label, text] of outputs.filter(([l]) => l.startsWith('weekly review'))) {
      expect({ label, name: text.includes(NAME), masked: text.includes(MASKED_ID) }).toEqual({ label, name: true, masked: true });
    }
  });

  test('numbers typed into a review note are masked in the report too', () => {
    const json = JSON.parse(outputs.find(([l]) => l === 'weekly review (json)')![1]);
    const noted = json.dossiers.find((d: { code: string }) => d.code === code);
    expect(noted.notes[0].cause).toBe(`Công dân (ĐT ${MASKED_PHONE}, CCCD ${MASKED_ID}) chưa bổ sung`);
    expect(noted.notes[0].correctiveAction).toBe(`Gọi lại số ${MASKED_PHONE}`);
  });

  test('lists, searches and the late-dossier list show the applicant masked', () => {
    for (const label of [
      'the dossier list',
      'a search by the full phone number',
      'a search by the full ID number',
      'late dossiers without an apology',
    ]) {
      const text = outputs.find(([l]) => l === label)![1];
      expect({ label, found: text.includes(MASKED_ID) && text.includes(MASKED_PHONE) }).toEqual({ label, found: true });
    }
  });

  test('no list, history, report or export holds the ID or phone number whole', () => {
    expect(outputs.length).toBeGreaterThanOrEqual(18);
    for (const [label, text] of outputs) expectMasked(label, text);
  });

  test('no log line holds them whole either', () => {
    expect(logLines.length).toBeGreaterThan(10);
    expectMasked('logs', logLines.join(''));
  });

  test('the full record is the one place that shows them, and the view is recorded', async () => {
    const auditor = `Bearer ${(await new AuthService(s.engine).login('auditor', 'demo')).token}`;
    const before = (await http.get(`/api/audit/record-views?dossier=${code}`).set('Authorization', auditor)).body.items.length;
    const full = await http.get(`/api/dossiers/${code}`).set('Authorization', auditor);
    expect(full.body.applicant).toMatchObject({ idNumber: ID_NUMBER, phone: PHONE });
    const after = (await http.get(`/api/audit/record-views?dossier=${code}`).set('Authorization', auditor)).body.items.length;
    expect(after).toBe(before + 1);
  });

  test("every read that shows them whole — the full record, each form, the auditor's export — is logged, naming what showed them", async () => {
    const auditor = `Bearer ${(await new AuthService(s.engine).login('auditor', 'demo')).token}`;
    const views = async () =>
      (await http.get(`/api/audit/record-views?dossier=${code}&limit=500`).set('Authorization', auditor)).body.items as {
        source: string;
        username: string;
      }[];
    const reads: [string, string][] = [
      ['record', `/api/dossiers/${code}`],
      ...FORM_KINDS.map((kind): [string, string] => [`form:${kind}`, `/api/dossiers/${code}/forms/${kind}`]),
      ['export', `/api/dossiers/${code}/export`],
    ];
    const shown: string[] = [];
    for (const [source, path] of reads) {
      const before = await views();
      const res = await http.get(path).set('Authorization', auditor);
      const after = await views();
      const whole = res.text.includes(ID_NUMBER) || res.text.includes(PHONE);
      if (whole) shown.push(source);
      expect({ path, status: res.status, logged: after.length - before.length }).toEqual({
        path,
        status: res.status,
        logged: whole ? 1 : 0,
      });
      if (whole) expect(after[0]).toMatchObject({ source, username: 'auditor' });
    }
    expect(shown).toEqual(expect.arrayContaining(['record', 'form:receipt', 'export']));
  });
});
