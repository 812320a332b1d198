/**
 * Dossier lifecycle statechart, version 1.
 *
 * Two parallel regions:
 * - `lifecycle`: submitted → received → assigned → processing → result → returned, with
 *   supplement, pause, withdrawal and refusal branches;
 * - `timeliness`: not_started → on_track → due_soon → overdue, moved only by the deadline
 *   sweeper's events while the clock runs, and reset when a supplement restarts the clock.
 *
 * The chart is pure: no clock, no I/O, no delayed transitions. Time and computed deadlines
 * arrive as data on events (see ./types.ts). Guards read only the context, never the payload,
 * so `snapshot.can({ type })` answers "is this event allowed now?" for any payload; payloads
 * are validated before they reach the chart.
 */
import { and, assign, or, setup, stateIn, type AnyEventObject } from 'xstate';
import { classifyTimeliness } from '../calendar';
import type { ClockEntry, DossierContext, DossierEvent, DossierInput, StepRecord } from './types';

export const CHART_VERSION = 1;

type Ev<T extends DossierEvent['type']> = Extract<DossierEvent, { type: T }>;

function expect<T extends DossierEvent['type']>(event: AnyEventObject, type: T): Ev<T> {
  if (event.type !== type) throw new Error(`chart bug: expected ${type}, got ${event.type}`);
  return event as Ev<T>;
}

function clockEntry(kind: ClockEntry['kind'], at: string, ctx: DossierContext, patch: Partial<ClockEntry> = {}): ClockEntry {
  return { kind, at, dueAt: ctx.dueAt, originalDueAt: ctx.originalDueAt, calendarVersion: null, ...patch };
}

function closeStep(ctx: DossierContext, at: string, by: string, outcome: StepRecord['outcome'], reason?: string): StepRecord {
  const step = ctx.procedure.steps[ctx.stepIndex];
  return {
    index: ctx.stepIndex,
    stepId: step ? step.id : `step-${ctx.stepIndex}`,
    unit: ctx.unit ?? (step ? step.unit : ''),
    assignee: ctx.assignee,
    startedAt: ctx.stepStartedAt ?? at,
    endedAt: at,
    by,
    outcome,
    ...(reason !== undefined ? { reason } : {}),
  };
}

/** Events a dossier accepts while a step of the internal process is in progress. */
export const HANDLING = {
  ASSIGN: { actions: 'reassign' },
  STEP_OVERDUE: { guard: 'stepNotFlagged', actions: 'flagStep' },
  COMPLETE_STEP: { guard: 'hasNextStep', target: 'processing', actions: 'completeStep' },
  RECORD_RESULT: { guard: 'onLastStep', target: 'result', actions: 'recordResult' },
  REFUSE: { target: 'result', actions: 'refuseResult' },
  REQUEST_SUPPLEMENT: { guard: 'supplementAllowed', target: 'awaiting_supplement', actions: 'requestSupplement' },
  PAUSE: { target: 'paused', actions: 'pause' },
  ISSUE_APOLOGY: { guard: 'apologyReappoints', actions: 'apologise' },
  WITHDRAW: { target: 'withdrawn', actions: 'withdraw' },
  CALENDAR_CHANGED: { actions: 'recalendar' },
} as const;

