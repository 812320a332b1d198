/**
 * Request ids and the per-request log line. A client's X-Request-Id is kept when it is safe
 * (8–128 characters of [A-Za-z0-9._:-]); otherwise one is generated. It is echoed in the
 * X-Request-Id response header and carried by every log line of the request (res.locals.log).
 * The access line has method, path WITHOUT the query string (queries carry phone and ID numbers),
 * the route template, status and duration.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from './logger';
import { defaultLogger } from './logger';
import type { HttpMetrics } from './prometheus';

const SAFE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** The request's child logger (with its request id), or the process logger. */
export function logOf(res: Response): Logger {
  return (res.locals.log as Logger | undefined) ?? defaultLogger();
}

export function requestContext(logger: Logger, metrics?: HttpMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const path = req.path; // routers rewrite req.url while they run: keep the original, without its query
    const incoming = req.get('X-Request-Id');
    const id = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    // the request's child logger is made when a line is logged through it (most requests log only the access line)
    let log: Logger | undefined;
    const requestLog = () => (log ??= logger.child({ reqId: id }));
    Object.defineProperty(res.locals, 'log', { get: requestLog, enumerable: true, configurable: true });
    res.set('X-Request-Id', id);
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = metrics?.routeOf(req.method, path) ?? 'other';
      metrics?.observeRequest(req.method, route, res.statusCode, seconds);
      if (!logger.isLevelEnabled('info')) return; // nothing to write: build no line
      const user = res.locals.user as { username?: string } | undefined;
      requestLog().info(
        {
          method: req.method,
          path,
          route,
          status: res.statusCode,
          durationMs: Math.round(seconds * 1e6) / 1e3,
          ...(user?.username ? { user: user.username } : {}),
        },
        'request',
      );
    });
    next();
  };
}
