/**
 * Request validation with zod, answered in the API's 400 shape: every problem as {field, reason},
 * the field as a dotted path ("applicant.phone", "documents.0.copies"). An unknown field is named
 * itself ("applicant.nickname": "unknown field") rather than through its parent object, so a client
 * sees at once which key to remove. Objects of the API are strict: unknown fields are refused, never
 * silently dropped (docs/api-errors.md).
 */
import type { z } from 'zod';
import { validationFailed, type FieldIssue } from '../../machines/engine/errors';

export const UNKNOWN_FIELD = 'unknown field';

/** Pure. zod issues as the API's field issues. */
export function fieldIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): FieldIssue[] {
  return issues.flatMap((i) => {
    const base = [prefix, ...i.path.map(String)].filter(Boolean);
    // an empty key ("?=1", {"": 1}) is shown as "" so that the field is never blank
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ field: [...base, k === '' ? '""' : k].join('.'), reason: UNKNOWN_FIELD }));
    return [{ field: base.join('.') || '(body)', reason: i.message }];
  });
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw validationFailed(fieldIssues(parsed.error.issues, prefix));
}
