/**
 * Configuration from environment variables, validated at start-up. A wrong value stops the server
 * with a message naming the variable.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { LogLevelSchema } from './observability/logger';
import { DEFAULT_ACCEPTED_TYPES, KNOWN_TYPES } from '../machines/documents/media-type';
import { DURABLE_SQLITE_SYNCHRONOUS, SQLITE_SYNCHRONOUS_MODES } from './store/db';

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

/** Express's own names for address ranges in a `trust proxy` list. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [ip, bits, ...rest] = entry.split('/');
  const family = isIP(ip ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * Which direct peers may tell the client's address in X-Forwarded-For: `none`, a number of proxy hops
 * (1–10), or a comma-separated list of addresses, CIDR ranges and the names loopback, linklocal,
 * uniquelocal. `true` (trust anyone) is refused: any client could then choose its throttling key.
 */
export const TrustProxySchema = z
  .string()
  .trim()
  .refine(
    (v) => v === 'none' || /^(10|[1-9])$/.test(v) || (v.length > 0 && v.split(',').every((e) => isProxyAddress(e.trim()))),
    'expected none, a hop count 1–10, or a comma-separated list of addresses/CIDR ranges/loopback/linklocal/uniquelocal',
  )
  .transform((v): false | number | string[] => (v === 'none' ? false : /^\d+$/.test(v) ? Number(v) : v.split(',').map((e) => e.trim())));

/** An absolute http(s) URL without query, fragment or credentials, with any trailing slash removed. */
export const PublicBaseUrlSchema = z
  .url({ protocol: /^https?$/ })
  .refine((v) => {
    if (!URL.canParse(v)) return false;
    const u = new URL(v);
    return u.search === '' && u.hash === '' && u.username === '' && u.password === '';
  }, 'expected an http(s) URL without query, fragment or credentials, e.g. https://motcua.example.gov.vn')
  .transform((v) => v.replace(/\/+$/, ''));

