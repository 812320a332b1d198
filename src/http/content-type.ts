/**
 * Requests with a body must be JSON in UTF-8 (RFC 8259 §8.1): another media type, or JSON declared in
 * another charset, is 415 before it is parsed. A request without a body may carry any Content-Type.
 */
import type { RequestHandler } from 'express';

const unsupported = (message: string) => ({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message, details: {} } });

/** The charset parameter of a Content-Type, lower-cased, or null when there is none. */
export function charsetOf(contentType: string): string | null {
  const m = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType);
  return m ? m[1]!.toLowerCase() : null;
}

export const requireJson: RequestHandler = (req, res, next) => {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return next();
  if (!req.is('application/json')) {
    res.status(415).json(unsupported('Chỉ chấp nhận application/json'));
    return;
  }
  const charset = charsetOf(req.headers['content-type'] ?? '');
  if (charset !== null && charset !== 'utf-8' && charset !== 'utf8') {
    res.status(415).json(unsupported('Chỉ chấp nhận JSON mã hóa UTF-8'));
    return;
  }
  next();
};
