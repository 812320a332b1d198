/**
 * The dossier's current-state row, derived from its snapshot. The row is a cache for queries;
 * the events are the truth, and the audit replays them to check that the two agree.
 */
import { allowedEvents, USER_EVENT_TYPES, type DossierSnapshot } from '../dossier';
import { factsOf } from '../dossier/facts';
import type { DossierRow, FixedAtSubmission, ProjectionPatch } from './rows';
import type { StoredEvent, SubmitPayload } from './event-codec';

/** The row's columns read from the SUBMIT event: those fixed at submission, and the code it may carry. */
export type IdentityColumns = Pick<DossierRow, FixedAtSubmission | 'code'>;

/**
 * The columns fixed at submission, read from the SUBMIT event (payload, time, chart version): how the
 * engine writes them and how the audit rebuilds them. A damaged payload gives undefined values, which
 * the audit reports as drift.
 */
export function identityColumns(
  dossierId: string,
  submit: Pick<StoredEvent, 'payload' | 'occurredAt' | 'machineVersion'>,
): IdentityColumns {
  const p = submit.payload as Partial<SubmitPayload>;
  return {
    id: dossierId,
    code: p.code as string,
    submission_ref: p.code as string,
    agency_code: p.agencyCode as string,
    procedure_code: p.terms?.code as string,
    procedure_version: p.terms?.version as number,
    machine_version: submit.machineVersion,
    channel: p.channel as string,
    submitted_at: submit.occurredAt,
    applicant_name: p.applicant?.fullName as string,
    applicant_id_number: p.applicant?.idNumber as string,
    applicant_phone: p.applicant?.phone as string,
    lookup_factor: p.applicant?.lookupFactor ?? null,
  };
}

export function projectSnapshot(
  snapshot: DossierSnapshot,
  persisted: unknown,
  meta: { version: number; lastHash: string; updatedAt: string },
): ProjectionPatch {
  const f = factsOf(snapshot);
  return {
    code: snapshot.context.code,
    state: f.state,
    timeliness: f.timeliness,
    step_index: f.stepIndex,
    step_id: f.step,
    unit: f.unit,
    assignee: f.assignee,
    received_at: f.receivedAt,
    due_at: f.dueAt,
    original_due_at: f.originalDueAt,
    result_at: f.resultAt,
    outcome: f.outcome,
    final_timeliness: f.finalTimeliness,
    returned_at: f.returnedAt,
    closed_at: f.closedAt,
    apology_count: f.apologies,
    supplement_count: f.supplements,
    version: meta.version,
    last_hash: meta.lastHash,
    snapshot: JSON.stringify(persisted),
    updated_at: meta.updatedAt,
  };
}

/** What the API shows of a dossier. */
export interface DossierView {
  id: string;
  code: string;
  /** the reference given at submission (the same as `code` for a dossier received at once); the dossier is found by either */
  submissionRef: string;
  procedureCode: string;
  procedureVersion: number;
  machineVersion: number;
  channel: string;
  state: string;
  step: string | null;
  timeliness: string;
  submittedAt: string;
  receivedAt: string | null;
  dueAt: string | null;
  originalDueAt: string | null;
  resultAt: string | null;
  returnedAt: string | null;
  outcome: string | null;
  unit: string | null;
  assignee: string | null;
  version: number;
  allowedEvents: string[];
}

export function viewOf(row: DossierRow, snapshot: DossierSnapshot): DossierView {
  return {
    id: row.id,
    code: row.code,
    submissionRef: row.submission_ref,
    procedureCode: row.procedure_code,
    procedureVersion: row.procedure_version,
    machineVersion: row.machine_version,
    channel: row.channel,
    state: row.state,
    step: row.step_id,
    timeliness: row.timeliness,
    submittedAt: row.submitted_at,
    receivedAt: row.received_at,
    dueAt: row.due_at,
    originalDueAt: row.original_due_at,
    resultAt: row.result_at,
    returnedAt: row.returned_at,
    outcome: row.outcome,
    unit: row.unit,
    assignee: row.assignee,
    version: row.version,
    allowedEvents: allowedEvents(snapshot, USER_EVENT_TYPES),
  };
}
