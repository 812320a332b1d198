/**
 * One dossier: where it is (state, step, unit, due date), what can be done now, its printable forms
 * and the timeline of everything that happened to it.
 */
import { getDossier, getEvents } from '../api.js';
import { actionButton, actionsFor, primaryAction } from '../actions.js';
import { procedureNameOf, procedureOf, procedures } from '../catalog.js';
import { clear, errorBox, errorText, h, spinner, stateBadge, timelinessBadge, toast } from '../dom.js';
import { downloadFile } from '../download.js';
import {
  CHANNELS,
  EVENT_LABELS,
  COMPONENT_STATUSES,
  EXEMPTION_REASONS,
  FORM_LABELS,
  NOTIFY_CHANNELS,
  OUTCOMES,
  PAUSE_REASONS,
  RETURN_METHODS,
  fmtAmount,
  fmtDate,
  fmtTime,
  CLOCK_STOPPED,
  isClockStopped,
  isPending,
  relativeDue,
  unitLabel,
} from '../labels.js';
import { openForm } from '../print.js';
import { documentsPanel, RESULT_FORM_LABELS } from './dossier-documents.js';
import { fmtBytes, shortHash } from '../documents.js';
/** @import { ViewContext } from '../app.js' */
/** @import { DossierDetail, DossierView, EventView, Procedure, SessionUser } from '../types.js' */

/**
 * @param {HTMLElement} root
 * @param {ViewContext} ctx
 */
export async function render(root, { user, params, signal }) {
  const code = params[0];
  root.append(spinner());
  const [view, events, catalogue] = await Promise.all([
    getDossier(code, { signal }),
    getEvents(code, { signal }).catch(() => []),
    procedures().catch(() => []),
  ]);
  if (signal.aborted) return;
  const proc = await procedureOf(view);
  clear(root);
  draw(root, view, events, proc, catalogue, user, signal);
}

/**
 * @param {HTMLElement} root
 * @param {DossierDetail} view
 * @param {EventView[]} events
 * @param {Procedure | null} proc
 * @param {Procedure[]} catalogue
 * @param {SessionUser} user
 * @param {AbortSignal} signal
 */
