/**
 * The auditor's view of one dossier (#/kiem-tra/{code}[?seq=N]): its history replayed event by event.
 *
 * - a slider with ◀ ▶ buttons (and the arrow keys, Home/End) over the stored events; for the selected
 *   event: what it is, who did it and when, its payload, and the dossier's state, timeliness, due date
 *   and step before → after it (GET /replay), plus the full replayed state at that point (GET /replay?upTo);
 * - the list of events with the chain status of each (GET /verify: ✓, or the kind of the finding
 *   located at that event, in red);
 * - the findings of verification, and the stored row compared with the replay field by field.
 *
 * Everything from the server is put into the page as text (dom.js h()), never as markup.
 */
import { get } from '../api.js';
import { procedureOf } from '../catalog.js';
import { clear, errorBox, errorText, h, spinner, stateBadge, timelinessBadge } from '../dom.js';
import {
  COMPONENT_STATUSES,
  CHANNELS,
  EVENT_LABELS,
  FINDING_LABELS,
  OUTCOMES,
  PAUSE_REASONS,
  RETURN_METHODS,
  fmtDate,
  fmtTime,
  stateLabel,
  timelinessLabel,
  unitLabel,
} from '../labels.js';
/** @import { ViewContext } from '../app.js' */
/** @import { DossierDetail, DossierVerification, EventView, Finding, ProcedureStep, Replay, ReplayStep, ReplayStepAfter } from '../types.js' */

/**
 * One row of the timeline per seq: the stored event, its replay step, its link in the chain (from /verify)
 * and the findings located there; event or step is null when only the other exists.
 * @typedef {{seq: number, event: EventView | null, step: ReplayStep | null,
 *            chain: DossierVerification['chain'][number] | null, findings: Finding[]}} Row
 */
/** @typedef {Finding & {seq: number}} LocatedFinding a finding at an event's seq */
/** @typedef {{items: Row[], findings: Finding[], notices: Finding[], ghosts: LocatedFinding[], verified: boolean}} Model */
/** @typedef {DossierVerification | {error: unknown} | null} VerifyAnswer null when the user may not verify */
/** @typedef {{steps: Pick<ProcedureStep, 'id' | 'name'>[]}} Steps the procedure's steps, for their names */
/** @typedef {(id: string | null | undefined) => string} StepName */

const enc = encodeURIComponent;

/** @param {string} kind */
const findingLabel = (kind) => FINDING_LABELS[kind] ?? kind;

/** columns of the dossiers row (machines/engine/projection.ts, verify-dossier.ts expectedProjection) */
/** @type {Record<string, string>} */
const FIELD_LABELS = {
  state: 'Trạng thái',
  timeliness: 'Tình trạng hạn',
  step_index: 'Thứ tự bước',
  step_id: 'Bước xử lý',
  unit: 'Đơn vị xử lý',
  assignee: 'Người xử lý',
  received_at: 'Tiếp nhận lúc',
  due_at: 'Hạn trả kết quả',
  original_due_at: 'Hạn theo quy định',
  result_at: 'Có kết quả lúc',
  outcome: 'Kết quả',
  final_timeliness: 'Đánh giá hạn khi có kết quả',
  returned_at: 'Trả kết quả lúc',
  closed_at: 'Kết thúc lúc',
  apology_count: 'Số phiếu xin lỗi',
  supplement_count: 'Số lần yêu cầu bổ sung',
  version: 'Số sự kiện (phiên bản)',
  last_hash: 'Mã băm đầu chuỗi',
  snapshot: 'Ảnh trạng thái của máy trạng thái',
  updated_at: 'Cập nhật lúc',
  id: 'Định danh',
  code: 'Mã hồ sơ',
  agency_code: 'Mã cơ quan',
  procedure_code: 'Mã thủ tục',
  procedure_version: 'Phiên bản thủ tục',
  machine_version: 'Phiên bản quy trình',
  channel: 'Hình thức nộp',
  submitted_at: 'Nộp lúc',
  applicant_name: 'Tên người nộp',
  applicant_id_number: 'Số định danh người nộp',
  applicant_phone: 'Điện thoại người nộp',
};

/** keys of event payloads, in words */
/** @type {Record<string, string>} */
const PAYLOAD_LABELS = {
  code: 'Mã',
  agencyCode: 'Mã cơ quan',
  channel: 'Hình thức nộp',
  terms: 'Điều kiện thủ tục khi nộp',
  applicant: 'Người nộp',
  fullName: 'Họ và tên',
  idNumber: 'Số định danh',
  phone: 'Điện thoại',
  email: 'Email',
  address: 'Địa chỉ',
  documents: 'Giấy tờ',
  name: 'Tên',
  copies: 'Số bản',
  note: 'Ghi chú',
  reason: 'Lý do',
  assignee: 'Người được phân công',
  unit: 'Đơn vị',
  dueAt: 'Hạn trả kết quả',
  missing: 'Cần bổ sung',
  documentNumber: 'Số văn bản',
  documentDate: 'Ngày ký',
  signer: 'Người ký',
  digitised: 'Đã số hóa',
  outcome: 'Kết quả',
  method: 'Hình thức trả',
  rating: 'Đánh giá',
  newDueDate: 'Ngày hẹn mới',
  newDueAt: 'Hẹn trả mới',
  responsibleStep: 'Bước để chậm',
  version: 'Phiên bản',
  processingTime: 'Thời hạn giải quyết',
  steps: 'Các bước',
  id: 'Mã bước',
  role: 'Vai trò',
  budget: 'Thời hạn',
  value: 'Giá trị',
  maxSupplements: 'Số lần bổ sung tối đa',
  maxReappointments: 'Số lần hẹn lại tối đa',
  apologyDeadline: 'Hạn xin lỗi',
  cutoff: 'Giờ chốt tiếp nhận',
  pauseReasons: 'Lý do tạm dừng được phép',
  file: 'Tệp',
  sha256: 'Mã băm SHA-256 của tệp',
  size: 'Kích thước (byte)',
  mediaType: 'Loại tệp',
  documentId: 'Mã tài liệu',
  kind: 'Loại tài liệu',
  component: 'Thành phần hồ sơ',
  source: 'Dùng lại từ',
  dossierCode: 'Mã hồ sơ',
  document: 'Bản kết quả số hóa',
  previous: 'Kết quả trước khi đính chính',
  form: 'Hình thức bản kết quả',
  attachments: 'Bản số hóa',
  digitisation: 'Số hóa khi tiếp nhận',
  required: 'Số thành phần phải số hóa',
  reused: 'Dùng lại',
  digitisationNote: 'Lý do chưa số hóa đủ',
};

