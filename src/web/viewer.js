/**
 * The file viewer tab, GET /xem-tep#<dossier code>/<document id>/<version> (opened by the dossier page's "Xem"):
 * fetches the stored file with the session's token (a tab opened by the app gets a copy of its sessionStorage),
 * and shows it with the browser's own viewer when the server serves it inline — a picture in an <img>, a PDF in
 * a frame — under a bar with its name and a download link. Anything the server serves as an attachment is saved
 * instead. The file is a blob: URL made here, so it is displayed under this page's policy (VIEWER_CSP in
 * src/http/routes/ui.ts), never the app's. Every open is recorded for the auditor like a download.
 */
import { ApiError, request } from './api.js';
import { documentFileErrorText, filenameOf } from './download.js';
import { h } from './dom.js';
import { ERROR_LABELS, loadVocabulary } from './labels.js';

const enc = encodeURIComponent;

/**
 * What the hash names: the dossier, the document and the version.
 * @param {string} hash
 * @returns {{code: string, documentId: string, version: string} | null}
 */
export function fileOfHash(hash) {
  const parts = hash.replace(/^#/, '').split('/').map(decodeURIComponent);
  const [code, documentId, version] = parts;
  if (parts.length !== 3 || !code || !documentId || !/^\d{1,4}$/.test(version ?? '')) return null;
  return { code, documentId, version: /** @type {string} */ (version) };
}

/** the viewer page's address for one version of a document */
export function viewerUrl(/** @type {string} */ code, /** @type {string} */ documentId, /** @type {number} */ version) {
  return `/xem-tep#${enc(code)}/${enc(documentId)}/${version}`;
}

async function show() {
  const status = /** @type {HTMLElement} */ (document.getElementById('viewer-status'));
  const title = /** @type {HTMLElement} */ (document.getElementById('viewer-name'));
  const actions = /** @type {HTMLElement} */ (document.getElementById('viewer-actions'));
  const body = /** @type {HTMLElement} */ (document.getElementById('viewer'));
  // the app's window is no business of the viewed file's tab
  window.opener = null;
  const file = fileOfHash(location.hash);
  if (!file) {
    status.textContent = 'Địa chỉ xem tệp không đúng: hãy mở lại từ trang hồ sơ.';
    return;
  }
  await loadVocabulary();
  try {
    const res = await request('GET', `/api/dossiers/${enc(file.code)}/documents/${enc(file.documentId)}/file?version=${file.version}`, {
      headers: { Accept: '*/*' },
    });
    const name = filenameOf(res.headers.get('Content-Disposition')) ?? file.documentId;
    const inline = /^inline\b/i.test(res.headers.get('Content-Disposition') ?? '');
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    document.title = `${name} — hồ sơ ${file.code}`;
    title.textContent = name;
    const download = h('a', { href: url, download: name, class: 'button secondary small', id: 'viewer-download' }, 'Tải về');
    actions.replaceChildren(download);
    if (!inline) {
      status.textContent = 'Trình duyệt không hiển thị loại tệp này: đã tải về.';
      download.click();
      return;
    }
    status.textContent = `Hồ sơ ${file.code} · phiên bản ${file.version}`;
    body.replaceChildren(
      blob.type.startsWith('image/')
        ? h('img', { src: url, alt: name, class: 'viewer-image', id: 'viewer-image' })
        : h('iframe', { src: url, title: name, class: 'viewer-frame', id: 'viewer-frame' }),
    );
  } catch (err) {
    status.textContent =
      err instanceof ApiError
        ? err.code === 'UNAUTHENTICATED'
          ? 'Phiên làm việc đã hết: đăng nhập lại trên trang chính rồi mở lại tệp.'
          : err.code === 'FILE_NOT_STORED'
            ? documentFileErrorText(err)
            : (ERROR_LABELS[err.code] ?? `Không mở được tệp (lỗi ${err.status}).`)
        : 'Không mở được tệp.';
  }
}

if (typeof document !== 'undefined' && document.getElementById('viewer')) void show();