export const ConfigSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATABASE_URL: z.string().min(1).default('./data/motcua.sqlite'),
    /** SQLite only: `sqlite3` (default) or `better-sqlite3` (synchronous driver, faster per statement) */
    MOTCUA_SQLITE_DRIVER: z.enum(['sqlite3', 'better-sqlite3']).default('sqlite3'),
    /** SQLite only: PRAGMA synchronous; FULL (default) = a 2xx write is on stable storage; NORMAL can lose the last writes to a power cut */
    MOTCUA_SQLITE_SYNCHRONOUS: z.enum(SQLITE_SYNCHRONOUS_MODES).default(DURABLE_SQLITE_SYNCHRONOUS),
    /**
     * SQLite only (the server, not the CLI tools): how often a worker thread with its own connection checkpoints the
     * WAL, off the server's thread and its requests (src/jobs/wal-checkpointer.ts); 0 = SQLite's automatic
     * checkpoint inside the committing request, every 1000 WAL pages, as before
     */
    MOTCUA_SQLITE_WAL_CHECKPOINT_MS: z.coerce.number().int().min(0).max(60_000).default(200),
    /**
     * SQLite only: group commit of the engine's actions (default 1: actions waiting for the one writer share a
     * transaction, each in its own savepoint, each answered after the COMMIT; 0: one transaction per action).
     * PostgreSQL never batches (docs/engine.md, "Group commit")
     */
    MOTCUA_GROUP_COMMIT: flag.default(true),
    /** PostgreSQL only: connections in the pool (SQLite always has one writer connection) */
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(10),
    /** PostgreSQL only: statement_timeout of every connection, in ms; 0 = no limit */
    DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(86_400_000).default(30_000),
    /** PostgreSQL only: the schema (search_path) the tables live in, created if missing; unset = the server's default (public) */
    DATABASE_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lower-case SQL identifier (a-z, 0-9, _; at most 63)')
      .optional(),
    /**
     * PostgreSQL only: the tables' owner, for migrations; DATABASE_URL then names the application's restricted role,
     * which may only SELECT and INSERT the hash-chained logs (docs/deploy.md, "History cannot be rewritten")
     */
    MIGRATION_DATABASE_URL: z.string().min(1).optional(),
    MOTCUA_DEMO: flag.default(false),
    MOTCUA_AGENCY_CODE: z
      .string()
      .regex(/^[0-9A-Za-z.]{3,64}$/)
      .default('000.00.12.H29'),
    MOTCUA_TEST_CLOCK: flag.default(false),
    /** how often the in-process deadline sweeper runs; 0 turns it off (e.g. when another instance sweeps) */
    MOTCUA_SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
    /** how often the hash chains are anchored by a checkpoint; 0 turns the in-process job off */
    MOTCUA_CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(0).default(86_400_000),
    /** remaining working hours under which a dossier is flagged due soon; unset = one office day of the calendar */
    MOTCUA_DUE_SOON_WORKING_HOURS: z.coerce.number().positive().max(200).optional(),
    /** working hours before the apology window closes at which the sweeper warns the office; unset = half an office day */
    MOTCUA_APOLOGY_WARNING_WORKING_HOURS: z.coerce.number().positive().max(200).optional(),
    /** fatal, error, warn, info, debug, trace or silent; unset = info (silent under jest) */
    LOG_LEVEL: LogLevelSchema.optional(),
    NODE_ENV: z.string().default('development'),
    /** the direct peers whose X-Forwarded-For names the client (login and lookup throttling); default loopback */
    TRUST_PROXY: TrustProxySchema.default(['loopback']),
    /** the address citizens reach motcua at: the receipt's QR code links there; required with NODE_ENV=production */
    PUBLIC_BASE_URL: PublicBaseUrlSchema.optional(),
    /** on SIGTERM/SIGINT: how long in-flight requests may take before their connections are cut */
    MOTCUA_DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
    /** the outbox dispatcher (docs/integration.md): how often an idle one looks for work; 0 turns it off in this instance */
    MOTCUA_OUTBOX_POLL_MS: z.coerce.number().int().min(0).max(60_000).default(500),
    /** attempts of one delivery before it is dead-lettered */
    MOTCUA_OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
    /** the first retry's delay, doubled at each attempt (with jitter) up to MOTCUA_OUTBOX_MAX_DELAY_MS */
    MOTCUA_OUTBOX_BASE_DELAY_MS: z.coerce.number().int().min(1).max(3_600_000).default(2_000),
    MOTCUA_OUTBOX_MAX_DELAY_MS: z.coerce.number().int().min(1).max(86_400_000).default(3_600_000),
    /** how long one delivery attempt may take */
    MOTCUA_OUTBOX_ATTEMPT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    /** days a delivered (or discarded) outbox row is kept before the hourly prune deletes it; 0 keeps them for ever */
    MOTCUA_OUTBOX_RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
    /** where document files live: `local` (a directory, default) or `s3` (an S3-compatible object store shared by instances) */
    MOTCUA_BLOB_STORE: z.enum(['local', 's3']).default('local'),
    /** local store: the directory; unset = `blobs/` next to the SQLite database (`./data/blobs` with PostgreSQL) */
    MOTCUA_BLOB_DIR: z.string().min(1).optional(),
    /** s3 store: the endpoint URL (unset = AWS itself), region, bucket, optional key prefix and credentials */
    MOTCUA_S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    MOTCUA_S3_REGION: z.string().min(1).default('us-east-1'),
    MOTCUA_S3_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name (3–63 lower-case letters, digits, dots, hyphens)')
      .optional(),
    MOTCUA_S3_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9._/-]{0,200}$/)
      .default(''),
    MOTCUA_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    MOTCUA_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    /** path-style addressing (MinIO and most self-hosted servers); `0` for virtual-hosted buckets */
    MOTCUA_S3_FORCE_PATH_STYLE: flag.default(true),
    /** s3 store: where uploads are staged while they are hashed and checked; unset = `upload-staging/` next to the SQLite database (`./data/upload-staging`) */
    MOTCUA_UPLOAD_STAGING_DIR: z.string().min(1).optional(),
    /** largest accepted file, in bytes (default 256 MiB) */
    MOTCUA_UPLOAD_MAX_FILE_BYTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(5 * 1024 ** 3)
      .default(256 * 1024 ** 2),
    /** largest total of one dossier's current documents, in bytes (default 1 GiB) */
    MOTCUA_UPLOAD_MAX_DOSSIER_BYTES: z.coerce
      .number()
      .int()
      .min(1)
      .default(1024 ** 3),
    /** resumable uploads one user may have open (created, not finished, not expired) at once (default 20) */
    MOTCUA_UPLOAD_MAX_OPEN_SESSIONS: z.coerce.number().int().min(1).max(10_000).default(20),
    /** the declared bytes (Upload-Length) of one user's open resumable uploads together (default 4 GiB) */
    MOTCUA_UPLOAD_MAX_OPEN_BYTES: z.coerce
      .number()
      .int()
      .min(1)
      .default(4 * 1024 ** 3),
    /** accepted media types, decided from the file's bytes (comma-separated; default PDF, JPEG, PNG and XML) */
    MOTCUA_UPLOAD_TYPES: z
      .string()
      .transform((v) => v.split(',').map((t) => t.trim()))
      .pipe(z.array(z.enum(KNOWN_TYPES)).min(1))
      .default([...DEFAULT_ACCEPTED_TYPES]),
    /** hours an uploaded file may stay unreferenced before the cleanup job removes it (default 24) */
    MOTCUA_BLOB_GRACE_HOURS: z.coerce
      .number()
      .min(0)
      .max(24 * 365)
      .default(24),
    /** how often the cleanup job runs; 0 turns it off (default hourly) */
    MOTCUA_BLOB_CLEANUP_INTERVAL_MS: z.coerce.number().int().min(0).default(3_600_000),
    /**
     * how often the retention job deletes the files of dossiers past their procedure's retention period; 0 (the
     * default) runs it only by hand (`npm run documents:retention`)
     */
    MOTCUA_RETENTION_INTERVAL_MS: z.coerce.number().int().min(0).default(0),
    /** RabbitMQ: an amqp:// URL turns on publishing every event to MOTCUA_AMQP_EXCHANGE (docs/integration.md) */
    MOTCUA_AMQP_URL: z
      .string()
      .regex(/^amqps?:\/\//, 'expected an amqp:// or amqps:// URL')
      .optional(),
    /** the national portal's sync adapter: its base URL turns the connector on (docs/integration.md, "National portal sync") */
    MOTCUA_PORTAL_URL: z.url({ protocol: /^https?$/ }).optional(),
    MOTCUA_PORTAL_AUTH_PATH: z.string().startsWith('/').default('/auth'),
    MOTCUA_PORTAL_SYNC_PATH: z.string().startsWith('/').default('/sync'),
    MOTCUA_PORTAL_USERNAME: z.string().default(''),
    MOTCUA_PORTAL_PASSWORD: z.string().default(''),
    /** madonvi at the portal; unset = MOTCUA_AGENCY_CODE */
    MOTCUA_PORTAL_AGENCY_CODE: z.string().min(1).max(64).optional(),
    MOTCUA_AMQP_EXCHANGE: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,127}$/)
      .default('motcua.events'),
  })
  .superRefine((c, ctx) => {
    // A settable clock lets an administrator move "now", and with it every deadline and timeliness class.
    if (c.MOTCUA_TEST_CLOCK && c.NODE_ENV === 'production') {
      ctx.addIssue({
        code: 'custom',
        path: ['MOTCUA_TEST_CLOCK'],
        message: 'refused with NODE_ENV=production: the test clock would let deadlines be moved',
      });
    }
    // The receipt's QR code must not take its host from the request's Host header (anyone can send one).
    if (c.PUBLIC_BASE_URL === undefined && c.NODE_ENV === 'production') {
      ctx.addIssue({
        code: 'custom',
        path: ['PUBLIC_BASE_URL'],
        message: 'required with NODE_ENV=production: the printed receipt links to it',
      });
    }
    if (c.MOTCUA_BLOB_STORE === 's3' && c.MOTCUA_S3_BUCKET === undefined) {
      ctx.addIssue({ code: 'custom', path: ['MOTCUA_S3_BUCKET'], message: 'required with MOTCUA_BLOB_STORE=s3' });
    }
    if (c.MIGRATION_DATABASE_URL !== undefined) {
      const pg = /^postgres(ql)?:\/\//;
      const user = URL.canParse(c.DATABASE_URL) ? decodeURIComponent(new URL(c.DATABASE_URL).username) : '';
      if (!pg.test(c.MIGRATION_DATABASE_URL) || !pg.test(c.DATABASE_URL)) {
        ctx.addIssue({
          code: 'custom',
          path: ['MIGRATION_DATABASE_URL'],
          message: 'only for PostgreSQL (both it and DATABASE_URL postgres:// URLs)',
        });
      } else if (!/^[a-z_][a-z0-9_]{0,62}$/.test(user)) {
        ctx.addIssue({
          code: 'custom',
          path: ['DATABASE_URL'],
          message:
            'with MIGRATION_DATABASE_URL it must name the application role as its user (a-z, 0-9, _), e.g. postgres://motcua_app:…@db/motcua',
        });
      } else if (user === decodeURIComponent(new URL(c.MIGRATION_DATABASE_URL).username)) {
        ctx.addIssue({
          code: 'custom',
          path: ['MIGRATION_DATABASE_URL'],
          message: 'must sign in as another role than DATABASE_URL (the tables’ owner)',
        });
      }
    }
    if (c.DATABASE_SCHEMA !== undefined && !/^postgres(ql)?:\/\//.test(c.DATABASE_URL)) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_SCHEMA'], message: 'only for PostgreSQL (DATABASE_URL is a SQLite file)' });
    }
  });

export type Config = z.infer<typeof ConfigSchema>;

/** Where the printed receipt's QR code sends citizens: PUBLIC_BASE_URL, else (not in production) this machine's port. */
export const publicBaseUrl = (c: Pick<Config, 'PUBLIC_BASE_URL' | 'PORT'>): string => c.PUBLIC_BASE_URL ?? `http://localhost:${c.PORT}`;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}