/** a result document's form, in words (the raw value stays beside it) */
const RESULT_FORM_LABELS = /** @type {Record<string, string>} */ ({
  electronic_original: 'Bản điện tử gốc',
  digitised_copy: 'Bản sao số hóa',
});

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const CAN_VERIFY = ['auditor', 'supervisor', 'admin'];

/** the arrow keys that move along the timeline, and by how many events */
/** @type {Record<string, number>} */
const ARROW_STEPS = { ArrowLeft: -1, ArrowUp: -1, ArrowRight: 1, ArrowDown: 1 };

/** @param {VerifyAnswer} v @returns {v is DossierVerification} */
const isVerification = (v) => v !== null && !('error' in v);

/** @param {unknown} v @returns {v is Record<string, unknown>} an object or an array */
const isObj = (v) => v !== null && typeof v === 'object';

/**
 * @param {unknown} terms the procedure's terms as the SUBMIT event recorded them
 * @returns {terms is Steps}
 */
const hasSteps = (terms) => isObj(terms) && Array.isArray(terms.steps);

/**
 * @param {HTMLElement} root
 * @param {ViewContext} ctx
 */
export async function render(root, { user, params, query, signal }) {
  const code = params[0];
  const base = `/api/dossiers/${enc(code)}`;
  root.append(spinner('Đang phát lại lịch sử hồ sơ…'));
  const mayVerify = (user?.roles ?? []).some((r) => CAN_VERIFY.includes(r));
  /** @type {Replay} */
  let replay;
  /** @type {VerifyAnswer} */
  let verify;
  /** @type {EventView[]} */
  let events;
  /** @type {DossierDetail | null} */
  let view;
  try {
    [replay, verify, events, view] = await Promise.all([
      get(`${base}/replay`, { signal }),
      mayVerify ? get(`${base}/verify`, { signal }).catch((err) => ({ error: err })) : Promise.resolve(null),
      get(`${base}/events`, { signal }).catch(() => []),
      get(base, { signal }).catch(() => null),
    ]);
  } catch (err) {
    if ((err instanceof Error && err.name === 'AbortError') || signal.aborted) return undefined;
    clear(root);
    root.append(head(code, null), errorBox(err));
    return undefined;
  }
  if (signal.aborted) return undefined;
  const model = buildModel(replay, verify, Array.isArray(events) ? events : []);
  const terms = model.items.find((it) => it.event?.type === 'SUBMIT')?.event?.payload?.terms;
  // the version the dossier was received under: its required documents name the components events cite by index
  const version = view ? await procedureOf(view) : null;
  const proc = hasSteps(terms) ? terms : version;
  if (signal.aborted) return undefined;
  COMPONENT_NAMES.splice(0, Infinity, ...(version?.requiredDocuments ?? []).map((d) => d.name));
  clear(root);
  return draw(root, { code, base, replay, verify, view, model, proc, query, signal });
}

// ---- model --------------------------------------------------------------------------------------

/**
 * One row per stored event: the event, its replay step, its chain status and its findings.
 * @param {Replay} replay
 * @param {VerifyAnswer} verify
 * @param {EventView[]} events
 * @returns {Model}
 */
function buildModel(replay, verify, events) {
  PEOPLE.clear();
  for (const e of events) {
    if (e.actorName) PEOPLE.set(e.actor, e.actorName);
    if (e.assigneeName && typeof e.payload?.assignee === 'string') PEOPLE.set(e.payload.assignee, e.assigneeName);
  }
  /** @type {Map<number, Row>} */
  const bySeq = new Map();
  /** @param {number} seq @returns {Row} */
  const row = (seq) => {
    let r = bySeq.get(seq);
    if (!r) bySeq.set(seq, (r = { seq, event: null, step: null, chain: null, findings: [] }));
    return r;
  };
  for (const e of events) row(e.seq).event = e;
  for (const s of replay.steps ?? []) row(s.seq).step = s;
  const verified = isVerification(verify);
  if (verified) for (const c of verify.chain ?? []) row(c.seq).chain = c;
  const items = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  const findings = verified ? (verify.findings ?? []) : [];
  /** @type {LocatedFinding[]} */
  const ghosts = []; // findings at a seq no stored event has (a missing event, a removed tail)
  for (const f of findings) {
    const seq = f.seq;
    if (seq === null || seq === undefined) continue;
    const it = bySeq.get(seq);
    if (it) it.findings.push(f);
    else ghosts.push({ ...f, seq });
  }
  // notices: not failures (a file deleted by the retention job, with its record)
  const notices = verified ? (verify.notices ?? []) : [];
  return { items, findings, notices, ghosts, verified };
}

/**
 * ok | bad (null: not known), with the finding kinds or the words for the chain column
 * @param {Row} it
 * @returns {{ok: boolean | null, kinds: string[], why: string[]}}
 */
