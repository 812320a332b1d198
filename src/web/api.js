/**
 * The one way the UI talks to the server: the public REST API, with the bearer token kept in
 * sessionStorage (one tab = one signed-in person; closing the tab signs out of this browser).
 * Every failure becomes an ApiError carrying the server's {code, message, details}.
 */

import { ERROR_LABELS } from './labels.js';
/** @import { AssigneeOptions, DossierDetail, DossierListPage, DossierView, EventView, LoginResponse, NextWorkingDay, SessionUser, SignerList } from './types.js' */

const TOKEN_KEY = 'motcua.token';
const USER_KEY = 'motcua.user';
const EXPIRES_KEY = 'motcua.expiresAt';

export class ApiError extends Error {
  /**
   * @param {number} status HTTP status (0 = no answer from the server)
   * @param {string} code
   * @param {string} message Vietnamese, shown to the user
   * @param {Record<string, any>} [details] the error's details (issues, allowed, …), as the server sent them
   */
  constructor(status, code, message, details = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details ?? {};
  }
  /** @returns {{field: string, reason: string}[]} */
  get issues() {
    return Array.isArray(this.details.issues) ? this.details.issues : [];
  }
  /** @returns {string[]} event types the dossier allows now (409 TRANSITION_NOT_ALLOWED) */
  get allowed() {
    return Array.isArray(this.details.allowed) ? this.details.allowed : [];
  }
}

// ---- session --------------------------------------------------------------------------------

/** @returns {{token: string, user: SessionUser, expiresAt: string | null} | null} */
export function session() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const user = sessionStorage.getItem(USER_KEY);
  const expiresAt = sessionStorage.getItem(EXPIRES_KEY);
  if (!token || !user) return null;
  // expiresAt is the server's clock, not this PC's: the server decides (401 signs out), never a local comparison
  try {
    return { token, user: JSON.parse(user), expiresAt };
  } catch {
    clearSession();
    return null;
  }
}

/**
 * @param {string} token
 * @param {SessionUser} user
 * @param {string | null} expiresAt
 */
function saveSession(token, user, expiresAt) {
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(USER_KEY, JSON.stringify(user));
  if (expiresAt) sessionStorage.setItem(EXPIRES_KEY, expiresAt);
}

export function clearSession() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(USER_KEY);
  sessionStorage.removeItem(EXPIRES_KEY);
}

// ---- requests -------------------------------------------------------------------------------

/** when a failure carries no error body (a proxy's page, a dropped connection): what its status means */
/** @type {Record<number, string>} */
const STATUS_CODES = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
  500: 'INTERNAL',
};
const UNAVAILABLE = 'Hệ thống tạm thời không sẵn sàng, vui lòng thử lại';

/**
 * Sends a request and returns the raw Response (ok statuses only).
 * @param {string} method
 * @param {string} path  starting with /api/
 * @param {{body?: any, headers?: Record<string,string>, signal?: AbortSignal, auth?: boolean}} [opts]
 */
export async function request(method, path, opts = {}) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json', ...(opts.headers ?? {}) };
  const s = session();
  if (opts.auth !== false && s) headers.Authorization = `Bearer ${s.token}`;
  let body;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body, signal: opts.signal, cache: 'no-store', credentials: 'omit' });
  } catch (err) {
    if (err instanceof Error && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'Không kết nối được máy chủ. Kiểm tra mạng và thử lại.');
  }
  if (res.ok) return res;
  /** @type {{error?: {code?: string, message?: string, details?: Record<string, any>}} | null} */
  let payload = null;
  try {
    payload = await res.json();
  } catch {
    /* not JSON */
  }
  const e = payload?.error ?? {};
  const code = e.code ?? STATUS_CODES[res.status] ?? `HTTP_${res.status}`;
  const fallback = ERROR_LABELS[code] ?? (res.status >= 502 ? UNAVAILABLE : `Lỗi ${res.status}`);
  const error = new ApiError(res.status, code, e.message || fallback, e.details ?? {});
  if (res.status === 401 && opts.auth !== false) {
    clearSession();
    window.dispatchEvent(new CustomEvent('motcua:signed-out', { detail: { message: error.message } }));
  }
  throw error;
}

/**
 * JSON request; resolves to the parsed body (null for 204), typed by the caller's annotation.
 * @param {string} method
 * @param {string} path
 * @param {{body?: any, headers?: Record<string,string>, signal?: AbortSignal, auth?: boolean}} [opts]
 * @returns {Promise<any>}
 */
export async function api(method, path, opts = {}) {
  const res = await request(method, path, opts);
  if (res.status === 204) return null;
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

/** @type {(path: string, opts?: {signal?: AbortSignal}) => Promise<any>} */
export const get = (path, opts) => api('GET', path, opts);
/** @type {(path: string, body: unknown, opts?: {headers?: Record<string,string>, signal?: AbortSignal}) => Promise<any>} */
export const post = (path, body, opts = {}) => api('POST', path, { ...opts, body });

/**
 * A query string from an object, leaving out empty values (the API rejects unknown or empty ones).
 * @param {Record<string, unknown>} params
 */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    u.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}

