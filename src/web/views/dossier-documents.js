/**
 * The dossier page's documents (issue 14): each required component of the procedure with its paper copies
 * and its stored file — or "paper only" — its versions (REPLACE_DOCUMENT keeps every one, with the reason),
 * the reuse marker when it came from the applicant's earlier dossier (REUSE_DOCUMENT), downloads; then the
 * office's working documents and the result. Attaching, replacing and reusing are offered only when the
 * server permits the event now (permittedEvents).
 */
import { ApiError, sendEvent } from '../api.js';
import { openDialog } from '../dialog.js';
import { append, clear, field, h, showFormError, spinner, toast } from '../dom.js';
import { downloadButton, filePicker, fmtBytes, listDocuments, listReusable, shortHash, TYPE_NAMES, viewButton } from '../documents.js';
import { COMPONENT_STATUSES, fmtDate, fmtTime } from '../labels.js';

/** @typedef {import('../documents.js').DossierDocument} DossierDocument */
/** @typedef {import('../documents.js').ReusableDocument} ReusableDocument */
/** @typedef {import('../documents.js').NamedUpload} NamedUpload */

export const RESULT_FORM_LABELS = /** @type {Record<string, string>} */ ({
  electronic_original: 'Bản điện tử gốc (người nộp tải được)',
  digitised_copy: 'Bản sao số hóa từ bản giấy',
});

/**
 * @param {any} view DossierDetail
 * @param {any} proc the procedure version (requiredDocuments)
 * @param {(updated?: any) => void} reload
 * @param {AbortSignal} signal
 */
export function documentsPanel(view, proc, reload, signal) {
  const body = h('div', { class: 'docs-body' }, spinner('Đang tải tài liệu…'));
  const panel = h(
    'section',
    { class: 'panel docs-panel', id: 'docs-panel', 'aria-labelledby': 'docs-title' },
    h('h2', { id: 'docs-title' }, 'Thành phần hồ sơ và tài liệu số hóa'),
    body,
  );
  const permitted = /** @type {string[]} */ (view.permittedEvents ?? []);
  const can = (/** @type {string} */ t) => permitted.includes(t);
  Promise.all([
    listDocuments(view.code, { signal }),
    can('REUSE_DOCUMENT') ? listReusable(view.code, { signal }).catch(() => []) : Promise.resolve([]),
  ]).then(
    ([docs, reusable]) => {
      if (signal.aborted) return;
      clear(body);
      append(body, content(view, proc, docs, reusable, can, reload));
    },
    (err) => {
      if (signal.aborted || err?.name === 'AbortError') return;
      clear(body);
      body.append(h('p', { class: 'alert alert-error', role: 'alert' }, err?.message ?? String(err)));
    },
  );
  return panel;
}

/**
 * @param {any} view
 * @param {any} proc
 * @param {DossierDocument[]} docs
 * @param {ReusableDocument[]} reusable
 * @param {(t: string) => boolean} can
 * @param {(updated?: any) => void} reload
 */