function chainOf(it) {
  if (it.findings.length) return { ok: false, kinds: [...new Set(it.findings.map((f) => f.kind))], why: [] };
  const c = it.chain ?? (it.step ? { hashOk: it.step.hashOk, linkOk: it.step.linkOk, seqOk: true } : null);
  if (!c) return { ok: null, kinds: [], why: [] };
  const why = [];
  if (!c.hashOk) why.push('Mã băm không khớp nội dung');
  if (!c.linkOk) why.push('Không nối với sự kiện trước');
  if (c.seqOk === false) why.push('Sai số thứ tự');
  return why.length ? { ok: false, kinds: [], why } : { ok: true, kinds: [], why };
}

// ---- page ---------------------------------------------------------------------------------------

/**
 * @param {string} code
 * @param {DossierDetail | null} view
 */
function head(code, view) {
  return h(
    'div',
    { class: 'page-head audit-head' },
    h('h1', null, 'Kiểm tra lịch sử hồ sơ ', h('span', { class: 'code', id: 'audit-code' }, code)),
    h(
      'p',
      { class: 'head-badges' },
      view ? [h('span', { class: 'muted' }, 'Hiện tại: '), stateBadge(view.state), ' ', timelinessBadge(view.timeliness), ' '] : null,
      h('a', { href: `#/ho-so/${enc(code)}` }, '← Về trang hồ sơ'),
    ),
  );
}

/**
 * @param {HTMLElement} root
 * @param {{code: string, base: string, replay: Replay, verify: VerifyAnswer, view: DossierDetail | null, model: Model,
 *          proc: Steps | null, query: URLSearchParams, signal: AbortSignal}} ctx
 */
function draw(root, ctx) {
  const { code, base, replay, verify, view, model, proc, query, signal } = ctx;
  const { items } = model;
  /** @type {StepName} */
  const stepName = (id) => (id ? (proc?.steps?.find((s) => s.id === id)?.name ?? id) : '—');

  root.append(head(code, view), verdict(replay, verify, model));
  if (!items.length) {
    root.append(
      h('p', { class: 'empty' }, 'Hồ sơ không còn sự kiện nào được lưu.'),
      findingsPanel(model, () => {}),
      differencesPanel(replay),
    );
    return undefined;
  }

  // ---- controls
  const slider = h('input', {
    type: 'range',
    id: 'audit-slider',
    min: 0,
    max: items.length - 1,
    step: 1,
    value: items.length - 1,
    'aria-label': 'Chọn sự kiện trên dòng thời gian',
    class: 'audit-slider',
  });
  const prev = h(
    'button',
    { type: 'button', class: 'secondary small', id: 'audit-prev', 'aria-label': 'Sự kiện trước', title: 'Sự kiện trước (←)' },
    '◀',
  );
  const next = h(
    'button',
    { type: 'button', class: 'secondary small', id: 'audit-next', 'aria-label': 'Sự kiện sau', title: 'Sự kiện sau (→)' },
    '▶',
  );
  const position = h('output', { id: 'audit-position', class: 'audit-position', for: 'audit-slider', 'aria-live': 'polite' });
  const ticks = h(
    'ol',
    { class: 'audit-ticks', 'aria-hidden': 'true' },
    items.map((it) => h('li', { class: ['audit-tick', chainOf(it).ok === false && 'audit-tick-bad'] }, String(it.seq))),
  );

  const eventBox = h('div', { id: 'audit-event' });
  const stateBox = h('div', { id: 'audit-state' });
  const rows = items.map((it) => eventRow(it));
  const table = h(
    'table',
    { class: 'data audit-events', id: 'audit-events' },
    h('caption', { class: 'sr-only' }, 'Các sự kiện và trạng thái chuỗi băm'),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, '#'),
        h('th', { scope: 'col' }, 'Thời điểm'),
        h('th', { scope: 'col' }, 'Sự kiện'),
        h('th', { scope: 'col' }, 'Chuỗi'),
      ),
    ),
    h('tbody', null, withGhosts(rows, items, model.ghosts)),
  );

  let index = -1;
  /** @type {Map<number, Promise<Replay>>} */
  const upToCache = new Map();
  if (replay.state && !replay.error && !replay.cut) upToCache.set(replay.state.seq, Promise.resolve(replay));
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let stateTimer;
  /** @type {AbortController | null} */
  let stateAbort = null;

  /**
   * @param {number} i
   * @param {{focusRow?: boolean}} [opts]
   */
  function select(i, { focusRow = false } = {}) {
    const n = Math.max(0, Math.min(items.length - 1, i));
    if (n === index) return;
    index = n;
    const it = items[n];
    slider.value = String(n);
    const label = `Sự kiện ${n + 1}/${items.length}: #${it.seq} ${eventLabel(it)}`;
    slider.setAttribute('aria-valuetext', label);
    position.textContent = `${n + 1}/${items.length} · #${it.seq} · ${fmtTime(it.event?.occurredAt ?? it.step?.occurredAt)}`;
    prev.disabled = n === 0;
    next.disabled = n === items.length - 1;
    rows.forEach((r, k) => {
      if (k === n) r.setAttribute('aria-current', 'step');
      else r.removeAttribute('aria-current');
    });
    ticks.querySelectorAll('li').forEach((li, k) => li.classList.toggle('audit-tick-on', k === n));
    eventBox.replaceChildren(eventPanel(it, items[n - 1]?.step ?? null, replay, stepName));
    loadState(it.seq);
    if (focusRow) rows[n].querySelector('button')?.focus();
    history.replaceState(history.state, '', `#/kiem-tra/${enc(code)}?seq=${it.seq}`);
  }

  /**
   * the full replayed state after the selected event (debounced: the slider can move fast)
   * @param {number} seq
   */
  function loadState(seq) {
    clearTimeout(stateTimer);
    stateAbort?.abort();
    const failedBefore = replay.error && replay.error.seq <= seq ? replay.error : null;
    stateBox.replaceChildren(spinner('Đang phát lại…'));
    stateTimer = setTimeout(
      async () => {
        const abort = new AbortController();
        stateAbort = abort;
        const onStop = () => abort.abort();
        signal.addEventListener('abort', onStop, { once: true });
        try {
          if (!upToCache.has(seq)) {
            const p = get(`${base}/replay?upTo=${seq}`, { signal: abort.signal });
            upToCache.set(seq, p);
            p.catch(() => upToCache.delete(seq));
          }
          const at = await upToCache.get(seq);
          if (abort.signal.aborted || items[index]?.seq !== seq) return;
          stateBox.replaceChildren(...statePanel(seq, at, failedBefore, stepName));
        } catch (err) {
          if ((err instanceof Error && err.name === 'AbortError') || abort.signal.aborted) return;
          stateBox.replaceChildren(errorBox(err));
        } finally {
          signal.removeEventListener('abort', onStop);
        }
      },
      upToCache.has(seq) ? 0 : 120,
    );
  }

  slider.addEventListener('input', () => select(Number(slider.value)));
  prev.addEventListener('click', () => select(index - 1));
  next.addEventListener('click', () => select(index + 1));
  rows.forEach((r, i) => r.querySelector('button')?.addEventListener('click', () => select(i)));
  ticks.addEventListener('click', (e) => {
    const li = e.target instanceof Element ? e.target.closest('li') : null;
    if (li) select([...ticks.children].indexOf(li));
  });

  const onKey = (/** @type {KeyboardEvent} */ e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || document.querySelector('dialog[open]')) return;
    const t = e.target;
    if (t === slider) return; // the range input moves itself (and fires input)
    if (t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    const step = ARROW_STEPS[e.key];
    const inTable = t instanceof Element && t.closest('#audit-events');
    if (step) {
      e.preventDefault();
      select(index + step, { focusRow: Boolean(inTable) });
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      select(e.key === 'Home' ? 0 : items.length - 1, { focusRow: Boolean(inTable) });
    }
  };
  window.addEventListener('keydown', onKey);

  const jump = (/** @type {number} */ seq) => {
    const i = items.findIndex((it) => it.seq === seq);
    if (i >= 0) {
      select(i);
      slider.focus();
      slider.scrollIntoView({ block: 'nearest' });
    }
  };

  root.append(
    h(
      'section',
      { class: 'panel audit-bar', 'aria-labelledby': 'audit-bar-title' },
      h('h2', { id: 'audit-bar-title' }, 'Dòng thời gian ', h('small', null, '(← → để chuyển sự kiện)')),
      h('div', { class: 'audit-controls' }, prev, h('div', { class: 'audit-track' }, slider, ticks), next, position),
    ),
    h(
      'div',
      { class: 'audit-grid' },
      h(
        'div',
        { class: 'audit-main' },
        h(
          'section',
          { class: 'panel', 'aria-labelledby': 'audit-event-title' },
          h('h2', { id: 'audit-event-title' }, 'Sự kiện được chọn'),
          eventBox,
        ),
        h(
          'section',
          { class: 'panel', 'aria-labelledby': 'audit-state-title' },
          h('h2', { id: 'audit-state-title' }, 'Hồ sơ tại thời điểm này (phát lại)'),
          stateBox,
        ),
      ),
      h(
        'div',
        { class: 'audit-side' },
        h(
          'section',
          { class: 'panel audit-list', 'aria-labelledby': 'audit-list-title' },
          h('h2', { id: 'audit-list-title' }, 'Các sự kiện và chuỗi băm'),
          table,
        ),
      ),
    ),
    findingsPanel(model, jump),
    differencesPanel(replay),
  );

  const wanted = Number(query?.get('seq'));
  const fromQuery = Number.isInteger(wanted) ? items.findIndex((it) => it.seq === wanted) : -1;
  const firstBroken = items.findIndex((it) => chainOf(it).ok === false);
  select(fromQuery >= 0 ? fromQuery : firstBroken >= 0 ? firstBroken : items.length - 1);

  return () => {
    window.removeEventListener('keydown', onKey);
    clearTimeout(stateTimer);
    stateAbort?.abort();
  };
}

