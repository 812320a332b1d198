import type { DossierEvent } from '../../machines/dossier/types';
import {
  NOTICE_KINDS,
  noticesFor,
  renderNotice,
  TEMPLATE_VERSION,
  type NoticeInput,
  type NoticeKind,
} from '../../machines/notify/templates';

const code = '000.00.12.H29-261204-0001';
const lookupUrl = `https://motcua.example.gov.vn/tra-cuu?ma=${code}`;
const by = { username: 'counter', unit: 'MC' };

function input(kind: NoticeKind, over: Partial<NoticeInput> = {}): NoticeInput {
  return {
    notice: { kind, details: {} },
    code,
    procedureName: 'Đăng ký khai sinh',
    applicantName: 'Nguyễn Thị Hồng Nhung',
    sender: 'UBND xã Tân Phú',
    lookupUrl,
    surveyUrl: 'https://dichvucong.example.gov.vn/danh-gia',
    facts: { dueAt: '2026-12-10T09:30:00.000Z', receivedAt: '2026-12-04T02:00:00.000Z', outcome: null, returnedAt: null },
    ...over,
  };
}
const opts = { maxSegments: 4, stripAccents: false };

describe('which events tell the applicant what', () => {
  const at = '2026-12-04T02:00:00.000Z';
  it('each applicant-facing event maps to its message; internal moves send nothing', () => {
    const kinds = (e: DossierEvent, receivedAt: string | null = at) => noticesFor(e, { receivedAt }).map((n) => n.kind);
    expect(kinds({ type: 'RECEIVE', at, by, dueAt: at, countedFrom: at, calendarVersion: 1 })).toEqual(['receipt']);
    expect(kinds({ type: 'REQUEST_SUPPLEMENT', at, by, missing: ['Tờ khai'], reason: 'thiếu' })).toEqual(['supplement_request']);
    expect(kinds({ type: 'PAUSE', at, by, reason: 'verification' })).toEqual(['pause_notice']);
    expect(kinds({ type: 'WITHDRAW', at, by, reason: 'rút' })).toEqual(['stop_notice']);
    expect(kinds({ type: 'RECORD_RESULT', at, by, documentNumber: '1', documentDate: '2026-12-04', signer: 'x', digitised: true })).toEqual(
      ['result_ready'],
    );
    expect(kinds({ type: 'REFUSE', at, by, reason: 'không đủ điều kiện' })).toEqual(['result_ready']);
    expect(kinds({ type: 'REFUSE', at, by, reason: 'không đủ điều kiện' }, null)).toEqual([]);
    expect(kinds({ type: 'RETURN_RESULT', at, by, method: 'counter' })).toEqual(['result_returned', 'survey']);
    expect(kinds({ type: 'ASSIGN', at, by, unit: 'TP', assignee: null })).toEqual([]);
    expect(kinds({ type: 'DEADLINE_PASSED', at, by, dueAt: at })).toEqual([]);
  });
});

