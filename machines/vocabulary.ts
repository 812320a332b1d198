/**
 * The words of the domain, in one place: the lifecycle states and which of them count as open, the event
 * types, the Vietnamese labels people read for states, events, timeliness, pause reasons, channels, return
 * methods, outcomes, roles, forms, error codes and validation issue codes, the units and the procedures. Pure data. The server uses it (reports, metrics),
 * and serves it to the web UI at GET /api/vocabulary, so the UI repeats none of it.
 */
import { z } from 'zod';
import type { ErrorCode } from './engine/errors';
import type { LookupFactor } from './engine/commands';
import {
  ALL_EVENT_TYPES,
  CHANNELS,
  EXEMPTION_REASONS,
  LIFECYCLE_STATES,
  RESULT_OUTCOMES,
  RETURN_METHODS,
  USER_EVENT_TYPES,
  WITHDRAWAL_CHANNELS,
  type Channel,
  type DossierEventType,
  type ExemptionReason,
  type LifecycleState,
  type ResultOutcome,
  type ReturnMethod,
  type Timeliness,
  type WithdrawalChannel,
} from './dossier/types';
import { CATALOGUE, PAUSE_REASONS, ROLES, UNITS, type PauseReason, type Role } from './procedures';
import { NOTIFY_CHANNEL_LABELS, type MessageStatus } from './notify/channels';
import type { NoticeKind } from './notify/templates';
import type { DrillFigure } from './metrics/definitions';

type UserEventType = (typeof USER_EVENT_TYPES)[number];
/** Every event type of a dossier's history: the submission that starts it, then the chart's events. */
export type HistoryEventType = 'SUBMIT' | DossierEventType;

/** Of the open states, those whose deadline clock runs: the office is working on the dossier. */
export const RUNNING_STATES = ['received', 'assigned', 'processing'] as const satisfies readonly LifecycleState[];
/** Of the open states, those whose clock is stopped: waiting for the applicant (or for the counter's stop notice after the applicant asked to withdraw). */
export const STOPPED_STATES = ['awaiting_supplement', 'paused', 'withdrawal_requested'] as const satisfies readonly LifecycleState[];
/** Received and not yet decided: the deadline clock counts for these (metrics, the late gauge). */
export const OPEN_STATES = [...RUNNING_STATES, ...STOPPED_STATES] as const satisfies readonly LifecycleState[];
/**
 * The open states whose due date stands: the clock runs, or it is paused and resuming moves the due date by
 * the pause (a supplement restarts the clock from its receipt; a withdrawal request ends the dossier). A
 * calendar change moves these due dates; the weekly review looks ahead at these for dossiers at risk.
 */
export const DUE_DATE_STATES = [...RUNNING_STATES, 'paused'] as const satisfies readonly LifecycleState[];

/** Pure. Whether a state (a string from a row or a snapshot) is one of `states`. */
export function stateIn(states: readonly LifecycleState[], state: string): boolean {
  return (states as readonly string[]).includes(state);
}
/** Not yet decided, received or not: what an inbox and the due-date countdown show. */
export const PENDING_STATES = ['submitted', 'intake_supplement', ...OPEN_STATES] as const satisfies readonly LifecycleState[];

export const STATE_LABELS: Record<LifecycleState, string> = {
  submitted: 'Mới đăng ký',
  intake_supplement: 'Hướng dẫn bổ sung, chưa tiếp nhận',
  received: 'Được tiếp nhận',
  assigned: 'Đang xử lý',
  processing: 'Đang xử lý',
  awaiting_supplement: 'Chờ bổ sung hồ sơ',
  paused: 'Tạm dừng',
  result: 'Đã có kết quả',
  returned: 'Đã trả kết quả',
  withdrawal_requested: 'Công dân yêu cầu rút hồ sơ',
  withdrawn: 'Đã rút',
  refused_intake: 'Không được tiếp nhận',
};

