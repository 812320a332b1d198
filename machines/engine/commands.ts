/**
 * The shapes of what users ask the engine to do: a submission and one command per user event type.
 * These zod schemas are the single source of truth: the HTTP layer validates with them, derives its
 * TypeScript types from them and generates the OpenAPI document from them.
 * Unknown fields are rejected (strict objects), so a typo never silently drops data.
 */
import { z } from 'zod';
import { NOTIFY_CHANNELS } from '../notify/channels';
import {
  CHANNELS,
  DOCUMENT_KINDS,
  EXEMPTION_REASONS,
  RESULT_FORMS,
  RETURN_METHODS,
  WITHDRAWAL_CHANNELS,
  type DocumentSource,
  type FileRef,
} from '../dossier/types';

const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * The named formats of request fields: a 400 issue of one of them carries its name as the issue code
 * (machines/vocabulary.ts ISSUE_LABELS), which the UI shows in Vietnamese.
 */
export const FORMATS = {
  phone: /^\+?[0-9]{8,15}$/,
  id_number: /^[0-9A-Z]{6,20}$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
} as const;

/** A real calendar date YYYY-MM-DD (2026-02-30 is refused). */
export const LocalDateSchema = z
  .string()
  .regex(FORMATS.date, 'expected a date YYYY-MM-DD')
  .refine(
    (s) => {
      const ms = Date.parse(`${s}T00:00:00Z`);
      return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(s);
    },
    { message: 'not a real calendar date', params: { issue: 'not_a_real_date' } },
  );
const localDate = LocalDateSchema;

/**
 * Which of the applicant's numbers is the second factor of the public status lookup (its last 4 digits),
 * chosen at receipt and printed on the receipt; only that one opens the lookup (src/services/public-lookup.ts).
 */
export const LOOKUP_FACTORS = ['phone', 'idNumber'] as const;
export type LookupFactor = (typeof LOOKUP_FACTORS)[number];
/** What a submission that names none records: the phone, the number a citizen is likeliest to remember. */
export const DEFAULT_LOOKUP_FACTOR: LookupFactor = 'phone';

export const ApplicantSchema = z.strictObject({
  fullName: text(200),
  idNumber: z.string().trim().regex(FORMATS.id_number, 'expected 6–20 digits or capital letters'),
  phone: z.string().trim().regex(FORMATS.phone, 'expected 8–15 digits'),
  email: z.email().max(254).optional(),
  address: text(500),
  lookupFactor: z
    .enum(LOOKUP_FACTORS)
    .optional()
    .describe(
      'the number whose last 4 digits open the public status lookup, printed on the receipt: phone or idNumber (default phone); the other is refused',
    ),
});

/**
 * The applicant's choice at receipt of how to be told about the dossier (docs/notifications.md): the channel,
 * the address (default: the applicant's phone for SMS and Zalo, e-mail for email) and the consent, which must
 * be true for any channel but `none`.
 */
export const NotificationRequestSchema = z
  .strictObject({
    channel: z.enum(NOTIFY_CHANNELS).describe('sms, zalo, email, or none (no messages)'),
    contact: z
      .string()
      .trim()
      .max(254)
      .optional()
      .describe("the phone (sms, zalo) or e-mail address (email); default: the applicant's phone or e-mail"),
    consent: z.boolean().describe('the applicant agreed to receive messages on this channel (required true unless the channel is none)'),
  })
  .superRefine((v, ctx) => {
    if (v.channel !== 'none' && v.consent !== true)
      ctx.addIssue({
        code: 'custom',
        path: ['consent'],
        message: 'must be true: messages are sent only with the applicant consent',
        params: { issue: 'consent_required' },
      });
    if (v.contact === undefined || v.channel === 'none') return;
    if (v.channel === 'email' && !z.email().safeParse(v.contact).success)
      ctx.addIssue({ code: 'custom', path: ['contact'], message: 'expected an e-mail address', params: { issue: 'email' } });
    if (v.channel !== 'email' && !FORMATS.phone.test(v.contact))
      ctx.addIssue({ code: 'custom', path: ['contact'], message: 'expected 8–15 digits', params: { issue: 'phone' } });
  });

export const DocumentSchema = z.strictObject({
  name: text(300),
  copies: z.int().min(1).max(100).default(1),
});

/** A file uploaded with POST /api/uploads, named by the SHA-256 the upload answered. */
export const Sha256Schema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'expected the SHA-256 (64 lower-case hex digits) POST /api/uploads answered')
  .describe('SHA-256 of a file uploaded with POST /api/uploads');