function content(view, proc, docs, reusable, can, reload) {
  const required = /** @type {{name: string, copies?: number, original?: boolean}[]} */ (proc?.requiredDocuments ?? []);
  const paper = /** @type {{name: string, copies: number}[]} */ (view.documents ?? []);
  const ctx = { view, can, reload };
  const byComponent = (/** @type {number} */ i) => docs.filter((d) => d.kind === 'component' && d.component === i);
  const digitised = required.filter((_, i) => byComponent(i).length).length;
  // shown to the clerk and handed back at receipt (xuất trình, không lưu): not kept, so nothing to digitise
  const shown = /** @type {number[]} */ (view.digitisation?.shown ?? []).filter((i) => !byComponent(i).length);
  // optional ("nếu có") and not brought: not in the dossier either, though a scan may still be attached
  const notBrought = /** @type {number[]} */ (view.digitisation?.optionalAbsent ?? []).filter((i) => !byComponent(i).length);
  const kept = required.length - shown.length - notBrought.length;
  const rows = required.map((r, i) => {
    const files = byComponent(i);
    const copies = paper.find((p) => p.name === r.name)?.copies;
    const offers = reusable.filter((o) => o.component === i || o.componentName === r.name);
    return h(
      'tr',
      { dataset: { component: String(i), digitised: String(files.length > 0), shown: String(shown.includes(i)) } },
      h('th', { scope: 'row' }, r.name, copies ? h('small', { class: 'block muted' }, `Bản giấy đã nhận: ${copies}`) : null),
      h(
        'td',
        null,
        files.length
          ? files.map((d) => documentItem(ctx, d))
          : shown.includes(i)
            ? h('span', { class: 'badge shown-only' }, COMPONENT_STATUSES.shown)
            : [
                notBrought.includes(i)
                  ? h('span', { class: 'badge optional-absent' }, COMPONENT_STATUSES.optionalAbsent)
                  : h('span', { class: 'badge paper-only' }, COMPONENT_STATUSES.paperOnly),
                can('ATTACH_DOCUMENT') ? attachControls(ctx, { kind: 'component', component: i }, `Tải bản quét lên`) : null,
                can('REUSE_DOCUMENT') && offers.length ? reuseOffers(ctx, i, offers) : null,
              ],
      ),
    );
  });
  const working = docs.filter((d) => d.kind === 'working');
  const results = docs.filter((d) => d.kind === 'result');
  return [
    required.length
      ? h(
          'p',
          { class: 'docs-summary', id: 'docs-summary' },
          `Đã số hóa ${digitised}/${kept} thành phần hồ sơ theo quy định`,
          digitised < kept ? ' · các thành phần còn lại chỉ có bản giấy' : '',
          shown.length ? ` · ${shown.length} giấy tờ chỉ xuất trình, không lưu` : '',
        )
      : null,
    required.length
      ? h(
          'table',
          { class: 'docs-table' },
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Thành phần'), h('th', { scope: 'col' }, 'Bản số hóa'))),
          h('tbody', null, rows),
        )
      : h('p', { class: 'muted' }, 'Thủ tục không quy định thành phần hồ sơ.'),
    h('h3', null, 'Tài liệu trong quá trình xử lý'),
    working.length
      ? h(
          'div',
          { class: 'docs-working' },
          working.map((d) => documentItem(ctx, d)),
        )
      : h('p', { class: 'muted' }, 'Chưa có.'),
    can('ATTACH_DOCUMENT') && !['submitted', 'received'].includes(view.state)
      ? attachControls(ctx, { kind: 'working' }, 'Đính kèm tài liệu (biên bản, ý kiến…)', true)
      : null,
    h('h3', null, 'Kết quả giải quyết'),
    results.length
      ? h(
          'div',
          { class: 'docs-result', id: 'docs-result' },
          results.map((d) => documentItem(ctx, d)),
        )
      : h('p', { class: 'muted' }, view.resultAt ? 'Kết quả không có bản số hóa.' : 'Chưa có kết quả.'),
  ];
}

/**
 * One document: its current version (name, size, type, when, by whom), the reuse marker, a download, and
 * the version history with each replacement's reason.
 * @param {{view: any, can: (t: string) => boolean, reload: (updated?: any) => void}} ctx
 * @param {DossierDocument} d
 */
