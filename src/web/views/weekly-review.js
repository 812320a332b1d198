/**
 * Rà soát hồ sơ trễ hạn tuần — the weekly late-dossier review (#/ra-soat?tuan=2026-W11&donvi=KINHTE):
 * choose the week (default: last week) and the unit (default: the whole centre; an office's leader or
 * supervisor sees their office only); the late and soon-late dossiers with the unit and step that caused
 * the delay, pauses, the apology (or exemption); a cause and corrective action per dossier; the week's
 * sign-off (who signed and when); the review as CSV, XLSX or printable HTML through authenticated
 * downloads (download.js). Reads GET /api/reports/weekly-late-review (JSON) and …/sign-offs.
 */
import { get, post, qs } from '../api.js';
import { closeWhenDone, openDialog } from '../dialog.js';
import { downloadFile, openPrintable } from '../download.js';
import { append, clear, dossierLink, busyClick, field, h, loadOrShowError, spinner, stateBadge, toast, values } from '../dom.js';
import { APOLOGY_STATUSES, fmtDate, fmtTime, localDate, relativeDue, REVIEW_CATEGORIES, UNIT_LABELS } from '../labels.js';
import { addDays, isoWeekOf, mondayOfWeek } from '../periods.js';
/** @import { ViewContext } from '../app.js' */
/** @import { WeekStatusList, WeeklyReview, WeeklyReviewDossier } from '../types.js' */
/** @typedef {WeeklyReviewDossier['category']} Category */
/**
 * what a section's rows need to write notes
 * @typedef {{writable: boolean, week: string, unit: string | undefined, reload: () => void}} NoteContext
 */

/** @type {Record<WeeklyReviewDossier['apology'], string>} the badge's colour; its words come from the vocabulary */
const APOLOGY_TONE = { none: 'bad', timely: 'ok', late: 'warn', exempted: 'ok' };
const WRITERS = ['supervisor', 'leader'];

const weekLabel = (/** @type {string} */ week) => {
  const monday = mondayOfWeek(week);
  return monday
    ? `tuần ${Number(week.slice(6))}/${week.slice(0, 4)} (${fmtDate(monday).slice(0, 5)} – ${fmtDate(addDays(monday, 6))})`
    : week;
};
const hrefOf = (/** @type {string} */ week, /** @type {string | undefined} */ unit) => `#/ra-soat${qs({ tuan: week, donvi: unit })}`;

/** @param {WeeklyReviewDossier} d */
const pausesOf = (d) => (d.pauses.count ? `${d.pauses.count} lần` : 'Không');

/** @param {WeeklyReviewDossier} d */
function apologyOf(d) {
  const tone = APOLOGY_TONE[d.apology] ?? 'warn';
  return h('span', { class: `badge apology apology-${tone}` }, APOLOGY_STATUSES[d.apology] ?? d.apology);
}

/**
 * @param {HTMLElement} root
 * @param {ViewContext} ctx
 */
