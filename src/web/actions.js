/**
 * Moving a dossier: one dialog per event type, sent with If-Match: <the version the user saw>.
 * Handles the API's answers: 400 → messages next to the fields; 409 VERSION_CONFLICT → reload and
 * ask again; 409 TRANSITION_NOT_ALLOWED → what is allowed now; a late result that cannot be handed
 * back without an apology → the apology form, on the spot.
 */
import { ApiError, getDossier, getEvents, listAssignees, listSigners, nextWorkingDay, sendEvent } from './api.js';
import { procedureOf } from './catalog.js';
import { openDialog } from './dialog.js';
import { errorText, field, h, radios, toast, values } from './dom.js';
import {
  ACTION_LABELS,
  ERROR_LABELS,
  EXEMPTION_REASONS,
  WITHDRAWAL_CHANNELS,
  FORM_LABELS,
  PAUSE_REASONS,
  RETURN_METHODS,
  UNIT_LABELS,
  actionLabel,
  fmtDate,
  fmtTime,
  localDate,
  stateLabel,
} from './labels.js';
import { openForm } from './print.js';
import { notificationFields, notificationOf } from './notification-choice.js';
import { downloadButton, filePicker, listDocuments, uploadErrorText } from './documents.js';
/** @import { DialogControl } from './dialog.js' */
/** @import { AssigneeOptions, DossierView, EventView, Procedure, Role, SessionUser, Signer, ValidationIssue } from './types.js' */
/** @import { DossierDocument } from './documents.js' */
/** @typedef {Record<string, unknown>} Payload an event's fields, sent with its type */

export const ACTION_ORDER = [
  'RECEIVE',
  'ASSIGN',
  'COMPLETE_STEP',
  'RECORD_RESULT',
  'RESUME',
  'RECEIVE_SUPPLEMENT',
  'RESUBMIT',
  'RETURN_RESULT',
  'REQUEST_SUPPLEMENT',
  'PAUSE',
  'RETURN_STEP',
  'ISSUE_APOLOGY',
  'RECORD_EXEMPTION',
  'REFUSE',
  'REQUEST_WITHDRAWAL',
  'WITHDRAW',
  'CORRECT_RESULT',
  'CHANGE_NOTIFICATION',
];

/** @type {Record<string, string>} the form printed after an event */
const FORM_AFTER = {
  RECEIVE: 'receipt',
  REQUEST_SUPPLEMENT: 'supplement',
  REFUSE: 'refusal',
  ISSUE_APOLOGY: 'apology',
  PAUSE: 'pause-notice',
  WITHDRAW: 'stop-notice',
  RETURN_RESULT: 'return-receipt',
};

const has = (/** @type {SessionUser | null} */ user, /** @type {Role[]} */ ...roles) => roles.some((r) => (user?.roles ?? []).includes(r));

/**
 * Event types this user can send now, in display order: the server decides who may (permittedEvents).
 * @param {DossierView} view
 * @param {SessionUser} user
 */
export function actionsFor(view, user) {
  let list = view.permittedEvents ?? [];
  // A late result without an apology is not returnable yet (the chart lists only ISSUE_APOLOGY), but the
  // clerk still asks to hand it back: the server's 409 then brings up the apology form (offerApology).
  if (
    view.state === 'result' &&
    has(user, 'counter') &&
    !list.includes('RETURN_RESULT') &&
    (view.allowedEvents ?? []).includes('ISSUE_APOLOGY')
  ) {
    list = [...list, 'RETURN_RESULT'];
  }
  return ACTION_ORDER.filter((t) => list.includes(t));
}

/**
 * The one action a row offers as its main button (the "next" move), or null.
 * @param {DossierView} view
 * @param {SessionUser} user
 */
export function primaryAction(view, user) {
  const list = actionsFor(view, user);
  if (view.state === 'received' && list.includes('ASSIGN') && has(user, 'counter')) return 'FORWARD';
  for (const t of ['RECEIVE', 'COMPLETE_STEP', 'RECORD_RESULT', 'RESUME', 'RECEIVE_SUPPLEMENT', 'RETURN_RESULT', 'ASSIGN']) {
    if (list.includes(t)) return t;
  }
  return null;
}

export const FORWARD_LABEL = 'Chuyển xử lý';

/**
 * A button for an action on a dossier; `onDone(view)` gets the updated dossier.
 * @param {DossierView} view
 * @param {string} type
 * @param {SessionUser} user
 * @param {(view: DossierView) => void} onDone
 * @param {{primary?: boolean, label?: string}} [opts]
 */
export function actionButton(view, type, user, onDone, { primary = false, label } = {}) {
  const text = label ?? (type === 'FORWARD' ? FORWARD_LABEL : actionLabel(type, view));
  return h(
    'button',
    {
      type: 'button',
      class: [primary ? 'primary' : 'secondary', 'small', ['REFUSE', 'WITHDRAW'].includes(type) && 'danger-outline'],
      dataset: { action: type, code: view.code },
      onclick: async () => {
        const updated = type === 'FORWARD' ? await forwardFromCounter(view, user) : await performAction(view, type, user);
        if (updated) onDone(updated);
      },
    },
    text,
  );
}

/**
 * "Thao tác khác…": a dialog listing every other action.
 * @param {DossierView} view
 * @param {SessionUser} user
 * @param {(view: DossierView) => void} onDone
 * @param {(string | null)[]} [except] actions left out (a row's main one, null when it has none)
 */
