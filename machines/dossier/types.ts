/**
 * The dossier statechart's data: its context, its input and the events it accepts.
 * Every event carries `at` (server time, stamped by the engine) and `by` (the acting user);
 * events whose effect depends on the working-time calendar carry the engine's computed
 * deadline (with the calendar version it used), so the chart itself never needs a clock
 * or a calendar and replays identically forever.
 */
import type { Instant, WorkingAmount } from '../calendar/types';
import type { NotificationChoice } from '../notify/channels';

/** How a dossier came in: at the counter, online (the portal), by the public postal service. */
export const CHANNELS = ['counter', 'online', 'postal'] as const;
export type Channel = (typeof CHANNELS)[number];
export type Timeliness = 'early' | 'on_time' | 'late';
export type PauseReason = 'financial_obligation' | 'verification' | 'applicant_request' | 'other';
export const RESULT_OUTCOMES = ['approved', 'refused'] as const;
export type ResultOutcome = (typeof RESULT_OUTCOMES)[number];
/** How the result went back to the applicant. */
export const RETURN_METHODS = ['counter', 'post', 'online'] as const;
export type ReturnMethod = (typeof RETURN_METHODS)[number];
/** Why a late dossier is exempt from the apology (the only other way out for a late dossier; chart version 2). */
export const EXEMPTION_REASONS = ['force_majeure', 'applicant_not_collecting', 'applicant_fee_unpaid', 'applicant_other_fault'] as const;
export type ExemptionReason = (typeof EXEMPTION_REASONS)[number];
/** How the applicant asked to stop (Decree 118 Art. 21: in person or by post at the counter; online through the portal). */
export const WITHDRAWAL_CHANNELS = ['counter', 'post', 'online'] as const;
export type WithdrawalChannel = (typeof WITHDRAWAL_CHANNELS)[number];

