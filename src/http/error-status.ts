/** The one place where error codes become HTTP statuses. */
import type { ErrorCode } from '../../machines/engine/errors';

export const STATUS_OF: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  TRANSITION_NOT_ALLOWED: 409,
  VERSION_CONFLICT: 409,
  PRECONDITION_REQUIRED: 428,
  RATE_LIMITED: 429,
  INVARIANT_VIOLATION: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
};
