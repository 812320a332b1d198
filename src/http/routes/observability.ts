/**
 * GET /metrics: Prometheus text format, without login (scrapers do not sign in). It exposes only
 * bounded aggregates — request counts and latencies per route template, transitions per event type,
 * sweeper runs, the number of late open dossiers — never a dossier code, a name or personal data.
 * Restrict it at the reverse proxy if even these figures must stay inside the network.
 */
import { Router } from 'express';
import type { AppDeps } from '../deps';
import type { HttpMetrics } from '../../observability/prometheus';

export function observabilityRoutes(deps: AppDeps, metrics: HttpMetrics): Router {
  const r = Router();
  r.get('/metrics', async (_req, res) => {
    const body = await metrics.render(deps.ctx.db);
    res.set({ 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Cache-Control': 'no-store' }).send(body);
  });
  return r;
}
