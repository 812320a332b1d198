/**
 * Authenticated downloads: the reports are behind the bearer token, which a plain link cannot send.
 * The file is fetched with the token, kept as a Blob and saved through a temporary <a download>
 * (the name from the server's Content-Disposition, else the fallback). Printable HTML opens in a new
 * tab as a blob: document, like the forms (print.js).
 */
import { ApiError, request } from './api.js';
import { ERROR_LABELS } from './labels.js';
import { toBlobDocument } from './print.js';

/**
 * Why a document's file could not be opened or downloaded, in words, by the API's error code: FILE_NOT_STORED
 * (the dossier has the document, the store has no file) says whether the retention job deleted it (its
 * `details.finding`, what the audit reports of it); any other error keeps its message.
 * @param {unknown} err
 * @returns {string}
 */
export function documentFileErrorText(err) {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : String(err);
  if (err.code === 'FILE_NOT_STORED')
    return err.details?.finding === 'file_deleted_by_retention'
      ? 'Tệp đã được xóa khi hết thời hạn lưu trữ (có bản ghi xóa): không còn mở hoặc tải về được.'
      : (ERROR_LABELS.FILE_NOT_STORED ?? 'Tệp không có trong kho lưu trữ.');
  return err.message;
}

/**
 * The file name a Content-Disposition header gives, or null: the exact UTF-8 name of `filename*=` (RFC 5987),
 * which the server sends beside an ASCII fallback for Vietnamese names, else the plain `filename=`.
 * @param {string | null} disposition
 */
export function filenameOf(disposition) {
  const d = disposition ?? '';
  const exact = /filename\*=UTF-8''([^;\s]+)/i.exec(d);
  if (exact?.[1]) {
    try {
      return decodeURIComponent(exact[1]);
    } catch {
      /* malformed: fall back to the plain name */
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(d);
  return plain?.[1] ?? null;
}

/**
 * Fetches `path` with the token and saves it. Resolves with the saved name; rejects with the API's error.
 * @param {string} path
 * @param {string} fallbackName
 */
export async function downloadFile(path, fallbackName) {
  const res = await request('GET', path, { headers: { Accept: '*/*' } });
  const blob = await res.blob();
  const name = filenameOf(res.headers.get('Content-Disposition')) ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

/**
 * Opens the printable HTML at `path` in a new tab. Call it straight from a click handler (a tab opened
 * after an await is a blocked pop-up).
 * @param {string} path
 * @param {string} title
 */
export async function openPrintable(path, title) {
  const tab = window.open('', '_blank');
  try {
    const res = await request('GET', path, { headers: { Accept: 'text/html' } });
    const url = toBlobDocument(await res.text(), title);
    if (tab && !tab.closed) tab.location.replace(url);
    else window.location.assign(url);
  } catch (err) {
    if (tab && !tab.closed) tab.close();
    throw err;
  }
}
