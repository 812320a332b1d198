/**
 * The pure part of every write: what a submission or a transition appends and how the projection row
 * then reads. No I/O and no clock — the caller passes the time, the calendar and the identifiers.
 * The engine (./engine.ts) wraps these in a transaction; the province data generator
 * (src/seed-generate/) calls the same functions, so generated dossiers have exactly the events, hash
 * chains and rows the engine would have written.
 */
import {
  allowedEvents,
  applyEvent,
  chartFor,
  lifecycleOf,
  persistSnapshot,
  startDossier,
  USER_EVENT_TYPES,
  type ActorRef,
  type DossierChart,
  type DossierEvent,
  type DossierSnapshot,
} from '../dossier';
import type { ProcedureDefinition } from '../procedures';
import { localDate, type Calendar } from '../calendar';
import { eventHash, GENESIS_HASH } from './hash';
import { metricsColumns, type MetricsColumns } from '../metrics/projection-extra';
import type { DossierRow, EventRow, ProjectionPatch } from './rows';
import { DEFAULT_LOOKUP_FACTOR, type Submission } from './commands';
import { nextCheckAt, stepDueAt, type DeadlineEventType } from './deadline-check';
import { invariantViolation, transitionNotAllowed } from './errors';
import { apologyDeadline } from './stamp';
import { decodeRow, hashedContent, payloadOf, type SubmitPayload } from './event-codec';
import { identityColumns, projectSnapshot, type IdentityColumns } from './projection';
import { termsOf } from '../procedures/terms';
import { stampCommand } from './stamp';
import { intakeDueBy } from './intake';
import { documentRulesOf } from '../documents/rules';
import type { FileRef } from '../dossier/types';

export const SYSTEM_ACTOR: ActorRef = { username: 'system', unit: null };

/** An event accepted by the chart, not yet numbered and chained. */
export interface PendingEvent {
  type: string;
  payload: Record<string, unknown>;
  at: string;
  by: ActorRef;
}

/** A dossier as read for a transition: its row, its chart version and its restored snapshot. */
export interface Loaded {
  row: DossierRow;
  chart: DossierChart;
  snapshot: DossierSnapshot;
}

/** Everything the engine writes to the row at a commit: the projection, the metrics columns and the sweeper's next look. */
export type FullPatch = ProjectionPatch & MetricsColumns & { next_check_at: string | null };
export type FullRow = DossierRow & MetricsColumns;

/** The day part of a dossier code: the local date of `at` as yymmdd. */
export function codeDay(at: string): string {
  return localDate(at).slice(2).replace(/-/g, '');
}

export function dossierCode(agencyCode: string, at: string, seq: number): string {
  return `${agencyCode}-${codeDay(at)}-${String(seq).padStart(4, '0')}`;
}

/**
 * The submission reference of a dossier not yet received: `<agency>-<yymmdd of submission>-DK<seq>`, from its own
 * daily series (DK: đăng ký). The letters keep it apart from every official code, which ends in digits only.
 */
export function submissionRef(agencyCode: string, at: string, seq: number): string {
  return `${agencyCode}-${codeDay(at)}-DK${String(seq).padStart(4, '0')}`;
}

/** The code_sequences key of an agency's submission references (its official codes use the agency code itself). */
export function submissionRefSeries(agencyCode: string): string {
  return `${agencyCode}#DK`;
}

export function pendingOf(event: DossierEvent): PendingEvent {
  return { type: event.type, payload: payloadOf(event), at: event.at, by: event.by };
}

/** Runs the chart and re-checks the rule the whole system exists for: nothing closes before its result. */
export function stepChart(chart: DossierChart, snapshot: DossierSnapshot, event: DossierEvent): DossierSnapshot {
  const next = applyEvent(chart, snapshot, event);
  if (!next) throw transitionNotAllowed(event.type, lifecycleOf(snapshot), allowedEvents(snapshot, USER_EVENT_TYPES));
  const state = lifecycleOf(next);
  if ((state === 'result' || state === 'returned') && next.context.result === null) {
    throw invariantViolation('không được kết thúc hồ sơ trước khi có kết quả giải quyết', { state, event: event.type });
  }
  // a correction (CORRECT_RESULT) keeps a returned dossier returned; nothing else reaches it but from result
  if (
    state === 'returned' &&
    lifecycleOf(snapshot) !== 'result' &&
    !(event.type === 'CORRECT_RESULT' && lifecycleOf(snapshot) === 'returned')
  ) {
    throw invariantViolation('chỉ trả kết quả khi hồ sơ đã có kết quả', { from: lifecycleOf(snapshot), event: event.type });
  }
  return next;
}