describe('the applicant messages', () => {
  it('every message carries the dossier code and the lookup link, in Vietnamese, on every channel', () => {
    for (const kind of NOTICE_KINDS) {
      const r = renderNotice(input(kind), opts)!;
      expect(r.templateVersion).toBe(TEMPLATE_VERSION);
      expect(r.subject).toContain(code);
      expect(r.body).toContain(code);
      expect(r.body).toContain(lookupUrl);
      expect(r.sms.text).toContain(code);
      expect(r.zns.ma_ho_so).toBe(code);
      expect(r.body).toMatch(/Ông\/Bà/);
      if (kind !== 'result_returned' && kind !== 'survey') expect(r.sms.text).toContain(lookupUrl);
    }
  });

  it('the receipt gives the appointment in Vietnam time', () => {
    const r = renderNotice(input('receipt'), opts)!;
    expect(r.body).toContain('Thời gian hẹn trả kết quả: 16:30 ngày 10/12/2026');
    expect(r.sms.text).toContain('Hẹn trả kết quả 16:30 ngày 10/12/2026');
    expect(r.zns.ngay_hen).toBe('16:30 ngày 10/12/2026');
  });

  it('a supplement request lists everything to bring, at once', () => {
    const missing = ['Tờ khai đăng ký khai sinh', 'Giấy chứng sinh', 'Giấy chứng nhận kết hôn của cha mẹ'];
    const r = renderNotice(
      input('supplement_request', { notice: { kind: 'supplement_request', details: { missing, reason: 'Thiếu giấy tờ' } } }),
      opts,
    )!;
    expect(r.body).toContain('nộp đầy đủ một lần');
    for (const [n, m] of missing.entries()) expect(r.body).toContain(`${n + 1}. ${m}`);
    expect(r.sms.text).toContain(missing.join('; '));
    expect(r.sms.shortened).toBe(false);
  });

  it('a supplement request too long for the SMS limit is shortened by the rule, the link kept', () => {
    const missing = Array.from({ length: 20 }, (_, n) => `Bản sao có chứng thực giấy tờ thứ ${n + 1}`);
    const r = renderNotice(input('supplement_request', { notice: { kind: 'supplement_request', details: { missing } } }), opts)!;
    expect(r.sms.shortened).toBe(true);
    expect(r.sms.encoding).toBe('ucs2');
    expect(r.sms.segments.length).toBeLessThanOrEqual(4);
    expect(r.sms.text.endsWith(lookupUrl)).toBe(true);
    // the e-mail keeps the whole list
    expect(r.body).toContain('20. Bản sao có chứng thực giấy tờ thứ 20');
  });

  it('the apology names the new appointment', () => {
    const r = renderNotice(
      input('apology', { notice: { kind: 'apology', details: { newDueAt: '2026-12-15T09:30:00.000Z', reason: 'Chờ xác minh' } } }),
      opts,
    )!;
    expect(r.body).toContain('xin lỗi');
    expect(r.body).toContain('16:30 ngày 15/12/2026');
    expect(r.sms.text).toContain('hẹn lại 16:30 ngày 15/12/2026');
  });

  it('the pause notice says why, in words', () => {
    const r = renderNotice(
      input('pause_notice', { notice: { kind: 'pause_notice', details: { pauseReason: 'financial_obligation' } } }),
      opts,
    )!;
    expect(r.sms.text).toContain('Chờ thực hiện nghĩa vụ tài chính');
  });

  it('a refusal after receipt reads as a written answer, not a result to collect', () => {
    const r = renderNotice(input('result_ready', { facts: { ...input('receipt').facts, outcome: 'refused' } }), opts)!;
    expect(r.body).toContain('văn bản trả lời');
  });

  it('the survey invites to the configured link, and is not sent without one', () => {
    expect(renderNotice(input('survey'), opts)!.sms.text).toContain('https://dichvucong.example.gov.vn/danh-gia');
    expect(renderNotice(input('survey', { surveyUrl: null }), opts)).toBeNull();
  });

  it('every SMS fits four segments with a long office name, a long code and diacritics', () => {
    const long = input('receipt', {
      sender: 'Trung tâm Phục vụ hành chính công tỉnh',
      lookupUrl: 'https://dichvucong.tinh-example.gov.vn/motcua/tra-cuu?ma=000.00.12.H29-261204-0001',
    });
    for (const kind of NOTICE_KINDS) {
      const r = renderNotice({ ...long, notice: { kind, details: { missing: ['Tờ khai'], pauseReason: 'verification' } } }, opts)!;
      expect(r.sms.segments.length).toBeLessThanOrEqual(4);
      expect(r.sms.segments.every((s) => s.length <= 67)).toBe(true);
    }
  });

  it('without diacritics every SMS is GSM-7', () => {
    for (const kind of NOTICE_KINDS) expect(renderNotice(input(kind), { maxSegments: 4, stripAccents: true })!.sms.encoding).toBe('gsm7');
  });
});
