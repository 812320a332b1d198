/**
 * Tra cứu hồ sơ — search with filters; the filters live in the address (#/tra-cuu?q=…&state=…),
 * so Back and a shared link give the same list.
 */
import { listDossiers } from '../api.js';
import { csvText } from '../csv.js';
import { procedureNameOf, procedures } from '../catalog.js';
import { clear, dataTable, dossierLink, errorBox, field, h, spinner, stateBadge, timelinessBadge, values } from '../dom.js';
import { DRILL_FIGURES, STATE_CHOICES, TIMELINESS_LABELS, fmtDate, fmtTime, stateLabel, timelinessLabel, unitLabel } from '../labels.js';
/** @import { ViewContext } from '../app.js' */
/** @import { DossierView, Procedure } from '../types.js' */

const KEYS = ['q', 'state', 'timeliness', 'procedure', 'receivedFrom', 'receivedTo', 'sort', 'mine'];
/** the API's sort values (GET /api/dossiers?sort=…) */
const SORTS = [
  ['recent', 'Mới tiếp nhận trước'],
  ['due', 'Hạn trả gần nhất trước'],
];
/** a dashboard card's list: exactly the dossiers a compliance figure counts (GET /api/dossiers?figure=…) */
const FIGURE_KEYS = ['figure', 'periodFrom', 'periodTo', 'handlingUnit'];

/**
 * @param {HTMLElement} root
 * @param {ViewContext} ctx
 */
