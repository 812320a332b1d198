/**
 * Vietnamese labels for the API's codes, and time formatting in Asia/Ho_Chi_Minh (UTC+7 all year,
 * no daylight saving since 1975, so a fixed offset is exact and does not depend on the PC's zone).
 */

export const STATE_LABELS = {
  submitted: 'Mới đăng ký',
  received: 'Được tiếp nhận',
  assigned: 'Đang xử lý',
  processing: 'Đang xử lý',
  awaiting_supplement: 'Yêu cầu bổ sung',
  paused: 'Tạm dừng',
  result: 'Đã có kết quả',
  returned: 'Đã trả kết quả',
  withdrawal_requested: 'Công dân yêu cầu rút hồ sơ',
  withdrawn: 'Đã rút',
  refused_intake: 'Không được tiếp nhận',
};

/** the state filter's choices (assigned and processing are one for users) */
export const STATE_CHOICES = [
  ['submitted', 'Mới đăng ký'],
  ['received', 'Được tiếp nhận'],
  ['assigned,processing', 'Đang xử lý'],
  ['awaiting_supplement', 'Yêu cầu bổ sung'],
  ['paused', 'Tạm dừng'],
  ['result', 'Đã có kết quả'],
  ['returned', 'Đã trả kết quả'],
  ['withdrawal_requested', 'Yêu cầu rút hồ sơ'],
  ['withdrawn', 'Đã rút'],
  ['refused_intake', 'Không được tiếp nhận'],
];

export const TIMELINESS_LABELS = {
  not_started: 'Chưa tính hạn',
  on_track: 'Trong hạn',
  due_soon: 'Sắp đến hạn',
  overdue: 'Quá hạn',
  early: 'Trước hạn',
  on_time: 'Đúng hạn',
  late: 'Trễ hạn',
};

/** what the button says */
export const ACTION_LABELS = {
  RECEIVE: 'Tiếp nhận',
  ASSIGN: 'Phân công',
  COMPLETE_STEP: 'Hoàn thành bước',
  RETURN_STEP: 'Trả lại bước trước',
  REQUEST_SUPPLEMENT: 'Yêu cầu bổ sung',
  RECEIVE_SUPPLEMENT: 'Nhận hồ sơ bổ sung',
  PAUSE: 'Tạm dừng',
  RESUME: 'Tiếp tục xử lý',
  RECORD_RESULT: 'Ghi kết quả',
  REFUSE: 'Từ chối',
  ISSUE_APOLOGY: 'Xin lỗi, hẹn lại',
  RETURN_RESULT: 'Trả kết quả',
  WITHDRAW: 'Rút hồ sơ',
};

/** what the timeline says happened */
export const EVENT_LABELS = {
  SUBMIT: 'Đăng ký hồ sơ',
  RECEIVE: 'Tiếp nhận hồ sơ',
  ASSIGN: 'Phân công xử lý',
  COMPLETE_STEP: 'Hoàn thành bước, chuyển bước tiếp theo',
  RETURN_STEP: 'Trả lại bước trước',
  REQUEST_SUPPLEMENT: 'Yêu cầu bổ sung hồ sơ',
  RECEIVE_SUPPLEMENT: 'Nhận hồ sơ bổ sung',
  PAUSE: 'Tạm dừng xử lý',
  RESUME: 'Tiếp tục xử lý',
  RECORD_RESULT: 'Có kết quả giải quyết',
  REFUSE: 'Từ chối',
  ISSUE_APOLOGY: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả',
  RETURN_RESULT: 'Trả kết quả cho người nộp',
  WITHDRAW: 'Rút hồ sơ',
  DEADLINE_APPROACHING: 'Sắp đến hạn (hệ thống)',
  DEADLINE_PASSED: 'Quá hạn (hệ thống)',
};

export const PAUSE_REASONS = {
  financial_obligation: 'Chờ thực hiện nghĩa vụ tài chính',
  verification: 'Xác minh, lấy ý kiến cơ quan khác',
  applicant_request: 'Theo đề nghị của người nộp hồ sơ',
  other: 'Lý do khác',
};

export const RETURN_METHODS = { counter: 'Tại quầy', post: 'Qua dịch vụ bưu chính', online: 'Trực tuyến' };
export const CHANNELS = { counter: 'Trực tiếp tại quầy', online: 'Trực tuyến', postal: 'Qua bưu chính' };
export const OUTCOMES = { approved: 'Giải quyết', refused: 'Từ chối giải quyết' };

export const ROLE_LABELS = {
  counter: 'Cán bộ một cửa',
  specialist: 'Chuyên viên',
  leader: 'Lãnh đạo',
  supervisor: 'Giám sát',
  auditor: 'Kiểm tra',
  admin: 'Quản trị',
};

