/**
 * Bảng điều hành — for supervisors (and leaders, auditors): the compliance figures of a period (week,
 * month, quarter, year or a custom range) from GET /api/metrics/compliance, never counted from list
 * pages; a trend chart (inline SVG, printable) of the weeks or months around it; breakdowns by unit and
 * by procedure; the digitisation and reuse rates by unit and by procedure (GET /api/metrics/digitisation, their own
 * rollup); and what is still owed: past weeks whose late-dossier review is not signed off, and
 * last month's report to the Department of Home Affairs until it is downloaded or marked sent.
 * Every number links to the list of exactly the dossiers it counts (GET /api/dossiers?figure=…).
 * The period lives in the address: #/dieu-hanh?ky=month&ngay=2026-03-10 (or ky=custom&tu=…&den=…).
 */
import { get, qs } from '../api.js';
import { append, clear, h, loadOrShowError, spinner } from '../dom.js';
import { DRILL_FIGURES, fmtDate, fmtTime, localDate, TIMELINESS_LABELS } from '../labels.js';
import { addDays, isoWeekOf, KINDS, mondayOfWeek, periodOf, trendOf } from '../periods.js';
/** @import { ViewContext } from '../app.js' */
/** @import { Period } from '../periods.js' */
/** @import { ComplianceReport, DigitisationReport, MonthlyStatus, PortalSyncStatus, WeekStatusList } from '../types.js' */
/** @typedef {Record<string, number | null | undefined>} Figures a group's figures read by key (absent: 0 or —) */

const SVG = 'http://www.w3.org/2000/svg';

/**
 * the cards: figure key, label, how it reads; a rate: its key, label and the count it divides
 * (a function: the vocabulary's labels are there only once loadVocabulary() has answered, after this module loads)
 * @returns {{id: string, title: string, cards: [string, string][], rate?: [string, string, string], rates?: [string, string, string][]}[]}
 */
const groups = () => [
  {
    id: 'resolved',
    title: 'Kết quả giải quyết trong kỳ',
    cards: [
      ['resolved', 'Đã giải quyết'],
      ['early', TIMELINESS_LABELS.early],
      ['onTime', 'Đúng hạn'],
      ['late', TIMELINESS_LABELS.late],
    ],
    rate: ['onTimeRate', 'Tỷ lệ đúng hạn', 'resolved'],
  },
  {
    id: 'pending',
    title: 'Đang giải quyết cuối kỳ',
    cards: [
      ['pending', 'Đang giải quyết'],
      ['pendingDueSoon', DRILL_FIGURES.pendingDueSoon],
      ['pendingLate', 'Quá hạn'],
      ['pendingClockStopped', DRILL_FIGURES.pendingClockStopped],
    ],
  },
  {
    id: 'apology',
    title: 'Trễ hạn và xin lỗi',
    cards: [
      ['lateDossiers', DRILL_FIGURES.lateDossiers],
      ['apologised', 'Đã xin lỗi'],
      ['apologyMissing', 'Chưa xin lỗi'],
    ],
    rate: ['apologyRate', 'Tỷ lệ xin lỗi', 'lateDossiers'],
  },
  {
    id: 'received',
    title: 'Tiếp nhận trong kỳ',
    cards: [['received', 'Hồ sơ tiếp nhận']],
  },
  {
    id: 'digitisation',
    title: 'Số hóa hồ sơ, kết quả và sử dụng lại',
    cards: [
      ['digitisedReceipts', 'Hồ sơ số hóa khi tiếp nhận'],
      ['reusedReceipts', 'Hồ sơ dùng lại dữ liệu đã số hóa'],
      ['digitisedResults', 'Kết quả được số hóa'],
    ],
    rates: [
      ['receiptDigitisedShare', 'Tỷ lệ số hóa hồ sơ', 'received'],
      ['digitisedShare', 'Tỷ lệ số hóa kết quả', 'resolved'],
      ['reuseShare', 'Tỷ lệ khai thác, sử dụng lại dữ liệu đã số hóa', 'received'],
    ],
  },
];