/** @param {Row} it */
function eventLabel(it) {
  const type = it.event?.type ?? it.step?.type ?? '';
  return EVENT_LABELS[type] ?? type;
}

/** username → "full name (title)", from the history's actorName/assigneeName (the server resolves them) */
/** @type {Map<string, string>} */
const PEOPLE = new Map();
const personName = (/** @type {string} */ username) => PEOPLE.get(username) ?? username;

/**
 * @param {string | undefined} actor
 * @param {string | null | undefined} unit
 */
function actorText(actor, unit) {
  if (!actor) return '';
  if (actor === 'system') return 'Hệ thống';
  return `${personName(actor)}${unit ? ` · ${unitLabel(unit)}` : ''}`;
}

// ---- verdict, findings, differences --------------------------------------------------------------

/**
 * @param {Replay} replay
 * @param {VerifyAnswer} verify
 * @param {Model} model
 */
function verdict(replay, verify, model) {
  if (verify === null) {
    return h(
      'p',
      { class: 'alert alert-warn', id: 'audit-verdict', role: 'status' },
      'Chỉ kiểm tra viên, giám sát và quản trị xem được kết quả kiểm tra chuỗi băm.',
    );
  }
  if (!isVerification(verify))
    return h(
      'div',
      { class: 'alert alert-error', id: 'audit-verdict', role: 'alert' },
      `Không kiểm tra được hồ sơ: ${errorText(verify.error)}`,
    );
  if (!model.findings.length && !replay.error) {
    return h(
      'p',
      { class: 'alert alert-ok', id: 'audit-verdict', role: 'status' },
      '✓ Không phát hiện bất thường: chuỗi băm nguyên vẹn, lịch sử phát lại khớp dữ liệu hiện tại.',
    );
  }
  const first = model.findings.find((f) => f.seq !== null && f.seq !== undefined);
  return h(
    'div',
    { class: 'alert alert-error', id: 'audit-verdict', role: 'alert' },
    `⚠ Phát hiện ${model.findings.length} bất thường`,
    first ? `; đầu tiên tại sự kiện #${first.seq}: ${findingLabel(first.kind)}` : '',
    '.',
  );
}

