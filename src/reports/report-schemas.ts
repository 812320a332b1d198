/**
 * The JSON answers of the two reports (GET /api/reports/weekly-late-review and GET /api/reports/monthly,
 * format=json), as zod schemas: the single source of the reports' types (src/reports/weekly-review.ts and
 * monthly-report.ts build values of them) and of their OpenAPI components (src/http/openapi.ts).
 * test/reports/weekly-review.test.ts and monthly-report.test.ts parse the real answers with them.
 * Pure: zod only.
 */
import { z } from 'zod';
import { CHANNELS } from '../../machines/dossier/types';

const instant = z.string().describe('ISO-8601 instant in UTC');
const count = z.int().min(0);
const rate = z.number().min(0).max(1).nullable().describe('0–1; null without a denominator');

// --- the weekly late-dossier review --------------------------------------------------------------

export const CategorySchema = z
  .enum(['resolved_late', 'overdue', 'at_risk'])
  .describe(
    'resolved_late: a late result recorded in the week; overdue: in progress past the statutory due date at asOf (or resolved only after it); at_risk: open, due soon or due before the end of the next week',
  );
export type Category = z.output<typeof CategorySchema>;

export const ApologyStatusSchema = z
  .enum(['none', 'timely', 'late', 'exempted'])
  .describe("exempted: no apology, but a leader's approved exemption (not “late without apology”)");
export type ApologyStatus = z.output<typeof ApologyStatusSchema>;

export const ChainVerificationSchema = z.object({
  valid: z.boolean(),
  length: count,
  head: z.string().describe('the hash of the last record (the genesis hash for an empty chain)'),
  brokenAt: z.object({ seq: z.int(), reason: z.string() }).nullable().describe('the first record that does not verify, with why'),
});
export type ChainVerification = z.output<typeof ChainVerificationSchema>;

export const NoteViewSchema = z.object({
  seq: z.int(),
  cause: z.string().describe('phone- and ID-shaped numbers masked'),
  correctiveAction: z.string().describe('phone- and ID-shaped numbers masked'),
  actor: z.string().describe('username'),
  actorName: z.string().describe("the author's full name and title"),
  at: instant,
});
export type NoteView = z.output<typeof NoteViewSchema>;

export const ReviewDossierSchema = z.object({
  category: CategorySchema,
  code: z.string(),
  procedure: z.object({ code: z.string(), name: z.string() }),
  applicant: z.object({ fullName: z.string(), idNumber: z.string().describe('masked: only the last 4 characters') }),
  receivedAt: instant.nullable(),
  dueAt: instant.nullable().describe('the statutory due date lateness is judged by (an apology’s new appointment does not move it)'),
  appointmentAt: instant.nullable().describe('the appointment now (an apology’s new date)'),
  resultAt: instant.nullable(),
  daysOverdue: count.describe('working days past dueAt'),
  state: z.string().describe('lifecycle state (GET /api/vocabulary)'),
  currentStep: z.object({ id: z.string(), name: z.string() }).nullable(),
  currentUnit: z.object({ code: z.string(), name: z.string() }).nullable(),
  responsible: z
    .object({
      step: z.string().nullable(),
      stepName: z.string().nullable(),
      unit: z.string().nullable(),
      unitName: z.string(),
      source: z.enum(['control_slip', 'apology', 'current_step']),
    })
    .nullable()
    .describe('the step and unit the delay is laid to: the step that overran most, else the apology’s, else where the dossier is now'),
  apology: ApologyStatusSchema,
  pauses: z
    .object({ count, totalWorkingMs: count, extensionMs: count })
    .describe('how often the dossier was paused, for how long (working time) and how far pauses moved its statutory due date'),
  notes: z.array(NoteViewSchema).describe("this week's causes and corrective actions"),
  lastWeekNotes: z.array(NoteViewSchema).describe('what was promised last week'),
});
export type ReviewDossier = z.output<typeof ReviewDossierSchema>;