/** the provincial plans' targets for a rate (Decree 107/2021, Circular 01/2023): at least 90% */
const TARGETS = /** @type {Record<string, number>} */ ({ receiptDigitisedShare: 0.9, digitisedShare: 0.9, reuseShare: 0.9 });
/** the count each rate divides (the numerator of rateNote) */
const NUMERATOR = /** @type {Record<string, string>} */ ({
  receiptDigitisedShare: 'digitisedReceipts',
  digitisedShare: 'digitisedResults',
  reuseShare: 'reusedReceipts',
});

/**
 * the breakdown tables' columns: figure, header (a function, like groups())
 * @returns {[string, string][]}
 */
const breakdown = () => [
  ['received', 'Tiếp nhận'],
  ['resolved', 'Đã giải quyết'],
  ['late', DRILL_FIGURES.late],
  ['onTimeRate', 'Tỷ lệ đúng hạn'],
  ['pendingLate', 'Quá hạn đang xử lý'],
  ['apologyMissing', 'Chưa xin lỗi'],
];

export const fmtRate = (/** @type {number | null | undefined} */ r) =>
  r === null || r === undefined ? '—' : `${(Math.round(r * 1000) / 10).toLocaleString('vi-VN')}%`;

/**
 * the list of exactly the dossiers a figure counts
 * @param {string} figure
 * @param {Pick<Period, 'from' | 'to'>} period
 * @param {{handlingUnit?: string, procedure?: string}} [extra] the breakdown's unit or procedure
 */
export function figureHref(figure, period, extra = {}) {
  return `#/tra-cuu${qs({ figure, periodFrom: period.from, periodTo: period.to, ...extra })}`;
}

/** @param {URLSearchParams} query */
function periodFromQuery(query) {
  const asked = query.get('ky') ?? '';
  const kind = KINDS[asked] ? asked : 'week';
  const today = localDate();
  const valid = (/** @type {string | null} */ d) => (d && /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(d)) ? d : null);
  if (kind === 'custom') {
    const from = valid(query.get('tu')) ?? addDays(today, -29);
    const last = valid(query.get('den')) ?? today;
    return periodOf('custom', from, 0, { from, last: last < from ? from : last });
  }
  return periodOf(kind, valid(query.get('ngay')) ?? today);
}

const hrefOf = (/** @type {Period} */ p) =>
  p.kind === 'custom' ? `#/dieu-hanh?ky=custom&tu=${p.from}&den=${addDays(p.to, -1)}` : `#/dieu-hanh?ky=${p.kind}&ngay=${p.from}`;

/**
 * @param {HTMLElement} root
 * @param {ViewContext} ctx
 */
