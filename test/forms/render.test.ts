/**
 * The forms rendered from dossiers built through the real engine (SQLite): official titles and
 * numbers by regulation date, the printed fields, the receipt's QR code, the control slip's step
 * rows, and escaping of everything an applicant or officer typed.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, hanoi, startEngine, submission, type StartedEngine } from '../support/engine';
import type { Command } from '../../machines/engine/commands';
import { isMotcuaError } from '../../machines/engine/errors';
import { clockCalendarVersion } from '../../machines/dossier/facts';
import { buildFormData, FORM_KINDS, renderForm, type FormKind } from '../../src/forms';
import { controlRows } from '../../src/forms/control-rows';
import { lookupUrl, qrSvg } from '../../src/forms/qr';

const HOUSEHOLD_BUSINESS = '1.001612'; // 3 working days: tiep-nhan 4 h (TTPVHCC) → tham-dinh 1 day (KINHTE) → ky-cap 1 day (KINHTE)
const BASE = 'https://motcua.example.vn';
const EVIL = '<script>alert(1)</script>';
const EVIL_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';
const HEADER = ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ'];

let t: StartedEngine;
beforeAll(async () => {
  t = await startEngine(BACKENDS[0]!);
});
afterAll(async () => t.drop());

async function act(code: string, local: string, cmd: Command, actor = ACTORS.specialist) {
  t.at(local);
  return t.engine.act(code, cmd, actor);
}

async function inputOf(code: string) {
  const { context } = await t.engine.snapshotOf(code);
  const history = await t.engine.history(code);
  const v = clockCalendarVersion(context);
  const calendar = v === null ? await t.calendars.latest() : await t.calendars.byVersion(v);
  return { history, context, calendar, baseUrl: BASE };
}

async function render(kind: FormKind, code: string): Promise<string> {
  return renderForm(kind, await inputOf(code));
}

async function notApplicable(kind: FormKind, code: string): Promise<string> {
  try {
    await render(kind, code);
  } catch (err) {
    if (isMotcuaError(err, 'NOT_FOUND')) return err.message;
    throw err;
  }
  throw new Error(`${kind} rendered for ${code}`);
}

/** Submitted at the counter Tue 03/03/2026 09:00 (due Fri 06/03 17:00), handled late, apologised for, approved and returned. */
async function lateDossier(name = 'Nguyễn Thị Hoa', text = (s: string) => s): Promise<string> {
  t.at('2026-03-03 09:00');
  const { code } = await t.engine.submit({ ...submission(HOUSEHOLD_BUSINESS, 'counter', name), note: text('hồ sơ giấy') }, ACTORS.counter);
  await act(code, '2026-03-03 09:30', { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
  await act(code, '2026-03-03 10:00', { type: 'COMPLETE_STEP' }, ACTORS.counter);
  await act(code, '2026-03-03 10:30', { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
  await act(code, '2026-03-05 10:00', { type: 'COMPLETE_STEP' });
  await act(
    code,
    '2026-03-05 11:00',
    {
      type: 'ISSUE_APOLOGY',
      reason: text('chờ xác minh địa điểm kinh doanh'),
      signer: text('Trần Văn Bình'),
      responsibleStep: 'tham-dinh',
      responsibleOfficer: text('specialist'),
      newDueDate: '2026-03-10',
    },
    ACTORS.leader,
  );
  await act(
    code,
    '2026-03-09 10:00',
    { type: 'RECORD_RESULT', documentNumber: '15/GCN-HKD', documentDate: '2026-03-09', signer: text('Trần Văn Bình'), digitised: true },
    ACTORS.leader,
  );
  await act(code, '2026-03-10 09:00', { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter);
  return code;
}

/** Received Tue 03/03/2026 09:00, supplement requested Wed 10:00, received again Fri 10:00. */
async function supplementDossier(text = (s: string) => s): Promise<string> {
  t.at('2026-03-03 09:00');
  const { code } = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
  await act(code, '2026-03-03 09:30', { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
  await act(code, '2026-03-03 10:00', { type: 'COMPLETE_STEP' }, ACTORS.counter);
  await act(code, '2026-03-04 10:00', {
    type: 'REQUEST_SUPPLEMENT',
    missing: [text('Bản sao hợp đồng thuê nhà'), 'Biên bản họp thành viên hộ gia đình'],
    reason: text('thiếu giấy tờ chứng minh địa điểm kinh doanh'),
  });
  return code;
}

/** Received Tue 03/03 09:00; the applicant asks to stop Wed 04/03 10:00; the counter stops it at 10:05. */
async function withdrawnDossier(text = (s: string) => s): Promise<string> {
  t.at('2026-03-03 09:00');
  const { code } = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
  await act(code, '2026-03-04 10:00', { type: 'REQUEST_WITHDRAWAL', reason: text('không còn nhu cầu'), via: 'post' }, ACTORS.counter);
  await act(code, '2026-03-04 10:05', { type: 'WITHDRAW', reason: text('dừng theo đề nghị') }, ACTORS.counter);
  return code;
}

/** A land dossier (1.013978) paused for the financial obligation on Wed 04/03 10:00. */
async function pausedDossier(
  reason: 'financial_obligation' | 'verification' | 'other' = 'financial_obligation',
  text = (s: string) => s,
): Promise<string> {
  t.at('2026-03-03 09:00');
  const { code } = await t.engine.submit(submission('1.013978'), ACTORS.counter);
  await act(code, '2026-03-03 09:30', { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
  await act(code, '2026-03-03 10:00', { type: 'COMPLETE_STEP' }, ACTORS.counter);
  await act(code, '2026-03-04 10:00', { type: 'PAUSE', reason, note: text('chờ thông báo thuế') });
  return code;
}

async function refusedAtIntake(reason: string, name = 'Lê Văn Nam'): Promise<string> {
  t.at('2026-03-03 14:00');
  const { code } = await t.engine.submit(submission(HOUSEHOLD_BUSINESS, 'online', name), ACTORS.counter);
  await act(code, '2026-03-03 15:00', { type: 'REFUSE', reason }, ACTORS.counter);
  return code;
}

describe('Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu số 01)', () => {
  let code: string;
  let page: string;
  beforeAll(async () => {
    code = await lateDossier();
    page = await render('receipt', code);
  });

  test('is a complete A4 HTML document with the official header and title', () => {
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain('<html lang="vi">');
    expect(page).toMatch(/@page \{ size: A4 portrait/);
    expect(page).toContain('@media print');
    for (const h of HEADER) expect(page).toContain(h);
    expect(page).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
    expect(page).toContain('Mẫu số 01');
    expect(page).toContain('Thông tư số 03/2025/TT-VPCP');
  });

  test('prints the code, the applicant, the procedure, the documents, the received and the due time', () => {
    expect(page).toContain(`Mã hồ sơ: ${code}`);
    expect(page).toContain('Nguyễn Thị Hoa');
    expect(page).toContain('001190012345');
    expect(page).toContain('Phường Hoàn Kiếm, Hà Nội');
    expect(page).toContain('Đăng ký thành lập hộ kinh doanh');
    expect(page).toContain('Giấy đề nghị');
    expect(page).toContain('03 ngày làm việc');
    expect(page).toContain('Thời gian nhận hồ sơ: <b>09:00 03/03/2026</b>');
    // the statutory appointment: the apology's new date does not rewrite the receipt
    expect(page).toContain('Thời gian trả kết quả giải quyết hồ sơ: <b>17:00 06/03/2026</b>');
    expect(page).toContain('NGƯỜI TIẾP NHẬN HỒ SƠ');
  });

  test('carries a QR code of the public lookup link, with no applicant data in it', () => {
    const link = lookupUrl(BASE, code);
    expect(link).toBe(`${BASE}/tra-cuu?ma=${code}`);
    for (const personal of ['Nguyễn', 'Hoa', '001190012345', '0912345678', 'Hoàn Kiếm']) expect(link).not.toContain(personal);
    expect(page).toContain(qrSvg(link).value); // the printed symbol encodes exactly that link
    expect(page).toContain(link);
  });

  test('is reproducible from the event log: rendering twice gives the same document', async () => {
    expect(await render('receipt', code)).toBe(page);
  });

  test('shows the resubmission when the processing time restarted after a supplement', async () => {
    const c = await supplementDossier();
    await act(c, '2026-03-06 10:00', { type: 'RECEIVE_SUPPLEMENT' }, ACTORS.counter);
    const p = await render('receipt', c);
    expect(p).toContain('Nhận đủ hồ sơ bổ sung lúc <b>10:00 06/03/2026</b>');
    expect(p).toContain(
      'Thời gian trả kết quả giải quyết hồ sơ: <b>17:00 06/03/2026</b>. <i>(Hẹn trả kết quả hiện nay: <b>17:00 11/03/2026</b>, tính lại từ ngày nhận đủ hồ sơ bổ sung.)</i>',
    );
  });

  test('rule: a reprinted receipt shows the appointment given at receipt, with the later appointment beside it', async () => {
    const c = await lateDossier();
    const p = await render('receipt', c);
    // received Tue 03/03 09:00 → due Fri 06/03 17:00; the apology moved the appointment to a later date
    expect(p).toContain('Thời gian trả kết quả giải quyết hồ sơ: <b>17:00 06/03/2026</b>. <i>(Hẹn trả kết quả hiện nay: <b>');
    expect(p).toContain('theo Phiếu xin lỗi và hẹn lại ngày trả kết quả.)</i>');
    const fresh = await render('receipt', (await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter)).code);
    expect(fresh).not.toContain('Hẹn trả kết quả hiện nay');
  });

  test('does not exist for a dossier that was never received', async () => {
    const c = await refusedAtIntake('ngoài thẩm quyền');
    expect(await notApplicable('receipt', c)).toMatch(/chưa được tiếp nhận/);
  });
});

describe('form numbers follow the regulation in force when the dossier was received', () => {
  test('a dossier received before 15/09/2025 prints Circular 01/2018 forms: the control slip is Mẫu số 05', async () => {
    t.at('2025-09-12 09:00');
    const { code } = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    const receipt = await render('receipt', code);
    expect(receipt).toContain('Mẫu số 01');
    expect(receipt).toContain('Thông tư số 01/2018/TT-VPCP');
    expect(receipt).toContain('09:00 12/09/2025');
    const slip = await render('control-slip', code);
    expect(slip).toContain('Mẫu số 05');
    expect(slip).not.toContain('Mẫu số 06');
  });

  test('a dossier received from 15/09/2025 prints Circular 03/2025 forms: the control slip is Mẫu số 06', async () => {
    t.at('2025-09-15 08:00');
    const { code } = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    const slip = await render('control-slip', code);
    expect(slip).toContain('Mẫu số 06');
    expect(slip).toContain('Thông tư số 03/2025/TT-VPCP');
  });

  test('an online dossier submitted before 15/09/2025 but received after it prints the new forms', async () => {
    t.at('2025-09-12 16:00');
    const { code } = await t.engine.submit(submission(HOUSEHOLD_BUSINESS, 'online'), ACTORS.counter);
    await act(code, '2025-09-15 08:00', { type: 'RECEIVE' }, ACTORS.counter);
    expect(await render('receipt', code)).toContain('Thông tư số 03/2025/TT-VPCP');
  });
});

describe('Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu số 02)', () => {
  test('lists every missing item, numbered, with the reason and the guiding officer', async () => {
    const code = await supplementDossier();
    const page = await render('supplement', code);
    for (const h of HEADER) expect(page).toContain(h);
    expect(page).toContain('PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ');
    expect(page).toContain('Mẫu số 02');
    expect(page).toContain('/PBS-TTPVHCC');
    expect(page).toContain(`Mã hồ sơ: ${code}`);
    expect(page).toContain('Nguyễn Thị Hoa');
    expect(page).toContain('<ol><li>Bản sao hợp đồng thuê nhà</li><li>Biên bản họp thành viên hộ gia đình</li></ol>');
    expect(page).toContain('Lý do: thiếu giấy tờ chứng minh địa điểm kinh doanh');
    expect(page).toContain('ngày 04 tháng 03 năm 2026');
    expect(page).toContain('NGƯỜI HƯỚNG DẪN');
  });

  test('does not exist without a supplement request', async () => {
    const code = await lateDossier();
    expect(await notApplicable('supplement', code)).toMatch(/chưa có yêu cầu bổ sung/);
  });
});

describe('Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu số 03)', () => {
  test('at intake: the counter refuses to receive, with the reason, signed by submitter and receiver', async () => {
    const code = await refusedAtIntake('Hồ sơ không thuộc thẩm quyền giải quyết của xã');
    const page = await render('refusal', code);
    for (const h of HEADER) expect(page).toContain(h);
    expect(page).toContain('PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ');
    expect(page).toContain('Mẫu số 03');
    expect(page).toContain('thông báo không tiếp nhận hồ sơ này');
    expect(page).toContain('Hồ sơ không thuộc thẩm quyền giải quyết của xã');
    expect(page).toContain('Lê Văn Nam');
    expect(page).toContain('NGƯỜI NỘP HỒ SƠ');
    expect(page).toContain('NGƯỜI TIẾP NHẬN HỒ SƠ');
  });

  test('after handling: a refusal result is printed by the refusing unit with its signer', async () => {
    t.at('2026-03-03 09:00');
    const { code } = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await act(code, '2026-03-03 09:30', { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    await act(code, '2026-03-03 10:00', { type: 'COMPLETE_STEP' }, ACTORS.counter);
    await act(
      code,
      '2026-03-04 10:00',
      { type: 'REFUSE', reason: 'Ngành nghề kinh doanh bị cấm', signer: 'Trần Văn Bình' },
      { username: 'leader', unit: 'KINHTE' },
    );
    const page = await render('refusal', code);
    expect(page).toContain('thông báo không giải quyết hồ sơ này');
    expect(page).toContain('PHÒNG KINH TẾ');
    expect(page).toContain('Ngành nghề kinh doanh bị cấm');
    expect(page).toContain('Trần Văn Bình');
  });

  test('does not exist for a dossier that was not refused', async () => {
    const code = await supplementDossier();
    expect(await notApplicable('refusal', code)).toMatch(/không bị từ chối/);
  });
});

describe('Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu số 04)', () => {
  test('states the reason, the original appointment, the new date, the responsible unit and the head signer', async () => {
    const code = await lateDossier();
    const page = await render('apology', code);
    for (const h of HEADER.slice(0, 2)) expect(page).toContain(h);
    expect(page).toContain('PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ');
    expect(page).toContain('Mẫu số 04');
    expect(page).toContain('PHÒNG KINH TẾ'); // issued by the office responsible
    expect(page).toContain('Kính gửi: Ông/Bà <b>Nguyễn Thị Hoa</b>');
    expect(page).toContain(`Mã hồ sơ: <b>${code}</b>`);
    expect(page).toContain('Ngày 03/03/2026');
    expect(page).toContain('Thời gian hẹn trả kết quả giải quyết hồ sơ: <b>17:00 06/03/2026</b>');
    expect(page).toContain('Lý do: chờ xác minh địa điểm kinh doanh');
    expect(page).toContain('hẹn lại thời gian trả kết quả vào lúc <b>17:00 10/03/2026</b>');
    expect(page).toContain('bước “Chuyên viên kiểm tra hồ sơ, nhập dữ liệu đăng ký”');
    expect(page).toContain('THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ');
    expect(page).toContain('Trần Văn Bình');
  });

  test('does not exist for a dossier without an apology', async () => {
    const code = await supplementDossier();
    expect(await notApplicable('apology', code)).toMatch(/chưa có Phiếu xin lỗi/);
  });
});

describe('Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu số 06)', () => {
  const HOUR = 3_600_000;

  test('has the receipt row, one row per hand-over with budget, time used, overrun and class, and the return row', async () => {
    const code = await lateDossier();
    const input = await inputOf(code);
    const rows = controlRows(buildFormData(input.history, input.context), input.calendar);
    expect(rows.map((r) => r.label)).toEqual([
      'Tiếp nhận hồ sơ',
      'Tiếp nhận, chuyển hồ sơ',
      'Chuyên viên kiểm tra hồ sơ, nhập dữ liệu đăng ký',
      'Trưởng phòng Kinh tế ký Giấy chứng nhận đăng ký hộ kinh doanh',
      'Trả kết quả',
    ]);
    const [receipt, counterStep, review, signing, giveBack] = rows;
    expect(receipt).toMatchObject({
      from: { unit: 'Người nộp hồ sơ', person: 'Nguyễn Thị Hoa' },
      to: { unit: 'Trung tâm Phục vụ hành chính công xã', person: 'counter' },
    });
    expect(receipt!.at.at).toBe(hanoi('2026-03-03 09:00'));
    // counter step: 09:30–10:00 of a 4-hour budget
    expect(counterStep).toMatchObject({ budget: { value: 4, unit: 'hours' }, usedMs: 0.5 * HOUR, overrunMs: 0, timeliness: 'early' });
    expect(counterStep).toMatchObject({
      from: { unit: 'Trung tâm Phục vụ hành chính công xã' },
      to: { unit: 'Phòng Kinh tế', person: 'specialist' },
    });
    // review: Tue 10:00 → Thu 10:00 with a 1-day budget (deadline Wed 17:00): 5 + 7.5 + 2.5 h used, 2.5 h over
    expect(review).toMatchObject({ budget: { value: 1, unit: 'days' }, usedMs: 15 * HOUR, overrunMs: 2.5 * HOUR, timeliness: 'late' });
    expect(review!.at.at).toBe(hanoi('2026-03-05 10:00'));
    // signing: Thu 10:00 → Mon 10:00 with a 1-day budget (deadline Fri 17:00)
    expect(signing).toMatchObject({
      usedMs: 15 * HOUR,
      overrunMs: 2.5 * HOUR,
      timeliness: 'late',
      to: { unit: 'Trung tâm Phục vụ hành chính công xã' },
    });
    expect(signing!.note).toContain('15/GCN-HKD');
    expect(giveBack).toMatchObject({ from: { person: 'counter' }, to: { person: 'Nguyễn Thị Hoa' } });
    expect(giveBack!.at.at).toBe(hanoi('2026-03-10 09:00'));

    const page = renderForm('control-slip', input);
    expect(page).toContain('PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ');
    expect(page).toContain('Mẫu số 06');
    expect(page).toContain('/PKS-TTPVHCC');
    expect(page).toMatch(/@page \{ size: A4 landscape/);
    expect(page).toContain(`Mã hồ sơ: ${code}`);
    expect(page).toContain('Thời gian nhận hồ sơ: <b>09:00 03/03/2026</b>');
    expect(page).toContain('Thời gian hẹn trả kết quả: <b>17:00 06/03/2026</b>');
    expect(page).toContain('Hẹn lại (Phiếu xin lỗi): <b>17:00 10/03/2026</b>');
    expect(page).toContain('04 giờ làm việc');
    expect(page).toContain('01 ngày làm việc');
    expect(page).toContain('Trước hạn');
    expect(page).toContain('Quá hạn');
    expect(page).toContain('2 giờ 30 phút');
    expect(page).toContain('15 giờ');
    expect(page).toContain('10:00 05/03/2026');
    expect(page).toMatch(
      /Bước vượt thời hạn: <b>Chuyên viên kiểm tra hồ sơ, nhập dữ liệu đăng ký<\/b> \(Phòng Kinh tế, specialist\): vượt 2 giờ 30 phút/,
    );
  });

  test('time spent waiting for a supplement does not count against the step', async () => {
    const code = await supplementDossier();
    await act(code, '2026-03-06 10:00', { type: 'RECEIVE_SUPPLEMENT' }, ACTORS.counter);
    await act(code, '2026-03-06 10:30', { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    await act(code, '2026-03-06 11:00', { type: 'COMPLETE_STEP' });
    const input = await inputOf(code);
    const review = controlRows(buildFormData(input.history, input.context), input.calendar)[2]!;
    // Tue 10:00–17:00 (5 h) + Wed 07:30–10:00 (2.5 h) + Fri 10:00–11:00 (1 h); Wed 10:00 → Fri 10:00 excluded
    expect(review).toMatchObject({ usedMs: 8.5 * HOUR, overrunMs: 0, timeliness: 'on_time' });
  });

  test('an open step is listed as in progress, without a class', async () => {
    t.at('2026-03-03 09:00');
    const { code } = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    await act(code, '2026-03-03 09:30', { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    const input = await inputOf(code);
    const rows = controlRows(buildFormData(input.history, input.context), input.calendar);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ label: 'Tiếp nhận, chuyển hồ sơ', timeliness: null, note: 'Đang xử lý (thời điểm nhận)' });
  });
});

describe('Thông báo dừng giải quyết hồ sơ (Mẫu số 05 of Circular 03/2025)', () => {
  test("rule: a withdrawal at the applicant's request produces the stop notice: the request, its date and channel, the stop and the legal basis", async () => {
    const page = await render('stop-notice', await withdrawnDossier());
    expect(page).toContain('Mẫu số 05');
    expect(page).toContain('<h1>THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ</h1>');
    expect(page).toContain('Ngày 10:00 04/03/2026, Ông/Bà đã đề nghị qua dịch vụ bưu chính công ích dừng giải quyết hồ sơ');
    expect(page).toContain('Lý do: không còn nhu cầu');
    expect(page).toContain('Điều 21 Nghị định số 118/2025/NĐ-CP');
    expect(page).toContain('kể từ 10:05 04/03/2026');
  });

  test('does not exist for a dossier that was not stopped', async () => {
    expect(await notApplicable('stop-notice', await supplementDossier())).toMatch(/chưa bị dừng/);
  });
});

describe('Thông báo tạm dừng giải quyết hồ sơ', () => {
  test('rule: a pause produces a notice stating the reason, the date the clock stopped and what the applicant must do', async () => {
    const page = await render('pause-notice', await pausedDossier('verification'));
    expect(page).not.toContain('Mẫu số');
    expect(page).toContain('tạm dừng giải quyết hồ sơ</b> của Ông/Bà kể từ <b>10:00 04/03/2026</b>');
    expect(page).toContain('Lý do: cần xác minh, lấy ý kiến của cơ quan, đơn vị khác. chờ thông báo thuế.');
    expect(page).toContain('Ông/Bà cần thực hiện:');
    expect(page).not.toContain('Phiếu chuyển thông tin');
  });

  test('rule: for a financial obligation the notice tells the applicant to pay and carries the information slip to the tax office', async () => {
    const page = await render('pause-notice', await pausedDossier('financial_obligation'));
    expect(page).toContain('chờ Ông/Bà thực hiện nghĩa vụ tài chính');
    expect(page).toContain('nộp đủ các khoản nghĩa vụ tài chính');
    expect(page).toContain('Phiếu chuyển thông tin để xác định nghĩa vụ tài chính về đất đai'.toLocaleUpperCase('vi'));
    expect(page).toContain('Kính gửi: Cơ quan thuế');
    expect(page).toContain('Số: ……/PCTT');
  });

  test('rule: the control slip shows how often and how long the dossier was paused and how far its due date moved', async () => {
    const c = await pausedDossier('verification');
    await act(c, '2026-03-04 11:00', { type: 'RESUME' });
    const slip = await render('control-slip', c);
    expect(slip).toContain('Tạm dừng: <b>1 lần</b>, tổng thời gian tạm dừng <b>1 giờ</b>; hạn giải quyết được lùi <b>không</b>.');
    expect(await render('control-slip', await supplementDossier())).not.toContain('Tạm dừng: <b>');
  });

  test('does not exist for a dossier never paused', async () => {
    expect(await notApplicable('pause-notice', await supplementDossier())).toMatch(/chưa từng tạm dừng/);
  });
});

describe('everything typed by people is escaped in every form', () => {
  let pages: Record<FormKind, string>;
  beforeAll(async () => {
    const evil = (s: string) => `${s} ${EVIL}`;
    const late = await lateDossier(EVIL, evil);
    const supp = await supplementDossier(evil);
    const refused = await refusedAtIntake(evil('ngoài thẩm quyền'), EVIL);
    pages = {
      receipt: await render('receipt', late),
      supplement: await render('supplement', supp),
      refusal: await render('refusal', refused),
      apology: await render('apology', late),
      'control-slip': await render('control-slip', late),
      'stop-notice': await render('stop-notice', await withdrawnDossier(evil)),
      'pause-notice': await render('pause-notice', await pausedDossier('other', evil)),
      'return-receipt': await render('return-receipt', late),
    };
  });

  test.each(FORM_KINDS)('%s', (kind) => {
    const page = pages[kind];
    expect(page.toLowerCase()).not.toContain('<script');
    expect(page).toContain(EVIL_ESCAPED);
  });

  test('names, notes, missing items, reasons, signers and officers are all escaped', () => {
    expect(pages.receipt).toContain(`Ông/Bà: <b>${EVIL_ESCAPED}</b>`);
    expect(pages.receipt).toContain(`Ghi chú: hồ sơ giấy ${EVIL_ESCAPED}`);
    expect(pages.supplement).toContain(`<li>Bản sao hợp đồng thuê nhà ${EVIL_ESCAPED}</li>`);
    expect(pages.supplement).toContain(`Lý do: thiếu giấy tờ chứng minh địa điểm kinh doanh ${EVIL_ESCAPED}`);
    expect(pages.refusal).toContain(`ngoài thẩm quyền ${EVIL_ESCAPED}`);
    expect(pages.apology).toContain(`Lý do: chờ xác minh địa điểm kinh doanh ${EVIL_ESCAPED}`);
    expect(pages.apology).toContain(`cán bộ specialist ${EVIL_ESCAPED}`);
    expect(pages.apology).toContain(`<b>Trần Văn Bình ${EVIL_ESCAPED}</b>`);
    expect(pages['control-slip']).toContain(`Trần Văn Bình ${EVIL_ESCAPED}`);
  });
});

describe('the receipt of the return (Biên nhận trả kết quả)', () => {
  test('names the result, when and how it was handed back, the late and the apology, and both signatures', async () => {
    const code = await lateDossier();
    const page = await render('return-receipt', code);
    const text = page.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain('BIÊN NHẬN TRẢ KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH');
    expect(text).toContain(`Mã hồ sơ: ${code}`);
    expect(text).toContain('Người nộp hồ sơ: Nguyễn Thị Hoa');
    expect(text).toContain('Giấy chứng nhận đăng ký hộ kinh doanh, số 15/GCN-HKD ngày 09/03/2026');
    expect(text).toMatch(/Kết quả được trả lúc 09:00 10\/03\/2026 ?, trực tiếp tại Bộ phận Một cửa; trễ hạn/);
    expect(text).toContain('đã có Phiếu xin lỗi và hẹn lại ngày trả kết quả');
    expect(text).toContain('NGƯỜI NHẬN KẾT QUẢ');
    expect(text).toContain('NGƯỜI TRẢ KẾT QUẢ');
  });

  test('is not available before the result is handed back', async () => {
    expect(await notApplicable('return-receipt', await supplementDossier())).toMatch(/chưa trả kết quả/);
  });
});