export function moreButton(view, user, onDone, except = []) {
  const others = actionsFor(view, user).filter((t) => !except.includes(t));
  if (!others.length) return null;
  return h(
    'button',
    {
      type: 'button',
      class: 'secondary small',
      'aria-haspopup': 'dialog',
      dataset: { more: view.code },
      onclick: async () => {
        /** @type {string | null} */
        const chosen = await openDialog({
          title: `Thao tác với hồ sơ ${view.code}`,
          submitLabel: 'Đóng',
          build: (body, ctl) => {
            ctl.setSubmit(null);
            ctl.setCancel('Đóng (Esc)');
            body.append(
              h(
                'div',
                { class: 'action-menu' },
                others.map((t) =>
                  h(
                    'button',
                    {
                      type: 'button',
                      class: ['secondary', ['REFUSE', 'WITHDRAW'].includes(t) && 'danger-outline'],
                      dataset: { action: t },
                      onclick: () => ctl.close(t),
                    },
                    actionLabel(t, view),
                  ),
                ),
              ),
            );
          },
          onSubmit: async (ctl) => ctl.close(null),
        });
        if (!chosen) return;
        const updated = await performAction(view, chosen, user);
        if (updated) onDone(updated);
      },
    },
    'Thao tác khác…',
  );
}

// ---- the dialogs ------------------------------------------------------------------------------

/**
 * Opens the dialog for `type` on `view`; resolves to the updated dossier, or null if cancelled.
 * @param {DossierView} view its `version` is sent as If-Match
 * @param {string} type
 * @param {SessionUser} user
 * @returns {Promise<DossierView | null>}
 */
export async function performAction(view, type, user) {
  const current = { ...view };
  const proc = await procedureOf(current);
  // A refusal after receipt and an apology are signed by a head or deputy head chosen among the users.
  const signers = needsSigner(type, current) ? await signersFor(current, type) : [];
  const options = type === 'ASSIGN' ? await listAssignees(current.code) : null;
  const proposed = type === 'ISSUE_APOLOGY' ? await proposedDueDate(current) : null;
  // handing back: the digitised result, to download for the applicant (or print) at the counter
  const results =
    type === 'RETURN_RESULT'
      ? await listDocuments(current.code).then(
          (ds) => ds.filter((d) => d.kind === 'result'),
          () => [],
        )
      : [];
  // correcting a returned result: what the result says now (its last record or correction) and its document
  const correcting = type === 'CORRECT_RESULT' ? await resultOnRecord(current.code) : null;
  return openDialog({
    title: `${actionLabel(type, current)} — hồ sơ ${current.code}`,
    submitLabel: submitLabelOf(type),
    danger: ['REFUSE', 'WITHDRAW'].includes(type),
    wide: ['RECEIVE', 'REQUEST_SUPPLEMENT', 'ISSUE_APOLOGY', 'CORRECT_RESULT'].includes(type),
    build: (body) =>
      body.append(
        ...(type === 'CORRECT_RESULT' ? correctionFields(current, user, proc, signers, correcting) : []),
        ...fieldsFor(type, current, user, proc, signers, options, proposed, results),
      ),
    onSubmit: async (ctl) => {
      const payload = payloadOf(type, values(ctl.form));
      if (payload instanceof Array) return ctl.issues(payload, 'Vui lòng kiểm tra lại');
      await send(ctl, current, type, payload, user, proc);
    },
  });
}

/**
 * @param {string} type
 * @param {DossierView} view
 */
function needsSigner(type, view) {
  return (
    type === 'ISSUE_APOLOGY' || type === 'RECORD_RESULT' || type === 'CORRECT_RESULT' || (type === 'REFUSE' && view.state !== 'submitted')
  );
}

/**
 * The new appointment an apology proposes: the first working day after today and after the current
 * appointment, from the server's calendar (the server refuses a day off). null if it cannot be asked.
 * @param {DossierView} view
 * @returns {Promise<string | null>}
 */
async function proposedDueDate(view) {
  const today = localDate();
  const current = view.dueAt ? localDate(0, Date.parse(view.dueAt)) : today;
  try {
    return (await nextWorkingDay(current > today ? current : today)).date;
  } catch {
    return null;
  }
}

/**
 * @param {DossierView} view
 * @param {string} type
 * @returns {Promise<Signer[]>}
 */
async function signersFor(view, type) {
  try {
    return (await listSigners(view.code, type)).signers ?? [];
  } catch {
    return [];
  }
}

/**
 * The signer as a choice among the eligible users (full name and title), the signed-in user first if eligible.
 * @param {string} label
 * @param {Signer[]} signers
 * @param {SessionUser} user
 */
function signerField(label, signers, user) {
  const mine = signers.some((s) => s.username === user.username);
  return field({
    label,
    name: 'signer',
    type: 'select',
    required: true,
    options: [
      ['', signers.length ? '— Chọn người ký —' : '(không có lãnh đạo đủ thẩm quyền)'],
      ...signers.map((s) => [s.username, s.title ? `${s.fullName} — ${s.title}` : s.fullName]),
    ],
    value: mine ? user.username : signers.length === 1 ? signers[0].username : '',
  });
}

/** @param {string} type */
function submitLabelOf(type) {
  return (
    /** @type {Record<string, string>} */ ({
      RETURN_RESULT: 'Xác nhận trả kết quả',
      RECORD_RESULT: 'Ghi kết quả',
      CORRECT_RESULT: 'Ghi đính chính',
      REFUSE: 'Từ chối',
      WITHDRAW: 'Rút hồ sơ',
    })[type] ?? 'Xác nhận'
  );
}

/**
 * Sends, and on success closes (or, when a form follows, offers to print it).
 * @param {DialogControl} ctl
 * @param {DossierView} current the dossier as the dialog shows it; updated in place
 * @param {string} type
 * @param {Payload} payload
 * @param {SessionUser} user
 * @param {Procedure | null} proc
 */
