/**
 * Dossier lifecycle statechart, version 3: version 2 (./chart-v2.ts) plus intake as its own step
 * (regulations-with-sources.md §3.2 and §12.1; Decree 118 Art. 17; Decree 297/2025 Art. 6(4)):
 * - before receipt the counter may guide the applicant to complete the dossier (REQUEST_SUPPLEMENT in
 *   `submitted`, form 02) without receiving it: the dossier waits in `intake_supplement` with no official
 *   code and no clock, until the applicant resubmits (RESUBMIT, back to `submitted`) or asks to stop;
 * - the context keeps the intake wait (`intake`): when it began, when an online submission must be answered
 *   (8 working hours, stamped by the engine), when the counter answered, and the first late answer.
 * Receiving (RECEIVE), refusing to receive (REFUSE, form 03) and the guidance all answer the wait.
 */
import { dossierChartV1, dossierSetup } from './chart-v1';
import { dossierChartV2 } from './chart-v2';
import type { DossierContext, DossierInput } from './types';

export const CHART_VERSION = 3;

type Config = Parameters<typeof dossierSetup.createMachine>[0];
type StateConfig = { on?: Record<string, unknown>; [key: string]: unknown };

const v2 = dossierChartV2.config as unknown as {
  context: (args: { input: DossierInput }) => DossierContext;
  states: { lifecycle: { states: Record<string, StateConfig> } & Record<string, unknown> } & Record<string, unknown>;
} & Record<string, unknown>;

const submitted = v2.states.lifecycle.states.submitted!;
const withAnswer = (t: unknown) => {
  const tr = t as { target: string; actions: string };
  return { ...tr, actions: ['answerIntake', tr.actions] };
};

const config = {
  ...v2,
  context: (args: { input: DossierInput }) => {
    const { input } = args;
    return {
      ...v2.context(args),
      intake: { waitingSince: input.submittedAt, dueBy: input.intakeDueBy ?? null, answeredAt: null, lateAnswerAt: null, guidances: 0 },
    };
  },
  states: {
    ...v2.states,
    lifecycle: {
      ...v2.states.lifecycle,
      states: {
        ...v2.states.lifecycle.states,
        submitted: {
          ...submitted,
          on: {
            ...submitted.on,
            RECEIVE: withAnswer(submitted.on!.RECEIVE),
            REFUSE: withAnswer(submitted.on!.REFUSE),
            REQUEST_WITHDRAWAL: withAnswer(submitted.on!.REQUEST_WITHDRAWAL),
            // Form 02 at intake: the dossier is not received; it waits for the applicant to complete it.
            REQUEST_SUPPLEMENT: { target: 'intake_supplement', actions: ['answerIntake', 'guideAtIntake'] },
          },
        },
        intake_supplement: {
          on: {
            RESUBMIT: { target: 'submitted', actions: 'resubmit' },
            REQUEST_WITHDRAWAL: submitted.on!.REQUEST_WITHDRAWAL,
          },
        },
      },
    },
  },
} as unknown as Config;

export const dossierChartV3 = dossierSetup.createMachine(config) as unknown as typeof dossierChartV1;
