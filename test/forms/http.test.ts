/** GET /api/dossiers/:code/forms/:form through the real app (SQLite), signed in as the demo users. */
import { BACKENDS } from '../support/backends';
import { ACTORS, submission } from '../support/engine';
import { startServer, type TestServer } from '../support/server';
import { FORM_KINDS } from '../../src/forms';

const HOUSEHOLD_BUSINESS = '1.001612';

describe('forms over HTTP', () => {
  let s: TestServer;
  let code: string; // received at the counter, now with Phòng Kinh tế
  let intakeRefused: string;

  beforeAll(async () => {
    s = await startServer(BACKENDS[0]!, undefined, { PUBLIC_BASE_URL: 'https://motcua.example.gov.vn/' });
    const t = s.engine;
    t.at('2026-03-03 09:00');
    code = (await t.engine.submit(submission(HOUSEHOLD_BUSINESS, 'counter', '<script>alert(1)</script>'), ACTORS.counter)).code;
    t.at('2026-03-03 09:30');
    await t.engine.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    t.at('2026-03-03 10:00');
    await t.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
    t.at('2026-03-03 14:00');
    intakeRefused = (await t.engine.submit(submission(HOUSEHOLD_BUSINESS, 'online'), ACTORS.counter)).code;
    await t.engine.act(intakeRefused, { type: 'REFUSE', reason: 'ngoài thẩm quyền' }, ACTORS.counter);
  });
  afterAll(async () => s.close());

  const get = async (path: string, user: string | null = 'counter') => {
    const req = s.http.get(path);
    return user ? req.set('Authorization', `Bearer ${await s.login(user)}`) : req;
  };

  test('the receipt is 200 text/html, escaped, uncacheable, script-free, with a QR link to this server', async () => {
    const res = await get(`/api/dossiers/${code}/forms/receipt`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(res.headers['cache-control']).toContain('no-store');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.text).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
    expect(res.text).toContain(code);
    expect(res.text).toContain('<svg');
    expect(res.text).toContain(`https://motcua.example.gov.vn/tra-cuu?ma=${encodeURIComponent(code)}`);
    expect(res.text).toContain('bằng mã hồ sơ và <b>4 số cuối của số điện thoại</b>'); // the lookup factor chosen (default)
    expect(res.text).not.toContain('<script>');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  test('the receipt names the number the applicant chose for the public lookup', async () => {
    const base = submission(HOUSEHOLD_BUSINESS);
    const byId = await s.engine.engine.submit({ ...base, applicant: { ...base.applicant, lookupFactor: 'idNumber' } }, ACTORS.counter);
    const res = await get(`/api/dossiers/${byId.code}/forms/receipt`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('bằng mã hồ sơ và <b>4 số cuối của số định danh cá nhân (CCCD)</b>');
    expect(res.text).not.toContain('4 số cuối của số điện thoại');
  });

  test('the control slip is 200 for the office that holds the dossier', async () => {
    const res = await get(`/api/dossiers/${code}/forms/control-slip`, 'specialist');
    expect(res.status).toBe(200);
    expect(res.text).toContain('PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ');
    expect(res.text).toContain('Mẫu số 06');
  });

  test('the refusal of a dossier refused at intake is 200', async () => {
    const res = await get(`/api/dossiers/${intakeRefused}/forms/refusal`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('ngoài thẩm quyền');
  });

  test('404 for an unknown dossier', async () => {
    const res = await get('/api/dossiers/000.00.12.H29-260303-9999/forms/receipt');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  test('404 for an unknown form kind, naming the known ones', async () => {
    const res = await get(`/api/dossiers/${code}/forms/bien-nhan`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    for (const k of FORM_KINDS) expect(res.body.error.message).toContain(k);
  });

  test.each([
    ['apology', 'code', /chưa có Phiếu xin lỗi/],
    ['refusal', 'code', /không bị từ chối/],
    ['supplement', 'code', /chưa có yêu cầu bổ sung/],
    ['receipt', 'intakeRefused', /chưa được tiếp nhận/],
    ['control-slip', 'intakeRefused', /chưa được tiếp nhận/],
  ])('404 with a reason when the %s form does not apply to the dossier yet', async (form, which, message) => {
    const c = which === 'code' ? code : intakeRefused;
    const res = await get(`/api/dossiers/${c}/forms/${form}`);
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'NOT_FOUND', details: { form } });
    expect(res.body.error.message).toMatch(message);
  });

  test('403 for an officer of another unit (specialist_vhxh on a Phòng Kinh tế dossier)', async () => {
    const res = await get(`/api/dossiers/${code}/forms/receipt`, 'specialist_vhxh');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  test('401 without signing in', async () => {
    const res = await get(`/api/dossiers/${code}/forms/receipt`, null);
    expect(res.status).toBe(401);
  });

  test('the QR link never takes its host from the request: Host: evil.example still prints the configured address', async () => {
    for (const host of ['evil.example', 'evil.example/<x>']) {
      const res = await s.http
        .get(`/api/dossiers/${code}/forms/receipt`)
        .set('Authorization', `Bearer ${await s.login('counter')}`)
        .set('Host', host);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('evil.example');
      expect(res.text).toContain('https://motcua.example.gov.vn/tra-cuu?ma=');
    }
  });
});
