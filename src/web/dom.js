/**
 * Small DOM helpers. Content is always set as text (never innerHTML), so names, notes and reasons
 * typed by anyone can never become markup.
 */
import { CLOCK_STOPPED, isClockStopped, issueText, stateLabel, timelinessLabel } from './labels.js';
/** @import { ValidationIssue } from './types.js' */

const PROPS = new Set(['value', 'checked', 'selected', 'indeterminate']);

/**
 * h('button', {class: 'primary', onclick: fn}, 'Lưu')
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any> | null} [props]
 * @param {...any} children strings, nodes, arrays, null/false (skipped)
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (PROPS.has(k)) /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (el))[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

/**
 * A list table: its caption for screen readers, one row of column headings, then the body.
 * @param {{ class: string | string[], caption: string }} props
 * @param {string[]} headings
 * @param {HTMLTableSectionElement} body
 */
export function dataTable(props, headings, body) {
  return h(
    'table',
    { class: props.class },
    h('caption', { class: 'sr-only' }, props.caption),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        headings.map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    body,
  );
}

/**
 * @template {Element} E
 * @param {E} el
 * @param {any[]} children strings, nodes, nested arrays, null/false (skipped)
 * @returns {E}
 */
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/**
 * @template {Node} N
 * @param {N} el
 * @returns {N}
 */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

let seq = 0;
export const uid = (prefix = 'f') => `${prefix}-${++seq}`;

/**
 * A labelled form control with a slot for its error message.
 * @param {{label: string, name: string, type?: string, required?: boolean, value?: any, hint?: string,
 *          options?: string[][], rows?: number, attrs?: Record<string, any>, wide?: boolean}} o
 */
