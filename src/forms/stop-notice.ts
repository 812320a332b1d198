/**
 * Form 05 of Circular 03/2025/TT-VPCP: Thông báo dừng giải quyết hồ sơ (stop notice), issued by the counter
 * when the applicant asks to stop while no result exists (Decree 118/2025 Art. 21(1), Circular 03/2025 Art. 7).
 * The circular's exact fields were not seen (regulations §6.2): it prints the dossier code, the applicant, the
 * procedure, when the dossier was received, when and how the applicant asked to stop and why, and that the
 * dossier is no longer being processed. From the dossier's REQUEST_WITHDRAWAL and WITHDRAW events.
 */
import type { FormData } from './form-data';
import { dateline } from './format';
import { header, html, orBlank, page, signatures, signedBy } from './layout';
import { COUNTER_UNIT, issuerOf, type FormEnv, type FormRenderer } from './renderer';
import { FORM_TITLES, midSentence, WITHDRAWAL_CHANNEL_LABELS } from '../../machines/vocabulary';

const TITLE = FORM_TITLES['stop-notice'];
/** the request's `via` as recorded (a string in old histories too) */
const VIA: Record<string, string> = WITHDRAWAL_CHANNEL_LABELS;

function render(d: FormData, env: FormEnv): string {
  const w = d.withdrawal!;
  const issuer = issuerOf(env, COUNTER_UNIT);
  const asked = w.requested ?? { ...w.stopped, via: 'counter' };
  const body = html`${header({
    kind: 'stop-notice',
    regulation: d.regulation,
    issuer,
    dateline: dateline(w.stopped.at),
    symbol: `TBD-${COUNTER_UNIT}`,
    title: TITLE,
  })}
<p class="center">Kính gửi: Ông/Bà <b>${d.applicant.fullName}</b></p>
<p>Số định danh cá nhân/Mã số định danh của tổ chức: ${d.applicant.idNumber}</p>
<p>Địa chỉ: ${d.applicant.address}</p>
<p>Số điện thoại: ${d.applicant.phone}&emsp;Thư điện tử: ${orBlank(d.applicant.email)}</p>
<p>Mã hồ sơ: <b>${d.code}</b></p>
<p>Nội dung yêu cầu giải quyết: <b>${d.procedure.name}</b> (mã thủ tục ${d.procedure.code})</p>
<p>Thời gian ${d.received ? 'tiếp nhận' : 'nộp'} hồ sơ: ${(d.received ?? d.submitted).text}</p>
<p>Ngày ${asked.text}, Ông/Bà đã đề nghị ${midSentence(VIA[asked.via] ?? WITHDRAWAL_CHANNEL_LABELS.counter)} dừng giải quyết hồ sơ nêu trên. Lý do: ${asked.reason}</p>
<p>Căn cứ Điều 21 Nghị định số 118/2025/NĐ-CP, do hồ sơ chưa có quyết định giải quyết hoặc văn bản thông báo kết quả giải quyết thủ tục hành chính, ${issuer.name} thông báo <b>dừng giải quyết hồ sơ</b> kể từ ${w.stopped.text}.</p>
<p>Thời hạn giải quyết hồ sơ không còn được tính từ thời điểm trên. Ông/Bà có thể nhận lại hồ sơ giấy (nếu có) tại Bộ phận Một cửa và nộp hồ sơ mới khi có nhu cầu.</p>
<p>Xin thông báo để Ông/Bà được biết./.</p>
${signatures([
  { title: 'NGƯỜI NỘP HỒ SƠ', name: d.applicant.fullName },
  { title: 'CÁN BỘ BỘ PHẬN MỘT CỬA', hint: '(Ký, ghi rõ họ tên)', ...signedBy(w.stopped.by) },
])}`;
  return page({ title: `${TITLE} - ${d.code}`, body });
}

export const stopNotice: FormRenderer = {
  unavailable: (d) =>
    d.withdrawal && !d.result
      ? null
      : 'Hồ sơ chưa bị dừng giải quyết theo đề nghị của người nộp nên chưa có Thông báo dừng giải quyết hồ sơ',
  render,
};
