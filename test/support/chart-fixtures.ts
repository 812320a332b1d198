/** Sample chart inputs and events for pure statechart tests (no database, no calendar). */
import type { DossierEvent, DossierInput, ProcedureTerms } from '../../machines/dossier';

export const CLERK = { username: 'counter', unit: 'TTPVHCC' };
export const OFFICER = { username: 'specialist', unit: 'VHXH' };
export const LEADER = { username: 'leader', unit: 'LANHDAO' };

export const THREE_STEP_TERMS: ProcedureTerms = {
  code: '9.999999',
  version: 1,
  processingTime: { value: 5, unit: 'days' },
  steps: [
    { id: 'review', name: 'Thẩm định', role: 'specialist', unit: 'VHXH', budget: { value: 3, unit: 'days' } },
    { id: 'head', name: 'Trưởng phòng xem xét', role: 'leader', unit: 'VHXH', budget: { value: 1, unit: 'days' } },
    { id: 'sign', name: 'Lãnh đạo ký', role: 'leader', unit: 'LANHDAO', budget: { value: 1, unit: 'days' } },
  ],
  maxSupplements: 1,
  maxReappointments: 1,
  apologyDeadline: 'one_working_day_before',
  cutoff: null,
  pauseReasons: ['financial_obligation', 'verification', 'applicant_request', 'other'],
};

export function input(channel: DossierInput['channel'] = 'counter', terms = THREE_STEP_TERMS): DossierInput {
  return {
    dossierId: '00000000-0000-7000-8000-000000000001',
    code: '000.00.12.H29-260303-0001',
    channel,
    procedure: terms,
    submittedAt: '2026-03-03T03:00:00.000Z',
    by: CLERK,
  };
}

/** Tue 2026-03-10 17:00 in Hanoi */
export const DUE = '2026-03-10T10:00:00.000Z';
export const BEFORE_DUE = '2026-03-05T03:00:00.000Z';
export const AFTER_DUE = '2026-03-12T03:00:00.000Z';

const FILE = { sha256: 'ab'.repeat(32), size: 1234, mediaType: 'application/pdf', name: 'don.pdf' };