async function send(ctl, current, type, payload, user, proc) {
  try {
    const updated = await sendEvent(current.code, current.version, type, payload);
    Object.assign(current, updated);
    ctl.setResult(updated);
    const form = FORM_AFTER[type];
    if (form) return done(ctl, updated, `${ACTION_LABELS[type]}: đã ghi nhận.`, form);
    toast(`${actionLabel(type)}: đã ghi nhận cho hồ sơ ${updated.code} (${stateLabel(updated.state)})`);
    ctl.close(updated);
  } catch (err) {
    await handleError(ctl, err, current, type, payload, user, proc);
  }
}

/**
 * @param {DialogControl} ctl
 * @param {unknown} err
 * @param {DossierView} current
 * @param {string} type
 * @param {Payload} payload
 * @param {SessionUser} user
 * @param {Procedure | null} proc
 */
async function handleError(ctl, err, current, type, payload, user, proc) {
  if (!(err instanceof ApiError)) throw err;
  if (type === 'CORRECT_RESULT' && err.code !== 'VERSION_CONFLICT') return correctionError(ctl, err);
  if (err.status === 400 && err.issues.length) return ctl.issues(err.issues, err.message);
  if (err.code === 'VERSION_CONFLICT') {
    const fresh = await getDossier(current.code).catch(() => null);
    if (fresh) {
      Object.assign(current, fresh);
      ctl.setResult(fresh);
      const still = (fresh.permittedEvents ?? fresh.allowedEvents ?? []).includes(type);
      if (!still) {
        ctl.setSubmit(null);
        ctl.setCancel('Đóng');
      }
      return ctl.error(
        still
          ? `Hồ sơ vừa được người khác cập nhật (nay: ${stateLabel(fresh.state)}). Kiểm tra lại rồi bấm «${submitLabelOf(type)}» lần nữa.`
          : `Hồ sơ vừa được người khác cập nhật (nay: ${stateLabel(fresh.state)}); thao tác «${actionLabel(type)}» không còn thực hiện được.`,
      );
    }
    return ctl.error(err.message);
  }
  if (err.status === 409 && type === 'RETURN_RESULT' && err.allowed.includes('ISSUE_APOLOGY')) {
    const [signers, proposed] = await Promise.all([signersFor(current, 'ISSUE_APOLOGY'), proposedDueDate(current)]);
    return offerApology(ctl, current, payload, user, proc, signers, proposed);
  }
  if (err.status === 409 && err.code === 'TRANSITION_NOT_ALLOWED') {
    const allowed = err.allowed.map((t) => actionLabel(t));
    const state = err.details.state ? stateLabel(err.details.state) : stateLabel(current.state);
    return ctl.error(
      `Không thể «${actionLabel(type)}» khi hồ sơ đang «${state}».` +
        (allowed.length ? ` Có thể: ${allowed.join(', ')}.` : '') +
        (err.details.reason ? ` (${err.details.reason})` : ''),
    );
  }
  ctl.error(err.message);
}

/**
 * After an event that prints a form: say so, offer the print (and any other forms), keep the dialog until closed.
 * @param {DialogControl} ctl
 * @param {DossierView} updated
 * @param {string} message
 * @param {string} form
 * @param {string[]} [others]
 */
function done(ctl, updated, message, form, others = []) {
  ctl.setTitle(`Hồ sơ ${updated.code}`);
  ctl.setSubmit(null);
  ctl.setCancel('Đóng');
  const printButton = (/** @type {string} */ kind, /** @type {boolean} */ primary) =>
    h(
      'button',
      {
        type: 'button',
        class: primary ? 'primary' : 'secondary',
        dataset: { form: kind },
        onclick: () => openForm(updated.code, kind).catch((e) => ctl.error(errorText(e))),
      },
      `In ${(FORM_LABELS[kind] ?? kind).toLowerCase()}`,
    );
  const print = printButton(form, true);
  ctl.replaceBody([
    h('p', { class: 'alert alert-ok', role: 'status' }, message),
    h('p', null, 'Trạng thái: ', stateLabel(updated.state), updated.dueAt ? ` · Hẹn trả: ${fmtTime(updated.dueAt)}` : ''),
    print,
    ...others.map((kind) => printButton(kind, false)),
  ]);
  print.focus();
}

/**
 * RETURN_RESULT refused because the result is late and no apology is on record: the counter issues
 * the apology (Phiếu xin lỗi và hẹn lại ngày trả kết quả) right here, then hands the result back.
 * @param {DialogControl} ctl
 * @param {DossierView} current
 * @param {Payload} returnPayload
 * @param {SessionUser} user
 * @param {Procedure | null} proc
 * @param {Signer[]} signers
 * @param {string | null} proposed
 */
function offerApology(ctl, current, returnPayload, user, proc, signers, proposed) {
  ctl.setTitle(`Hồ sơ ${current.code} trễ hạn — cần Phiếu xin lỗi`);
  ctl.setSubmit('Lập phiếu xin lỗi');
  ctl.replaceBody([
    h(
      'p',
      { class: 'alert alert-warn', role: 'alert' },
      'Hồ sơ có kết quả trễ hạn và chưa có Phiếu xin lỗi và hẹn lại ngày trả kết quả. Lập phiếu ngay để trả kết quả:',
    ),
    ...apologyFields(current, user, proc, { small: true, signers, proposed, returnNow: true }),
  ]);
  ctl.onSubmit(async (c) => {
    const v = values(c.form);
    const payload = payloadOf('ISSUE_APOLOGY', v);
    if (payload instanceof Array) return c.issues(payload, 'Vui lòng kiểm tra lại');
    try {
      const updated = await sendEvent(current.code, current.version, 'ISSUE_APOLOGY', payload);
      Object.assign(current, updated);
      c.setResult(updated);
    } catch (err) {
      return handleError(c, err, current, 'ISSUE_APOLOGY', payload, user, proc);
    }
    // Handed over at once: the result goes back in the same step, both forms are offered to print.
    if (v.handover === 'now') return returnAfterApology(c, current, returnPayload, user, proc);
    apologyDone(c, current, returnPayload, user, proc);
  });
}

