/**
 * Quầy tiếp nhận — the counter desk, used all day: receive a dossier (procedure → its documents as a
 * checklist → applicant → receive → code, due date, receipt), find one by code / phone / ID number,
 * hand back results, take in supplements and online submissions.
 */
import { ApiError, listDossiers, newIdempotencyKey, submitDossier } from '../api.js';
import { actionButton, actionsFor, forwardFromCounter, FORWARD_LABEL, moreButton } from '../actions.js';
import { fold, procedureNameOf, procedures } from '../catalog.js';
import {
  clear,
  clearIssues,
  dossierLink,
  errorBox,
  errorText,
  field,
  h,
  showFormError,
  showIssues,
  spinner,
  stateBadge,
  timelinessBadge,
  toast,
  values,
} from '../dom.js';
import {
  CHANNELS,
  CLOCK_STOPPED,
  COMPONENT_STATUSES,
  fmtAmount,
  fmtMoney,
  fmtTime,
  isClockStopped,
  LOOKUP_FACTOR_LABELS,
  relativeDue,
  unitLabel,
} from '../labels.js';
import { openForm } from '../print.js';
import { notificationFields, notificationOf } from '../notification-choice.js';
import { filePicker, limitsHint, listReusable } from '../documents.js';
/** @import { ViewContext } from '../app.js' */
/** @import { DossierView, Procedure, SessionUser, ValidationIssue } from '../types.js' */

const ID_RE = /^[0-9A-Z]{6,20}$/;
const PHONE_RE = /^\+?[0-9]{8,15}$/;

/**
 * @param {HTMLElement} root
 * @param {ViewContext} ctx
 */
