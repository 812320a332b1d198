/**
 * The staff app: sign-in, the shell and a router on location.hash.
 *   #/quay            Quầy tiếp nhận (counter desk)
 *   #/hop-viec        Hộp việc (my steps, most urgent first)
 *   #/tra-cuu?q=…     Tra cứu hồ sơ (search)
 *   #/dieu-hanh       Bảng điều hành (supervisor dashboard: ?ky=week|month|quarter|year|custom&ngay=…)
 *   #/ra-soat         Rà soát hồ sơ trễ hạn tuần (?tuan=YYYY-Www&donvi=UNIT)
 *   #/bao-cao-thang   Báo cáo tháng gửi Sở Nội vụ (?thang=YYYY-MM)
 *   #/ho-so/{code}    one dossier
 *   #/kiem-tra/{code} its history replayed event by event, with the chain status (auditor view)
 * Keyboard: Alt+1…4 switch screens, "/" jumps to the screen's search box.
 */
import { ApiError, login, logout, me, session } from './api.js';
import { clear, clearIssues, errorText, h, showFormError, showIssues, toast } from './dom.js';
import { ROLE_LABELS, loadVocabulary, unitLabel } from './labels.js';
import * as counter from './views/counter.js';
import * as inbox from './views/inbox.js';
import * as search from './views/search.js';
import * as dashboard from './views/dashboard.js';
import * as dossier from './views/dossier.js';
import * as audit from './views/audit.js';
import * as weeklyReview from './views/weekly-review.js';
import * as monthlyReport from './views/monthly-report.js';
import * as notifications from './views/notifications.js';
/** @import { Screen, SessionUser, ValidationIssue } from './types.js' */

/**
 * What a screen's render(root, ctx) gets; it may return a cleanup function.
 * @typedef {{user: SessionUser, params: string[], query: URLSearchParams, signal: AbortSignal}} ViewContext
 * @typedef {{render: (root: HTMLElement, ctx: ViewContext) => Promise<void | (() => void)>}} View
 * @type {{re: RegExp, nav: string | null, screen: Screen, title: string, view: View}[]}
 */
const ROUTES = [
  { re: /^\/quay$/, nav: 'quay', screen: 'intake', title: 'Quầy tiếp nhận', view: counter },
  { re: /^\/hop-viec$/, nav: 'hop-viec', screen: 'inbox', title: 'Hộp việc', view: inbox },
  { re: /^\/tra-cuu$/, nav: 'tra-cuu', screen: 'search', title: 'Tra cứu hồ sơ', view: search },
  { re: /^\/dieu-hanh$/, nav: 'dieu-hanh', screen: 'dashboard', title: 'Bảng điều hành', view: dashboard },
  { re: /^\/ra-soat$/, nav: 'dieu-hanh', screen: 'review', title: 'Rà soát hồ sơ trễ hạn tuần', view: weeklyReview },
  { re: /^\/bao-cao-thang$/, nav: 'dieu-hanh', screen: 'review', title: 'Báo cáo tháng gửi Sở Nội vụ', view: monthlyReport },
  { re: /^\/thong-bao$/, nav: 'thong-bao', screen: 'notifications', title: 'Thông báo và chuyển giao dữ liệu', view: notifications },
  { re: /^\/ho-so\/(.+)$/, nav: null, screen: 'search', title: 'Hồ sơ', view: dossier },
  { re: /^\/kiem-tra\/(.+)$/, nav: null, screen: 'search', title: 'Kiểm tra lịch sử hồ sơ', view: audit },
];
/** @type {Record<string, Screen>} the screen each menu entry opens */
const NAV_SCREEN = { quay: 'intake', 'hop-viec': 'inbox', 'tra-cuu': 'search', 'dieu-hanh': 'dashboard', 'thong-bao': 'notifications' };
/** the screens the server offers this user (GET /api/auth/me `screens`, src/services/screens.ts) */
const allowed = (/** @type {SessionUser | null} */ u, /** @type {Screen | undefined} */ screen) =>
  screen !== undefined && (u?.screens ?? []).includes(screen);
