/**
 * Who may do what to which dossier. Pure: decided from the user, the event type and the dossier's
 * current state, step and unit. Read and write scopes follow the centre's organisation: the counter
 * and leadership see every dossier; an office sees the dossiers with it now or that passed through it.
 */
import type { DossierContext } from '../../machines/dossier';
import { UNITS } from '../../machines/procedures';
import type { AuthUser } from './auth-user';
import { hasRole } from './auth-user';

export type EventType =
  | 'RECEIVE'
  | 'ASSIGN'
  | 'COMPLETE_STEP'
  | 'RETURN_STEP'
  | 'REQUEST_SUPPLEMENT'
  | 'RECEIVE_SUPPLEMENT'
  | 'RESUBMIT'
  | 'PAUSE'
  | 'RESUME'
  | 'RECORD_RESULT'
  | 'REFUSE'
  | 'ISSUE_APOLOGY'
  | 'RETURN_RESULT'
  | 'REQUEST_WITHDRAWAL'
  | 'WITHDRAW'
  | 'RECORD_EXEMPTION'
  | 'ATTACH_DOCUMENT'
  | 'REPLACE_DOCUMENT'
  | 'REUSE_DOCUMENT'
  | 'CORRECT_RESULT'
  | 'CHANGE_NOTIFICATION';

export interface DossierFacts {
  state: string;
  unit: string | null;
  context: DossierContext;
}

/** The counter's events; CHANGE_NOTIFICATION: the applicant (or a representative) asks at the counter, where the choice was first recorded. */
const COUNTER_EVENTS: EventType[] = [
  'RECEIVE',
  'RECEIVE_SUPPLEMENT',
  'RESUBMIT',
  'RETURN_RESULT',
  'REQUEST_WITHDRAWAL',
  'WITHDRAW',
  'CHANGE_NOTIFICATION',
];
const OFFICE_EVENTS: EventType[] = ['ASSIGN', 'COMPLETE_STEP', 'RETURN_STEP', 'REQUEST_SUPPLEMENT', 'PAUSE', 'RESUME'];
const LEADER_ONLY: EventType[] = ['RECORD_RESULT', 'ISSUE_APOLOGY', 'CORRECT_RESULT'];
const DOCUMENT_EVENTS: EventType[] = ['ATTACH_DOCUMENT', 'REPLACE_DOCUMENT', 'REUSE_DOCUMENT'];
/** States in which the application is at the counter: the clerk attaches its scans (at receipt, or a supplement). */
const AT_COUNTER = ['submitted', 'received', 'awaiting_supplement'];

function isLeadership(user: AuthUser): boolean {
  return UNITS.some((u) => u.code === user.unit && u.kind === 'leadership');
}

/**
 * A leader or supervisor of an office (not of the leadership, not of the centre): the reports and lists
 * that span units are limited to that office (docs/access-policy.md).
 */
export function isOfficeBound(user: AuthUser): boolean {
  return (
    hasRole(user, 'leader', 'supervisor') &&
    !hasRole(user, 'admin', 'auditor') &&
    UNITS.some((u) => u.code === user.unit && u.kind === 'office')
  );
}

/** null when allowed, else the reason (Vietnamese, shown to the user). */
export function whyForbidden(user: AuthUser, type: EventType, d: DossierFacts): string | null {
  // An auditor only reads, whatever other role an account might hold (new accounts cannot combine them).
  if (hasRole(user, 'auditor')) return 'Kiểm tra viên chỉ được xem, không được thay đổi hồ sơ';
  if (type === 'REFUSE' && d.state === 'submitted') {
    return hasRole(user, 'counter') ? null : 'Chỉ cán bộ một cửa được từ chối tiếp nhận hồ sơ';
  }
  // Before receipt the counter checks the dossier and may guide the applicant to complete it (form 02).
  if (type === 'REQUEST_SUPPLEMENT' && d.state === 'submitted') {
    return hasRole(user, 'counter') ? null : 'Chỉ cán bộ một cửa được hướng dẫn bổ sung hồ sơ khi tiếp nhận';
  }
  // A late result is at the counter: the clerk records the office head's apology on the spot (signer named in it).
  if (type === 'ISSUE_APOLOGY' && d.state === 'result' && hasRole(user, 'counter')) return null;
  if (COUNTER_EVENTS.includes(type)) {
    return hasRole(user, 'counter') ? null : 'Chỉ cán bộ một cửa được thực hiện thao tác này';
  }
  const inUnit = d.unit === user.unit || (hasRole(user, 'leader') && isLeadership(user));
  // Documents: the counter while the application is with it; the office holding the dossier (working documents).
  if (DOCUMENT_EVENTS.includes(type)) {
    if (hasRole(user, 'counter') && AT_COUNTER.includes(d.state)) return null;
    if (inUnit && hasRole(user, 'specialist', 'leader')) return null;
    return 'Chỉ cán bộ một cửa (khi tiếp nhận, bổ sung) hoặc đơn vị đang giữ hồ sơ được đính kèm tài liệu';
  }
  if (!inUnit) return `Hồ sơ đang ở đơn vị ${d.unit ?? '(chưa giao)'}, không thuộc đơn vị ${user.unit}`;
  // An exemption is approved by a leader of the office that holds the dossier, or of the centre's leadership.
  if (type === 'RECORD_EXEMPTION')
    return hasRole(user, 'leader') ? null : 'Chỉ lãnh đạo được phê duyệt miễn trách nhiệm xin lỗi cho hồ sơ trễ hạn';
  if (LEADER_ONLY.includes(type) || type === 'REFUSE') {
    return hasRole(user, 'leader') ? null : 'Chỉ lãnh đạo được ký kết quả, từ chối giải quyết hoặc ký phiếu xin lỗi';
  }
  const step = d.context.procedure.steps[Math.max(d.context.stepIndex, 0)];
  const holdsStepRole = step ? hasRole(user, step.role as AuthUser['roles'][number]) : false;
  if (type === 'ASSIGN') {
    return hasRole(user, 'leader') || (holdsStepRole && step?.role === 'counter') ? null : 'Chỉ lãnh đạo đơn vị được phân công hồ sơ';
  }
  if (type === 'COMPLETE_STEP' || type === 'RETURN_STEP') {
    return holdsStepRole || hasRole(user, 'leader') ? null : `Bước "${step?.name ?? ''}" do ${step?.role ?? ''} thực hiện`;
  }
  if (OFFICE_EVENTS.includes(type)) {
    return hasRole(user, 'specialist', 'leader') ? null : 'Chỉ chuyên viên hoặc lãnh đạo đơn vị được xử lý hồ sơ';
  }
  return 'Không được phép';
}