/** The deadline event the sweeper sends at `at` (the flag's due date, or the step's budget end for STEP_OVERDUE). */
export function deadlineEvent(snapshot: DossierSnapshot, type: DeadlineEventType, at: string, cal: Calendar): DossierEvent {
  const ctx = snapshot.context;
  return type === 'STEP_OVERDUE'
    ? {
        type,
        at,
        by: SYSTEM_ACTOR,
        stepIndex: ctx.stepIndex,
        stepId: ctx.procedure.steps[ctx.stepIndex]?.id ?? '',
        stepDueAt: stepDueAt(snapshot, cal) ?? at,
      }
    : type === 'DEADLINE_APPROACHING' && ctx.originalDueAt && ctx.apologies.length < ctx.procedure.maxReappointments
      ? { type, at, by: SYSTEM_ACTOR, dueAt: ctx.originalDueAt, apologyDueBy: apologyDeadline(ctx, cal) }
      : { type, at, by: SYSTEM_ACTOR, dueAt: ctx.originalDueAt ?? '' };
}

/** Numbers and hash-chains events after the dossier's current head. */
export function chainEvents(
  dossierId: string,
  machineVersion: number,
  prevHash: string,
  prevSeq: number,
  events: readonly PendingEvent[],
): EventRow[] {
  const rows: EventRow[] = [];
  let hash = prevHash;
  let seq = prevSeq;
  for (const e of events) {
    seq += 1;
    const next = eventHash(
      hash,
      hashedContent(dossierId, {
        seq,
        type: e.type,
        payload: e.payload,
        actor: e.by.username,
        actorUnit: e.by.unit,
        occurredAt: e.at,
        machineVersion,
      }),
    );
    rows.push({
      dossier_id: dossierId,
      seq,
      type: e.type,
      payload: JSON.stringify(e.payload),
      actor: e.by.username,
      actor_unit: e.by.unit,
      occurred_at: e.at,
      machine_version: machineVersion,
      prev_hash: hash,
      hash: next,
    });
    hash = next;
  }
  return rows;
}

/** The row columns that follow from the snapshot after the last event (`last`, the new head). */
export function projectionPatch(
  chart: DossierChart,
  snapshot: DossierSnapshot,
  last: EventRow,
  cal: Calendar,
  thresholdMs: number,
  apologyLeadMs?: number,
): FullPatch {
  return fullPatch(
    projectSnapshot(snapshot, persistSnapshot(chart, snapshot), { version: last.seq, lastHash: last.hash, updatedAt: last.occurred_at }),
    metricsColumns(snapshot, cal),
    nextCheckAt(snapshot, cal, thresholdMs, apologyLeadMs),
  );
}

/*
 * The row and the patch are written out key by key, in the order spreading the parts gave them (the UPDATE and
 * INSERT name the columns in this order), rather than spread: in a process that has built many kinds of objects,
 * spreading three parts into a fresh 40-key object made V8 add each key through its runtime and create a new hidden
 * class for it at every transition (perf, issue 16: ≈ 40 µs of a transition's CPU, and the garbage of those
 * classes), while a literal of fixed keys is allocated with one class. The types keep the lists complete.
 */