export async function render(root, { query, signal }) {
  const period = periodFromQuery(query);
  const today = localDate();
  root.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', null, 'Bảng điều hành'),
      h(
        'nav',
        { class: 'head-links no-print', 'aria-label': 'Báo cáo' },
        h('a', { class: 'button secondary', href: '#/ra-soat', id: 'review-link' }, 'Rà soát hồ sơ trễ hạn tuần trước'),
        h('a', { class: 'button secondary', href: '#/bao-cao-thang', id: 'monthly-link' }, 'Báo cáo tháng gửi Sở Nội vụ'),
      ),
    ),
    picker(period, today),
  );
  const body = h('div', { class: 'dashboard' }, spinner('Đang tổng hợp…'));
  root.append(body);

  const trend = trendOf(period);
  const lastEnded = isoWeekOf(addDays(today, -7));
  const range = (/** @type {Period} */ p) => ({ from: p.from, to: p.to });
  /** @type {[ComplianceReport, ComplianceReport, ComplianceReport, ComplianceReport, DigitisationReport, DigitisationReport, WeekStatusList | null, MonthlyStatus | null, PortalSyncStatus | null] | null} */
  const loaded = await loadOrShowError(
    body,
    signal,
    Promise.all([
      get(`/api/metrics/compliance${qs({ ...range(period), groupBy: 'centre' })}`, { signal }),
      get(`/api/metrics/compliance${qs({ ...range(period), groupBy: 'unit' })}`, { signal }),
      get(`/api/metrics/compliance${qs({ ...range(period), groupBy: 'procedure' })}`, { signal }),
      get(`/api/metrics/compliance${qs(trend)}`, { signal }),
      get(`/api/metrics/digitisation${qs({ ...range(period), groupBy: 'unit' })}`, { signal }),
      get(`/api/metrics/digitisation${qs({ ...range(period), groupBy: 'procedure' })}`, { signal }),
      get(`/api/reports/weekly-late-review/sign-offs${qs({ from: isoWeekOf(addDays(today, -7 * 8)), to: lastEnded })}`, { signal }).catch(
        () => null,
      ),
      get('/api/reports/monthly/status', { signal }).catch(() => null),
      get('/api/integration/portal-sync', { signal }).catch(() => null),
    ]),
  );
  if (!loaded) return;
  const [centre, byUnit, byProcedure, trendReport, digitisationByUnit, digitisationByProcedure, weeks, monthly, portalSync] = loaded;
  /** @type {Figures} */
  const figures = centre.groups[0]?.figures ?? {};
  clear(body);
  append(body, [
    reminders(weeks, monthly, portalSync),
    h(
      'p',
      { class: 'muted', id: 'period-note' },
      `${period.label} · số liệu tính đến ${fmtTime(centre.asOf)}`,
      centre.asOf < centre.generatedAt ? '' : ' (kỳ chưa kết thúc)',
    ),
    h(
      'div',
      { class: 'stat-groups' },
      groups().map((g) =>
        h(
          'section',
          { class: 'panel', 'aria-labelledby': `${g.id}-title` },
          h('h2', { id: `${g.id}-title` }, g.title),
          h(
            'div',
            { class: 'stats' },
            g.cards.map(([key, label]) => card(key, label, figures[key] ?? 0, period)),
          ),
          (g.rates ?? (g.rate ? [g.rate] : [])).map(([key, label]) => {
            const target = TARGETS[key];
            const r = figures[key];
            const below = target !== undefined && typeof r === 'number' && r < target;
            return h(
              'p',
              { class: ['rate', below && 'rate-below'], dataset: { rate: key } },
              `${label}: `,
              h('b', null, fmtRate(r)),
              ` (${rateNote(key, figures)})`,
              target !== undefined
                ? h(
                    'span',
                    { class: 'rate-target' },
                    ` · mục tiêu ≥ ${fmtRate(target)}${below ? ': chưa đạt' : r === null || r === undefined ? '' : ': đạt'}`,
                  )
                : null,
            );
          }),
        ),
      ),
    ),
    // the digitisation tile's breakdowns, right under it
    digitisationPanel(digitisationByUnit, digitisationByProcedure, period),
    trendPanel(trendReport, period),
    breakdownPanel('unit', 'Theo đơn vị giải quyết', byUnit, period),
    breakdownPanel('procedure', 'Theo thủ tục', byProcedure, period),
  ]);
}

/**
 * @param {string} key
 * @param {Figures} f
 */
function rateNote(key, f) {
  if (key === 'onTimeRate') return `${(f.early ?? 0) + (f.onTime ?? 0)}/${f.resolved ?? 0} hồ sơ`;
  if (NUMERATOR[key]) return `${f[NUMERATOR[key]] ?? 0}/${f[key === 'digitisedShare' ? 'resolved' : 'received'] ?? 0} hồ sơ`;
  return `${f.apologised ?? 0}/${f.lateDossiers ?? 0} hồ sơ`;
}

/**
 * @param {string} key
 * @param {string} label
 * @param {number} n
 * @param {Period} period
 */
function card(key, label, n, period) {
  return h(
    'a',
    {
      class: `stat stat-${key}`,
      href: figureHref(key, period),
      dataset: { figure: key },
      'aria-label': `${label}: ${n} hồ sơ, xem danh sách`,
    },
    h('span', { class: 'stat-n' }, String(n)),
    h('span', { class: 'stat-label' }, label),
  );
}

// ---- the period picker ---------------------------------------------------------------------------

/**
 * @param {Period} period
 * @param {string} today
 */
