/**
 * The OpenAPI 3.1 document of the whole API, generated from the same zod schemas the routes validate
 * with (zod 4's z.toJSONSchema, JSON Schema 2020-12 as OpenAPI 3.1 uses): request bodies and query
 * strings in their input form (defaults optional), responses in their output form. Named schemas
 * become components.
 */
import { z } from 'zod';
import { VocabularySchema } from '../../machines/vocabulary';
import { ProcedureDefinitionSchema } from '../../machines/procedures';
import { SubmissionSchema } from '../../machines/engine/commands';
import { ChangePasswordRequestSchema, LoginRequestSchema, LoginResponseSchema } from './routes/auth';
import { CreateUserRequestSchema, UpdateUserRequestSchema, UserSchema } from './routes/users';
import { PublicDossierStatusSchema, PublicLookupParamsSchema, PublicLookupQuerySchema } from './routes/public';
import {
  ApologyMissingQuerySchema,
  ApologyMissingResponseSchema,
  ComplianceQuerySchema,
  ComplianceReportSchema,
  DigitisationQuerySchema,
  DigitisationReportSchema,
  MetricDefinitionsSchema,
} from '../services/metrics-service';
import {
  MonthlyReportQuerySchema,
  MonthlySentBodySchema,
  MonthlyStatusQuerySchema,
  MonthlyStatusSchema,
  ReviewNoteBodySchema,
  ReviewRecordSchema,
  SignOffBodySchema,
  WeeklyReviewQuerySchema,
  WeekStatusListSchema,
  WeekStatusQuerySchema,
} from '../services/review-service';
import { MonthlyReportSchema, WeeklyReviewJsonSchema } from '../reports/report-schemas';
import { TestClockRequestSchema } from './routes/admin';
import { ProcedureVersionQuerySchema } from './routes/procedures';
import { NextWorkingDayQuerySchema, NextWorkingDaySchema, YearCalendarBodySchema } from '../services/calendar-service';
import { RecordViewListSchema, RecordViewsQuerySchema } from './routes/record-views';
import { MessageLogSchema, NotifyOverviewSchema, TestMessageResultSchema } from '../services/notify-schemas';
import { ChannelUpdateSchema, MessageLogQuerySchema, TestMessageSchema } from '../services/notify-admin-service';
import { NotifySettingsSchema } from '../notify/settings';
import {
  DeadLetterActedSchema,
  DeadLetterActionSchema,
  DeadLettersQuerySchema,
  DeliveryListSchema,
  FeedPageSchema,
  FeedQuerySchema,
  OutboxChannelsSchema,
  PortalSyncStatusSchema,
  WebhookCreateSchema,
  WebhookCreatedSchema,
  WebhookListSchema,
  WebhookSchema,
} from '../services/integration-schemas';
import { AssigneeOptionsSchema, SignerListSchema, SignersQuerySchema } from '../services/dossier-schemas';
import { TUS_EXTENSIONS, TUS_VERSION } from '../services/resumable-upload-service';
import {
  DocumentListSchema,
  ResumableUploadStateSchema,
  ReusableDocumentListSchema,
  UploadedFileSchema,
  UploadLimitsSchema,
} from '../services/document-schemas';
import { DocumentFileQuerySchema } from './routes/documents';
import {
  ChartVersionListSchema,
  CheckpointListSchema,
  CheckpointSchema,
  CreatedCheckpointSchema,
  DossierExportSchema,
  DossierVerificationSchema,
  ReplaySchema,
} from '../services/audit-service';
import {
  DossierDetailSchema,
  DossierListQuerySchema,
  DossierListResponseSchema,
  DossierViewSchema,
  EventRequestSchemas,
  EventViewSchema,
} from '../services/dossier-schemas';

export type JsonSchema = Record<string, unknown>;
type Method = 'get' | 'post' | 'put' | 'patch' | 'head' | 'delete' | 'options';

const YearCalendarInput = YearCalendarBodySchema;
const YearViewSchema = YearCalendarInput.extend({
  year: z.int(),
  calendarVersion: z.int(),
  source: z
    .enum(['data', 'statutory'])
    .describe('data: set by an administrator or the shipped dataset; statutory: computed from the Labour Code'),
  dossiersRecomputed: z
    .int()
    .optional()
    .describe('PUT only: open dossiers whose due dates the new version moved (each got a CALENDAR_CHANGED event)'),
});
const HealthSchema = z.object({ status: z.string() });
const SweepResultSchema = z.object({ checked: z.int(), sent: z.int(), skipped: z.int() });
const TestClockSchema = z.object({ now: z.string().describe('the server clock, ISO 8601') });

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z
        .string()
        .describe(
          'VALIDATION_FAILED, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, FILE_NOT_STORED, TRANSITION_NOT_ALLOWED, VERSION_CONFLICT, PRECONDITION_REQUIRED, RATE_LIMITED, INVARIANT_VIOLATION, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, … (docs/api-errors.md)',
        ),
      message: z.string().describe('for people, in Vietnamese'),
      details: z
        .record(z.string(), z.unknown())
        .describe(
          'VALIDATION_FAILED: {issues: [{field, code, reason}]}, one per problem (code: an issue code of GET /api/vocabulary, reason: English), an unknown field named itself with code "unknown_field"; RATE_LIMITED: {retryAfterSeconds}',
        ),
    }),
  })
  .describe('Every error answer has this shape');

/** Request shapes (input form), by component name. */
const INPUTS: Record<string, z.ZodType> = {
  LoginRequest: LoginRequestSchema,
  CreateUserRequest: CreateUserRequestSchema,
  UpdateUserRequest: UpdateUserRequestSchema,
  ChangePasswordRequest: ChangePasswordRequestSchema,
  ProcedureDefinition: ProcedureDefinitionSchema,
  Submission: SubmissionSchema,
  YearCalendarInput,
  ReviewNote: ReviewNoteBodySchema,
  MonthlyReportSent: MonthlySentBodySchema,
  WeekSignOff: SignOffBodySchema,
  TestClockRequest: TestClockRequestSchema,
  NotifySettings: NotifySettingsSchema,
  NotifyChannelUpdate: ChannelUpdateSchema,
  TestMessage: TestMessageSchema,
  ...Object.fromEntries(Object.entries(EventRequestSchemas).map(([type, s]) => [`EventRequest_${type}`, s])),
};