function fullPatch(p: ProjectionPatch, m: MetricsColumns, nextCheck: string | null): FullPatch {
  return {
    code: p.code,
    state: p.state,
    timeliness: p.timeliness,
    step_index: p.step_index,
    step_id: p.step_id,
    unit: p.unit,
    assignee: p.assignee,
    received_at: p.received_at,
    due_at: p.due_at,
    original_due_at: p.original_due_at,
    result_at: p.result_at,
    outcome: p.outcome,
    final_timeliness: p.final_timeliness,
    returned_at: p.returned_at,
    closed_at: p.closed_at,
    apology_count: p.apology_count,
    supplement_count: p.supplement_count,
    version: p.version,
    last_hash: p.last_hash,
    snapshot: p.snapshot,
    updated_at: p.updated_at,
    first_apology_at: m.first_apology_at,
    apology_timely: m.apology_timely,
    return_method: m.return_method,
    rating: m.rating,
    receipt_digitised: m.receipt_digitised,
    receipt_reused: m.receipt_reused,
    result_digitised: m.result_digitised,
    result_working_ms: m.result_working_ms,
    handling_unit: m.handling_unit,
    handling_officer: m.handling_officer,
    late_supplement_at: m.late_supplement_at,
    intake_due_by: m.intake_due_by,
    intake_answered_at: m.intake_answered_at,
    intake_late_at: m.intake_late_at,
    pause_extension_ms: m.pause_extension_ms,
    first_exemption_at: m.first_exemption_at,
    next_check_at: nextCheck,
  };
}

function fullRow(i: IdentityColumns, p: FullPatch): FullRow {
  return {
    id: i.id,
    code: p.code,
    submission_ref: i.submission_ref,
    agency_code: i.agency_code,
    procedure_code: i.procedure_code,
    procedure_version: i.procedure_version,
    machine_version: i.machine_version,
    channel: i.channel,
    submitted_at: i.submitted_at,
    applicant_name: i.applicant_name,
    applicant_id_number: i.applicant_id_number,
    applicant_phone: i.applicant_phone,
    lookup_factor: i.lookup_factor,
    state: p.state,
    timeliness: p.timeliness,
    step_index: p.step_index,
    step_id: p.step_id,
    unit: p.unit,
    assignee: p.assignee,
    received_at: p.received_at,
    due_at: p.due_at,
    original_due_at: p.original_due_at,
    result_at: p.result_at,
    outcome: p.outcome,
    final_timeliness: p.final_timeliness,
    returned_at: p.returned_at,
    closed_at: p.closed_at,
    apology_count: p.apology_count,
    supplement_count: p.supplement_count,
    version: p.version,
    last_hash: p.last_hash,
    snapshot: p.snapshot,
    updated_at: p.updated_at,
    first_apology_at: p.first_apology_at,
    apology_timely: p.apology_timely,
    return_method: p.return_method,
    rating: p.rating,
    receipt_digitised: p.receipt_digitised,
    receipt_reused: p.receipt_reused,
    result_digitised: p.result_digitised,
    result_working_ms: p.result_working_ms,
    handling_unit: p.handling_unit,
    handling_officer: p.handling_officer,
    late_supplement_at: p.late_supplement_at,
    intake_due_by: p.intake_due_by,
    intake_answered_at: p.intake_answered_at,
    intake_late_at: p.intake_late_at,
    pause_extension_ms: p.pause_extension_ms,
    first_exemption_at: p.first_exemption_at,
    next_check_at: p.next_check_at,
  };
}

export interface SubmissionInput {
  id: string;
  code: string;
  agencyCode: string;
  def: ProcedureDefinition;
  sub: Submission;
  actor: ActorRef;
  at: string;
  chartVersion: number;
  cal: Calendar;
  /** the uploaded files of `sub.attachments`, in the same order (found in the store by the service) */
  files?: readonly FileRef[];
  /** the centre's per-dossier limit on documents, in bytes */
  maxDossierBytes?: number;
}

export interface StartedSubmission {
  chart: DossierChart;
  snapshot: DossierSnapshot;
  /** SUBMIT, and RECEIVE at the same moment for a counter submission */
  pending: PendingEvent[];
}

/**
 * A counter dossier is received as it is submitted (SUBMIT and RECEIVE at once), unless the clerk registers it
 * for the intake check first (`receiveAtOnce: false`): then, like an online or postal one, it waits in `submitted`.
 */
export function receivedAtSubmission(sub: Pick<Submission, 'channel' | 'receiveAtOnce'>): boolean {
  return sub.channel === 'counter' && sub.receiveAtOnce !== false;
}