/** The account an assignment names, as far as the assignment rule needs it. */
export interface AssigneeFacts {
  username: string;
  unit: string;
  roles: readonly string[];
  active: boolean;
}

/**
 * null when an ASSIGN may go where it says, else the field and the reason (a 400). The dossier goes to the
 * unit of its current step (the first step while it is still at the counter), never to another office; the
 * assignee, when named, is an active account of that unit holding the step's role (or that unit's leader).
 * `assignee` is the account found for the name given, null when there is none.
 */
export function whyBadAssignment(
  command: { unit?: string; assignee?: string | null },
  d: Pick<DossierFacts, 'context'>,
  assignee: AssigneeFacts | null,
): { field: string; reason: string } | null {
  const step = d.context.procedure.steps[Math.max(d.context.stepIndex, 0)];
  if (!step) return { field: 'unit', reason: 'the dossier has no step to assign' };
  if (command.unit !== undefined && command.unit !== step.unit) {
    return { field: 'unit', reason: `must be ${step.unit}, the unit of the current step "${step.name}"` };
  }
  if (command.assignee === undefined || command.assignee === null) return null;
  if (
    !assignee ||
    !assignee.active ||
    assignee.unit !== step.unit ||
    !(assignee.roles.includes(step.role) || assignee.roles.includes('leader'))
  ) {
    return { field: 'assignee', reason: `must be an active user of ${step.unit} with the role ${step.role} (or its leader)` };
  }
  return null;
}

/** Events whose document is signed by a head or deputy head of an office, chosen among the users. */
export const SIGNED_EVENTS = ['ISSUE_APOLOGY', 'REFUSE', 'RECORD_RESULT', 'CORRECT_RESULT'] as const;

/** The units whose leaders may sign for the office responsible: that office and the leadership (Lãnh đạo UBND). */
export function signerUnits(responsibleUnit: string | null): string[] {
  const leadership = UNITS.filter((u) => u.kind === 'leadership').map((u) => u.code);
  return [...new Set([...(responsibleUnit ? [responsibleUnit] : []), ...leadership])];
}

/**
 * null when `signer` may sign the apology (form 04) or the written refusal for the office `responsibleUnit`,
 * else why not (Vietnamese). The signer is the head or a deputy head of that office — an active user with the
 * leader role in it — or the leadership (Decree 118: "Thủ trưởng cơ quan, đơn vị").
 */
export function whySignerIneligible(
  signer: { roles: readonly string[]; unit: string; active: boolean },
  responsibleUnit: string | null,
): string | null {
  if (!signer.active) return 'tài khoản người ký đã bị khóa';
  if (!signer.roles.includes('leader')) return 'người ký phải là lãnh đạo (trưởng hoặc phó) đơn vị chịu trách nhiệm';
  if (!signerUnits(responsibleUnit).includes(signer.unit))
    return `người ký phải là lãnh đạo ${responsibleUnit ?? 'đơn vị chịu trách nhiệm'} hoặc lãnh đạo Ủy ban nhân dân`;
  return null;
}

/** The office whose head signs: the apology's responsible unit (as ISSUE_APOLOGY will record it), or the office holding the dossier. */
export function responsibleUnitOf(context: DossierContext, requested?: string | null): string | null {
  const step = context.procedure.steps[Math.max(context.stepIndex, 0)];
  return requested || context.unit || step?.unit || null;
}

/** Event types this user could send to this dossier if its state allowed them. */
export function permittedEvents(user: AuthUser, d: DossierFacts, candidates: readonly string[]): string[] {
  return candidates.filter((t) => whyForbidden(user, t as EventType, d) === null);
}
