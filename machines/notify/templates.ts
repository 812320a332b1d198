/**
 * The applicant's messages, in one place: which dossier events tell the applicant something, and the
 * Vietnamese text of each message for e-mail, SMS and Zalo ZNS. Pure: no I/O, no clock; every value comes
 * from the dossier's facts (machines/dossier/facts.ts), the event that caused the message and the settings.
 *
 * Never in a message: the applicant's ID number or phone (the input has neither). Always: the dossier code
 * and the public lookup link (`PUBLIC_BASE_URL/tra-cuu?ma=<code>`).
 *
 * Versioned: `TEMPLATE_VERSION` goes up whenever a text changes; the message log keeps the version each
 * message was rendered with, so an old log entry still says which wording the applicant received.
 */
import { localDate, localTime, type Instant } from '../calendar';
import type { DossierFacts } from '../dossier/facts';
import type { DossierEvent, PauseReason } from '../dossier/types';
import { PAUSE_REASON_LABELS } from '../vocabulary';
import { fitSms, type FittedSms, type SmsPart } from './sms';

export const TEMPLATE_VERSION = 1;

export const NOTICE_KINDS = [
  'receipt',
  'supplement_request',
  'pause_notice',
  'stop_notice',
  'apology',
  'result_ready',
  'result_returned',
  'survey',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** What one message says beyond the dossier's facts: taken from the event that caused it. */
export interface NoticeDetails {
  missing?: string[];
  reason?: string;
  pauseReason?: PauseReason;
  newDueAt?: Instant;
  /** an apology given as the result is handed over at once: no new appointment */
  returnNow?: boolean;
}

export interface Notice {
  kind: NoticeKind;
  details: NoticeDetails;
}

/**
 * The messages an event sends the applicant (in order). RECEIVE: the receipt with the appointment;
 * REQUEST_SUPPLEMENT: everything to bring, at once; PAUSE: the pause notice; WITHDRAW: the stop notice;
 * ISSUE_APOLOGY: the apology with the new appointment; RECORD_RESULT, and REFUSE once received (a written
 * refusal is the result): result ready; RETURN_RESULT: result returned, then the satisfaction survey.
 * A refusal at intake sends nothing (no receipt, so no consent was recorded yet).
 */
export function noticesFor(event: DossierEvent, before: Pick<DossierFacts, 'receivedAt'>): Notice[] {
  switch (event.type) {
    case 'RECEIVE':
      return [{ kind: 'receipt', details: {} }];
    case 'REQUEST_SUPPLEMENT':
      return [{ kind: 'supplement_request', details: { missing: event.missing, reason: event.reason } }];
    case 'PAUSE':
      return [{ kind: 'pause_notice', details: { pauseReason: event.reason } }];
    case 'WITHDRAW':
      return [{ kind: 'stop_notice', details: { reason: event.reason } }];
    case 'ISSUE_APOLOGY':
      return [
        {
          kind: 'apology',
          details: event.newDueAt === null ? { returnNow: true, reason: event.reason } : { newDueAt: event.newDueAt, reason: event.reason },
        },
      ];
    case 'RECORD_RESULT':
      return [{ kind: 'result_ready', details: {} }];
    case 'REFUSE':
      return before.receivedAt ? [{ kind: 'result_ready', details: { reason: event.reason } }] : [];
    case 'RETURN_RESULT':
      return [
        { kind: 'result_returned', details: {} },
        { kind: 'survey', details: {} },
      ];
    default:
      return [];
  }
}

/** Everything a message is rendered from. */
export interface NoticeInput {
  notice: Notice;
  code: string;
  procedureName: string;
  applicantName: string;
  /** the office that speaks, e.g. "UBND xã Tân Phú" (settings; at most 40 characters) */
  sender: string;
  /** the dossier's public lookup link */
  lookupUrl: string;
  /** the satisfaction survey link (settings); the survey message is not rendered without one */
  surveyUrl: string | null;
  /** the facts after the event */
  facts: Pick<DossierFacts, 'dueAt' | 'receivedAt' | 'outcome' | 'returnedAt'>;
}

export interface SmsOptions {
  /** the most segments one message may use (default 4) */
  maxSegments: number;
  /** write SMS without diacritics (GSM-7, 160/153 characters) instead of with them (UCS-2, 70/67) */
  stripAccents: boolean;
}

export interface RenderedNotice {
  kind: NoticeKind;
  templateVersion: number;
  /** e-mail subject and plain-text body */
  subject: string;
  body: string;
  sms: FittedSms;
  /** Zalo ZNS template parameters (the template itself is registered with Zalo; its id is in the settings) */
  zns: Record<string, string>;
}

/** "hh:mm ngày dd/mm/yyyy" in Asia/Ho_Chi_Minh. */
export function vnDateTime(at: Instant): string {
  return `${localTime(at)} ngày ${vnDate(at)}`;
}

/** "dd/mm/yyyy" in Asia/Ho_Chi_Minh. */
export function vnDate(at: Instant): string {
  const [y, m, d] = localDate(at).split('-');
  return `${d}/${m}/${y}`;
}

/** ZNS parameter limits (Zalo's parameter types: code and custom label 30 characters, names 30, text 200). */
function clip(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : chars.slice(0, max - 1).join('') + '…';
}

interface Template {
  subject(i: NoticeInput): string;
  /** the e-mail body's paragraphs (the greeting, the lookup line and the signature are added around them) */
  paragraphs(i: NoticeInput): string[];
  sms(i: NoticeInput): SmsPart[];
}

const due = (i: NoticeInput) => (i.facts.dueAt ? vnDateTime(i.facts.dueAt) : 'chưa xác định');

const TEMPLATES: Record<NoticeKind, Template> = {
  receipt: {
    subject: (i) => `Đã tiếp nhận hồ sơ ${i.code}`,
    paragraphs: (i) => [
      `${i.sender} đã tiếp nhận hồ sơ ${i.code} (${i.procedureName})${i.facts.receivedAt ? ` lúc ${vnDateTime(i.facts.receivedAt)}` : ''}.`,
      `Thời gian hẹn trả kết quả: ${due(i)}.`,
    ],
    sms: (i) => [{ text: `${i.sender}: Đã tiếp nhận hồ sơ ${i.code}. Hẹn trả kết quả ${due(i)}. Tra cứu: ${i.lookupUrl}` }],
  },
  supplement_request: {
    subject: (i) => `Yêu cầu bổ sung hồ sơ ${i.code}`,
    paragraphs: (i) => [
      `Hồ sơ ${i.code} (${i.procedureName}) cần bổ sung, hoàn thiện. Đề nghị Ông/Bà nộp đầy đủ một lần các giấy tờ sau:`,
      ...(i.notice.details.missing ?? []).map((m, n) => `${n + 1}. ${m}`),
      ...(i.notice.details.reason ? [`Lý do: ${i.notice.details.reason}`] : []),
      'Thời hạn giải quyết được tính lại từ khi nhận đủ hồ sơ bổ sung.',
    ],
    sms: (i) => [
      { text: `${i.sender}: Hồ sơ ${i.code} cần bổ sung (nộp đủ một lần): ` },
      { text: (i.notice.details.missing ?? []).join('; '), elidable: true },
      { text: `. Chi tiết: ${i.lookupUrl}` },
    ],
  },
  pause_notice: {
    subject: (i) => `Tạm dừng giải quyết hồ sơ ${i.code}`,
    paragraphs: (i) => [
      `Hồ sơ ${i.code} (${i.procedureName}) tạm dừng giải quyết. Lý do: ${reasonLabel(i)}.`,
      'Thời gian tạm dừng không tính vào thời hạn giải quyết; chúng tôi sẽ báo khi hồ sơ được tiếp tục.',
    ],
    sms: (i) => [{ text: `${i.sender}: Hồ sơ ${i.code} tạm dừng giải quyết: ${reasonLabel(i)}. Tra cứu: ${i.lookupUrl}` }],
  },
  stop_notice: {
    subject: (i) => `Dừng giải quyết hồ sơ ${i.code}`,
    paragraphs: (i) => [
      `Theo đề nghị của Ông/Bà, hồ sơ ${i.code} (${i.procedureName}) đã được dừng giải quyết.`,
      ...(i.notice.details.reason ? [`Lý do: ${i.notice.details.reason}`] : []),
    ],
    sms: (i) => [{ text: `${i.sender}: Hồ sơ ${i.code} đã dừng giải quyết theo đề nghị của Ông/Bà. Tra cứu: ${i.lookupUrl}` }],
  },
  apology: {
    subject: (i) => `Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ ${i.code}`,
    paragraphs: (i) => [
      `${i.sender} xin lỗi Ông/Bà vì hồ sơ ${i.code} (${i.procedureName}) chưa giải quyết được đúng hẹn.`,
      ...(i.notice.details.reason ? [`Lý do: ${i.notice.details.reason}`] : []),
      i.notice.details.returnNow
        ? 'Kết quả giải quyết hồ sơ được trả cho Ông/Bà ngay khi lập thư này.'
        : `Thời gian hẹn trả kết quả mới: ${newDue(i)}.`,
    ],
    sms: (i) => [
      {
        text: i.notice.details.returnNow
          ? `${i.sender} xin lỗi: hồ sơ ${i.code} chậm hạn, kết quả được trả ngay. Tra cứu: ${i.lookupUrl}`
          : `${i.sender} xin lỗi: hồ sơ ${i.code} chậm hạn, hẹn lại ${newDue(i)}. Tra cứu: ${i.lookupUrl}`,
      },
    ],
  },
  result_ready: {
    subject: (i) => `Hồ sơ ${i.code} đã có kết quả`,
    paragraphs: (i) => [
      i.facts.outcome === 'refused'
        ? `Hồ sơ ${i.code} (${i.procedureName}) đã có văn bản trả lời không giải quyết.${i.notice.details.reason ? ` Lý do: ${i.notice.details.reason}` : ''}`
        : `Hồ sơ ${i.code} (${i.procedureName}) đã có kết quả giải quyết.`,
      'Mời Ông/Bà đến Bộ phận Một cửa nhận kết quả, mang theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả.',
    ],
    sms: (i) => [
      {
        text:
          i.facts.outcome === 'refused'
            ? `${i.sender}: Hồ sơ ${i.code} đã có văn bản trả lời, mời Ông/Bà đến nhận. Tra cứu: ${i.lookupUrl}`
            : `${i.sender}: Hồ sơ ${i.code} đã có kết quả, mời Ông/Bà đến nhận. Tra cứu: ${i.lookupUrl}`,
      },
    ],
  },
  result_returned: {
    subject: (i) => `Đã trả kết quả hồ sơ ${i.code}`,
    paragraphs: (i) => [
      `Kết quả hồ sơ ${i.code} (${i.procedureName}) đã được trả${i.facts.returnedAt ? ` lúc ${vnDateTime(i.facts.returnedAt)}` : ''}.`,
      'Cảm ơn Ông/Bà đã sử dụng dịch vụ.',
    ],
    sms: (i) => [
      {
        text: `${i.sender}: Đã trả kết quả hồ sơ ${i.code}${i.facts.returnedAt ? ` ngày ${vnDate(i.facts.returnedAt)}` : ''}. Cảm ơn Ông/Bà.`,
      },
    ],
  },
  survey: {
    subject: (i) => `Mời đánh giá mức độ hài lòng: hồ sơ ${i.code}`,
    paragraphs: (i) => [
      `Mời Ông/Bà đánh giá mức độ hài lòng về việc giải quyết hồ sơ ${i.code} (${i.procedureName}) tại: ${i.surveyUrl ?? ''}`,
    ],
    sms: (i) => [{ text: `${i.sender}: Mời Ông/Bà đánh giá mức độ hài lòng về hồ sơ ${i.code}: ${i.surveyUrl ?? ''}` }],
  },
};

function reasonLabel(i: NoticeInput): string {
  const r = i.notice.details.pauseReason;
  return PAUSE_REASON_LABELS[r ?? 'other'];
}

function newDue(i: NoticeInput): string {
  const at = i.notice.details.newDueAt ?? i.facts.dueAt;
  return at ? vnDateTime(at) : 'chưa xác định';
}

/** Zalo ZNS parameters: the same values under stable names, clipped to Zalo's parameter limits. */
function znsParams(i: NoticeInput): Record<string, string> {
  const d = i.notice.details;
  const p: Record<string, string> = {
    ma_ho_so: clip(i.code, 30),
    ten_thu_tuc: clip(i.procedureName, 200),
    ten_nguoi_nop: clip(i.applicantName, 30),
    co_quan: clip(i.sender, 200),
    tra_cuu: i.lookupUrl,
  };
  if (i.notice.kind === 'receipt') p.ngay_hen = due(i);
  if (i.notice.kind === 'apology') p.ngay_hen = i.notice.details.returnNow ? 'trả ngay' : newDue(i);
  if (i.notice.kind === 'supplement_request') p.giay_to = clip((d.missing ?? []).join('; '), 200);
  if (i.notice.kind === 'pause_notice') p.ly_do = clip(reasonLabel(i), 200);
  if ((i.notice.kind === 'apology' || i.notice.kind === 'stop_notice') && d.reason) p.ly_do = clip(d.reason, 200);
  if (i.notice.kind === 'survey' && i.surveyUrl) p.khao_sat = i.surveyUrl;
  return p;
}

/**
 * Renders one message. Null for a survey without a survey link (nothing to invite to). The SMS is fitted by
 * the rule of `fitSms` (machines/notify/sms.ts): only the list of documents to bring may be shortened.
 */
export function renderNotice(i: NoticeInput, sms: SmsOptions): RenderedNotice | null {
  if (i.notice.kind === 'survey' && !i.surveyUrl) return null;
  const t = TEMPLATES[i.notice.kind];
  const body = [
    `Kính gửi Ông/Bà ${i.applicantName},`,
    '',
    ...t.paragraphs(i),
    '',
    `Tra cứu tình trạng hồ sơ: ${i.lookupUrl}`,
    '',
    i.sender,
    '(Thư gửi tự động, vui lòng không trả lời thư này.)',
  ].join('\n');
  return {
    kind: i.notice.kind,
    templateVersion: TEMPLATE_VERSION,
    subject: `[${i.sender}] ${t.subject(i)}`,
    body,
    sms: fitSms(t.sms(i), sms),
    zns: znsParams(i),
  };
}