export async function render(root, { user, signal }) {
  const catalogue = await procedures();
  if (signal.aborted) return;

  const intake = h('section', { class: 'panel intake', 'aria-labelledby': 'intake-title' });
  const side = h('section', { class: 'panel desk-side', 'aria-labelledby': 'desk-side-title' });
  root.append(h('div', { class: 'counter-grid' }, intake, side));

  const desk = new IntakeForm(intake, catalogue, user);
  desk.show();
  const lists = new DeskLists(side, catalogue, user, signal);
  lists.show();
  desk.onReceived = () => lists.refresh();

  const onKey = (/** @type {KeyboardEvent} */ e) => {
    if (e.key === 'F2') {
      e.preventDefault();
      desk.reset();
    }
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}

// ---- receiving --------------------------------------------------------------------------------

class IntakeForm {
  /**
   * @param {HTMLElement} host
   * @param {Procedure[]} catalogue
   * @param {SessionUser} user
   */
  constructor(host, catalogue, user) {
    // built by show(), which runs before anything else uses them
    /** @type {HTMLInputElement} */ this.procInput;
    /** @type {HTMLParagraphElement} */ this.procInfo;
    /** @type {HTMLFieldSetElement} */ this.docs;
    /** @type {HTMLFormElement} */ this.form;
    /** @type {HTMLDivElement} */ this.done;
    this.host = host;
    this.catalogue = catalogue;
    this.user = user;
    /** @type {Procedure | null} the procedure chosen */
    this.proc = null;
    /** the scans of each required document (by its index in the procedure's list), uploaded as they are picked */
    /** @type {Map<number, ReturnType<typeof filePicker>>} */
    this.scans = new Map();
    /** the Idempotency-Key of the submission in flight; kept for a retry when its outcome is unknown */
    /** @type {string | null} */
    this.key = null;
    /** a submission is in flight */
    this.busy = false;
    /** @type {(view: DossierView) => void} called with each dossier received or forwarded */
    this.onReceived = () => {};
  }

  show() {
    const c = this.catalogue;
    clear(this.host);
    const list = h(
      'datalist',
      { id: 'procedure-list' },
      c.map((p) => h('option', { value: `${p.code} — ${p.name}` })),
    );
    this.procInput = h('input', {
      id: 'procedure',
      name: 'procedure',
      list: 'procedure-list',
      autocomplete: 'off',
      spellcheck: 'false',
      required: true,
      autofocus: true,
      placeholder: 'Gõ mã (1.001612) hoặc tên thủ tục',
      'aria-describedby': 'procedure-info procedure-err',
      dataset: { field: 'procedureCode' },
    });
    this.procInfo = h('p', { id: 'procedure-info', class: 'hint' }, `${c.length} thủ tục. Gõ mã hoặc vài chữ của tên rồi chọn.`);
    this.docs = h('fieldset', { class: 'docs', dataset: { field: 'documents' }, hidden: true });
    this.form = h(
      'form',
      { id: 'intake-form', novalidate: true, 'aria-describedby': 'intake-help' },
      h(
        'div',
        { class: 'proc-row' },
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'procedure' }, 'Thủ tục hành chính', h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
          this.procInput,
          list,
          h('p', { class: 'field-error', id: 'procedure-err', hidden: true }),
        ),
        field({ label: 'Hình thức nộp', name: 'channel', type: 'select', value: 'counter', options: Object.entries(CHANNELS) }),
      ),
      this.procInfo,
      this.docs,
      h(
        'fieldset',
        { class: 'applicant' },
        h('legend', null, 'Người nộp hồ sơ'),
        h(
          'div',
          { class: 'grid-3' },
          field({ label: 'Họ và tên', name: 'applicant.fullName', required: true, attrs: { autocomplete: 'off', spellcheck: 'false' } }),
          field({
            label: 'Số CCCD / định danh',
            name: 'applicant.idNumber',
            required: true,
            attrs: { inputmode: 'numeric', autocomplete: 'off', maxlength: 20 },
          }),
          field({
            label: 'Số điện thoại',
            name: 'applicant.phone',
            required: true,
            type: 'tel',
            attrs: { autocomplete: 'off', maxlength: 16 },
          }),
          field({ label: 'Địa chỉ', name: 'applicant.address', required: true, wide: true, attrs: { autocomplete: 'off' } }),
          field({ label: 'Email', name: 'applicant.email', type: 'email', attrs: { autocomplete: 'off' } }),
          field({
            label: 'Tra cứu hồ sơ bằng 4 số cuối của',
            name: 'applicant.lookupFactor',
            type: 'select',
            value: 'phone',
            options: Object.entries(LOOKUP_FACTOR_LABELS),
            hint: 'Người nộp chọn; in trên giấy tiếp nhận, chỉ số này mở được trang tra cứu',
          }),
        ),
      ),
      notificationFields(),
      h('p', { class: 'form-error', role: 'alert', hidden: true }),
      h(
        'div',
        { class: 'submit-row' },
        field({ label: 'Ghi chú', name: 'note', attrs: { autocomplete: 'off' } }),
        h('button', { type: 'submit', class: 'primary big', id: 'receive-button' }, 'Tiếp nhận hồ sơ'),
        h('button', { type: 'button', class: 'secondary', onclick: () => this.reset() }, 'Nhập lại (F2)'),
      ),
      h('p', { id: 'intake-help', class: 'hint' }, 'Enter: tiếp nhận · F2: hồ sơ mới · "/": tìm hồ sơ'),
    );
    this.done = h('div', { class: 'received', hidden: true, tabindex: '-1' });
    this.host.append(h('h1', { id: 'intake-title' }, 'Tiếp nhận hồ sơ'), this.form, this.done);

    this.procInput.addEventListener('keydown', (e) => {
      // "/" in the empty, autofocused procedure box is the page's search shortcut (no code or name starts with it)
      if (e.key === '/' && !this.procInput.value) {
        e.preventDefault();
        /** @type {HTMLInputElement | null} */ (document.querySelector('#desk-search'))?.focus();
      }
      // Enter here chooses the procedure; it never submits the form
      if (e.key === 'Enter') {
        e.preventDefault();
        this.pick(true);
        if (this.proc) /** @type {HTMLElement | null} */ (this.docs.querySelector('input[type=checkbox]'))?.focus();
      }
    });
    this.procInput.addEventListener('input', () => this.pick(false));
    this.procInput.addEventListener('change', () => this.pick(true));
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    // Enter in a form nobody has filled in yet (no procedure chosen, no applicant) is not a submission
    this.form.addEventListener('keydown', (e) => {
      const t = /** @type {HTMLElement} */ (e.target);
      if (e.key !== 'Enter' || t.tagName !== 'INPUT' || this.proc || this.touched()) return;
      e.preventDefault();
      this.procInput.focus();
    });
    // normalise as typed: ID numbers are capitals, phones lose spaces and dots
    this.form.addEventListener('change', (e) => {
      const t = /** @type {HTMLInputElement} */ (e.target);
      if (t.name === 'applicant.idNumber') t.value = t.value.replace(/\s+/g, '').toUpperCase();
      if (t.name === 'applicant.phone') t.value = t.value.replace(/[\s.\-()]/g, '');
      // the notification choice is asked at receipt: shown for a dossier received now, at the counter
      if (t.name === 'channel') {
        const box = /** @type {HTMLElement | null} */ (this.form.querySelector('fieldset.notification'));
        if (box) box.hidden = t.value !== 'counter';
      }
    });
    this.docs.addEventListener('change', () => this.countDocs());
  }

  /**
   * Finds the procedure the clerk means: exact code, the datalist's "code — name", or one name match.
   * @param {string} text
   */
  resolve(text) {
    const t = text.trim();
    if (!t) return null;
    const c = this.catalogue;
    const code = t.split(/\s+[—-]\s+/)[0];
    const exact = c.find((p) => p.code === code || `${p.code} — ${p.name}` === t);
    if (exact) return exact;
    const f = fold(t);
    const matches = c.filter((p) => fold(p.name).includes(f) || p.code.startsWith(t));
    return matches.length === 1 ? matches[0] : null;
  }

  /** @param {boolean} final the clerk chose (Enter, change), not still typing */
  pick(final) {
    const p = this.resolve(this.procInput.value);
    if (p && p !== this.proc) {
      this.proc = p;
      this.key = null;
      if (final) this.procInput.value = `${p.code} — ${p.name}`;
      this.renderProcedure();
    } else if (!p && final && this.procInput.value.trim()) {
      this.proc = null;
      this.renderProcedure();
      this.procInfo.textContent = 'Không xác định được thủ tục: chọn một dòng trong danh sách gợi ý.';
    } else if (p && final) {
      this.procInput.value = `${p.code} — ${p.name}`;
    }
  }

  renderProcedure() {
    const p = this.proc;
    clear(this.docs);
    if (!p) {
      this.docs.hidden = true;
      this.procInfo.textContent = 'Gõ mã hoặc vài chữ của tên rồi chọn.';
      return;
    }
    this.procInfo.textContent = `${p.field?.name ?? ''} · Thời hạn: ${fmtAmount(p.processingTime)} · Lệ phí: ${fmtMoney(p.fee?.amount)}${p.fee?.note ? ' *' : ''} · ${p.steps?.length ?? 0} bước xử lý`;
    this.procInfo.title = p.fee?.note ?? '';
    const required = p.requiredDocuments ?? [];
    const rows = required.map((d, i) => docRow(d.name, d.copies, d.original, i, false, d.optional === true));
    this.scans = new Map();
    rows.forEach((row, i) => {
      const picker = filePicker({
        id: `scan-${i}`,
        label: 'Tải bản quét',
        multiple: true,
        limitsHintId: 'scan-limits',
        onChange: () => {
          // a scanned component was received
          if (picker.uploaded().length) /** @type {HTMLInputElement} */ (row.querySelector('input[type=checkbox]')).checked = true;
          this.countDocs();
        },
      });
      this.scans.set(i, picker);
      row.append(
        h(
          'td',
          { class: 'c-scan', dataset: { field: `attachments.${i}` } },
          picker.el,
          // only a paper the procedure says is shown (xuất trình) may be handed back unscanned
          required[i]?.showOnly ? shownToggle(i, row, picker, () => this.countDocs()) : null,
        ),
      );
    });
    const needsScans = Boolean(p.digitisation?.components);
    this.docs.hidden = false;
    this.docs.append(
      h('legend', null, 'Thành phần hồ sơ (đánh dấu giấy tờ đã nhận)'),
      h(
        'table',
        { class: 'checklist' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', { scope: 'col', class: 'c-check' }, 'Nhận'),
            h('th', { scope: 'col' }, 'Giấy tờ'),
            h('th', { scope: 'col' }, 'Loại'),
            h('th', { scope: 'col', class: 'c-copies' }, 'Số bản'),
            h('th', { scope: 'col', class: 'c-scan' }, 'Bản số hóa'),
          ),
        ),
        h('tbody', null, rows),
      ),
      limitsHint('scan-limits'),
      h(
        'div',
        { class: 'docs-actions' },
        h('button', { type: 'button', class: 'secondary small', onclick: () => this.checkAll() }, 'Đã nhận đủ'),
        h('button', { type: 'button', class: 'secondary small', onclick: () => this.addDoc() }, '+ Giấy tờ khác'),
        h('span', { class: 'hint', id: 'docs-count', 'aria-live': 'polite' }),
      ),
      h('p', { class: 'field-error', hidden: true }),
      h(
        'div',
        { class: 'digitisation-note', hidden: !needsScans },
        field({
          label: 'Lý do chưa số hóa đủ thành phần hồ sơ',
          name: 'digitisationNote',
          hint: 'Thủ tục này yêu cầu số hóa thành phần hồ sơ khi tiếp nhận: ghi lý do nếu còn thành phần chỉ có bản giấy',
          attrs: { autocomplete: 'off' },
        }),
      ),
    );
    this.countDocs();
  }

  /** "Đã nhận đủ": every document the procedure requires; those it flags optional ("nếu có") stay as they were */
  checkAll() {
    for (const row of /** @type {NodeListOf<HTMLTableRowElement>} */ (this.docs.querySelectorAll('tbody tr'))) {
      if (row.dataset.optional === 'true') continue;
      /** @type {HTMLInputElement} */ (row.querySelector('input[type=checkbox]')).checked = true;
    }
    this.countDocs();
  }

  addDoc() {
    const tbody = /** @type {HTMLTableSectionElement} */ (this.docs.querySelector('tbody'));
    const i = tbody.children.length;
    const row = docRow('', 1, null, i, true);
    row.append(h('td', { class: 'c-scan' }));
    tbody.append(row);
    /** @type {HTMLInputElement} */ (row.querySelector('input[type=text]')).focus();
    this.countDocs();
  }

  countDocs() {
    const all = [...this.docs.querySelectorAll('tbody tr')];
    const got = all.filter((r) => /** @type {HTMLInputElement} */ (r.querySelector('input[type=checkbox]')).checked).length;
    const out = this.docs.querySelector('#docs-count');
    const shownList = this.shownComponents();
    const shown = shownList.length;
    // as the server counts (machines/documents/rules.ts): every required paper and each optional one the applicant
    // brought (its row ticked) needs a scan; a paper only shown needs none
    const counted = [...this.scans.entries()].filter(([i, picker]) => {
      if (shownList.includes(i)) return false;
      const row = picker.el.closest('tr');
      return row?.dataset.optional !== 'true' || /** @type {HTMLInputElement} */ (row.querySelector('input[type=checkbox]')).checked;
    });
    const required = counted.length;
    const scanned = counted.filter(([, p]) => p.uploaded().length).length;
    const uploading = [...this.scans.values()].reduce((n, p) => n + p.pending(), 0);
    if (out)
      out.textContent = `Đã nhận ${got}/${all.length} giấy tờ · đã số hóa ${scanned}/${required} thành phần${
        scanned < required ? ` (${required - scanned} chỉ bản giấy)` : ''
      }${shown ? ` · ${shown} chỉ xuất trình, không lưu` : ''}${uploading ? ` · đang tải lên ${uploading} tệp` : ''}`;
  }

  /** the required documents marked shown, not kept, in order; each box names its place in the list for a 400 */
  shownComponents() {
    const boxes = /** @type {HTMLInputElement[]} */ ([...this.docs.querySelectorAll('input.shown-check')]);
    return boxes
      .filter((b) => b.checked)
      .map((b, n) => {
        b.dataset.field = `shownComponents.${n}`;
        return Number(b.dataset.component);
      });
  }

  /** true once anything of the applicant has been typed */
  touched() {
    const v = values(this.form);
    return ['applicant.fullName', 'applicant.idNumber', 'applicant.phone', 'applicant.address'].some((k) => String(v[k] ?? '').trim());
  }

  /** the submission body, or the issues found before sending */
  collect() {
    const v = values(this.form);
    /** @type {ValidationIssue[]} */
    const issues = [];
    const proc = this.proc;
    if (!proc) issues.push({ field: 'procedureCode', vi: 'Chọn thủ tục trong danh sách' });
    /** @type {{name: string | undefined, copies: number}[]} */
    const documents = [];
    for (const row of /** @type {NodeListOf<HTMLTableRowElement>} */ (this.docs.querySelectorAll('tbody tr'))) {
      row.querySelectorAll('[data-field^="documents."]').forEach((el) => delete (/** @type {HTMLElement} */ (el).dataset.field));
      if (!(/** @type {HTMLInputElement} */ (row.querySelector('input[type=checkbox]')).checked)) continue;
      const nameInput = /** @type {HTMLInputElement | null} */ (row.querySelector('input[type=text]'));
      const name = nameInput ? nameInput.value.trim() : row.dataset.name;
      const copiesInput = /** @type {HTMLInputElement} */ (row.querySelector('input[type=number]'));
      const i = documents.length;
      if (nameInput) nameInput.dataset.field = `documents.${i}.name`;
      copiesInput.dataset.field = `documents.${i}.copies`;
      const copies = Number(copiesInput.value);
      if (nameInput && !name) issues.push({ field: `documents.${i}.name`, vi: 'Nhập tên giấy tờ' });
      if (!Number.isInteger(copies) || copies < 1 || copies > 100)
        issues.push({ field: `documents.${i}.copies`, vi: 'Số bản từ 1 đến 100' });
      documents.push({ name, copies });
    }
    if (proc && !documents.length) issues.push({ field: 'documents', vi: 'Đánh dấu ít nhất một giấy tờ đã nhận' });
    // the scans uploaded so far, each against its required document
    /** @type {{component: number, sha256: string, name: string}[]} */
    const attachments = [];
    for (const [component, picker] of this.scans) {
      if (picker.pending()) issues.push({ field: `attachments.${component}`, vi: 'Đang tải tệp lên, vui lòng đợi' });
      for (const f of picker.uploaded()) attachments.push({ component, sha256: f.sha256, name: f.name });
    }
    const shown = this.shownComponents();
    const a = {
      fullName: v['applicant.fullName'],
      idNumber: v['applicant.idNumber'].replace(/\s+/g, '').toUpperCase(),
      phone: v['applicant.phone'].replace(/[\s.\-()]/g, ''),
      address: v['applicant.address'],
      email: v['applicant.email'] || undefined,
      lookupFactor: v['applicant.lookupFactor'] || undefined,
    };
    if (!a.fullName) issues.push({ field: 'applicant.fullName', vi: 'Nhập họ và tên người nộp' });
    if (!a.idNumber) issues.push({ field: 'applicant.idNumber', vi: 'Nhập số CCCD / định danh' });
    else if (!ID_RE.test(a.idNumber)) issues.push({ field: 'applicant.idNumber', vi: 'Cần 6–20 chữ số hoặc chữ in hoa' });
    if (!a.phone) issues.push({ field: 'applicant.phone', vi: 'Nhập số điện thoại' });
    else if (!PHONE_RE.test(a.phone)) issues.push({ field: 'applicant.phone', vi: 'Cần 8–15 chữ số' });
    if (!a.address) issues.push({ field: 'applicant.address', vi: 'Nhập địa chỉ' });
    if (a.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(a.email)) issues.push({ field: 'applicant.email', vi: 'Email không hợp lệ' });
    // the notification choice is recorded at receipt: at the counter that is now; an online or postal dossier is received later
    const channel = v.channel || 'counter';
    const notify = channel === 'counter' ? notificationOf(v) : { notification: undefined, issues: [] };
    issues.push(...notify.issues);
    if (issues.length || !proc) return { issues };
    return {
      body: {
        procedureCode: proc.code,
        channel,
        applicant: a,
        documents,
        note: v.note || undefined,
        notification: notify.notification,
        attachments: attachments.length ? attachments : undefined,
        digitisationNote: v.digitisationNote || undefined,
        shownComponents: shown.length ? shown : undefined,
      },
    };
  }

  async submit() {
    if (this.busy) return;
    clearIssues(this.form);
    const { body, issues } = this.collect();
    if (issues) return showIssues(this.form, issues, 'Vui lòng kiểm tra các mục được đánh dấu');
    const button = /** @type {HTMLButtonElement} */ (this.form.querySelector('#receive-button'));
    this.busy = true;
    button.disabled = true;
    button.textContent = 'Đang tiếp nhận…';
    this.key ??= newIdempotencyKey();
    try {
      const view = await submitDossier(body, this.key);
      this.key = null;
      this.showDone(view, body);
      this.onReceived(view);
    } catch (err) {
      const unknownOutcome = !(err instanceof ApiError) || err.status === 0 || err.status >= 500;
      if (!unknownOutcome) this.key = null;
      if (err instanceof ApiError && err.issues.some((i) => i.field === 'Idempotency-Key'))
        showFormError(this.form, 'Lần gửi trước có thể đã được tiếp nhận: tìm theo số điện thoại ở cột bên phải trước khi tiếp nhận lại.');
      else if (err instanceof ApiError && err.status === 400 && err.issues.length) showIssues(this.form, err.issues, err.message);
      else
        showFormError(
          this.form,
          unknownOutcome ? `${errorText(err)} Bấm «Tiếp nhận hồ sơ» lần nữa để gửi lại: hệ thống không tạo hồ sơ trùng.` : errorText(err),
        );
    } finally {
      this.busy = false;
      button.disabled = false;
      button.textContent = 'Tiếp nhận hồ sơ';
    }
  }

  /**
   * @param {DossierView} view
   * @param {{applicant: {fullName: string, phone: string}, attachments?: {component: number}[], shownComponents?: number[]}} body what was sent
   */
  showDone(view, body) {
    this.form.hidden = true;
    clear(this.done);
    this.done.hidden = false;
    const status = h('p', { class: 'hint', id: 'received-status' }, 'Bước tiếp theo: chuyển hồ sơ đến phòng chuyên môn.');
    const printBtn = h(
      'button',
      {
        type: 'button',
        class: 'primary big',
        id: 'print-receipt',
        onclick: () => openForm(view.code, 'receipt').catch((e) => toast(errorText(e), 'error')),
      },
      'In giấy tiếp nhận',
    );
    const forwardBtn = h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        id: 'forward-button',
        hidden: !(view.state === 'received' && (view.permittedEvents ?? view.allowedEvents ?? []).includes('ASSIGN')),
        onclick: async () => {
          const updated = await forwardFromCounter(view, this.user);
          if (updated) {
            Object.assign(view, updated);
            forwardBtn.hidden = true;
            status.textContent = `Đã chuyển đến ${unitLabel(updated.unit)}${updated.stepName ? `: ${updated.stepName}` : ''}.`;
            this.onReceived(updated);
          }
        },
      },
      FORWARD_LABEL,
    );
    this.done.append(
      h('p', { class: 'alert alert-ok', role: 'status' }, 'Đã tiếp nhận hồ sơ'),
      h(
        'dl',
        { class: 'received-facts' },
        h('dt', null, 'Mã hồ sơ'),
        h('dd', { class: 'big-code', id: 'received-code' }, view.code),
        h('dt', null, 'Ngày hẹn trả kết quả'),
        h('dd', { class: 'big-due', id: 'received-due' }, view.dueAt ? fmtTime(view.dueAt) : 'Chưa tính (chờ tiếp nhận)'),
        h('dt', null, 'Thủ tục'),
        h('dd', null, procedureNameOf(view, this.catalogue)),
        h('dt', null, 'Người nộp'),
        h('dd', null, `${body.applicant.fullName} · ĐT ${body.applicant.phone}`),
        h('dt', null, 'Tiếp nhận lúc'),
        h('dd', null, fmtTime(view.receivedAt ?? view.submittedAt)),
        h('dt', null, 'Bản số hóa'),
        h(
          'dd',
          { id: 'received-scans' },
          `${(body.attachments ?? []).length} tệp, ${new Set((body.attachments ?? []).map((a) => a.component)).size}/${
            this.scans.size - (body.shownComponents ?? []).length
          } thành phần${body.shownComponents?.length ? ` · ${body.shownComponents.length} chỉ xuất trình, không lưu` : ''}`,
        ),
      ),
      h(
        'div',
        { class: 'form-actions' },
        printBtn,
        forwardBtn,
        h('a', { class: 'button secondary', href: `#/ho-so/${encodeURIComponent(view.code)}` }, 'Xem hồ sơ'),
        h('button', { type: 'button', class: 'secondary', onclick: () => this.reset() }, 'Tiếp nhận hồ sơ mới (F2)'),
      ),
      status,
    );
    printBtn.focus();
    this.offerReuse(view);
  }

  /**
   * The applicant's digitised documents from earlier dossiers: said here, reused on the dossier page (once only).
   * @param {DossierView} view
   */
  async offerReuse(view) {
    if (!(view.permittedEvents ?? []).includes('REUSE_DOCUMENT')) return;
    try {
      const offers = await listReusable(view.code);
      if (!offers.length || this.done.hidden) return;
      this.done.append(
        h(
          'p',
          { class: 'alert alert-info', id: 'reuse-hint', role: 'status' },
          `Người nộp đã có ${offers.length} giấy tờ số hóa từ hồ sơ trước: `,
          h('a', { href: `#/ho-so/${encodeURIComponent(view.code)}` }, 'mở hồ sơ để dùng lại'),
          ' thay vì quét lại.',
        ),
      );
    } catch {
      /* the offer is a convenience: the receipt stands */
    }
  }

  reset() {
    this.key = null;
    this.proc = null;
    this.scans = new Map();
    this.form.reset();
    clearIssues(this.form);
    this.renderProcedure();
    this.done.hidden = true;
    this.form.hidden = false;
    this.procInput.focus();
  }
}

