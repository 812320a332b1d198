/**
 * Printable Vietnamese HTML pages (A4 landscape): the weekly late-dossier review with its trend chart
 * drawn as inline SVG, and the monthly report. No scripts, no external resources; every value goes
 * through the forms' `html` tag, which escapes it, so names and notes can never inject markup.
 * The review's table is streamed row by row; totals, rankings and follow-up come after it.
 */
import type { Writable } from 'node:stream';
import { dateOf, dateTime } from '../../forms/format';
import { html, raw, type SafeHtml } from '../../forms/layout';
import { MONTHLY_COLUMNS } from '../monthly-report';
import { RANK_COLUMNS, stateLabel, totalsRows, TREND_COLUMNS, type WeeklyReview } from '../weekly-review';
import type { Category, MonthlyReport, ReviewDossier, TrendPoint } from '../report-schemas';
import { TextSink, type Column } from './csv';
import { APOLOGY_STATUS_LABELS, REVIEW_CATEGORY_LABELS } from '../../../machines/vocabulary';

export const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const STYLE = `
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "Times New Roman", serif; font-size: 12px; color: #000; margin: 0 auto; max-width: 280mm; }
h1 { font-size: 17px; text-align: center; margin: 4px 0; text-transform: uppercase; }
h2 { font-size: 14px; margin: 14px 0 6px; }
p.meta { text-align: center; margin: 2px 0; }
table { border-collapse: collapse; width: 100%; margin-bottom: 8px; }
th, td { border: 1px solid #444; padding: 2px 4px; vertical-align: top; text-align: left; }
th { background: #eee; }
td.n { text-align: right; white-space: nowrap; }
tr.section th { background: #ddd; text-align: left; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
.signatures { display: flex; justify-content: space-around; margin-top: 24px; text-align: center; }
.signatures div { width: 40%; }
.signatures em { display: block; margin-bottom: 60px; }
`;

/** Pure. "92,5%" (Vietnamese decimal comma), or "—" when there is nothing to rate. */
export function percentText(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1).replace('.', ',')}%`;
}

function cellText<T>(c: Column<T>, row: T): string {
  const v = c.value(row);
  if (v === null || v === '') return '';
  if (c.type === 'instant') return dateTime(String(v));
  if (c.type === 'rate') return percentText(Number(v));
  return String(v);
}

function table<T>(columns: readonly Column<T>[], rows: readonly T[]): SafeHtml {
  return html`<table><thead><tr>${columns.map((c) => html`<th>${c.header}</th>`)}</tr></thead><tbody>${rows.map(
    (r) =>
      html`<tr>${columns.map((c) => (c.type === 'text' ? html`<td>${cellText(c, r)}</td>` : html`<td class="n">${cellText(c, r)}</td>`))}</tr>`,
  )}</tbody></table>`;
}

function page(title: string, body: SafeHtml): { open: string; close: string } {
  const doc = html`<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>${title}</title><style>${raw(STYLE)}</style></head>
<body>${body}`.value;
  return { open: doc, close: '\n</body></html>\n' };
}

/** Pure. The on-time rate per week as an inline SVG bar chart, with the 95% target drawn as a dashed line. */
export function trendSvg(points: readonly TrendPoint[], target = 0.95): string {
  const [w, h, left, top, bottom] = [560, 230, 44, 24, 40];
  const plotH = h - top - bottom;
  const slot = (w - left - 10) / Math.max(points.length, 1);
  const y = (rate: number) => top + plotH * (1 - rate);
  const grid = [0, 0.25, 0.5, 0.75, 1].map(
    (g) =>
      html`<line x1="${left}" y1="${y(g)}" x2="${w - 10}" y2="${y(g)}" stroke="#ccc"/><text x="${left - 4}" y="${y(g) + 4}" text-anchor="end" font-size="10">${g * 100}%</text>`,
  );
  const bars = points.map((p, i) => {
    const x = left + i * slot + slot * 0.2;
    const bw = slot * 0.6;
    const label = html`<text x="${x + bw / 2}" y="${h - bottom + 14}" text-anchor="middle" font-size="10">${p.week}</text><text x="${x + bw / 2}" y="${h - bottom + 27}" text-anchor="middle" font-size="9">${p.resolved} hồ sơ</text>`;
    if (p.onTimeRate === null)
      return html`${label}<text x="${x + bw / 2}" y="${y(0) - 4}" text-anchor="middle" font-size="10">${percentText(null)}</text>`;
    const fill = p.onTimeRate >= target ? '#4a7' : '#c54';
    return html`<rect x="${x}" y="${y(p.onTimeRate)}" width="${bw}" height="${plotH * p.onTimeRate}" fill="${fill}"/><text x="${x + bw / 2}" y="${y(p.onTimeRate) - 4}" text-anchor="middle" font-size="10">${percentText(p.onTimeRate)}</text>${label}`;
  });
  const title = `Tỷ lệ giải quyết đúng hạn theo tuần (mục tiêu ${percentText(target)})`;
  return html`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${title}"><title>${title}</title>${grid}<line x1="${left}" y1="${y(target)}" x2="${w - 10}" y2="${y(target)}" stroke="#000" stroke-dasharray="5,3"/><text x="${w - 12}" y="${y(target) - 4}" text-anchor="end" font-size="10">Mục tiêu ${percentText(target)}</text>${bars}</svg>`
    .value;
}

