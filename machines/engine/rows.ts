/**
 * The shapes of a dossier's stored rows: the projection row (dossiers) and an event row
 * (dossier_events). Defined with the pure core that computes them; src/store/ reads and writes them.
 */
export interface DossierRow {
  id: string;
  /** the official code once received (`<agency>-<yymmdd of receipt>-<seq>`); before receipt the submission reference */
  code: string;
  /** the code the dossier got at submission: its submission reference, or (received at once) its official code; the dossier is found by either */
  submission_ref: string;
  agency_code: string;
  procedure_code: string;
  procedure_version: number;
  machine_version: number;
  channel: string;
  state: string;
  timeliness: string;
  step_index: number;
  step_id: string | null;
  unit: string | null;
  assignee: string | null;
  submitted_at: string;
  received_at: string | null;
  due_at: string | null;
  original_due_at: string | null;
  result_at: string | null;
  outcome: string | null;
  final_timeliness: string | null;
  returned_at: string | null;
  closed_at: string | null;
  apology_count: number;
  supplement_count: number;
  applicant_name: string;
  applicant_id_number: string;
  applicant_phone: string;
  /** the public lookup's second factor (`phone` or `idNumber`), from the SUBMIT event; null for dossiers submitted before it was recorded, which accept either */
  lookup_factor: string | null;
  version: number;
  last_hash: string;
  /**
   * the chart's persisted snapshot (JSON), a cache of replaying the events; null for a closed dossier whose
   * snapshot `npm run dossiers:compact` emptied: it is rebuilt from its events when read (src/engine/restore-row.ts)
   */
  snapshot: string | null;
  updated_at: string;
  /** when the deadline sweeper must next look at this dossier */
  next_check_at: string | null;
}

/** The row's columns fixed at submission (the official `code` is not: it is given at receipt). */
export type FixedAtSubmission =
  | 'id'
  | 'submission_ref'
  | 'agency_code'
  | 'procedure_code'
  | 'procedure_version'
  | 'machine_version'
  | 'channel'
  | 'submitted_at'
  | 'applicant_name'
  | 'applicant_id_number'
  | 'applicant_phone'
  | 'lookup_factor';

/** What an event may change in the row: everything but the columns fixed at submission. */
export type ProjectionPatch = Omit<DossierRow, FixedAtSubmission | 'next_check_at'> & { next_check_at?: string | null };

export interface EventRow {
  dossier_id: string;
  seq: number;
  type: string;
  payload: string;
  actor: string;
  actor_unit: string | null;
  occurred_at: string;
  machine_version: number;
  prev_hash: string;
  hash: string;
}