/**
 * A checklist row; `optional`: the procedure flags the document as brought only if it applies ("nếu có").
 * @param {string} name
 * @param {number} copies
 * @param {boolean | null} original null: not said (a document the clerk adds)
 * @param {number} i
 * @param {boolean} [custom] added by the clerk, its name typed in
 * @param {boolean} [optional]
 */
function docRow(name, copies, original, i, custom = false, optional = false) {
  const id = `doc-${i}-${Math.random().toString(36).slice(2, 7)}`;
  const check = h('input', { type: 'checkbox', id, checked: custom, 'aria-label': custom ? 'Đã nhận giấy tờ này' : null });
  const nameCell = custom
    ? h('td', null, h('input', { type: 'text', class: 'doc-name', 'aria-label': 'Tên giấy tờ', placeholder: 'Tên giấy tờ' }))
    : h('td', null, h('label', { for: id }, name));
  return h(
    'tr',
    { dataset: custom ? {} : { name, optional: String(optional) } },
    h('td', { class: 'c-check' }, check),
    nameCell,
    h(
      'td',
      { class: 'c-kind' },
      original === null ? '—' : original ? 'Bản chính' : 'Bản sao',
      optional ? h('small', { class: 'block muted' }, 'nếu có') : null,
    ),
    h(
      'td',
      { class: 'c-copies' },
      h('input', {
        type: 'number',
        min: 1,
        max: 100,
        value: String(copies),
        'aria-label': `Số bản${name ? `: ${name}` : ''}`,
        class: 'copies',
      }),
      h('p', { class: 'field-error', hidden: true }),
    ),
  );
}