/** @type {Record<string, string>} Alt+digit → screen */
const NAV_KEYS = { 1: '#/quay', 2: '#/hop-viec', 3: '#/tra-cuu', 4: '#/dieu-hanh' };

/** the sign-in form's inputs, by id */
const $ = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (document.getElementById(id));
/** @type {{abort: AbortController | null, cleanup: (() => void) | null}} */
let current = { abort: null, cleanup: null };
/** @type {SessionUser | null} */
let user = null;

/** @param {SessionUser | null} u */
function homeFor(u) {
  const roles = u?.roles ?? [];
  if (allowed(u, 'intake')) return '#/quay';
  if (allowed(u, 'inbox')) return '#/hop-viec';
  if (roles.includes('supervisor') && allowed(u, 'dashboard')) return '#/dieu-hanh';
  return '#/tra-cuu';
}

function parseHash() {
  const raw = location.hash.replace(/^#/, '');
  if (!raw.startsWith('/')) return null;
  const [path, query = ''] = raw.split('?');
  return { path, query: new URLSearchParams(query) };
}

function stopCurrent() {
  // a dialog belongs to the screen that opened it: leaving the screen (link, Back, Alt+n, sign-out) closes it
  for (const d of /** @type {NodeListOf<HTMLDialogElement>} */ (document.querySelectorAll('dialog[open]'))) d.close();
  current.abort?.abort();
  try {
    current.cleanup?.();
  } catch {
    /* a view's cleanup must not break navigation */
  }
  current = { abort: null, cleanup: null };
}

// ---- sign-in ----------------------------------------------------------------------------------

/** @param {string} [notice] */
function showLogin(notice) {
  stopCurrent();
  user = null;
  $('nav').hidden = true;
  $('who').hidden = true;
  clear($('view'));
  $('login').hidden = false;
  const n = $('login-notice');
  n.textContent = notice ?? '';
  n.hidden = !notice;
  document.title = 'Đăng nhập — Một cửa';
  $('username').focus();
}

/** @param {SessionUser} u */
function showShell(u) {
  user = u;
  $('login').hidden = true;
  $('nav').hidden = false;
  $('who').hidden = false;
  for (const a of /** @type {NodeListOf<HTMLAnchorElement>} */ (document.querySelectorAll('#nav a'))) {
    a.hidden = !allowed(u, NAV_SCREEN[a.dataset.nav ?? '']);
  }
  const roles = (u.roles ?? []).map((r) => ROLE_LABELS[r] ?? r).join(', ');
  $('who-name').textContent = `${u.fullName ?? u.username} · ${roles}`;
  $('who-name').title = `${u.username} · ${unitLabel(u.unit)}`;
}

/** @param {SubmitEvent} e */
async function onLogin(e) {
  e.preventDefault();
  const form = /** @type {HTMLFormElement} */ (e.currentTarget);
  clearIssues(form);
  const username = $('username').value.trim();
  const password = $('password').value;
  /** @type {ValidationIssue[]} */
  const missing = [];
  if (!username) missing.push({ field: 'username', reason: 'required', vi: 'Nhập tên đăng nhập' });
  if (!password) missing.push({ field: 'password', reason: 'required', vi: 'Nhập mật khẩu' });
  if (missing.length) return showIssues(form, missing);
  const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type=submit]'));
  button.disabled = true;
  try {
    const u = await login(username, password);
    $('password').value = '';
    showShell(u);
    if (!parseHash()) location.replace(homeFor(u));
    await route();
  } catch (err) {
    if (err instanceof ApiError && err.status === 400 && err.issues.length) showIssues(form, err.issues, err.message);
    else
      showFormError(
        form,
        err instanceof ApiError && err.status === 401 ? err.message || 'Sai tên đăng nhập hoặc mật khẩu' : errorText(err),
      );
    $('password').select();
  } finally {
    button.disabled = false;
  }
}

// ---- routing ----------------------------------------------------------------------------------

