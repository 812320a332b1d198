/** /api/procedures: the catalogue, and its administration (admin). */
import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { userOf } from '../deps';
import { parseWith } from '../validate';
import { ProcedureService } from '../../services/procedure-service';

const VersionQuery = z.strictObject({ version: z.coerce.number().int().min(1).optional() });

export function procedureRoutes(deps: AppDeps): Router {
  const service = new ProcedureService(deps.ctx);
  const r = Router();
  r.get('/', async (_req, res) => {
    res.json(await service.list());
  });
  r.get('/:code', async (req, res) => {
    const q = parseWith(VersionQuery, req.query);
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
