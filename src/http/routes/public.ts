/**
 * Routes for the public, without login: GET /api/public/dossiers/:code?verify=NNNN, the citizen's
 * status lookup (src/services/public-lookup.ts). Answers are never cached; a refusal for too many
 * attempts carries Retry-After.
 */
import { Router } from 'express';
import { z } from 'zod';
import { isMotcuaError } from '../../../machines/engine/errors';
import { lookupPublicStatus } from '../../services/public-lookup';
import type { AppDeps } from '../deps';
import { parseWith } from '../../services/validate';
import { documentServiceOf, sendDocument } from './documents';

export const PublicLookupParamsSchema = z.object({
  code: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[0-9A-Z.-]{1,96}$/, 'expected a dossier code such as 000.00.12.H29-260303-0001')
    .describe('matched case-insensitively, spaces around it ignored'),
});

export const PublicLookupQuerySchema = z.strictObject({
  verify: z
    .string()
    .regex(/^\d{4}$/, 'expected the last 4 digits of the number named on the receipt')
    .optional()
    .describe(
      'the last 4 digits of the number the applicant chose at receipt, named on the receipt: the phone or the ID number (dossiers received before the choice existed accept either)',
    ),
});

export const PublicDossierStatusSchema = z.object({
  code: z.string(),
  status: z.string().describe('national status name (Vietnamese)'),
  state: z.string(),
  dueAt: z.string().nullable().describe('ISO-8601 instant in UTC'),
  resultReady: z.boolean().describe('the result is ready to be collected'),
  returned: z.boolean().describe('the result has been handed to the applicant'),
  electronicResult: z
    .boolean()
    .describe('the result is an electronic original the applicant can download: GET /api/public/dossiers/{code}/result-document'),
  clockStopped: z.boolean().describe('the deadline clock is stopped: waiting for the applicant’s supplement, or paused'),
  late: z.boolean().describe('past the statutory due date (still open), or the result came after it'),
  originalDueAt: z.string().nullable().describe('the statutory due date (an apology’s new appointment does not move it)'),
  supplement: z
    .object({ requestedAt: z.string(), missing: z.array(z.string()), reason: z.string() })
    .nullable()
    .describe('while a supplement is awaited: the papers to bring, as the request listed them'),
  apology: z
    .object({
      issuedAt: z.string(),
      reason: z.string(),
      newDueAt: z.string().nullable().describe('null: the result was ready and handed over at once, no new appointment'),
    })
    .nullable()
    .describe('the latest apology (Phiếu xin lỗi và hẹn lại ngày trả kết quả) and its new appointment'),
});

export function publicRoutes(deps: AppDeps): Router {
  const r = Router();
  r.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  r.get('/dossiers/:code', async (req, res) => {
    try {
      const { code } = parseWith(PublicLookupParamsSchema, req.params);
      const { verify } = parseWith(PublicLookupQuerySchema, req.query);
      const status = await lookupPublicStatus(deps.ctx.db, { code, verify, address: req.ip ?? 'unknown', now: deps.ctx.clock.now() });
      res.json(PublicDossierStatusSchema.parse(status));
    } catch (err) {
      if (isMotcuaError(err, 'RATE_LIMITED')) res.set('Retry-After', String(err.details.retryAfterSeconds));
      throw err;
    }
  });
  // The applicant's electronic result (the electronic original only), behind the same second factor and throttling.
  const documents = documentServiceOf(deps);
  r.get('/dossiers/:code/result-document', async (req, res) => {
    try {
      const { code } = parseWith(PublicLookupParamsSchema, req.params);
      const { verify } = parseWith(PublicLookupQuerySchema, req.query);
      await sendDocument(res, await documents.openForApplicant({ code, verify, address: req.ip ?? 'unknown', now: deps.ctx.clock.now() }));
    } catch (err) {
      if (isMotcuaError(err, 'RATE_LIMITED')) res.set('Retry-After', String(err.details.retryAfterSeconds));
      throw err;
    }
  });
  return r;
}
