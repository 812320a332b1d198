/**
 * The API's answers as the web UI reads them, for the JSDoc types of src/web (checked by tsconfig.web.json).
 * Where the server's shape lives in a pure module (machines/, or a zod schema module — src/services/*-schemas.ts,
 * src/reports/report-schemas.ts — that imports only zod and machines/), the type is taken from it: `import type` is erased, so nothing reaches
 * the browser, and the browser's type-check reads those modules without Node's types (tsconfig.web.json has
 * `types: []`; the .dependency-cruiser.cjs rules web-types-from-pure-modules and web-schema-modules-are-pure
 * keep it so). The others mirror a response schema that still sits beside Express or the store (named below)
 * and list only fields the server sends; test/support/web-types.ts checks that every server answer is
 * assignable to them, so a field renamed or retyped on the server fails `npm run typecheck`.
 * Plain types only: this file is also part of the server's program (tsconfig.json), which has no DOM.
 */
import type { z } from 'zod';
import type { VocabularySchema } from '../../machines/vocabulary';
import type { ReceiptDigitisation } from '../../machines/dossier/types';
import type { MessageLogItemSchema, NotifyChannelSchema, NotifyOverviewSchema } from '../services/notify-schemas';
import type { DeliveryListSchema, OutboxChannelSchema, PortalSyncStatusSchema } from '../services/integration-schemas';
import type { NoteViewSchema, ReviewDossierSchema, WeeklyReviewJsonSchema } from '../reports/report-schemas';

/** ISO-8601 instant in UTC */
export type Instant = string;
/** a local date YYYY-MM-DD */
export type LocalDate = string;

/** machines/procedures/units.ts ROLES */
export type Role = 'counter' | 'specialist' | 'leader' | 'supervisor' | 'auditor' | 'admin';
/** src/services/screens.ts SCREENS */
export type Screen = 'intake' | 'inbox' | 'search' | 'dashboard' | 'review' | 'notifications';

/** the signed-in user: AuthUserSchema (src/http/routes/auth.ts), GET /api/auth/me and the login's `user` */
export interface SessionUser {
  username: string;
  fullName: string;
  title: string;
  roles: Role[];
  unit: string;
  screens: Screen[];
}

/** LoginResponseSchema (POST /api/auth/login) */
export interface LoginResponse {
  token: string;
  expiresAt: Instant;
  user: SessionUser;
}

/** one problem of a 400 VALIDATION_FAILED ({field, code, reason}); the UI's own checks give `vi` instead */
export interface ValidationIssue {
  field: string;
  code?: string;
  reason?: string;
  /** the UI's own Vietnamese text (never from the server) */
  vi?: string;
}

/** a working-time amount (WorkingAmountSchema, machines/procedures/schema.ts) */
export interface WorkingAmount {
  value: number;
  unit: 'days' | 'hours';
}

/** one step of a procedure (StepSchema) */
export interface ProcedureStep {
  id: string;
  name: string;
  role: Role;
  unit: string;
  budget: WorkingAmount;
}

/** a procedure of GET /api/procedures (ProcedureDefinitionSchema, output form); the fields the UI reads */
export interface Procedure {
  code: string;
  version: number;
  name: string;
  field: { code: string; name: string };
  level: 'commune' | 'province';
  processingTime: WorkingAmount;
  legalBasis: string;
  fee: { amount: number; note?: string };
  /** optional: brought only when it applies ("(nếu có)") */
  requiredDocuments: { name: string; copies: number; original: boolean; optional: boolean; showOnly?: boolean }[];
  resultDocument: string;
  steps: ProcedureStep[];
  maxSupplements: number;
  supplementWindowDays: number;
  pauseReasons: string[];
  digitisation?: { components: boolean; result: boolean };
  cutoff?: string;
}

/** DossierViewSchema (src/services/dossier-schemas.ts): a dossier in a list, applicant masked */
export interface DossierView {
  code: string;
  submissionRef: string;
  procedureCode: string;
  procedureVersion: number;
  procedureName: string | null;
  machineVersion: number;
  channel: 'counter' | 'online' | 'postal';
  state: string;
  nationalStatus: { code: number; name: string };
  step: string | null;
  stepName: string | null;
  timeliness: string;
  submittedAt: Instant;
  receivedAt: Instant | null;
  dueAt: Instant | null;
  originalDueAt: Instant | null;
  resultAt: Instant | null;
  returnedAt: Instant | null;
  outcome: 'approved' | 'refused' | null;
  unit: string | null;
  assignee: string | null;
  assigneeName: string | null;
  version: number;
  /** events the dossier state allows now */
  allowedEvents: string[];
  /** of those, the ones the signed-in user may send */
  permittedEvents: string[];
  pauses: { count: number; totalWorkingMs: number; extensionMs: number };
  exemption: { reason: string; approvedBy: string; approvedByName: string; at: Instant } | null;
  /** the latest apology; newDueAt null when the result was handed over at once */
  apology: { at: Instant; newDueAt: Instant | null } | null;
  intake: { waitingSince: Instant; dueBy: Instant | null; waitedWorkingMs: number; waiting: boolean; overdue: boolean } | null;
  /** masked: only the last 4 characters of the ID number and phone */
  applicant: { fullName: string; idNumber: string; phone: string };
}