/**
 * @param {Model} model
 * @param {(seq: number) => void} jump selects the event at seq
 */
function findingsPanel(model, jump) {
  let body;
  if (!model.verified) body = h('p', { class: 'muted' }, 'Không có kết quả kiểm tra.');
  else if (!model.findings.length) body = h('p', { class: 'chain-ok' }, '✓ Không có phát hiện nào.');
  else {
    const known = new Set(model.items.map((it) => it.seq));
    body = h(
      'ol',
      { class: 'audit-findings', id: 'audit-findings' },
      model.findings.map(({ seq, ...f }) =>
        h(
          'li',
          { class: 'audit-finding', dataset: { kind: f.kind, seq: seq ?? '' } },
          h('span', { class: 'finding-kind' }, findingLabel(f.kind)),
          ' ',
          seq === null || seq === undefined
            ? h('span', { class: 'muted' }, f.field ? `— trường ${FIELD_LABELS[f.field] ?? f.field} (${f.field})` : '— toàn hồ sơ')
            : known.has(seq)
              ? h('button', { type: 'button', class: 'linkish', onclick: () => jump(seq) }, `tại sự kiện #${seq}`)
              : h('span', null, `tại vị trí #${seq} (không còn sự kiện)`),
          h('div', { class: 'finding-msg' }, h('span', { class: 'muted' }, 'Chi tiết: '), f.message),
        ),
      ),
    );
  }
  const notices = model.notices.length
    ? h(
        'div',
        { id: 'audit-notices' },
        h('h3', null, 'Ghi nhận (không phải bất thường)'),
        h(
          'ul',
          { class: 'audit-notices' },
          model.notices.map((f) =>
            h(
              'li',
              { class: 'audit-notice', dataset: { kind: f.kind, seq: f.seq ?? '' } },
              h('span', { class: 'finding-kind' }, findingLabel(f.kind)),
              f.seq === null || f.seq === undefined ? '' : ` — sự kiện #${f.seq}`,
              h('div', { class: 'finding-msg muted' }, f.message),
            ),
          ),
        ),
      )
    : null;
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'audit-findings-title' },
    h('h2', { id: 'audit-findings-title' }, 'Kết quả kiểm tra'),
    body,
    notices,
  );
}

/** @param {Replay} replay */
function differencesPanel(replay) {
  let body;
  const diffs = replay.differences;
  if (replay.error) {
    body = h(
      'p',
      { class: 'alert alert-error' },
      `Lịch sử không phát lại được quá sự kiện #${replay.error.seq} nên không so sánh được. `,
      h('span', { class: 'muted' }, replay.error.message),
    );
  } else if (!Array.isArray(diffs)) {
    body = h('p', { class: 'muted' }, 'Không có dữ liệu so sánh.');
  } else if (!diffs.length) {
    body = h('p', { class: 'chain-ok', id: 'audit-no-diff' }, '✓ Dữ liệu hiện tại khớp với kết quả phát lại từng trường.');
  } else {
    body = h(
      'table',
      { class: 'data audit-diff', id: 'audit-diff' },
      h('caption', { class: 'sr-only' }, 'Các trường lệch giữa dữ liệu hiện tại và lịch sử'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, 'Trường'),
          h('th', { scope: 'col' }, 'Dữ liệu hiện tại'),
          h('th', { scope: 'col' }, 'Theo lịch sử (phát lại)'),
        ),
      ),
      h(
        'tbody',
        null,
        diffs.flatMap((d) =>
          leafDifferences(d.stored, d.replayed).map((leaf) =>
            h(
              'tr',
              { dataset: { field: d.field, path: leaf.path } },
              h(
                'th',
                { scope: 'row' },
                FIELD_LABELS[d.field] ?? d.field,
                h('small', { class: 'block' }, h('code', null, leaf.path ? `${d.field} → ${leaf.path}` : d.field)),
              ),
              h('td', { class: 'diff-stored' }, fieldValue(leaf.path.split('.').at(-1) || d.field, leaf.stored)),
              h('td', { class: 'diff-replayed' }, fieldValue(leaf.path.split('.').at(-1) || d.field, leaf.replayed)),
            ),
          ),
        ),
      ),
    );
  }
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'audit-diff-title' },
    h('h2', { id: 'audit-diff-title' }, 'Dữ liệu hiện tại so với lịch sử'),
    body,
  );
}

/**
 * Where two values differ, down to the leaves: the snapshot's differences come as objects
 * ({"context.result": {...}}), and the auditor wants to see the one field inside that changed.
 * @param {unknown} stored
 * @param {unknown} replayed
 * @param {string} [path] dotted, from the column's value down ('' for the value itself)
 * @param {{path: string, stored: unknown, replayed: unknown}[]} [out]
 * @param {number} [depth]
 */
function leafDifferences(stored, replayed, path = '', out = [], depth = 0) {
  if (isObj(stored) && isObj(replayed) && Array.isArray(stored) === Array.isArray(replayed) && depth < 8) {
    for (const k of [...new Set([...Object.keys(stored), ...Object.keys(replayed)])]) {
      const a = stored[k];
      const b = replayed[k];
      if (JSON.stringify(a ?? null) === JSON.stringify(b ?? null)) continue;
      leafDifferences(a, b, path ? `${path}.${k}` : k, out, depth + 1);
    }
    if (!out.length && !path) out.push({ path, stored, replayed });
    return out;
  }
  out.push({ path, stored, replayed });
  return out;
}

/**
 * a column's value, with the raw value under it when words replace it
 * @param {string} field
 * @param {unknown} v
 */