/** Guards and actions of every chart version (later versions reuse them; see ./chart-v2.ts). */
export const dossierSetup = setup({
  types: {} as { context: DossierContext; events: DossierEvent; input: DossierInput },
  guards: {
    hasNextStep: ({ context }) => context.stepIndex < context.procedure.steps.length - 1,
    onLastStep: ({ context }) => context.stepIndex === context.procedure.steps.length - 1,
    canGoBack: ({ context }) => context.stepIndex >= 1,
    backToFirstStep: ({ context }) => context.stepIndex === 1,
    supplementAllowed: ({ context }) => context.supplementsRequested < context.procedure.maxSupplements,
    apologyAllowed: ({ context }) => context.dueAt !== null && context.apologies.length < context.procedure.maxReappointments,
    /**
     * Before the result, an apology always makes a new appointment. Only in `result` may it name none (newDueAt null:
     * handed over at once). Stored apologies all carry a date, so this changes no stored dossier's replay.
     */
    apologyReappoints: and(['apologyAllowed', ({ event }) => event.type === 'ISSUE_APOLOGY' && event.newDueAt !== null]),
    atFirstStep: ({ context }) => context.stepIndex <= 0,
    /** The current step (since it last started) has not been flagged as over its budget yet. */
    stepNotFlagged: ({ context }) => {
      const last = context.stepOverruns.at(-1);
      return !last || last.stepIndex !== context.stepIndex || (context.stepStartedAt !== null && last.flaggedAt < context.stepStartedAt);
    },
    /** The deadline clock runs only while the dossier is with the office (not paused, not waiting for a supplement). */
    clockRunning: or([
      stateIn('#dossier.lifecycle.received'),
      stateIn('#dossier.lifecycle.assigned'),
      stateIn('#dossier.lifecycle.processing'),
    ]),
    /** A late result may be handed back only with an apology or an approved exemption on record (exemptions: version 2). */
    mayReturn: ({ context }) =>
      context.result !== null &&
      (context.finalTimeliness !== 'late' || context.apologies.length > 0 || (context.exemptions?.length ?? 0) > 0),
    /** One exemption per dossier, once it has a due date (version 2). */
    exemptionAllowed: ({ context }) => context.dueAt !== null && (context.exemptions?.length ?? 0) === 0,
    /** A document can be replaced once there is one (issue 14). */
    hasDocuments: ({ context }) => (context.documents?.length ?? 0) > 0,
    hasApprovedResult: ({ context }) => context.result?.outcome === 'approved',
  },
  actions: {
    receive: assign(({ context, event }) => {
      const e = expect(event, 'RECEIVE');
      const start = clockEntry('start', e.at, context, {
        dueAt: e.dueAt,
        originalDueAt: e.dueAt,
        calendarVersion: e.calendarVersion,
      });
      // Transferred to the handling office at once (electronically): the first step's unit holds it.
      const first = context.procedure.steps[0];
      // The official code is given at receipt; until then the dossier is known by its submission reference.
      return {
        ...(e.code !== undefined ? { code: e.code } : {}),
        ...(e.digitisation !== undefined ? { receiptDigitisation: e.digitisation } : {}),
        receivedAt: e.at,
        dueAt: e.dueAt,
        originalDueAt: e.dueAt,
        clock: [...context.clock, start],
        unit: first ? first.unit : null,
      };
    }),
    assignFirstStep: assign(({ event }) => {
      const e = expect(event, 'ASSIGN');
      return { stepIndex: 0, stepStartedAt: e.at, unit: e.unit, assignee: e.assignee };
    }),
    reassign: assign(({ event }) => {
      const e = expect(event, 'ASSIGN');
      return { unit: e.unit, assignee: e.assignee };
    }),
    completeStep: assign(({ context, event }) => {
      const e = expect(event, 'COMPLETE_STEP');
      const next = context.procedure.steps[context.stepIndex + 1];
      return {
        steps: [...context.steps, closeStep(context, e.at, e.by.username, 'completed')],
        stepIndex: context.stepIndex + 1,
        stepStartedAt: e.at,
        unit: next ? next.unit : context.unit,
        assignee: null,
      };
    }),
    returnStep: assign(({ context, event }) => {
      const e = expect(event, 'RETURN_STEP');
      const previous = context.steps.filter((s) => s.index === context.stepIndex - 1).at(-1);
      const prevDef = context.procedure.steps[context.stepIndex - 1];
      return {
        steps: [...context.steps, closeStep(context, e.at, e.by.username, 'returned', e.reason)],
        stepIndex: context.stepIndex - 1,
        stepStartedAt: e.at,
        unit: previous ? previous.unit : prevDef ? prevDef.unit : context.unit,
        assignee: previous ? previous.assignee : null,
      };
    }),
    requestSupplement: assign(({ context, event }) => {
      const e = expect(event, 'REQUEST_SUPPLEMENT');
      return {
        supplementsRequested: context.supplementsRequested + 1,
        clock: [...context.clock, clockEntry('stop', e.at, context, { reason: e.reason, ...(e.late ? { lateRequest: true } : {}) })],
      };
    }),
    receiveSupplement: assign(({ context, event }) => {
      const e = expect(event, 'RECEIVE_SUPPLEMENT');
      // The processing time restarts from zero; the old due date is void.
      const restart = clockEntry('restart', e.at, context, {
        dueAt: e.dueAt,
        originalDueAt: e.dueAt,
        calendarVersion: e.calendarVersion,
      });
      return { dueAt: e.dueAt, originalDueAt: e.dueAt, clock: [...context.clock, restart] };
    }),
    pause: assign(({ context, event }) => {
      const e = expect(event, 'PAUSE');
      return {
        pausedAt: e.at,
        pauseReason: e.reason,
        clock: [...context.clock, clockEntry('pause', e.at, context, { reason: e.reason })],
      };
    }),
    resume: assign(({ context, event }) => {
      const e = expect(event, 'RESUME');
      const entry = clockEntry('resume', e.at, context, {
        dueAt: e.dueAt,
        originalDueAt: e.originalDueAt,
        calendarVersion: e.calendarVersion,
      });
      return { pausedAt: null, pauseReason: null, dueAt: e.dueAt, originalDueAt: e.originalDueAt, clock: [...context.clock, entry] };
    }),
    recordResult: assign(({ context, event }) => {
      const e = expect(event, 'RECORD_RESULT');
      return {
        steps: [...context.steps, closeStep(context, e.at, e.by.username, 'result')],
        result: {
          outcome: 'approved' as const,
          recordedAt: e.at,
          by: e.by.username,
          documentNumber: e.documentNumber,
          documentDate: e.documentDate,
          signer: e.signer,
          reason: null,
          digitised: e.digitised,
          ...(e.document ? { documentId: e.document.documentId } : {}),
        },
        finalTimeliness: classifyTimeliness(e.at, context.originalDueAt!),
        ...(e.document
          ? {
              documents: [
                ...(context.documents ?? []),
                {
                  id: e.document.documentId,
                  kind: 'result' as const,
                  component: null,
                  form: e.document.form,
                  versions: [{ version: 1, file: e.document.file, at: e.at, by: e.by.username, reason: null, reusedFrom: null }],
                },
              ],
            }
          : {}),
      };
    }),
    attachDocument: assign(({ context, event }) => {
      const e = expect(event, 'ATTACH_DOCUMENT');
      const version = { version: 1, file: e.file, at: e.at, by: e.by.username, reason: null, reusedFrom: null };
      return {
        documents: [
          ...(context.documents ?? []),
          { id: e.documentId, kind: e.kind, component: e.component, form: null, versions: [version] },
        ],
      };
    }),
    reuseDocument: assign(({ context, event }) => {
      const e = expect(event, 'REUSE_DOCUMENT');
      const version = { version: 1, file: e.file, at: e.at, by: e.by.username, reason: null, reusedFrom: e.source };
      return {
        documents: [
          ...(context.documents ?? []),
          { id: e.documentId, kind: 'component' as const, component: e.component, form: null, versions: [version] },
        ],
      };
    }),
    correctResult: assign(({ context, event }) => {
      const e = expect(event, 'CORRECT_RESULT');
      const result = context.result!;
      const d = e.document;
      const version = d ? { version: d.version, file: d.file, at: e.at, by: e.by.username, reason: e.reason, reusedFrom: null } : null;
      const documents = context.documents ?? [];
      return {
        // the old record stays in `corrections`, the old file as an earlier version of the result document
        result: {
          ...result,
          documentNumber: e.documentNumber,
          documentDate: e.documentDate,
          signer: e.signer,
          ...(d ? { documentId: d.documentId } : {}),
          corrections: [
            ...(result.corrections ?? []),
            {
              at: e.at,
              by: e.by.username,
              reason: e.reason,
              previous: e.previous,
              document: d ? { documentId: d.documentId, version: d.version } : null,
            },
          ],
        },
        ...(d && version
          ? {
              documents: documents.some((x) => x.id === d.documentId)
                ? documents.map((x) => (x.id === d.documentId ? { ...x, versions: [...x.versions, version] } : x))
                : [...documents, { id: d.documentId, kind: 'result' as const, component: null, form: d.form, versions: [version] }],
            }
          : {}),
      };
    }),
    replaceDocument: assign(({ context, event }) => {
      const e = expect(event, 'REPLACE_DOCUMENT');
      // A new version beside the old ones: a replaced file stays in the history (and in the store).
      return {
        documents: (context.documents ?? []).map((d) =>
          d.id === e.documentId
            ? {
                ...d,
                versions: [
                  ...d.versions,
                  { version: e.version, file: e.file, at: e.at, by: e.by.username, reason: e.reason, reusedFrom: null },
                ],
              }
            : d,
        ),
      };
    }),
    refuseResult: assign(({ context, event }) => {
      const e = expect(event, 'REFUSE');
      return {
        steps: [...context.steps, closeStep(context, e.at, e.by.username, 'refused', e.reason)],
        result: {
          outcome: 'refused' as const,
          recordedAt: e.at,
          by: e.by.username,
          documentNumber: null,
          documentDate: null,
          signer: e.signer ?? null,
          reason: e.reason,
          digitised: true,
        },
        finalTimeliness: classifyTimeliness(e.at, context.originalDueAt!),
      };
    }),
    flagStep: assign(({ context, event }) => {
      const e = expect(event, 'STEP_OVERDUE');
      return {
        stepOverruns: [
          ...context.stepOverruns,
          {
            stepIndex: context.stepIndex,
            stepId: context.procedure.steps[context.stepIndex]?.id ?? e.stepId,
            unit: context.unit,
            assignee: context.assignee,
            stepDueAt: e.stepDueAt,
            flaggedAt: e.at,
          },
        ],
      };
    }),
    refuseIntake: assign(({ event }) => {
      const e = expect(event, 'REFUSE');
      return { closedAt: e.at, closeReason: e.reason };
    }),
    apologise: assign(({ context, event }) => {
      const e = expect(event, 'ISSUE_APOLOGY');
      const apology = {
        at: e.at,
        by: e.by.username,
        reason: e.reason,
        responsibleUnit: e.responsibleUnit,
        responsibleStep: e.responsibleStep,
        responsibleOfficer: e.responsibleOfficer ?? null,
        signer: e.signer,
        ...(e.signerTitle !== undefined ? { signerTitle: e.signerTitle } : {}),
        ...(e.signerUsername !== undefined ? { signerUsername: e.signerUsername } : {}),
        previousDueAt: context.dueAt!,
        newDueAt: e.newDueAt,
        timely: e.timely,
      };
      // Handed over at once: the apology is recorded, the appointment and the clock stay as they are.
      if (e.newDueAt === null) return { apologies: [...context.apologies, apology] };
      const entry = clockEntry('reappoint', e.at, context, {
        dueAt: e.newDueAt,
        calendarVersion: e.calendarVersion,
        reason: e.reason,
      });
      // The new appointment moves dueAt only; lateness stays measured against originalDueAt.
      return { apologies: [...context.apologies, apology], dueAt: e.newDueAt, clock: [...context.clock, entry] };
    }),
    returnResult: assign(({ event }) => {
      const e = expect(event, 'RETURN_RESULT');
      return { returnedAt: e.at, returnMethod: e.method, rating: e.rating ?? null, closedAt: e.at };
    }),
    recalendar: assign(({ context, event }) => {
      const e = expect(event, 'CALENDAR_CHANGED');
      // A new calendar version moved the deadline: the statutory due date follows it, the appointment never moves earlier.
      const entry = clockEntry('recalendar', e.at, context, {
        dueAt: e.dueAt,
        originalDueAt: e.originalDueAt,
        calendarVersion: e.calendarVersion,
      });
      return { dueAt: e.dueAt, originalDueAt: e.originalDueAt, clock: [...context.clock, entry] };
    }),
    withdraw: assign(({ event }) => {
      const e = expect(event, 'WITHDRAW');
      return { closedAt: e.at, closeReason: e.reason };
    }),
    requestWithdrawal: assign(({ event }) => {
      const e = expect(event, 'REQUEST_WITHDRAWAL');
      return { withdrawalRequest: { at: e.at, by: e.by.username, reason: e.reason, via: e.via } };
    }),
    /**
     * Version 3: the counter answered a submission (received, guided to complete it, refused) or the applicant
     * withdrew it; an answer after the intake due time is flagged. A withdrawal is not the counter's answer and
     * is never flagged late.
     */
    answerIntake: assign(({ context, event }) => {
      const intake = context.intake;
      if (!intake || intake.answeredAt !== null) return {};
      const late = event.type !== 'REQUEST_WITHDRAWAL' && intake.dueBy !== null && Date.parse(event.at) > Date.parse(intake.dueBy);
      return { intake: { ...intake, answeredAt: event.at, lateAnswerAt: intake.lateAnswerAt ?? (late ? event.at : null) } };
    }),
    /** Version 3: a supplement guidance at intake (form 02): nothing received, no code, no clock. */
    guideAtIntake: assign(({ context, event }) => {
      expect(event, 'REQUEST_SUPPLEMENT');
      const intake = context.intake!;
      return { intake: { ...intake, guidances: intake.guidances + 1 } };
    }),
    /** Version 3: the applicant completed the dossier after a guidance; a new wait begins. */
    resubmit: assign(({ context, event }) => {
      const e = expect(event, 'RESUBMIT');
      const intake = context.intake!;
      return { intake: { ...intake, waitingSince: e.at, dueBy: e.intakeDueBy, answeredAt: null } };
    }),
    /** Version 2 on: the applicant changed the channel or withdrew the consent; the address stays in the event only. */
    changeNotification: assign(({ event }) => {
      const e = expect(event, 'CHANGE_NOTIFICATION');
      return { notification: { channel: e.notification.channel, consent: e.notification.consent } };
    }),
    recordExemption: assign(({ context, event }) => {
      const e = expect(event, 'RECORD_EXEMPTION');
      const exemption = {
        at: e.at,
        approvedBy: e.by.username,
        reason: e.reason,
        explanation: e.explanation,
        reference: e.reference ?? null,
        dueAt: context.originalDueAt,
      };
      return { exemptions: [...(context.exemptions ?? []), exemption] };
    }),
  },
});