/** What a stored document is for: a component of the application, a working document of the office, or the result. */
export const DOCUMENT_KINDS = ['component', 'working', 'result'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
/** A result document is the electronic original (the applicant may download it) or a digitised copy of a paper one. */
export const RESULT_FORMS = ['electronic_original', 'digitised_copy'] as const;
export type ResultForm = (typeof RESULT_FORMS)[number];

/** A stored file as an event names it: its content hash (so the event's hash covers the file), size, type and the name shown. */
export interface FileRef {
  sha256: string;
  size: number;
  mediaType: string;
  name: string;
}

/** Where a reused document came from: an earlier dossier of the same applicant. */
export interface DocumentSource {
  dossierCode: string;
  documentId: string;
  version: number;
}

export interface DocumentVersion {
  version: number;
  file: FileRef;
  at: Instant;
  by: string;
  /** why this version replaced the previous one (null for the first) */
  reason: string | null;
  reusedFrom: DocumentSource | null;
}

export interface DossierDocument {
  /** d1, d2, … in the order attached */
  id: string;
  kind: DocumentKind;
  /** the index of the procedure's required document this is the scan of (kind component), else null */
  component: number | null;
  /** result documents only */
  form: ResultForm | null;
  /** every version, oldest first; nothing is ever overwritten */
  versions: DocumentVersion[];
}

/**
 * How completely the application was digitised when it was received (the digitisation rate counts it: digitised
 * when `digitised === required`, docs/metrics.md).
 */
export interface ReceiptDigitisation {
  /**
   * required documents of the procedure version the receipt must have digitised: all of them, less the optional
   * ones not brought (`optionalAbsent`; before that rule, every required document) and those shown, not kept. An
   * optional one on the submission's paper list was brought (from 2026-12; before, one without a file was not)
   */
  required: number;
  /** of them, with a stored file at receipt (scanned or reused) */
  digitised: number;
  /** of those, reused from an earlier dossier */
  reused: number;
  /** indexes of the documents to digitise without a file */
  missing: number[];
  /** why some are missing, when the procedure requires digitisation */
  reason: string | null;
  /**
   * indexes of optional documents ("(nếu có)") without a file and not on the paper list: taken as not brought, not
   * counted; absent when none
   */
  optionalAbsent?: number[];
  /**
   * indexes of documents shown to the clerk and handed back without a scan (xuất trình, không lưu: the law asks only
   * to see them): not in `required`, needing no reason, not counted; absent when none
   */
  shown?: number[];
}

export interface ActorRef {
  username: string;
  unit: string | null;
}

/** The slice of a procedure definition the chart needs; pinned at submission. */
export interface ProcedureTerms {
  code: string;
  version: number;
  processingTime: WorkingAmount;
  steps: { id: string; name: string; role: string; unit: string; budget: WorkingAmount }[];
  maxSupplements: number;
  maxReappointments: number;
  /** when an apology is due: one working day before the due date (Decree 118 practice) or at the deadline (Decree 297/2025 groups) */
  apologyDeadline: 'one_working_day_before' | 'at_deadline';
  /** local "HH:MM" after which a dossier counts as received the next working day; null = the centre's */
  cutoff: string | null;
  pauseReasons: PauseReason[];
  /** working days after receipt within which a supplement may be requested (default 3; absent in terms pinned before issue 12) */
  supplementWindowDays?: number;
}

export interface DossierInput {
  dossierId: string;
  code: string;
  channel: Channel;
  procedure: ProcedureTerms;
  submittedAt: Instant;
  by: ActorRef;
  /** an online submission must be answered at intake by then (8 working hours, Decree 297/2025 Art. 6(4)); absent for other channels and before chart version 3 */
  intakeDueBy?: Instant | null;
}

/**
 * The intake step of a dossier not yet received (chart version 3 on): the counter answers a submission by
 * receiving it, guiding the applicant to complete it (form 02) or refusing it (form 03). An online submission
 * must be answered within 8 working hours of its submission (or of its resubmission after a guidance).
 */
export interface IntakeRecord {
  /** when the current wait began: the submission, or the applicant's last resubmission */
  waitingSince: Instant;
  /** the answer is due by then (online submissions only; null for the counter and postal channels) */
  dueBy: Instant | null;
  /** when the counter answered the current wait (null while it waits) */
  answeredAt: Instant | null;
  /** the first answer given after its due time (flagged and counted; null: never) */
  lateAnswerAt: Instant | null;
  /** supplement guidances given at intake (form 02), each ending a wait */
  guidances: number;
}

/** One entry of the deadline clock. The due date is always the last entry's dueAt. */
export interface ClockEntry {
  kind: 'start' | 'stop' | 'restart' | 'pause' | 'resume' | 'reappoint' | 'recalendar';
  at: Instant;
  dueAt: Instant | null;
  originalDueAt: Instant | null;
  calendarVersion: number | null;
  reason?: string;
  /** a supplement requested after the procedure's window (flagged and counted, still allowed) */
  lateRequest?: boolean;
}

export interface StepRecord {
  index: number;
  stepId: string;
  unit: string;
  assignee: string | null;
  startedAt: Instant;
  endedAt: Instant;
  by: string;
  outcome: 'completed' | 'returned' | 'result' | 'refused';
  reason?: string;
}

/** A step that ran past its own time budget (flagged by the sweeper while the step was in progress). */
export interface StepOverrun {
  stepIndex: number;
  stepId: string;
  unit: string | null;
  assignee: string | null;
  stepDueAt: Instant;
  flaggedAt: Instant;
}

export interface ResultRecord {
  outcome: ResultOutcome;
  recordedAt: Instant;
  by: string;
  documentNumber: string | null;
  documentDate: string | null;
  signer: string | null;
  reason: string | null;
  digitised: boolean;
  /** the result document's id among the documents (absent before issue 14 or when none was stored) */
  documentId?: string | null;
  /** corrections after the result was handed back (CORRECT_RESULT), oldest first; absent when none */
  corrections?: ResultCorrection[];
}

/** A correction of a returned result: why, by whom, and what the result said before (kept, never overwritten). */
export interface ResultCorrection {
  at: Instant;
  by: string;
  reason: string;
  previous: { documentNumber: string | null; documentDate: string | null; signer: string | null };
  /** the result document's version this correction added (null when it changed the record only) */
  document: { documentId: string; version: number } | null;
}

export interface ApologyRecord {
  at: Instant;
  by: string;
  reason: string;
  responsibleUnit: string;
  responsibleStep: string;
  responsibleOfficer: string | null;
  /** the signer's full name as printed */
  signer: string;
  /** the signer's title (chức danh) and account, when chosen from the users (absent on apologies recorded before signers were accounts) */
  signerTitle?: string;
  signerUsername?: string;
  previousDueAt: Instant;
  /** the new appointment; null when the result was ready and handed over at once (no new appointment) */
  newDueAt: Instant | null;
  /** issued no later than the procedure's apology deadline (one working day before the due date by default) */
  timely: boolean;
}

/** An approved exemption: the delay is not the office's (force majeure or the applicant's own fault). */
export interface ExemptionRecord {
  at: Instant;
  /** the leader who approved it (the acting user) */
  approvedBy: string;
  reason: ExemptionReason;
  explanation: string;
  /** the document it rests on, if any (number and date) */
  reference: { number: string; date: string } | null;
  /** the statutory due date when it was recorded */
  dueAt: Instant | null;
}

export interface WithdrawalRequest {
  at: Instant;
  by: string;
  reason: string;
  via: WithdrawalChannel;
}

export interface DossierContext {
  dossierId: string;
  code: string;
  channel: Channel;
  procedure: ProcedureTerms;
  submittedAt: Instant;
  receivedAt: Instant | null;
  /** current appointment (changes with supplement restarts, pauses and apologies) */
  dueAt: Instant | null;
  /** statutory due date: lateness is measured against it; an apology's new appointment does not move it */
  originalDueAt: Instant | null;
  clock: ClockEntry[];
  stepIndex: number;
  stepStartedAt: Instant | null;
  unit: string | null;
  assignee: string | null;
  steps: StepRecord[];
  /** overrun flags raised by the sweeper; the last one may belong to the current step */
  stepOverruns: StepOverrun[];
  supplementsRequested: number;
  pausedAt: Instant | null;
  pauseReason: PauseReason | null;
  apologies: ApologyRecord[];
  result: ResultRecord | null;
  finalTimeliness: Timeliness | null;
  returnedAt: Instant | null;
  returnMethod: ReturnMethod | null;
  rating: number | null;
  closedAt: Instant | null;
  closeReason: string | null;
  /** chart version 2 on: approved exemptions (absent in version-1 snapshots, which never have one) */
  exemptions?: ExemptionRecord[];
  /** chart version 2 on: the applicant's request to stop (national status 7), absent in version 1 */
  withdrawalRequest?: WithdrawalRequest | null;
  /** chart version 3 on: the intake step before receipt, absent in earlier versions */
  intake?: IntakeRecord;
  /** stored documents (absent in snapshots from before issue 14, which have none) */
  documents?: DossierDocument[];
  /** recorded by RECEIVE since issue 14 */
  receiptDigitisation?: ReceiptDigitisation | null;
  /**
   * The applicant's latest change of how to be told (CHANGE_NOTIFICATION): the channel and the consent, never
   * the address (that stays in the event). Absent until the first change: the RECEIVE event's choice stands.
   */
  notification?: { channel: NotificationChoice['channel']; consent: boolean };
}

interface Stamp {
  at: Instant;
  by: ActorRef;
}
/** Deadline data the engine computes with the calendar before the event reaches the chart. */
export interface DeadlineStamp {
  dueAt: Instant;
  countedFrom: Instant;
  calendarVersion: number;
}

/** The signer's title and account, stamped from the users table when the signer was chosen among them. */
export interface SignerStamp {
  signerTitle?: string;
  signerUsername?: string;
}

export type DossierEvent =
  | ({
      type: 'RECEIVE';
      /** the official dossier code, numbered on the day of receipt; absent when the code was given at submission (dossiers received at the counter at once, and histories numbered before issue 12) */
      code?: string;
      /** how the applicant chose to be told, with the consent (absent when not asked: no messages) */
      notification?: NotificationChoice;
      /** how completely the application is digitised (absent before issue 14) */
      digitisation?: ReceiptDigitisation;
    } & Stamp &
      DeadlineStamp)
  | ({ type: 'ASSIGN'; unit: string; assignee: string | null } & Stamp)
  | ({ type: 'COMPLETE_STEP'; note?: string | null } & Stamp)
  | ({ type: 'RETURN_STEP'; reason: string } & Stamp)
  | ({
      type: 'REQUEST_SUPPLEMENT';
      missing: string[];
      reason: string;
      /** the close of the window for a supplement request (receipt + supplementWindowDays working days) */
      windowEndsAt?: Instant;
      /** requested after that window: allowed, but flagged and counted */
      late?: boolean;
    } & Stamp)
  | ({ type: 'RECEIVE_SUPPLEMENT' } & Stamp & DeadlineStamp)
  | ({
      type: 'RESUBMIT';
      /** the completed submission must be answered by then (online: 8 working hours; null otherwise) */
      intakeDueBy: Instant | null;
      note?: string | null;
    } & Stamp)
  | ({ type: 'PAUSE'; reason: PauseReason; note?: string | null } & Stamp)
  | ({
      type: 'RESUME';
      /** working time of this pause */
      pausedWorkingMs: number;
      /** working time of all pauses since the clock last (re)started, this one included (absent before the accumulated pause rule) */
      totalPausedWorkingMs?: number;
      /** how far this resume moved the due dates, in working time (absent before the accumulated pause rule) */
      extensionMs?: number;
      dueAt: Instant;
      originalDueAt: Instant;
      calendarVersion: number;
    } & Stamp)
  | ({
      type: 'RECORD_RESULT';
      documentNumber: string;
      documentDate: string;
      /** the signer's full name as printed (a username resolved among the users since issue 12; free text before) */
      signer: string;
      digitised: boolean;
      /** the signed result document stored with the result (absent before issue 14 or when none is stored) */
      document?: { documentId: string; file: FileRef; form: ResultForm };
    } & SignerStamp &
      Stamp)
  | ({
      type: 'CORRECT_RESULT';
      /** what was wrong, and on what basis it is corrected */
      reason: string;
      documentNumber: string;
      documentDate: string;
      signer: string;
      /** what the result said before this correction */
      previous: { documentNumber: string | null; documentDate: string | null; signer: string | null };
      /** the corrected result document: a new version of the result document (or its first, when none was stored) */
      document?: { documentId: string; version: number; file: FileRef; form: ResultForm };
    } & SignerStamp &
      Stamp)
  | ({
      type: 'ATTACH_DOCUMENT';
      documentId: string;
      kind: DocumentKind;
      component: number | null;
      file: FileRef;
    } & Stamp)
  | ({ type: 'REPLACE_DOCUMENT'; documentId: string; version: number; file: FileRef; reason: string } & Stamp)
  | ({
      type: 'REUSE_DOCUMENT';
      documentId: string;
      component: number;
      file: FileRef;
      source: DocumentSource;
    } & Stamp)
  | ({ type: 'REFUSE'; reason: string; signer?: string | null } & SignerStamp & Stamp)
  | ({
      type: 'ISSUE_APOLOGY';
      reason: string;
      responsibleUnit: string;
      responsibleStep: string;
      responsibleOfficer?: string | null;
      signer: string;
      /** null: the result is handed over at once, no new appointment (only in `result`) */
      newDueAt: Instant | null;
      timely: boolean;
      calendarVersion: number;
    } & SignerStamp &
      Stamp)
  | ({ type: 'RETURN_RESULT'; method: ReturnMethod; rating?: number | null } & Stamp)
  | ({
      type: 'CHANGE_NOTIFICATION';
      /** the applicant's new choice; channel none with consent false withdraws the consent (no further messages) */
      notification: NotificationChoice;
      /** who asked on the applicant's behalf (an authorised representative), by name; null: the applicant in person */
      onBehalf: string | null;
      reason: string | null;
    } & Stamp)
  | ({ type: 'WITHDRAW'; reason: string } & Stamp)
  | ({ type: 'REQUEST_WITHDRAWAL'; reason: string; via: WithdrawalChannel } & Stamp)
  | ({
      type: 'RECORD_EXEMPTION';
      reason: ExemptionReason;
      explanation: string;
      reference?: { number: string; date: string } | null;
    } & Stamp)
  | ({
      type: 'DEADLINE_APPROACHING';
      dueAt: Instant;
      /** when the apology window closes (absent once no apology can be issued, and in events before this rule) */
      apologyDueBy?: Instant;
    } & Stamp)
  | ({ type: 'DEADLINE_PASSED'; dueAt: Instant } & Stamp)
  | ({
      type: 'CALENDAR_CHANGED';
      previousCalendarVersion: number;
      calendarVersion: number;
      previousDueAt: Instant;
      previousOriginalDueAt: Instant;
      dueAt: Instant;
      originalDueAt: Instant;
    } & Stamp)
  | ({ type: 'STEP_OVERDUE'; stepIndex: number; stepId: string; stepDueAt: Instant } & Stamp);

export type DossierEventType = DossierEvent['type'];

export const USER_EVENT_TYPES = [
  'RECEIVE',
  'ASSIGN',
  'COMPLETE_STEP',
  'RETURN_STEP',
  'REQUEST_SUPPLEMENT',
  'RECEIVE_SUPPLEMENT',
  'RESUBMIT',
  'PAUSE',
  'RESUME',
  'RECORD_RESULT',
  'REFUSE',
  'ISSUE_APOLOGY',
  'RETURN_RESULT',
  'REQUEST_WITHDRAWAL',
  'WITHDRAW',
  'RECORD_EXEMPTION',
  'ATTACH_DOCUMENT',
  'REPLACE_DOCUMENT',
  'REUSE_DOCUMENT',
  'CORRECT_RESULT',
  'CHANGE_NOTIFICATION',
] as const satisfies readonly DossierEventType[];

export const SYSTEM_EVENT_TYPES = [
  'DEADLINE_APPROACHING',
  'DEADLINE_PASSED',
  'STEP_OVERDUE',
  'CALENDAR_CHANGED',
] as const satisfies readonly DossierEventType[];

export const ALL_EVENT_TYPES: readonly DossierEventType[] = [...USER_EVENT_TYPES, ...SYSTEM_EVENT_TYPES];

/** Lifecycle states of the chart (the `lifecycle` region). */
export const LIFECYCLE_STATES = [
  'submitted',
  'intake_supplement',
  'refused_intake',
  'received',
  'assigned',
  'processing',
  'awaiting_supplement',
  'paused',
  'result',
  'returned',
  'withdrawal_requested',
  'withdrawn',
] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

/** Timeliness region while the dossier is open; frozen once a result exists. */
export const TIMELINESS_STATES = ['not_started', 'on_track', 'due_soon', 'overdue'] as const;
export type TimelinessState = (typeof TIMELINESS_STATES)[number];