export const TIMELINESS_LABELS = {
  not_started: 'Chưa tính hạn',
  on_track: 'Trong hạn',
  due_soon: 'Sắp đến hạn',
  overdue: 'Quá hạn',
  early: 'Trước hạn',
  on_time: 'Đúng hạn',
  late: 'Trễ hạn',
} as const satisfies Record<string, string>;

/**
 * A step's or a dossier's result in the words of the control slip (MOH 3621/QĐ-BYT BM.05, Circular 01/2018
 * Mẫu 02: "Kết quả giải quyết hồ sơ (trước hạn/đúng hạn/quá hạn)"): the form says "Quá hạn" where the
 * reports say "Trễ hạn", so the form keeps its own word for late.
 */
export const CONTROL_SLIP_TIMELINESS_LABELS: Record<Timeliness, string> = {
  early: TIMELINESS_LABELS.early,
  on_time: TIMELINESS_LABELS.on_time,
  late: 'Quá hạn',
};

/** What the history says happened: every event type has one. */
export const EVENT_LABELS: Record<HistoryEventType, string> = {
  SUBMIT: 'Đăng ký hồ sơ',
  RECEIVE: 'Tiếp nhận hồ sơ',
  ASSIGN: 'Phân công xử lý',
  COMPLETE_STEP: 'Hoàn thành bước, chuyển bước tiếp theo',
  RETURN_STEP: 'Trả lại bước trước',
  REQUEST_SUPPLEMENT: 'Yêu cầu bổ sung hồ sơ',
  RECEIVE_SUPPLEMENT: 'Nhận hồ sơ bổ sung',
  RESUBMIT: 'Người nộp hoàn thiện và nộp lại hồ sơ',
  PAUSE: 'Tạm dừng xử lý',
  RESUME: 'Tiếp tục xử lý',
  RECORD_RESULT: 'Có kết quả giải quyết',
  REFUSE: 'Từ chối',
  ISSUE_APOLOGY: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả',
  RETURN_RESULT: 'Trả kết quả cho người nộp',
  WITHDRAW: 'Rút hồ sơ',
  REQUEST_WITHDRAWAL: 'Công dân yêu cầu rút hồ sơ',
  RECORD_EXEMPTION: 'Được miễn trừ trách nhiệm do trễ hạn',
  ATTACH_DOCUMENT: 'Đính kèm tài liệu',
  REPLACE_DOCUMENT: 'Thay thế tài liệu (phiên bản mới)',
  REUSE_DOCUMENT: 'Sử dụng lại tài liệu đã số hóa',
  CORRECT_RESULT: 'Đính chính kết quả đã trả',
  CHANGE_NOTIFICATION: 'Thay đổi kênh nhận thông báo',
  DEADLINE_APPROACHING: 'Sắp đến hạn (hệ thống)',
  DEADLINE_PASSED: 'Quá hạn (hệ thống)',
  STEP_OVERDUE: 'Bước xử lý quá thời hạn của bước (hệ thống)',
  CALENDAR_CHANGED: 'Tính lại hạn theo lịch làm việc mới (hệ thống)',
};

/** What the button for a user event says. */
export const ACTION_LABELS: Record<UserEventType, string> = {
  RECEIVE: 'Tiếp nhận',
  ASSIGN: 'Phân công',
  COMPLETE_STEP: 'Hoàn thành bước',
  RETURN_STEP: 'Trả lại bước trước',
  REQUEST_SUPPLEMENT: 'Yêu cầu bổ sung',
  RECEIVE_SUPPLEMENT: 'Nhận hồ sơ bổ sung',
  RESUBMIT: 'Ghi nhận nộp lại',
  PAUSE: 'Tạm dừng',
  RESUME: 'Tiếp tục xử lý',
  RECORD_RESULT: 'Ghi kết quả',
  REFUSE: 'Từ chối',
  ISSUE_APOLOGY: 'Xin lỗi, hẹn lại',
  RETURN_RESULT: 'Trả kết quả',
  WITHDRAW: 'Rút hồ sơ',
  REQUEST_WITHDRAWAL: 'Yêu cầu rút hồ sơ',
  RECORD_EXEMPTION: 'Ghi nhận miễn trừ',
  ATTACH_DOCUMENT: 'Đính kèm tài liệu',
  REPLACE_DOCUMENT: 'Thay thế tài liệu',
  REUSE_DOCUMENT: 'Sử dụng lại tài liệu',
  CORRECT_RESULT: 'Đính chính kết quả',
  CHANGE_NOTIFICATION: 'Đổi kênh nhận thông báo',
};