/** The name a file is shown and downloaded under (never used as a path). */
export const FileNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(255)
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'must not contain control characters');
export const DocumentIdSchema = z.string().regex(/^d[1-9][0-9]{0,3}$/, 'expected a document id like "d1"');
/** Index of the procedure's required document (0 = the first of GET /api/procedures/{code}'s requiredDocuments). */
const componentIndex = z.int().min(0).max(99);

export const AttachmentSchema = z.strictObject({ component: componentIndex, sha256: Sha256Schema, name: FileNameSchema });
/** Why required documents are not digitised at receipt (required then when the procedure requires digitisation). */
const digitisationNote = z.string().trim().min(1).max(2000).optional();
/** Required documents the law only asks to see (xuất trình, e.g. the ID card shown for comparison): shown, not kept. */
const shownComponents = z
  .array(componentIndex)
  .max(100)
  .optional()
  .describe('indexes of required documents shown to the clerk and handed back (xuất trình, không lưu): no scan, no reason needed');

export const SubmissionSchema = z
  .strictObject({
    procedureCode: text(32),
    channel: z.enum(CHANNELS),
    applicant: ApplicantSchema,
    documents: z.array(DocumentSchema).min(1).max(100),
    note: z.string().trim().max(2000).optional(),
    /** at the counter the dossier is received at once: the applicant's notification choice is recorded in that RECEIVE */
    notification: NotificationRequestSchema.optional(),
    receiveAtOnce: z
      .boolean()
      .optional()
      .describe(
        'counter only: false registers the dossier for the intake check without receiving it (no official code, no clock), so the counter can then receive it, guide the applicant to complete it (REQUEST_SUPPLEMENT, form 02) or refuse it (REFUSE, form 03); default true at the counter. Online and postal dossiers always wait for a clerk.',
      ),
    /** scans of the required documents, uploaded first (attached before the receipt) */
    attachments: z.array(AttachmentSchema).max(100).optional(),
    digitisationNote,
    shownComponents,
  })
  .superRefine((v, ctx) => {
    if (!v.notification) return;
    if (v.channel !== 'counter' || v.receiveAtOnce === false)
      ctx.addIssue({
        code: 'custom',
        path: ['notification'],
        message: 'recorded at receipt: an online or postal dossier records it with its RECEIVE event',
        params: { issue: 'not_allowed' },
      });
    else if (v.notification.channel === 'email' && !v.notification.contact && !v.applicant.email)
      ctx.addIssue({
        code: 'custom',
        path: ['notification', 'contact'],
        message: 'required: the e-mail address (the applicant gave none)',
        params: { issue: 'required' },
      });
  });
export type Submission = z.infer<typeof SubmissionSchema>;

const note = z.string().trim().max(2000).optional();