function fieldValue(field, v) {
  if (v === null || v === undefined) return h('span', { class: 'muted' }, '(trống)');
  if (typeof v === 'object') return valueNode(v, 1);
  const s = String(v);
  let words = null;
  if (field === 'state') words = stateLabel(s);
  else if (/^(final_?)?timeliness$/i.test(field)) words = timelinessLabel(s);
  else if (field === 'outcome') words = OUTCOMES[s];
  else if (field === 'channel') words = CHANNELS[s];
  else if (field === 'unit') words = unitLabel(s);
  else if (ISO_TIME.test(s)) words = fmtTime(s);
  if (!words || words === s) return h('code', { class: 'raw' }, s);
  return [h('span', null, words), h('small', { class: 'block' }, h('code', null, s))];
}

// ---- the events list ----------------------------------------------------------------------------

/** @param {Row} it */
function eventRow(it) {
  const e = it.event ?? it.step;
  const chain = chainOf(it);
  return h(
    'tr',
    { class: ['audit-row', chain.ok === false && 'audit-row-bad'], dataset: { seq: it.seq, type: e?.type ?? '' } },
    h('td', { class: 'c-seq' }, String(it.seq)),
    h('td', { class: 'c-time' }, e?.occurredAt ? h('time', { datetime: e.occurredAt }, fmtTime(e.occurredAt)) : '—'),
    h('td', null, h('button', { type: 'button', class: 'linkish' }, eventLabel(it)), fileLine(it.event?.payload)),
    h('td', { class: 'c-chain' }, chainCell(chain)),
  );
}

/**
 * A document event's file under its label: the name and the start of its SHA-256, which the event's own
 * hash covers (the whole hash is in the event's details).
 * @param {Record<string, unknown> | undefined} payload
 */
function fileLine(payload) {
  const doc = payload?.document;
  const f = payload?.file ?? (isObj(doc) ? doc.file : undefined);
  if (!isObj(f) || typeof f.sha256 !== 'string') return null;
  return h(
    'small',
    { class: 'block audit-file', dataset: { sha256: f.sha256 } },
    `${f.name ?? ''} · SHA-256 `,
    h('code', { class: 'hash', title: f.sha256 }, `${f.sha256.slice(0, 16)}…`),
  );
}

/** @param {ReturnType<typeof chainOf>} chain */
function chainCell(chain) {
  if (chain.ok === true)
    return h('span', { class: 'chain-ok', title: 'Mã băm và liên kết hợp lệ' }, '✓', h('span', { class: 'sr-only' }, ' hợp lệ'));
  if (chain.ok === null) return h('span', { class: 'muted' }, '—');
  if (chain.kinds.length) return chain.kinds.map((k) => h('span', { class: 'chain-bad', dataset: { kind: k } }, `✗ ${findingLabel(k)}`));
  return h('span', { class: 'chain-bad', title: chain.why.join('; ') }, `✗ ${chain.why[0]}`);
}

/**
 * Rows for findings at a seq no stored event has, in seq order among the real rows.
 * @param {HTMLTableRowElement[]} rows
 * @param {Row[]} items
 * @param {LocatedFinding[]} ghosts
 */
function withGhosts(rows, items, ghosts) {
  if (!ghosts.length) return rows;
  /** @type {HTMLTableRowElement[]} */
  const out = [];
  const pending = [...ghosts].sort((a, b) => a.seq - b.seq);
  let next = 0;
  items.forEach((it, i) => {
    while (next < pending.length && pending[next].seq < it.seq) out.push(ghostRow(pending[next++]));
    out.push(rows[i]);
  });
  for (const g of pending.slice(next)) out.push(ghostRow(g));
  return out;
}

/** @param {LocatedFinding} f */
function ghostRow(f) {
  return h(
    'tr',
    { class: 'audit-row audit-row-bad audit-ghost', dataset: { seq: f.seq, ghost: '1' } },
    h('td', { class: 'c-seq' }, String(f.seq)),
    h('td', { class: 'c-time' }, '—'),
    h('td', null, h('i', null, 'không có sự kiện')),
    h('td', { class: 'c-chain' }, h('span', { class: 'chain-bad', dataset: { kind: f.kind } }, `✗ ${findingLabel(f.kind)}`)),
  );
}

// ---- the selected event -------------------------------------------------------------------------

/**
 * @param {Row} it
 * @param {ReplayStep | null} prevStep the previous event's replay step
 * @param {Replay} replay
 * @param {StepName} stepName
 */
function eventPanel(it, prevStep, replay, stepName) {
  const e = it.event;
  const s = it.step;
  const src = e ?? s;
  const chain = chainOf(it);
  const failed = replay.error && replay.error.seq <= it.seq ? replay.error : null;
  return h(
    'div',
    { class: ['audit-event', chain.ok === false && 'audit-event-bad'], dataset: { seq: it.seq } },
    h(
      'h3',
      { class: 'audit-event-title' },
      h('span', { class: 'code' }, `#${it.seq}`),
      ' ',
      eventLabel(it),
      ' ',
      h('small', null, h('code', null, src?.type ?? '')),
    ),
    h(
      'dl',
      { class: 'facts' },
      fact('Thời điểm', src?.occurredAt ? h('time', { datetime: src.occurredAt, title: src.occurredAt }, fmtTime(src.occurredAt)) : '—'),
      fact('Người thực hiện', actorText(src?.actor, src?.actorUnit) || '—'),
      fact('Chuỗi băm', chainCell(chain)),
      e?.hash ? fact('Mã băm', h('code', { class: 'hash', title: e.hash }, `${e.hash.slice(0, 16)}…`)) : null,
    ),
    it.findings.length
      ? h(
          'ul',
          { class: 'audit-event-findings' },
          it.findings.map((f) =>
            h('li', null, h('b', { class: 'finding-kind' }, findingLabel(f.kind)), ': ', h('span', { class: 'finding-msg' }, f.message)),
          ),
        )
      : null,
    h('h4', null, 'Thay đổi do sự kiện'),
    s
      ? changeTable(s, prevStep, stepName)
      : h(
          'p',
          { class: 'alert alert-error' },
          failed
            ? `Không phát lại được sự kiện này: ${failed.seq === it.seq ? failed.message : `dừng ở sự kiện #${failed.seq}`}.`
            : 'Sự kiện này không có trong kết quả phát lại.',
        ),
    h('h4', null, 'Nội dung sự kiện'),
    e ? payloadList(e.type, e.payload, stepName) : h('p', { class: 'muted' }, 'Không đọc được nội dung sự kiện.'),
  );
}