/** The button that ends a dossier after the applicant asked to stop (chart version 2 on): the stop notice, not a plain withdrawal. */
export const STOP_ACTION_LABEL = 'Dừng giải quyết (Thông báo dừng)';

/** Why a late dossier is exempt from the apology (machines/dossier/types.ts EXEMPTION_REASONS). */
export const EXEMPTION_REASON_LABELS: Record<ExemptionReason, string> = {
  force_majeure: 'Sự kiện bất khả kháng',
  applicant_not_collecting: 'Người nộp không đến nhận kết quả đúng hẹn',
  applicant_fee_unpaid: 'Người nộp chưa nộp phí, lệ phí, nghĩa vụ tài chính đúng hạn',
  applicant_other_fault: 'Lỗi khác của người nộp hồ sơ',
};

/**
 * The three ways between the applicant and the centre, in the words of Decree 118 Art. 15 and Decision
 * 45/2016/QĐ-TTg: in person at the one-stop counter, through the public postal service, online. A dossier
 * comes in (channel), the result goes back (return method) and a request to stop arrives (withdrawal channel)
 * by one of them; every screen, report and form names them with these words.
 */
const WAY_LABELS = {
  counter: 'Trực tiếp tại Bộ phận Một cửa',
  post: 'Qua dịch vụ bưu chính công ích',
  online: 'Trực tuyến',
} as const;

/** How a dossier came in (the submission's channel; `postal` is the stored code of the postal way). */
export const CHANNEL_LABELS: Record<Channel, string> = { counter: WAY_LABELS.counter, online: WAY_LABELS.online, postal: WAY_LABELS.post };

/** How the result went back (RETURN_RESULT's method). */
export const RETURN_METHOD_LABELS: Record<ReturnMethod, string> = WAY_LABELS;

/** How the applicant asked to stop (REQUEST_WITHDRAWAL's via). */
export const WITHDRAWAL_CHANNEL_LABELS: Record<WithdrawalChannel, string> = WAY_LABELS;

/** A label inside a sentence ("đã đề nghị qua dịch vụ bưu chính công ích", "Trả trực tuyến"): its first letter in lower case. */
export function midSentence(label: string): string {
  return label.charAt(0).toLocaleLowerCase('vi') + label.slice(1);
}

/** "Trả qua dịch vụ bưu chính công ích": a result handed back that way (the control slip's last row, the monthly report's columns). */
export function returnedVia(method: ReturnMethod): string {
  return `Trả ${midSentence(RETURN_METHOD_LABELS[method])}`;
}

export const OUTCOME_LABELS: Record<ResultOutcome, string> = {
  approved: 'Giải quyết',
  refused: 'Từ chối giải quyết',
};

/** What a user's role is called (the signed-in user's roles, the users list). */
export const ROLE_LABELS: Record<Role, string> = {
  counter: 'Cán bộ một cửa',
  specialist: 'Chuyên viên',
  leader: 'Lãnh đạo',
  supervisor: 'Giám sát',
  auditor: 'Kiểm tra',
  admin: 'Quản trị',
};

/** The printable forms (GET /api/dossiers/{code}/forms/{kind}). */
export const FORM_KINDS = [
  'receipt',
  'supplement',
  'refusal',
  'apology',
  'control-slip',
  'stop-notice',
  'pause-notice',
  'return-receipt',
] as const;
export type FormKind = (typeof FORM_KINDS)[number];