/**
 * The shown, not kept box (COMPONENT_STATUSES.shown) for a required document the procedure says is only shown:
 * checked, the paper counts as received, its scan is neither needed nor kept (the picker is cleared and hidden) and
 * the row says so.
 * @param {number} i the document's index in the procedure's list
 * @param {HTMLTableRowElement} row
 * @param {ReturnType<typeof filePicker>} picker
 * @param {() => void} onChange
 */
function shownToggle(i, row, picker, onChange) {
  const box = /** @type {HTMLInputElement} */ (
    h('input', { type: 'checkbox', class: 'shown-check', id: `shown-${i}`, dataset: { component: String(i) } })
  );
  const status = h(
    'small',
    { class: 'block doc-status', id: `shown-${i}-status`, hidden: true },
    'Đã đối chiếu bản chính và trả lại người nộp: không cần bản quét',
  );
  box.addEventListener('change', () => {
    row.classList.toggle('shown', box.checked);
    row.dataset.shown = String(box.checked);
    picker.el.hidden = box.checked;
    status.hidden = !box.checked;
    if (box.checked) {
      picker.clear();
      /** @type {HTMLInputElement} */ (row.querySelector('input[type=checkbox]')).checked = true;
    }
    onChange();
  });
  return h(
    'div',
    { class: 'shown-toggle' },
    h('label', { for: box.id, class: 'inline-check' }, box, ` ${COMPONENT_STATUSES.shown}`),
    status,
  );
}