export async function render(root, { user, query, signal }) {
  const asked = query.get('tuan') ?? '';
  const week = mondayOfWeek(asked) ? asked : isoWeekOf(addDays(localDate(), -7));
  const requestedUnit = query.get('donvi') || '';
  const canWrite = (user.roles ?? []).some((r) => WRITERS.includes(r));

  const head = h(
    'div',
    { class: 'page-head' },
    h('h1', null, 'Rà soát hồ sơ trễ hạn tuần'),
    h('p', { class: 'muted' }, `Biên bản rà soát ${weekLabel(week)}`),
  );
  const body = h('div', { class: 'review' }, spinner('Đang lập danh sách…'));
  root.append(head, picker(week, requestedUnit, false), body);

  const scopeQuery = requestedUnit ? { unit: requestedUnit } : {};
  /** @type {[WeeklyReview, WeekStatusList] | null} */
  const loaded = await loadOrShowError(
    body,
    signal,
    Promise.all([
      get(`/api/reports/weekly-late-review${qs({ week, ...scopeQuery })}`, { signal }),
      get(`/api/reports/weekly-late-review/sign-offs${qs({ from: week, to: week, ...scopeQuery })}`, { signal }),
    ]),
  );
  if (!loaded) return;
  const [review, status] = loaded;
  // an office's leader or supervisor is answered with their own office: the unit choice is fixed
  const locked = !requestedUnit && review.scope !== 'centre';
  if (locked) root.querySelector('form.review-picker')?.replaceWith(picker(week, review.scope, true));
  const unit = review.scope === 'centre' ? undefined : review.scope;
  const reload = () => window.dispatchEvent(new HashChangeEvent('hashchange'));
  const st = status.weeks[0];
  const weekEnded = st.ended;
  const h0 = review;

  const path = (/** @type {string} */ format) => `/api/reports/weekly-late-review${qs({ week, unit, format })}`;
  const fileBase = `ra-soat-tre-han-${week}-${h0.scope}`;

  const signBox = h(
    'div',
    { class: `signoff ${st.signedOff ? 'signed' : 'unsigned'}`, id: 'signoff-status', role: 'status' },
    st.signedOff
      ? [
          h('strong', null, '✓ Đã ký duyệt'),
          ` bởi ${st.signedOffByName ?? st.signedOffBy} lúc ${fmtTime(st.signedOffAt)}`,
          h0.review.summary ? h('p', { class: 'summary' }, `Kết luận: ${h0.review.summary}`) : null,
        ]
      : [
          h('strong', null, 'Chưa ký duyệt'),
          weekEnded
            ? ' — tuần đã kết thúc, trưởng bộ phận ký duyệt sau khi ghi nguyên nhân và biện pháp khắc phục.'
            : ' — tuần chưa kết thúc: được ghi nguyên nhân, chỉ ký duyệt sau Chủ nhật.',
        ],
    h0.review.chain.valid
      ? null
      : h('p', { class: 'alert alert-error' }, `Biên bản bị sửa đổi ngoài hệ thống (bản ghi số ${h0.review.chain.brokenAt?.seq}).`),
  );

  const actions = h(
    'div',
    { class: 'review-actions no-print' },
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        id: 'dl-csv',
        onclick: busyClick(async () => toast(`Đã tải ${await downloadFile(path('csv'), `${fileBase}.csv`)}`)),
      },
      'Tải CSV',
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        id: 'dl-xlsx',
        onclick: busyClick(async () => toast(`Đã tải ${await downloadFile(path('xlsx'), `${fileBase}.xlsx`)}`)),
      },
      'Tải Excel (XLSX)',
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        id: 'dl-html',
        onclick: busyClick(async () => toast(`Đã tải ${await downloadFile(path('html'), `${fileBase}.html`)}`)),
      },
      'Tải bản in (HTML)',
    ),
    h(
      'button',
      { type: 'button', class: 'secondary', id: 'open-print', onclick: busyClick(() => openPrintable(path('html'), h0.title)) },
      'Mở bản in',
    ),
    canWrite && !st.signedOff && weekEnded
      ? h(
          'button',
          { type: 'button', class: 'primary', id: 'sign-off', onclick: () => signOff(week, unit, reload) },
          'Ký duyệt biên bản tuần',
        )
      : null,
  );

  /** @type {Record<Category, WeeklyReviewDossier[]>} */
  const sections = { resolved_late: [], overdue: [], at_risk: [] };
  for (const d of review.dossiers) (sections[d.category] ??= []).push(d);
  const t = review.totals;
  const writable = canWrite && !st.signedOff;

  clear(body);
  append(body, [
    h('p', { class: 'muted' }, `${h0.scopeName} · hồ sơ đang xử lý được xét tại ${fmtTime(h0.asOf)}`),
    signBox,
    actions,
    h(
      'div',
      { class: 'stats review-totals' },
      [
        ['late', 'Hồ sơ trễ hạn', t.late],
        ['overdue', 'Đang quá hạn', t.overdue],
        ['resolved-late', 'Giải quyết trễ hạn', t.resolvedLate],
        ['at-risk', 'Nguy cơ trễ hạn', t.atRisk],
        ['apology-none', 'Trễ hạn chưa xin lỗi', t.apologyNone],
      ].map(([k, label, n]) =>
        h(
          'div',
          { class: `stat stat-${k}`, dataset: { total: k } },
          h('span', { class: 'stat-n' }, String(n)),
          h('span', { class: 'stat-label' }, label),
        ),
      ),
      h(
        'div',
        { class: 'stat' },
        h('span', { class: 'stat-n' }, t.onTimeRate === null ? '—' : `${Math.round(t.onTimeRate * 1000) / 10}%`),
        h('span', { class: 'stat-label' }, `Tỷ lệ đúng hạn (${t.early + t.onTime}/${t.resolved})`),
      ),
    ),
    Object.entries(sections).map(([category, list]) => section(category, list, { writable, week, unit, reload })),
    review.followUp.length ? followUp(review.followUp) : null,
  ]);
}