/**
 * A form's official title, printed at its head as the circulars name it (Circular 03/2025/TT-VPCP Annex I,
 * MOH 3621/QĐ-BYT; regulations §6). The return receipt has no national number; its title is the centre's.
 */
export const FORM_TITLES: Record<FormKind, string> = {
  receipt: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
  supplement: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ',
  refusal: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ',
  apology: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả',
  'control-slip': 'Phiếu kiểm soát quá trình giải quyết hồ sơ',
  'stop-notice': 'Thông báo dừng giải quyết hồ sơ',
  'pause-notice': 'Thông báo tạm dừng giải quyết hồ sơ',
  'return-receipt': 'Biên nhận trả kết quả giải quyết thủ tục hành chính',
};

/** A form's short name, for a button ("In giấy tiếp nhận") or a list: not the printed title, which is FORM_TITLES. */
export const FORM_LABELS: Record<FormKind, string> = {
  receipt: 'Giấy tiếp nhận',
  supplement: 'Phiếu yêu cầu bổ sung',
  refusal: 'Phiếu từ chối',
  apology: 'Phiếu xin lỗi',
  'control-slip': 'Phiếu kiểm soát',
  'stop-notice': 'Thông báo dừng giải quyết',
  'pause-notice': 'Thông báo tạm dừng',
  'return-receipt': 'Biên nhận trả kết quả',
};

export const PAUSE_REASON_LABELS: Record<PauseReason, string> = {
  financial_obligation: 'Chờ thực hiện nghĩa vụ tài chính',
  verification: 'Xác minh, lấy ý kiến cơ quan khác',
  applicant_request: 'Theo đề nghị của người nộp hồ sơ',
  other: 'Lý do khác',
};

/** The public lookup's second factor as the receipt and the counter name it (what follows "4 số cuối của"). */
export const LOOKUP_FACTOR_LABELS: Record<LookupFactor, string> = {
  phone: 'số điện thoại',
  idNumber: 'số định danh cá nhân (CCCD)',
};

/** What a message to the applicant is about (the message log's kind; `test`: the administrator's test message). */
export const NOTICE_KIND_LABELS: Record<NoticeKind | 'test', string> = {
  receipt: 'Tiếp nhận hồ sơ',
  supplement_request: 'Yêu cầu bổ sung',
  pause_notice: 'Tạm dừng giải quyết',
  stop_notice: 'Dừng giải quyết',
  apology: 'Xin lỗi, hẹn lại',
  result_ready: 'Đã có kết quả',
  result_returned: 'Đã trả kết quả',
  survey: 'Mời đánh giá hài lòng',
  test: 'Tin thử',
};

/** What became of a message (the message log's status). */
export const MESSAGE_STATUS_LABELS: Record<MessageStatus, string> = {
  sent: 'Đã gửi',
  failed: 'Lỗi, sẽ gửi lại',
  rejected: 'Bị từ chối',
};

/**
 * The heading of the list of exactly the dossiers a compliance figure counts (GET /api/dossiers?figure=…,
 * the dashboard's links): names the dossiers, where the metric's own label (machines/metrics/definitions.ts) names the number.
 */
export const DRILL_FIGURE_LABELS: Record<DrillFigure, string> = {
  received: 'Tiếp nhận trong kỳ',
  resolved: 'Đã giải quyết trong kỳ',
  early: 'Giải quyết trước hạn',
  onTime: 'Giải quyết đúng hạn',
  late: 'Giải quyết trễ hạn',
  pending: 'Đang giải quyết cuối kỳ',
  pendingLate: 'Quá hạn, đang giải quyết',
  pendingDueSoon: 'Sắp đến hạn',
  pendingNotYetDue: 'Chưa đến hạn',
  pendingClockStopped: 'Tạm dừng, chờ bổ sung',
  lateDossiers: 'Hồ sơ trễ hạn',
  apologised: 'Trễ hạn, đã xin lỗi',
  apologyMissing: 'Trễ hạn, chưa xin lỗi',
  returned: 'Đã trả kết quả trong kỳ',
  withdrawn: 'Rút hồ sơ trong kỳ',
  refusedIntake: 'Từ chối tiếp nhận trong kỳ',
  digitisedReceipts: 'Số hóa khi tiếp nhận trong kỳ',
  reusedReceipts: 'Dùng lại dữ liệu đã số hóa trong kỳ',
  digitisedResults: 'Kết quả được số hóa trong kỳ',
};

