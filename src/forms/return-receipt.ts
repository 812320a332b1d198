/**
 * Biên nhận trả kết quả (receipt of the return): what the counter hands the applicant with the result,
 * from the dossier's RETURN_RESULT: the code, the procedure, the result document, when and how it was
 * handed over and by whom, whether it came on time (and the apology if late), with signatures of the
 * one who received it and the officer who handed it over. The circulars give it no number (the book of
 * Mẫu 07 records the same hand-over), so it prints without one.
 */
import type { FormData } from './form-data';
import { dateline } from './format';
import { BLANK, header, html, page, signatures, signedBy } from './layout';
import { COUNTER_UNIT, issuerOf, type FormEnv, type FormRenderer } from './renderer';
import { FORM_TITLES, midSentence, RETURN_METHOD_LABELS } from '../../machines/vocabulary';

const TITLE = FORM_TITLES['return-receipt'];

function render(d: FormData, env: FormEnv): string {
  const r = d.returned!;
  const result = d.result;
  const issuer = issuerOf(env, COUNTER_UNIT);
  const apology = d.apologies.at(-1);
  const timeliness =
    d.finalTimeliness === 'late'
      ? html`trễ hạn so với thời hạn giải quyết (hẹn ${d.due?.text ?? BLANK})${apology ? html`; đã có Phiếu xin lỗi và hẹn lại ngày trả kết quả (lập lúc ${apology.at.text})` : ''}`
      : html`đúng hạn (hẹn ${d.appointment?.text ?? d.due?.text ?? BLANK})`;
  const body = html`${header({
    kind: 'return-receipt',
    regulation: d.regulation,
    issuer,
    dateline: dateline(r.at.at),
    symbol: `BNTKQ-${COUNTER_UNIT}`,
    title: TITLE,
    subtitle: html`<p class="subtitle"><b>Mã hồ sơ: ${d.code}</b></p>`,
  })}
<p>Người nộp hồ sơ: <b>${d.applicant.fullName}</b></p>
<p>Số định danh cá nhân/Mã số định danh của tổ chức: ${d.applicant.idNumber}</p>
<p>Thủ tục: <b>${d.procedure.name}</b> (mã thủ tục ${d.procedure.code})</p>
<p>Tiếp nhận hồ sơ lúc: ${d.received?.text ?? d.submitted.text}</p>
<p>Kết quả giải quyết: ${
    result?.outcome === 'refused' ? 'Văn bản từ chối giải quyết' : (d.procedure.resultDocument ?? 'Văn bản kết quả')
  }${result?.documentNumber ? html`, số <b>${result.documentNumber}</b>` : ''}${result?.documentDate ? html` ngày ${result.documentDate.split('-').reverse().join('/')}` : ''}.</p>
<p>Kết quả được trả lúc <b>${r.at.text}</b>, ${midSentence(RETURN_METHOD_LABELS[r.method] ?? r.method)}; ${timeliness}.</p>
${signatures([
  { title: 'NGƯỜI NHẬN KẾT QUẢ', name: d.applicant.fullName },
  { title: 'NGƯỜI TRẢ KẾT QUẢ', ...signedBy(r.by) },
])}`;
  return page({ title: `${TITLE} - ${d.code}`, body });
}

export const returnReceipt: FormRenderer = {
  unavailable: (d) => (d.returned ? null : 'Hồ sơ chưa trả kết quả'),
  render,
};