/**
 * @param {string} week
 * @param {string} unit '' for the whole centre
 * @param {boolean} locked the unit is the user's own office, not a choice
 */
function picker(week, unit, locked) {
  const weekInput = h('input', { type: 'week', id: 'review-week', name: 'tuan', value: week, required: true });
  const unitSelect = h(
    'select',
    { id: 'review-unit', name: 'donvi', disabled: locked },
    h('option', { value: '', selected: !unit }, 'Toàn Trung tâm'),
    Object.entries(UNIT_LABELS).map(([code, label]) => h('option', { value: code, selected: unit === code }, label)),
  );
  const form = h(
    'form',
    { class: 'review-picker period-picker no-print', 'aria-label': 'Chọn tuần và đơn vị' },
    h(
      'a',
      {
        class: 'button secondary',
        href: hrefOf(isoWeekOf(addDays(/** @type {string} */ (mondayOfWeek(week)), -7)), locked ? '' : unit),
        id: 'week-prev',
      },
      '◀ Tuần trước',
    ),
    h('label', { for: 'review-week' }, 'Tuần '),
    weekInput,
    h('label', { for: 'review-unit' }, ' Đơn vị '),
    unitSelect,
    h('button', { type: 'submit', class: 'primary' }, 'Xem'),
    h(
      'a',
      {
        class: 'button secondary',
        href: hrefOf(isoWeekOf(addDays(/** @type {string} */ (mondayOfWeek(week)), 7)), locked ? '' : unit),
        id: 'week-next',
      },
      'Tuần sau ▶',
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const w = weekInput.value;
    if (!mondayOfWeek(w)) {
      toast('Chọn một tuần hợp lệ', 'error');
      return;
    }
    location.hash = hrefOf(w, locked ? '' : unitSelect.value);
  });
  return form;
}

/**
 * @param {WeeklyReviewDossier} d
 * @param {NoteContext} ctx
 */
function notesCell(d, ctx) {
  const last = d.notes[d.notes.length - 1];
  const promised = d.lastWeekNotes[d.lastWeekNotes.length - 1];
  return h(
    'td',
    { class: 'c-notes' },
    last
      ? h(
          'div',
          { class: 'note' },
          h('b', null, 'Nguyên nhân: '),
          last.cause,
          h('br'),
          h('b', null, 'Khắc phục: '),
          last.correctiveAction,
          h('small', { class: 'block muted' }, `${last.actorName ?? last.actor} · ${fmtTime(last.at)}`),
        )
      : h('span', { class: 'muted' }, 'Chưa ghi nguyên nhân'),
    promised ? h('div', { class: 'note promised' }, h('small', null, `Tuần trước đã cam kết: ${promised.correctiveAction}`)) : null,
    ctx.writable
      ? h(
          'button',
          { type: 'button', class: 'secondary small no-print', dataset: { note: d.code }, onclick: () => addNote(d, ctx) },
          last ? 'Ghi bổ sung' : 'Ghi nguyên nhân',
        )
      : null,
  );
}

/**
 * @param {string} category
 * @param {WeeklyReviewDossier[]} list
 * @param {NoteContext} ctx
 */