export function field(o) {
  const id = uid(o.name.replace(/[^a-z0-9]+/gi, '-'));
  const errId = `${id}-err`;
  const hintId = o.hint ? `${id}-hint` : null;
  const common = {
    id,
    name: o.name,
    required: o.required,
    'aria-required': o.required ? 'true' : null,
    'aria-describedby': [hintId, errId].filter(Boolean).join(' '),
    dataset: { field: o.name },
    ...(o.attrs ?? {}),
  };
  let control;
  if (o.type === 'select') {
    control = h(
      'select',
      common,
      (o.options ?? []).map(([v, label]) => h('option', { value: v, selected: String(o.value ?? '') === v }, label)),
    );
  } else if (o.type === 'textarea') {
    control = h('textarea', { rows: o.rows ?? 2, ...common, value: o.value ?? '' });
  } else if (o.type === 'checkbox') {
    control = h('input', { type: 'checkbox', ...common, checked: Boolean(o.value) });
    return h(
      'div',
      { class: ['field', 'field-check', o.wide && 'wide'] },
      h('label', { for: id }, control, ' ', o.label),
      o.hint ? h('p', { class: 'hint', id: hintId }, o.hint) : null,
      h('p', { class: 'field-error', id: errId, hidden: true }),
    );
  } else {
    control = h('input', { type: o.type ?? 'text', ...common, value: o.value ?? '' });
  }
  return h(
    'div',
    { class: ['field', o.wide && 'wide'] },
    h('label', { for: id }, o.label, o.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    control,
    o.hint ? h('p', { class: 'hint', id: hintId }, o.hint) : null,
    h('p', { class: 'field-error', id: errId, hidden: true }),
  );
}

/** Radio group as a fieldset. */
/**
 * A group of radio buttons.
 * @param {{legend: string, name: string, options: string[][], value?: any, required?: boolean}} o
 */
export function radios({ legend, name, options, value, required }) {
  return h(
    'fieldset',
    { class: 'field radios', dataset: { field: name } },
    h('legend', null, legend),
    options.map(([v, label]) => {
      const id = uid(name);
      return h(
        'label',
        { for: id, class: 'radio' },
        h('input', { type: 'radio', id, name, value: v, checked: String(value) === v, required }),
        ' ',
        label,
      );
    }),
    h('p', { class: 'field-error', hidden: true }),
  );
}

// ---- validation messages ------------------------------------------------------------------------

/** @param {HTMLElement} form */
export function clearIssues(form) {
  for (const p of /** @type {NodeListOf<HTMLElement>} */ (form.querySelectorAll('.field-error'))) {
    p.textContent = '';
    p.hidden = true;
  }
  for (const c of form.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
  const summary = /** @type {HTMLElement | null} */ (form.querySelector('.form-error'));
  if (summary) {
    summary.textContent = '';
    summary.hidden = true;
  }
}

/**
 * Shows each {field, reason} next to its control (matched by data-field); others in the form's summary.
 * @param {HTMLElement} form
 * @param {ValidationIssue[]} issues
 * @param {string} [message]
 */
export function showIssues(form, issues, message) {
  clearIssues(form);
  /** @type {string[]} */
  const unplaced = [];
  /** @type {HTMLElement | null} */
  let first = null;
  for (const issue of issues) {
    const target = findField(form, issue.field);
    const text = issueText(issue);
    if (!target) {
      unplaced.push(`${issue.field}: ${text}`);
      continue;
    }
    const slot = errorSlot(target);
    if (slot) {
      slot.textContent = slot.textContent ? `${slot.textContent}; ${text}` : text;
      slot.hidden = false;
    }
    if (target.matches('input,select,textarea')) target.setAttribute('aria-invalid', 'true');
    first ??= target.matches('input,select,textarea') ? target : target.querySelector('input,select,textarea');
  }
  showFormError(form, [message, ...unplaced].filter(Boolean).join(' — '));
  clearOnEdit(form);
  if (first) first.focus();
}

/**
 * The error line of a control: its own (same parent), else its field's or fieldset's.
 * @param {Element} target
 * @returns {HTMLElement | null}
 */
function errorSlot(target) {
  const own = /** @type {HTMLElement | null | undefined} */ (target.parentElement?.querySelector(':scope > .field-error'));
  if (own) return own;
  const wrap = target.closest('.field, fieldset[data-field]');
  return /** @type {HTMLElement | null} */ (wrap?.querySelector(':scope > .field-error') ?? wrap?.querySelector('.field-error') ?? null);
}

/**
 * Once a message is shown, editing the control clears it.
 * @param {HTMLElement} form
 */
function clearOnEdit(form) {
  if (form.dataset.clearOnEdit) return;
  form.dataset.clearOnEdit = '1';
  const handler = (/** @type {Event} */ e) => {
    const t = e.target;
    if (!(t instanceof Element)) return;
    const holder = t.matches('[aria-invalid]') ? t : t.closest('fieldset[data-field]');
    if (!holder) return;
    t.removeAttribute('aria-invalid');
    const slot = errorSlot(t.matches('[data-field]') || t.closest('.field') ? t : holder);
    if (slot) {
      slot.textContent = '';
      slot.hidden = true;
    }
    if (!form.querySelector('.field-error:not([hidden])')) showFormError(form, '');
  };
  form.addEventListener('input', handler);
  form.addEventListener('change', handler);
}

/**
 * @param {HTMLElement} form
 * @param {string} name
 * @returns {HTMLElement | null}
 */
function findField(form, name) {
  const esc = (/** @type {string} */ s) => (window.CSS && CSS.escape ? CSS.escape(s) : s.replace(/"/g, '\\"'));
  /** @type {HTMLElement | null} */
  let el = form.querySelector(`[data-field="${esc(name)}"]`);
  if (el) return el;
  // "documents.1.copies" → the row's control; "applicant" → first applicant field
  const parts = name.split('.');
  while (parts.length > 1 && !el) {
    parts.pop();
    el = form.querySelector(`[data-field="${esc(parts.join('.'))}"]`);
  }
  return el;
}

/**
 * @param {HTMLElement} form
 * @param {string | null | undefined} message
 */
export function showFormError(form, message) {
  const summary = /** @type {HTMLElement | null} */ (form.querySelector('.form-error'));
  if (!summary) return;
  summary.textContent = message ?? '';
  summary.hidden = !message;
}

/**
 * Reads named controls of a form into a flat object (checkboxes as booleans).
 * @param {HTMLFormElement} form
 * @returns {Record<string, any>} trimmed strings; booleans for checkboxes
 */
export function values(form) {
  /** @type {Record<string, any>} */
  const out = {};
  // the named controls of these forms are inputs, selects and textareas: each has name, disabled, type and value
  for (const el of /** @type {Iterable<HTMLInputElement>} */ (/** @type {unknown} */ (form.elements))) {
    if (!el.name || el.disabled) continue;
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else if (el.type === 'radio') {
      if (el.checked) out[el.name] = el.value;
    } else out[el.name] = el.value.trim();
  }
  return out;
}

// ---- badges -----------------------------------------------------------------------------------

/** @param {string} state */
export function stateBadge(state) {
  return h('span', { class: `badge state state-${state}` }, stateLabel(state));
}

/** The timeliness of a dossier; with its state, a stopped clock reads as stopped, not as a countdown's "Trong hạn". */
/**
 * @param {string | null | undefined} t
 * @param {string | null} [state]
 */
export function timelinessBadge(t, state = null) {
  if (state && isClockStopped(state)) return h('span', { class: 'badge tl tl-stopped' }, CLOCK_STOPPED);
  if (!t || t === 'not_started') return h('span', { class: 'badge tl tl-none' }, timelinessLabel(t) || '—');
  return h('span', { class: `badge tl tl-${t}` }, timelinessLabel(t));
}

// ---- toast ----------------------------------------------------------------------------------

/**
 * @param {string} message
 * @param {'ok' | 'error'} [kind]
 */
export function toast(message, kind = 'ok') {
  const box = document.getElementById('toasts');
  if (!box) return;
  const item = h('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);
  box.append(item);
  // a few at a time: a burst of actions must not cover the page
  while (box.children.length > 3) box.firstElementChild?.remove();
  setTimeout(() => item.remove(), kind === 'error' ? 9000 : 5000);
}

export function spinner(text = 'Đang tải…') {
  return h('p', { class: 'loading', role: 'status' }, text);
}

/** @param {unknown} err */
export function errorBox(err) {
  return h('div', { class: 'alert alert-error', role: 'alert' }, errorText(err));
}

/**
 * What to show for a failure: its message (an ApiError's is Vietnamese), else the thing itself.
 * @param {unknown} err
 */
export function errorText(err) {
  return err instanceof Error && err.message ? err.message : String(err);
}

/**
 * a link to the dossier page
 * @param {string} code
 */
export function dossierLink(code) {
  return h('a', { href: `#/ho-so/${encodeURIComponent(code)}`, class: 'code' }, code);
}

/**
 * A click handler that disables its button while `fn` runs and shows a failure as a toast.
 * @param {() => Promise<any>} fn
 */
export function busyClick(fn) {
  return async (/** @type {Event} */ e) => {
    const button = /** @type {HTMLButtonElement} */ (e.currentTarget);
    button.disabled = true;
    try {
      await fn();
    } catch (err) {
      toast(errorText(err), 'error');
    } finally {
      button.disabled = false;
    }
  };
}

/**
 * Awaits a view's data; on failure (other than the view being left) shows the error in `body` and
 * resolves to null.
 * @template T
 * @param {HTMLElement} body
 * @param {AbortSignal} signal
 * @param {Promise<T>} loading
 * @returns {Promise<T | null>}
 */
export async function loadOrShowError(body, signal, loading) {
  try {
    const data = await loading;
    return signal.aborted ? null : data;
  } catch (err) {
    if ((err instanceof Error && err.name === 'AbortError') || signal.aborted) return null;
    clear(body);
    body.append(errorBox(err));
    return null;
  }
}