export const TrendPointSchema = z.object({
  week: z.string(),
  from: instant,
  to: instant,
  resolved: count,
  early: count,
  onTime: count,
  late: count,
  onTimeRate: rate,
});
export type TrendPoint = z.output<typeof TrendPointSchema>;

export const WeeklyReviewHeaderSchema = z.object({
  title: z.string(),
  week: z.string().describe('ISO week YYYY-Www'),
  from: instant,
  to: instant,
  asOf: instant.describe("pending dossiers are judged at this instant: the week's end, or now for the current week"),
  generatedAt: instant,
  scope: z.string().describe('a unit code, or centre'),
  scopeName: z.string(),
  review: z.object({
    signedOff: z.boolean(),
    signedOffAt: instant.nullable(),
    signedOffBy: z.string().nullable().describe('username'),
    signedOffByName: z.string().nullable().describe("the signer's full name and title"),
    summary: z.string().nullable(),
    notes: count,
    chain: ChainVerificationSchema,
  }),
  trend: z.array(TrendPointSchema).describe('the week and the 4 before it, oldest first'),
});
export type WeeklyReviewHeader = z.output<typeof WeeklyReviewHeaderSchema>;

export const RankItemSchema = z.object({ code: z.string(), name: z.string(), late: count });
export type RankItem = z.output<typeof RankItemSchema>;

export const FollowUpSchema = z.object({
  code: z.string(),
  procedureName: z.string(),
  state: z.string(),
  resultAt: instant.nullable(),
  finalTimeliness: z.string().nullable(),
  lastWeekNotes: z.array(NoteViewSchema),
});
export type FollowUp = z.output<typeof FollowUpSchema>;

export const WeeklyReviewTailSchema = z.object({
  totals: z.object({
    dossiers: count,
    late: count,
    resolvedLate: count,
    overdue: count,
    atRisk: count,
    apologyNone: count,
    exempted: count.describe('late dossiers without an apology but with an approved exemption, counted apart from apologies'),
    apologyTimely: count,
    apologyLate: count,
    resolved: count,
    early: count,
    onTime: count,
    onTimeRate: rate,
  }),
  worstProcedures: z.array(RankItemSchema),
  worstUnits: z.array(RankItemSchema),
  followUp: z.array(FollowUpSchema).describe('dossiers noted last week that are no longer on the list: what happened to them'),
});
export type WeeklyReviewTail = z.output<typeof WeeklyReviewTailSchema>;

/** format=json: the header, the listed dossiers section by section, then the totals, rankings and follow-up. */
export const WeeklyReviewJsonSchema = WeeklyReviewHeaderSchema.extend({
  dossiers: z.array(ReviewDossierSchema).describe('the late and at-risk dossiers, section by section'),
  ...WeeklyReviewTailSchema.shape,
}).describe('The weekly late-dossier review (format=json); the same content as CSV, XLSX or printable HTML');

// --- the monthly report ------------------------------------------------------------------------------

export const MonthlyRowSchema = z.object({
  channel: z.enum([...CHANNELS, 'total']).describe('how the dossiers came in; total: the sum row'),
  channelLabel: z.string(),
  received: count,
  returned: count,
  returnedAtCounter: count.describe('the applicant came to the counter for the result'),
  returnedByPost: count,
  returnedOnline: count,
});
export type MonthlyRow = z.output<typeof MonthlyRowSchema>;

export const MonthlyReportSchema = z
  .object({
    title: z.string(),
    month: z.string().describe('YYYY-MM'),
    from: instant,
    to: instant,
    generatedAt: instant,
    rows: z.array(MonthlyRowSchema).describe('one row per submission channel'),
    total: MonthlyRowSchema,
  })
  .describe('The monthly report to the Department of Home Affairs (format=json); the same content as CSV, XLSX or printable HTML');
export type MonthlyReport = z.output<typeof MonthlyReportSchema>;
