/**
 * Configuration from environment variables, validated at start-up. A wrong value stops the server
 * with a message naming the variable.
 */
import { z } from 'zod';
import { LogLevelSchema } from './observability/logger';

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().min(1).default('./data/motcua.sqlite'),
  /** SQLite only: `sqlite3` (default) or `better-sqlite3` (synchronous driver, faster per statement) */
  MOTCUA_SQLITE_DRIVER: z.enum(['sqlite3', 'better-sqlite3']).default('sqlite3'),
  MOTCUA_DEMO: flag.default(false),
  MOTCUA_AGENCY_CODE: z.string().regex(/^[0-9A-Za-z.]{3,64}$/).default('000.00.12.H29'),
  MOTCUA_TEST_CLOCK: flag.default(false),
  /** how often the in-process deadline sweeper runs; 0 turns it off (e.g. when another instance sweeps) */
  MOTCUA_SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
  /** how often the hash chains are anchored by a checkpoint; 0 turns the in-process job off */
  MOTCUA_CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(0).default(86_400_000),
  /** remaining working hours under which a dossier is flagged due soon; unset = one office day of the calendar */
  MOTCUA_DUE_SOON_WORKING_HOURS: z.coerce.number().positive().max(200).optional(),
  /** fatal, error, warn, info, debug, trace or silent; unset = info (silent under jest) */
  LOG_LEVEL: LogLevelSchema.optional(),
  NODE_ENV: z.string().default('development'),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}
