/** /api/procedures: the catalogue, and its administration (admin). */
import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { userOf } from '../deps';
import { parseWith } from '../../services/validate';
import { ProcedureService } from '../../services/procedure-service';

/** versions are 32-bit integer columns: a larger number is no version, not a database error */
export const ProcedureVersionQuerySchema = z.strictObject({
  version: z.coerce.number().int().min(1).max(2_147_483_647).optional().describe('a published version; default the latest'),
});

export function procedureRoutes(deps: AppDeps): Router {
  const service = new ProcedureService(deps.ctx);
  const r = Router();
  r.get('/', async (_req, res) => {
    res.json(await service.list());
  });
  r.get('/:code', async (req, res) => {
    const q = parseWith(ProcedureVersionQuerySchema, req.query);
    res.json(await service.get(req.params.code, q.version));
  });
  r.post('/', async (req, res) => {
    res.status(201).json(await service.create(userOf(res), req.body));
  });
  r.put('/:code', async (req, res) => {
    res.json(await service.publish(userOf(res), req.params.code, req.body));
  });
  return r;
}