/** Error codes the HTTP layer itself answers with (src/http/error-handler.ts), beside the engine's. */
export const HTTP_ERROR_CODES = [
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'METHOD_NOT_ALLOWED',
  'NOT_ACCEPTABLE',
  'PRECONDITION_FAILED',
  'RANGE_NOT_SATISFIABLE',
  'BAD_REQUEST',
  'HEADERS_TOO_LARGE',
  'REQUEST_TIMEOUT',
  'INTERNAL',
] as const;
export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number];

/** What an error means, for a person; the server's message says more when it has more to say. */
export const ERROR_LABELS: Record<ErrorCode | HttpErrorCode, string> = {
  VALIDATION_FAILED: 'Dữ liệu chưa hợp lệ',
  UNAUTHENTICATED: 'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại',
  FORBIDDEN: 'Bạn không có quyền thực hiện thao tác này',
  NOT_FOUND: 'Không tìm thấy',
  FILE_NOT_STORED: 'Tài liệu có trong hồ sơ nhưng tệp của nó không có trong kho lưu trữ, nên không mở hoặc tải về được',
  TRANSITION_NOT_ALLOWED: 'Hồ sơ đang ở trạng thái không cho phép thao tác này',
  VERSION_CONFLICT: 'Hồ sơ vừa được người khác cập nhật; hãy tải lại và thử lại',
  PRECONDITION_REQUIRED: 'Thiếu phiên bản hồ sơ',
  RATE_LIMITED: 'Thao tác quá nhiều lần, vui lòng thử lại sau ít phút',
  INVARIANT_VIOLATION: 'Thao tác vi phạm quy tắc xử lý hồ sơ',
  PAYLOAD_TOO_LARGE: 'Dữ liệu gửi lên quá lớn',
  UNSUPPORTED_MEDIA_TYPE: 'Chỉ chấp nhận application/json mã hóa UTF-8',
  METHOD_NOT_ALLOWED: 'Yêu cầu không hợp lệ',
  NOT_ACCEPTABLE: 'Yêu cầu không hợp lệ',
  PRECONDITION_FAILED: 'Yêu cầu không hợp lệ',
  UPLOAD_OFFSET_CONFLICT: 'Phần tệp gửi lên không khớp với phần máy chủ đã nhận; đang tải tiếp từ vị trí đúng',
  UPLOAD_QUOTA_EXCEEDED: 'Bạn đang có quá nhiều tệp tải lên dở dang: hãy tải xong hoặc hủy bớt rồi thử lại',
  RANGE_NOT_SATISFIABLE: 'Yêu cầu không hợp lệ',
  BAD_REQUEST: 'Yêu cầu không hợp lệ',
  HEADERS_TOO_LARGE: 'Phần đầu (header) của yêu cầu quá lớn',
  REQUEST_TIMEOUT: 'Yêu cầu gửi quá chậm',
  INTERNAL: 'Lỗi hệ thống, vui lòng thử lại',
};

/**
 * Why one field of a request is refused: every 400 issue carries one of these beside the English reason
 * ({field, code, reason}); the UI shows the Vietnamese label.
 */