/**
 * The apology said the result is returned now: return it, then offer the apology and the receipt of the return.
 * @param {DialogControl} ctl
 * @param {DossierView} current
 * @param {Payload} returnPayload
 * @param {SessionUser} user
 * @param {Procedure | null} proc
 */
async function returnAfterApology(ctl, current, returnPayload, user, proc) {
  try {
    const updated = await sendEvent(current.code, current.version, 'RETURN_RESULT', returnPayload);
    Object.assign(current, updated);
    ctl.setResult(updated);
  } catch (err) {
    // the apology is recorded: the clerk can still hand the result back from here
    apologyDone(ctl, current, returnPayload, user, proc);
    return handleError(ctl, err, current, 'RETURN_RESULT', returnPayload, user, proc);
  }
  done(ctl, current, 'Đã lập Phiếu xin lỗi và trả kết quả ngay (không hẹn lại ngày).', 'return-receipt', ['apology']);
}

/**
 * @param {DialogControl} ctl
 * @param {DossierView} current
 * @param {Payload} returnPayload
 * @param {SessionUser} user
 * @param {Procedure | null} proc
 */
function apologyDone(ctl, current, returnPayload, user, proc) {
  ctl.setTitle(`Hồ sơ ${current.code} — đã lập Phiếu xin lỗi`);
  ctl.setSubmit('Trả kết quả ngay');
  ctl.setCancel('Để sau');
  const print = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      dataset: { form: 'apology' },
      onclick: () => openForm(current.code, 'apology').catch((e) => ctl.error(errorText(e))),
    },
    'In phiếu xin lỗi',
  );
  ctl.replaceBody([
    h(
      'p',
      { class: 'alert alert-ok', role: 'status' },
      current.apology && current.apology.newDueAt === null
        ? 'Đã lập Phiếu xin lỗi; kết quả trả ngay hôm nay (không hẹn lại ngày).'
        : `Đã lập Phiếu xin lỗi; hẹn trả kết quả: ${fmtTime(current.dueAt)}.`,
    ),
    h('p', null, 'In phiếu giao cho người nộp, rồi trả kết quả nếu người nộp đang có mặt.'),
    print,
  ]);
  print.focus();
  ctl.onSubmit(async (c) => send(c, current, 'RETURN_RESULT', returnPayload, user, proc));
}

// ---- fields per event type --------------------------------------------------------------------

const unitOptions = (/** @type {string} */ blank) => [
  ['', blank],
  ...Object.entries(UNIT_LABELS).map(([code, name]) => [code, `${name} (${code})`]),
];

/**
 * @param {string} type
 * @param {DossierView} view
 * @param {SessionUser} user
 * @param {Procedure | null} proc
 * @param {Signer[]} [signers]
 * @param {AssigneeOptions | null} [options]
 * @param {string | null} [proposed]
 * @param {import('./documents.js').DossierDocument[]} [results]
 * @returns {HTMLElement[]}
 */
