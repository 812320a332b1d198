/**
 * The dossier's current-state row, derived from its snapshot. The row is a cache for queries;
 * the events are the truth, and the audit replays them to check that the two agree.
 */
import {
  allowedEvents,
  lifecycleOf,
  timelinessOf,
  USER_EVENT_TYPES,
  type DossierSnapshot,
} from '../dossier';
import type { DossierRow, ProjectionPatch } from '../../src/store/dossier-store';

export function projectSnapshot(
  snapshot: DossierSnapshot,
  persisted: unknown,
  meta: { version: number; lastHash: string; updatedAt: string },
): ProjectionPatch {
  const ctx = snapshot.context;
  const step = ctx.procedure.steps[ctx.stepIndex];
  return {
    state: lifecycleOf(snapshot),
    timeliness: timelinessOf(snapshot),
    step_index: ctx.stepIndex,
    step_id: step && !ctx.result ? step.id : null,
    unit: ctx.unit,
    assignee: ctx.assignee,
    received_at: ctx.receivedAt,
    due_at: ctx.dueAt,
    original_due_at: ctx.originalDueAt,
    result_at: ctx.result?.recordedAt ?? null,
    outcome: ctx.result?.outcome ?? null,
    final_timeliness: ctx.finalTimeliness,
    returned_at: ctx.returnedAt,
    closed_at: ctx.closedAt,
    apology_count: ctx.apologies.length,
    supplement_count: ctx.supplementsRequested,
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
