/**
 * The JSON answer of a POST, written as one string. Express's `res.json` sends the same headers and bytes, but
 * `res.send` turns a body of 1000 characters or more (a dossier view is ≈ 1,230) into a Buffer, which Node then
 * writes after the header as a second chunk (the socket corked, then a writev); a string body is joined to the
 * header and written once — ≈ 30 µs of server CPU per answer less in a loaded micro-benchmark (bench/RESULTS.md).
 * Only for POST: a POST answer is never fresh (no 304) and always has a body, which is all `res.send` decides
 * beyond this. The app sets no `json replacer`, `json spaces` or `json escape`, and the routes using this set no
 * Content-Type of their own (test/http/json-answer.test.ts compares both ways byte for byte).
 */
import type { Request, Response } from 'express';

export function sendJson(req: Request, res: Response, body: unknown): void {
  if (req.method !== 'POST') {
    res.json(body);
    return;
  }
  const text = JSON.stringify(body);
  // the order res.json sets them in: Content-Type, Content-Length, then the ETag Express makes when none is set
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', String(Buffer.byteLength(text)));
  if (!res.getHeader('ETag')) {
    const etagOf = req.app.get('etag fn') as ((body: string, encoding: BufferEncoding) => string | undefined) | undefined;
    const etag = typeof etagOf === 'function' ? etagOf(text, 'utf8') : undefined;
    if (etag) res.setHeader('ETag', etag);
  }
  res.end(text, 'utf8');
}
