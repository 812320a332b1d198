/** Liveness (the process answers) and readiness (the database answers and its schema is current). */
import { Router } from 'express';
import type { AppDeps } from '../deps';
import { databaseReady } from '../../services/health-service';

export function healthRoutes(deps: AppDeps): Router {
  const r = Router();
  r.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/ready', async (_req, res) => {
    try {
      const current = await databaseReady(deps.ctx.db);
      res.status(current ? 200 : 503).json({ status: current ? 'ready' : 'migrations pending', database: 'ok' });
    } catch {
      res.status(503).json({ status: 'database unreachable' });
    }
  });
  return r;
}
