/** Requests with a body must be JSON: anything else is 415 before it is parsed. */
import type { RequestHandler } from 'express';

export const requireJson: RequestHandler = (req, res, next) => {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json')) {
    res.status(415).json({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Chỉ chấp nhận application/json', details: {} } });
    return;
  }
  next();
};