/** Starts a dossier: SUBMIT, and at the counter the clerk's RECEIVE at once (the clock starts). */
export function startSubmission(input: SubmissionInput): StartedSubmission {
  const { id, code, sub, actor, at, cal } = input;
  const terms = termsOf(input.def);
  const chart = chartFor(input.chartVersion);
  // Chart version 3 keeps the intake wait: an online submission must be answered within 8 working hours.
  const dueBy = input.chartVersion >= 3 ? { intakeDueBy: intakeDueBy(sub.channel, at, cal) } : {};
  let snapshot = startDossier(chart, { dossierId: id, code, channel: sub.channel, procedure: terms, submittedAt: at, by: actor, ...dueBy });
  const submitPayload: SubmitPayload = {
    code,
    agencyCode: input.agencyCode,
    channel: sub.channel,
    terms,
    applicant: { ...sub.applicant, lookupFactor: sub.applicant.lookupFactor ?? DEFAULT_LOOKUP_FACTOR },
    documents: sub.documents,
    ...(sub.note ? { note: sub.note } : {}),
    ...dueBy,
  };
  const pending: PendingEvent[] = [{ type: 'SUBMIT', payload: submitPayload as unknown as Record<string, unknown>, at, by: actor }];
  const rules = documentRulesOf(input.def, input.maxDossierBytes);
  // The scans come with the application: attached before the receipt, which then records how complete they are.
  (sub.attachments ?? []).forEach((a, i) => {
    const attach = stampCommand(
      { type: 'ATTACH_DOCUMENT', kind: 'component', component: a.component, sha256: a.sha256, name: a.name, file: input.files?.[i] },
      snapshot.context,
      at,
      actor,
      cal,
      { documents: rules },
    );
    snapshot = stepChart(chart, snapshot, attach);
    pending.push(pendingOf(attach));
  });
  if (receivedAtSubmission(sub)) {
    const receive = stampCommand(
      {
        type: 'RECEIVE',
        ...(sub.notification ? { notification: sub.notification } : {}),
        ...(sub.digitisationNote ? { digitisationNote: sub.digitisationNote } : {}),
        ...(sub.shownComponents?.length ? { shownComponents: sub.shownComponents } : {}),
      },
      snapshot.context,
      at,
      actor,
      cal,
      { applicant: sub.applicant, documents: rules, papers: sub.documents },
    );
    snapshot = stepChart(chart, snapshot, receive);
    pending.push(pendingOf(receive));
  }
  return { chart, snapshot, pending };
}

/** The whole row of a dossier whose events are `eventRows` (in order, the first being SUBMIT) and whose snapshot is `snapshot`. */
export function dossierRow(
  input: SubmissionInput,
  chart: DossierChart,
  snapshot: DossierSnapshot,
  eventRows: readonly EventRow[],
  thresholdMs: number,
  apologyLeadMs?: number,
): FullRow {
  return fullRow(
    identityColumns(input.id, decodeRow(eventRows[0]!)),
    projectionPatch(chart, snapshot, eventRows[eventRows.length - 1]!, input.cal, thresholdMs, apologyLeadMs),
  );
}

export interface PlannedSubmission {
  row: FullRow;
  eventRows: EventRow[];
  snapshot: DossierSnapshot;
}

/** What a submission writes: the new row and its first event(s). */
export function planSubmission(input: SubmissionInput, thresholdMs: number, apologyLeadMs?: number): PlannedSubmission {
  const { chart, snapshot, pending } = startSubmission(input);
  const eventRows = chainEvents(input.id, input.chartVersion, GENESIS_HASH, 0, pending);
  return { row: dossierRow(input, chart, snapshot, eventRows, thresholdMs, apologyLeadMs), eventRows, snapshot };
}

export interface PlannedTransition {
  eventRows: EventRow[];
  patch: FullPatch;
  next: DossierSnapshot;
}

/** What one accepted event appends after the loaded head, and the row's new columns. */
export function planTransition(
  loaded: Loaded,
  event: DossierEvent,
  cal: Calendar,
  thresholdMs: number,
  apologyLeadMs?: number,
): PlannedTransition {
  const next = stepChart(loaded.chart, loaded.snapshot, event);
  const { row } = loaded;
  const eventRows = chainEvents(row.id, row.machine_version, row.last_hash, row.version, [pendingOf(event)]);
  return { eventRows, patch: projectionPatch(loaded.chart, next, eventRows[eventRows.length - 1]!, cal, thresholdMs, apologyLeadMs), next };
}
