/** Zod → the API's 400 shape: every invalid field with the reason. */
import type { z } from 'zod';
import { validationFailed } from './errors';

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw validationFailed(
    parsed.error.issues.map((i) => ({ field: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)', reason: i.message })),
  );
}