export const ISSUE_LABELS = {
  required: 'Bắt buộc nhập',
  unknown_field: 'Trường không hợp lệ',
  too_long: 'Quá dài',
  too_short: 'Quá ngắn',
  too_small: 'Giá trị quá nhỏ',
  too_big: 'Giá trị quá lớn',
  not_a_number: 'Cần nhập số',
  wrong_type: 'Sai kiểu dữ liệu',
  not_allowed: 'Giá trị không nằm trong danh sách cho phép',
  invalid_format: 'Sai định dạng',
  phone: 'Cần 8–15 chữ số (có thể bắt đầu bằng +)',
  id_number: 'Cần 6–20 chữ số hoặc chữ in hoa',
  date: 'Nhập ngày theo dạng ngày/tháng/năm',
  not_a_real_date: 'Ngày không có thật',
  email: 'Địa chỉ email không hợp lệ',
  consent_required: 'Cần có sự đồng ý của người nộp hồ sơ để gửi thông báo',
  key_reused: 'Yêu cầu trùng khóa gửi trước đó, vui lòng bấm gửi lại',
  unknown_unit: 'Đơn vị không có trong danh mục',
  already_exists: 'Đã tồn tại',
  incorrect: 'Không đúng',
  must_differ: 'Phải khác giá trị hiện tại',
  common_password: 'Mật khẩu này quá phổ biến, hãy chọn mật khẩu khác',
  contains_username: 'Mật khẩu không được trùng hoặc chứa tên đăng nhập',
  too_weak: 'Mật khẩu quá dễ đoán: hãy dùng cụm nhiều từ hoặc thêm ký tự',
  not_a_working_day: 'Ngày hẹn mới phải là ngày làm việc',
  not_after_current_due: 'Ngày hẹn mới phải sau ngày hẹn hiện tại',
  not_after_today: 'Ngày hẹn mới phải sau hôm nay',
  not_with_return_now: 'Trả kết quả ngay thì không hẹn ngày mới',
  no_result_to_return: 'Chỉ trả ngay được khi hồ sơ đã có kết quả chưa trả',
  reason_not_allowed: 'Thủ tục này không cho phép lý do này',
  upload_expired: 'Tệp tải lên đã hết hạn lưu tạm, hãy tải lên lại',
  kind_mismatch: 'Tài liệu không cùng loại với thành phần hồ sơ',
  expired: 'Bản số hóa đã hết hiệu lực, hãy quét bản mới',
  not_show_only: 'Thủ tục không quy định chỉ xuất trình giấy tờ này: phải lưu bản quét hoặc ghi lý do',
  invalid: 'Không hợp lệ',
} as const;
export type IssueCode = keyof typeof ISSUE_LABELS;

/**
 * Kinds of audit finding (src/audit/verify-dossier.ts, checkpoints.ts, verify-files.ts) → what the auditor's page
 * says. `file_deleted_by_retention` is a notice, not a failure. test/architecture/finding-labels.test.ts fails on a
 * kind without a label here.
 */
export const FINDING_LABELS: Record<string, string> = {
  hash_mismatch: 'Nội dung sự kiện bị sửa',
  broken_link: 'Chuỗi băm bị đứt',
  missing_sequence: 'Thiếu sự kiện',
  reordered: 'Sự kiện bị đảo thứ tự',
  inserted: 'Sự kiện bị chèn',
  impossible_transition: 'Chuyển trạng thái không hợp lệ',
  returned_without_result: 'Trả kết quả khi chưa có kết quả',
  result_before_steps: 'Có kết quả trước khi xong các bước',
  projection_drift: 'Dữ liệu hiện tại lệch với lịch sử',
  head_mismatch: 'Đầu chuỗi không khớp',
  dossier_deleted: 'Hồ sơ bị xóa',
  events_deleted: 'Sự kiện bị xóa',
  chain_rewritten: 'Chuỗi băm bị viết lại',
  checkpoint_tampered: 'Điểm neo bị sửa',
  file_missing: 'Tệp tài liệu bị mất',
  file_altered: 'Tệp tài liệu bị sửa',
  document_ref_drift: 'Danh mục tài liệu lệch với lịch sử',
  deletion_log_broken: 'Nhật ký xóa tệp bị sửa hoặc đứt chuỗi',
  deletion_log_diverged: 'Nhật ký xóa tệp bị cắt bớt hoặc viết lại sau điểm neo',
  file_deleted_by_retention: 'Tệp đã xóa khi hết thời hạn lưu trữ (có bản ghi xóa)',
};

