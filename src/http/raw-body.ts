/** Routes that stream a raw request body (uploads) instead of having it parsed as JSON. */
import type { Request, RequestHandler, Response } from 'express';

/** Answering before the body was read to its end: the connection cannot carry another request. */
export function closeIfUnread(req: Request, res: Response): void {
  if (!req.complete) res.set('Connection', 'close');
}

/** A handler reading the raw body; a refusal that left the body unread closes the connection (closeIfUnread). */
export function readsBody(handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return async (req, res) => {
    try {
      await handler(req, res);
    } catch (err) {
      closeIfUnread(req, res);
      throw err;
    }
  };
}
