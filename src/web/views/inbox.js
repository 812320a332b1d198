/**
 * Hộp việc — the dossiers at my unit or assigned to me that wait for someone to act, most urgent
 * first (due date), due-soon and overdue ones marked. Each row offers its next move and the others.
 */
import { listAll } from '../api.js';
import { actionButton, moreButton, primaryAction } from '../actions.js';
import { procedureNameOf, procedures } from '../catalog.js';
import { clear, dataTable, dossierLink, errorBox, h, spinner, stateBadge, timelinessBadge } from '../dom.js';
import { fmtTime, pendingStates, relativeDue, timelinessLabel, unitLabel } from '../labels.js';
/** @import { ViewContext } from '../app.js' */
/** @import { DossierView } from '../types.js' */

/** the chips: all, or one timeliness (its label from the vocabulary) */
const FILTERS = ['all', 'due_soon', 'overdue'];
const filterLabel = (/** @type {string} */ key) => (key === 'all' ? 'Tất cả' : timelinessLabel(key));
const REFRESH_MS = 60_000;

/**
 * @param {HTMLElement} root
 * @param {ViewContext} ctx
 */
export async function render(root, { user, query, signal }) {
  const catalogue = await procedures().catch(() => []);
  let filter = FILTERS.find((k) => k === query.get('loc')) ?? 'all';
  /** @type {DossierView[]} */
  let items = [];

  const chips = h('div', { class: 'chips', role: 'group', 'aria-label': 'Lọc theo tiến độ' });
  const body = h('div', { class: 'inbox-body' });
  const updated = h('span', { class: 'hint', 'aria-live': 'polite' });
  root.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', null, 'Hộp việc'),
      h(
        'p',
        { class: 'muted' },
        `Hồ sơ tại ${unitLabel(user.unit)} hoặc giao cho ${user.fullName ?? user.username}, hạn gần nhất lên đầu.`,
      ),
      h(
        'div',
        { class: 'head-tools' },
        chips,
        h('button', { type: 'button', class: 'secondary small', onclick: () => load() }, 'Làm mới'),
        updated,
      ),
    ),
    body,
  );

  const renderChips = () => {
    clear(chips);
    for (const key of FILTERS) {
      const label = filterLabel(key);
      const n = key === 'all' ? items.length : items.filter((v) => v.timeliness === key).length;
      chips.append(
        h(
          'button',
          {
            type: 'button',
            class: ['chip', `chip-${key}`],
            'aria-pressed': String(filter === key),
            onclick: () => ((filter = key), renderChips(), renderTable()),
          },
          `${label} (${n})`,
        ),
      );
    }
  };

  const renderTable = () => {
    clear(body);
    const shown = filter === 'all' ? items : items.filter((v) => v.timeliness === filter);
    if (!shown.length) {
      body.append(
        h('p', { class: 'empty' }, filter === 'all' ? 'Không có hồ sơ nào đang chờ bạn xử lý.' : 'Không có hồ sơ nào trong nhóm này.'),
      );
      return;
    }
    body.append(
      dataTable(
        { class: 'data inbox', caption: 'Hồ sơ chờ xử lý, sắp xếp theo hạn' },
        ['Hạn xử lý', 'Mã hồ sơ', 'Thủ tục · Người nộp', 'Bước hiện tại', 'Tình trạng', 'Thao tác'],
        h(
          'tbody',
          null,
          shown.map((v) => row(v)),
        ),
      ),
    );
  };

  const row = (/** @type {DossierView} */ v) => {
    const primary = primaryAction(v, user);
    return h(
      'tr',
      { class: `row-${v.timeliness}`, dataset: { code: v.code } },
      h(
        'td',
        { class: 'c-due' },
        v.dueAt
          ? [h('b', null, fmtTime(v.dueAt)), h('br'), h('small', null, relativeDue(v.dueAt))]
          : [h('b', null, 'Chưa có hạn'), h('br'), h('small', null, `Đăng ký ${fmtTime(v.submittedAt)}`)],
      ),
      h('td', null, dossierLink(v.code)),
      h(
        'td',
        { class: 'c-proc' },
        h('span', { class: 'clip', title: procedureNameOf(v, catalogue) }, procedureNameOf(v, catalogue)),
        h('br'),
        h('small', null, v.applicant?.fullName ?? ''),
      ),
      h(
        'td',
        { class: 'c-step' },
        h('span', { class: 'clamp-2', title: v.stepName ?? v.step ?? '' }, v.stepName ?? v.step ?? '—'),
        v.assignee ? h('small', { class: 'block' }, `Người xử lý: ${v.assigneeName ?? v.assignee}`) : null,
      ),
      h('td', null, stateBadge(v.state), ' ', timelinessBadge(v.timeliness, v.state)),
      h(
        'td',
        { class: 'c-actions' },
        primary ? actionButton(v, primary, user, () => load(), { primary: true }) : null,
        moreButton(v, user, () => load(), primary === 'FORWARD' ? ['ASSIGN'] : [primary]),
      ),
    );
  };

  async function load() {
    if (!items.length) {
      clear(body);
      body.append(spinner());
    }
    try {
      const res = await listAll({ mine: 1, state: pendingStates(), sort: 'due' }, { signal, maxItems: 500 });
      items = res.items.sort(byDue);
      updated.textContent = `Cập nhật ${fmtTime(Date.now()).slice(0, 5)}`;
      renderChips();
      renderTable();
    } catch (err) {
      if ((err instanceof Error && err.name === 'AbortError') || signal.aborted) return;
      clear(body);
      body.append(errorBox(err));
    }
  }

  await load();
  const timer = setInterval(() => {
    if (!document.querySelector('dialog[open]') && !document.hidden) load();
  }, REFRESH_MS);
  return () => clearInterval(timer);
}

/** soonest due first; then those without a due date, oldest submission first (as the API's sort=due) */
/**
 * @param {DossierView} a
 * @param {DossierView} b
 */
export function byDue(a, b) {
  const x = a.dueAt ? Date.parse(a.dueAt) : Infinity;
  const y = b.dueAt ? Date.parse(b.dueAt) : Infinity;
  if (x !== y) return x - y;
  return (Date.parse(a.submittedAt) || 0) - (Date.parse(b.submittedAt) || 0) || String(a.code).localeCompare(String(b.code));
}