/** Response shapes (output form), by component name. */
const OUTPUTS: Record<string, z.ZodType> = {
  Error: ErrorSchema,
  User: UserSchema,
  LoginResponse: LoginResponseSchema,
  Procedure: ProcedureDefinitionSchema,
  DossierView: DossierViewSchema,
  DossierDetail: DossierDetailSchema,
  DossierList: DossierListResponseSchema,
  EventView: EventViewSchema,
  PublicDossierStatus: PublicDossierStatusSchema,
  NextWorkingDay: NextWorkingDaySchema,
  YearView: YearViewSchema,
  Health: HealthSchema,
  ComplianceReport: ComplianceReportSchema,
  DigitisationReport: DigitisationReportSchema,
  ApologyMissing: ApologyMissingResponseSchema,
  MetricDefinitions: MetricDefinitionsSchema,
  SignerList: SignerListSchema,
  AssigneeOptions: AssigneeOptionsSchema,
  ReviewRecord: ReviewRecordSchema,
  WeekStatusList: WeekStatusListSchema,
  WeeklyReview: WeeklyReviewJsonSchema,
  MonthlyReport: MonthlyReportSchema,
  MonthlyReportStatus: MonthlyStatusSchema,
  SweepResult: SweepResultSchema,
  RecordViewList: RecordViewListSchema,
  FeedPage: FeedPageSchema,
  NotifyOverview: NotifyOverviewSchema,
  TestMessageResult: TestMessageResultSchema,
  MessageLog: MessageLogSchema,
  WebhookCreateRequest: WebhookCreateSchema,
  Webhook: WebhookSchema,
  WebhookCreated: WebhookCreatedSchema,
  WebhookList: WebhookListSchema,
  OutboxChannels: OutboxChannelsSchema,
  PortalSyncStatus: PortalSyncStatusSchema,
  DeliveryList: DeliveryListSchema,
  DeadLetterActionRequest: DeadLetterActionSchema,
  DeadLetterActed: DeadLetterActedSchema,
  MachineVersions: ChartVersionListSchema,
  Replay: ReplaySchema,
  DossierVerification: DossierVerificationSchema,
  DossierExport: DossierExportSchema,
  Checkpoint: CheckpointSchema,
  CreatedCheckpoint: CreatedCheckpointSchema,
  TestClock: TestClockSchema,
  Vocabulary: VocabularySchema,
  UploadedFile: UploadedFileSchema,
  UploadLimits: UploadLimitsSchema,
  ResumableUploadState: ResumableUploadStateSchema,
  DocumentList: DocumentListSchema,
  ReusableDocumentList: ReusableDocumentListSchema,
};

/** Every named schema as JSON Schema, cross-referenced through #/components/schemas. */
function componentSchemas(): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const [io, named] of [
    ['input', INPUTS],
    ['output', OUTPUTS],
  ] as const) {
    const registry = z.registry<{ id: string }>();
    for (const [id, schema] of Object.entries(named)) {
      const first = registry.get(schema)?.id;
      if (first)
        out[id] = ref(first); // one schema under two names: the second points at the first
      else registry.add(schema, { id });
    }
    const { schemas } = z.toJSONSchema(registry, { io, unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` });
    for (const [id, s] of Object.entries(schemas)) {
      const { $schema: _s, $id: _i, ...rest } = s as JsonSchema;
      if (out[id]) throw new Error(`OpenAPI component ${id} defined twice`);
      out[id] = rest;
    }
  }
  out.EventRequest = {
    description: 'The event type plus that event’s fields; expectedVersion may stand in for the If-Match header',
    oneOf: Object.keys(EventRequestSchemas).map((t) => ref(`EventRequest_${t}`)),
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(Object.keys(EventRequestSchemas).map((t) => [t, `#/components/schemas/EventRequest_${t}`])),
    },
  };
  return out;
}

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonSchema) => ({ 'application/json': { schema } });

/** The component name of each response schema, by the schema object itself (the first name where one has two). */
const OUTPUT_NAMES = new Map<z.ZodType, string>();
for (const [name, schema] of Object.entries(OUTPUTS)) if (!OUTPUT_NAMES.has(schema)) OUTPUT_NAMES.set(schema, name);

/** A response body's JSON Schema: a reference to the component its zod schema is, or an array of one. */
function responseSchema(schema: z.ZodType): JsonSchema {
  const name = OUTPUT_NAMES.get(schema);
  if (name) return ref(name);
  if (schema instanceof z.ZodArray) return { type: 'array', items: responseSchema(schema.element as z.ZodType) };
  throw new Error('OpenAPI: name the response schema in OUTPUTS (or answer an array of a named one)');
}

/**
 * A route's success answer, described once by the zod schema the service answers with: no hand-written
 * JSON Schema, and a schema not named in OUTPUTS fails when the document is built (test/http/openapi.test.ts).
 */
function returns(status: number, description: string, schema?: z.ZodType, headers?: Record<string, unknown>): Route['ok'] {
  return { status, description, ...(schema ? { content: json(responseSchema(schema)) } : {}), ...(headers ? { headers } : {}) };
}

/**
 * A report's answer (?format): JSON described by its schema, or the same content as CSV, XLSX or printable
 * HTML; every format is streamed.
 */
function reportFormats(description: string, schema: z.ZodType): Route['ok'] {
  const ok = returns(200, description, schema);
  const text = { schema: { type: 'string' } };
  return {
    ...ok,
    content: {
      ...ok.content,
      'text/csv': text,
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } },
      'text/html': text,
    },
  };
}

/** POST /api/admin/outbox/deliveries/{id}/{action}: an administrator's recorded action on a dead letter. */
function deadLetterAction(action: 'retry' | 'discard', summary: string): Route {
  return {
    method: 'post',
    path: `/api/admin/outbox/deliveries/{id}/${action}`,
    tag: 'integration',
    summary,
    parameters: [pathParam('id', 'the delivery id')],
    body: ref('DeadLetterActionRequest'),
    ok: returns(200, 'The delivery and its recorded actions', DeadLetterActedSchema),
    errors: [400, 401, 403, 404, 409],
  };
}