export const dossierChartV1 = dossierSetup.createMachine({
  id: 'dossier',
  type: 'parallel',
  context: ({ input }) => ({
    dossierId: input.dossierId,
    code: input.code,
    channel: input.channel,
    procedure: input.procedure,
    submittedAt: input.submittedAt,
    receivedAt: null,
    dueAt: null,
    originalDueAt: null,
    clock: [],
    stepIndex: -1,
    stepStartedAt: null,
    unit: null,
    assignee: null,
    steps: [],
    stepOverruns: [],
    supplementsRequested: 0,
    pausedAt: null,
    pauseReason: null,
    apologies: [],
    result: null,
    finalTimeliness: null,
    returnedAt: null,
    returnMethod: null,
    rating: null,
    closedAt: null,
    closeReason: null,
  }),
  states: {
    lifecycle: {
      initial: 'submitted',
      states: {
        submitted: {
          on: {
            RECEIVE: { target: 'received', actions: 'receive' },
            REFUSE: { target: 'refused_intake', actions: 'refuseIntake' },
            WITHDRAW: { target: 'withdrawn', actions: 'withdraw' },
          },
        },
        refused_intake: { type: 'final' },
        received: {
          on: {
            ASSIGN: { target: 'assigned', actions: 'assignFirstStep' },
            ISSUE_APOLOGY: { guard: 'apologyReappoints', actions: 'apologise' },
            WITHDRAW: { target: 'withdrawn', actions: 'withdraw' },
            CALENDAR_CHANGED: { actions: 'recalendar' },
          },
        },
        // The first step (assigned) and the later ones (processing) accept the same handling events.
        assigned: { on: { ...HANDLING } },
        processing: {
          on: {
            ...HANDLING,
            RETURN_STEP: [
              { guard: 'backToFirstStep', target: 'assigned', actions: 'returnStep' },
              { guard: 'canGoBack', target: 'processing', actions: 'returnStep' },
            ],
          },
        },
        awaiting_supplement: {
          on: {
            RECEIVE_SUPPLEMENT: [
              { guard: 'atFirstStep', target: 'assigned', actions: 'receiveSupplement' },
              { target: 'processing', actions: 'receiveSupplement' },
            ],
            WITHDRAW: { target: 'withdrawn', actions: 'withdraw' },
          },
        },
        paused: {
          on: {
            RESUME: [
              { guard: 'atFirstStep', target: 'assigned', actions: 'resume' },
              { target: 'processing', actions: 'resume' },
            ],
            ISSUE_APOLOGY: { guard: 'apologyReappoints', actions: 'apologise' },
            WITHDRAW: { target: 'withdrawn', actions: 'withdraw' },
            CALENDAR_CHANGED: { actions: 'recalendar' },
          },
        },
        result: {
          on: {
            ISSUE_APOLOGY: { guard: 'apologyAllowed', actions: 'apologise' },
            RETURN_RESULT: { guard: 'mayReturn', target: 'returned', actions: 'returnResult' },
          },
        },
        returned: { type: 'final' },
        withdrawn: { type: 'final' },
      },
    },
    timeliness: {
      initial: 'not_started',
      on: {
        // A supplement restarts the processing time from zero: the deadline flags start over.
        RECEIVE_SUPPLEMENT: { target: '.on_track', guard: stateIn('#dossier.lifecycle.awaiting_supplement') },
      },
      states: {
        not_started: {
          on: { RECEIVE: { target: 'on_track', guard: stateIn('#dossier.lifecycle.submitted') } },
        },
        on_track: {
          on: {
            DEADLINE_APPROACHING: { target: 'due_soon', guard: 'clockRunning' },
            DEADLINE_PASSED: { target: 'overdue', guard: 'clockRunning' },
          },
        },
        due_soon: {
          on: {
            DEADLINE_PASSED: { target: 'overdue', guard: 'clockRunning' },
          },
        },
        overdue: {},
      },
    },
  },
});
