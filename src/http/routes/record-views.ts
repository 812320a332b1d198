/**
 * GET /api/audit/record-views?dossier=&username=&from=&to=&limit=&cursor= (auditor, admin): who opened
 * which applicant's unmasked data (full record, printable form, auditor's export) and when, newest first, paged with a cursor.
 */
import { Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../authenticate';
import type { AppDeps } from '../deps';
import { parseWith } from '../../services/validate';
import { AuditService } from '../../services/audit-service';

const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString());

export const RecordViewsQuerySchema = z.strictObject({
  dossier: z.string().min(1).max(96).optional().describe('dossier code'),
  username: z.string().min(1).max(64).optional().describe('the staff member who viewed'),
  from: instant.optional().describe('ISO-8601 instant, inclusive'),
  to: instant.optional().describe('ISO-8601 instant, exclusive'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z
    .string()
    .regex(/^[0-9]{1,18}$/)
    .optional()
    .describe('nextCursor of the previous page'),
});

export const RecordViewSchema = z.object({
  id: z.string(),
  dossierCode: z.string(),
  username: z.string(),
  unit: z.string(),
  viewedAt: z.string().describe('ISO-8601 instant in UTC'),
  source: z
    .string()
    .describe(
      "what showed the unmasked data: record (GET /api/dossiers/{code}), form:<kind> (a printable form) or export (the auditor's export)",
    ),
});

export const RecordViewListSchema = z.object({ items: z.array(RecordViewSchema), nextCursor: z.string().nullable() });

export function recordViewRoutes(deps: AppDeps): Router {
  const service = new AuditService(deps.ctx);
  const r = Router();
  r.get('/', requireRole('auditor', 'admin'), async (req, res) => {
    const q = parseWith(RecordViewsQuerySchema, req.query);
    res.set('Cache-Control', 'no-store').json(await service.recordViews(q));
  });
  return r;
}
