/**
 * Printable forms (giấy tiếp nhận, phiếu kiểm soát, ...): the API serves them as HTML behind the
 * bearer token, so the app fetches the HTML and opens it in a new tab as a blob: document.
 *
 * The tab is opened synchronously in the click (a tab opened after an await is a blocked pop-up),
 * then pointed at the blob. A blob: document inherits this page's Content-Security-Policy, which
 * allows no inline style or script: each <style> of the form becomes a blob: stylesheet, scripts are
 * dropped, and a small toolbar (print / close, hidden on paper) is added from /ui/.
 */
import { formUrl, request } from './api.js';
import { FORM_LABELS } from './labels.js';

const KEEP_BLOBS_MS = 5 * 60_000;

/**
 * Turns the server's HTML into a document this page's CSP allows; returns its blob: URL. Done on the
 * text (the form is the server's own escaped HTML): parsing it here with DOMParser would make this
 * page "apply" the form's inline <style> and report a CSP violation.
 * @param {string} html
 * @param {string} [title]
 * @returns {string}
 */
export function toBlobDocument(html, title) {
  /** @type {string[]} */
  const urls = [];
  const cssLink = (/** @type {string} */ css, attrs = '') => {
    const url = URL.createObjectURL(new Blob([css], { type: 'text/css' }));
    urls.push(url);
    const media = /\bmedia\s*=\s*"([^"]*)"/i.exec(attrs);
    return `<link rel="stylesheet" href="${url}"${media ? ` media="${media[1]}"` : ''}>`;
  };
  let out = String(html)
    .replace(/<script\b[\s\S]*?<\/script\s*>/gi, '')
    .replace(/<style\b([^>]*)>([\s\S]*?)<\/style\s*>/gi, (_m, attrs, css) => cssLink(css, attrs));
  const head =
    `<base href="${location.origin}/">` +
    `<link rel="stylesheet" href="${location.origin}/ui/form-toolbar.css">` +
    `<script src="${location.origin}/ui/form-toolbar.js" defer></script>`;
  if (/<head\b[^>]*>/i.test(out)) out = out.replace(/<head\b[^>]*>/i, (m) => `${m}${head}`);
  else
    out = `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>${escapeText(title ?? '')}</title>${head}</head><body>${out}</body></html>`;
  const url = URL.createObjectURL(new Blob([out], { type: 'text/html;charset=utf-8' }));
  urls.push(url);
  setTimeout(() => urls.forEach((u) => URL.revokeObjectURL(u)), KEEP_BLOBS_MS);
  return url;
}

/** @param {string} s */
function escapeText(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Opens form `kind` of dossier `code` in a new tab. Call it straight from a click handler.
 * Rejects with the API's error (the tab is closed again).
 * @param {string} code
 * @param {string} kind a form's name (FORM_LABELS)
 */
export async function openForm(code, kind) {
  const label = FORM_LABELS[kind] ?? kind;
  const tab = window.open('', '_blank');
  if (tab) {
    try {
      tab.document.title = `${label} — đang tải…`;
      tab.document.body.textContent = `Đang tải ${label.toLowerCase()} của hồ sơ ${code}…`;
    } catch {
      /* not ours to write: fine */
    }
  }
  try {
    const res = await request('GET', formUrl(code, kind), { headers: { Accept: 'text/html' } });
    const html = await res.text();
    const url = toBlobDocument(html, `${label} ${code}`);
    if (tab && !tab.closed) tab.location.replace(url);
    else window.location.assign(url); // pop-ups blocked: show it here; Back returns to the app
  } catch (err) {
    if (tab && !tab.closed) tab.close();
    throw err;
  }
}
