/** Liveness (the process answers) and readiness (the database answers and its schema is current). */
import { Router } from 'express';
import { migrationsCurrent } from '../../../db/migrations';
import type { AppDeps } from '../deps';

export function healthRoutes(deps: AppDeps): Router {
  const r = Router();
  r.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/ready', async (_req, res) => {
    try {
      await deps.ctx.db.raw('select 1');
      const current = await migrationsCurrent(deps.ctx.db);
      res.status(current ? 200 : 503).json({ status: current ? 'ready' : 'migrations pending', database: 'ok' });
    } catch {
      res.status(503).json({ status: 'database unreachable' });
    }
  });
  return r;
}