export const CommandSchemas = {
  RECEIVE: z.strictObject({ note, notification: NotificationRequestSchema.optional(), digitisationNote, shownComponents }),
  ASSIGN: z.strictObject({ unit: text(64).optional(), assignee: text(64).nullable().optional(), note }),
  COMPLETE_STEP: z.strictObject({ note }),
  RETURN_STEP: z.strictObject({ reason: text(2000) }),
  REQUEST_SUPPLEMENT: z.strictObject({ missing: z.array(text(300)).min(1).max(50), reason: text(2000) }),
  RECEIVE_SUPPLEMENT: z.strictObject({ note }),
  /** the applicant completed a dossier the counter guided at intake (form 02): a new intake wait begins */
  RESUBMIT: z.strictObject({ note }),
  PAUSE: z.strictObject({
    reason: z.enum(['financial_obligation', 'verification', 'applicant_request', 'other']),
    note,
  }),
  RESUME: z.strictObject({ note }),
  RECORD_RESULT: z.strictObject({
    documentNumber: text(64),
    documentDate: localDate,
    signer: text(64).describe(
      'username of the signer: a leader (head or deputy head) of the office holding the dossier or of the leadership (GET /api/dossiers/{code}/signers?for=RECORD_RESULT); the event records the full name and title',
    ),
    digitised: z.boolean().default(true),
    /** the signed result document, uploaded first; required when the procedure requires a digitised result */
    document: z.strictObject({ sha256: Sha256Schema, name: FileNameSchema, form: z.enum(RESULT_FORMS) }).optional(),
  }),
  REFUSE: z.strictObject({
    reason: text(2000),
    signer: text(64)
      .optional()
      .describe(
        'username of the signer, required after receipt: a leader of the office holding the dossier or of the leadership (GET /api/dossiers/{code}/signers?for=REFUSE)',
      ),
  }),
  ISSUE_APOLOGY: z.strictObject({
    reason: text(2000),
    responsibleUnit: text(64).optional(),
    responsibleStep: text(64).optional(),
    responsibleOfficer: text(64).optional(),
    signer: text(64).describe(
      'username of the signer: the head or a deputy head of the responsible office, or the leadership (GET /api/dossiers/{code}/signers)',
    ),
    newDueDate: localDate
      .optional()
      .describe('the new appointment (a working day after today and after the current one); required unless returnNow'),
    returnNow: z
      .literal(true)
      .optional()
      .describe(
        'the result is ready and handed over at once (applicant at the counter): no new appointment; only once the result is recorded, without newDueDate',
      ),
  }),
  RETURN_RESULT: z.strictObject({
    method: z.enum(RETURN_METHODS).default('counter'),
    rating: z.int().min(1).max(5).optional(),
  }),
  /** the applicant asks to stop (national status 7); the counter records the request */
  REQUEST_WITHDRAWAL: z.strictObject({
    reason: text(2000),
    via: z.enum(WITHDRAWAL_CHANNELS).default('counter'),
  }),
  /** version-1 dossiers: stop at once; from version 2: the stop notice after a request (status 8) */
  WITHDRAW: z.strictObject({ reason: text(2000) }),
  /** a leader approves an exemption from the apology for a late dossier */
  RECORD_EXEMPTION: z.strictObject({
    reason: z.enum(EXEMPTION_REASONS),
    explanation: text(2000),
    reference: z.strictObject({ number: text(64), date: localDate }).optional(),
  }),
  /**
   * a returned approved result corrected by a leader (an error in the result): the new number, date and signer,
   * with the corrected document (uploaded first) as a new version of the result document; the old ones stay
   */
  CORRECT_RESULT: z.strictObject({
    reason: text(2000),
    documentNumber: text(64),
    documentDate: localDate,
    signer: text(64).describe(
      'username of the signer: a leader of the office holding the dossier or of the leadership (GET /api/dossiers/{code}/signers?for=CORRECT_RESULT)',
    ),
    document: z.strictObject({ sha256: Sha256Schema, name: FileNameSchema, form: z.enum(RESULT_FORMS) }).optional(),
  }),
  /**
   * the applicant changes how to be told after receipt (docs/notifications.md): a new channel or address, or the
   * consent withdrawn (channel none); messages of later events follow it, and none is queued once consent is withdrawn
   */
  CHANGE_NOTIFICATION: z.strictObject({
    notification: NotificationRequestSchema,
    onBehalf: text(200)
      .optional()
      .describe("the name of who asked on the applicant's behalf (an authorised representative); left out: the applicant in person"),
    reason: text(2000).optional(),
  }),
  /** a stored file (uploaded first) as a component of the application or a working document of the office */
  ATTACH_DOCUMENT: z.strictObject({
    kind: z.enum(DOCUMENT_KINDS.filter((k) => k !== 'result') as ['component', 'working']).default('component'),
    component: componentIndex.optional().describe('required with kind "component": which required document this is'),
    sha256: Sha256Schema,
    name: FileNameSchema,
  }),
  /** a new version of a document, with the reason; the old version stays */
  REPLACE_DOCUMENT: z.strictObject({ documentId: DocumentIdSchema, sha256: Sha256Schema, name: FileNameSchema, reason: text(2000) }),
  /** a document of an earlier dossier of the same applicant, attached by reference instead of scanning again */
  REUSE_DOCUMENT: z.strictObject({
    component: componentIndex,
    source: z.strictObject({ dossierCode: text(96), documentId: DocumentIdSchema }),
  }),
} as const;

export type UserEventType = keyof typeof CommandSchemas;
/** What the service adds once it has resolved a signer's username against the users: the name printed, the title, the account. */
interface ResolvedSigner {
  signerTitle?: string;
  signerUsername?: string;
}
/** What the service adds once it has found the uploaded files (and a reused document's source) in the store. */
interface ResolvedFiles {
  file?: FileRef;
  source?: DocumentSource;
}
export type Command = {
  [K in UserEventType]: { type: K } & z.infer<(typeof CommandSchemas)[K]> &
    (K extends 'ISSUE_APOLOGY' | 'REFUSE' | 'RECORD_RESULT' | 'CORRECT_RESULT' ? ResolvedSigner : unknown) &
    (K extends 'ATTACH_DOCUMENT' | 'REPLACE_DOCUMENT' | 'REUSE_DOCUMENT' | 'RECORD_RESULT' | 'CORRECT_RESULT' ? ResolvedFiles : unknown);
}[UserEventType];

export function isUserEventType(t: string): t is UserEventType {
  return Object.prototype.hasOwnProperty.call(CommandSchemas, t);
}
