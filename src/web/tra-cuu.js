/**
 * The citizens' lookup page (/tra-cuu?ma=<code>, the link in the receipt's QR code): dossier code
 * plus the last 4 digits of the number the applicant chose at receipt (phone or ID number, named on the
 * receipt) → state and due date; what to bring when a supplement is asked and that the clock is stopped
 * meanwhile; a late dossier's apology and new appointment. No login. The code is taken in any case,
 * spaces around it ignored.
 */
import { ApiError, request } from './api.js';
import { append, clearIssues, errorText, h, showFormError, showIssues } from './dom.js';
import { fmtTime, loadVocabulary, stateLabel } from './labels.js';
/** @import { PublicDossierStatus, ValidationIssue } from './types.js' */

const form = /** @type {HTMLFormElement} */ (document.getElementById('lookup'));
const answer = /** @type {HTMLElement} */ (document.getElementById('answer'));
const code = /** @type {HTMLInputElement} */ (document.getElementById('ma'));
const verify = /** @type {HTMLInputElement} */ (document.getElementById('verify'));

const vocabulary = loadVocabulary();
const params = new URLSearchParams(location.search);
const ma = params.get('ma');
if (ma) {
  code.value = ma;
  verify.focus();
} else code.focus();

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  clearIssues(form);
  answer.hidden = true;
  answer.replaceChildren();
  const c = code.value.trim().toUpperCase();
  const v = verify.value.trim();
  /** @type {ValidationIssue[]} */
  const issues = [];
  if (!/^[0-9A-Z.-]{1,96}$/.test(c)) issues.push({ field: 'code', vi: 'Nhập mã hồ sơ như trên Giấy tiếp nhận' });
  if (!/^\d{4}$/.test(v)) issues.push({ field: 'verify', vi: 'Nhập đúng 4 chữ số' });
  if (issues.length) return showIssues(form, issues);
  const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type=submit]'));
  button.disabled = true;
  try {
    const res = await request('GET', `/api/public/dossiers/${encodeURIComponent(c)}?verify=${encodeURIComponent(v)}`, { auth: false });
    /** @type {PublicDossierStatus} */
    const s = await res.json();
    await vocabulary;
    append(answer, [h('h2', null, `Hồ sơ ${s.code}`), h('p', { class: 'lookup-status' }, s.status || stateLabel(s.state)), ...details(s)]);
    answer.hidden = false;
  } catch (err) {
    if (err instanceof ApiError && err.status === 429) showFormError(form, 'Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau ít phút.');
    else if (err instanceof ApiError && err.status === 400 && err.issues.length)
      showIssues(
        form,
        err.issues.map((i) => ({ ...i, field: i.field === 'code' ? 'code' : 'verify' })),
        err.message,
      );
    else showFormError(form, errorText(err));
  } finally {
    button.disabled = false;
  }
});

/**
 * What the answer says under the status, in the order the citizen needs it.
 * @param {PublicDossierStatus} s
 */
function details(s) {
  /** @type {HTMLElement[]} */
  const out = [];
  if (s.supplement) {
    out.push(
      h(
        'div',
        { class: 'lookup-supplement', id: 'lookup-supplement' },
        h('p', null, h('b', null, 'Hồ sơ cần bổ sung. Mời ông/bà mang đến Trung tâm:')),
        h(
          'ul',
          null,
          s.supplement.missing.map((m) => h('li', null, m)),
        ),
        s.supplement.reason ? h('p', { class: 'muted' }, `Lý do: ${s.supplement.reason}`) : null,
        h('p', { class: 'muted' }, `Yêu cầu bổ sung ngày ${fmtTime(s.supplement.requestedAt)}.`),
      ),
    );
  }
  if (s.clockStopped) {
    out.push(
      h(
        'p',
        { class: 'lookup-clock', id: 'lookup-clock' },
        s.supplement
          ? 'Thời hạn giải quyết đang dừng lại và được tính lại từ đầu khi Trung tâm nhận đủ giấy tờ bổ sung.'
          : 'Thời hạn giải quyết đang tạm dừng; ngày hẹn trả kết quả sẽ được tính lại khi tiếp tục giải quyết.',
      ),
    );
  }
  if (s.late) {
    out.push(
      h(
        'p',
        { class: 'lookup-late alert alert-warn', id: 'lookup-late' },
        `Hồ sơ trễ hạn so với thời hạn giải quyết theo quy định${s.originalDueAt ? ` (${fmtTime(s.originalDueAt)})` : ''}.`,
      ),
    );
  }
  if (s.apology) {
    out.push(
      h(
        'div',
        { class: 'lookup-apology', id: 'lookup-apology' },
        h('p', null, `Trung tâm đã gửi Phiếu xin lỗi và hẹn lại ngày trả kết quả (${fmtTime(s.apology.issuedAt)}).`),
        s.apology.reason ? h('p', { class: 'muted' }, `Lý do chậm trễ: ${s.apology.reason}`) : null,
        s.apology.newDueAt
          ? h('p', null, 'Ngày hẹn trả kết quả mới: ', h('b', null, fmtTime(s.apology.newDueAt)))
          : h('p', null, 'Kết quả được trả ngay khi lập phiếu, không hẹn lại ngày.'),
      ),
    );
  }
  const next = s.returned
    ? 'Kết quả đã được trả cho người nộp.'
    : s.resultReady
      ? 'Đã có kết quả: mời ông/bà đến Trung tâm nhận kết quả (mang theo Giấy tiếp nhận).'
      : s.dueAt && !s.clockStopped && !s.apology
        ? `Hẹn trả kết quả: ${fmtTime(s.dueAt)}.`
        : '';
  if (next) out.push(h('p', { id: 'lookup-next' }, next));
  // the electronic original of the result, behind the same code and 4 digits (the server checks them again)
  if (s.electronicResult)
    out.push(
      h(
        'p',
        { class: 'lookup-eresult', id: 'lookup-eresult' },
        h(
          'a',
          {
            class: 'button primary wide',
            id: 'eresult-download',
            href: `/api/public/dossiers/${encodeURIComponent(s.code)}/result-document?verify=${encodeURIComponent(verify.value.trim())}`,
            download: '',
          },
          'Tải kết quả điện tử',
        ),
        h('small', { class: 'block muted' }, 'Bản điện tử gốc của kết quả giải quyết, có giá trị như bản giấy.'),
      ),
    );
  return out;
}