function fieldsFor(type, view, user, proc, signers = [], options = null, proposed = null, results = []) {
  const steps = proc?.steps ?? [];
  const idx = steps.findIndex((s) => s.id === view.step);
  const next = idx >= 0 ? steps[idx + 1] : null;
  const intro = (/** @type {string} */ text) => h('p', { class: 'dlg-intro' }, text);
  switch (type) {
    case 'RECEIVE':
      return [
        intro('Tiếp nhận hồ sơ đăng ký trực tuyến/bưu chính: thời hạn giải quyết bắt đầu tính từ bây giờ.'),
        notificationFields(),
        field({ label: 'Ghi chú', name: 'note', type: 'textarea' }),
      ];
    case 'CHANGE_NOTIFICATION':
      return [
        intro(
          'Người nộp đề nghị đổi kênh hoặc địa chỉ nhận thông báo, hoặc không nhận thông báo nữa. Các thông báo sau đây gửi theo lựa chọn mới; chọn "Không nhận thông báo" thì không gửi thêm thông báo nào.',
        ),
        notificationFields('Kênh nhận thông báo mới'),
        field({
          label: 'Người đề nghị thay người nộp (nếu có)',
          name: 'onBehalf',
          hint: 'Họ tên người được ủy quyền; để trống nếu người nộp trực tiếp đề nghị',
          attrs: { maxlength: 200 },
        }),
        field({ label: 'Lý do', name: 'reason', type: 'textarea', rows: 2 }),
      ];
    case 'ASSIGN':
      return assignFields(view, user, options);
    case 'COMPLETE_STEP':
      return [
        intro(
          next
            ? `Hoàn thành bước «${view.stepName ?? ''}», chuyển sang «${next.name}» (${UNIT_LABELS[next.unit] ?? next.unit}).`
            : `Hoàn thành bước «${view.stepName ?? ''}».`,
        ),
        field({ label: 'Ý kiến xử lý', name: 'note', type: 'textarea', rows: 3 }),
      ];
    case 'RETURN_STEP':
      return [
        intro('Trả hồ sơ về bước trước để xử lý lại.'),
        field({ label: 'Lý do trả lại', name: 'reason', type: 'textarea', required: true, rows: 3 }),
      ];
    case 'REQUEST_SUPPLEMENT':
      return [
        intro(
          view.state === 'submitted'
            ? 'Hướng dẫn bổ sung khi tiếp nhận (Mẫu 02): hồ sơ chưa được tiếp nhận, không cấp mã hồ sơ, không tính thời hạn.'
            : 'Thời hạn giải quyết dừng lại; khi người nộp bổ sung, thời hạn được tính lại từ đầu.',
        ),
        field({
          label: 'Giấy tờ cần bổ sung (mỗi dòng một giấy tờ)',
          name: 'missing',
          type: 'textarea',
          required: true,
          rows: 4,
          wide: true,
        }),
        field({ label: 'Lý do', name: 'reason', type: 'textarea', required: true, rows: 2, wide: true }),
      ];
    case 'RESUBMIT':
      return [intro('Người nộp đã hoàn thiện hồ sơ theo hướng dẫn: hồ sơ chờ tiếp nhận lại (chưa tính thời hạn).')];
    case 'RECEIVE_SUPPLEMENT':
      return [intro('Người nộp đã nộp đủ giấy tờ bổ sung: thời hạn giải quyết được tính lại từ bây giờ.')];
    case 'PAUSE':
      return [
        field({
          label: 'Lý do tạm dừng',
          name: 'reason',
          type: 'select',
          required: true,
          options: [['', '— Chọn lý do —'], ...Object.entries(PAUSE_REASONS)],
          value: '',
        }),
        field({ label: 'Ghi chú', name: 'note', type: 'textarea' }),
      ];
    case 'RESUME':
      return [intro('Tiếp tục xử lý: thời gian tạm dừng không tính vào thời hạn giải quyết.')];
    case 'RECORD_RESULT':
      return [
        field({ label: 'Số văn bản kết quả', name: 'documentNumber', required: true, attrs: { autocomplete: 'off' } }),
        field({ label: 'Ngày ký', name: 'documentDate', type: 'date', required: true, value: localDate() }),
        signerField('Người ký', signers, user),
        field({ label: 'Kết quả đã số hóa', name: 'digitised', type: 'checkbox', value: true }),
        resultFileFields(proc, { dossier: view.code }),
      ];
    case 'REFUSE':
      return [
        intro(
          view.state === 'submitted'
            ? 'Không tiếp nhận hồ sơ (in Phiếu từ chối tiếp nhận).'
            : 'Từ chối giải quyết hồ sơ (in Phiếu từ chối giải quyết).',
        ),
        field({ label: 'Lý do từ chối', name: 'reason', type: 'textarea', required: true, rows: 3 }),
        ...(view.state === 'submitted' ? [] : [signerField('Người ký', signers, user)]),
      ];
    case 'ISSUE_APOLOGY':
      return apologyFields(view, user, proc, { small: false, signers, proposed });
    case 'RETURN_RESULT':
      return [
        resultDownloads(view, results),
        radios({
          legend: 'Hình thức trả kết quả',
          name: 'method',
          options: Object.entries(RETURN_METHODS),
          value: 'counter',
          required: true,
        }),
        radios({
          legend: 'Đánh giá của người nộp (không bắt buộc)',
          name: 'rating',
          options: [
            ['', 'Không đánh giá'],
            ['5', '5 – Rất hài lòng'],
            ['4', '4 – Hài lòng'],
            ['3', '3 – Bình thường'],
            ['2', '2 – Không hài lòng'],
            ['1', '1 – Rất không hài lòng'],
          ],
          value: '',
        }),
      ];
    case 'REQUEST_WITHDRAWAL':
      return [
        intro(
          'Ghi nhận đề nghị dừng giải quyết của người nộp hồ sơ (trạng thái 7); sau khi kiểm tra hồ sơ chưa có kết quả, in Thông báo dừng giải quyết hồ sơ.',
        ),
        field({ label: 'Lý do người nộp đề nghị', name: 'reason', type: 'textarea', required: true, rows: 3 }),
        field({ label: 'Hình thức đề nghị', name: 'via', type: 'select', options: Object.entries(WITHDRAWAL_CHANNELS), value: 'counter' }),
      ];
    case 'RECORD_EXEMPTION':
      return [
        intro(
          'Miễn trừ trách nhiệm xin lỗi cho hồ sơ trễ hạn do bất khả kháng hoặc do lỗi của người nộp; lãnh đạo phê duyệt. Hồ sơ vẫn được tính là trễ hạn.',
        ),
        field({
          label: 'Lý do miễn trừ',
          name: 'reason',
          type: 'select',
          required: true,
          options: [['', '— Chọn lý do —'], ...Object.entries(EXEMPTION_REASONS)],
          value: '',
        }),
        field({ label: 'Giải trình', name: 'explanation', type: 'textarea', required: true, rows: 3, wide: true }),
        field({ label: 'Văn bản căn cứ: số (không bắt buộc)', name: 'referenceNumber' }),
        field({ label: 'Văn bản căn cứ: ngày', name: 'referenceDate', type: 'date' }),
      ];
    case 'WITHDRAW':
      return [field({ label: 'Lý do rút hồ sơ', name: 'reason', type: 'textarea', required: true, rows: 3 })];
    default:
      return [];
  }
}

/**
 * The unit and the person, as lists of what the step allows (GET /api/dossiers/{code}/assignees): the step's
 * unit, and its active users holding the step's role, then its leaders, by full name and title.
 * @param {DossierView} view
 * @param {SessionUser} user
 * @param {AssigneeOptions | null} options
 */
function assignFields(view, user, options) {
  const people = options?.assignees ?? [];
  const known = (/** @type {string | null} */ u) => people.some((p) => p.username === u);
  const preferred = view.state === 'received' ? user.username : view.assignee;
  return [
    h('p', { class: 'dlg-intro' }, `Phân công xử lý bước «${options?.step?.name ?? view.stepName ?? ''}».`),
    field({
      label: 'Đơn vị',
      name: 'unit',
      type: 'select',
      required: true,
      options: (options?.units ?? []).map((u) => [u.code, u.name]),
      value: options?.units?.[0]?.code ?? '',
    }),
    field({
      label: 'Người xử lý',
      name: 'assignee',
      type: 'select',
      options: [
        ['', people.length ? '(giao cho đơn vị, chưa chọn người)' : '(đơn vị chưa có người đủ vai trò)'],
        ...people.map((p) => [p.username, p.title ? `${p.fullName} — ${p.title}` : p.fullName]),
      ],
      value: known(preferred) ? preferred : '',
    }),
  ];
}