function draw(root, view, events, proc, catalogue, user, signal) {
  const reload = async () => {
    try {
      const [fresh, evs] = await Promise.all([getDossier(view.code, { signal }), getEvents(view.code, { signal }).catch(() => events)]);
      if (signal.aborted) return;
      clear(root);
      draw(root, fresh, evs, proc, catalogue, user, signal);
    } catch (err) {
      if (!(err instanceof Error && err.name === 'AbortError')) toast(errorText(err), 'error');
    }
  };

  const primary = primaryAction(view, user);
  const others = actionsFor(view, user).filter((t) => t !== primary && !(primary === 'FORWARD' && t === 'ASSIGN'));
  const applicant = view.applicant;
  const late = view.originalDueAt && view.dueAt && view.originalDueAt !== view.dueAt;

  root.append(
    h(
      'div',
      { class: 'page-head dossier-head' },
      h('h1', null, 'Hồ sơ ', h('span', { class: 'code', id: 'dossier-code' }, view.code)),
      h(
        'div',
        { class: 'head-badges' },
        stateBadge(view.state),
        ' ',
        timelinessBadge(view.timeliness, view.state),
        view.nationalStatus?.name ? h('span', { class: 'muted' }, ` Trạng thái quốc gia: ${view.nationalStatus.name}`) : null,
      ),
      h('p', { class: 'proc-name' }, `${view.procedureCode} · ${procedureNameOf(view, catalogue)}`),
      (user?.roles ?? []).some((r) => ['auditor', 'supervisor', 'admin'].includes(r))
        ? h(
            'p',
            null,
            h(
              'a',
              { href: `#/kiem-tra/${encodeURIComponent(view.code)}`, class: 'button secondary small', id: 'audit-link' },
              'Kiểm tra lịch sử',
            ),
            (user?.roles ?? []).includes('auditor') ? [' ', exportButton(view.code)] : null,
          )
        : null,
    ),
    h(
      'div',
      { class: 'dossier-grid' },
      h(
        'div',
        { class: 'dossier-main' },
        h(
          'section',
          { class: 'panel', 'aria-labelledby': 'act-title' },
          h('h2', { id: 'act-title' }, 'Thao tác'),
          primary || others.length
            ? h(
                'div',
                { class: 'button-row', id: 'dossier-actions' },
                primary ? actionButton(view, primary, user, reload, { primary: true }) : null,
                others.map((t) => actionButton(view, t, user, reload)),
              )
            : h('p', { class: 'muted' }, 'Bạn không có thao tác nào với hồ sơ ở trạng thái này.'),
          h('h3', null, 'Biểu mẫu'),
          h(
            'div',
            { class: 'button-row', id: 'dossier-forms' },
            formsOf(view, events).map((kind) =>
              h(
                'button',
                {
                  type: 'button',
                  class: 'secondary small',
                  dataset: { form: kind },
                  onclick: () => openForm(view.code, kind).catch((e) => toast(errorText(e), 'error')),
                },
                `In ${(FORM_LABELS[kind] ?? kind).toLowerCase()}`,
              ),
            ),
          ),
        ),
        h(
          'section',
          { class: 'panel', 'aria-labelledby': 'sum-title' },
          h('h2', { id: 'sum-title' }, 'Thông tin chung'),
          h(
            'dl',
            { class: 'facts' },
            fact('Người nộp', [
              applicant.fullName,
              applicant.phone ? ` · ĐT ${applicant.phone}` : '',
              applicant.idNumber ? ` · CCCD ${applicant.idNumber}` : '',
            ]),
            applicant.address ? fact('Địa chỉ', applicant.address) : null,
            fact('Hình thức nộp', CHANNELS[view.channel] ?? view.channel ?? ''),
            fact('Tiếp nhận lúc', fmtTime(view.receivedAt) || `Chưa tiếp nhận (đăng ký ${fmtTime(view.submittedAt)})`),
            fact('Hẹn trả kết quả', view.dueAt ? [h('b', { id: 'dossier-due' }, fmtTime(view.dueAt)), dueNote(view)] : '—'),
            late ? fact('Hạn theo quy định', fmtTime(view.originalDueAt)) : null,
            fact('Bước hiện tại', view.stepName ?? view.step ?? '—'),
            fact(
              'Đơn vị · người xử lý',
              `${unitLabel(view.unit) || '—'}${view.assignee ? ` · ${view.assigneeName ?? view.assignee}` : ''}`,
            ),
            view.pauses?.count ? fact('Tạm dừng', h('span', { id: 'dossier-pauses' }, pausesText(view.pauses))) : null,
            view.exemption
              ? fact(
                  'Miễn trừ trễ hạn',
                  `${EXEMPTION_REASONS[view.exemption.reason] ?? view.exemption.reason} (phê duyệt: ${view.exemption.approvedByName ?? view.exemption.approvedBy}, ${fmtTime(view.exemption.at)})`,
                )
              : null,
            view.resultAt ? fact('Kết quả', `${OUTCOMES[view.outcome ?? ''] ?? view.outcome ?? ''} lúc ${fmtTime(view.resultAt)}`) : null,
            view.returnedAt ? fact('Đã trả kết quả', fmtTime(view.returnedAt)) : null,
            view.note ? fact('Ghi chú', view.note) : null,
          ),
        ),
        steps(view, proc),
        documentsPanel(view, proc, reload, signal),
      ),
      timeline(events, proc),
    ),
  );
}

/**
 * "2 lần, tổng 3,5 giờ làm việc; hạn giải quyết lùi 0 giờ làm việc"
 * @param {DossierView['pauses']} p
 */
function pausesText(p) {
  const hours = (/** @type {number} */ ms) => `${(ms / 3_600_000).toFixed(1).replace('.', ',')} giờ làm việc`;
  return `${p.count} lần, tổng ${hours(p.totalWorkingMs)}; hạn giải quyết lùi ${hours(p.extensionMs)}`;
}

/**
 * @param {string} label
 * @param {string | Node | (string | Node)[]} value
 */
function fact(label, value) {
  return [h('dt', null, label), h('dd', null, value)];
}

/**
 * The forms that exist for this dossier's history.
 * @param {DossierView} view
 * @param {EventView[]} events
 */
function formsOf(view, events) {
  const types = new Set(events.map((e) => e.type));
  /** @type {string[]} */
  const out = [];
  if (view.receivedAt || types.has('RECEIVE')) out.push('receipt', 'control-slip');
  if (types.has('REQUEST_SUPPLEMENT')) out.push('supplement');
  if (types.has('REFUSE') || view.state === 'refused_intake' || view.outcome === 'refused') out.push('refusal');
  if (types.has('ISSUE_APOLOGY')) out.push('apology');
  if (types.has('PAUSE')) out.push('pause-notice');
  if (types.has('WITHDRAW') && !view.resultAt) out.push('stop-notice');
  return out;
}

/**
 * @param {DossierView} view
 * @param {Procedure | null} proc
 */
