/**
 * GET /api/vocabulary (no login): the domain's words as the web UI needs them — states and which count as
 * open, event types with their labels, timeliness, pause reasons, channels, return methods, outcomes, roles,
 * forms, error and validation-issue codes with their Vietnamese labels, the units and the procedures' names (machines/vocabulary.ts). The same for
 * every caller; cacheable for a short while.
 */
import { Router } from 'express';
import { z } from 'zod';
import { vocabulary } from '../../../machines/vocabulary';
import type { AppDeps } from '../deps';

const labels = z.record(z.string(), z.string());

export const VocabularySchema = z.object({
  states: z.array(z.object({ code: z.string(), label: z.string() })).describe('every lifecycle state with its Vietnamese label'),
  openStates: z.array(z.string()).describe('received and not yet decided: the deadline clock counts'),
  pendingStates: z.array(z.string()).describe('not yet decided, received or not'),
  stoppedStates: z
    .array(z.string())
    .describe('of the open states, those whose deadline clock is stopped (awaiting a supplement, paused): no countdown'),
  events: z
    .array(
      z.object({
        type: z.string(),
        label: z.string(),
        action: z.string().nullable().describe('the button text of a user event'),
        bySystem: z.boolean(),
      }),
    )
    .describe('every event type of a history'),
  timeliness: labels,
  pauseReasons: labels,
  notifyChannels: labels.describe("the applicant's notification channels (sms, zalo, email, none) → Vietnamese label"),
  exemptionReasons: labels,
  withdrawalChannels: labels,
  channels: labels.describe('how a dossier came in (counter, online, postal) → Vietnamese label'),
  returnMethods: labels.describe('how the result went back (counter, post, online) → Vietnamese label'),
  outcomes: labels.describe('result outcome (approved, refused) → Vietnamese label'),
  roles: labels.describe('user role → Vietnamese name'),
  forms: z
    .array(z.object({ kind: z.string(), label: z.string(), title: z.string() }))
    .describe('the printable forms: a short label for buttons, the official title printed at the head of the form'),
  stopAction: z.string(),
  errors: labels.describe('error code → Vietnamese meaning'),
  issues: labels.describe('validation issue code ({field, code, reason}) → Vietnamese text'),
  lookupFactors: labels.describe('the public lookup’s second factor (applicant.lookupFactor) → Vietnamese name'),
  units: z.array(z.object({ code: z.string(), name: z.string(), kind: z.string() })),
  procedures: z.array(z.object({ code: z.string(), name: z.string() })),
});

export function vocabularyRoutes(_deps: AppDeps): Router {
  const body = VocabularySchema.parse(vocabulary());
  const r = Router();
  r.get('/', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(body);
  });
  return r;
}
