/**
 * Structured JSON logs (pino), one object per line. Personal data never reaches a log line:
 * - known fields (applicant idNumber/phone, authorization headers, passwords) are redacted by path;
 * - as a last line of defence every serialized line is scanned for digit runs shaped like Vietnamese
 *   phone numbers (9–11 digits, optionally +84) and ID numbers (9 or 12 digits) and those are masked
 *   with maskTail (last four digits only), wherever they hide (messages, error texts, SQL).
 * The level comes from LOG_LEVEL; under jest it defaults to silent.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import { z } from 'zod';
import { maskPersonalNumbers, maskTail } from '../services/masking';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LogLevelSchema = z.enum(LOG_LEVELS);
export type LogLevel = z.infer<typeof LogLevelSchema>;

/** Masks every phone- or ID-number-shaped digit run in a text (the rule lives with the other masking rules). */
export { maskPersonalNumbers } from '../services/masking';

const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'password',
  '*.password',
  'idNumber',
  'phone',
  '*.idNumber',
  '*.phone',
  '*.applicant.idNumber',
  '*.applicant.phone',
  'applicant_id_number',
  'applicant_phone',
  '*.applicant_id_number',
  '*.applicant_phone',
];

/** The level to use: LOG_LEVEL from the configuration, else from the environment, else silent under jest, info otherwise. */
export function resolveLogLevel(configured?: LogLevel, env: NodeJS.ProcessEnv = process.env): LogLevel {
  if (configured) return configured;
  const fromEnv = LogLevelSchema.safeParse(env.LOG_LEVEL);
  if (fromEnv.success) return fromEnv.data;
  return env.JEST_WORKER_ID !== undefined ? 'silent' : 'info';
}

export function createLogger(opts: { level?: LogLevel; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: resolveLogLevel(opts.level),
      base: { service: 'motcua' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: REDACT_PATHS,
        censor: (value: unknown) => (typeof value === 'string' ? maskTail(value) : '[redacted]'),
      },
      hooks: { streamWrite: maskPersonalNumbers },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

let fallback: Logger | undefined;
/** The process-wide logger for code that has no request at hand. */
export function defaultLogger(): Logger {
  return (fallback ??= createLogger());
}