function inline(schema: z.ZodType): JsonSchema {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** Query parameters from an object schema's input form. */
function queryParams(schema: z.ZodType): JsonSchema[] {
  const s = inline(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, p]) => ({
    name,
    in: 'query',
    required: (s.required ?? []).includes(name),
    schema: p,
    ...(typeof p.description === 'string' ? { description: p.description } : {}),
  }));
}

const pathParam = (name: string, description: string, schema: JsonSchema = { type: 'string' }) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema,
});
const CODE = pathParam('code', 'dossier code, e.g. 000.00.12.H29-260303-0001');
const DOCUMENT = pathParam('documentId', 'the document, d1, d2, … (GET /api/dossiers/{code}/documents)', {
  type: 'string',
  pattern: '^d[1-9][0-9]{0,3}$',
});
/** a stored file as served: its detected type, a safe Content-Disposition (inline only for PDF and images), nosniff */
const FILE_ANSWER = {
  content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
  headers: {
    'Content-Disposition': {
      description: 'inline (PDF, JPEG, PNG) or attachment; RFC 5987 filename* for Vietnamese names',
      schema: { type: 'string' },
    },
    'X-Content-Type-Options': { schema: { type: 'string', const: 'nosniff' } },
    ETag: { description: 'the file’s SHA-256', schema: { type: 'string' } },
  },
};
const header = (name: string, description: string, required = false, schema: JsonSchema = { type: 'string' }) => ({
  name,
  in: 'header',
  required,
  description,
  schema,
});
const TUS_RESUMABLE = header('Tus-Resumable', 'the tus protocol version', true, { type: 'string', const: TUS_VERSION });
const UPLOAD_METADATA = header('Upload-Metadata', 'tus: comma-separated `key base64(value)`; `filename`, `sha256` (checked when complete)');
const UPLOAD_ID = pathParam('id', 'the upload, as its creation’s Location names it', { type: 'string', pattern: '^[0-9a-f]{32}$' });
const UPLOAD_EXPIRES = {
  'Upload-Expires': { description: 'when the unfinished upload is removed (RFC 9110 date)', schema: { type: 'string' } },
};
const PROCEDURE = pathParam('code', 'national procedure code, e.g. 1.001612');
const YEAR = pathParam('year', 'calendar year', { type: 'integer', minimum: 2000, maximum: 2100 });

const ERRORS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  412: 'PreconditionFailed',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  428: 'PreconditionRequired',
  429: 'TooManyRequests',
};
const ERROR_TEXT: Record<string, string> = {
  BadRequest: 'Invalid input (VALIDATION_FAILED): details.issues names every invalid field',
  Unauthorized: 'No valid bearer token (UNAUTHENTICATED)',
  Forbidden: 'The signed-in user’s roles or unit do not allow this (FORBIDDEN)',
  NotFound: 'No such resource (NOT_FOUND)',
  Conflict:
    'Not allowed in the current state, or the version is stale (TRANSITION_NOT_ALLOWED, VERSION_CONFLICT, INVARIANT_VIOLATION); a resumable upload’s chunk not at its offset (UPLOAD_OFFSET_CONFLICT, details.offset)',
  PreconditionFailed:
    'A resumable upload request without Tus-Resumable: 1.0.0 (PRECONDITION_FAILED; the Tus-Version header names the version)',
  PayloadTooLarge: 'The body is over 256 kB, or an uploaded file over MOTCUA_UPLOAD_MAX_FILE_BYTES (PAYLOAD_TOO_LARGE)',
  UnsupportedMediaType: 'The body is not JSON in UTF-8, or an uploaded file is not of an accepted type (UNSUPPORTED_MEDIA_TYPE)',
  PreconditionRequired: 'The version the change is based on is missing: send If-Match or expectedVersion (PRECONDITION_REQUIRED)',
  TooManyRequests:
    'Too many attempts (RATE_LIMITED): retry after details.retryAfterSeconds (also the Retry-After header); for a new resumable upload, the user has too many open uploads (UPLOAD_QUOTA_EXCEEDED, details.cap `sessions` or `bytes`, details.limit, details.open)',
};

interface Route {
  method: Method;
  path: string;
  tag: string;
  summary: string;
  description?: string;
  public?: boolean;
  parameters?: JsonSchema[];
  body?: JsonSchema;
  /** the body is a file, taken as raw bytes whatever its Content-Type (its type is decided by its content) */
  fileBody?: string;
  ok: { status: number; description: string; content?: Record<string, unknown>; headers?: Record<string, unknown> };
  errors: number[];
}