async function route() {
  if (!session() || !user) return showLogin();
  const parsed = parseHash();
  if (!parsed) {
    location.replace(homeFor(user));
    return;
  }
  const match = ROUTES.map((r) => ({ r, m: r.re.exec(parsed.path) })).find((x) => x.m);
  stopCurrent();
  for (const a of /** @type {NodeListOf<HTMLAnchorElement>} */ (document.querySelectorAll('#nav a'))) {
    if (match && a.dataset.nav === match.r.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const host = $('view');
  const root = h('div', { class: 'view-root' });
  host.replaceChildren(root);
  if (!match) {
    document.title = 'Không tìm thấy — Một cửa';
    root.append(h('h1', null, 'Không tìm thấy trang'), h('p', null, h('a', { href: homeFor(user) }, 'Về trang chính')));
    return;
  }
  if (!allowed(user, match.r.screen)) {
    document.title = 'Không có quyền truy cập — Một cửa';
    root.append(
      h('h1', null, 'Không có quyền truy cập'),
      h('p', { id: 'no-access' }, `Chức năng «${match.r.title}» không dành cho tài khoản của bạn.`),
      h('p', null, h('a', { href: homeFor(user) }, 'Về trang chính')),
    );
    root.querySelector('h1')?.setAttribute('tabindex', '-1');
    /** @type {HTMLElement} */ (root.querySelector('h1')).focus();
    return;
  }
  document.title = `${match.r.title} — Một cửa`;
  const abort = new AbortController();
  current.abort = abort;
  const params = /** @type {RegExpExecArray} */ (match.m).slice(1).map((p) => decodeURIComponent(p));
  try {
    const cleanup = await match.r.view.render(root, { user, params, query: parsed.query, signal: abort.signal });
    if (abort.signal.aborted) {
      if (typeof cleanup === 'function') cleanup();
    } else current.cleanup = cleanup ?? null;
  } catch (err) {
    if (err instanceof Error && err.name === 'AbortError') return;
    if (abort.signal.aborted) return;
    root.append(h('div', { class: 'alert alert-error', role: 'alert' }, errorText(err)));
  }
  if (!abort.signal.aborted && !root.contains(document.activeElement)) {
    const target = /** @type {HTMLElement | null} */ (root.querySelector('[autofocus]') ?? root.querySelector('h1'));
    if (target) {
      if (!target.hasAttribute('tabindex') && target.tagName === 'H1') target.setAttribute('tabindex', '-1');
      target.focus({ preventScroll: true });
    }
  }
}

/** @param {KeyboardEvent} e */
function onKey(e) {
  if (!user) return;
  if (
    e.altKey &&
    !e.ctrlKey &&
    !e.metaKey &&
    NAV_KEYS[e.key] &&
    !(/** @type {HTMLElement} */ (document.querySelector(`#nav a[href="${NAV_KEYS[e.key]}"]`))?.hidden)
  ) {
    e.preventDefault();
    location.hash = NAV_KEYS[e.key];
    return;
  }
  const t = e.target;
  const typing = t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  if (e.key === '/' && !typing && !document.querySelector('dialog[open]')) {
    const box = /** @type {HTMLInputElement | null} */ (document.querySelector('#view [data-search]'));
    if (box) {
      e.preventDefault();
      box.focus();
      box.select?.();
    }
  }
}

async function start() {
  await loadVocabulary();
  $('login-form').addEventListener('submit', onLogin);
  $('logout').addEventListener('click', async () => {
    await logout();
    location.hash = '';
    showLogin('Đã đăng xuất.');
  });
  $('skip-link').addEventListener('click', (e) => {
    e.preventDefault();
    $('main').focus();
  });
  window.addEventListener('hashchange', () => {
    if (user) route();
  });
  window.addEventListener('keydown', onKey);
  window.addEventListener('motcua:signed-out', (e) => {
    if (user) toast('Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại', 'error');
    showLogin(/** @type {CustomEvent} */ (e).detail?.message ?? 'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.');
  });

  if (!session()) return showLogin();
  const u = await me();
  if (!u) return showLogin('Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.');
  showShell(u);
  await route();
}

start();
