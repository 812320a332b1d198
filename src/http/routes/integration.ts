/**
 * Integration (docs/integration.md): GET /api/feed, the change feed every integrator can pull (admin, auditor).
 */
import { Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../authenticate';
import type { AppDeps } from '../deps';
import { parseWith } from '../../services/validate';
import { readFeed } from '../../services/feed-service';

export const FeedQuerySchema = z.strictObject({
  after: z
    .string()
    .regex(/^\d{1,20}\.\d{1,20}$/, 'expected a cursor "<digits>.<digits>" from a previous page')
    .optional()
    .describe('nextCursor of the previous page; omitted: from the first event'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const IntegrationEventSchema = z.object({
  id: z.string().describe('<dossierId>:<seq>, the same for every receiver and attempt'),
  type: z.string(),
  seq: z.number().int(),
  occurredAt: z.string().describe('ISO-8601 instant in UTC'),
  actor: z.string(),
  actorUnit: z.string().nullable(),
  dossier: z.object({ id: z.string(), code: z.string(), procedureCode: z.string(), agencyCode: z.string() }),
  payload: z.unknown().describe('the event payload as logged, applicant ID, phone and e-mail masked'),
  hash: z.string(),
});

export const FeedPageSchema = z.object({
  items: z.array(z.object({ cursor: z.string(), event: IntegrationEventSchema })),
  nextCursor: z.string().describe('pass as `after` to read on; unchanged when nothing newer is committed yet'),
});

export function integrationRoutes(deps: AppDeps): Router {
  const r = Router();
  r.get('/feed', requireRole('admin', 'auditor'), async (req, res) => {
    const q = parseWith(FeedQuerySchema, req.query);
    res.set('Cache-Control', 'no-store').json(await readFeed(deps.ctx.db, q));
  });
  return r;
}