/** The printed review table: fewer, combined columns so that it fits a landscape page. */
const PRINT_COLUMNS: Column<ReviewDossier>[] = [
  { header: 'Mã hồ sơ', type: 'text', value: (d) => d.code },
  { header: 'Thủ tục', type: 'text', value: (d) => d.procedure.name },
  { header: 'Người nộp', type: 'text', value: (d) => `${d.applicant.fullName} (${d.applicant.idNumber})` },
  { header: 'Tiếp nhận', type: 'instant', value: (d) => d.receivedAt },
  { header: 'Hạn giải quyết', type: 'instant', value: (d) => d.dueAt },
  { header: 'Có kết quả', type: 'instant', value: (d) => d.resultAt },
  { header: 'Quá hạn (ngày làm việc)', type: 'number', value: (d) => d.daysOverdue },
  {
    header: 'Đang ở',
    type: 'text',
    value: (d) => [d.currentStep?.name, d.currentUnit?.name].filter(Boolean).join(' — ') || stateLabel(d.state),
  },
  {
    header: 'Bước / đơn vị gây chậm',
    type: 'text',
    value: (d) => [d.responsible?.stepName, d.responsible?.unitName].filter(Boolean).join(' — ') || null,
  },
  { header: 'Xin lỗi', type: 'text', value: (d) => APOLOGY_STATUS_LABELS[d.apology] },
  {
    header: 'Nguyên nhân — biện pháp (tuần này)',
    type: 'text',
    value: (d) => d.notes.map((n) => `${n.cause} — ${n.correctiveAction}`).join('; ') || null,
  },
  {
    header: 'Đã cam kết tuần trước',
    type: 'text',
    value: (d) => d.lastWeekNotes.map((n) => `${n.cause} — ${n.correctiveAction}`).join('; ') || null,
  },
];

function row(d: ReviewDossier): string {
  return html`<tr>${PRINT_COLUMNS.map((c) => (c.type === 'text' ? html`<td>${cellText(c, d)}</td>` : html`<td class="n">${cellText(c, d)}</td>`))}</tr>`
    .value;
}