function section(category, list, ctx) {
  const id = `sec-${category}`;
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, `${REVIEW_CATEGORIES[category] ?? category} (${list.length})`),
    list.length
      ? h(
          'table',
          { class: 'data review-table', id },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              [
                'Mã hồ sơ',
                'Thủ tục · Người nộp',
                'Hạn giải quyết',
                category === 'at_risk' ? 'Thời gian còn lại' : 'Quá hạn',
                'Đơn vị · bước chịu trách nhiệm',
                'Tạm dừng',
                'Xin lỗi',
                'Nguyên nhân · Biện pháp khắc phục',
              ].map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          h(
            'tbody',
            null,
            list.map((d) =>
              h(
                'tr',
                { dataset: { code: d.code, category } },
                h('td', null, dossierLink(d.code), h('small', { class: 'block' }, stateBadge(d.state))),
                h(
                  'td',
                  { class: 'c-proc' },
                  h('span', { class: 'clip', title: d.procedure.name }, d.procedure.name),
                  h('br'),
                  h('small', null, d.applicant.fullName),
                ),
                h(
                  'td',
                  { class: 'c-time c-nowrap' },
                  fmtTime(d.dueAt),
                  d.appointmentAt && d.appointmentAt !== d.dueAt
                    ? h('small', { class: 'block' }, `Hẹn mới: ${fmtTime(d.appointmentAt)}`)
                    : null,
                ),
                h('td', { class: 'num c-nowrap' }, category === 'at_risk' ? relativeDue(d.dueAt) : `${d.daysOverdue} ngày LV`),
                h(
                  'td',
                  { class: 'c-resp' },
                  d.responsible
                    ? [
                        d.responsible.unitName || '—',
                        d.responsible.stepName ? h('small', { class: 'block' }, d.responsible.stepName) : null,
                      ]
                    : h('span', { class: 'muted' }, 'Chưa xác định'),
                ),
                h('td', null, pausesOf(d) ?? '—'),
                h('td', null, category === 'at_risk' ? '—' : apologyOf(d)),
                notesCell(d, ctx),
              ),
            ),
          ),
        )
      : h('p', { class: 'empty' }, 'Không có hồ sơ.'),
  );
}

/** @param {WeeklyReview['followUp']} items */
function followUp(items) {
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'followup-title' },
    h('h2', { id: 'followup-title' }, `Hồ sơ tuần trước đã cam kết khắc phục, nay không còn trong danh sách (${items.length})`),
    h(
      'ul',
      { class: 'plain' },
      items.map((f) =>
        h(
          'li',
          null,
          dossierLink(f.code),
          ' ',
          f.procedureName,
          ' — ',
          stateBadge(f.state),
          f.resultAt ? ` có kết quả ${fmtTime(f.resultAt)}` : '',
        ),
      ),
    ),
  );
}

/**
 * @param {WeeklyReviewDossier} d
 * @param {NoteContext} ctx
 */
async function addNote(d, { week, unit, reload }) {
  const saved = await openDialog({
    title: `Nguyên nhân và biện pháp khắc phục — ${d.code}`,
    submitLabel: 'Ghi vào biên bản',
    wide: true,
    build: (body) =>
      append(body, [
        h('p', { class: 'muted' }, `${d.procedure.name} · ${d.applicant.fullName}`),
        field({ label: 'Nguyên nhân chậm', name: 'cause', type: 'textarea', rows: 3, required: true, attrs: { maxlength: 2000 } }),
        field({
          label: 'Biện pháp khắc phục',
          name: 'correctiveAction',
          type: 'textarea',
          rows: 3,
          required: true,
          attrs: { maxlength: 2000 },
        }),
      ]),
    onSubmit: async (ctl) => {
      const v = values(ctl.form);
      await closeWhenDone(ctl, () =>
        post('/api/reports/weekly-late-review/notes', {
          week,
          ...(unit ? { unit } : {}),
          dossierCode: d.code,
          cause: v.cause,
          correctiveAction: v.correctiveAction,
        }),
      );
    },
  });
  if (saved) {
    toast(`Đã ghi nguyên nhân cho hồ sơ ${d.code}`);
    reload();
  }
}

/**
 * @param {string} week
 * @param {string | undefined} unit
 * @param {() => void} reload
 */
async function signOff(week, unit, reload) {
  const signed = await openDialog({
    title: `Ký duyệt biên bản rà soát ${weekLabel(week)}`,
    submitLabel: 'Ký duyệt',
    build: (body) =>
      append(body, [
        h('p', null, 'Sau khi ký duyệt, biên bản của tuần không thể ghi thêm.'),
        field({ label: 'Kết luận (không bắt buộc)', name: 'summary', type: 'textarea', rows: 3, attrs: { maxlength: 4000 } }),
      ]),
    onSubmit: async (ctl) => {
      const v = values(ctl.form);
      await closeWhenDone(ctl, () =>
        post('/api/reports/weekly-late-review/sign-off', { week, ...(unit ? { unit } : {}), ...(v.summary ? { summary: v.summary } : {}) }),
      );
    },
  });
  if (signed) {
    toast('Đã ký duyệt biên bản tuần');
    reload();
  }
}
