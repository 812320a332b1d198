/**
 * Modal dialogs on the native <dialog> element: focus is trapped and Escape cancels (the browser's
 * own behaviour), Enter in a field submits the form, focus returns to the button that opened it.
 */
import { ApiError } from './api.js';
import { append, clear, clearIssues, errorText, h, showFormError, showIssues, uid } from './dom.js';
/** @import { ValidationIssue } from './types.js' */

/**
 * @typedef {object} DialogControl
 * @property {HTMLDialogElement} dialog
 * @property {HTMLFormElement} form
 * @property {HTMLElement} body
 * @property {(value?: any) => void} close
 * @property {(value: any) => void} setResult  what the dialog resolves with if it is then cancelled
 * @property {(message: string) => void} error
 * @property {(issues: ValidationIssue[], message?: string) => void} issues
 * @property {(title: string) => void} setTitle
 * @property {(label: string | null) => void} setSubmit  null hides the submit button
 * @property {(label: string) => void} setCancel
 * @property {(nodes: any) => void} replaceBody
 * @property {(handler: (ctl: DialogControl) => Promise<void>) => void} onSubmit
 */

/**
 * @param {{title: string, submitLabel?: string, cancelLabel?: string, danger?: boolean, wide?: boolean,
 *          build: (body: HTMLElement, ctl: DialogControl) => void,
 *          onSubmit: (ctl: DialogControl) => Promise<void>}} o
 * @returns {Promise<any>} what ctl.close(value) was given; null when cancelled
 */
export function openDialog(o) {
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const titleId = uid('dlg-title');
    const title = h('h2', { id: titleId }, o.title);
    const body = h('div', { class: 'dlg-body' });
    const formError = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const submit = h('button', { type: 'submit', class: o.danger ? 'danger' : 'primary' }, o.submitLabel ?? 'Xác nhận');
    const cancel = h('button', { type: 'button', class: 'secondary' }, o.cancelLabel ?? 'Hủy (Esc)');
    const footer = h('div', { class: 'dlg-actions' }, submit, cancel);
    const form = h('form', { novalidate: true }, title, body, formError, footer);
    const dialog = h('dialog', { class: ['dlg', o.wide && 'dlg-wide'], 'aria-labelledby': titleId }, form);
    let busy = false;
    /** @type {any} what the dialog resolves with: the caller's value */
    let result = null;
    let handler = o.onSubmit;

    /** @type {DialogControl} */
    const ctl = {
      dialog,
      form,
      body,
      close(value = null) {
        result = value;
        if (dialog.open) dialog.close();
      },
      setResult(value) {
        result = value;
      },
      error(message) {
        showFormError(form, message);
      },
      issues(list, message) {
        showIssues(form, list, message);
      },
      setTitle(t) {
        title.textContent = t;
      },
      setSubmit(label) {
        submit.hidden = label === null;
        if (label !== null) submit.textContent = label;
      },
      setCancel(label) {
        cancel.textContent = label;
      },
      replaceBody(nodes) {
        clear(body);
        append(body, [nodes]);
        clearIssues(form);
        const first = /** @type {HTMLElement | null} */ (
          body.querySelector('[autofocus], input:not([type=hidden]), select, textarea, button')
        );
        (first ?? (submit.hidden ? cancel : submit)).focus();
      },
      onSubmit(fn) {
        handler = fn;
      },
    };

    cancel.addEventListener('click', () => ctl.close(result));
    dialog.addEventListener('cancel', (e) => {
      if (busy) e.preventDefault();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener && opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(result);
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (busy) return;
      clearIssues(form);
      const missing = requiredMissing(form);
      if (missing.length) {
        showIssues(
          form,
          missing.map((el) => ({ field: el.dataset.field ?? el.name, reason: 'required', vi: 'Bắt buộc nhập' })),
          'Vui lòng nhập đủ các mục bắt buộc',
        );
        return;
      }
      busy = true;
      submit.disabled = true;
      form.setAttribute('aria-busy', 'true');
      try {
        await handler(ctl);
      } catch (err) {
        showFormError(form, errorText(err));
      } finally {
        busy = false;
        submit.disabled = false;
        form.removeAttribute('aria-busy');
      }
    });

    o.build(body, ctl);
    document.body.append(dialog);
    dialog.showModal();
    const first = /** @type {HTMLElement | null} */ (
      body.querySelector('[autofocus], input:not([type=hidden]):not([disabled]), select, textarea')
    );
    (first ?? submit).focus();
  });
}

/**
 * Required controls left empty (own check, so messages are Vietnamese and appear next to the field).
 * @param {HTMLElement} form
 * @returns {HTMLInputElement[]}
 */
export function requiredMissing(form) {
  /** @type {HTMLInputElement[]} */
  const out = [];
  /** @type {Set<string>} */
  const seenRadio = new Set();
  // required is set on inputs, selects and textareas: each has disabled, name, type and value, read as an input's
  for (const el of /** @type {NodeListOf<HTMLInputElement>} */ (form.querySelectorAll('[required]'))) {
    if (el.disabled || el.closest('[hidden]')) continue;
    if (el.type === 'radio') {
      if (seenRadio.has(el.name)) continue;
      seenRadio.add(el.name);
      if (!form.querySelector(`input[type=radio][name="${el.name}"]:checked`)) out.push(el);
    } else if (el.type === 'checkbox') {
      if (!el.checked) out.push(el);
    } else if (!String(el.value ?? '').trim()) out.push(el);
  }
  return out;
}

/**
 * A yes/no question.
 * @param {string} title
 * @param {string} message
 * @param {{submitLabel?: string, danger?: boolean}} [opts]
 * @returns {Promise<boolean>}
 */
export function confirmDialog(title, message, { submitLabel = 'Đồng ý', danger = false } = {}) {
  return openDialog({
    title,
    submitLabel,
    danger,
    build: (body) => append(body, [h('p', null, message)]),
    onSubmit: async (ctl) => ctl.close(true),
  }).then((v) => v === true);
}

/**
 * A dialog's submit action: closes the dialog with true when `action` succeeds, else shows the API's
 * field issues next to the fields, or its message.
 * @param {DialogControl} ctl
 * @param {() => Promise<any>} action
 */
export async function closeWhenDone(ctl, action) {
  try {
    await action();
    ctl.close(true);
  } catch (err) {
    if (err instanceof ApiError && err.issues.length) ctl.issues(err.issues, err.message);
    else ctl.error(errorText(err));
  }
}
