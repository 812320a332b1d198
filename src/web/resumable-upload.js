/**
 * Sending a file with XMLHttpRequest (fetch cannot report upload progress), and resumable uploads for large
 * scans over a weak connection: the tus 1.0.0 protocol against /api/uploads/resumable (docs/documents.md,
 * "Resumable uploads"). The file goes in chunks; after a network error (or a 409 saying the server has other
 * bytes than we thought) the page waits a little, asks HEAD how much arrived and goes on from there by itself,
 * so a dropped connection costs at most what was in flight, never the whole file.
 */
import { ApiError, clearSession, session } from './api.js';

export const TUS_VERSION = '1.0.0';
/** files larger than this are sent resumably */
export const RESUMABLE_FROM_BYTES = 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;
/** waits before the successive attempts after a network error (then it gives up and the clerk can press «Thử lại») */
const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 15000, 30000, 30000];

/**
 * @typedef {{sha256: string, size: number, mediaType: string}} StoredFile
 * @typedef {{status: number, header: (name: string) => string | null, body: any}} XhrAnswer
 * @typedef {{onProgress?: (fraction: number) => void, onReconnecting?: (attempt: number) => void, signal?: AbortSignal,
 *            chunkBytes?: number, retryDelaysMs?: number[], dossier?: string}} ResumableOptions
 */

/**
 * One request by XMLHttpRequest with the session's token; resolves with any answer, rejects only when there is
 * none (ApiError NETWORK) or it was aborted (AbortError).
 * @param {string} method
 * @param {string} url
 * @param {Record<string, string>} headers
 * @param {Blob | null} body
 * @param {{onUploadProgress?: (loaded: number) => void, signal?: AbortSignal}} [opts]
 * @returns {Promise<XhrAnswer>}
 */
export function sendXhr(method, url, headers, body, opts = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    const s = session();
    if (s) xhr.setRequestHeader('Authorization', `Bearer ${s.token}`);
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => opts.onUploadProgress?.(e.loaded);
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'Không kết nối được máy chủ.'));
    xhr.onabort = () => reject(new DOMException('Đã hủy', 'AbortError'));
    xhr.onload = () => {
      /** @type {any} */
      let parsed = null;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        /* not JSON */
      }
      resolve({ status: xhr.status, header: (name) => xhr.getResponseHeader(name), body: parsed });
    };
    opts.signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(body);
  });
}

/**
 * The ApiError of a refused answer (the server's code, else one from the status); a 401 signs the page out.
 * @param {XhrAnswer} answer
 * @returns {ApiError}
 */
export function answerError(answer) {
  const e = answer.body?.error ?? {};
  const code =
    e.code ?? (answer.status === 413 ? 'PAYLOAD_TOO_LARGE' : answer.status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : `HTTP_${answer.status}`);
  const error = new ApiError(answer.status, code, e.message ?? '', e.details ?? {});
  if (answer.status === 401) {
    clearSession();
    window.dispatchEvent(new CustomEvent('motcua:signed-out', { detail: { message: error.message } }));
  }
  return error;
}

/**
 * Where an unfinished upload is remembered across retries and page reloads, as tus clients do: its URL under a
 * fingerprint of the file (name, size, last modified) and of the signed-in user (an upload is reached only by
 * its creator). Picking the same file again continues the upload from the offset the server has; the entry is
 * forgotten on completion, on a refusal and when the server no longer has the upload (404: expired or removed).
 */
const REMEMBER_PREFIX = 'motcua.resumable.';
const UPLOAD_URL = /^\/api\/uploads\/resumable\/[0-9a-f]{32}$/;

/** @param {File} file */
export function uploadFingerprint(file) {
  return `${REMEMBER_PREFIX}${session()?.user.username ?? ''}|${file.size}|${file.lastModified}|${file.name}`;
}

/** @param {string} key @returns {string | null} */
function rememberedUrl(key) {
  try {
    const url = JSON.parse(localStorage.getItem(key) ?? 'null')?.url;
    return typeof url === 'string' && UPLOAD_URL.test(url) ? url : null;
  } catch {
    return null;
  }
}

/** @param {string} key @param {string} url */
function remember(key, url) {
  try {
    localStorage.setItem(key, JSON.stringify({ url }));
  } catch {
    /* storage full or refused: the upload still works, it only cannot resume after a reload */
  }
}

/** @param {string} key */
function forget(key) {
  try {
    localStorage.removeItem(key);
  } catch {
    /* nothing to forget */
  }
}