/**
 * The weekly late-dossier review's sections (src/reports/weekly-review.ts `category`) → heading, on the page, the
 * printed review and the spreadsheet.
 */
export const REVIEW_CATEGORY_LABELS = {
  resolved_late: 'Đã giải quyết trễ hạn trong tuần',
  overdue: 'Đang xử lý quá hạn',
  at_risk: 'Có nguy cơ trễ hạn',
} as const;

/** Whether a late dossier got its apology (the weekly review's `apology`) → label. */
export const APOLOGY_STATUS_LABELS = {
  none: 'Chưa có phiếu xin lỗi',
  timely: 'Đã xin lỗi đúng hạn',
  late: 'Xin lỗi muộn',
  exempted: 'Được miễn xin lỗi',
} as const;

/**
 * How a required document of the procedure stands at receipt (the RECEIVE event's `digitisation`): on the counter's
 * checklist, the dossier page and the auditor's timeline.
 */
export const COMPONENT_STATUS_LABELS = {
  paperOnly: 'Chỉ bản giấy',
  shown: 'Chỉ xuất trình, không lưu',
  optionalAbsent: 'Không nộp (giấy tờ nếu có)',
} as const;

const labels = z.record(z.string(), z.string());
const stateList = z.array(z.enum(LIFECYCLE_STATES));

/**
 * The vocabulary as GET /api/vocabulary serves it (no login): one schema for the server's answer, the OpenAPI
 * component and the web UI's type (src/web/types.d.ts).
 */
export const VocabularySchema = z.object({
  states: z
    .array(z.object({ code: z.enum(LIFECYCLE_STATES), label: z.string() }))
    .describe('every lifecycle state with its Vietnamese label'),
  openStates: stateList.describe('received and not yet decided: the deadline clock counts'),
  pendingStates: stateList.describe('not yet decided, received or not'),
  stoppedStates: stateList.describe(
    'of the open states, those whose deadline clock is stopped (awaiting a supplement, paused): no countdown',
  ),
  events: z
    .array(
      z.object({
        type: z.enum(['SUBMIT', ...ALL_EVENT_TYPES]),
        label: z.string(),
        action: z.string().nullable().describe('the button text of a user event'),
        bySystem: z.boolean(),
      }),
    )
    .describe('every event type of a history'),
  timeliness: labels,
  pauseReasons: labels,
  notifyChannels: labels.describe("the applicant's notification channels (sms, zalo, email, none) → Vietnamese label"),
  exemptionReasons: labels,
  withdrawalChannels: labels,
  channels: labels.describe('how a dossier came in (counter, online, postal) → Vietnamese label'),
  returnMethods: labels.describe('how the result went back (counter, post, online) → Vietnamese label'),
  outcomes: labels.describe('result outcome (approved, refused) → Vietnamese label'),
  roles: labels.describe('user role → Vietnamese name'),
  forms: z
    .array(z.object({ kind: z.enum(FORM_KINDS), label: z.string(), title: z.string() }))
    .describe('the printable forms: a short label for buttons, the official title printed at the head of the form'),
  stopAction: z.string().describe('the label of WITHDRAW on dossiers of chart version 2 on, where it issues the stop notice'),
  errors: labels.describe('error code → Vietnamese meaning'),
  issues: labels.describe('validation issue code ({field, code, reason}) → Vietnamese text'),
  lookupFactors: labels.describe('the public lookup’s second factor (applicant.lookupFactor) → Vietnamese name'),
  findings: labels.describe('audit finding kind (GET /api/dossiers/{code}/verify, /api/audit/verify) → Vietnamese name'),
  noticeKinds: labels.describe('what a message to the applicant is about (the message log’s kind, test included) → Vietnamese label'),
  messageStatuses: labels.describe('what became of a message (sent, failed, rejected) → Vietnamese label'),
  drillFigures: labels.describe('a compliance figure (GET /api/dossiers?figure=…) → the heading of the list of the dossiers it counts'),
  reviewCategories: labels.describe("the weekly review's sections (category) → heading"),
  apologyStatuses: labels.describe("whether a late dossier got its apology (the weekly review's apology) → label"),
  componentStatuses: labels.describe(
    'how a required document stands at receipt (paperOnly, shown: xuất trình, không lưu, optionalAbsent) → label',
  ),
  units: z.array(z.object({ code: z.string(), name: z.string(), kind: z.string() })),
  procedures: z.array(z.object({ code: z.string(), name: z.string() })),
});
export type Vocabulary = z.output<typeof VocabularySchema>;