function documentItem(ctx, d) {
  const cur = d.versions[d.versions.length - 1];
  if (!cur) return null;
  const reused = cur.reusedFrom;
  return h(
    'div',
    { class: 'doc-item', dataset: { documentId: d.id, versions: String(d.versions.length) } },
    h(
      'div',
      { class: 'doc-line' },
      h('span', { class: 'doc-name' }, cur.name),
      ' ',
      h('small', { class: 'muted' }, `${fmtBytes(cur.size)} · ${TYPE_NAMES[cur.mediaType] ?? cur.mediaType}`),
      d.versions.length > 1 ? h('span', { class: 'badge doc-version' }, `Phiên bản ${cur.version}`) : null,
      reused
        ? h(
            'span',
            {
              class: 'badge doc-reused',
              title: `Từ hồ sơ ${reused.dossierCode}, tài liệu ${reused.documentId}, phiên bản ${reused.version}`,
            },
            `Dùng lại từ hồ sơ ${reused.dossierCode}`,
          )
        : null,
      d.form ? h('span', { class: 'badge doc-form' }, RESULT_FORM_LABELS[d.form] ?? d.form) : null,
    ),
    h(
      'div',
      { class: 'doc-actions' },
      viewButton(ctx.view.code, d.id, cur),
      downloadButton(ctx.view.code, d.id, cur),
      ctx.can('REPLACE_DOCUMENT') && d.kind !== 'result'
        ? h(
            'button',
            { type: 'button', class: 'secondary small', dataset: { replace: d.id }, onclick: () => replaceDialog(ctx, d) },
            'Thay bằng phiên bản mới',
          )
        : null,
    ),
    d.versions.length > 1
      ? h(
          'details',
          { class: 'doc-history' },
          h('summary', null, `Lịch sử ${d.versions.length} phiên bản`),
          h(
            'ol',
            { class: 'doc-versions', reversed: true },
            [...d.versions]
              .reverse()
              .map((v) =>
                h(
                  'li',
                  { dataset: { version: String(v.version) } },
                  h('b', null, `Phiên bản ${v.version}`),
                  `: ${v.name} · ${fmtBytes(v.size)} · ${fmtTime(v.at)}`,
                  v.reason ? h('span', { class: 'block' }, `Lý do thay thế: ${v.reason}`) : null,
                  ' ',
                  shortHash(v.sha256),
                  ' ',
                  viewButton(ctx.view.code, d.id, v),
                  downloadButton(ctx.view.code, d.id, v, 'Tải phiên bản này'),
                ),
              ),
          ),
        )
      : h('div', { class: 'muted small' }, `Lưu lúc ${fmtTime(cur.at)} · `, shortHash(cur.sha256)),
  );
}

/**
 * A picker and an "attach" button: each uploaded file becomes one ATTACH_DOCUMENT.
 * @param {{view: any, can: (t: string) => boolean, reload: (updated?: any) => void}} ctx
 * @param {{kind: 'component' | 'working', component?: number}} what
 * @param {string} label
 * @param {boolean} [multiple]
 */
function attachControls(ctx, what, label, multiple = false) {
  const id = `attach-${what.kind}-${what.component ?? 'w'}`;
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const send = h('button', { type: 'button', class: 'primary small', hidden: true, dataset: { attach: id } }, 'Đính kèm vào hồ sơ');
  const picker = filePicker({
    id,
    label,
    multiple,
    dossier: ctx.view.code,
    onChange: () => {
      send.hidden = picker.uploaded().length === 0;
      send.disabled = picker.pending() > 0;
    },
  });
  const box = h('div', { class: 'attach-box' }, picker.el, send, error);
  send.addEventListener('click', async () => {
    send.disabled = true;
    let current = ctx.view;
    try {
      for (const f of picker.uploaded())
        current = await sendEvent(current.code, current.version, 'ATTACH_DOCUMENT', { ...what, sha256: f.sha256, name: f.name });
      toast(`Đã đính kèm ${picker.uploaded().length} tệp vào hồ sơ ${current.code}`);
      ctx.reload(current);
    } catch (err) {
      showFormError(box, eventErrorText(err));
      send.disabled = false;
    }
  });
  return box;
}

/**
 * The applicant's digitised documents from earlier dossiers that fit this component: attach by reference.
 * @param {{view: any, can: (t: string) => boolean, reload: (updated?: any) => void}} ctx
 * @param {number} component
 * @param {ReusableDocument[]} offers
 */
