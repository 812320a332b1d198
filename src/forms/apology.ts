/**
 * Form 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả (apology and new appointment), from the
 * dossier's ISSUE_APOLOGY: the reason, the original appointment, the new date, the responsible unit,
 * signed by its head (Thủ trưởng). Fields follow MOH 3621/QĐ-BYT BM.04 (regulations §5.2, §6.2).
 * When the late result is ready and handed over as the apology is made (no new appointment), the
 * form says the result is returned that same day instead of naming a new date.
 */
import type { FormData } from './form-data';
import { dateOf, dateline, unitName } from './format';
import { header, html, page, signatures, signedBy } from './layout';
import { COUNTER_UNIT, issuerOf, type FormEnv, type FormRenderer } from './renderer';
import { FORM_TITLES } from '../../machines/vocabulary';

const TITLE = FORM_TITLES.apology;

function render(d: FormData, env: FormEnv): string {
  const a = d.apologies.at(-1)!;
  const issuer = issuerOf(env, a.responsibleUnit || null);
  const step = d.procedure.terms.steps.find((s) => s.id === a.responsibleStep);
  const received = d.received ?? d.submitted;
  const body = html`${header({
    kind: 'apology',
    regulation: d.regulation,
    issuer,
    dateline: dateline(a.at.at),
    symbol: 'PXL',
    title: TITLE,
  })}
<p class="center">Kính gửi: Ông/Bà <b>${d.applicant.fullName}</b></p>
<p>Ngày ${dateOf(received.at)}, ${unitName(d.received?.unit ?? COUNTER_UNIT)} tiếp nhận hồ sơ đề nghị giải quyết thủ tục <b>${d.procedure.name}</b> (mã thủ tục ${d.procedure.code}) của Ông/Bà.</p>
<p>Số định danh cá nhân/Mã số định danh của tổ chức: ${d.applicant.idNumber}</p>
<p>Mã hồ sơ: <b>${d.code}</b></p>
<p>Thời gian hẹn trả kết quả giải quyết hồ sơ: <b>${a.previousDue.text}</b>.</p>
${
  a.newDue
    ? html`<p>Tuy nhiên, đến nay ${issuer.name} chưa trả được kết quả giải quyết hồ sơ cho Ông/Bà đúng thời hạn ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.</p>`
    : html`<p>Tuy nhiên, ${issuer.name} đã không trả được kết quả giải quyết hồ sơ cho Ông/Bà đúng thời hạn ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.</p>`
}
<p>Lý do: ${a.reason}</p>
<p>Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của Ông/Bà. ${
    a.newDue
      ? html`${issuer.name} xin lỗi Ông/Bà và hẹn lại thời gian trả kết quả vào lúc <b>${a.newDue.text}</b>.`
      : html`${issuer.name} xin lỗi Ông/Bà. Kết quả giải quyết hồ sơ đã có và được trả cho Ông/Bà <b>ngay trong ngày ${dateOf(a.at.at)}</b>, không hẹn lại ngày trả kết quả.`
  }</p>
<p>Đơn vị chịu trách nhiệm: ${issuer.name}${step ? html`, bước “${step.name}”` : ''}${
    a.responsibleOfficer
      ? html`, cán bộ ${a.responsibleOfficer.fullName}${a.responsibleOfficer.title ? ` (${a.responsibleOfficer.title})` : ''}`
      : ''
  }.</p>
<p>Rất mong nhận được sự thông cảm của Ông/Bà./.</p>
${signatures([{ title: 'THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ', hint: '(Ký, ghi rõ họ tên và đóng dấu)', ...signedBy(a.signer) }])}`;
  return page({ title: `${TITLE} - ${d.code}`, body });
}

export const apology: FormRenderer = {
  unavailable: (d) => (d.apologies.length > 0 ? null : 'Hồ sơ chưa có Phiếu xin lỗi và hẹn lại ngày trả kết quả'),
  render,
};
