/**
 * Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả (receipt and appointment slip), printed when the
 * counter receives a complete dossier. Fields follow MOH 3621/QĐ-BYT BM.01 (regulations §6.2). It
 * carries a QR code of the public lookup link, which holds the dossier code and nothing else.
 */
import type { LookupFactor } from '../../machines/engine/commands';
import { CHANNEL_LABELS, FORM_TITLES, LOOKUP_FACTOR_LABELS } from '../../machines/vocabulary';
import { when, type FormData } from './form-data';
import { dateline, workingAmount } from './format';
import { header, html, orBlank, page, signatures, signedBy } from './layout';
import { lookupUrl, qrSvg } from './qr';
import { issuerOf, type FormEnv, type FormRenderer } from './renderer';

const TITLE = FORM_TITLES.receipt;

const CHANGE: Record<string, string> = {
  restart: 'tính lại từ ngày nhận đủ hồ sơ bổ sung',
  resume: 'lùi lại do thời gian tạm dừng',
  reappoint: 'theo Phiếu xin lỗi và hẹn lại ngày trả kết quả',
};

/** The number the lookup asks for, as the receipt names it; before the choice was recorded either opened it. */
function lookupFactorText(factor: LookupFactor | null): string {
  return factor ? LOOKUP_FACTOR_LABELS[factor] : `${LOOKUP_FACTOR_LABELS.phone} hoặc ${LOOKUP_FACTOR_LABELS.idNumber}`;
}

function render(d: FormData, env: FormEnv): string {
  const received = d.received!;
  // A reprint keeps the appointment given at receipt; a later one (supplement restart, pause, apology) stands beside it.
  const startDue = d.clock.find((e) => e.kind === 'start')?.dueAt ?? null;
  const atReceipt = startDue ? when(startDue) : d.due;
  const later = d.appointment && atReceipt && d.appointment.at !== atReceipt.at ? d.appointment : null;
  const lastChange = d.clock.findLast((e) => e.kind === 'restart' || e.kind === 'resume' || e.kind === 'reappoint');
  const laterWhy = later && lastChange ? CHANGE[lastChange.kind] : null;
  const issuer = issuerOf(env, received.unit);
  const link = lookupUrl(env.baseUrl, d.code);
  const documents = d.documents.map(
    (doc, i) => html`<tr><td class="num">${i + 1}</td><td>${doc.name}</td><td class="num">${String(doc.copies).padStart(2, '0')}</td></tr>`,
  );
  const body = html`${header({
    kind: 'receipt',
    regulation: d.regulation,
    issuer,
    dateline: dateline(received.at),
    title: TITLE,
    subtitle: html`<p class="subtitle"><b>Mã hồ sơ: ${d.code}</b></p>`,
  })}
<div class="qr">${qrSvg(link)}Quét mã để tra cứu tình trạng hồ sơ<br>${link}</div>
<p>${issuer.name} tiếp nhận hồ sơ của:</p>
<p>Ông/Bà: <b>${d.applicant.fullName}</b></p>
<p>Số định danh cá nhân/Mã số định danh của tổ chức: ${d.applicant.idNumber}</p>
<p>Địa chỉ: ${d.applicant.address}</p>
<p>Số điện thoại: ${d.applicant.phone}&emsp;Thư điện tử: ${orBlank(d.applicant.email)}</p>
<p>Nội dung yêu cầu giải quyết: <b>${d.procedure.name}</b> (mã thủ tục ${d.procedure.code})</p>
<p>Hình thức nộp hồ sơ: ${CHANNEL_LABELS[d.channel]}</p>
${d.note ? html`<p>Ghi chú: ${d.note}</p>` : ''}
<p>1. Thành phần hồ sơ và số lượng mỗi loại giấy tờ gồm:</p>
<table class="grid"><thead><tr><th>STT</th><th>Tên giấy tờ</th><th>Số lượng</th></tr></thead><tbody>${documents}</tbody></table>
<p>2. Số lượng hồ sơ: 01 bộ.</p>
<p>3. Thời gian giải quyết hồ sơ theo quy định là: ${workingAmount(d.procedure.terms.processingTime)}.</p>
<p>4. Thời gian nhận hồ sơ: <b>${received.text}</b>.</p>${
    d.resubmitted
      ? html`<p>&emsp;Nhận đủ hồ sơ bổ sung lúc <b>${d.resubmitted.text}</b>; thời gian giải quyết được tính lại từ đầu.</p>`
      : ''
  }
<p>5. Thời gian trả kết quả giải quyết hồ sơ: <b>${atReceipt?.text ?? ''}</b>.${
    later ? html` <i>(Hẹn trả kết quả hiện nay: <b>${later.text}</b>${laterWhy ? html`, ${laterWhy}` : ''}.)</i>` : ''
  }</p>
<p>6. Đăng ký nhận kết quả tại: ${d.channel === 'online' ? 'Cổng Dịch vụ công quốc gia và ' : ''}${issuer.name}.</p>
<p>Vào Sổ theo dõi hồ sơ, Quyển số: ${orBlank(null)} Số thứ tự: ${orBlank(null)}</p>
${signatures([
  { title: 'NGƯỜI NỘP HỒ SƠ', name: d.applicant.fullName },
  { title: 'NGƯỜI TIẾP NHẬN HỒ SƠ', ...signedBy(received.by) },
])}
<p class="notes"><i>Tra cứu tình trạng hồ sơ tại ${link} bằng mã hồ sơ và <b>4 số cuối của ${lookupFactorText(d.applicant.lookupFactor)}</b>. Khi nhận kết quả, Ông/Bà mang theo Giấy tiếp nhận này.</i></p>`;
  return page({ title: `${TITLE} - ${d.code}`, body });
}

export const receipt: FormRenderer = {
  unavailable: (d) => (d.received ? null : 'Hồ sơ chưa được tiếp nhận nên chưa có Giấy tiếp nhận hồ sơ và hẹn trả kết quả'),
  render,
};
