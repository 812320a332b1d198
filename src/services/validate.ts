/**
 * Request validation with zod, answered in the API's 400 shape: every problem as {field, reason},
 * the field as a dotted path ("applicant.phone", "documents.0.copies"). An unknown field is named
 * itself ("applicant.nickname": "unknown field") rather than through its parent object, so a client
 * sees at once which key to remove. Objects of the API are strict: unknown fields are refused, never
 * silently dropped (docs/api-errors.md).
 */
import type { z } from 'zod';
import { FORMATS } from '../../machines/engine/commands';
import { validationFailed, type FieldIssue } from '../../machines/engine/errors';
import { ISSUE_LABELS, type IssueCode } from '../../machines/vocabulary';

export const UNKNOWN_FIELD = 'unknown field';

/** Pure. zod issues as the API's field issues. */
export function fieldIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): FieldIssue[] {
  return issues.flatMap((i) => {
    const base = [prefix, ...i.path.map(String)].filter(Boolean);
    // an empty key ("?=1", {"": 1}) is shown as "" so that the field is never blank
    if (i.code === 'unrecognized_keys')
      return i.keys.map((k) => ({
        field: [...base, k === '' ? '""' : k].join('.'),
        code: 'unknown_field' as const,
        reason: UNKNOWN_FIELD,
      }));
    return [{ field: base.join('.') || '(body)', code: issueCode(i), reason: i.message }];
  });
}

const FORMAT_OF = new Map<string, IssueCode>(Object.entries(FORMATS).map(([name, re]) => [String(re), name as IssueCode]));

/** Pure. The API's issue code for one zod issue. */
export function issueCode(i: z.core.$ZodIssue): IssueCode {
  switch (i.code) {
    case 'invalid_type':
      if (/received undefined$/.test(i.message)) return 'required';
      return i.expected === 'number' || i.expected === 'int' ? 'not_a_number' : 'wrong_type';
    case 'too_small':
      if ((i.origin === 'string' || i.origin === 'array') && Number(i.minimum) <= 1) return 'required';
      return i.origin === 'string' ? 'too_short' : 'too_small';
    case 'too_big':
      return i.origin === 'string' || i.origin === 'array' ? 'too_long' : 'too_big';
    case 'invalid_value':
      return 'not_allowed';
    case 'invalid_format':
      if (i.format === 'email') return 'email';
      return (i.format === 'regex' && FORMAT_OF.get(String(i.pattern))) || 'invalid_format';
    case 'custom': {
      const named = (i.params as { issue?: unknown } | undefined)?.issue;
      return typeof named === 'string' && named in ISSUE_LABELS ? (named as IssueCode) : 'invalid';
    }
    default:
      return 'invalid';
  }
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw validationFailed(fieldIssues(parsed.error.issues, prefix));
}
