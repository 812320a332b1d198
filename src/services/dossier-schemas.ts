/**
 * Request and response shapes of the dossier API. With machines/engine/commands.ts these zod schemas are
 * the single source of truth: routes validate with them and the OpenAPI document is generated from them.
 */
import { z } from 'zod';
import { CommandSchemas, LocalDateSchema } from '../../machines/engine/commands';
import { CHANNELS, LIFECYCLE_STATES } from '../../machines/dossier';
import { DRILL_FIGURES } from '../../machines/metrics/definitions';
import { SIGNED_EVENTS } from './policy';

const instant = z.string().describe('ISO-8601 instant in UTC');
export { LocalDateSchema };

/** the largest version If-Match can name (9 digits); a body's expectedVersion has the same range */
export const MAX_VERSION = 999_999_999;

export const MaskedApplicantSchema = z.object({
  fullName: z.string(),
  idNumber: z.string().describe('masked: only the last 4 characters are shown'),
  phone: z.string().describe('masked: only the last 4 digits are shown'),
});

export const DossierViewSchema = z.object({
  code: z.string().describe('the official code once received (numbered on the day of receipt); before receipt the submission reference'),
  submissionRef: z
    .string()
    .describe('the reference given at submission; the dossier is found by it for ever (the same as code for a dossier received at once)'),
  procedureCode: z.string(),
  procedureVersion: z.int(),
  procedureName: z.string().nullable(),
  machineVersion: z.int(),
  channel: z.enum(CHANNELS),
  state: z.string(),
  nationalStatus: z.object({ code: z.int(), name: z.string() }),
  step: z.string().nullable(),
  stepName: z.string().nullable(),
  timeliness: z.string(),
  submittedAt: instant,
  receivedAt: instant.nullable(),
  dueAt: instant.nullable(),
  originalDueAt: instant.nullable(),
  resultAt: instant.nullable(),
  returnedAt: instant.nullable(),
  outcome: z.enum(['approved', 'refused']).nullable(),
  unit: z.string().nullable(),
  assignee: z.string().nullable(),
  assigneeName: z.string().nullable().describe('the assignee as people read it: "full name (title)"'),
  version: z.int(),
  allowedEvents: z.array(z.string()).describe('events the dossier state allows now'),
  permittedEvents: z.array(z.string()).describe('of those, the ones the signed-in user may send'),
  pauses: z
    .object({ count: z.int(), totalWorkingMs: z.number(), extensionMs: z.number() })
    .describe(
      'how often the dossier was paused, for how long in working time (a running pause up to now), and how far pauses moved its statutory due date',
    ),
  exemption: z
    .object({ reason: z.string(), approvedBy: z.string(), approvedByName: z.string(), at: instant })
    .nullable()
    .describe('the approved exemption from the apology, if any'),
  apology: z
    .object({
      at: instant,
      newDueAt: instant.nullable().describe('the new appointment; null when the result was handed over at once'),
    })
    .nullable()
    .describe('the latest apology (Phiếu xin lỗi và hẹn lại ngày trả kết quả), if any'),
  intake: z
    .object({
      waitingSince: instant,
      dueBy: instant.nullable(),
      waitedWorkingMs: z.number(),
      waiting: z.boolean(),
      overdue: z.boolean(),
    })
    .nullable()
    .describe(
      'the intake wait (chart version 3 on): since when the submission waits for the counter, in working time (to the answer, or to now while it waits); an online submission must be answered (received, guided to complete it, refused) by dueBy, 8 working hours after it was submitted (Decree 297/2025 Art. 6(4)); overdue when it waited longer',
    ),
  applicant: MaskedApplicantSchema,
});
export type DossierViewDto = z.infer<typeof DossierViewSchema>;

export const FullApplicantSchema = z.object({
  fullName: z.string(),
  idNumber: z.string(),
  phone: z.string(),
  email: z.string().optional(),
  address: z.string(),
});

const componentIndexes = z.array(z.int()).describe("indexes into the procedure version's requiredDocuments");

/** What RECEIVE recorded of the required documents (machines/dossier/types.ts ReceiptDigitisation, docs/documents.md). */
export const ReceiptDigitisationSchema = z.object({
  required: z.int().describe('documents the receipt had to digitise'),
  digitised: z.int().describe('of them, with a stored file at receipt'),
  reused: z.int(),
  missing: componentIndexes.describe('documents to digitise without a file (paper only)'),
  reason: z.string().nullable(),
  optionalAbsent: componentIndexes.optional().describe('optional documents ("(nếu có)") not brought'),
  shown: componentIndexes.optional().describe('documents shown, not kept (xuất trình, không lưu)'),
});

export const DossierDetailSchema = DossierViewSchema.extend({
  applicant: FullApplicantSchema,
  documents: z.array(z.object({ name: z.string(), copies: z.int() })),
  note: z.string().optional(),
  digitisation: ReceiptDigitisationSchema.nullable().describe(
    'what the receipt recorded of the required documents; null before receipt and for dossiers received before issue 14',
  ),
});

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)).min(1));

export const DOSSIER_STATES = LIFECYCLE_STATES;
export const TIMELINESS_VALUES = ['not_started', 'on_track', 'due_soon', 'overdue', 'early', 'on_time', 'late'] as const;