function picker(period, today) {
  const kind = h(
    'select',
    { id: 'period-kind', name: 'ky' },
    Object.entries(KINDS).map(([k, label]) => h('option', { value: k, selected: k === period.kind }, label)),
  );
  const from = h('input', { type: 'date', id: 'period-from', name: 'tu', value: period.from, max: today });
  const last = h('input', { type: 'date', id: 'period-to', name: 'den', value: addDays(period.to, -1), max: today });
  const customBox = h(
    'span',
    { class: 'custom-range', hidden: period.kind !== 'custom' },
    h('label', { for: 'period-from' }, 'Từ ngày '),
    from,
    h('label', { for: 'period-to' }, ' đến ngày '),
    last,
    h('button', { type: 'submit', class: 'primary' }, 'Xem'),
  );
  const form = h(
    'form',
    { class: 'period-picker no-print', 'aria-label': 'Chọn kỳ báo cáo' },
    h('label', { for: 'period-kind' }, 'Kỳ báo cáo '),
    kind,
    period.kind === 'custom'
      ? null
      : [
          h(
            'a',
            {
              class: 'button secondary',
              href: hrefOf(periodOf(period.kind, period.from, -1)),
              id: 'period-prev',
              'aria-label': 'Kỳ trước',
            },
            '◀ Kỳ trước',
          ),
          h('strong', { class: 'period-label', id: 'period-label' }, period.label),
          h(
            'a',
            { class: 'button secondary', href: hrefOf(periodOf(period.kind, period.from, 1)), id: 'period-next', 'aria-label': 'Kỳ sau' },
            'Kỳ sau ▶',
          ),
          h('a', { class: 'button ghost', href: hrefOf(periodOf(period.kind, today)), id: 'period-now' }, 'Kỳ hiện tại'),
        ],
    customBox,
  );
  kind.addEventListener('change', () => {
    if (kind.value === 'custom') {
      customBox.hidden = false;
      for (const el of form.querySelectorAll('a.button, .period-label')) if (el instanceof HTMLElement) el.hidden = true;
      from.focus();
      return;
    }
    location.hash = hrefOf(periodOf(kind.value, period.kind === 'custom' ? addDays(period.to, -1) : period.from));
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!from.value || !last.value) return;
    const [a, b] = from.value <= last.value ? [from.value, last.value] : [last.value, from.value];
    location.hash = `#/dieu-hanh?ky=custom&tu=${a}&den=${b}`;
  });
  return form;
}

// ---- what is still owed ----------------------------------------------------------------------------

/**
 * @param {WeekStatusList | null} weeks
 * @param {MonthlyStatus | null} monthly
 * @param {PortalSyncStatus | null} portalSync
 */
function reminders(weeks, monthly, portalSync) {
  /** @type {HTMLElement[]} */
  const items = [];
  if (portalSync?.late) {
    const minutes = Math.floor((portalSync.oldestPendingSeconds ?? 0) / 60);
    items.push(
      h(
        'p',
        { class: 'alert alert-error', id: 'portal-sync-late', role: 'status' },
        `Đồng bộ Cổng Dịch vụ công quốc gia chậm: ${portalSync.pending} cập nhật trạng thái hồ sơ đang chờ, cũ nhất đã ${minutes} phút (yêu cầu không quá 10 phút).`,
      ),
    );
  }
  if (monthly && !monthly.delivered) {
    const m = `${monthly.month.slice(5, 7)}/${monthly.month.slice(0, 4)}`;
    items.push(
      h(
        'p',
        { class: `alert ${monthly.overdue ? 'alert-error' : 'alert-warn'}`, id: 'monthly-reminder', role: 'status' },
        monthly.overdue
          ? `Báo cáo tháng ${m} gửi Sở Nội vụ đã quá hạn (hạn ${fmtDate(monthly.dueBy)}) và chưa được tải về hoặc đánh dấu đã gửi. `
          : `Báo cáo tháng ${m} gửi Sở Nội vụ cần gửi trước ngày ${fmtDate(monthly.dueBy)}: chưa được tải về hoặc đánh dấu đã gửi. `,
        h('a', { href: `#/bao-cao-thang?thang=${monthly.month}` }, 'Mở báo cáo tháng'),
      ),
    );
  }
  if (weeks) {
    const unsigned = weeks.weeks.filter((w) => w.ended && !w.signedOff);
    const scope = weeks.scope === 'centre' ? '' : `&donvi=${encodeURIComponent(weeks.scope)}`;
    items.push(
      unsigned.length
        ? h(
            'div',
            { class: 'alert alert-warn', id: 'unsigned-weeks', role: 'status' },
            h('span', null, `Tuần chưa ký duyệt biên bản rà soát trễ hạn (${unsigned.length}): `),
            h(
              'ul',
              { class: 'inline-list' },
              unsigned.map((w) => {
                const monday = /** @type {string} a server's week label is valid */ (mondayOfWeek(w.week));
                return h(
                  'li',
                  null,
                  h(
                    'a',
                    { href: `#/ra-soat?tuan=${w.week}${scope}`, dataset: { week: w.week } },
                    `Tuần ${w.week.slice(6)} (${fmtDate(monday).slice(0, 5)}–${fmtDate(addDays(monday, 6))})`,
                  ),
                );
              }),
            ),
          )
        : h(
            'p',
            { class: 'alert alert-ok', id: 'unsigned-weeks', role: 'status' },
            'Các tuần gần đây đều đã ký duyệt biên bản rà soát trễ hạn.',
          ),
    );
  }
  return items.length ? h('section', { class: 'reminders', 'aria-label': 'Việc cần làm' }, items) : null;
}

