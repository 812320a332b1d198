/**
 * Vietnamese labels for the API's codes, and time formatting in Asia/Ho_Chi_Minh (UTC+7 all year,
 * no daylight saving since 1975, so a fixed offset is exact and does not depend on the PC's zone).
 */

// ---- the domain's vocabulary (GET /api/vocabulary, machines/vocabulary.ts) ------------------------
// Filled once per page by loadVocabulary() before any screen is drawn; never written here by hand.
/** @import { DossierView, ValidationIssue, Vocabulary, WorkingAmount } from './types.js' */
/** @typedef {Record<string, string>} Labels code → Vietnamese label */

/** state → label */
export const STATE_LABELS = /** @type {Labels} */ ({});
/** the state filter's choices: states with the same label are one choice (assigned and processing) */
/** @type {string[][]} [codes joined by ',', label] */
export const STATE_CHOICES = [];
export const TIMELINESS_LABELS = /** @type {Labels} */ ({});
/** what the button for a user event says */
export const ACTION_LABELS = /** @type {Labels} */ ({});
/** what the timeline says happened (every event type) */
export const EVENT_LABELS = /** @type {Labels} */ ({});
export const PAUSE_REASONS = /** @type {Labels} */ ({});
/** the applicant's notification channel → label (sms, zalo, email, none) */
export const NOTIFY_CHANNELS = /** @type {Labels} */ ({});
/** unit code → name; an unknown code shows as itself */
export const UNIT_LABELS = /** @type {Labels} */ ({});
/** error code → what it means (when the server's answer has no message) */
export const ERROR_LABELS = /** @type {Labels} */ ({});
/** validation issue code → Vietnamese text */
const ISSUE_LABELS = /** @type {Labels} */ ({});
/** what a message to the applicant is about (the message log's kind, `test` included) → label */
export const NOTICE_KINDS = /** @type {Labels} */ ({});
/** what became of a message (sent, failed, rejected) → label */
export const MESSAGE_STATUSES = /** @type {Labels} */ ({});
/** a compliance figure → the heading of the list of the dossiers it counts (#/tra-cuu?figure=…) */
export const DRILL_FIGURES = /** @type {Labels} */ ({});
/** the public lookup's second factor (applicant.lookupFactor) → what follows "4 số cuối của" */
export const LOOKUP_FACTOR_LABELS = /** @type {Labels} */ ({});
/** audit finding kind → label (the auditor's page) */
export const FINDING_LABELS = /** @type {Labels} */ ({});
/** the weekly review's sections (category) → heading */
export const REVIEW_CATEGORIES = /** @type {Labels} */ ({});
/** whether a late dossier got its apology (the weekly review's apology) → label */
export const APOLOGY_STATUSES = /** @type {Labels} */ ({});
/** how a required document stands at receipt (paperOnly, shown, optionalAbsent) → label */
export const COMPONENT_STATUSES = /** @type {Labels} */ ({});
/** received or not, not yet decided */
/** @type {Set<string>} */
const PENDING = new Set();
/** @type {Set<string>} */
const STOPPED = new Set();

/** @type {Promise<void> | null} */
let loading = null;

/**
 * Loads the vocabulary once (no login needed); the labels fall back to the codes if the server cannot be reached.
 * @returns {Promise<void>}
 */
export function loadVocabulary() {
  loading ??= fetch('/api/vocabulary', { headers: { Accept: 'application/json' }, credentials: 'omit' })
    .then((res) => (res.ok ? res.json() : null))
    .then((/** @type {Vocabulary | null} */ v) => {
      if (v) applyVocabulary(v);
    })
    .catch(() => {
      loading = null;
    });
  return loading;
}