// ---- finding, handing back --------------------------------------------------------------------

class DeskLists {
  /**
   * @param {HTMLElement} host
   * @param {Procedure[]} catalogue
   * @param {SessionUser} user
   * @param {AbortSignal} signal
   */
  constructor(host, catalogue, user, signal) {
    // built by show(), which runs before anything else uses them
    /** @type {HTMLDivElement} */ this.results;
    /** @type {HTMLDivElement} */ this.ready;
    /** @type {HTMLDivElement} */ this.waiting;
    this.host = host;
    this.catalogue = catalogue;
    this.user = user;
    this.signal = signal;
    this.lastQuery = '';
  }

  show() {
    const q = h('input', {
      type: 'search',
      id: 'desk-search',
      name: 'q',
      'data-search': '',
      placeholder: 'Mã hồ sơ, số điện thoại hoặc CCCD',
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-label': 'Tìm hồ sơ theo mã, số điện thoại hoặc CCCD',
    });
    this.results = h('div', { class: 'desk-results', 'aria-live': 'polite' });
    this.ready = h('div', { class: 'desk-list' });
    this.waiting = h('div', { class: 'desk-list' });
    const form = h(
      'form',
      {
        role: 'search',
        class: 'search-row',
        onsubmit: (/** @type {SubmitEvent} */ e) => (e.preventDefault(), this.search(q.value.trim())),
      },
      q,
      h('button', { type: 'submit', class: 'primary' }, 'Tìm'),
    );
    this.host.append(
      h('h2', { id: 'desk-side-title' }, 'Tìm hồ sơ · Trả kết quả'),
      form,
      this.results,
      h('h3', null, 'Chờ trả kết quả'),
      this.ready,
      h('h3', null, 'Chờ tiếp nhận (nộp trực tuyến, bưu chính)'),
      this.waiting,
    );
    this.refresh();
  }

