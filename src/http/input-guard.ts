/**
 * What no route accepts, refused once before any route sees the request (400 naming the field):
 * - a NUL character, in a value or a key, in the body, the query string or the path: PostgreSQL text
 *   cannot hold one, so it would fail deep inside a transaction;
 * - an unpaired UTF-16 surrogate (JSON allows "\ud800"): on its way to the database it silently
 *   becomes U+FFFD, so the stored value would differ from the one hashed into the event chain;
 * - the keys __proto__, constructor and prototype, which no schema has and which only serve to
 *   pollute prototypes;
 * - JSON nested deeper than MAX_JSON_DEPTH (no request shape needs more than a few levels);
 * - a path whose percent-encoding does not decode (a stray %, %zz, or bytes that are not UTF-8), whichever
 *   route it would reach and whether or not the request carries a token.
 * The walk is iterative: a 60 000-deep array is refused, not a stack overflow.
 */
import type { RequestHandler } from 'express';
import { validationFailed, type FieldIssue } from '../../machines/engine/errors';

export const MAX_JSON_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** A string can hold a lone surrogate only if it holds a surrogate at all: the cheap test runs first. */
const ANY_SURROGATE = /[\uD800-\uDFFF]/;

function stringProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain a NUL character';
  if (ANY_SURROGATE.test(s) && LONE_SURROGATE.test(s)) return 'must be well-formed Unicode (no unpaired surrogate)';
  return null;
}

/** Where a value sits in the walked input: its key and its parent, so the dotted path is joined only for a problem. */
interface Place {
  key: string;
  parent: Place | null;
}

function fieldOf(place: Place | null): string {
  const keys: string[] = [];
  for (let p = place; p; p = p.parent) keys.push(p.key);
  return keys.reverse().join('.') || '(body)';
}

/** Pure. The first problem in a parsed JSON value (or query object), with the field's dotted path. */
export function inputProblem(value: unknown, prefix = ''): FieldIssue | null {
  const stack: { value: unknown; place: Place | null; depth: number }[] = [
    { value, place: prefix ? { key: prefix, parent: null } : null, depth: 0 },
  ];
  while (stack.length) {
    const { value: v, place, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const reason = stringProblem(v);
      if (reason) return { field: fieldOf(place), reason };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return { field: fieldOf(place), reason: `nested deeper than ${MAX_JSON_DEPTH} levels` };
    if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ value: item, place: { key: String(i), parent: place }, depth: depth + 1 }));
      continue;
    }
    for (const key of Object.keys(v)) {
      const at: Place = { key, parent: place };
      if (FORBIDDEN_KEYS.has(key)) return { field: fieldOf(at), reason: 'this key is not allowed' };
      const reason = stringProblem(key);
      if (reason) return { field: fieldOf(at), reason: `key ${reason}` };
      stack.push({ value: (v as Record<string, unknown>)[key], place: at, depth: depth + 1 });
    }
  }
  return null;
}

function decodesCleanly(path: string): boolean {
  if (!path.includes('%')) return true;
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

export const guardInput: RequestHandler = (req, _res, next) => {
  if (!decodesCleanly(req.path))
    throw validationFailed([{ field: '(path)', reason: 'invalid percent-encoding in the URL path' }], 'Đường dẫn không hợp lệ');
  if (/%00/i.test(req.path))
    throw validationFailed([{ field: '(path)', reason: 'must not contain a NUL character' }], 'Đường dẫn không hợp lệ');
  const issue = inputProblem(req.query) ?? (req.body === undefined ? null : inputProblem(req.body));
  if (issue) throw validationFailed([issue]);
  next();
};