// ---- auth -----------------------------------------------------------------------------------

/**
 * @param {string} username
 * @param {string} password
 */
export async function login(username, password) {
  /** @type {LoginResponse} */
  const res = await api('POST', '/api/auth/login', { body: { username, password }, auth: false });
  saveSession(res.token, res.user, res.expiresAt);
  return res.user;
}

export async function logout() {
  try {
    await api('POST', '/api/auth/logout');
  } catch {
    /* signing out locally is what matters */
  } finally {
    clearSession();
  }
}

/**
 * Re-reads the signed-in user (roles may have changed); null if the token is no longer valid.
 * @returns {Promise<SessionUser | null>}
 */
export async function me() {
  const s = session();
  if (!s) return null;
  try {
    const res = await api('GET', '/api/auth/me');
    const user = res && res.user ? res.user : res;
    if (user && user.username) {
      saveSession(s.token, user, s.expiresAt);
      return user;
    }
    return s.user;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    return s.user; // server unreachable: keep working with what we know
  }
}

// ---- dossiers -------------------------------------------------------------------------------

const enc = encodeURIComponent;

/** A UUID for Idempotency-Key; crypto.randomUUID needs a secure context, a counter PC on http://LAN may not be one. */
export function newIdempotencyKey() {
  if (globalThis.crypto && typeof crypto.randomUUID === 'function') {
    try {
      return crypto.randomUUID();
    } catch {
      /* not a secure context */
    }
  }
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** @typedef {{signal?: AbortSignal}} GetOpts */

/** @type {(params: Record<string, unknown>, opts?: GetOpts) => Promise<DossierListPage>} */
export const listDossiers = (params, opts) => get(`/api/dossiers${qs(params)}`, opts);
/** @type {(code: string, opts?: GetOpts) => Promise<DossierDetail>} */
export const getDossier = (code, opts) => get(`/api/dossiers/${enc(code)}`, opts);
/** @type {(code: string, opts?: GetOpts) => Promise<EventView[]>} */
export const getEvents = (code, opts) => get(`/api/dossiers/${enc(code)}/events`, opts);
/** @type {(body: Record<string, unknown>, idempotencyKey: string) => Promise<DossierView>} */
export const submitDossier = (body, idempotencyKey) => post('/api/dossiers', body, { headers: { 'Idempotency-Key': idempotencyKey } });

/**
 * Sends an event naming the version the user saw; resolves to the dossier after it.
 * @param {string} code
 * @param {number} version
 * @param {string} type
 * @param {Record<string, unknown>} [payload]
 * @returns {Promise<DossierView>}
 */
export function sendEvent(code, version, type, payload = {}) {
  return post(`/api/dossiers/${enc(code)}/events`, { type, ...payload }, { headers: { 'If-Match': `"${version}"` } });
}

/**
 * Every page of a list query, up to `maxItems`.
 * @param {Record<string, any>} params
 * @param {{maxItems?: number, signal?: AbortSignal}} [opts]
 * @returns {Promise<{items: DossierView[], truncated: boolean}>}
 */
export async function listAll(params, { maxItems = 2000, signal } = {}) {
  /** @type {DossierView[]} */
  const items = [];
  /** @type {string | null | undefined} */
  let cursor;
  for (;;) {
    const page = await listDossiers({ ...params, limit: 100, cursor }, { signal });
    items.push(...(page.items ?? []));
    cursor = page.nextCursor;
    if (!cursor) return { items, truncated: false };
    if (items.length >= maxItems) return { items, truncated: true };
  }
}

/** Who may sign `type` (ISSUE_APOLOGY or REFUSE) for this dossier: [{username, fullName, title, unit}]. */
/** the first working day after `after` (YYYY-MM-DD; default today) on the server's calendar */
/** @type {(after?: string, opts?: GetOpts) => Promise<NextWorkingDay>} */
export const nextWorkingDay = (after, opts) => get(`/api/calendar/next-working-day${qs({ after })}`, opts);
/** @type {(code: string, type: string, opts?: GetOpts) => Promise<SignerList>} */
export const listSigners = (code, type, opts) => get(`/api/dossiers/${enc(code)}/signers${qs({ for: type })}`, opts);
/** whom ASSIGN may name: {step, units, assignees} (GET /api/dossiers/{code}/assignees) */
/** @type {(code: string, opts?: GetOpts) => Promise<AssigneeOptions>} */
export const listAssignees = (code, opts) => get(`/api/dossiers/${enc(code)}/assignees`, opts);
/** @type {(code: string, kind: string) => string} */
export const formUrl = (code, kind) => `/api/dossiers/${enc(code)}/forms/${enc(kind)}`;