  /** @param {string} text */
  async search(text) {
    this.lastQuery = text;
    clear(this.results);
    if (!text) return;
    this.results.append(spinner('Đang tìm…'));
    try {
      const page = await listDossiers({ q: text, limit: 20 }, { signal: this.signal });
      clear(this.results);
      this.results.append(
        h('h3', null, `Kết quả cho “${text}”: ${page.items.length}${page.nextCursor ? '+' : ''} hồ sơ`),
        page.items.length ? this.cards(page.items) : h('p', { class: 'empty' }, 'Không tìm thấy hồ sơ nào.'),
      );
    } catch (err) {
      if (err instanceof Error && err.name === 'AbortError') return;
      clear(this.results);
      this.results.append(errorBox(err));
    }
  }

  async refresh() {
    /**
     * @param {HTMLElement} box
     * @param {Record<string, unknown>} params
     * @param {string} empty what an empty list says
     */
    const load = async (box, params, empty) => {
      try {
        const page = await listDossiers({ ...params, sort: 'due', limit: 20 }, { signal: this.signal });
        clear(box);
        box.append(page.items.length ? this.cards(page.items) : h('p', { class: 'empty' }, empty));
      } catch (err) {
        if (err instanceof Error && err.name === 'AbortError') return;
        clear(box);
        box.append(errorBox(err));
      }
    };
    await Promise.all([
      load(this.ready, { state: 'result' }, 'Không có hồ sơ chờ trả kết quả.'),
      load(this.waiting, { state: 'submitted,intake_supplement,awaiting_supplement' }, 'Không có hồ sơ chờ tiếp nhận.'),
    ]);
  }

