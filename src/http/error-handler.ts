/**
 * Every error leaves the server as {error: {code, message, details}}. Known errors keep their code;
 * body-parser failures become 400/413/415; anything else is logged (with the request id) and answered with a bare 500,
 * never a stack trace or SQL.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isMotcuaError } from '../engine/errors';
import { STATUS_OF } from './error-status';
import { logOf } from '../observability/request-id';

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'NOT_FOUND', message: `Không có đường dẫn ${req.method} ${req.path}`, details: {} } });
};

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (isMotcuaError(err)) {
    res.status(STATUS_OF[err.code]).json({ error: { code: err.code, message: err.message, details: err.details } });
    return;
  }
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.too.large') {
    res.status(413).json({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'Dữ liệu gửi lên quá lớn', details: {} } });
    return;
  }
  if (e?.type === 'entity.parse.failed' || e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    res.status(400).json({ error: { code: 'VALIDATION_FAILED', message: 'Nội dung JSON không hợp lệ', details: { issues: [{ field: '(body)', reason: 'invalid JSON' }] } } });
    return;
  }
  logOf(res).error({ err, method: req.method, path: req.path }, 'unhandled error');
  res.status(500).json({ error: { code: 'INTERNAL', message: 'Lỗi hệ thống', details: {} } });
};