/**
 * State, timeliness and due date before → after the event. The replay's "before" carries those
 * three; the standard due date and the step before it are the previous event's "after".
 * @param {ReplayStep} s
 * @param {ReplayStep | null} prevStep
 * @param {StepName} stepName
 */
function changeTable(s, prevStep, stepName) {
  /** @type {Partial<ReplayStepAfter> | null} */
  const b = s.before;
  const a = s.after;
  const prevAfter = prevStep && prevStep.seq === s.seq - 1 ? prevStep.after : null;
  /**
   * @param {string} label
   * @param {keyof ReplayStepAfter} key
   * @param {(v: string | null | undefined) => string | Node} fmt
   */
  const rowOf = (label, key, fmt) => {
    const known = b && (key in b || (prevAfter && key in prevAfter));
    const was = b && key in b ? b[key] : prevAfter?.[key];
    const changed = !b || (known && JSON.stringify(was ?? null) !== JSON.stringify(a[key] ?? null));
    const before = !b ? h('span', { class: 'muted' }, '(chưa có hồ sơ)') : known ? fmt(was) : h('span', { class: 'muted' }, 'không rõ');
    const after = fmt(a[key]);
    return h(
      'tr',
      { class: changed ? 'changed' : null, dataset: { key } },
      h('th', { scope: 'row' }, label),
      h('td', { class: 'before' }, before),
      h('td', { class: 'arrow', 'aria-hidden': 'true' }, changed ? '→' : known ? '=' : ''),
      h('td', { class: 'after' }, after),
    );
  };
  const time = (/** @type {string | null | undefined} */ v) => (v ? fmtTime(v) : '—');
  return h(
    'table',
    { class: 'data audit-change', id: 'audit-change' },
    h('caption', { class: 'sr-only' }, 'Trạng thái trước và sau sự kiện'),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, ''),
        h('th', { scope: 'col' }, 'Trước'),
        h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'thay đổi')),
        h('th', { scope: 'col' }, 'Sau'),
      ),
    ),
    h(
      'tbody',
      null,
      rowOf('Trạng thái', 'state', (v) => (v ? stateBadge(v) : '—')),
      rowOf('Tình trạng hạn', 'timeliness', (v) => timelinessBadge(v)),
      rowOf('Hạn trả kết quả', 'dueAt', time),
      'originalDueAt' in a ? rowOf('Hạn theo quy định', 'originalDueAt', time) : null,
      'step' in a ? rowOf('Bước xử lý', 'step', (v) => stepName(v)) : null,
    ),
  );
}

/**
 * The replayed dossier after `seq` (GET /replay?upTo=seq).
 * @param {number} seq
 * @param {Replay | undefined} at
 * @param {Replay['error']} failed where the whole replay stopped, if at or before seq
 * @param {StepName} stepName
 */
function statePanel(seq, at, failed, stepName) {
  const st = at?.state;
  /** @type {HTMLElement[]} */
  const out = [];
  if (failed) out.push(h('p', { class: 'alert alert-error' }, `Phát lại dừng ở sự kiện #${failed.seq}: ${failed.message}`));
  if (!st) {
    out.push(h('p', { class: 'muted' }, 'Chưa có trạng thái.'));
    return out;
  }
  out.push(
    h(
      'dl',
      { class: 'facts audit-facts', dataset: { seq: st.seq } },
      fact('Sau sự kiện', `#${st.seq} lúc ${fmtTime(st.occurredAt)}`),
      fact('Trạng thái', [stateBadge(st.state), ' ', timelinessBadge(st.timeliness)]),
      fact('Hạn trả kết quả', st.dueAt ? fmtTime(st.dueAt) : '—'),
      st.originalDueAt && st.originalDueAt !== st.dueAt ? fact('Hạn theo quy định', fmtTime(st.originalDueAt)) : null,
      fact('Bước xử lý', st.step ? stepName(st.step) : '—'),
      fact('Đơn vị · người xử lý', `${unitLabel(st.unit) || '—'}${st.assignee ? ` · ${personName(st.assignee)}` : ''}`),
      fact('Tiếp nhận lúc', st.receivedAt ? fmtTime(st.receivedAt) : '—'),
      st.resultAt
        ? fact(
            'Kết quả',
            `${OUTCOMES[st.outcome ?? ''] ?? st.outcome ?? ''} lúc ${fmtTime(st.resultAt)}${st.finalTimeliness ? ` (${timelinessLabel(st.finalTimeliness)})` : ''}`,
          )
        : null,
      st.returnedAt ? fact('Trả kết quả lúc', fmtTime(st.returnedAt)) : null,
      st.supplements ? fact('Số lần yêu cầu bổ sung', String(st.supplements)) : null,
      st.apologies ? fact('Số phiếu xin lỗi', String(st.apologies)) : null,
    ),
  );
  if (st.seq !== seq && !failed) out.push(h('p', { class: 'muted' }, `Phát lại đến sự kiện #${st.seq}.`));
  return out;
}

/**
 * @param {string} label
 * @param {string | Node | (string | Node)[]} value
 */
function fact(label, value) {
  return [h('dt', null, label), h('dd', null, value)];
}

// ---- payloads -----------------------------------------------------------------------------------