/** @param {string} text */
const base64 = (text) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

/** @param {number} ms @param {AbortSignal} [signal] */
const pause = (ms, signal) =>
  new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new DOMException('Đã hủy', 'AbortError'));
    });
  });

/** a failure worth another attempt: no answer at all, or a proxy's "try again" */
const transient = (/** @type {unknown} */ err) => err instanceof ApiError && (err.status === 0 || [502, 503, 504].includes(err.status));

/**
 * The Upload-Metadata of a new upload: its file name and, when the file is meant for an existing dossier, that
 * dossier's code (`dossier`: the server checks the user may read it and its size limit before anything arrives).
 * @param {File} file
 * @param {string} [dossier]
 */
export function uploadMetadata(file, dossier) {
  const pairs = [`filename ${base64(file.name.slice(0, 200))}`];
  if (dossier) pairs.push(`dossier ${base64(dossier)}`);
  return pairs.join(',');
}

/**
 * Uploads a file resumably and answers the stored file (named by its SHA-256 in an event). A network error
 * midway is retried from the offset the server reports; a refusal (type, size, access) is thrown at once.
 * @param {File} file
 * @param {ResumableOptions} [opts]
 * @returns {Promise<StoredFile>}
 */
export async function resumableUpload(file, opts = {}) {
  const chunk = opts.chunkBytes ?? CHUNK_BYTES;
  const delays = opts.retryDelaysMs ?? RETRY_DELAYS_MS;
  const tus = { 'Tus-Resumable': TUS_VERSION };
  const key = uploadFingerprint(file);
  let url = rememberedUrl(key);
  let offset = 0;
  if (url) {
    // the same file was being sent (a «Thử lại», or a reload): go on from what the server has
    const h = await sendXhr('HEAD', url, tus, null, { signal: opts.signal });
    if (h.status === 200 && Number(h.header('Upload-Length')) === file.size) {
      offset = Number(h.header('Upload-Offset'));
      opts.onProgress?.(offset / file.size);
    } else if (h.status === 401) throw answerError(h);
    else {
      forget(key);
      url = null;
    }
  }
  if (!url) {
    const created = await sendXhr(
      'POST',
      '/api/uploads/resumable',
      { ...tus, 'Upload-Length': String(file.size), 'Upload-Metadata': uploadMetadata(file, opts.dossier) },
      null,
      { signal: opts.signal },
    );
    if (created.status !== 201) throw answerError(created);
    url = /** @type {string} */ (created.header('Location'));
    remember(key, url);
  }
  const at = url;
  const onAbort = () => {
    forget(key);
    void sendXhr('DELETE', at, tus, null).catch(() => undefined);
  };
  opts.signal?.addEventListener('abort', onAbort);

  let failures = 0;
  /** asks the server how much it has (after a drop or a conflict) */
  const resync = async () => {
    const h = await sendXhr('HEAD', at, tus, null, { signal: opts.signal });
    if (h.status !== 200) throw answerError(h);
    offset = Number(h.header('Upload-Offset'));
  };
  try {
    while (offset < file.size) {
      try {
        const from = offset;
        const res = await sendXhr(
          'PATCH',
          at,
          { ...tus, 'Upload-Offset': String(from), 'Content-Type': 'application/offset+octet-stream' },
          file.slice(from, from + chunk),
          { signal: opts.signal, onUploadProgress: (loaded) => opts.onProgress?.(Math.min(1, (from + loaded) / file.size)) },
        );
        if (res.status === 409) await resync();
        else if (res.status === 204) offset = Number(res.header('Upload-Offset'));
        else throw answerError(res);
        failures = 0;
      } catch (err) {
        if (!transient(err) || failures >= delays.length) throw err;
        opts.onReconnecting?.(failures + 1);
        await pause(delays[failures] ?? 30000, opts.signal);
        failures += 1;
        // the server may have kept part of the chunk in flight: continue from what it has
        await resync().catch((e) => {
          if (!transient(e)) throw e;
        });
      }
    }
    const done = await sendXhr('GET', at, tus, null, { signal: opts.signal });
    if (done.status !== 200 || !done.body?.file) throw answerError(done);
    forget(key);
    opts.onProgress?.(1);
    return done.body.file;
  } catch (err) {
    // a refusal (type, size, hash, gone): the server kept nothing worth resuming; a drop or a sign-out stays resumable
    if (err instanceof ApiError && !transient(err) && err.status !== 401) forget(key);
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
