/**
 * Thông báo tạm dừng giải quyết hồ sơ (pause notice): tells the applicant why the processing time stopped, from
 * when, and what they must do for it to run again. No national form number exists for it (the centres issue it
 * as an ordinary notice; regulations §3.6). For a financial obligation (land procedures), the notice is followed
 * by the "Phiếu chuyển thông tin để xác định nghĩa vụ tài chính về đất đai" the handling office sends to the tax
 * office (Đồng Tháp 138/2025 Art. 5(3): its date is the first appointment; docs/domain.md cites the form). From the
 * dossier's latest PAUSE event.
 */
import type { FormData, PauseNotice } from './form-data';
import { dateline, unitName } from './format';
import { header, html, page, signatures, signedBy, type SafeHtml } from './layout';
import { issuerOf, type FormEnv, type FormRenderer } from './renderer';
import { FORM_TITLES } from '../../machines/vocabulary';

const TITLE = FORM_TITLES['pause-notice'];

const REASON: Record<string, string> = {
  financial_obligation: 'chờ Ông/Bà thực hiện nghĩa vụ tài chính (tiền sử dụng đất, thuế, phí, lệ phí) theo thông báo của cơ quan thuế',
  verification: 'cần xác minh, lấy ý kiến của cơ quan, đơn vị khác',
  applicant_request: 'theo đề nghị của Ông/Bà',
  other: 'lý do khác nêu dưới đây',
};

const TODO: Record<string, string> = {
  financial_obligation:
    'Ông/Bà nhận Thông báo nộp tiền của cơ quan thuế, nộp đủ các khoản nghĩa vụ tài chính theo thời hạn ghi trên thông báo và nộp (hoặc xuất trình) chứng từ đã nộp tiền tại Bộ phận Một cửa. Thời hạn giải quyết được tính tiếp từ ngày cơ quan giải quyết nhận được thông tin Ông/Bà đã hoàn thành nghĩa vụ tài chính.',
  verification:
    'Ông/Bà không phải thực hiện thêm thủ tục; khi có kết quả xác minh, hồ sơ được tiếp tục giải quyết và Ông/Bà sẽ được thông báo.',
  applicant_request:
    'Khi muốn tiếp tục, Ông/Bà liên hệ Bộ phận Một cửa; thời hạn giải quyết được tính tiếp từ ngày hồ sơ được tiếp tục giải quyết.',
  other: 'Ông/Bà thực hiện theo hướng dẫn dưới đây và liên hệ Bộ phận Một cửa khi hoàn thành.',
};

function taxOfficeSlip(d: FormData, p: PauseNotice, env: FormEnv, from: string): SafeHtml {
  return html`<div class="page-break"></div>
${header({ kind: 'pause-notice', regulation: d.regulation, issuer: issuerOf(env, p.unit), dateline: dateline(p.at.at), symbol: 'PCTT', title: 'Phiếu chuyển thông tin để xác định nghĩa vụ tài chính về đất đai' })}
<p class="center">Kính gửi: Cơ quan thuế ………………………………</p>
<p><b>I. Thông tin về hồ sơ thủ tục</b></p>
<p>1. Mã hồ sơ thủ tục hành chính: <b>${d.code}</b></p>
<p>2. Ngày nhận đủ hồ sơ hợp lệ: ${from}</p>
<p>3. Thủ tục cần xác định nghĩa vụ tài chính: ${d.procedure.name} (mã thủ tục ${d.procedure.code})</p>
<p><b>II. Thông tin về người sử dụng đất</b></p>
<p>1. Tên: <b>${d.applicant.fullName}</b></p>
<p>2. Địa chỉ: ${d.applicant.address}</p>
<p>3. Mã số thuế/Số định danh cá nhân: ${d.applicant.idNumber}&emsp;Số điện thoại: ${d.applicant.phone}</p>
<p><b>III. Thông tin về thửa đất, tài sản gắn liền với đất</b>: theo hồ sơ địa chính gửi kèm.</p>
${signatures([{ title: 'THỦ TRƯỞNG ĐƠN VỊ CHUYỂN THÔNG TIN', hint: '(Ký, ghi rõ họ tên và đóng dấu)', ...signedBy(null) }])}`;
}

function render(d: FormData, env: FormEnv): string {
  const p = d.pauses.at(-1)!;
  const issuer = issuerOf(env, p.unit);
  const from = (d.resubmitted ?? d.received ?? d.submitted).text;
  const body = html`${header({
    kind: 'pause-notice',
    regulation: d.regulation,
    issuer,
    dateline: dateline(p.at.at),
    symbol: `TBTD-${p.unit ?? ''}`,
    title: TITLE,
  })}
<p class="center">Kính gửi: Ông/Bà <b>${d.applicant.fullName}</b></p>
<p>Mã hồ sơ: <b>${d.code}</b>&emsp;Thủ tục: <b>${d.procedure.name}</b> (mã thủ tục ${d.procedure.code})</p>
<p>Thời gian tiếp nhận hồ sơ: ${from}</p>
<p>${unitName(p.unit)} thông báo <b>tạm dừng giải quyết hồ sơ</b> của Ông/Bà kể từ <b>${p.at.text}</b>.</p>
<p>Lý do: ${REASON[p.reason] ?? REASON.other}${p.note ? html`. ${p.note}` : ''}.</p>
<p>Thời gian tạm dừng không tính vào thời hạn giải quyết hồ sơ; ngày hẹn trả kết quả được lùi lại tương ứng (không quá thời gian thực tế tạm dừng).</p>
<p><b>Ông/Bà cần thực hiện:</b> ${TODO[p.reason] ?? TODO.other}</p>
${p.resumedAt ? html`<p>Hồ sơ đã được tiếp tục giải quyết từ ${p.resumedAt.text}; ngày hẹn trả kết quả hiện nay: <b>${d.appointment?.text ?? ''}</b>.</p>` : ''}
<p>Xin thông báo để Ông/Bà được biết và thực hiện./.</p>
${signatures([{ title: 'CÁN BỘ XỬ LÝ HỒ SƠ', hint: '(Ký, ghi rõ họ tên)', ...signedBy(p.by) }])}
${p.reason === 'financial_obligation' ? taxOfficeSlip(d, p, env, from) : ''}`;
  return page({ title: `${TITLE} - ${d.code}`, body });
}

export const pauseNotice: FormRenderer = {
  unavailable: (d) => (d.pauses.length > 0 ? null : 'Hồ sơ chưa từng tạm dừng nên chưa có Thông báo tạm dừng giải quyết hồ sơ'),
  render,
};