/** DossierDetailSchema: GET /api/dossiers/{code}, the applicant in full */
export interface DossierDetail extends DossierView {
  applicant: { fullName: string; idNumber: string; phone: string; email?: string; address: string };
  documents: { name: string; copies: number }[];
  note?: string;
  /** what the receipt recorded of the required documents (indexes into requiredDocuments); null before receipt */
  digitisation: ReceiptDigitisation | null;
}

/** DossierListResponseSchema: one page of GET /api/dossiers */
export interface DossierListPage {
  items: DossierView[];
  nextCursor: string | null;
}

/** EventViewSchema: one event of GET /api/dossiers/{code}/events */
export interface EventView {
  seq: number;
  type: string;
  payload: Record<string, unknown>;
  actor: string;
  actorName: string | null;
  actorUnit: string | null;
  assigneeName: string | null;
  occurredAt: Instant;
  machineVersion: number;
  hash: string;
}

/** SignerSchema */
export interface Signer {
  username: string;
  fullName: string;
  title: string;
  unit: string;
}

/** SignerListSchema: GET /api/dossiers/{code}/signers */
export interface SignerList {
  /** the event to be signed */
  for: string;
  responsibleUnit: string | null;
  signers: Signer[];
}

/** AssigneeOptionsSchema: GET /api/dossiers/{code}/assignees */
export interface AssigneeOptions {
  step: { id: string; name: string; role: string; unit: string } | null;
  units: { code: string; name: string }[];
  assignees: (Signer & { roles: string[] })[];
}

/** NextWorkingDaySchema: GET /api/calendar/next-working-day */
export interface NextWorkingDay {
  after: LocalDate;
  date: LocalDate;
  calendarVersion: number;
}

/** GET /api/vocabulary: the domain's words (VocabularySchema, machines/vocabulary.ts) */
export type Vocabulary = z.output<typeof VocabularySchema>;

/** PublicDossierStatusSchema (src/http/routes/public.ts): GET /api/public/dossiers/{code} */
export interface PublicDossierStatus {
  code: string;
  status: string;
  state: string;
  dueAt: Instant | null;
  resultReady: boolean;
  returned: boolean;
  /** the result is an electronic original the applicant can download (GET /api/public/dossiers/{code}/result-document) */
  electronicResult: boolean;
  clockStopped: boolean;
  late: boolean;
  originalDueAt: Instant | null;
  supplement: { requestedAt: Instant; missing: string[]; reason: string } | null;
  /** newDueAt null when the result was handed over at once */
  apology: { issuedAt: Instant; reason: string; newDueAt: Instant | null } | null;
}

/** MonthlyStatusSchema (src/services/review-service.ts): GET /api/reports/monthly/status */
export interface MonthlyStatus {
  month: string;
  /** local date: the 3rd of the next month */
  dueBy: LocalDate;
  ended: boolean;
  delivered: boolean;
  overdue: boolean;
  downloadedAt: Instant | null;
  downloadedBy: string | null;
  downloadedByName: string | null;
  sentAt: Instant | null;
  sentBy: string | null;
  sentByName: string | null;
  sentNote: string | null;
}

/** WeekStatusListSchema: GET /api/reports/weekly-late-review/sign-offs */
export interface WeekStatusList {
  scope: string;
  asOf: Instant;
  weeks: {
    week: string;
    from: LocalDate;
    to: LocalDate;
    ended: boolean;
    signedOff: boolean;
    signedOffAt: Instant | null;
    signedOffBy: string | null;
    signedOffByName: string | null;
    notes: number;
  }[];
}

/** GET /api/integration/portal-sync */
export type PortalSyncStatus = z.output<typeof PortalSyncStatusSchema>;

/**
 * The figures of one group (ComplianceFigures, machines/metrics/definitions.ts; docs/metrics.md): counts, and
 * rates (0–1), averages and durations that are null without a denominator. The dashboard reads most by key;
 * the ones it adds up are named.
 */
export interface ComplianceFigures {
  [figure: string]: number | null;
  resolved: number;
  early: number;
  onTime: number;
  late: number;
  pendingLate: number;
  onTimeRate: number | null;
}

/**
 * ComplianceReport (machines/metrics/definitions.ts): GET /api/metrics/compliance. Its zod schema
 * (ComplianceReportSchema) builds the figures from the metric definitions, so the check holds this to
 * MetricsService.compliance's answer.
 */