// ---- the trend chart --------------------------------------------------------------------------------

/**
 * @param {string} tag
 * @param {Record<string, string | number | null | undefined> | null} attrs
 * @param {...unknown} children strings, nodes, nested arrays, null (skipped)
 */
function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs ?? {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children.flat(Infinity))
    if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** a short label of a week/month bucket key: 'T12' for 2026-W12, '03/26' for 2026-03 */
const shortKey = (/** @type {string} */ key) => (/W\d\d$/.test(key) ? `T${key.slice(6)}` : `${key.slice(5, 7)}/${key.slice(2, 4)}`);

/**
 * @param {ComplianceReport} report
 * @param {Period} period
 */
function trendPanel(report, period) {
  const groups = report.groups;
  const W = 760;
  const H = 240;
  const pad = { l: 40, r: 44, t: 20, b: 40 };
  const n = groups.length || 1;
  const slot = (W - pad.l - pad.r) / n;
  const maxCount = Math.max(1, ...groups.map((g) => g.figures.resolved + g.figures.pendingLate));
  const y = (/** @type {number} */ v) => pad.t + (H - pad.t - pad.b) * (1 - v / maxCount);
  const yRate = (/** @type {number} */ r) => pad.t + (H - pad.t - pad.b) * (1 - r);
  /** @type {SVGElement[]} */
  const bars = [];
  /** @type {[number, number, number][]} x, y, rate */
  const points = [];
  groups.forEach((g, i) => {
    const f = g.figures;
    const x = pad.l + i * slot + slot * 0.2;
    const w = slot * 0.6;
    const good = f.early + f.onTime;
    const bucket = { from: g.key.includes('W') ? mondayOfWeek(g.key) : `${g.key}-01`, to: null };
    const inPeriod = (bucket.from ?? '') >= period.from && (bucket.from ?? '') < period.to;
    bars.push(
      svg(
        'rect',
        { x, y: y(good), width: w, height: y(0) - y(good), class: 'bar-good' },
        svg('title', null, `${g.label}: đúng hạn hoặc trước hạn ${good}`),
      ),
      svg(
        'rect',
        { x, y: y(good + f.late), width: w, height: y(good) - y(good + f.late), class: 'bar-late' },
        svg('title', null, `${g.label}: trễ hạn ${f.late}`),
      ),
      svg('text', { x: x + w / 2, y: y(good + f.late) - 4, 'text-anchor': 'middle', class: 'val' }, f.late ? `${f.late} trễ` : ''),
      svg('text', { x: x + w / 2, y: H - pad.b + 16, 'text-anchor': 'middle', class: inPeriod ? 'axis current' : 'axis' }, shortKey(g.key)),
    );
    if (f.onTimeRate !== null) points.push([x + w / 2, yRate(f.onTimeRate), f.onTimeRate]);
  });
  const line =
    points.length > 1
      ? svg('polyline', { points: points.map(([px, py]) => `${px},${py}`).join(' '), class: 'rate-line', fill: 'none' })
      : null;
  const dots = points.map(([px, py, r]) => [
    svg('circle', { cx: px, cy: py, r: 4, class: 'rate-dot' }),
    svg('text', { x: px, y: py - 8, 'text-anchor': 'middle', class: 'val rate-val' }, fmtRate(r)),
  ]);
  const chart = svg(
    'svg',
    {
      viewBox: `0 0 ${W} ${H}`,
      width: '100%',
      role: 'img',
      'aria-labelledby': 'trend-title trend-desc',
      class: 'trend-chart',
      id: 'trend-chart',
    },
    svg(
      'desc',
      { id: 'trend-desc' },
      'Cột: số hồ sơ có kết quả đúng hạn hoặc trước hạn (xanh) và trễ hạn (đỏ, gạch chéo); đường: tỷ lệ đúng hạn.',
    ),
    svg(
      'defs',
      null,
      svg(
        'pattern',
        { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
        svg('rect', { width: 6, height: 6, class: 'hatch-bg' }),
        svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, class: 'hatch-line' }),
      ),
    ),
    svg('line', { x1: pad.l, y1: y(0), x2: W - pad.r, y2: y(0), class: 'axis-line' }),
    svg('text', { x: pad.l - 6, y: y(maxCount) + 4, 'text-anchor': 'end', class: 'axis' }, String(maxCount)),
    svg('text', { x: pad.l - 6, y: y(0) + 4, 'text-anchor': 'end', class: 'axis' }, '0'),
    svg('text', { x: W - pad.r + 6, y: yRate(1) + 4, class: 'axis' }, '100%'),
    svg('text', { x: W - pad.r + 6, y: yRate(0) + 4, class: 'axis' }, '0%'),
    bars,
    line,
    dots,
  );
  const unit = report.groupBy === 'week' ? 'tuần' : 'tháng';
  return h(
    'section',
    { class: 'panel trend', 'aria-labelledby': 'trend-title' },
    h('h2', { id: 'trend-title' }, `Xu hướng theo ${unit}: hồ sơ có kết quả và tỷ lệ đúng hạn`),
    chart,
    h(
      'p',
      { class: 'legend' },
      h('span', { class: 'key key-good' }),
      ' Đúng hạn, trước hạn  ',
      h('span', { class: 'key key-late' }),
      ' Trễ hạn  ',
      h('span', { class: 'key key-rate' }),
      ' Tỷ lệ đúng hạn',
    ),
    h(
      'details',
      { class: 'trend-table' },
      h('summary', null, 'Bảng số liệu'),
      h(
        'table',
        { class: 'data compact' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            [unit === 'tuần' ? 'Tuần' : 'Tháng', 'Có kết quả', 'Đúng hạn, trước hạn', 'Trễ hạn', 'Tỷ lệ đúng hạn'].map((t) =>
              h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        h(
          'tbody',
          null,
          groups.map((g) =>
            h(
              'tr',
              null,
              h('th', { scope: 'row' }, g.label),
              h('td', null, String(g.figures.resolved)),
              h('td', null, String(g.figures.early + g.figures.onTime)),
              h('td', null, String(g.figures.late)),
              h('td', null, fmtRate(g.figures.onTimeRate)),
            ),
          ),
        ),
      ),
    ),
  );
}

// ---- breakdowns -----------------------------------------------------------------------------------

/**
 * @param {'unit' | 'procedure'} kind
 * @param {string} title
 * @param {ComplianceReport} report
 * @param {Period} period
 */
function breakdownPanel(kind, title, report, period) {
  const id = `by-${kind}`;
  const groups = report.groups.filter((g) => breakdown().some(([k]) => k !== 'onTimeRate' && g.figures[k]));
  /**
   * @param {ComplianceReport['groups'][number]} g
   * @param {string} key
   */
  const link = (g, key) => {
    const n = g.figures[key];
    if (key === 'onTimeRate') return fmtRate(n);
    if (!n || g.key === '(none)') return String(n ?? 0);
    const extra = kind === 'unit' ? { handlingUnit: g.key } : { procedure: g.key };
    return h('a', { href: figureHref(key, period, extra), dataset: { figure: key } }, String(n));
  };
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title),
    groups.length
      ? h(
          'table',
          { class: 'data compact breakdown', id },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { scope: 'col' }, kind === 'unit' ? 'Đơn vị' : 'Thủ tục'),
              breakdown().map(([, t]) => h('th', { scope: 'col', class: 'num' }, t)),
            ),
          ),
          h(
            'tbody',
            null,
            groups.map((g) =>
              h(
                'tr',
                { dataset: { key: g.key } },
                h('th', { scope: 'row' }, g.key === '(none)' ? 'Chưa đến bước xử lý' : g.label),
                breakdown().map(([key]) => h('td', { class: 'num' }, link(g, key))),
              ),
            ),
          ),
        )
      : h('p', { class: 'empty' }, 'Không có hồ sơ trong kỳ.'),
  );
}

