/**
 * Dossier documents in the staff app (issue 14): uploading a file to POST /api/uploads with a progress
 * bar (large files resumably: ./resumable-upload.js), the messages for a refused upload by the
 * API's error code, a file picker with drag and drop, several files, a progress bar and a retry per file,
 * and authenticated downloads of a document's file. The server decides a file's type from its bytes;
 * the page never trusts the name or the browser's type.
 */
import { ApiError, get } from './api.js';
import { answerError, RESUMABLE_FROM_BYTES, resumableUpload, sendXhr } from './resumable-upload.js';
import { documentFileErrorText, downloadFile } from './download.js';
import { viewerUrl } from './viewer.js';
import { h } from './dom.js';
import { ERROR_LABELS } from './labels.js';

/**
 * The upload's answer: the file is then named by its SHA-256 in an event.
 * @typedef {{sha256: string, size: number, mediaType: string}} UploadedFile
 * @typedef {UploadedFile & {name: string}} NamedUpload
 * @typedef {{version: number, name: string, sha256: string, size: number, mediaType: string, at: string, by: string,
 *            reason: string | null, reusedFrom: {dossierCode: string, documentId: string, version: number} | null,
 *            inline: boolean}} DocumentVersion `inline`: the server shows it in the browser (PDF, images); else it is downloaded
 * @typedef {{id: string, kind: 'component' | 'working' | 'result', component: number | null,
 *            form: 'electronic_original' | 'digitised_copy' | null, versions: DocumentVersion[]}} DossierDocument
 * @typedef {{source: {dossierCode: string, documentId: string, version: number}, component: number, componentName: string | null,
 *            procedureCode: string, file: {sha256: string, size: number, mediaType: string, name: string}, at: string}} ReusableDocument
 */

/** the types the server accepts by default (MOTCUA_UPLOAD_TYPES), in words; a refusal names the configured ones */
export const TYPE_NAMES = /** @type {Record<string, string>} */ ({
  'application/pdf': 'PDF',
  'image/jpeg': 'ảnh JPEG',
  'image/png': 'ảnh PNG',
  'application/xml': 'XML (văn bản điện tử có chữ ký số)',
  'application/zip': 'tệp nén ZIP',
  'text/html': 'trang HTML',
  'text/plain': 'văn bản thuần',
  'image/gif': 'ảnh GIF',
});
const typeName = (/** @type {string} */ t) => TYPE_NAMES[t] ?? t;

/**
 * What the server accepts, as configured (GET /api/uploads/limits): the only home of these facts.
 * @typedef {{mediaType: string, extensions: string[]}} AcceptedType
 * @typedef {{types: AcceptedType[], maxFileBytes: number}} UploadLimits
 */

/** @type {Promise<UploadLimits> | null} */
let limitsLoading = null;

/**
 * The upload limits, asked once per page (a failed answer is asked again next time).
 * @returns {Promise<UploadLimits>}
 */
export function uploadLimits() {
  limitsLoading ??= /** @type {Promise<UploadLimits>} */ (get('/api/uploads/limits')).catch((err) => {
    limitsLoading = null;
    throw err;
  });
  return limitsLoading;
}

/**
 * The file dialog's `accept` attribute: the types and their usual name endings (the server still checks the bytes).
 * @param {UploadLimits} limits
 * @returns {string}
 */
export function acceptOf(limits) {
  return limits.types.flatMap((t) => [...t.extensions.map((e) => `.${e}`), t.mediaType]).join(',');
}

/**
 * The limits in words, shown before an upload: "Nhận PDF, JPEG, PNG, XML; tối đa 256 MB mỗi tệp".
 * A format is named by its media subtype (application/pdf → PDF).
 * @param {UploadLimits} limits
 * @returns {string}
 */
export function limitsText(limits) {
  const names = limits.types.map((t) => (t.mediaType.split('/')[1] ?? t.mediaType).toUpperCase());
  return `Nhận ${names.join(', ')}; tối đa ${fmtBytes(limits.maxFileBytes)} mỗi tệp`;
}