export const DossierListQuerySchema = z
  .strictObject({
    state: csv(DOSSIER_STATES).optional().describe('comma-separated states'),
    timeliness: csv(TIMELINESS_VALUES).optional().describe('comma-separated timeliness values'),
    procedure: z.string().max(32).optional(),
    unit: z.string().max(64).optional(),
    assignee: z.string().max(64).optional(),
    mine: z
      .enum(['1', 'true'])
      .optional()
      .describe(
        "only dossiers at the user's unit or assigned to the user; for counter staff also the online and postal submissions waiting for receipt",
      ),
    receivedFrom: LocalDateSchema.optional(),
    receivedTo: LocalDateSchema.optional(),
    dueFrom: LocalDateSchema.optional(),
    dueTo: LocalDateSchema.optional(),
    handlingUnit: z.string().max(64).optional().describe('the unit of the handling step (what the metrics group by unit)'),
    figure: z
      .enum(DRILL_FIGURES)
      .optional()
      .describe("only the dossiers this figure of GET /api/metrics/compliance counts over periodFrom–periodTo (a dashboard card's list)"),
    periodFrom: LocalDateSchema.optional().describe('with figure: first day of the period, inclusive'),
    periodTo: LocalDateSchema.optional().describe(
      'with figure: the day after the period (exclusive), as GET /api/metrics/compliance takes it',
    ),
    q: z.string().trim().min(1).max(100).optional().describe('free text: code, applicant name, phone or ID number'),
    sort: z
      .enum(['recent', 'due'])
      .default('recent')
      .describe(
        'recent: newest submission first; due: soonest due date first, then the dossiers without a due date yet (not received, or waiting for a supplement), oldest submission first',
      ),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().max(500).optional(),
  })
  .superRefine((q, ctx) => {
    if (q.figure === undefined) {
      for (const k of ['periodFrom', 'periodTo'] as const)
        if (q[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'only with figure' });
      return;
    }
    if (q.periodFrom === undefined) ctx.addIssue({ code: 'custom', path: ['periodFrom'], message: 'required with figure' });
    if (q.periodTo === undefined) ctx.addIssue({ code: 'custom', path: ['periodTo'], message: 'required with figure' });
    else if (q.periodFrom !== undefined && !(q.periodTo > q.periodFrom))
      ctx.addIssue({ code: 'custom', path: ['periodTo'], message: 'periodTo must be after periodFrom' });
  });

export const DossierListResponseSchema = z.object({
  items: z.array(DossierViewSchema),
  nextCursor: z.string().nullable(),
});

/** The body of POST /api/dossiers/{code}/events: `type` plus that event's payload, optionally `expectedVersion`. */
export const EventRequestSchemas = Object.fromEntries(
  Object.entries(CommandSchemas).map(([type, schema]) => [
    type,
    (schema as z.ZodObject).extend({ type: z.literal(type), expectedVersion: z.int().min(0).max(MAX_VERSION).optional() }),
  ]),
) as unknown as Record<keyof typeof CommandSchemas, z.ZodObject>;

export const EventViewSchema = z.object({
  seq: z.int(),
  type: z.string(),
  payload: z.record(z.string(), z.unknown()),
  actor: z.string(),
  actorName: z.string().nullable().describe('the actor as people read it: "full name (title)"; null for the system'),
  actorUnit: z.string().nullable(),
  assigneeName: z.string().nullable().describe('ASSIGN: the assignee named in the payload, as people read it'),
  occurredAt: instant,
  machineVersion: z.int(),
  hash: z.string(),
});

export const SignersQuerySchema = z.strictObject({
  for: z.enum(SIGNED_EVENTS).default('ISSUE_APOLOGY').describe('the event to be signed'),
  responsibleUnit: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .optional()
    .describe('ISSUE_APOLOGY: the office responsible for the delay (default: the office holding the dossier)'),
});

export const SignerSchema = z.object({
  username: z.string().describe('send as `signer` in ISSUE_APOLOGY or REFUSE'),
  fullName: z.string(),
  title: z.string().describe('chức danh'),
  unit: z.string(),
});

export const SignerListSchema = z.object({
  for: z.enum(SIGNED_EVENTS),
  responsibleUnit: z.string().nullable().describe('the office whose head or deputy head signs'),
  signers: z.array(SignerSchema).describe('active leaders of that office and of the leadership'),
});
export type SignerListDto = z.infer<typeof SignerListSchema>;

export const AssigneeOptionsSchema = z.object({
  step: z
    .object({ id: z.string(), name: z.string(), role: z.string(), unit: z.string() })
    .nullable()
    .describe('the step an ASSIGN hands out (the current one; the first while the dossier is at the counter)'),
  units: z.array(z.object({ code: z.string(), name: z.string() })).describe('the units ASSIGN accepts as `unit`: the step’s own unit only'),
  assignees: z
    .array(SignerSchema.extend({ username: z.string().describe('send as `assignee` in ASSIGN'), roles: z.array(z.string()) }))
    .describe('active users of that unit holding the step’s role, then its leaders'),
});
export type AssigneeOptionsDto = z.infer<typeof AssigneeOptionsSchema>;
