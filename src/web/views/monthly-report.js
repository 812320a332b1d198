/**
 * Báo cáo tháng gửi Sở Nội vụ — the monthly report (#/bao-cao-thang?thang=2026-03): choose the month
 * (default: last month), see it, download it as JSON, CSV, XLSX or printable HTML (each download by a
 * supervisor or leader records the month as delivered), or mark it sent. The report is due by the 3rd of
 * the next month; the dashboard reminds until it is delivered (GET /api/reports/monthly/status).
 */
import { get, post, qs } from '../api.js';
import { closeWhenDone, openDialog } from '../dialog.js';
import { downloadFile, openPrintable } from '../download.js';
import { append, clear, busyClick, field, h, loadOrShowError, spinner, toast, values } from '../dom.js';
import { RETURN_METHODS, fmtDate, fmtTime, localDate } from '../labels.js';
import { previousMonth } from '../periods.js';
/** @import { ViewContext } from '../app.js' */
/** @import { MonthlyStatus } from '../types.js' */

const WRITERS = ['supervisor', 'leader'];
const FORMATS = [
  ['xlsx', 'Tải Excel (XLSX)'],
  ['csv', 'Tải CSV'],
  ['html', 'Tải bản in (HTML)'],
  ['json', 'Tải dữ liệu (JSON)'],
];
const monthText = (/** @type {string} */ m) => `${m.slice(5, 7)}/${m.slice(0, 4)}`;

/**
 * @param {HTMLElement} root
 * @param {ViewContext} ctx
 */
export async function render(root, { user, query, signal }) {
  const thisMonth = localDate().slice(0, 7);
  const asked = query.get('thang') ?? '';
  const month = /^\d{4}-(0[1-9]|1[0-2])$/.test(asked) ? asked : previousMonth(thisMonth);
  const canWrite = (user.roles ?? []).some((r) => WRITERS.includes(r));

  const input = h('input', { type: 'month', id: 'report-month', name: 'thang', value: month, max: thisMonth, required: true });
  const picker = h(
    'form',
    { class: 'period-picker no-print', 'aria-label': 'Chọn tháng' },
    h('a', { class: 'button secondary', href: `#/bao-cao-thang?thang=${previousMonth(month)}`, id: 'month-prev' }, '◀ Tháng trước'),
    h('label', { for: 'report-month' }, 'Tháng '),
    input,
    h('button', { type: 'submit', class: 'primary' }, 'Xem'),
  );
  picker.addEventListener('submit', (e) => {
    e.preventDefault();
    if (/^\d{4}-\d{2}$/.test(input.value)) location.hash = `#/bao-cao-thang?thang=${input.value}`;
  });
  const body = h('div', { class: 'monthly' }, spinner());
  root.append(h('div', { class: 'page-head' }, h('h1', null, `Báo cáo tháng ${monthText(month)} gửi Sở Nội vụ`)), picker, body);

  const loaded = await loadOrShowError(
    body,
    signal,
    Promise.all([get(`/api/reports/monthly${qs({ month })}`, { signal }), get(`/api/reports/monthly/status${qs({ month })}`, { signal })]),
  );
  if (!loaded) return;
  /** @type {[Record<string, any>, MonthlyStatus]} the report as the server builds it (read field by field below), its status */
  const [report, status] = loaded;
  const reload = () => window.dispatchEvent(new HashChangeEvent('hashchange'));
  const path = (/** @type {string} */ format) => `/api/reports/monthly${qs({ month, format, download: 1 })}`;

  clear(body);
  append(body, [
    statusBox(status),
    h(
      'div',
      { class: 'review-actions no-print' },
      FORMATS.map(([format, label]) =>
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            id: `dl-${format}`,
            onclick: busyClick(async () => {
              toast(`Đã tải ${await downloadFile(path(format), `bao-cao-thang-${month}.${format}`)}`);
              if (canWrite && !status.delivered) reload();
            }),
          },
          label,
        ),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          id: 'open-print',
          onclick: busyClick(() => openPrintable(`/api/reports/monthly${qs({ month, format: 'html' })}`, report.title)),
        },
        'Mở bản in',
      ),
      canWrite && status.ended && !status.sentAt
        ? h(
            'button',
            { type: 'button', class: 'primary', id: 'mark-sent', onclick: () => markSent(month, reload) },
            'Đánh dấu đã gửi Sở Nội vụ',
          )
        : null,
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'monthly-title' },
      h('h2', { id: 'monthly-title' }, report.title),
      h(
        'p',
        { class: 'muted' },
        `Từ ${fmtDate(report.from)} đến ${fmtDate(new Date(Date.parse(report.to) - 1).toISOString())} · lập lúc ${fmtTime(report.generatedAt)}`,
      ),
      h(
        'table',
        { class: 'data compact', id: 'monthly-table' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', { scope: 'col', rowspan: 2 }, 'Hình thức nộp hồ sơ'),
            h('th', { scope: 'col', rowspan: 2, class: 'num' }, 'Tiếp nhận'),
            h('th', { scope: 'colgroup', colspan: 4, class: 'num' }, 'Trả kết quả'),
          ),
          h(
            'tr',
            null,
            ['Tổng', RETURN_METHODS.counter, RETURN_METHODS.post, RETURN_METHODS.online].map((t) =>
              h('th', { scope: 'col', class: 'num' }, t),
            ),
          ),
        ),
        h(
          'tbody',
          null,
          [...report.rows, report.total].map((r) =>
            h(
              'tr',
              { class: r.channel === 'total' ? 'total' : null, dataset: { channel: r.channel } },
              h('th', { scope: 'row' }, r.channelLabel),
              [r.received, r.returned, r.returnedAtCounter, r.returnedByPost, r.returnedOnline].map((n) =>
                h('td', { class: 'num' }, String(n)),
              ),
            ),
          ),
        ),
      ),
    ),
  ]);
}

