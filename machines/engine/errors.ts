/**
 * The closed set of errors motcua reports. Each carries a code; the HTTP layer maps each code
 * to exactly one status in one place (src/http/error-status.ts). Anything else thrown is a bug.
 */
import type { IssueCode } from '../vocabulary';

export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'FILE_NOT_STORED'
  | 'TRANSITION_NOT_ALLOWED'
  | 'VERSION_CONFLICT'
  | 'PRECONDITION_REQUIRED'
  | 'RATE_LIMITED'
  | 'INVARIANT_VIOLATION'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PRECONDITION_FAILED'
  | 'UPLOAD_OFFSET_CONFLICT'
  | 'UPLOAD_QUOTA_EXCEEDED';

export interface FieldIssue {
  field: string;
  /** for people reading the API: English */
  reason: string;
  /** for programs (the UI maps it to Vietnamese, machines/vocabulary.ts ISSUE_LABELS); 'invalid' when none is given */
  code?: IssueCode;
}

export class MotcuaError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'MotcuaError';
  }
}

export const validationFailed = (issues: FieldIssue[], message = 'Dữ liệu không hợp lệ') =>
  new MotcuaError('VALIDATION_FAILED', message, {
    issues: issues.map((i) => ({ field: i.field, code: i.code ?? 'invalid', reason: i.reason })),
  });

export const notFound = (what: string, key: string) => new MotcuaError('NOT_FOUND', `Không tìm thấy ${what} ${key}`, { what, key });

export const forbidden = (reason: string) => new MotcuaError('FORBIDDEN', reason);

export const transitionNotAllowed = (eventType: string, state: string, allowed: string[], reason?: string) =>
  new MotcuaError(
    'TRANSITION_NOT_ALLOWED',
    reason ?? `Không thể thực hiện ${eventType} khi hồ sơ ở trạng thái ${state}; được phép: ${allowed.join(', ') || '(không có)'}`,
    // `reason`: present when the refusal has a reason of its own beyond the state (the UI shows it)
    { eventType, state, allowed, ...(reason ? { reason } : {}) },
  );

export const versionConflict = (expected: number | null, actual: number | null) =>
  new MotcuaError('VERSION_CONFLICT', 'Hồ sơ vừa được người khác cập nhật; hãy tải lại và thử lại', { expected, actual });

export const invariantViolation = (rule: string, details: Record<string, unknown> = {}) =>
  new MotcuaError('INVARIANT_VIOLATION', `Vi phạm quy tắc: ${rule}`, { rule, ...details });

/** A resumable upload's chunk that does not start where the upload stands (tus: 409); `offset` is where it does. */
export const uploadOffsetConflict = (sent: number, offset: number) =>
  new MotcuaError('UPLOAD_OFFSET_CONFLICT', `Phần tệp bắt đầu ở byte ${sent}, nhưng máy chủ đã nhận đến byte ${offset}`, { sent, offset });

export function isMotcuaError(err: unknown, code?: ErrorCode): err is MotcuaError {
  return err instanceof MotcuaError && (code === undefined || err.code === code);
}