const ROUTES: Route[] = [
  {
    method: 'post',
    path: '/api/auth/login',
    tag: 'auth',
    summary: 'Sign in (username + password) and receive a bearer token',
    public: true,
    body: ref('LoginRequest'),
    ok: returns(200, 'Signed in', LoginResponseSchema),
    errors: [400, 401, 429],
  },
  {
    method: 'post',
    path: '/api/auth/logout',
    tag: 'auth',
    summary: 'Revoke the current token',
    ok: returns(204, 'Signed out'),
    errors: [401],
  },
  {
    method: 'post',
    path: '/api/auth/password',
    tag: 'auth',
    summary: 'Change the signed-in user’s password; every session of the user is revoked',
    body: ref('ChangePasswordRequest'),
    ok: returns(204, 'Changed: sign in again'),
    errors: [400, 401, 429],
  },
  {
    method: 'get',
    path: '/api/auth/me',
    tag: 'auth',
    summary: 'The signed-in user',
    ok: returns(200, 'The account behind the token', UserSchema),
    errors: [401],
  },
  {
    method: 'get',
    path: '/api/procedures',
    tag: 'procedures',
    summary: 'The procedure catalogue (latest version of each)',
    ok: returns(200, 'Procedures', z.array(ProcedureDefinitionSchema)),
    errors: [401],
  },
  {
    method: 'get',
    path: '/api/procedures/{code}',
    tag: 'procedures',
    summary: 'One procedure, latest or a given version',
    parameters: [PROCEDURE, ...queryParams(ProcedureVersionQuerySchema)],
    ok: returns(200, 'The procedure definition', ProcedureDefinitionSchema),
    errors: [400, 401, 404],
  },
  {
    method: 'post',
    path: '/api/procedures',
    tag: 'procedures',
    summary: 'Add a procedure (admin)',
    body: ref('ProcedureDefinition'),
    ok: returns(201, 'Created', ProcedureDefinitionSchema),
    errors: [400, 401, 403, 409],
  },
  {
    method: 'put',
    path: '/api/procedures/{code}',
    tag: 'procedures',
    summary: 'Publish a new version of a procedure (admin); existing dossiers keep theirs',
    parameters: [PROCEDURE],
    body: ref('ProcedureDefinition'),
    ok: returns(200, 'Published', ProcedureDefinitionSchema),
    errors: [400, 401, 403, 404, 409],
  },
  {
    method: 'post',
    path: '/api/dossiers',
    tag: 'dossiers',
    summary: 'Receive a dossier (counter)',
    description:
      'A counter submission is received at once and its due date computed; online and postal submissions wait for a clerk. Repeating a request with the same Idempotency-Key returns the first dossier (200, Idempotent-Replayed: true).',
    parameters: [
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'a client-chosen key making retries safe',
        schema: { type: 'string', pattern: '^[\\x21-\\x7e]{8,128}$' },
      },
    ],
    body: ref('Submission'),
    ok: returns(201, 'Created (Location: /api/dossiers/{code})', DossierViewSchema, { Location: { schema: { type: 'string' } } }),
    errors: [400, 401, 403, 404, 409],
  },
  {
    method: 'get',
    path: '/api/dossiers',
    tag: 'dossiers',
    summary: 'List and filter dossiers (paged with a cursor)',
    parameters: queryParams(DossierListQuerySchema),
    ok: returns(200, 'One page', DossierListResponseSchema),
    errors: [400, 401],
  },
  {
    method: 'get',
    path: '/api/dossiers/{code}',
    tag: 'dossiers',
    summary: 'One dossier with its applicant and documents',
    parameters: [CODE],
    ok: returns(200, 'The dossier; ETag is its version', DossierDetailSchema, { ETag: { schema: { type: 'string' } } }),
    errors: [401, 403, 404],
  },
  {
    method: 'post',
    path: '/api/dossiers/{code}/events',
    tag: 'dossiers',
    summary: 'Move a dossier: send one event',
    description:
      'The body is the event type plus its fields. The version the user saw is required, as If-Match or expectedVersion; a stale one is 409.',
    parameters: [
      CODE,
      {
        name: 'If-Match',
        in: 'header',
        required: false,
        description: 'the dossier version (ETag) the change is based on',
        schema: { type: 'string' },
      },
    ],
    body: ref('EventRequest'),
    ok: returns(200, 'The dossier after the event', DossierViewSchema, { ETag: { schema: { type: 'string' } } }),
    errors: [400, 401, 403, 404, 409, 428],
  },
  {
    method: 'get',
    path: '/api/dossiers/{code}/signers',
    tag: 'dossiers',
    summary:
      'Who may sign this dossier’s apology (form 04) or written refusal: the active leaders of the responsible office and of the leadership, with full names and titles',
    parameters: [CODE, ...queryParams(SignersQuerySchema)],
    ok: returns(200, 'Eligible signers', SignerListSchema),
    errors: [400, 401, 403, 404],
  },
  {
    method: 'get',
    path: '/api/dossiers/{code}/assignees',
    tag: 'dossiers',
    summary:
      'Whom ASSIGN may name for this dossier: the unit of the step being handed out and its active users holding the step’s role (then its leaders), with full names and titles',
    parameters: [CODE],
    ok: returns(200, 'The units and users ASSIGN accepts', AssigneeOptionsSchema),
    errors: [401, 403, 404],
  },
  {
    method: 'patch',
    path: '/api/users/{username}',
    tag: 'users',
    summary: 'Change a staff account’s full name and/or title (admin)',
    parameters: [pathParam('username', 'the account')],
    body: ref('UpdateUserRequest'),
    ok: returns(200, 'The account', UserSchema),
    errors: [400, 401, 403, 404],
  },
  {
    method: 'get',
    path: '/api/dossiers/{code}/events',
    tag: 'dossiers',
    summary: 'The dossier’s hash-chained event history',
    parameters: [CODE],
    ok: returns(200, 'Events, oldest first', z.array(EventViewSchema)),
    errors: [401, 403, 404],
  },
  {
    method: 'get',
    path: '/api/dossiers/{code}/forms/{form}',
    tag: 'dossiers',
    summary: 'A printable form of the dossier (receipt, supplement request, apology letter …)',
    parameters: [CODE, pathParam('form', 'the form’s name')],
    ok: { status: 200, description: 'The form, ready to print', content: { 'text/html': { schema: { type: 'string' } } } },
    errors: [401, 403, 404, 409],
  },
  {
    method: 'get',
    path: '/api/public/dossiers/{code}',
    tag: 'public',
    summary: 'Citizen status lookup (no login)',
    public: true,
    description:
      'Needs the last 4 digits of the applicant’s phone or ID number. Shows the status and due date only, never applicant data. An unknown code and a wrong or missing second factor give the same 404. Throttled per client address and per code (429). Never cached.',
    parameters: [pathParam('code', 'dossier code', inline(PublicLookupParamsSchema.shape.code)), ...queryParams(PublicLookupQuerySchema)],
    ok: returns(200, 'The dossier’s public status', PublicDossierStatusSchema),
    errors: [400, 404, 429],
  },
  {
    method: 'get',
    path: '/api/uploads/limits',
    tag: 'documents',
    summary: 'What POST /api/uploads accepts: the types (MOTCUA_UPLOAD_TYPES) and the largest file (MOTCUA_UPLOAD_MAX_FILE_BYTES)',
    description: 'For a file picker to say before an upload what will be refused; the upload itself still decides the type by the bytes.',
    ok: returns(200, 'The configured limits', UploadLimitsSchema),
    errors: [401],
  },
  {
    method: 'post',
    path: '/api/uploads',
    tag: 'documents',
    summary: 'Upload a file (counter, specialist, leader): the raw bytes as the body, streamed into the store',
    description:
      'The type is decided by the bytes, not the name or Content-Type: PDF, JPEG, PNG and XML by default (MOTCUA_UPLOAD_TYPES); another type is 415 with details.detected and details.accepted. Over MOTCUA_UPLOAD_MAX_FILE_BYTES is 413 with details.limit; an empty or cut-off body is 400. A refusal stores nothing. The file stays unreferenced until an event names it by its SHA-256 (ATTACH_DOCUMENT, REPLACE_DOCUMENT, RECORD_RESULT, a submission’s attachments); unreferenced uploads are removed after MOTCUA_BLOB_GRACE_HOURS.',
    fileBody: 'the file',
    ok: returns(201, 'Stored', UploadedFileSchema),
    errors: [400, 401, 403],
  },
  {
    method: 'options',
    path: '/api/uploads/resumable',
    tag: 'documents',
    summary: 'Resumable uploads (tus 1.0.0): what the server offers',
    ok: {
      status: 204,
      description: 'The protocol versions, extensions and largest upload',
      headers: {
        'Tus-Version': { schema: { type: 'string', const: TUS_VERSION } },
        'Tus-Extension': { schema: { type: 'string', const: TUS_EXTENSIONS.join(',') } },
        'Tus-Max-Size': { description: 'MOTCUA_UPLOAD_MAX_FILE_BYTES', schema: { type: 'integer' } },
      },
    },
    errors: [401],
  },
  {
    method: 'post',
    path: '/api/uploads/resumable',
    tag: 'documents',
    summary: 'Start a resumable upload (tus creation; counter, specialist, leader): the file’s length, no bytes yet',
    description:
      'For large scans over a weak connection: the bytes follow in PATCH requests, and after a dropped connection HEAD tells where to resume. Upload-Length over MOTCUA_UPLOAD_MAX_FILE_BYTES is 413; 0, a missing or non-numeric length, Upload-Defer-Length or a body is 400. Upload-Metadata (tus: comma-separated `key base64(value)`) may carry `filename`, `sha256` (64 hex digits: the completed file must then have that SHA-256) and `dossier` (the code of a dossier the user may read, the upload’s destination: what the dossier holds, its open uploads and Upload-Length over MOTCUA_UPLOAD_MAX_DOSSIER_BYTES is 413 with details.scope `dossier`). A user’s open uploads are capped by MOTCUA_UPLOAD_MAX_OPEN_SESSIONS and MOTCUA_UPLOAD_MAX_OPEN_BYTES (429 UPLOAD_QUOTA_EXCEEDED). The upload is removed MOTCUA_BLOB_GRACE_HOURS after its last chunk unless finished; only its creator reaches it. Every request to these routes needs Tus-Resumable: 1.0.0 (412 otherwise).',
    parameters: [TUS_RESUMABLE, header('Upload-Length', 'the whole file, in bytes', true), UPLOAD_METADATA],
    ok: {
      status: 201,
      description: 'Created, nothing received yet',
      headers: {
        Location: { description: 'the upload: /api/uploads/resumable/{id}', schema: { type: 'string' } },
        ...UPLOAD_EXPIRES,
      },
    },
    errors: [400, 401, 403, 404, 412, 413, 429],
  },
  {
    method: 'head',
    path: '/api/uploads/resumable/{id}',
    tag: 'documents',
    summary: 'Where a resumable upload stands (tus): the offset to resume from',
    parameters: [UPLOAD_ID, TUS_RESUMABLE],
    ok: {
      status: 200,
      description: 'Not cached',
      headers: {
        'Upload-Offset': { description: 'bytes received', schema: { type: 'integer' } },
        'Upload-Length': { schema: { type: 'integer' } },
        'Upload-Metadata': { description: 'as given at creation', schema: { type: 'string' } },
        ...UPLOAD_EXPIRES,
      },
    },
    errors: [401, 403, 404, 412],
  },
  {
    method: 'patch',
    path: '/api/uploads/resumable/{id}',
    tag: 'documents',
    summary: 'Send bytes of a resumable upload from Upload-Offset on (tus), Content-Type application/offset+octet-stream',
    description:
      'Upload-Offset must be where the upload stands (409 UPLOAD_OFFSET_CONFLICT with details.offset otherwise); bytes past the declared length are 413 and none of them is kept. A connection dropped midway keeps what arrived (HEAD for the offset). The first bytes decide the type (415 with details.detected, and the upload is removed); when the last byte arrives the whole file is hashed and typed again and stored like POST /api/uploads (a refusal removes the upload and keeps nothing); GET then answers its SHA-256.',
    parameters: [UPLOAD_ID, TUS_RESUMABLE, header('Upload-Offset', 'the byte this body starts at', true)],
    fileBody: 'bytes of the file from Upload-Offset on (Content-Type: application/offset+octet-stream)',
    ok: { status: 204, description: 'Received', headers: { 'Upload-Offset': { schema: { type: 'integer' } }, ...UPLOAD_EXPIRES } },
    errors: [400, 401, 403, 404, 409, 412, 413, 415],
  },
  {
    method: 'get',
    path: '/api/uploads/resumable/{id}',
    tag: 'documents',
    summary: 'A resumable upload’s state, and its stored file once complete (name it by its SHA-256 in an event)',
    parameters: [UPLOAD_ID, TUS_RESUMABLE],
    ok: returns(200, 'The state', ResumableUploadStateSchema),
    errors: [400, 401, 403, 404, 412, 415],
  },
  {
    method: 'delete',
    path: '/api/uploads/resumable/{id}',
    tag: 'documents',
    summary: 'Abandon a resumable upload (tus termination): it and what it received are removed',
    parameters: [UPLOAD_ID, TUS_RESUMABLE],
    ok: { status: 204, description: 'Removed' },
    errors: [401, 403, 404, 412],
  },
  {
    method: 'get',
    path: '/api/dossiers/{code}/documents',
    tag: 'documents',
    summary: 'The dossier’s documents (components, working documents, the result) with every version',
    parameters: [CODE],
    ok: returns(200, 'Documents in the order attached', DocumentListSchema),
    errors: [401, 403, 404],
  },
  {
    method: 'get',
    path: '/api/dossiers/{code}/documents/reusable',
    tag: 'documents',
    summary: 'Component documents of the same applicant’s earlier dossiers (by ID number), newest first: the once-only reuse offer',
    parameters: [CODE],
    ok: returns(200, 'What REUSE_DOCUMENT can attach by reference', ReusableDocumentListSchema),
    errors: [401, 403, 404],
  },
  {
    method: 'get',
    path: '/api/dossiers/{code}/documents/{documentId}/file',
    tag: 'documents',
    summary:
      'Download a document’s file, the current version or ?version=N; every download is recorded as a record view. 404 FILE_NOT_STORED when the store has no file under the document’s hash (details.finding: file_missing, or file_deleted_by_retention)',
    parameters: [CODE, DOCUMENT, ...queryParams(DocumentFileQuerySchema)],
    ok: { status: 200, description: 'The file', ...FILE_ANSWER },
    errors: [400, 401, 403, 404],
  },
  {
    method: 'get',
    path: '/api/public/dossiers/{code}/result-document',
    tag: 'public',
    summary: 'The applicant’s electronic result (no login, with the lookup’s second factor)',
    public: true,
    description:
      'Only a result recorded as the electronic original; every refusal (unknown code, wrong factor, no such result) is the lookup’s one 404. Throttled like the lookup (429).',
    parameters: [pathParam('code', 'dossier code', inline(PublicLookupParamsSchema.shape.code)), ...queryParams(PublicLookupQuerySchema)],
    ok: { status: 200, description: 'The result document', ...FILE_ANSWER },
    errors: [400, 404, 429],
  },
  {
    method: 'post',
    path: '/api/users',
    tag: 'users',
    summary: 'Create a staff account (admin)',
    body: ref('CreateUserRequest'),
    ok: returns(201, 'Created', UserSchema),
    errors: [400, 401, 403, 409],
  },
  {
    method: 'get',
    path: '/api/users',
    tag: 'users',
    summary: 'List staff accounts (admin)',
    ok: returns(200, 'Accounts', z.array(UserSchema)),
    errors: [401, 403],
  },
  {
    method: 'get',
    path: '/api/calendar/{year}',
    tag: 'calendar',
    summary: 'A year’s days off and make-up working days',
    parameters: [YEAR],
    ok: returns(200, 'The year', YearViewSchema),
    errors: [400, 401, 404],
  },
  {
    method: 'get',
    path: '/api/calendar/next-working-day',
    tag: 'calendar',
    summary: 'The first working day after a day (default: after today), on the current calendar',
    parameters: queryParams(NextWorkingDayQuerySchema),
    ok: returns(200, 'The day', NextWorkingDaySchema),
    errors: [400, 401],
  },
  {
    method: 'put',
    path: '/api/calendar/{year}',
    tag: 'calendar',
    summary: 'Replace a year’s holiday data (admin); publishes a new calendar version',
    parameters: [YEAR],
    body: ref('YearCalendarInput'),
    ok: returns(200, 'The year as published', YearViewSchema),
    errors: [400, 401, 403, 409],
  },
  {
    method: 'get',
    path: '/api/dossiers/{code}/replay',
    tag: 'audit',
    summary:
      'Replay the dossier from its events: each step with the state before and after (?upTo=<seq> or ?at=<ISO time> for the state at that point)',
    parameters: [CODE],
    ok: returns(200, 'Steps, the state at the cut-off and the projection differences', ReplaySchema),
    errors: [400, 401, 403, 404],
  },
  {
    method: 'get',
    path: '/api/dossiers/{code}/verify',
    tag: 'audit',
    summary: 'Verify one dossier: hash chain, replay, projection (auditor, supervisor, admin)',
    parameters: [CODE],
    ok: returns(200, 'Findings, first broken event first', DossierVerificationSchema),
    errors: [401, 403, 404],
  },
  {
    method: 'get',
    path: '/api/dossiers/{code}/export',
    tag: 'audit',
    summary:
      'The full history with its chain as one JSON document, verifiable offline with src/audit/standalone/verify-export.js (auditor)',
    parameters: [CODE],
    ok: returns(200, 'motcua-dossier-export/1', DossierExportSchema),
    errors: [401, 403, 404],
  },
  {
    method: 'get',
    path: '/api/audit/verify',
    tag: 'audit',
    summary: 'Verify every dossier, streamed as NDJSON progress/finding/notice/summary lines (auditor, admin)',
    ok: { status: 200, description: 'NDJSON stream', content: { 'application/x-ndjson': { schema: { type: 'string' } } } },
    errors: [401, 403],
  },
  {
    method: 'get',
    path: '/api/audit/checkpoints',
    tag: 'audit',
    summary: 'The chain checkpoints (auditor, admin)',
    ok: returns(200, 'The latest checkpoints, newest first', CheckpointListSchema),
    errors: [401, 403],
  },
  {
    method: 'post',
    path: '/api/audit/checkpoints',
    tag: 'audit',
    summary: 'Record a checkpoint: a digest over all chains’ heads (admin)',
    ok: returns(201, 'The checkpoint recorded', CreatedCheckpointSchema),
    errors: [401, 403],
  },
  {
    method: 'get',
    path: '/api/vocabulary',
    tag: 'public',
    summary: 'The domain vocabulary: states, open states, events, labels, error and issue codes, units, procedures (no login)',
    public: true,
    ok: returns(200, 'The vocabulary', VocabularySchema),
    errors: [],
  },
  {
    method: 'get',
    path: '/api/machines',
    tag: 'audit',
    summary: 'The stored dossier chart versions',
    ok: returns(200, 'Versions', ChartVersionListSchema),
    errors: [401],
  },
  {
    method: 'get',
    path: '/api/metrics/compliance',
    tag: 'metrics',
    summary: 'Compliance metrics for a period and grouping (supervisor, leader, auditor, admin); definitions in docs/metrics.md',
    parameters: queryParams(ComplianceQuerySchema),
    ok: returns(200, 'Figures per group', ComplianceReportSchema),
    errors: [400, 401, 403],
  },
  {
    method: 'get',
    path: '/api/metrics/digitisation',
    tag: 'metrics',
    summary:
      'The digitisation and reuse rates (and the counts they divide) for a period, by centre, procedure, unit, week or month, from their rollup; definitions in docs/metrics.md',
    parameters: queryParams(DigitisationQuerySchema),
    ok: returns(200, 'Figures per group', DigitisationReportSchema),
    errors: [400, 401, 403],
  },
  {
    method: 'get',
    path: '/api/metrics/apology-missing',
    tag: 'metrics',
    summary: 'Late dossiers with no apology on record',
    parameters: queryParams(ApologyMissingQuerySchema),
    ok: returns(200, 'Dossiers (applicant masked)', ApologyMissingResponseSchema),
    errors: [400, 401, 403],
  },
  {
    method: 'get',
    path: '/api/metrics/definitions',
    tag: 'metrics',
    summary: 'Every metric with the rule it follows',
    ok: returns(200, 'Definitions', MetricDefinitionsSchema),
    errors: [401],
  },
  {
    method: 'get',
    path: '/api/reports/weekly-late-review',
    tag: 'reports',
    summary: 'The weekly late-dossier review for the centre or a unit, as JSON, CSV, XLSX or printable HTML (streamed)',
    parameters: queryParams(WeeklyReviewQuerySchema),
    ok: reportFormats('The review', WeeklyReviewJsonSchema),
    errors: [400, 401, 403],
  },
  {
    method: 'post',
    path: '/api/reports/weekly-late-review/notes',
    tag: 'reports',
    summary: 'Record the cause and corrective action for a late or at-risk dossier (hash-chained)',
    body: ref('ReviewNote'),
    ok: returns(201, 'The record', ReviewRecordSchema),
    errors: [400, 401, 403, 409],
  },
  {
    method: 'post',
    path: '/api/reports/weekly-late-review/sign-off',
    tag: 'reports',
    summary: 'Sign the week off; later notes are refused',
    body: ref('WeekSignOff'),
    ok: returns(201, 'The record', ReviewRecordSchema),
    errors: [400, 401, 403, 409],
  },
  {
    method: 'get',
    path: '/api/reports/weekly-late-review/sign-offs',
    tag: 'reports',
    summary: 'Which weeks of a range are signed off, by whom and when, for the centre or a unit',
    parameters: queryParams(WeekStatusQuerySchema),
    ok: returns(200, 'One entry per week', WeekStatusListSchema),
    errors: [400, 401, 403],
  },
  {
    method: 'get',
    path: '/api/reports/monthly',
    tag: 'reports',
    summary: 'The monthly report to the Department of Home Affairs: received and returned by channel',
    parameters: queryParams(MonthlyReportQuerySchema),
    ok: reportFormats('The report', MonthlyReportSchema),
    errors: [400, 401, 403],
  },
  {
    method: 'get',
    path: '/api/reports/monthly/status',
    tag: 'reports',
    summary: "A month's report: due date, first download by a supervisor or leader, marked sent",
    parameters: queryParams(MonthlyStatusQuerySchema),
    ok: returns(200, 'The status', MonthlyStatusSchema),
    errors: [400, 401, 403],
  },
  {
    method: 'post',
    path: '/api/reports/monthly/sent',
    tag: 'reports',
    summary: "Mark a month's report as sent to the Department of Home Affairs (once, after the month ends)",
    body: ref('MonthlyReportSent'),
    ok: returns(201, 'The status', MonthlyStatusSchema),
    errors: [400, 401, 403, 409],
  },
  {
    method: 'post',
    path: '/api/admin/sweep',
    tag: 'operations',
    summary: 'Run the deadline sweeper now (admin)',
    ok: returns(200, 'What the sweep did', SweepResultSchema),
    errors: [401, 403],
  },
  {
    method: 'put',
    path: '/api/test/clock',
    tag: 'operations',
    summary: 'Set the server clock (admin; only with MOTCUA_TEST_CLOCK=1, else 404)',
    body: ref('TestClockRequest'),
    ok: returns(200, 'The new time', TestClockSchema),
    errors: [400, 401, 403, 404],
  },
  {
    method: 'get',
    path: '/api/audit/record-views',
    tag: 'audit',
    summary: 'Who opened which applicant’s full record, and when (auditor, admin); newest first, paged with a cursor',
    parameters: queryParams(RecordViewsQuerySchema),
    ok: returns(200, 'One page of record views', RecordViewListSchema),
    errors: [400, 401, 403],
  },
  {
    method: 'get',
    path: '/api/feed',
    tag: 'integration',
    summary:
      'The change feed (admin, auditor): every dossier event in commit-safe order after a cursor; never skips an event committed late (docs/integration.md)',
    parameters: queryParams(FeedQuerySchema),
    ok: returns(200, 'One page of events', FeedPageSchema),
    errors: [400, 401, 403],
  },
  {
    method: 'post',
    path: '/api/admin/webhooks',
    tag: 'integration',
    summary: 'Subscribe a webhook (admin): URL, event filter, HMAC secret (generated if omitted; shown once)',
    body: ref('WebhookCreateRequest'),
    ok: returns(201, 'The subscription, with its secret', WebhookCreatedSchema),
    errors: [400, 401, 403],
  },
  {
    method: 'get',
    path: '/api/admin/webhooks',
    tag: 'integration',
    summary: 'The webhook subscriptions (admin), without their secrets',
    ok: returns(200, 'The subscriptions', WebhookListSchema),
    errors: [401, 403],
  },
  {
    method: 'post',
    path: '/api/admin/webhooks/{id}/deactivate',
    tag: 'integration',
    summary: 'Unsubscribe a webhook (admin): nothing new is queued for it; what is queued stays visible',
    parameters: [pathParam('id', 'the subscription id')],
    ok: returns(200, 'The subscription, inactive', WebhookSchema),
    errors: [400, 401, 403, 404],
  },
  {
    method: 'get',
    path: '/api/integration/portal-sync',
    tag: 'integration',
    summary:
      'The national portal sync backlog (supervisor, leader, auditor, admin): pending records, the oldest one’s age, late past 10 minutes',
    ok: returns(200, 'The backlog', PortalSyncStatusSchema),
    errors: [401, 403],
  },
  {
    method: 'get',
    path: '/api/admin/outbox',
    tag: 'integration',
    summary: 'Per channel (admin): queued, failing, sent, dead-lettered, discarded, the oldest undelivered delivery and its age',
    ok: returns(200, 'The channels', OutboxChannelsSchema),
    errors: [401, 403],
  },
  {
    method: 'get',
    path: '/api/admin/outbox/dead-letters',
    tag: 'integration',
    summary: 'Dead-lettered deliveries (admin), oldest first',
    parameters: queryParams(DeadLettersQuerySchema),
    ok: returns(200, 'The dead letters', DeliveryListSchema),
    errors: [400, 401, 403],
  },
  deadLetterAction('retry', 'Retry a dead letter (admin): pending again with its attempts reset; recorded with who, when and the note'),
  deadLetterAction(
    'discard',
    'Discard a dead letter (admin): given up, so the dossier’s later deliveries to that subscriber go on; recorded',
  ),
  {
    method: 'get',
    path: '/api/admin/notifications',
    tag: 'notifications',
    summary: "Applicant notifications: the shared settings and each channel's settings, secrets masked (admin; docs/notifications.md)",
    ok: returns(200, 'The settings', NotifyOverviewSchema),
    errors: [401, 403],
  },
  {
    method: 'put',
    path: '/api/admin/notifications/settings',
    tag: 'notifications',
    summary: 'Set the shared settings: sender name, survey link, SMS length options, message log retention (admin)',
    body: ref('NotifySettings'),
    ok: returns(200, 'The settings', NotifyOverviewSchema),
    errors: [400, 401, 403],
  },
  {
    method: 'put',
    path: '/api/admin/notifications/channels/{kind}',
    tag: 'notifications',
    summary:
      'Configure a channel (email: SMTP; sms: the gateway; zalo: token and template ids) and switch it on or off (admin); a secret left out keeps its value',
    parameters: [pathParam('kind', 'email, sms or zalo')],
    body: ref('NotifyChannelUpdate'),
    ok: returns(200, 'The settings', NotifyOverviewSchema),
    errors: [400, 401, 403],
  },
  {
    method: 'post',
    path: '/api/admin/notifications/test',
    tag: 'notifications',
    summary: "Send a test message now through a channel's provider (admin); logged in the message log",
    body: ref('TestMessage'),
    ok: returns(200, 'What the provider answered', TestMessageResultSchema),
    errors: [400, 401, 403],
  },
  {
    method: 'get',
    path: '/api/admin/notifications/messages',
    tag: 'notifications',
    summary: 'The message log, newest first: what was sent, to which masked address, when, and the provider answer (admin)',
    parameters: queryParams(MessageLogQuerySchema),
    ok: returns(200, 'One page of the log', MessageLogSchema),
    errors: [400, 401, 403],
  },
  {
    method: 'get',
    path: '/metrics',
    tag: 'operations',
    summary:
      'Prometheus metrics (text format 0.0.4), no login: request counts and latencies per route, transitions by type, sweeper runs, late open dossiers — aggregates only, no personal data',
    public: true,
    ok: { status: 200, description: 'The exposition', content: { 'text/plain': { schema: { type: 'string' } } } },
    errors: [],
  },
  {
    method: 'get',
    path: '/health',
    tag: 'operations',
    summary: 'Liveness: the process answers',
    public: true,
    ok: returns(200, 'Alive', HealthSchema),
    errors: [],
  },
  {
    method: 'get',
    path: '/ready',
    tag: 'operations',
    summary: 'Readiness: the database answers and its schema is current (503 otherwise)',
    public: true,
    ok: returns(200, 'Ready', HealthSchema),
    errors: [],
  },
];

