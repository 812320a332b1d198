/**
 * Dossier lifecycle statechart, version 2: version 1 (./chart-v1.ts, kept as it is so that stored dossiers
 * replay unchanged) plus
 * - withdrawal in two steps (Decree 118 Art. 21, Circular 03/2025 Art. 7): the applicant's request puts the
 *   dossier in `withdrawal_requested` (national status 7) from any state without a result; the counter's stop
 *   notice (Thông báo dừng giải quyết hồ sơ) then ends it in `withdrawn` (status 8). WITHDRAW straight from an
 *   open state is no longer accepted;
 * - `RECORD_EXEMPTION`: a leader's approved exemption (force majeure or the applicant's fault), the only other
 *   way than an apology for a late result to be handed back;
 * - documents (issue 14): `ATTACH_DOCUMENT`, `REPLACE_DOCUMENT`, `REUSE_DOCUMENT` in the open states before a
 *   result, and `CORRECT_RESULT` once returned (an approved result corrected with its reason, the old record and
 *   file kept) — events no stored dossier had before, so stored dossiers replay unchanged;
 * - `CHANGE_NOTIFICATION` (issue 15): the applicant's new channel, address or withdrawn consent, from receipt
 *   until the result is handed back (NOTIFICATION_CHANGE_STATES).
 * Built from version 1's configuration, so an event added to version 1's states reaches version 2 too.
 */
import { dossierChartV1, dossierSetup } from './chart-v1';
import type { DossierContext } from './types';

export const CHART_VERSION = 2;

type Config = Parameters<typeof dossierSetup.createMachine>[0];
type StateConfig = { on?: Record<string, unknown>; [key: string]: unknown };

const v1 = dossierChartV1.config as unknown as {
  context: (args: unknown) => DossierContext;
  states: { lifecycle: { states: Record<string, StateConfig> } & Record<string, unknown> } & Record<string, unknown>;
} & Record<string, unknown>;

const REQUEST_WITHDRAWAL = { target: 'withdrawal_requested', actions: 'requestWithdrawal' };
const RECORD_EXEMPTION = { guard: 'exemptionAllowed', actions: 'recordExemption' };
const CORRECT_RESULT = { guard: 'hasApprovedResult', actions: 'correctResult' };

/** States without a result: the applicant may ask to stop (and no longer be stopped in one step). */
const WITHDRAWABLE = ['submitted', 'received', 'assigned', 'processing', 'awaiting_supplement', 'paused'];
/** States in which a leader may record an exemption (the dossier has a due date). */
const EXEMPTABLE = ['received', 'assigned', 'processing', 'awaiting_supplement', 'paused', 'result'];

/**
 * States in which documents are attached, replaced (a new version with a reason) or reused by reference
 * (issue 14): while the application is with the office, before a result. A result document comes with
 * RECORD_RESULT; nothing is attached once the dossier is closed.
 */
const DOCUMENT_STATES = ['submitted', 'received', 'assigned', 'processing', 'awaiting_supplement', 'paused'];
const DOCUMENT_EVENTS = {
  ATTACH_DOCUMENT: { actions: 'attachDocument' },
  REUSE_DOCUMENT: { actions: 'reuseDocument' },
  REPLACE_DOCUMENT: { guard: 'hasDocuments', actions: 'replaceDocument' },
};

/**
 * States in which the applicant may change how to be told, or withdraw the consent (CHANGE_NOTIFICATION, issue 15):
 * from receipt, where the choice is first recorded, until the result is handed back (its messages are the last).
 * The document states once received, the result, and the wait for the stop notice. An event no stored dossier had
 * before, so stored dossiers replay unchanged.
 */
export const NOTIFICATION_CHANGE_STATES = [...DOCUMENT_STATES.filter((s) => s !== 'submitted'), 'result', 'withdrawal_requested'];
const CHANGE_NOTIFICATION = { actions: 'changeNotification' };

function v2State(name: string, state: StateConfig): StateConfig {
  const on: Record<string, unknown> = { ...(state.on ?? {}), ...(DOCUMENT_STATES.includes(name) ? DOCUMENT_EVENTS : {}) };
  if (WITHDRAWABLE.includes(name)) {
    delete on.WITHDRAW;
    on.REQUEST_WITHDRAWAL = REQUEST_WITHDRAWAL;
  }
  if (EXEMPTABLE.includes(name)) on.RECORD_EXEMPTION = RECORD_EXEMPTION;
  if (NOTIFICATION_CHANGE_STATES.includes(name)) on.CHANGE_NOTIFICATION = CHANGE_NOTIFICATION;
  // The only event after the hand-over: a leader corrects an error in the result (the dossier stays returned).
  if (name === 'returned') on.CORRECT_RESULT = CORRECT_RESULT;
  return { ...state, on };
}

const lifecycleStates = Object.fromEntries(Object.entries(v1.states.lifecycle.states).map(([name, st]) => [name, v2State(name, st)]));

const config = {
  ...v1,
  context: (args: unknown) => ({ ...v1.context(args), exemptions: [], withdrawalRequest: null }),
  states: {
    ...v1.states,
    lifecycle: {
      ...v1.states.lifecycle,
      states: {
        ...lifecycleStates,
        // Status 7: the counter checks that no result exists and issues the stop notice (status 8).
        withdrawal_requested: { on: { WITHDRAW: { target: 'withdrawn', actions: 'withdraw' }, CHANGE_NOTIFICATION } },
      },
    },
  },
} as unknown as Config;

export const dossierChartV2 = dossierSetup.createMachine(config) as unknown as typeof dossierChartV1;