/** The vocabulary as the API serves it (GET /api/vocabulary). */
export function vocabulary(): Vocabulary {
  const userEvents = USER_EVENT_TYPES as readonly string[];
  const eventTypes: HistoryEventType[] = ['SUBMIT', ...ALL_EVENT_TYPES];
  const procedures = new Map<string, string>();
  for (const p of CATALOGUE) if (!procedures.has(p.code)) procedures.set(p.code, p.name);
  return {
    states: LIFECYCLE_STATES.map((code) => ({ code, label: STATE_LABELS[code] })),
    openStates: [...OPEN_STATES],
    pendingStates: [...PENDING_STATES],
    stoppedStates: [...STOPPED_STATES],
    events: eventTypes.map((type) => ({
      type,
      label: EVENT_LABELS[type],
      action: userEvents.includes(type) ? (ACTION_LABELS[type as UserEventType] ?? null) : null,
      bySystem: type !== 'SUBMIT' && !userEvents.includes(type),
    })),
    timeliness: { ...TIMELINESS_LABELS },
    pauseReasons: Object.fromEntries(PAUSE_REASONS.map((r) => [r, PAUSE_REASON_LABELS[r]])),
    notifyChannels: { ...NOTIFY_CHANNEL_LABELS },
    exemptionReasons: Object.fromEntries(EXEMPTION_REASONS.map((r) => [r, EXEMPTION_REASON_LABELS[r]])),
    withdrawalChannels: Object.fromEntries(WITHDRAWAL_CHANNELS.map((c) => [c, WITHDRAWAL_CHANNEL_LABELS[c]])),
    channels: Object.fromEntries(CHANNELS.map((c) => [c, CHANNEL_LABELS[c]])),
    returnMethods: Object.fromEntries(RETURN_METHODS.map((m) => [m, RETURN_METHOD_LABELS[m]])),
    outcomes: Object.fromEntries(RESULT_OUTCOMES.map((o) => [o, OUTCOME_LABELS[o]])),
    roles: Object.fromEntries(ROLES.map((r) => [r, ROLE_LABELS[r]])),
    forms: FORM_KINDS.map((kind) => ({ kind, label: FORM_LABELS[kind], title: FORM_TITLES[kind] })),
    stopAction: STOP_ACTION_LABEL,
    errors: { ...ERROR_LABELS },
    issues: { ...ISSUE_LABELS },
    lookupFactors: { ...LOOKUP_FACTOR_LABELS },
    findings: { ...FINDING_LABELS },
    noticeKinds: { ...NOTICE_KIND_LABELS },
    messageStatuses: { ...MESSAGE_STATUS_LABELS },
    drillFigures: { ...DRILL_FIGURE_LABELS },
    reviewCategories: { ...REVIEW_CATEGORY_LABELS },
    apologyStatuses: { ...APOLOGY_STATUS_LABELS },
    componentStatuses: { ...COMPONENT_STATUS_LABELS },
    units: UNITS.map((u) => ({ code: u.code, name: u.name, kind: u.kind })),
    procedures: [...procedures].map(([code, name]) => ({ code, name })),
  };
}