/** @param {Vocabulary} v */
function applyVocabulary(v) {
  /** @type {Map<string, string[]>} */
  const byLabel = new Map();
  for (const s of v.states) {
    STATE_LABELS[s.code] = s.label;
    byLabel.set(s.label, [...(byLabel.get(s.label) ?? []), s.code]);
  }
  STATE_CHOICES.splice(0, STATE_CHOICES.length, ...[...byLabel].map(([label, codes]) => [codes.join(','), label]));
  for (const e of v.events) {
    EVENT_LABELS[e.type] = e.label;
    if (e.action) ACTION_LABELS[e.type] = e.action;
  }
  Object.assign(TIMELINESS_LABELS, v.timeliness);
  Object.assign(PAUSE_REASONS, v.pauseReasons);
  Object.assign(EXEMPTION_REASONS, v.exemptionReasons ?? {});
  Object.assign(WITHDRAWAL_CHANNELS, v.withdrawalChannels ?? {});
  if (v.stopAction) STOP_ACTION.label = v.stopAction;
  Object.assign(NOTIFY_CHANNELS, v.notifyChannels ?? {});
  Object.assign(CHANNELS, v.channels);
  Object.assign(RETURN_METHODS, v.returnMethods);
  Object.assign(OUTCOMES, v.outcomes);
  Object.assign(ROLE_LABELS, v.roles);
  for (const f of v.forms) FORM_LABELS[f.kind] = f.label;
  Object.assign(ERROR_LABELS, v.errors);
  Object.assign(ISSUE_LABELS, v.issues);
  Object.assign(LOOKUP_FACTOR_LABELS, v.lookupFactors);
  Object.assign(FINDING_LABELS, v.findings);
  Object.assign(NOTICE_KINDS, v.noticeKinds);
  Object.assign(MESSAGE_STATUSES, v.messageStatuses);
  Object.assign(DRILL_FIGURES, v.drillFigures);
  Object.assign(REVIEW_CATEGORIES, v.reviewCategories);
  Object.assign(APOLOGY_STATUSES, v.apologyStatuses);
  Object.assign(COMPONENT_STATUSES, v.componentStatuses);
  for (const u of v.units) UNIT_LABELS[u.code] = u.name;
  for (const s of v.pendingStates) PENDING.add(s);
  for (const s of v.stoppedStates ?? []) STOPPED.add(s);
}

/** the states not yet decided, for a list filter ("submitted,received,…") */
export const pendingStates = () => [...PENDING].join(',');
/** true while the dossier waits for a decision (its due date still counts down) */
export const isPending = (/** @type {string} */ state) => PENDING.has(state);
/** true while the deadline clock is stopped (waiting for a supplement, paused): no countdown then */
export const isClockStopped = (/** @type {string} */ state) => STOPPED.has(state);
/** what the clock does while stopped, in the words the counter says to the applicant */
export const CLOCK_STOPPED = 'Dừng tính thời hạn';

/** @type {Record<string, string>} how the result went back (counter, post, online) → label (from the vocabulary) */
export const RETURN_METHODS = {};
/** @type {Record<string, string>} how a dossier came in (counter, online, postal) → label (from the vocabulary) */
export const CHANNELS = {};
/** @type {Record<string, string>} result outcome → label (from the vocabulary) */
export const OUTCOMES = {};
/** @type {Record<string, string>} user role → name (from the vocabulary) */
export const ROLE_LABELS = {};
/** @type {Record<string, string>} form kind → short name for buttons (from the vocabulary; the printed title is the form's own) */
export const FORM_LABELS = {};

/** why a late dossier is exempt from the apology (from the vocabulary, machines/vocabulary.ts EXEMPTION_REASON_LABELS) */
export const EXEMPTION_REASONS = /** @type {Labels} */ ({});
/** how the applicant asked to stop (from the vocabulary) */
export const WITHDRAWAL_CHANNELS = /** @type {Labels} */ ({});

export const stateLabel = (/** @type {string | null | undefined} */ s) => STATE_LABELS[s ?? ''] ?? s ?? '';
export const timelinessLabel = (/** @type {string | null | undefined} */ t) => TIMELINESS_LABELS[t ?? ''] ?? t ?? '';
export const unitLabel = (/** @type {string | null | undefined} */ u) => (u ? (UNIT_LABELS[u] ?? u) : '');
/** the label of WITHDRAW from chart version 2 on, where it issues the stop notice after the applicant's request (vocabulary) */
const STOP_ACTION = { label: '' };
/** a user event's button text; WITHDRAW on a dossier of chart version 2 on is the stop notice */
export const actionLabel = (/** @type {string} */ t, /** @type {Pick<DossierView, 'machineVersion'> | null} */ view = null) =>
  t === 'WITHDRAW' && (view?.machineVersion ?? 0) >= 2 && STOP_ACTION.label ? STOP_ACTION.label : (ACTION_LABELS[t] ?? t);

