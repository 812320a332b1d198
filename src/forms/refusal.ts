/**
 * Form 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ (refusal), from the dossier's REFUSE event:
 * either the counter's refusal at intake (the dossier was never received), or the handling office's
 * refusal result with its reason. Fields follow MOH 3621/QĐ-BYT BM.03 (regulations §6.2).
 */
import type { FormData } from './form-data';
import { dateline } from './format';
import { header, html, orBlank, page, signatures, signedBy, type Signature } from './layout';
import { COUNTER_UNIT, issuerOf, type FormEnv, type FormRenderer } from './renderer';
import { FORM_TITLES } from '../../machines/vocabulary';

const TITLE = FORM_TITLES.refusal;

function render(d: FormData, env: FormEnv): string {
  const r = d.refusal!;
  const issuer = issuerOf(env, r.atIntake ? (r.unit ?? COUNTER_UNIT) : r.unit);
  const verb = r.atIntake ? 'không tiếp nhận hồ sơ này' : 'không giải quyết hồ sơ này';
  const signers: Signature[] = r.atIntake
    ? [
        { title: 'NGƯỜI NỘP HỒ SƠ', name: d.applicant.fullName },
        { title: 'NGƯỜI TIẾP NHẬN HỒ SƠ', ...signedBy(r.by) },
      ]
    : [{ title: 'THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ', hint: '(Ký, ghi rõ họ tên và đóng dấu)', ...signedBy(r.signer ?? r.by) }];
  const body = html`${header({
    kind: 'refusal',
    regulation: d.regulation,
    issuer,
    dateline: dateline(r.at.at),
    symbol: `PTC-${r.atIntake ? COUNTER_UNIT : (r.unit ?? COUNTER_UNIT)}`,
    title: TITLE,
  })}
<p>${issuer.name} ${r.atIntake ? 'đã nhận' : 'đã tiếp nhận giải quyết'} hồ sơ của:</p>
<p>Ông/Bà: <b>${d.applicant.fullName}</b></p>
<p>Số định danh cá nhân/Mã số định danh của tổ chức: ${d.applicant.idNumber}</p>
<p>Địa chỉ: ${d.applicant.address}</p>
<p>Số điện thoại: ${d.applicant.phone}&emsp;Thư điện tử: ${orBlank(d.applicant.email)}</p>
<p>Mã hồ sơ: <b>${d.code}</b></p>
<p>Nội dung yêu cầu giải quyết: <b>${d.procedure.name}</b> (mã thủ tục ${d.procedure.code})</p>
<p>Thời gian ${r.atIntake ? 'nộp' : 'tiếp nhận'} hồ sơ: ${(r.atIntake ? d.submitted : (d.received ?? d.submitted)).text}</p>
<p>Qua xem xét, ${issuer.name} thông báo ${verb} với lý do cụ thể như sau:</p>
<p><b>${r.reason}</b></p>
<p>Xin thông báo để Ông/Bà được biết và thực hiện./.</p>
${signatures(signers)}`;
  return page({ title: `${TITLE} - ${d.code}`, body });
}

export const refusal: FormRenderer = {
  unavailable: (d) => (d.refusal ? null : 'Hồ sơ không bị từ chối tiếp nhận hoặc từ chối giải quyết'),
  render,
};