/**
 * A hint that fills itself with the upload limits, and sets `accept` on the given file inputs when they arrive.
 * @param {string} id the hint's id (for aria-describedby)
 * @param {HTMLInputElement[]} [inputs]
 * @returns {HTMLElement}
 */
export function limitsHint(id, inputs = []) {
  const hint = h('p', { class: 'hint upload-limits', id });
  uploadLimits().then(
    (limits) => {
      hint.textContent = limitsText(limits);
      for (const input of inputs) input.accept = acceptOf(limits);
    },
    () => {
      hint.textContent = 'Không tải được danh sách loại tệp được nhận; máy chủ sẽ kiểm tra khi tải lên.';
    },
  );
  return hint;
}

/** "1,2 MB" */
export function fmtBytes(/** @type {number} */ n) {
  if (!Number.isFinite(n)) return '';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toLocaleString('vi-VN', { maximumFractionDigits: 1 })} ${units[i]}`;
}

/**
 * What a refused upload means to the clerk, by the API's error code (never by the server's message text).
 * @param {unknown} err
 * @returns {string}
 */
export function uploadErrorText(err) {
  if (!(err instanceof ApiError)) return 'Không tải được tệp lên.';
  const d = err.details ?? {};
  switch (err.code) {
    case 'UNSUPPORTED_MEDIA_TYPE': {
      const accepted = Array.isArray(d.accepted) ? d.accepted.map(typeName).join(', ') : 'PDF, JPEG, PNG, XML';
      return `Tệp không đúng loại${d.detected ? ` (đây là ${typeName(String(d.detected))})` : ''}: chỉ nhận ${accepted}.`;
    }
    case 'PAYLOAD_TOO_LARGE':
      if (d.scope === 'dossier')
        return `Hồ sơ sẽ vượt dung lượng tài liệu tối đa${typeof d.limit === 'number' ? ` (${fmtBytes(d.limit)})` : ''}.`;
      return `Tệp quá lớn${typeof d.limit === 'number' ? `: tối đa ${fmtBytes(d.limit)} mỗi tệp` : ''}.`;
    case 'VALIDATION_FAILED':
      return err.issues.some((i) => /empty/.test(i.reason)) ? 'Tệp rỗng: chọn lại tệp.' : 'Tệp tải lên bị gián đoạn: bấm «Thử lại».';
    case 'NETWORK':
      return 'Mất kết nối khi đang tải tệp lên: bấm «Thử lại».';
    case 'FORBIDDEN':
      return 'Tài khoản của bạn không được tải tài liệu lên.';
    default:
      return ERROR_LABELS[err.code] ?? `Không tải được tệp lên (lỗi ${err.status}).`;
  }
}

/**
 * Sends one file, reporting progress (0…1): to POST /api/uploads as the raw body, or, over
 * RESUMABLE_FROM_BYTES, resumably (./resumable-upload.js: it goes on by itself after a network error,
 * calling `onReconnecting` while it waits).
 * `dossier`, the code of the dossier the file is for (none at the counter's receipt, where it does not exist yet),
 * goes with a resumable upload (its Upload-Metadata), so the server checks access and the dossier's size limit
 * before the first byte; POST /api/uploads takes no dossier (the limit is checked when an event attaches the file).
 * @param {File} file
 * @param {{onProgress?: (fraction: number) => void, onReconnecting?: (attempt: number) => void, signal?: AbortSignal, dossier?: string}} [opts]
 * @returns {Promise<UploadedFile>}
 */
export async function uploadFile(file, opts = {}) {
  if (file.size > RESUMABLE_FROM_BYTES) return resumableUpload(file, opts);
  // the server decides the type from the bytes; the header only keeps proxies from guessing
  const res = await sendXhr('POST', '/api/uploads', { 'Content-Type': 'application/octet-stream' }, file, {
    signal: opts.signal,
    onUploadProgress: (loaded) => opts.onProgress?.(file.size ? loaded / file.size : 1),
  });
  if (res.status !== 201 || !res.body?.sha256) throw answerError(res);
  opts.onProgress?.(1);
  return res.body;
}

/**
 * A file picker: a button, a drop zone, several files at once; each file uploads at once with its own
 * progress bar, its refusal in words and a retry. `onChange` runs whenever a file finishes, fails or is removed.
 * The accepted types and the size limit are shown under it (or, with `limitsHintId`, by a `limitsHint` the page
 * shows once for several pickers) and set the file dialog's `accept`.
 * `dossier`: the code of the dossier the files are for (`uploadFile`).
 * @param {{id: string, label: string, multiple?: boolean, onChange?: () => void, describedBy?: string, limitsHintId?: string, dossier?: string}} o
 * @returns {{el: HTMLElement, uploaded: () => NamedUpload[], pending: () => number, failed: () => number, clear: () => void}}
 */
export function filePicker(o) {
  /** @type {{file: File, row: HTMLLIElement, result: NamedUpload | null, busy: boolean, error: boolean}[]} */
  let items = [];
  // the limits in words under this picker, unless the page shows them once for several (o.limitsHintId)
  const ownHintId = o.limitsHintId ? null : `${o.id}-limits`;
  const input = /** @type {HTMLInputElement} */ (
    h('input', {
      type: 'file',
      id: o.id,
      class: 'file-input',
      multiple: o.multiple ?? false,
      'aria-describedby': [o.describedBy, o.limitsHintId ?? ownHintId].filter(Boolean).join(' '),
    })
  );
  const hint = ownHintId ? limitsHint(ownHintId, [input]) : null;
  if (!hint)
    uploadLimits().then(
      (limits) => (input.accept = acceptOf(limits)),
      () => undefined,
    );
  const list = h('ul', { class: 'upload-list', 'aria-live': 'polite' });
  const zone = h(
    'div',
    { class: 'drop-zone', dataset: { dropFor: o.id } },
    h('label', { for: o.id, class: 'button secondary small file-button' }, o.label),
    input,
    h('span', { class: 'hint drop-hint' }, ' hoặc kéo thả tệp vào đây'),
  );
  const changed = () => o.onChange?.();

  /** @param {(typeof items)[number]} item */
  const start = async (item) => {
    item.busy = true;
    item.error = false;
    const bar = h('progress', { max: 1, value: 0, class: 'upload-progress', 'aria-label': `Tiến độ tải lên ${item.file.name}` });
    const status = h('span', { class: 'upload-status' }, 'Đang tải lên…');
    item.row.replaceChildren(h('span', { class: 'upload-name' }, item.file.name), ' ', bar, ' ', status);
    item.row.className = 'upload-item uploading';
    try {
      const up = await uploadFile(item.file, {
        dossier: o.dossier,
        onProgress: (f) => {
          bar.value = f;
          status.textContent = 'Đang tải lên…';
        },
        onReconnecting: () => (status.textContent = 'Mất kết nối, đang tự tải tiếp…'),
      });
      item.result = { ...up, name: item.file.name };
      item.row.className = 'upload-item uploaded';
      item.row.replaceChildren(
        h('span', { class: 'upload-name' }, item.file.name),
        ' ',
        h('span', { class: 'upload-status ok' }, `✓ ${fmtBytes(up.size)} · ${typeName(up.mediaType)}`),
        ' ',
        removeButton(item),
      );
    } catch (err) {
      item.error = true;
      item.row.className = 'upload-item failed';
      item.row.dataset.code = err instanceof ApiError ? err.code : 'ERROR';
      item.row.replaceChildren(
        h('span', { class: 'upload-name' }, item.file.name),
        ' ',
        h('span', { class: 'upload-status upload-error', role: 'alert' }, uploadErrorText(err)),
        ' ',
        h('button', { type: 'button', class: 'secondary small', onclick: () => start(item) }, 'Thử lại'),
        ' ',
        removeButton(item),
      );
    } finally {
      item.busy = false;
      changed();
    }
  };
  /** @param {(typeof items)[number]} item */
  const removeButton = (item) =>
    h(
      'button',
      {
        type: 'button',
        class: 'secondary small',
        'aria-label': `Bỏ tệp ${item.file.name}`,
        onclick: () => {
          items = items.filter((x) => x !== item);
          item.row.remove();
          changed();
        },
      },
      'Bỏ',
    );
  /** @param {FileList | File[]} files */
  const add = (files) => {
    const chosen = [...files];
    if (!o.multiple) {
      for (const it of items) it.row.remove();
      items = [];
      chosen.splice(1);
    }
    for (const file of chosen) {
      const item = { file, row: h('li', { class: 'upload-item' }), result: null, busy: true, error: false };
      items.push(item);
      list.append(item.row);
      start(item);
    }
    changed();
  };
  input.addEventListener('change', () => {
    if (input.files?.length) add(input.files);
    input.value = '';
  });
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('drag-over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('drag-over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('drag-over');
    if (e.dataTransfer?.files?.length) add(e.dataTransfer.files);
  });
  return {
    el: h('div', { class: 'file-picker' }, zone, hint, list),
    uploaded: () => items.flatMap((i) => (i.result ? [i.result] : [])),
    pending: () => items.filter((i) => i.busy).length,
    failed: () => items.filter((i) => i.error).length,
    clear: () => {
      items = [];
      list.replaceChildren();
    },
  };
}

const enc = encodeURIComponent;

/** @returns {Promise<DossierDocument[]>} */
export const listDocuments = (/** @type {string} */ code, /** @type {{signal?: AbortSignal}} */ opts = {}) =>
  get(`/api/dossiers/${enc(code)}/documents`, opts);
/** @returns {Promise<ReusableDocument[]>} */
export const listReusable = (/** @type {string} */ code, /** @type {{signal?: AbortSignal}} */ opts = {}) =>
  get(`/api/dossiers/${enc(code)}/documents/reusable`, opts);

/**
 * A button that downloads one version of a document (with the token; every download is recorded for the auditor).
 * @param {string} code
 * @param {string} documentId
 * @param {DocumentVersion} v
 * @param {string} [label]
 */
export function downloadButton(code, documentId, v, label = 'Tải về') {
  const status = h('span', { class: 'hint', role: 'status' });
  const button = h(
    'button',
    {
      type: 'button',
      class: 'secondary small',
      dataset: { download: `${documentId}@${v.version}` },
      'aria-label': `${label}: ${v.name} (phiên bản ${v.version})`,
      onclick: async () => {
        button.disabled = true;
        status.textContent = '';
        try {
          await downloadFile(`/api/dossiers/${enc(code)}/documents/${enc(documentId)}/file?version=${v.version}`, v.name);
        } catch (err) {
          status.textContent = documentFileErrorText(err);
        } finally {
          button.disabled = false;
        }
      },
    },
    label,
  );
  return h('span', { class: 'download' }, button, status);
}

/**
 * "Xem": a link opening one version in the viewer tab (src/web/viewer.js), for the types the server serves inline
 * (`v.inline`: PDF, JPEG, PNG); null for any other type, which only "Tải về" offers. `rel="opener"`: the tab gets
 * a copy of this tab's session (sessionStorage), which a link without an opener would not; the viewer drops the
 * opener at once. Recorded like a download.
 * @param {string} code
 * @param {string} documentId
 * @param {DocumentVersion} v
 * @returns {HTMLElement | null}
 */
export function viewButton(code, documentId, v) {
  if (!v.inline) return null;
  return h(
    'a',
    {
      href: viewerUrl(code, documentId, v.version),
      target: '_blank',
      rel: 'opener',
      class: 'button secondary small',
      dataset: { view: `${documentId}@${v.version}` },
      'aria-label': `Xem trong trình duyệt: ${v.name} (phiên bản ${v.version}, mở thẻ mới)`,
    },
    'Xem',
  );
}

/** "a1b2c3d4…" — the start of a SHA-256, the whole in the tooltip */
export function shortHash(/** @type {string} */ sha) {
  return h('code', { class: 'hash', title: `SHA-256: ${sha}` }, `${sha.slice(0, 12)}…`);
}
