/**
 * The citizens' lookup page (/tra-cuu?ma=<code>, the link in the receipt's QR code): dossier code
 * plus the last 4 digits of the number the applicant chose at receipt (phone or ID number, named on the
 * receipt) → state and due date. No login.
 */
import { ApiError, request } from './api.js';
import { append, clearIssues, h, showFormError, showIssues } from './dom.js';
import { fmtTime, loadVocabulary, stateLabel } from './labels.js';

const form = /** @type {HTMLFormElement} */ (document.getElementById('lookup'));
const answer = document.getElementById('answer');
const code = /** @type {HTMLInputElement} */ (document.getElementById('ma'));
const verify = /** @type {HTMLInputElement} */ (document.getElementById('verify'));

const vocabulary = loadVocabulary();
const params = new URLSearchParams(location.search);
if (params.get('ma')) {
  code.value = params.get('ma');
  verify.focus();
} else code.focus();

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  clearIssues(form);
  answer.hidden = true;
  answer.replaceChildren();
  const c = code.value.trim();
  const v = verify.value.trim();
  const issues = [];
  if (!/^[0-9A-Za-z.-]{1,96}$/.test(c)) issues.push({ field: 'code', vi: 'Nhập mã hồ sơ như trên Giấy tiếp nhận' });
  if (!/^\d{4}$/.test(v)) issues.push({ field: 'verify', vi: 'Nhập đúng 4 chữ số' });
  if (issues.length) return showIssues(form, issues);
  const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type=submit]'));
  button.disabled = true;
  try {
    const res = await request('GET', `/api/public/dossiers/${encodeURIComponent(c)}?verify=${encodeURIComponent(v)}`, { auth: false });
    const s = await res.json();
    await vocabulary;
    const next = s.returned
      ? 'Kết quả đã được trả cho người nộp.'
      : s.resultReady
        ? 'Đã có kết quả: mời ông/bà đến Trung tâm nhận kết quả (mang theo Giấy tiếp nhận).'
        : s.dueAt
          ? `Hẹn trả kết quả: ${fmtTime(s.dueAt)}.`
          : '';
    append(answer, [
      h('h2', null, `Hồ sơ ${s.code}`),
      h('p', { class: 'lookup-status' }, s.status || stateLabel(s.state)),
      next ? h('p', null, next) : null,
    ]);
    answer.hidden = false;
  } catch (err) {
    if (err instanceof ApiError && err.status === 429) showFormError(form, 'Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau ít phút.');
    else if (err instanceof ApiError && err.status === 400 && err.issues.length)
      showIssues(
        form,
        err.issues.map((i) => ({ ...i, field: i.field === 'code' ? 'code' : 'verify' })),
        err.message,
      );
    else showFormError(form, err.message);
  } finally {
    button.disabled = false;
  }
});