/**
 * the digitisation tile's breakdowns: the three rates against their targets, and the counts they divide, by unit and
 * by procedure, from GET /api/metrics/digitisation (its own rollup: fast whatever the number of dossiers)
 * @returns {[string, string, string][]} rate, header, the count it divides
 */
const digitisationColumns = () => [
  ['receiptDigitisedShare', 'Số hóa hồ sơ', 'received'],
  ['reuseShare', 'Sử dụng lại dữ liệu', 'received'],
  ['digitisedShare', 'Số hóa kết quả', 'resolved'],
];

/**
 * @param {DigitisationReport} byUnit
 * @param {DigitisationReport} byProcedure
 * @param {Period} period
 */
function digitisationPanel(byUnit, byProcedure, period) {
  /**
   * @param {'unit' | 'procedure'} kind
   * @param {DigitisationReport} report
   */
  const table = (kind, report) => {
    const id = `digitisation-by-${kind}`;
    return h(
      'div',
      { class: 'digitisation-breakdown' },
      h('h3', { id: `${id}-title` }, kind === 'unit' ? 'Theo đơn vị giải quyết' : 'Theo thủ tục'),
      report.groups.length
        ? h(
            'table',
            { class: 'data compact breakdown', id, 'aria-labelledby': `${id}-title` },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                h('th', { scope: 'col' }, kind === 'unit' ? 'Đơn vị' : 'Thủ tục'),
                h('th', { scope: 'col', class: 'num' }, 'Tiếp nhận'),
                h('th', { scope: 'col', class: 'num' }, 'Đã giải quyết'),
                digitisationColumns().map(([, t]) => h('th', { scope: 'col', class: 'num' }, t)),
              ),
            ),
            h(
              'tbody',
              null,
              report.groups.map((g) => {
                const f = /** @type {Figures} */ (g.figures);
                const extra = kind === 'unit' ? { handlingUnit: g.key } : { procedure: g.key };
                /** a count: the list of its dossiers */
                const count = (/** @type {string} */ key) =>
                  f[key] && g.key !== '(none)'
                    ? h('a', { href: figureHref(key, period, extra), dataset: { figure: key } }, String(f[key]))
                    : String(f[key] ?? 0);
                return h(
                  'tr',
                  { dataset: { key: g.key } },
                  h('th', { scope: 'row' }, g.key === '(none)' ? 'Chưa đến bước xử lý' : g.label),
                  h('td', { class: 'num' }, count('received')),
                  h('td', { class: 'num' }, count('resolved')),
                  digitisationColumns().map(([key]) => {
                    const r = f[key];
                    const below = typeof r === 'number' && r < (TARGETS[key] ?? 0);
                    const n = f[NUMERATOR[key] ?? ''] ?? 0;
                    return h(
                      'td',
                      { class: ['num', below && 'rate-below'], dataset: { share: key }, title: rateNote(key, f) },
                      n && g.key !== '(none)'
                        ? h('a', { href: figureHref(NUMERATOR[key] ?? '', period, extra), dataset: { figure: NUMERATOR[key] } }, fmtRate(r))
                        : fmtRate(r),
                    );
                  }),
                );
              }),
            ),
          )
        : h('p', { class: 'empty' }, 'Không có hồ sơ tiếp nhận hoặc giải quyết trong kỳ.'),
    );
  };
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'digitisation-breakdown-title' },
    h('h2', { id: 'digitisation-breakdown-title' }, 'Số hóa và sử dụng lại theo đơn vị, theo thủ tục'),
    h('p', { class: 'muted' }, `Mục tiêu mỗi tỷ lệ ≥ ${fmtRate(0.9)}; tỷ lệ in đỏ là chưa đạt.`),
    table('unit', byUnit),
    table('procedure', byProcedure),
  );
}