  /** @param {DossierView[]} items */
  cards(items) {
    return h(
      'ul',
      { class: 'cards' },
      items.map((v) => this.card(v)),
    );
  }

  /** @param {DossierView} v */
  card(v) {
    const after = () => {
      this.refresh();
      if (this.lastQuery) this.search(this.lastQuery);
    };
    const acts = actionsFor(v, this.user).filter((t) => ['RETURN_RESULT', 'RECEIVE', 'RECEIVE_SUPPLEMENT', 'RESUBMIT'].includes(t));
    const forward = v.state === 'received' && actionsFor(v, this.user).includes('ASSIGN');
    return h(
      'li',
      { class: ['card', `row-${v.timeliness}`], dataset: { code: v.code } },
      h('div', { class: 'card-head' }, dossierLink(v.code), stateBadge(v.state), timelinessBadge(v.timeliness, v.state), intakeBadge(v)),
      h('div', { class: 'card-body' }, h('b', null, v.applicant.fullName), ' · ', procedureNameOf(v, this.catalogue)),
      h('div', { class: 'card-meta' }, dueLine(v), v.applicant?.phone ? ` · ĐT ${v.applicant.phone}` : ''),
      lateNotice(v),
      acts.length || forward
        ? h(
            'div',
            { class: 'card-actions' },
            forward ? actionButton(v, 'FORWARD', this.user, after, { primary: true }) : null,
            acts.map((t, i) => actionButton(v, t, this.user, after, { primary: i === 0 && !forward })),
            // the receipt exists once the dossier is received: an online or postal submission waiting for it has none
            v.receivedAt
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary small',
                    dataset: { form: 'receipt' },
                    onclick: () => openForm(v.code, 'receipt').catch((e) => toast(errorText(e), 'error')),
                  },
                  'In giấy tiếp nhận',
                )
              : null,
            moreButton(v, this.user, after, [...acts, 'ASSIGN']),
          )
        : null,
    );
  }
}