export interface ComplianceReport {
  from: LocalDate;
  to: LocalDate;
  groupBy: string;
  /** when pending dossiers were classified: the period end, or now for a running period */
  asOf: Instant;
  generatedAt: Instant;
  source: 'rollup' | 'projection' | 'events';
  groups: {
    key: string;
    label: string;
    figures: ComplianceFigures;
  }[];
}

/**
 * DigitisationReport (src/metrics/digitisation-report.ts): GET /api/metrics/digitisation, the digitisation and reuse
 * rates (0–1, null without a denominator) and the counts they divide, from their rollup.
 */
export interface DigitisationReport {
  from: LocalDate;
  to: LocalDate;
  groupBy: string;
  generatedAt: Instant;
  source: 'rollup' | 'projection' | 'events';
  groups: {
    key: string;
    label: string;
    figures: {
      received: number;
      digitisedReceipts: number;
      receiptDigitisedShare: number | null;
      reusedReceipts: number;
      reuseShare: number | null;
      resolved: number;
      digitisedResults: number;
      digitisedShare: number | null;
    };
  }[];
}

/** one channel of GET /api/admin/notifications; its config's secrets answered as "••••" */
export type NotifyChannel = z.output<typeof NotifyChannelSchema>;

/** GET /api/admin/notifications */
export type NotifyOverview = z.output<typeof NotifyOverviewSchema>;

/** one message of GET /api/admin/notifications/messages */
export type MessageLogItem = z.output<typeof MessageLogItemSchema>;

/** one subscriber of GET /api/admin/outbox */
export type OutboxChannel = z.output<typeof OutboxChannelSchema>;

/** one delivery of the dead letters (GET /api/admin/outbox/dead-letters) */
export type Delivery = z.output<typeof DeliveryListSchema>['items'][number];

/** a dossier's state, timeliness and due date before an event (src/audit/replay-steps.ts StepStateBefore) */
export interface ReplayStepBefore {
  state: string;
  timeliness: string;
  dueAt: Instant | null;
}

/** the same after the event, with the legal due date and the step (StepStateAfter) */
export interface ReplayStepAfter extends ReplayStepBefore {
  originalDueAt: Instant | null;
  step: string | null;
}

/** one event of a replay (ReplayStep): what it changed and its link in the hash chain */
export interface ReplayStep {
  seq: number;
  type: string;
  occurredAt: Instant;
  actor: string;
  actorUnit: string | null;
  /** null for SUBMIT, which creates the dossier */
  before: ReplayStepBefore | null;
  after: ReplayStepAfter;
  hashOk: boolean;
  linkOk: boolean;
}

/** the replayed dossier after an event: its facts (machines/dossier/facts.ts DossierFacts) with that event's seq and time */
export interface ReplayState {
  seq: number;
  occurredAt: Instant;
  state: string;
  timeliness: string;
  dueAt: Instant | null;
  originalDueAt: Instant | null;
  step: string | null;
  unit: string | null;
  assignee: string | null;
  receivedAt: Instant | null;
  resultAt: Instant | null;
  outcome: string | null;
  finalTimeliness: string | null;
  returnedAt: Instant | null;
  apologies: number;
  supplements: number;
}

/**
 * GET /api/dossiers/{code}/replay[?upTo=seq] (AuditService.replay, src/services/audit-service.ts). Its zod schema
 * (ReplaySchema) leaves the facts open (a record), so the conformance check holds this to the service's answer.
 */
export interface Replay {
  code: string;
  machineVersion: number | null;
  cut: { upTo: number } | { at: Instant } | null;
  steps: ReplayStep[];
  /** the facts at the cut-off; null when no event is included */
  state: ReplayState | null;
  /** where the replay stopped, and why */
  error: { seq: number; message: string } | null;
  /** without a cut-off: where the dossier row differs from the replay (empty when intact) */
  differences: { field: string; stored: unknown; replayed: unknown }[] | null;
}

/** one finding of verification (FindingSchema; docs/audit.md lists the kinds) */
export interface Finding {
  dossierCode: string;
  /** the event the finding is located at; null for whole-dossier findings */
  seq: number | null;
  kind: string;
  message: string;
  /** projection_drift: the column */
  field?: string;
  stored?: unknown;
  replayed?: unknown;
}

/** DossierVerificationSchema: GET /api/dossiers/{code}/verify */
export interface DossierVerification {
  code: string;
  ok: boolean;
  findings: Finding[];
  /** not failures: a file deleted by the retention job, with its record */
  notices: Finding[];
  chain: { seq: number; hashOk: boolean; linkOk: boolean; seqOk: boolean }[];
}

/** a cause and corrective action written into the weekly review */
export type ReviewNote = z.output<typeof NoteViewSchema>;

/** one listed dossier of the weekly review */
export type WeeklyReviewDossier = z.output<typeof ReviewDossierSchema>;

/** GET /api/reports/weekly-late-review (format json): the header, the dossiers, then the totals and follow-up */
export type WeeklyReview = z.output<typeof WeeklyReviewJsonSchema>;