export const ev = {
  attach: (at = '2026-03-03T03:30:00.000Z'): DossierEvent => ({
    type: 'ATTACH_DOCUMENT',
    at,
    by: CLERK,
    documentId: 'd1',
    kind: 'component',
    component: 0,
    file: FILE,
  }),
  correct: (at = '2026-03-20T03:00:00.000Z'): DossierEvent => ({
    type: 'CORRECT_RESULT',
    at,
    by: { username: 'leader', unit: 'LANHDAO' },
    reason: 'sai tên trên giấy chứng nhận',
    documentNumber: '15/GCN-ĐC',
    documentDate: '2026-03-20',
    signer: 'Lê Quang Hùng',
    previous: { documentNumber: '15/GCN', documentDate: '2026-03-05', signer: 'Lê Quang Hùng' },
    document: { documentId: 'd9', version: 1, file: { ...FILE, sha256: 'ef'.repeat(32) }, form: 'electronic_original' },
  }),
  replace: (at = '2026-03-03T03:40:00.000Z'): DossierEvent => ({
    type: 'REPLACE_DOCUMENT',
    at,
    by: CLERK,
    documentId: 'd1',
    version: 2,
    file: { ...FILE, sha256: 'cd'.repeat(32) },
    reason: 'bản quét mờ',
  }),
  receive: (at = '2026-03-03T03:00:00.000Z'): DossierEvent => ({
    type: 'RECEIVE',
    at,
    by: CLERK,
    dueAt: DUE,
    countedFrom: at,
    calendarVersion: 1,
  }),
  resubmit: (at = '2026-03-04T01:00:00.000Z'): DossierEvent => ({
    type: 'RESUBMIT',
    at,
    by: CLERK,
    intakeDueBy: '2026-03-05T02:00:00.000Z',
  }),
  assign: (at = '2026-03-03T04:00:00.000Z'): DossierEvent => ({ type: 'ASSIGN', at, by: LEADER, unit: 'VHXH', assignee: 'specialist' }),
  complete: (at = '2026-03-04T04:00:00.000Z'): DossierEvent => ({ type: 'COMPLETE_STEP', at, by: OFFICER }),
  sendBack: (at = '2026-03-04T05:00:00.000Z'): DossierEvent => ({ type: 'RETURN_STEP', at, by: LEADER, reason: 'thiếu chữ ký' }),
  requestSupplement: (at = '2026-03-04T02:00:00.000Z'): DossierEvent => ({
    type: 'REQUEST_SUPPLEMENT',
    at,
    by: OFFICER,
    missing: ['Tờ khai'],
    reason: 'thiếu tờ khai',
  }),
  receiveSupplement: (at = '2026-03-06T02:00:00.000Z', dueAt = '2026-03-13T10:00:00.000Z'): DossierEvent => ({
    type: 'RECEIVE_SUPPLEMENT',
    at,
    by: CLERK,
    dueAt,
    countedFrom: at,
    calendarVersion: 1,
  }),
  pause: (at = '2026-03-04T02:00:00.000Z'): DossierEvent => ({ type: 'PAUSE', at, by: OFFICER, reason: 'financial_obligation' }),
  resume: (at = '2026-03-05T02:00:00.000Z'): DossierEvent => ({
    type: 'RESUME',
    at,
    by: OFFICER,
    pausedWorkingMs: 27000000,
    dueAt: '2026-03-11T10:00:00.000Z',
    originalDueAt: '2026-03-11T10:00:00.000Z',
    calendarVersion: 1,
  }),
  result: (at = BEFORE_DUE): DossierEvent => ({
    type: 'RECORD_RESULT',
    at,
    by: LEADER,
    documentNumber: '12/QĐ',
    documentDate: '2026-03-05',
    signer: 'Nguyễn Văn A',
    digitised: true,
  }),
  refuse: (at = BEFORE_DUE): DossierEvent => ({ type: 'REFUSE', at, by: LEADER, reason: 'không đủ điều kiện', signer: 'Nguyễn Văn A' }),
  apology: (at = '2026-03-09T03:00:00.000Z'): DossierEvent => ({
    type: 'ISSUE_APOLOGY',
    at,
    by: LEADER,
    reason: 'chờ xác minh',
    responsibleUnit: 'VHXH',
    responsibleStep: 'review',
    signer: 'Trưởng phòng',
    newDueAt: '2026-03-13T10:00:00.000Z',
    timely: true,
    calendarVersion: 1,
  }),
  returnResult: (at = '2026-03-13T03:00:00.000Z'): DossierEvent => ({ type: 'RETURN_RESULT', at, by: CLERK, method: 'counter', rating: 5 }),
  withdraw: (at = '2026-03-04T02:00:00.000Z'): DossierEvent => ({ type: 'WITHDRAW', at, by: CLERK, reason: 'công dân rút hồ sơ' }),
  changeNotification: (channel: 'sms' | 'email' | 'none' = 'none', at = '2026-03-04T02:00:00.000Z'): DossierEvent => ({
    type: 'CHANGE_NOTIFICATION',
    at,
    by: CLERK,
    notification:
      channel === 'none'
        ? { channel, contact: null, consent: false }
        : { channel, contact: channel === 'email' ? 'an@example.vn' : '0912345678', consent: true },
    onBehalf: null,
    reason: null,
  }),
  requestWithdrawal: (at = '2026-03-04T01:00:00.000Z'): DossierEvent => ({
    type: 'REQUEST_WITHDRAWAL',
    at,
    by: CLERK,
    reason: 'công dân xin rút hồ sơ',
    via: 'counter',
  }),
  exemption: (at = '2026-03-12T04:00:00.000Z'): DossierEvent => ({
    type: 'RECORD_EXEMPTION',
    at,
    by: LEADER,
    reason: 'force_majeure',
    explanation: 'bão số 3 làm gián đoạn',
    reference: { number: '12/TB-UBND', date: '2026-03-11' },
  }),
  approaching: (at = '2026-03-09T03:00:00.000Z'): DossierEvent => ({
    type: 'DEADLINE_APPROACHING',
    at,
    by: { username: 'system', unit: null },
    dueAt: DUE,
  }),
  stepOverdue: (at = '2026-03-09T02:00:00.000Z'): DossierEvent => ({
    type: 'STEP_OVERDUE',
    at,
    by: { username: 'system', unit: null },
    stepIndex: 0,
    stepId: 'review',
    stepDueAt: '2026-03-06T10:00:00.000Z',
  }),
  passed: (at = '2026-03-10T10:01:00.000Z'): DossierEvent => ({
    type: 'DEADLINE_PASSED',
    at,
    by: { username: 'system', unit: null },
    dueAt: DUE,
  }),
};