/**
 * the card's appointment: a countdown while the clock runs, "stopped" while it does not, the submission time before receipt
 * @param {DossierView} v
 */
function dueLine(v) {
  if (!v.dueAt) return `Đăng ký: ${fmtTime(v.submittedAt)}`;
  if (isClockStopped(v.state)) return `Hẹn trả: ${fmtTime(v.dueAt)} · ${CLOCK_STOPPED.toLowerCase()}`;
  return v.state === 'result' ? `Hẹn trả: ${fmtTime(v.dueAt)}` : `Hẹn trả: ${fmtTime(v.dueAt)} (${relativeDue(v.dueAt)})`;
}

/**
 * A late result, said on the card before the clerk starts: whether the Phiếu xin lỗi is still owed (the
 * server allows only ISSUE_APOLOGY then), or was issued (the new appointment), or the late is exempt.
 * @param {DossierView} v
 */
function lateNotice(v) {
  if (v.state !== 'result' || v.timeliness !== 'late') return null;
  const allowed = v.allowedEvents ?? [];
  const owed = allowed.includes('ISSUE_APOLOGY') && !allowed.includes('RETURN_RESULT');
  const text = owed
    ? `Kết quả trễ hạn (hạn ${fmtTime(v.originalDueAt)}): lập Phiếu xin lỗi trước khi trả (trả ngay nếu người nộp đang có mặt, hoặc hẹn lại ngày).`
    : v.exemption
      ? `Kết quả trễ hạn (hạn ${fmtTime(v.originalDueAt)}): đã được miễn trách nhiệm xin lỗi.`
      : v.apology && v.apology.newDueAt === null
        ? `Kết quả trễ hạn (hạn ${fmtTime(v.originalDueAt)}): đã có Phiếu xin lỗi, trả kết quả ngay.`
        : `Kết quả trễ hạn (hạn ${fmtTime(v.originalDueAt)}): đã có Phiếu xin lỗi, hẹn trả ${fmtTime(v.dueAt)}.`;
  return h(
    'p',
    { class: ['card-late', owed ? 'alert alert-warn' : 'hint'], dataset: { late: owed ? 'apology-owed' : 'apologised' } },
    text,
  );
}

/**
 * How long an online submission has waited for the counter's answer, in working hours (Decree 297/2025: at most
 * 8); flagged once it waited longer (`intake.overdue` from the server).
 * @param {DossierView} v
 */
function intakeBadge(v) {
  const w = v.intake;
  if (!w || !w.waiting || !w.dueBy) return null;
  const hours = (w.waitedWorkingMs / 3_600_000).toLocaleString('vi-VN', { maximumFractionDigits: 1 });
  return h(
    'span',
    {
      class: ['badge', 'tl', w.overdue ? 'tl-overdue' : 'tl-on_track', 'intake-wait'],
      dataset: { intakeOverdue: String(w.overdue) },
      title: `Phải trả lời (tiếp nhận, hướng dẫn bổ sung hoặc từ chối) trước ${fmtTime(w.dueBy)}`,
    },
    w.overdue ? `Chờ tiếp nhận ${hours} giờ làm việc — quá 8 giờ` : `Chờ tiếp nhận ${hours}/8 giờ làm việc`,
  );
}
