/**
 * Every error leaves the server as {error: {code, message, details}}. Known errors keep their code;
 * what the HTTP libraries raise (body-parser, the router's parameter decoding, static files) keeps
 * its 4xx status with a code of its own; anything else is logged (with the request id) and answered
 * with a bare 500, never a stack trace or SQL.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isMotcuaError } from '../../machines/engine/errors';
import { STATUS_OF } from './error-status';
import { logOf } from '../observability/request-id';

interface ErrorBody {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'NOT_FOUND', message: `Không có đường dẫn ${req.method} ${req.path}`, details: {} } });
};

const invalid = (field: string, reason: string, message: string): ErrorBody => ({
  code: 'VALIDATION_FAILED',
  message,
  details: { issues: [{ field, code: 'invalid', reason }] },
});

/** Errors the HTTP libraries raise for a bad request, as [status, body]; null for anything else. */
export function libraryError(err: unknown): [number, ErrorBody] | null {
  const e = err as { type?: string; status?: unknown; statusCode?: unknown; expose?: unknown; name?: string } | null;
  if (!e || typeof e !== 'object') return null;
  switch (e.type) {
    case 'entity.too.large':
      return [413, { code: 'PAYLOAD_TOO_LARGE', message: 'Dữ liệu gửi lên quá lớn', details: {} }];
    case 'entity.parse.failed':
      return [400, invalid('(body)', 'invalid JSON', 'Nội dung JSON không hợp lệ')];
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return [415, { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Chỉ chấp nhận application/json mã hóa UTF-8', details: {} }];
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'stream.not.readable':
      return [400, invalid('(body)', 'the body was incomplete or unreadable', 'Nội dung gửi lên không đọc được')];
  }
  const status = Number(e.status ?? e.statusCode);
  if (!(status >= 400 && status < 500)) return null;
  if (e instanceof URIError || e.name === 'URIError')
    return [400, invalid('(path)', 'invalid percent-encoding in the URL path', 'Đường dẫn không hợp lệ')];
  if (status === 404) return [404, { code: 'NOT_FOUND', message: 'Không tìm thấy', details: {} }];
  if (status === 400) return [400, invalid('(request)', 'malformed request', 'Yêu cầu không hợp lệ')];
  return [status, { code: STATUS_CODE_NAMES[status] ?? 'BAD_REQUEST', message: 'Yêu cầu không hợp lệ', details: {} }];
}

const STATUS_CODE_NAMES: Record<number, string> = {
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  412: 'PRECONDITION_FAILED',
  416: 'RANGE_NOT_SATISFIABLE',
};

/** Headers a route may have set for the answer it meant to give (an HTML page, a file) that must not describe the error. */
const CONTENT_HEADERS = [
  'Content-Type',
  'Content-Disposition',
  'Content-Length',
  'Content-Range',
  'Content-Encoding',
  'ETag',
  'Last-Modified',
];

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (res.headersSent) {
    // a streamed answer failed midway: the client must not mistake what it got for the whole
    logOf(res).error({ err, method: req.method, path: req.path }, 'error after the answer started');
    res.destroy();
    return;
  }
  for (const h of CONTENT_HEADERS) res.removeHeader(h);
  if (isMotcuaError(err)) {
    res.status(STATUS_OF[err.code]).json({ error: { code: err.code, message: err.message, details: err.details } });
    return;
  }
  const known = libraryError(err);
  if (known) {
    res.status(known[0]).json({ error: known[1] });
    return;
  }
  logOf(res).error({ err, method: req.method, path: req.path }, 'unhandled error');
  res.status(500).json({ error: { code: 'INTERNAL', message: 'Lỗi hệ thống', details: {} } });
};