function steps(view, proc) {
  if (!proc?.steps?.length) return null;
  const idx = proc.steps.findIndex((s) => s.id === view.step);
  const finished = ['result', 'returned'].includes(view.state);
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'steps-title' },
    h('h2', { id: 'steps-title' }, `Quy trình (${fmtAmount(proc.processingTime)})`),
    h(
      'ol',
      { class: 'steps' },
      proc.steps.map((s, i) => {
        const status = finished || (idx >= 0 && i < idx) ? 'done' : i === idx ? 'current' : 'todo';
        return h(
          'li',
          { class: `step step-${status}`, 'aria-current': status === 'current' ? 'step' : null },
          h('span', { class: 'step-name' }, s.name),
          h(
            'small',
            null,
            `${unitLabel(s.unit)} · ${fmtAmount(s.budget)}`,
            status === 'current' ? ' · đang thực hiện' : status === 'done' ? ' · đã xong' : '',
          ),
        );
      }),
    ),
  );
}

/**
 * @param {EventView[]} events
 * @param {Procedure | null} proc
 */
function timeline(events, proc) {
  const stepName = (/** @type {string} */ id) => proc?.steps?.find((s) => s.id === id)?.name ?? id;
  return h(
    'section',
    // scrollable when long: focusable so the keyboard can scroll it (axe scrollable-region-focusable)
    { class: 'panel timeline-panel', 'aria-labelledby': 'tl-title', tabindex: '0' },
    h('h2', { id: 'tl-title' }, 'Diễn biến hồ sơ ', h('small', null, '(mới nhất trên cùng)')),
    events.length
      ? h(
          'ol',
          { class: 'timeline', id: 'timeline' },
          [...events]
            .sort((a, b) => b.seq - a.seq)
            .map((e) =>
              h(
                'li',
                { class: `ev ev-${e.type}`, dataset: { type: e.type } },
                h('time', { datetime: e.occurredAt }, fmtTime(e.occurredAt)),
                h('div', { class: 'ev-title' }, EVENT_LABELS[e.type] ?? e.type),
                h(
                  'div',
                  { class: 'ev-actor' },
                  e.actor === 'system' ? 'Hệ thống' : `${e.actorName ?? e.actor}${e.actorUnit ? ` · ${unitLabel(e.actorUnit)}` : ''}`,
                ),
                details(e, stepName, proc),
              ),
            ),
        )
      : h('p', { class: 'muted' }, 'Chưa có dữ liệu diễn biến.'),
  );
}

/**
 * The applicant's notification choice in words (the address comes masked from the history).
 * @param {(label: string, value: unknown) => void} add
 * @param {{channel: string, contact?: string} | null | undefined} n the event's `notification`
 */
function notifyChoice(add, n) {
  if (!n || typeof n !== 'object') return;
  add('Nhận thông báo', n.channel === 'none' ? NOTIFY_CHANNELS.none : `${NOTIFY_CHANNELS[n.channel] ?? n.channel} — ${n.contact ?? ''}`);
}

/**
 * The payload of an event, in words.
 * @param {EventView} e
 * @param {(id: string) => string} stepName
 * @param {Procedure | null} proc
 */