/** display names of the demo centre's units; an unknown code shows as itself */
export const UNIT_LABELS = {
  TTPVHCC: 'Trung tâm Phục vụ hành chính công',
  VHXH: 'Phòng Văn hóa - Xã hội',
  KINHTE: 'Phòng Kinh tế',
  LANHDAO: 'Lãnh đạo UBND xã',
  THUE: 'Cơ quan thuế',
};

export const FORM_LABELS = {
  receipt: 'Giấy tiếp nhận',
  'control-slip': 'Phiếu kiểm soát',
  supplement: 'Phiếu yêu cầu bổ sung',
  refusal: 'Phiếu từ chối',
  apology: 'Phiếu xin lỗi',
};

export const stateLabel = (s) => STATE_LABELS[s] ?? s ?? '';
export const timelinessLabel = (t) => TIMELINESS_LABELS[t] ?? t ?? '';
export const unitLabel = (u) => (u ? UNIT_LABELS[u] ?? u : '');
export const actionLabel = (t) => ACTION_LABELS[t] ?? t;

// ---- time -----------------------------------------------------------------------------------

const OFFSET_MS = 7 * 3600_000;
const pad = (n) => String(n).padStart(2, '0');

/** the wall-clock fields in Hanoi of an instant */
function hanoi(at) {
  const t = typeof at === 'number' ? at : Date.parse(at);
  if (Number.isNaN(t)) return null;
  const d = new Date(t + OFFSET_MS);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate(), H: d.getUTCHours(), M: d.getUTCMinutes(), wd: d.getUTCDay() };
}

/** "HH:mm dd/MM/yyyy" in Asia/Ho_Chi_Minh; '' for null */
export function fmtTime(at) {
  if (at === null || at === undefined || at === '') return '';
  const h = hanoi(at);
  if (!h) return String(at);
  return `${pad(h.H)}:${pad(h.M)} ${pad(h.d)}/${pad(h.m)}/${h.y}`;
}

/** "dd/MM/yyyy" of an instant (Hanoi) or of a local date "yyyy-mm-dd" */
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
  const h = hanoi(from + days * 86400_000);
  return `${h.y}-${pad(h.m)}-${pad(h.d)}`;
}

/** Monday 00:00 Hanoi of the current week, as an instant (ms) */
export function startOfWeek(now = Date.now()) {
  const h = hanoi(now);
  const sinceMonday = (h.wd + 6) % 7;
  const midnight = Date.UTC(h.y, h.m - 1, h.d) - OFFSET_MS;
  return midnight - sinceMonday * 86400_000;
}

/** "còn 3 giờ", "quá 2 ngày" — calendar time, a hint next to the exact due time */
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

export function fmtMoney(amount) {
  if (amount === 0) return 'Miễn phí';
  if (typeof amount !== 'number') return '';
  return `${String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, '.')} đồng`;
}

export function fmtAmount(a) {
  if (!a) return '';
  if (a.unit === 'days' && a.value === 0) return 'Trong ngày';
  return `${a.value} ${a.unit === 'days' ? 'ngày làm việc' : 'giờ làm việc'}`;
}

// ---- validation reasons -----------------------------------------------------------------------

/** The API's field reasons are English (zod); users read Vietnamese. */
const REASONS = [
  [/expected 8.15 digits/i, 'Cần 8–15 chữ số (có thể bắt đầu bằng +)'],
  [/expected 6.20 digits or capital letters/i, 'Cần 6–20 chữ số hoặc chữ in hoa'],
  [/expected a date YYYY-MM-DD/i, 'Nhập ngày theo dạng ngày/tháng/năm'],
  [/not a real calendar date/i, 'Ngày không có thật'],
  [/invalid email/i, 'Địa chỉ email không hợp lệ'],
  [/too small|>=1 characters|at least 1|must not be empty/i, 'Không được để trống'],
  [/too big|<=\d+ characters|at most/i, 'Quá dài'],
  [/required|received undefined|expected string, received undefined/i, 'Bắt buộc nhập'],
  [/already used for a different request/i, 'Yêu cầu trùng khóa gửi trước đó, vui lòng bấm gửi lại'],
  [/unknown unit/i, 'Đơn vị không có trong danh mục'],
  [/unrecognized key/i, 'Trường không hợp lệ'],
  [/invalid option|expected one of/i, 'Giá trị không nằm trong danh sách cho phép'],
  [/expected number|expected int/i, 'Cần nhập số'],
  [/newDueDate|new due date|after/i, 'Ngày hẹn mới không hợp lệ'],
];

export function viReason(reason) {
  const r = String(reason ?? '');
  for (const [re, vi] of REASONS) if (re.test(r)) return vi;
  return r ? `Không hợp lệ (${r})` : 'Không hợp lệ';
}