/** Streams the review as a printable page and ends the output. */
export async function writeWeeklyReviewHtml(out: Writable, review: WeeklyReview): Promise<void> {
  const h = review.header;
  const lastDay = new Date(Date.parse(h.to) - 1).toISOString();
  const status = h.review.signedOff
    ? `Đã ký duyệt bởi ${h.review.signedOffByName ?? h.review.signedOffBy ?? ''} lúc ${dateTime(h.review.signedOffAt ?? h.generatedAt)}`
    : 'Chưa ký duyệt';
  const { open, close } = page(
    h.title,
    html`<h1>Báo cáo rà soát hồ sơ trễ hạn hằng tuần</h1>
<p class="meta">Tuần ${h.week} (từ ${dateOf(h.from)} đến ${dateOf(lastDay)}) — Phạm vi: ${h.scopeName}</p>
<p class="meta">Số liệu tính đến ${dateTime(h.asOf)}; lập lúc ${dateTime(h.generatedAt)}. ${status}.</p>
${h.review.chain.valid ? '' : html`<p class="meta"><strong>Cảnh báo: biên bản rà soát của tuần không còn toàn vẹn (chuỗi băm bị sai).</strong></p>`}
<h2>Tỷ lệ giải quyết đúng hạn: tuần này và 4 tuần trước</h2>
${raw(trendSvg(h.trend))}
${table(TREND_COLUMNS, h.trend)}
<h2>Danh sách hồ sơ trễ hạn và có nguy cơ trễ hạn</h2>
<table><thead><tr>${PRINT_COLUMNS.map((c) => html`<th>${c.header}</th>`)}</tr></thead><tbody>`,
  );
  const sink = new TextSink(out);
  await sink.push(open);
  let current: Category | null = null;
  let any = false;
  for await (const d of review.dossiers()) {
    if (d.category !== current) {
      current = d.category;
      await sink.push(
        html`<tr class="section"><th colspan="${PRINT_COLUMNS.length}">${REVIEW_CATEGORY_LABELS[d.category]}</th></tr>`.value,
      );
    }
    await sink.push(row(d) + '\n');
    any = true;
  }
  if (!any)
    await sink.push(html`<tr><td colspan="${PRINT_COLUMNS.length}">Không có hồ sơ trễ hạn hoặc có nguy cơ trễ hạn.</td></tr>`.value);
  const tail = await review.finish();
  const totals = totalsRows(tail.totals);
  const totalColumns: Column<(typeof totals)[number]>[] = [
    { header: 'Chỉ tiêu', type: 'text', value: (t) => t.label },
    { header: 'Số liệu', type: 'text', value: (t) => (t.type === 'rate' ? percentText(t.value) : String(t.value ?? 0)) },
  ];
  await sink.push(
    html`</tbody></table>
<h2>Tổng hợp</h2>
${table(totalColumns, totals)}
<h2>Thủ tục có nhiều hồ sơ trễ hạn</h2>
${table(RANK_COLUMNS, tail.worstProcedures)}
<h2>Đơn vị có nhiều hồ sơ trễ hạn (theo bước gây chậm)</h2>
${table(RANK_COLUMNS, tail.worstUnits)}
<h2>Kết quả thực hiện cam kết tuần trước (hồ sơ không còn trong danh sách)</h2>
${table(
  [
    { header: 'Mã hồ sơ', type: 'text', value: (f: (typeof tail.followUp)[number]) => f.code },
    { header: 'Thủ tục', type: 'text', value: (f: (typeof tail.followUp)[number]) => f.procedureName },
    { header: 'Trạng thái hiện nay', type: 'text', value: (f: (typeof tail.followUp)[number]) => stateLabel(f.state) },
    { header: 'Có kết quả', type: 'instant', value: (f: (typeof tail.followUp)[number]) => f.resultAt },
    {
      header: 'Đã cam kết',
      type: 'text',
      value: (f: (typeof tail.followUp)[number]) => f.lastWeekNotes.map((n) => `${n.cause} — ${n.correctiveAction}`).join('; '),
    },
  ] satisfies Column<(typeof tail.followUp)[number]>[],
  tail.followUp,
)}
<div class="signatures"><div><strong>Người lập báo cáo</strong><em>(Ký, ghi rõ họ tên)</em></div><div><strong>Thủ trưởng đơn vị</strong><em>(Ký, ghi rõ họ tên)</em></div></div>`
      .value,
  );
  await sink.push(close);
  await sink.end();
}

/** Writes the monthly report as a printable page and ends the output. */
export async function writeMonthlyReportHtml(out: Writable, report: MonthlyReport): Promise<void> {
  const lastDay = new Date(Date.parse(report.to) - 1).toISOString();
  const { open, close } = page(
    report.title,
    html`<h1>${report.title}</h1>
<p class="meta">Kính gửi: Sở Nội vụ</p>
<p class="meta">Kỳ báo cáo: từ ${dateOf(report.from)} đến ${dateOf(lastDay)}; lập lúc ${dateTime(report.generatedAt)}</p>
${table(MONTHLY_COLUMNS, [...report.rows, report.total])}
<p>Số hồ sơ tổ chức, cá nhân đến nhận kết quả trực tiếp tại Bộ phận Một cửa trong tháng: <strong>${report.total.returnedAtCounter}</strong>.</p>
<div class="signatures"><div><strong>Người lập báo cáo</strong><em>(Ký, ghi rõ họ tên)</em></div><div><strong>Thủ trưởng đơn vị</strong><em>(Ký, ghi rõ họ tên, đóng dấu)</em></div></div>`,
  );
  const sink = new TextSink(out);
  await sink.push(open + close);
  await sink.end();
}
