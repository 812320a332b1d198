/**
 * Form 05 (Circular 01/2018) / 06 (Circular 03/2025): Phiếu kiểm soát quá trình giải quyết hồ sơ
 * (control slip), A4 landscape. One row per hand-over with giver and receiver, time, the step's
 * budget, the working time used, the overrun and its class; it names the steps whose overrun made
 * the dossier late. Fields follow MOH 3621/QĐ-BYT BM.05 (regulations §5.3, §6.2).
 */
import { controlRows, type Party, type SlipRow } from './control-rows';
import type { FormData } from './form-data';
import { pauseSummary } from '../../machines/engine/pauses';
import { dateOf, dateline, duration, unitName, workingAmount } from './format';
import { header, html, page, raw, type SafeHtml } from './layout';
import { issuerOf, type FormEnv, type FormRenderer } from './renderer';
import { CONTROL_SLIP_TIMELINESS_LABELS, FORM_TITLES } from '../../machines/vocabulary';

const TITLE = FORM_TITLES['control-slip'];

function party(p: Party): SafeHtml {
  return html`${p.unit}${p.person ? html` (${p.person})` : ''}`;
}

function row(r: SlipRow, i: number): SafeHtml {
  const late = r.timeliness === 'late';
  return html`<tr${late ? raw(' class="late"') : ''}>
<td class="num">${i + 1}</td><td>${r.label}</td>
<td>1. Giao: ${party(r.from)}<br>2. Nhận: ${r.to ? party(r.to) : '—'}</td>
<td class="num">${r.at.text}</td>
<td class="num">${r.budget ? workingAmount(r.budget) : ''}</td>
<td class="num">${r.usedMs === null ? '' : duration(r.usedMs)}</td>
<td class="num">${r.overrunMs ? duration(r.overrunMs) : r.usedMs === null ? '' : '—'}</td>
<td class="num">${r.timeliness ? CONTROL_SLIP_TIMELINESS_LABELS[r.timeliness] : ''}</td>
<td>${r.note ?? ''}</td></tr>`;
}

function render(d: FormData, env: FormEnv): string {
  const received = d.received!;
  const rows = controlRows(d, env.calendar);
  const handlers = [...new Set(d.procedure.terms.steps.map((s) => s.unit).filter((u) => u !== received.unit))].map(unitName);
  const overruns = rows.filter((r) => r.timeliness === 'late');
  const apology = d.apologies.at(-1);
  const pauses = pauseSummary(d.clock, env.calendar);
  const body = html`${header({
    kind: 'control-slip',
    regulation: d.regulation,
    issuer: issuerOf(env, received.unit),
    dateline: dateline(received.at),
    symbol: `PKS-${received.unit ?? ''}`,
    title: TITLE,
    subtitle: html`<p class="subtitle"><b>Mã hồ sơ: ${d.code}</b></p>`,
  })}
<p>Thủ tục: <b>${d.procedure.name}</b> (mã thủ tục ${d.procedure.code}); thời hạn giải quyết: ${workingAmount(d.procedure.terms.processingTime)}.</p>
<p>Người nộp hồ sơ: <b>${d.applicant.fullName}</b></p>
<p>Cơ quan, đơn vị giải quyết hồ sơ: ${handlers.join('; ')}&emsp;Cơ quan phối hợp giải quyết hồ sơ: —</p>
<p>Thời gian nhận hồ sơ: <b>${received.text}</b>&emsp;Thời gian hẹn trả kết quả: <b>${d.due?.text ?? ''}</b>${
    apology
      ? apology.newDue
        ? html`&emsp;Hẹn lại (Phiếu xin lỗi): <b>${apology.newDue.text}</b>`
        : html`&emsp;Phiếu xin lỗi: <b>trả kết quả ngay ${dateOf(apology.at.at)}</b>`
      : ''
  }</p>${
    d.result
      ? html`<p>Có kết quả giải quyết: <b>${d.result.recorded.text}</b>${
          d.finalTimeliness ? html` — <b>${CONTROL_SLIP_TIMELINESS_LABELS[d.finalTimeliness]}</b>` : ''
        }</p>`
      : ''
  }
${
  pauses.count
    ? html`<p>Tạm dừng: <b>${pauses.count} lần</b>, tổng thời gian tạm dừng <b>${duration(pauses.totalWorkingMs)}</b>; hạn giải quyết được lùi <b>${pauses.totalExtensionMs ? duration(pauses.totalExtensionMs) : 'không'}</b>.</p>`
    : ''
}<table class="grid"><thead><tr>
<th>STT</th><th>Bước xử lý</th><th>Tên cơ quan, bộ phận, người giao và nhận hồ sơ</th><th>Thời gian giao, nhận hồ sơ</th>
<th>Thời hạn của bước</th><th>Thời gian thực hiện</th><th>Vượt thời hạn</th><th>Kết quả giải quyết hồ sơ (trước hạn / đúng hạn / quá hạn)</th><th>Ghi chú</th>
</tr></thead><tbody>${rows.map(row)}</tbody></table>${
    overruns.length
      ? html`<p>Bước vượt thời hạn: ${overruns.map(
          (r, i) =>
            html`${i ? '; ' : ''}<b>${r.label}</b> (${r.from.unit}${r.from.person ? html`, ${r.from.person}` : ''}): vượt ${duration(r.overrunMs ?? 0)}`,
        )}.</p>`
      : ''
  }
<p class="notes"><i>Ghi chú: Thời gian tính theo giờ làm việc của lịch làm việc phiên bản ${env.calendar.version}; thời gian tạm dừng, chờ bổ sung hồ sơ không tính. Kết quả giải quyết của từng bước do bên nhận xác định khi nhận bàn giao; việc lưu vết được thực hiện tự động trên Hệ thống thông tin giải quyết thủ tục hành chính.</i></p>`;
  return page({ title: `${TITLE} - ${d.code}`, body, landscape: true });
}

export const controlSlip: FormRenderer = {
  unavailable: (d) => (d.received ? null : 'Hồ sơ chưa được tiếp nhận nên chưa có Phiếu kiểm soát quá trình giải quyết hồ sơ'),
  render,
};
