/**
 * Form 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (supplement request), from the dossier's latest
 * REQUEST_SUPPLEMENT event: every missing item as a numbered list, at once, with the reason. At intake
 * (before receipt, chart version 3) it is the counter's guidance: the dossier is not received, it has its
 * submission reference and no due date; after receipt the processing time restarts from zero.
 * Fields follow MOH 3621/QĐ-BYT BM.02 (regulations §6.2).
 */
import type { FormData } from './form-data';
import { dateline, unitName } from './format';
import { BLANK, header, html, orBlank, page, signatures, signedBy } from './layout';
import { COUNTER_UNIT, issuerOf, type FormEnv, type FormRenderer } from './renderer';
import { FORM_TITLES } from '../../machines/vocabulary';

const TITLE = FORM_TITLES.supplement;

function render(d: FormData, env: FormEnv): string {
  const req = d.supplements.at(-1)!;
  const issuer = issuerOf(env, COUNTER_UNIT);
  const items = req.missing.map((m) => html`<li>${m}</li>`);
  const body = html`${header({
    kind: 'supplement',
    regulation: d.regulation,
    issuer,
    dateline: dateline(req.at.at),
    symbol: `PBS-${COUNTER_UNIT}`,
    title: TITLE,
    subtitle: req.atIntake
      ? html`<p class="subtitle"><b>Số đăng ký hồ sơ: ${d.code}</b></p>`
      : html`<p class="subtitle"><b>Mã hồ sơ: ${d.code}</b></p>`,
  })}
<p>Hồ sơ của: <b>${d.applicant.fullName}</b></p>
<p>Số định danh cá nhân/Mã số định danh của tổ chức: ${d.applicant.idNumber}</p>
<p>Nội dung yêu cầu giải quyết: <b>${d.procedure.name}</b> (mã thủ tục ${d.procedure.code})</p>
<p>Địa chỉ: ${d.applicant.address}</p>
<p>Số điện thoại: ${d.applicant.phone}&emsp;Thư điện tử: ${orBlank(d.applicant.email)}</p>
<p>Thời gian ${req.atIntake ? 'nộp' : 'tiếp nhận'} hồ sơ: ${req.atIntake ? d.submitted.text : (d.received?.text ?? d.submitted.text)}</p>
<p>Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:</p>
<ol>${items}</ol>
<p>Lý do: ${req.reason}</p>
${
  req.atIntake
    ? html`<p>Hồ sơ chưa được tiếp nhận. Sau khi hoàn thiện đầy đủ các nội dung trên, Ông/Bà nộp lại hồ sơ để được tiếp nhận và hẹn trả kết quả.</p>`
    : html`<p>Thời gian giải quyết hồ sơ được tính lại từ đầu kể từ khi nhận đủ hồ sơ theo yêu cầu trên.</p>`
}
<p>Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ với ${req.by.fullName}${req.by.title ? `, ${req.by.title}` : ''}${
    req.unit ? html` (${unitName(req.unit)})` : ''
  }, số điện thoại ${BLANK} để được hướng dẫn.</p>
${signatures([{ title: 'NGƯỜI HƯỚNG DẪN', ...signedBy(req.by) }])}`;
  return page({ title: `${TITLE} - ${d.code}`, body });
}

export const supplement: FormRenderer = {
  unavailable: (d) => (d.supplements.length > 0 ? null : 'Hồ sơ chưa có yêu cầu bổ sung, hoàn thiện hồ sơ'),
  render,
};