export async function render(root, { query, signal }) {
  const catalogue = await procedures().catch(() => []);
  if (signal.aborted) return;
  const params = Object.fromEntries(KEYS.map((k) => [k, query.get(k) ?? '']));
  const drill = Object.fromEntries(FIGURE_KEYS.map((k) => [k, query.get(k) ?? '']));
  const last = drill.periodTo ? fmtDate(new Date(Date.parse(`${drill.periodTo}T00:00:00+07:00`) - 1).toISOString()) : '';
  const drillNote = drill.figure
    ? h(
        'p',
        { class: 'alert alert-info', id: 'figure-filter', role: 'status' },
        `Danh sách theo chỉ số: ${DRILL_FIGURES[drill.figure] ?? drill.figure}, từ ${fmtDate(drill.periodFrom)} đến ${last}`,
        drill.handlingUnit ? `, ${unitLabel(drill.handlingUnit)}` : '',
        params.procedure ? `, thủ tục ${params.procedure}` : '',
        '. ',
        h('a', { href: '#/tra-cuu' }, 'Bỏ lọc theo chỉ số'),
      )
    : null;

  const form = h(
    'form',
    { role: 'search', class: 'filters', novalidate: true },
    field({
      label: 'Từ khóa',
      name: 'q',
      type: 'search',
      value: params.q,
      attrs: { 'data-search': '', placeholder: 'Mã hồ sơ, tên, điện thoại, CCCD', autocomplete: 'off', autofocus: true },
    }),
    field({ label: 'Trạng thái', name: 'state', type: 'select', value: params.state, options: [['', 'Tất cả'], ...STATE_CHOICES] }),
    field({
      label: 'Tiến độ',
      name: 'timeliness',
      type: 'select',
      value: params.timeliness,
      options: [['', 'Tất cả'], ...Object.entries(TIMELINESS_LABELS)],
    }),
    field({
      label: 'Thủ tục',
      name: 'procedure',
      type: 'select',
      value: params.procedure,
      options: [['', 'Tất cả'], ...catalogue.map((p) => [p.code, `${p.code} · ${p.name}`])],
      attrs: { class: 'proc-select' },
    }),
    field({ label: 'Tiếp nhận từ ngày', name: 'receivedFrom', type: 'date', value: params.receivedFrom }),
    field({ label: 'Đến ngày', name: 'receivedTo', type: 'date', value: params.receivedTo }),
    field({ label: 'Sắp xếp', name: 'sort', type: 'select', value: params.sort || 'recent', options: SORTS }),
    field({ label: 'Chỉ hồ sơ của tôi', name: 'mine', type: 'checkbox', value: params.mine === '1' }),
    h(
      'div',
      { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Tìm'),
      h('a', { href: '#/tra-cuu', class: 'button secondary' }, 'Xóa lọc'),
      h('button', { type: 'button', class: 'secondary', id: 'search-csv', onclick: () => exportCsv() }, 'Xuất CSV'),
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = values(form);
    const u = new URLSearchParams();
    for (const k of KEYS) {
      const val = k === 'mine' ? (v.mine ? '1' : '') : v[k];
      if (val && !(k === 'sort' && val === 'recent')) u.set(k, val);
    }
    for (const k of FIGURE_KEYS) if (drill[k]) u.set(k, drill[k]);
    const next = `#/tra-cuu${u.toString() ? `?${u}` : ''}`;
    if (location.hash === next) run();
    else location.hash = next;
  });

  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  root.append(h('div', { class: 'page-head' }, h('h1', null, 'Tra cứu hồ sơ')), drillNote ?? '', form, results);

  /** @type {string | null} */
  let cursor = null;
  const tbody = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => page() }, 'Xem thêm');
  const count = h('p', { class: 'muted' });
  let shown = 0;
  /** the dossiers the table shows, for the CSV export */
  /** @type {DossierView[]} */
  let items = [];

  async function page() {
    more.disabled = true;
    results.setAttribute('aria-busy', 'true');
    try {
      const res = await listDossiers(
        {
          q: params.q,
          state: params.state,
          timeliness: params.timeliness,
          procedure: params.procedure,
          receivedFrom: params.receivedFrom,
          receivedTo: params.receivedTo,
          sort: params.sort,
          mine: params.mine === '1' ? 1 : '',
          ...drill,
          limit: 50,
          cursor,
        },
        { signal },
      );
      for (const v of res.items) tbody.append(row(v));
      items.push(...res.items);
      shown += res.items.length;
      cursor = res.nextCursor;
      more.hidden = !cursor;
      count.textContent = shown ? `${shown}${cursor ? '+' : ''} hồ sơ` : '';
      if (!shown) {
        clear(results);
        results.append(h('p', { class: 'empty' }, 'Không tìm thấy hồ sơ nào.'));
      }
    } catch (err) {
      if (err instanceof Error && err.name === 'AbortError') return;
      clear(results);
      results.append(errorBox(err));
    } finally {
      more.disabled = false;
      results.removeAttribute('aria-busy');
    }
  }

  /** @param {DossierView} v */
  function row(v) {
    return h(
      'tr',
      { class: `row-${v.timeliness}`, dataset: { code: v.code } },
      h('td', null, dossierLink(v.code)),
      h(
        'td',
        { class: 'c-proc' },
        h('span', { class: 'clip', title: procedureNameOf(v, catalogue) }, procedureNameOf(v, catalogue)),
        h('br'),
        h('small', null, v.applicant?.fullName ?? ''),
      ),
      h('td', { class: 'c-time' }, fmtTime(v.receivedAt ?? v.submittedAt)),
      h('td', { class: 'c-time' }, fmtTime(v.dueAt) || '—'),
      h('td', null, `${unitLabel(v.unit) || '—'}`, v.stepName ? h('small', { class: 'block' }, v.stepName) : null),
      h('td', null, stateBadge(v.state), ' ', timelinessBadge(v.timeliness, v.state)),
    );
  }

  async function run() {
    clear(results);
    clear(tbody);
    shown = 0;
    items = [];
    cursor = null;
    results.append(
      count,
      dataTable(
        { class: 'data', caption: 'Kết quả tra cứu' },
        ['Mã hồ sơ', 'Thủ tục · Người nộp', 'Tiếp nhận', 'Hẹn trả', 'Đơn vị · Bước', 'Tình trạng'],
        tbody,
      ),
      more,
    );
    await page();
  }

  /** the rows the table shows, as a CSV file (UTF-8 with a BOM so that Excel reads Vietnamese) */
  function exportCsv() {
    const text = csvText(
      CSV_HEADERS,
      items.map((v) => csvRow(v, catalogue)),
    );
    const blob = new Blob([text], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: 'tra-cuu-ho-so.csv', hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  results.append(spinner());
  await run();
}

const CSV_HEADERS = ['Mã hồ sơ', 'Thủ tục', 'Người nộp', 'Tiếp nhận', 'Hẹn trả', 'Đơn vị', 'Bước', 'Trạng thái', 'Tiến độ'];

/** one dossier as the table shows it */
/**
 * @param {DossierView} v
 * @param {Procedure[]} catalogue
 */
function csvRow(v, catalogue) {
  return [
    v.code,
    procedureNameOf(v, catalogue),
    v.applicant?.fullName ?? '',
    fmtTime(v.receivedAt ?? v.submittedAt),
    fmtTime(v.dueAt),
    unitLabel(v.unit),
    v.stepName ?? '',
    stateLabel(v.state),
    timelinessLabel(v.timeliness),
  ];
}