// ---- time -----------------------------------------------------------------------------------

const OFFSET_MS = 7 * 3600_000;
const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');

/**
 * the wall-clock fields in Hanoi of an instant
 * @param {string | number} at
 */
function hanoi(at) {
  const t = typeof at === 'number' ? at : Date.parse(at);
  if (Number.isNaN(t)) return null;
  const d = new Date(t + OFFSET_MS);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate(), H: d.getUTCHours(), M: d.getUTCMinutes(), wd: d.getUTCDay() };
}

/** hanoi() of an instant in ms since the epoch, which a number always is */
const hanoiMs = (/** @type {number} */ ms) => /** @type {NonNullable<ReturnType<typeof hanoi>>} */ (hanoi(ms));

/**
 * "HH:mm dd/MM/yyyy" in Asia/Ho_Chi_Minh; '' for null
 * @param {string | number | null | undefined} at
 */
export function fmtTime(at) {
  if (at === null || at === undefined || at === '') return '';
  const h = hanoi(at);
  if (!h) return String(at);
  return `${pad(h.H)}:${pad(h.M)} ${pad(h.d)}/${pad(h.m)}/${h.y}`;
}

/**
 * "dd/MM/yyyy" of an instant (Hanoi) or of a local date "yyyy-mm-dd"
 * @param {string | null | undefined} at
 */
export function fmtDate(at) {
  if (!at) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(at)) {
    const [y, m, d] = at.split('-');
    return `${d}/${m}/${y}`;
  }
  const h = hanoi(at);
  return h ? `${pad(h.d)}/${pad(h.m)}/${h.y}` : String(at);
}

/** the local date "yyyy-mm-dd" in Hanoi, `days` after now (or after `from`) */
export function localDate(days = 0, from = Date.now()) {
  const h = hanoiMs(from + days * 86400_000);
  return `${h.y}-${pad(h.m)}-${pad(h.d)}`;
}

/** Monday 00:00 Hanoi of the current week, as an instant (ms) */
export function startOfWeek(now = Date.now()) {
  const h = hanoiMs(now);
  const sinceMonday = (h.wd + 6) % 7;
  const midnight = Date.UTC(h.y, h.m - 1, h.d) - OFFSET_MS;
  return midnight - sinceMonday * 86400_000;
}

/**
 * "còn 3 giờ", "quá 2 ngày" — calendar time, a hint next to the exact due time
 * @param {string | null | undefined} dueAt
 */
export function relativeDue(dueAt, now = Date.now()) {
  if (!dueAt) return '';
  const diff = Date.parse(dueAt) - now;
  const abs = Math.abs(diff);
  let text;
  if (abs < 3600_000) text = `${Math.max(1, Math.round(abs / 60_000))} phút`;
  else if (abs < 48 * 3600_000) text = `${Math.round(abs / 3600_000)} giờ`;
  else text = `${Math.round(abs / 86400_000)} ngày`;
  return diff >= 0 ? `còn ${text}` : `quá ${text}`;
}

/** @param {number | null | undefined} amount */
export function fmtMoney(amount) {
  if (amount === 0) return 'Miễn phí';
  if (typeof amount !== 'number') return '';
  return `${String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, '.')} đồng`;
}

/** @param {WorkingAmount | null | undefined} a */
export function fmtAmount(a) {
  if (!a) return '';
  if (a.unit === 'days' && a.value === 0) return 'Trong ngày';
  return `${a.value} ${a.unit === 'days' ? 'ngày làm việc' : 'giờ làm việc'}`;
}

// ---- validation issues ----------------------------------------------------------------------

/** The Vietnamese text of a 400 issue ({field, code, reason}): by its code; the UI's own checks give `vi`. */
/** @param {ValidationIssue | null | undefined} issue */
export function issueText(issue) {
  if (issue?.vi) return issue.vi;
  const known = issue?.code && issue.code !== 'invalid' ? ISSUE_LABELS[issue.code] : null;
  if (known) return known;
  const generic = ISSUE_LABELS.invalid ?? 'Không hợp lệ';
  return issue?.reason ? `${generic} (${issue.reason})` : generic;
}