function reuseOffers(ctx, component, offers) {
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const box = h(
    'div',
    { class: 'reuse-offers' },
    h('p', { class: 'hint' }, 'Người nộp đã có bản số hóa từ hồ sơ trước — dùng lại, không cần quét lại:'),
    h(
      'ul',
      { class: 'plain' },
      offers.map((o) =>
        h(
          'li',
          null,
          h(
            'button',
            {
              type: 'button',
              class: 'secondary small',
              dataset: { reuse: `${o.source.dossierCode}/${o.source.documentId}` },
              onclick: async (/** @type {Event} */ e) => {
                const b = /** @type {HTMLButtonElement} */ (e.currentTarget);
                b.disabled = true;
                try {
                  const updated = await sendEvent(ctx.view.code, ctx.view.version, 'REUSE_DOCUMENT', {
                    component,
                    source: { dossierCode: o.source.dossierCode, documentId: o.source.documentId },
                  });
                  toast(`Đã dùng lại «${o.file.name}» từ hồ sơ ${o.source.dossierCode}`);
                  ctx.reload(updated);
                } catch (err) {
                  showFormError(box, eventErrorText(err));
                  b.disabled = false;
                }
              },
            },
            'Dùng lại',
          ),
          ` ${o.file.name} (${fmtBytes(o.file.size)}) — hồ sơ ${o.source.dossierCode}, ${fmtDate(o.at)}`,
        ),
      ),
    ),
    error,
  );
  return box;
}

/**
 * A new version of a document: the file and the reason; the old version stays.
 * @param {{view: any, can: (t: string) => boolean, reload: (updated?: any) => void}} ctx
 * @param {DossierDocument} d
 */
async function replaceDialog(ctx, d) {
  const cur = d.versions[d.versions.length - 1];
  const picker = filePicker({ id: `replace-${d.id}`, label: 'Chọn tệp mới', dossier: ctx.view.code });
  const updated = await openDialog({
    title: `Thay «${cur?.name ?? d.id}» bằng phiên bản mới`,
    submitLabel: 'Lưu phiên bản mới',
    build: (body) =>
      body.append(
        h('p', { class: 'dlg-intro' }, 'Phiên bản cũ vẫn được giữ và tải về được; lý do được ghi vào lịch sử hồ sơ.'),
        h('div', { class: 'field', dataset: { field: 'sha256' } }, picker.el, h('p', { class: 'field-error', hidden: true })),
        field({ label: 'Lý do thay thế', name: 'reason', type: 'textarea', required: true, rows: 2 }),
      ),
    onSubmit: async (ctl) => {
      if (picker.pending()) return ctl.error('Đang tải tệp lên, vui lòng đợi.');
      const file = picker.uploaded()[0];
      if (!file) return ctl.issues(/** @type {any[]} */ ([{ field: 'sha256', reason: 'required', vi: 'Chọn tệp mới' }]));
      const reason = /** @type {HTMLTextAreaElement} */ (ctl.form.elements.namedItem('reason')).value.trim();
      try {
        ctl.close(
          await sendEvent(ctx.view.code, ctx.view.version, 'REPLACE_DOCUMENT', {
            documentId: d.id,
            sha256: file.sha256,
            name: file.name,
            reason,
          }),
        );
      } catch (err) {
        if (err instanceof ApiError && err.issues.length) ctl.issues(err.issues, err.message);
        else ctl.error(eventErrorText(err));
      }
    },
  });
  if (updated) {
    toast('Đã lưu phiên bản mới');
    ctx.reload(updated);
  }
}

/** @param {unknown} err */
function eventErrorText(err) {
  if (err instanceof ApiError && err.code === 'VERSION_CONFLICT') return 'Hồ sơ vừa được người khác cập nhật: tải lại trang rồi làm lại.';
  return err instanceof Error ? err.message : String(err);
}
