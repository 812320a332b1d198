/**
 * The shape of one procedure definition (thủ tục hành chính with its approved internal process).
 * Structure only: rules that need the whole catalogue or the centre's configuration
 * (budget sums, unit codes, duplicates) live in validate.ts.
 */
import { z } from 'zod';
import type { WorkingAmount } from '../calendar/types';
import { ROLES } from './units';

/** National TTHC code, e.g. "1.001193". Treated as an opaque string, never parsed for meaning. */
export const DEFAULT_CODE_PATTERN = /^\d\.\d{6}$/;

export const PAUSE_REASONS = ['financial_obligation', 'verification', 'applicant_request', 'other'] as const;
export const APOLOGY_DEADLINES = ['one_working_day_before', 'at_deadline'] as const;

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const UNIT_CODE = /^[A-Z][A-Z0-9_]*$/;
const HH_MM = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

const text = z.string().trim().min(1, { error: 'must not be empty' });

export const WorkingAmountSchema = z
  .strictObject({
    value: z.number().finite().min(0),
    unit: z.enum(['days', 'hours']),
  })
  .superRefine((amount, ctx) => {
    if (amount.unit === 'days' && !Number.isInteger(amount.value)) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `fractional days (${amount.value}): working days are whole, give the amount in hours`,
      });
    }
  }) satisfies z.ZodType<WorkingAmount>;

const ProcessingTimeSchema = WorkingAmountSchema.refine((a) => a.unit === 'days' || a.value > 0, {
  path: ['value'],
  message: '0 hours is not a processing time; use 0 days for a same-day ("trong ngày") procedure',
});

const StepBudgetSchema = WorkingAmountSchema.refine((a) => a.value > 0, {
  path: ['value'],
  message: 'a step budget must be more than zero',
});

const RoleSchema = z.enum(ROLES, {
  error: (issue) => `unknown role ${JSON.stringify(issue.input)}; expected one of ${ROLES.join(', ')}`,
});

export const StepSchema = z.strictObject({
  id: z.string().regex(SLUG, { error: 'a step id must be a lowercase slug like "tham-dinh"' }),
  name: text,
  role: RoleSchema,
  unit: z.string().regex(UNIT_CODE, { error: 'a unit code is short uppercase ASCII like "KINHTE"' }),
  budget: StepBudgetSchema,
});

/** One document of the procedure's list (thành phần hồ sơ). */
export const RequiredDocumentSchema = z.strictObject({
  name: text,
  copies: z.number().int().min(1),
  original: z.boolean(),
  /**
   * brought only when it applies to the applicant (the official list says "(nếu có)"): the counter's
   * "Đã nhận đủ" does not tick it, and a dossier without it is complete
   */
  optional: z.boolean().default(false),
  /**
   * the law only asks to see this paper (xuất trình, e.g. "bản chính để đối chiếu", the ID card shown for comparison):
   * the counter may mark it shown, not kept, and hand it back unscanned (Circular 03/2025 Art. 5(2): documents that
   * only have to be shown need no electronic copy). Without the flag nothing of the document may be marked shown.
   */
  showOnly: z.boolean().default(false),
  /**
   * what kind of paper this is across procedures (e.g. "cccd", "giay-khai-sinh"), so a digitised copy from an
   * earlier dossier is reused only for the same kind (issue 14); absent, the name (normalised) is the kind
   */
  kind: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'lower-case letters, digits and hyphens')
    .optional(),
  /** how long a digitised copy stays usable for reuse, in months from when it was attached; absent = no expiry */
  validMonths: z.number().int().min(1).max(600).optional(),
});

/**
 * The official wording marks the whole document "(nếu có)" (every "; "-separated part of its name): such a
 * document must be flagged `optional` (validate.ts). "Chứng từ …; giấy tờ miễn giảm (nếu có)" still requires the first.
 */
export function wordedAsOptional(name: string): boolean {
  const parts = name
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean);
  return parts.length > 0 && parts.every((p) => /\(nếu có\)\.?$/i.test(p));
}

