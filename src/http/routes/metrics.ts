/**
 * /api/metrics: GET /compliance?from&to&groupBy (the period's compliance figures), GET /digitisation?from&to&groupBy
 * (the digitisation and reuse rates, from their rollup), GET /apology-missing
 * (late dossiers with no apology on record, applicant masked) and GET /definitions (what each figure
 * means). For supervisors, leaders, auditors and administrators; others get 403.
 */
import { Router } from 'express';
import type { AppDeps } from '../deps';
import { userOf } from '../deps';
import { MetricsService } from '../../services/metrics-service';

export function metricsRoutes(deps: AppDeps): Router {
  const service = new MetricsService(deps.ctx);
  const r = Router();
  r.get('/compliance', async (req, res) => {
    res.json(await service.compliance(userOf(res), req.query));
  });
  r.get('/digitisation', async (req, res) => {
    res.json(await service.digitisation(userOf(res), req.query));
  });
  r.get('/apology-missing', async (req, res) => {
    res.json(await service.apologyMissing(userOf(res), req.query));
  });
  r.get('/definitions', (_req, res) => {
    res.json(service.definitions(userOf(res)));
  });
  return r;
}
