/**
 * The intake wait of an online submission (chart version 3 on), as pure functions: when the counter must
 * answer it, how long it has waited and whether it is overdue. The answer — receiving the dossier, guiding
 * the applicant to complete it (form 02) or refusing it (form 03) — is due within 8 working hours of the
 * submission: Decree 297/2025 Art. 6(4) ("không muộn hơn 08 giờ làm việc kể từ khi Cổng Dịch vụ công quốc
 * gia tiếp nhận hồ sơ"), the same limit as Decree 105/2025 (regulations-with-sources.md §3.2). Counter and
 * postal dossiers are answered face to face or on arrival: no limit here. No clock: the caller passes `now`.
 */
import { addWorkingTime, workingTimeBetween, type Calendar, type Instant } from '../calendar';
import type { Channel, DossierContext } from '../dossier';

/** Working hours within which an online submission must be answered at intake. */
export const INTAKE_ANSWER_WORKING_HOURS = 8;

/** When an online submission made (or resubmitted) at `at` must be answered by; null for the other channels. */
export function intakeDueBy(channel: Channel, at: Instant, cal: Calendar): Instant | null {
  return channel === 'online' ? addWorkingTime(at, { value: INTAKE_ANSWER_WORKING_HOURS, unit: 'hours' }, cal) : null;
}

export interface IntakeWait {
  /** when the current wait began (the submission or the last resubmission) */
  waitingSince: Instant;
  /** the answer is due by then (online only) */
  dueBy: Instant | null;
  /** working time waited so far (to the answer, or to `now` while it waits) */
  waitedWorkingMs: number;
  /** still unanswered */
  waiting: boolean;
  /** waited past its due time: unanswered after dueBy, or answered after it */
  overdue: boolean;
}

/** The intake wait of a dossier at `now`; null for dossiers without an intake record (chart versions 1 and 2). */
export function intakeWait(ctx: DossierContext, now: Instant, cal: Calendar): IntakeWait | null {
  const intake = ctx.intake;
  if (!intake) return null;
  const end = intake.answeredAt ?? now;
  const overdue = intake.dueBy !== null && Date.parse(end) > Date.parse(intake.dueBy);
  return {
    waitingSince: intake.waitingSince,
    dueBy: intake.dueBy,
    waitedWorkingMs: workingTimeBetween(intake.waitingSince, end, cal),
    waiting: intake.answeredAt === null,
    overdue,
  };
}