/**
 * The apology's fields. Once the result is there (state `result`), the clerk chooses between handing it
 * over now (no new appointment: returnNow) and a new appointment; `returnNow` preselects the first (the
 * applicant is at the counter asking for the result).
 * @param {DossierView} view
 * @param {SessionUser} user
 * @param {Procedure | null} proc
 * @param {{small: boolean, signers: Signer[], proposed: string | null, returnNow?: boolean}} opts
 */
function apologyFields(view, user, proc, { small, signers, proposed, returnNow = false }) {
  const steps = proc?.steps ?? [];
  const due = field({
    label: 'Ngày hẹn trả kết quả mới',
    name: 'newDueDate',
    type: 'date',
    required: true,
    value: proposed ?? '',
    attrs: { min: localDate(1) },
    hint: [
      proposed ? `Đề xuất: ngày làm việc tiếp theo (${fmtDate(proposed)})` : 'Chọn một ngày làm việc sau hôm nay',
      view.dueAt ? `hẹn cũ: ${fmtDate(view.dueAt)}` : '',
    ]
      .filter(Boolean)
      .join(' · '),
  });
  /** @type {HTMLElement[]} */
  const out = [
    field({ label: 'Lý do chậm trễ', name: 'reason', type: 'textarea', required: true, rows: 2, wide: true }),
    signerField('Người ký phiếu', signers, user),
  ];
  if (view.state === 'result') {
    const choice = radios({
      legend: 'Trả kết quả',
      name: 'handover',
      options: [
        ['now', 'Trả kết quả ngay hôm nay (người nộp đang có mặt, không hẹn lại)'],
        ['later', 'Hẹn lại ngày trả kết quả'],
      ],
      value: returnNow ? 'now' : 'later',
      required: true,
    });
    /** the date only when a new appointment is made (a disabled control is not sent) */
    const sync = () => {
      const now = /** @type {HTMLInputElement | null} */ (choice.querySelector('input[value="now"]'))?.checked ?? false;
      const input = /** @type {HTMLInputElement} */ (due.querySelector('input'));
      input.disabled = now;
      due.hidden = now;
    };
    choice.addEventListener('change', sync);
    sync();
    out.push(choice);
  }
  out.push(due);
  if (!small) {
    out.push(
      field({ label: 'Đơn vị để chậm trễ', name: 'responsibleUnit', type: 'select', options: unitOptions('(theo hồ sơ)'), value: '' }),
      field({
        label: 'Bước để chậm trễ',
        name: 'responsibleStep',
        type: 'select',
        options: [['', '(theo hồ sơ)'], ...steps.map((s) => [s.id, s.name])],
        value: '',
      }),
    );
  }
  return out;
}

/**
 * The event body from the dialog's values; or the list of issues found before sending.
 * @param {string} type
 * @param {Record<string, any>} v the form's values (dom.js values())
 * @returns {Payload | ValidationIssue[]}
 */
function payloadOf(type, v) {
  const opt = (/** @type {string | undefined} */ x) => (x ? x : undefined);
  switch (type) {
    case 'RECEIVE': {
      const { notification, issues } = notificationOf(v);
      if (issues.length) return issues;
      return { note: opt(v.note), notification };
    }
    case 'CHANGE_NOTIFICATION': {
      const { notification, issues } = notificationOf(v);
      if (issues.length) return issues;
      return { notification, onBehalf: opt(v.onBehalf), reason: opt(v.reason) };
    }
    case 'COMPLETE_STEP':
      return { note: opt(v.note) };
    case 'ASSIGN':
      return { assignee: opt(v.assignee), unit: opt(v.unit) };
    case 'REQUEST_WITHDRAWAL':
      return { reason: v.reason, via: v.via || 'counter' };
    case 'RECORD_EXEMPTION': {
      if (Boolean(v.referenceNumber) !== Boolean(v.referenceDate))
        return [
          {
            field: v.referenceNumber ? 'referenceDate' : 'referenceNumber',
            reason: 'required',
            vi: 'Nhập cả số và ngày của văn bản căn cứ',
          },
        ];
      return {
        reason: v.reason,
        explanation: v.explanation,
        reference: v.referenceNumber ? { number: v.referenceNumber, date: v.referenceDate } : undefined,
      };
    }
    case 'RETURN_STEP':
    case 'WITHDRAW':
      return { reason: v.reason };
    case 'REQUEST_SUPPLEMENT': {
      const missing = String(v.missing ?? '')
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean);
      if (!missing.length) return [{ field: 'missing', reason: 'required', vi: 'Nhập ít nhất một giấy tờ' }];
      return { missing, reason: v.reason };
    }
    case 'RECEIVE_SUPPLEMENT':
    case 'RESUBMIT':
    case 'RESUME':
      return {};
    case 'PAUSE':
      return { reason: v.reason, note: opt(v.note) };
    case 'RECORD_RESULT': {
      if (v['document.pending']) return [{ field: 'document', reason: 'pending', vi: 'Đang tải tệp kết quả lên, vui lòng đợi' }];
      const document = v['document.sha256']
        ? { sha256: v['document.sha256'], name: v['document.name'], form: v['document.form'] || 'electronic_original' }
        : undefined;
      return {
        documentNumber: v.documentNumber,
        documentDate: v.documentDate,
        signer: v.signer,
        digitised: Boolean(v.digitised),
        document,
      };
    }
    case 'CORRECT_RESULT': {
      if (v['document.pending'])
        return [{ field: 'document', reason: 'pending', vi: 'Đang tải tệp kết quả đã đính chính lên, vui lòng đợi' }];
      const document = v['document.sha256']
        ? { sha256: v['document.sha256'], name: v['document.name'], form: v['document.form'] || 'electronic_original' }
        : undefined;
      return { reason: v.reason, documentNumber: v.documentNumber, documentDate: v.documentDate, signer: v.signer, document };
    }
    case 'REFUSE':
      return { reason: v.reason, signer: opt(v.signer) };
    case 'ISSUE_APOLOGY': {
      const common = {
        reason: v.reason,
        signer: v.signer,
        responsibleUnit: opt(v.responsibleUnit),
        responsibleStep: opt(v.responsibleStep),
      };
      if (v.handover === 'now') return { ...common, returnNow: true };
      if (v.newDueDate && v.newDueDate <= localDate())
        return [{ field: 'newDueDate', reason: 'not_after_today', vi: 'Ngày hẹn mới phải sau hôm nay' }];
      return { ...common, newDueDate: v.newDueDate };
    }
    case 'RETURN_RESULT':
      return { method: v.method || 'counter', rating: v.rating ? Number(v.rating) : undefined };
    default:
      return {};
  }
}