function details(e, stepName, proc) {
  /** @type {Record<string, any>} its fields depend on e.type (machines/dossier/types.ts): each case reads those of its type */
  const p = e.payload ?? {};
  /** @type {HTMLLIElement[]} */
  const lines = [];
  const add = (/** @type {string} */ label, /** @type {unknown} */ value) => {
    if (value !== undefined && value !== null && value !== '')
      lines.push(h('li', null, h('span', { class: 'muted' }, `${label}: `), String(value)));
  };
  const file = (/** @type {{name: string, size: number, sha256: unknown} | undefined} */ f) =>
    f && typeof f.sha256 === 'string'
      ? lines.push(
          h('li', { class: 'ev-file' }, h('span', { class: 'muted' }, 'Tệp: '), `${f.name} (${fmtBytes(f.size)}) `, shortHash(f.sha256)),
        )
      : null;
  const componentName = (/** @type {unknown} */ i) =>
    typeof i === 'number' ? (proc?.requiredDocuments?.[i]?.name ?? `thành phần ${i + 1}`) : undefined;
  switch (e.type) {
    case 'ATTACH_DOCUMENT':
      add('Thành phần', p.kind === 'working' ? 'Tài liệu xử lý' : componentName(p.component));
      file(p.file);
      break;
    case 'REPLACE_DOCUMENT':
      add('Phiên bản', p.version);
      file(p.file);
      break;
    case 'REUSE_DOCUMENT':
      add('Thành phần', componentName(p.component));
      add('Dùng lại từ hồ sơ', p.source ? `${p.source.dossierCode} (${p.source.documentId}, phiên bản ${p.source.version})` : undefined);
      file(p.file);
      break;
    case 'SUBMIT':
      add('Người nộp', p.applicant?.fullName);
      add('Hình thức', CHANNELS[p.channel] ?? p.channel);
      if (Array.isArray(p.documents))
        add('Giấy tờ', p.documents.map((/** @type {{name: string, copies: number}} */ d) => `${d.name} (${d.copies})`).join('; '));
      break;
    case 'RECEIVE':
    case 'RECEIVE_SUPPLEMENT':
      add('Mã hồ sơ', p.code);
      add('Hẹn trả kết quả', fmtTime(p.dueAt));
      notifyChoice(add, p.notification);
      if (Array.isArray(p.digitisation?.shown))
        add(COMPONENT_STATUSES.shown, p.digitisation.shown.map((/** @type {number} */ i) => componentName(i)).join('; '));
      break;
    case 'CHANGE_NOTIFICATION':
      notifyChoice(add, p.notification);
      add('Người đề nghị thay', p.onBehalf);
      add('Lý do', p.reason);
      break;
    case 'CALENDAR_CHANGED':
      add('Hạn theo quy định', `${fmtTime(p.previousOriginalDueAt)} → ${fmtTime(p.originalDueAt)}`);
      add('Hẹn trả kết quả', `${fmtTime(p.previousDueAt)} → ${fmtTime(p.dueAt)}`);
      add('Phiên bản lịch', `${p.previousCalendarVersion} → ${p.calendarVersion}`);
      break;
    case 'ASSIGN':
      add('Đơn vị', unitLabel(p.unit));
      add('Người xử lý', e.assigneeName ?? p.assignee);
      break;
    case 'REQUEST_SUPPLEMENT':
      if (Array.isArray(p.missing)) add('Cần bổ sung', p.missing.join('; '));
      break;
    case 'PAUSE':
      add('Lý do', PAUSE_REASONS[p.reason] ?? p.reason);
      break;
    case 'RESUME':
      add('Hẹn trả kết quả', fmtTime(p.dueAt));
      break;
    case 'RECORD_RESULT':
      add('Số văn bản', p.documentNumber);
      add('Ngày ký', fmtDate(p.documentDate));
      add('Người ký', p.signer);
      if (p.document) {
        add('Bản kết quả', RESULT_FORM_LABELS[p.document.form] ?? p.document.form);
        file(p.document.file);
      }
      break;
    case 'CORRECT_RESULT':
      add('Số văn bản', `${p.previous?.documentNumber ?? '—'} → ${p.documentNumber}`);
      add('Ngày ký', `${p.previous?.documentDate ? fmtDate(p.previous.documentDate) : '—'} → ${fmtDate(p.documentDate)}`);
      add('Người ký', p.previous?.signer && p.previous.signer !== p.signer ? `${p.previous.signer} → ${p.signer}` : p.signer);
      if (p.document) {
        add('Bản kết quả', `${RESULT_FORM_LABELS[p.document.form] ?? p.document.form}, phiên bản ${p.document.version}`);
        file(p.document.file);
      }
      break;
    case 'ISSUE_APOLOGY':
      add('Hẹn trả mới', p.newDueAt === null ? 'Không hẹn lại: trả kết quả ngay' : fmtTime(p.newDueAt) || fmtDate(p.newDueDate));
      add('Người ký', p.signer);
      add('Bước để chậm', p.responsibleStep ? stepName(p.responsibleStep) : undefined);
      break;
    case 'RETURN_RESULT':
      add('Hình thức', RETURN_METHODS[p.method] ?? p.method);
      add('Đánh giá', p.rating ? `${p.rating}/5` : undefined);
      break;
    case 'DEADLINE_APPROACHING':
    case 'DEADLINE_PASSED':
      add('Hạn', fmtTime(p.dueAt));
      break;
    default:
      break;
  }
  if (e.type !== 'PAUSE') add('Lý do', p.reason);
  add('Ghi chú', p.note);
  return lines.length ? h('ul', { class: 'ev-details' }, lines) : null;
}

/**
 * after the appointment: the countdown while the clock runs, "clock stopped" while it does not
 * @param {DossierView} view
 */
function dueNote(view) {
  if (isClockStopped(view.state))
    return h('span', { class: 'clock-stopped' }, ` (${CLOCK_STOPPED.toLowerCase()}: hẹn trả sẽ được tính lại)`);
  return isPending(view.state) ? ` (${relativeDue(view.dueAt)})` : '';
}

/**
 * The auditor's download of GET /api/dossiers/{code}/export (the history with its chain, verifiable
 * offline), fetched with the token; a refusal is shown next to the button.
 * @param {string} code
 */
function exportButton(code) {
  const status = h('span', { class: 'hint', role: 'status' });
  const button = h(
    'button',
    {
      type: 'button',
      class: 'secondary small',
      id: 'dossier-export',
      onclick: async () => {
        button.disabled = true;
        status.textContent = '';
        try {
          status.textContent = `Đã tải ${await downloadFile(`/api/dossiers/${encodeURIComponent(code)}/export`, `${code}.json`)}`;
        } catch (err) {
          status.replaceChildren(errorBox(err));
        } finally {
          button.disabled = false;
        }
      },
    },
    'Tải bản xuất hồ sơ (JSON)',
  );
  return [button, ' ', status];
}