/**
 * @param {string} type the event's
 * @param {Record<string, unknown>} payload
 * @param {StepName} stepName
 */
function payloadList(type, payload, stepName) {
  if (!payload || typeof payload !== 'object' || !Object.keys(payload).length) return h('p', { class: 'muted' }, 'Không có nội dung.');
  if ('$unparseable' in payload)
    return h('p', { class: 'chain-bad' }, 'Nội dung không đọc được: ', h('code', null, String(payload.$unparseable)));
  return h('dl', { class: 'payload', id: 'audit-payload' }, entries(payload, 0, type, stepName));
}

/** the names of the required documents of the shown dossier's procedure version, by index (set by `render`) */
const COMPONENT_NAMES = /** @type {string[]} */ ([]);

/**
 * Payload keys whose value is a component's index, or a list of them: `component` of the document events, and
 * how RECEIVE recorded the components (digitisation.missing, .shown, .optionalAbsent).
 * @param {string} key
 * @param {string | undefined} type the event's
 */
const isComponentKey = (key, type) =>
  key === 'component' || key === 'shown' || key === 'optionalAbsent' || (key === 'missing' && type === 'RECEIVE');

/**
 * A component by its name in the procedure version, its index beside it (an index the version does not have is
 * shown as it is).
 * @param {unknown} i
 * @returns {string | (string | HTMLElement)[]}
 */
function componentWords(i) {
  const name = typeof i === 'number' ? COMPONENT_NAMES[i] : undefined;
  return name ? [name, h('small', { class: 'muted' }, ` (${i})`)] : String(i);
}

/**
 * A payload key in words; how RECEIVE recorded the components (digitisation.shown, .optionalAbsent) from the
 * vocabulary, read when drawn (it arrives after this module loads).
 * @param {string} key
 * @param {string} [type] the event's
 * @returns {string | undefined}
 */
function payloadLabel(key, type) {
  if (key === 'shown' || key === 'optionalAbsent') return COMPONENT_STATUSES[key] ?? key;
  if (key === 'missing' && type === 'RECEIVE') return 'Chưa số hóa';
  return PAYLOAD_LABELS[key];
}

/**
 * @param {Record<string, unknown>} obj
 * @param {number} depth
 * @param {string | undefined} type the event's (a column's value has none)
 * @param {StepName | undefined} stepName
 * @returns {HTMLElement[][]}
 */
function entries(obj, depth, type, stepName) {
  return Object.entries(obj).map(([k, v]) => [
    h('dt', null, payloadLabel(k, type) ?? k, payloadLabel(k, type) ? h('small', null, ' ', h('code', null, k)) : null),
    h('dd', null, payloadValue(k, v, depth, type, stepName)),
  ]);
}

/**
 * @param {string} key
 * @param {unknown} v
 * @param {number} depth
 * @param {string | undefined} type
 * @param {StepName | undefined} stepName
 * @returns {string | HTMLElement | (string | HTMLElement)[]}
 */
function payloadValue(key, v, depth, type, stepName) {
  if (isComponentKey(key, type)) {
    if (typeof v === 'number') return componentWords(v);
    if (Array.isArray(v) && v.length && v.every((x) => typeof x === 'number'))
      return h(
        'ol',
        { class: 'payload-list' },
        v.map((x) => h('li', null, componentWords(x))),
      );
  }
  if (v !== null && typeof v !== 'object') {
    const s = String(v);
    const words =
      key === 'channel'
        ? CHANNELS[s]
        : key === 'method'
          ? RETURN_METHODS[s]
          : key === 'outcome'
            ? OUTCOMES[s]
            : key === 'reason' && type === 'PAUSE'
              ? PAUSE_REASONS[s]
              : key === 'unit'
                ? unitLabel(s)
                : key === 'form' && RESULT_FORM_LABELS[s]
                  ? RESULT_FORM_LABELS[s]
                  : key === 'assignee'
                    ? personName(s)
                    : key === 'responsibleStep' && stepName
                      ? stepName(s)
                      : null;
    // codes keep their raw value beside the words; a person is shown by name only (never the username)
    if (words && words !== s) return key === 'assignee' || key === 'form' ? words : [words, h('small', { class: 'muted' }, ` (${s})`)];
  }
  return valueNode(v, depth + 1, type, stepName);
}

/**
 * @param {unknown} v
 * @param {number} depth
 * @param {string} [type]
 * @param {StepName} [stepName]
 * @returns {string | HTMLElement}
 */
function valueNode(v, depth, type, stepName) {
  if (v === null || v === undefined) return h('span', { class: 'muted' }, '(trống)');
  if (typeof v === 'string' && /^[0-9a-f]{64}$/.test(v)) return h('code', { class: 'hash file-hash', title: v }, v);
  if (typeof v === 'boolean') return v ? 'Có' : 'Không';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') {
    if (ISO_TIME.test(v)) return h('time', { datetime: v, title: v }, fmtTime(v));
    if (ISO_DATE.test(v)) return h('time', { datetime: v, title: v }, fmtDate(v));
    return v;
  }
  if (Array.isArray(v)) {
    if (!v.length) return h('span', { class: 'muted' }, '(không có)');
    const list = h(
      'ol',
      { class: 'payload-list' },
      v.map((x) => h('li', null, valueNode(x, depth + 1, type, stepName))),
    );
    return depth > 1 && v.length > 3 ? h('details', null, h('summary', null, `${v.length} mục`), list) : list;
  }
  if (!isObj(v)) return String(v); // not from JSON (which has no other kinds)
  const keys = Object.keys(v);
  if (!keys.length) return h('span', { class: 'muted' }, '(trống)');
  const dl = h('dl', { class: 'payload payload-nested' }, entries(v, depth, type, stepName));
  return depth > 2 || keys.length > 6 ? h('details', null, h('summary', null, `${keys.length} trường`), dl) : dl;
}