// ---- the result document ------------------------------------------------------------------------

/** what a result document is, in words (the applicant may download only an electronic original) */
const RESULT_FORMS = [
  ['electronic_original', 'Bản điện tử gốc (người nộp tải về được khi tra cứu)'],
  ['digitised_copy', 'Bản sao số hóa từ bản giấy'],
];

/**
 * RECORD_RESULT's (and CORRECT_RESULT's) file: the signed result uploaded at once (progress, refusal in words);
 * what the upload answered is kept in hidden fields the payload reads.
 * @param {Procedure | null} proc
 * @param {{legend?: string, form?: string, dossier?: string}} [o] the fieldset's legend, the preselected form, the
 *   dossier's code (sent with the upload: ../documents.js, `uploadFile`)
 */
function resultFileFields(proc, o = {}) {
  const required = Boolean(proc?.digitisation?.result);
  /** @param {string} name */
  const hidden = (name) => h('input', { type: 'hidden', name, value: '' });
  const sha = hidden('document.sha256');
  const name = hidden('document.name');
  const pending = hidden('document.pending');
  const picker = filePicker({
    id: 'result-file',
    label: 'Chọn tệp kết quả đã ký',
    dossier: o.dossier,
    onChange: () => {
      const f = picker.uploaded()[0];
      sha.value = f?.sha256 ?? '';
      name.value = f?.name ?? '';
      pending.value = picker.pending() ? '1' : '';
    },
  });
  return h(
    'fieldset',
    { class: 'result-file', dataset: { field: 'document' } },
    h('legend', null, o.legend ?? (required ? 'Bản kết quả số hóa (thủ tục yêu cầu)' : 'Bản kết quả số hóa')),
    picker.el,
    sha,
    name,
    pending,
    radios({ legend: 'Loại bản kết quả', name: 'document.form', options: RESULT_FORMS, value: o.form ?? 'electronic_original' }),
    h('p', { class: 'field-error', hidden: true }),
  );
}

/**
 * What a returned result says now: the number, date and signer of its last record (RECORD_RESULT, or the
 * latest CORRECT_RESULT), and its result document (the newest version is the one in force).
 * @typedef {{documentNumber: string | null, documentDate: string | null, signer: string | null, corrections: number,
 *            document: DossierDocument | null}} ResultOnRecord
 */

/**
 * @param {string} code
 * @returns {Promise<ResultOnRecord>}
 */
async function resultOnRecord(code) {
  const [events, documents] = await Promise.all([
    /** @type {Promise<EventView[]>} */ (getEvents(code)).catch(() => /** @type {EventView[]} */ ([])),
    listDocuments(code).catch(() => /** @type {DossierDocument[]} */ ([])),
  ]);
  const records = events.filter((e) => e.type === 'RECORD_RESULT' || e.type === 'CORRECT_RESULT');
  const last = /** @type {{documentNumber?: string, documentDate?: string, signer?: string} | undefined} */ (records.at(-1)?.payload);
  return {
    documentNumber: last?.documentNumber ?? null,
    documentDate: last?.documentDate ?? null,
    signer: last?.signer ?? null,
    corrections: records.filter((e) => e.type === 'CORRECT_RESULT').length,
    document: documents.find((d) => d.kind === 'result') ?? null,
  };
}

/**
 * CORRECT_RESULT: the result as it stands (kept: the correction adds, never overwrites), then the reason, the
 * corrected number, date and signer, and the corrected signed document as a new version of the result document.
 * @param {DossierView} view
 * @param {SessionUser} user
 * @param {Procedure | null} proc
 * @param {Signer[]} signers
 * @param {ResultOnRecord | null} now
 * @returns {HTMLElement[]}
 */