/** The official wording says the paper is only shown ("(xuất trình)"): such a document must be flagged `showOnly`. */
export function wordedAsShowOnly(name: string): boolean {
  return /\(xuất trình\)\.?$/i.test(name.trim());
}

function codeSchema(pattern: RegExp) {
  const matcher = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  return z.string().refine((code) => matcher.test(code), {
    error: (issue) => `national procedure code ${JSON.stringify(issue.input)} does not match ${pattern}`,
  });
}

/** Builds the schema with a centre-specific procedure-code pattern. */
export function makeProcedureDefinitionSchema(codePattern: RegExp = DEFAULT_CODE_PATTERN) {
  return z.strictObject({
    code: codeSchema(codePattern),
    version: z.number().int().min(1),
    name: text,
    field: z.strictObject({ code: text, name: text }),
    level: z.enum(['commune', 'province']),
    processingTime: ProcessingTimeSchema,
    /** the legal document that sets the processing time */
    legalBasis: text,
    fee: z.strictObject({ amount: z.number().int().min(0), note: text.optional() }),
    requiredDocuments: z.array(RequiredDocumentSchema).min(1),
    resultDocument: text,
    /** in order; completing the last step records the result (signature / issuance) */
    steps: z.array(StepSchema).min(1, { error: 'a procedure needs at least one step' }),
    maxSupplements: z.number().int().min(0).default(1),
    /**
     * working days after receipt within which the office may ask for a supplement (sector laws: "trong thời hạn
     * 03 ngày làm việc kể từ ngày nhận được hồ sơ"); a later request is allowed but flagged and counted
     */
    supplementWindowDays: z.number().int().min(1).max(60).default(3),
    apology: z
      .strictObject({
        /** new appointments per dossier: the law says at most once ("không quá 01 lần"), so any other value needs `legalBasis` */
        maxReappointments: z.number().int().min(0).default(1),
        /** the legal text that allows an exception to "at most once" */
        legalBasis: text.optional(),
        deadline: z.enum(APOLOGY_DEADLINES).default('one_working_day_before'),
      })
      .superRefine((a, ctx) => {
        if (a.maxReappointments !== 1 && a.legalBasis === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['maxReappointments'],
            message:
              'the law allows the new appointment exactly once ("không quá 01 lần"); another value needs apology.legalBasis naming the exception',
          });
        }
      })
      .default({ maxReappointments: 1, deadline: 'one_working_day_before' }),
    pauseReasons: z.array(z.enum(PAUSE_REASONS)).default(['verification', 'applicant_request', 'other']),
    /**
     * Digitisation the provincial plans require (Decree 107/2021, Circular 01/2023): `components`, every required
     * document is stored as a file at receipt (or its absence explained); `result`, the result is recorded with its
     * signed result document. Absent: neither is enforced.
     */
    digitisation: z.strictObject({ components: z.boolean(), result: z.boolean() }).optional(),
    /**
     * How long the files of a closed dossier of this procedure are kept (issue 14): `years` after the dossier closed,
     * with the legal text that sets the period (docs/documents.md, "Retention"). Absent: kept for ever. Only the
     * retention job (`npm run documents:retention`) deletes, and it records every deletion in a hash-chained log.
     */
    retention: z
      .strictObject({
        years: z.number().int().min(1, { error: 'a retention period is at least 1 year; leave retention out to keep the files' }).max(100),
        legalBasis: text,
      })
      .optional(),
    /** local "HH:MM" cut-off that overrides the centre's 15:00 */
    cutoff: z.string().regex(HH_MM, { error: 'cutoff must be a local time "HH:MM"' }).optional(),
  });
}

export const ProcedureDefinitionSchema = makeProcedureDefinitionSchema();

export type ProcedureDefinition = z.output<typeof ProcedureDefinitionSchema>;
/** What an author writes: defaults may be left out. */
export type ProcedureDefinitionInput = z.input<typeof ProcedureDefinitionSchema>;
export type ProcedureStep = ProcedureDefinition['steps'][number];
export type PauseReason = (typeof PAUSE_REASONS)[number];