/** @param {MonthlyStatus} s */
function statusBox(s) {
  /** @type {string[]} */
  const parts = [];
  if (s.sentAt) parts.push(`Đã gửi Sở Nội vụ: ${s.sentByName ?? s.sentBy}, ${fmtTime(s.sentAt)}${s.sentNote ? ` (${s.sentNote})` : ''}.`);
  if (s.downloadedAt) parts.push(`Tải về lần đầu: ${s.downloadedByName ?? s.downloadedBy}, ${fmtTime(s.downloadedAt)}.`);
  const tone = s.delivered ? 'alert-ok' : s.overdue ? 'alert-error' : s.ended ? 'alert-warn' : 'alert-info';
  const lead = !s.ended
    ? `Tháng chưa kết thúc: số liệu đến thời điểm hiện tại. Hạn gửi: ${fmtDate(s.dueBy)}.`
    : s.delivered
      ? `Hạn gửi: ${fmtDate(s.dueBy)}.`
      : s.overdue
        ? `Đã quá hạn gửi (${fmtDate(s.dueBy)}): báo cáo chưa được tải về hoặc đánh dấu đã gửi.`
        : `Hạn gửi: ${fmtDate(s.dueBy)}. Báo cáo chưa được tải về hoặc đánh dấu đã gửi.`;
  return h(
    'div',
    { class: `alert ${tone}`, id: 'monthly-status', role: 'status' },
    lead,
    parts.length ? h('span', { class: 'block' }, parts.join(' ')) : null,
  );
}

/**
 * @param {string} month
 * @param {() => void} reload
 */
async function markSent(month, reload) {
  const done = await openDialog({
    title: `Đánh dấu báo cáo tháng ${monthText(month)} đã gửi Sở Nội vụ`,
    submitLabel: 'Xác nhận đã gửi',
    build: (body) =>
      append(body, [field({ label: 'Ghi chú (số công văn, cách gửi — không bắt buộc)', name: 'note', attrs: { maxlength: 500 } })]),
    onSubmit: async (ctl) => {
      const v = values(ctl.form);
      await closeWhenDone(ctl, () => post('/api/reports/monthly/sent', { month, ...(v.note ? { note: v.note } : {}) }));
    },
  });
  if (done) {
    toast(`Đã ghi nhận báo cáo tháng ${monthText(month)} đã gửi`);
    reload();
  }
}