/** Every documented path template (e.g. /api/dossiers/{code}), literal ones before those with parameters. */
export function apiRouteTemplates(): string[] {
  const count = (p: string) => (p.match(/\{/g) ?? []).length;
  return [...new Set(ROUTES.map((r) => r.path))].sort((a, b) => count(a) - count(b));
}

function operation(r: Route): JsonSchema {
  const responses: Record<string, unknown> = {
    [r.ok.status]: {
      description: r.ok.description,
      ...(r.ok.headers ? { headers: r.ok.headers } : {}),
      ...(r.ok.content ? { content: r.ok.content } : {}),
    },
  };
  // every route with a body refuses one over the size limit or in another format (docs/api-errors.md)
  for (const status of r.body || r.fileBody ? [...r.errors, 413, 415] : r.errors)
    responses[status] = { $ref: `#/components/responses/${ERRORS[status]}` };
  if (r.path === '/ready') responses[503] = { description: 'Not ready', content: json(ref('Health')) };
  return {
    tags: [r.tag],
    summary: r.summary,
    ...(r.description ? { description: r.description } : {}),
    operationId: `${r.method}${r.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    ...(r.public ? { security: [] } : {}),
    ...(r.parameters?.length ? { parameters: r.parameters } : {}),
    ...(r.body ? { requestBody: { required: true, content: json(r.body) } } : {}),
    ...(r.fileBody
      ? { requestBody: { required: true, description: r.fileBody, content: { '*/*': { schema: { type: 'string', format: 'binary' } } } } }
      : {}),
    responses,
  };
}

/** The API's OpenAPI 3.1 document. Pure; build it once. */
export function buildOpenApiDocument(version = '0.1.0'): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) (paths[r.path] ??= {})[r.method] = operation(r);
  const responses = Object.fromEntries(
    Object.values(ERRORS).map((name) => [
      name,
      {
        description: ERROR_TEXT[name],
        ...(name === 'TooManyRequests' ? { headers: { 'Retry-After': { description: 'seconds', schema: { type: 'integer' } } } } : {}),
        content: json(ref('Error')),
      },
    ]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'motcua API',
      version,
      description:
        'Workflow engine for one-stop public administrative service centres (Bộ phận Một cửa). Staff routes need a bearer token from POST /api/auth/login; the citizen lookup, health and readiness do not.',
    },
    tags: ['auth', 'procedures', 'dossiers', 'documents', 'public', 'users', 'calendar', 'operations'].map((name) => ({ name })),
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'the token from POST /api/auth/login' } },
      schemas: componentSchemas(),
      responses,
    },
  };
}
