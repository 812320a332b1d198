/**
 * Bảng điều hành — for supervisors: this week's counts by timeliness and the overdue list, computed
 * from GET /api/dossiers filters (timeliness=…, every page), counted here.
 *   - open dossiers: Trong hạn / Sắp đến hạn / Quá hạn (all open, whenever received);
 *   - results this week (resultAt since Monday 00:00, Hanoi): Trước hạn / Đúng hạn / Trễ hạn;
 *   - received this week.
 */
import { listAll } from '../api.js';
import { procedureNameOf, procedures } from '../catalog.js';
import { append, clear, dossierLink, errorBox, h, spinner, stateBadge } from '../dom.js';
import { TIMELINESS_LABELS, fmtDate, fmtTime, isPending, relativeDue, startOfWeek, unitLabel } from '../labels.js';

const OPEN = ['on_track', 'due_soon', 'overdue'];
const DONE = ['early', 'on_time', 'late'];
const MAX_ITEMS = 5000;

export async function render(root, { signal }) {
  const weekStart = startOfWeek();
  const now = Date.now();
  root.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', null, 'Bảng điều hành'),
      h('p', { class: 'muted' }, `Tuần này: từ ${fmtDate(weekStart)} đến ${fmtDate(now)} · cập nhật ${fmtTime(now)}`),
    ),
  );
  const body = h('div', { class: 'dashboard' }, spinner('Đang tổng hợp…'));
  root.append(body);

  const catalogue = await procedures().catch(() => []);
  let lists;
  try {
    lists = await Promise.all([...OPEN, ...DONE].map((t) => listAll({ timeliness: t, sort: t === 'overdue' ? 'due' : undefined }, { signal, maxItems: MAX_ITEMS })));
  } catch (err) {
    if (err.name === 'AbortError' || signal.aborted) return;
    clear(body);
    body.append(errorBox(err));
    return;
  }
  if (signal.aborted) return;
  const by = Object.fromEntries([...OPEN, ...DONE].map((t, i) => [t, lists[i].items]));
  const truncated = lists.some((l) => l.truncated);
  const inWeek = (at) => at && Date.parse(at) >= weekStart;

  const openCount = (t) => by[t].filter((v) => isPending(v.state)).length;
  const doneThisWeek = (t) => by[t].filter((v) => inWeek(v.resultAt)).length;
  const all = Object.values(by).flat();
  const receivedThisWeek = all.filter((v) => inWeek(v.receivedAt)).length;
  const doneTotal = DONE.reduce((n, t) => n + doneThisWeek(t), 0);
  const onTime = doneThisWeek('early') + doneThisWeek('on_time');

  const card = (t, n, note) =>
    h(
      'a',
      { class: `stat stat-${t}`, href: `#/tra-cuu?timeliness=${t}`, dataset: { timeliness: t } },
      h('span', { class: 'stat-n' }, String(n)),
      h('span', { class: 'stat-label' }, TIMELINESS_LABELS[t]),
      note ? h('small', null, note) : null,
    );

  const overdue = by.overdue
    .filter((v) => isPending(v.state))
    .sort((a, b) => Date.parse(a.dueAt ?? 0) - Date.parse(b.dueAt ?? 0));

  clear(body);
  append(body, [
    h(
      'div',
      { class: 'stat-groups' },
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'open-title' },
        h('h2', { id: 'open-title' }, 'Đang giải quyết'),
        h('div', { class: 'stats' }, OPEN.map((t) => card(t, openCount(t)))),
      ),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'done-title' },
        h('h2', { id: 'done-title' }, 'Có kết quả trong tuần'),
        h('div', { class: 'stats' }, DONE.map((t) => card(t, doneThisWeek(t)))),
        h('p', { class: 'muted' }, doneTotal ? `Đúng hạn hoặc trước hạn: ${Math.round((onTime * 100) / doneTotal)}% (${onTime}/${doneTotal})` : 'Chưa có hồ sơ nào có kết quả trong tuần.'),
      ),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'recv-title' },
        h('h2', { id: 'recv-title' }, 'Tiếp nhận trong tuần'),
        h('div', { class: 'stats' }, h('a', { class: 'stat stat-received', href: '#/tra-cuu', dataset: { stat: 'received' } }, h('span', { class: 'stat-n' }, String(receivedThisWeek)), h('span', { class: 'stat-label' }, 'Hồ sơ'))),
      ),
    ),
    truncated ? h('p', { class: 'alert alert-warn' }, `Chỉ tính ${MAX_ITEMS} hồ sơ đầu tiên của mỗi nhóm.`) : null,
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'overdue-title' },
      h('h2', { id: 'overdue-title' }, `Hồ sơ quá hạn (${overdue.length})`),
      overdue.length
        ? h(
            'table',
            { class: 'data', id: 'overdue-list' },
            h('thead', null, h('tr', null, ['Mã hồ sơ', 'Thủ tục · Người nộp', 'Hạn', 'Quá', 'Đơn vị · Bước', 'Người xử lý', 'Trạng thái'].map((t) => h('th', { scope: 'col' }, t)))),
            h(
              'tbody',
              null,
              overdue.map((v) =>
                h(
                  'tr',
                  { class: 'row-overdue', dataset: { code: v.code } },
                  h('td', null, dossierLink(v.code)),
                  h('td', { class: 'c-proc' }, h('span', { class: 'clip' }, procedureNameOf(v, catalogue)), h('br'), h('small', null, v.applicant?.fullName ?? v.applicantName ?? '')),
                  h('td', { class: 'c-time' }, fmtTime(v.dueAt)),
                  h('td', null, relativeDue(v.dueAt).replace(/^quá /, '')),
                  h('td', null, unitLabel(v.unit) || '—', v.stepName ? h('small', { class: 'block' }, v.stepName) : null),
                  h('td', null, v.assignee ?? '—'),
                  h('td', null, stateBadge(v.state)),
                ),
              ),
            ),
          )
        : h('p', { class: 'empty' }, 'Không có hồ sơ quá hạn.'),
    ),
  ]);
}