function correctionFields(view, user, proc, signers, now) {
  const doc = now?.document ?? null;
  const cur = doc?.versions[doc.versions.length - 1];
  return [
    h(
      'p',
      { class: 'dlg-intro' },
      'Đính chính sai sót trong kết quả đã trả cho người nộp. Hồ sơ vẫn ở trạng thái đã trả kết quả; kết quả cũ và tệp cũ được giữ nguyên, ',
      'việc đính chính được ghi vào lịch sử hồ sơ (kiểm tra viên xem được).',
    ),
    h(
      'div',
      { class: 'correction-current', id: 'correction-current' },
      h('p', null, h('b', null, 'Kết quả hiện tại: ')),
      h(
        'ul',
        { class: 'plain' },
        h('li', null, `Số văn bản: ${now?.documentNumber ?? '—'}`),
        h('li', null, `Ngày ký: ${now?.documentDate ? fmtDate(now.documentDate) : '—'}`),
        h('li', null, `Người ký: ${now?.signer ?? '—'}`),
        now?.corrections ? h('li', null, `Đã đính chính ${now.corrections} lần`) : null,
        h(
          'li',
          null,
          doc && cur
            ? [`Bản số hóa: ${cur.name} (phiên bản ${cur.version}) `, downloadButton(view.code, doc.id, cur, 'Tải bản hiện tại')]
            : 'Bản số hóa: không có',
        ),
      ),
    ),
    field({ label: 'Lý do đính chính (sai sót gì, căn cứ nào)', name: 'reason', type: 'textarea', required: true, rows: 3, wide: true }),
    field({
      label: 'Số văn bản đính chính',
      name: 'documentNumber',
      required: true,
      attrs: { autocomplete: 'off' },
      hint: 'Số của văn bản đính chính (hoặc văn bản kết quả cấp lại)',
    }),
    field({ label: 'Ngày ký', name: 'documentDate', type: 'date', required: true, value: localDate() }),
    signerField('Người ký', signers, user),
    resultFileFields(proc, { legend: 'Văn bản kết quả đã đính chính (bản số hóa)', form: doc?.form ?? undefined, dossier: view.code }),
  ];
}

/**
 * A refused correction in words, by the API's error code and the issues' fields and codes (never the message text).
 * @param {DialogControl} ctl
 * @param {ApiError} err
 */
function correctionError(ctl, err) {
  switch (err.code) {
    case 'VALIDATION_FAILED':
      return ctl.issues(
        err.issues.map((i) =>
          i.field === 'signer' && !(/** @type {ValidationIssue} */ (i).code)
            ? { ...i, vi: 'Người ký phải là lãnh đạo đang làm việc của phòng giữ hồ sơ hoặc của lãnh đạo UBND' }
            : i,
        ),
        'Chưa ghi được đính chính: kiểm tra lại các ô được đánh dấu.',
      );
    case 'TRANSITION_NOT_ALLOWED':
      return ctl.error('Chỉ đính chính được kết quả đã giải quyết (chấp thuận) và đã trả cho người nộp.');
    case 'FORBIDDEN':
      return ctl.error('Chỉ lãnh đạo phòng đang giữ hồ sơ hoặc lãnh đạo UBND được đính chính kết quả.');
    case 'PAYLOAD_TOO_LARGE':
    case 'UNSUPPORTED_MEDIA_TYPE':
    case 'NETWORK':
      return ctl.error(uploadErrorText(err));
    default:
      return ctl.error(ERROR_LABELS[err.code] ?? `Chưa ghi được đính chính (lỗi ${err.status}).`);
  }
}

/**
 * At the return counter: the digitised result to download (to print, or to send the applicant).
 * @param {any} view
 * @param {import('./documents.js').DossierDocument[]} results
 */
function resultDownloads(view, results) {
  const current = results.flatMap((d) => {
    const v = d.versions[d.versions.length - 1];
    return v ? [{ d, v }] : [];
  });
  if (!current.length) return h('p', { class: 'hint', id: 'return-result-file' }, 'Kết quả không có bản số hóa: trả bản giấy.');
  return h(
    'div',
    { class: 'return-result-file', id: 'return-result-file' },
    h('p', null, h('b', null, 'Bản kết quả số hóa: ')),
    h(
      'ul',
      { class: 'plain' },
      current.map(({ d, v }) =>
        h(
          'li',
          null,
          `${v.name} — ${RESULT_FORMS.find(([k]) => k === d.form)?.[1] ?? ''} `,
          downloadButton(view.code, d.id, v, 'Tải bản kết quả'),
        ),
      ),
    ),
  );
}

// ---- the counter's "forward" ------------------------------------------------------------------

/**
 * The counter's own first step ("Tiếp nhận, chuyển hồ sơ"): take it (ASSIGN to oneself) and complete
 * it, which hands the dossier to the next step's office. One dialog, two events.
 * @param {DossierView} view
 * @param {SessionUser} user
 * @returns {Promise<DossierView | null>}
 */
export async function forwardFromCounter(view, user) {
  const current = { ...view };
  const proc = await procedureOf(current);
  const steps = proc?.steps ?? [];
  const next = steps[1];
  return openDialog({
    title: `Chuyển xử lý — hồ sơ ${current.code}`,
    submitLabel: 'Chuyển',
    build: (body) =>
      body.append(
        h(
          'p',
          { class: 'dlg-intro' },
          next ? `Chuyển hồ sơ đến ${UNIT_LABELS[next.unit] ?? next.unit}: bước «${next.name}».` : 'Chuyển hồ sơ sang bước tiếp theo.',
        ),
        field({ label: 'Ghi chú chuyển hồ sơ', name: 'note', type: 'textarea', rows: 2 }),
      ),
    onSubmit: async (ctl) => {
      const note = values(ctl.form).note || undefined;
      try {
        if (current.state === 'received') {
          Object.assign(current, await sendEvent(current.code, current.version, 'ASSIGN', { assignee: user.username }));
          ctl.setResult({ ...current });
        }
        const updated = await sendEvent(current.code, current.version, 'COMPLETE_STEP', { note });
        ctl.setResult(updated);
        toast(`Đã chuyển hồ sơ ${updated.code} đến ${UNIT_LABELS[updated.unit ?? ''] ?? updated.unit ?? 'bước tiếp theo'}`);
        ctl.close(updated);
      } catch (err) {
        await handleError(ctl, err, current, current.state === 'received' ? 'ASSIGN' : 'COMPLETE_STEP', {}, user, proc);
      }
    },
  });
}
