/**
 * Operations: POST /api/admin/sweep runs the deadline sweeper now (admin); PUT /api/test/clock sets the
 * server's clock (admin, and only when the server was started with MOTCUA_TEST_CLOCK=1; 404 otherwise).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { requireRole } from '../authenticate';
import { parseWith } from '../../services/validate';
import { DeadlineSweeper } from '../../jobs/deadline-sweeper';
import { notFound } from '../../../machines/engine/errors';

export const TestClockRequestSchema = z.strictObject({ now: z.iso.datetime({ offset: true }) });

export function adminRoutes(deps: AppDeps): Router {
  const sweeper = deps.sweeper ?? new DeadlineSweeper(deps.ctx);
  const r = Router();
  r.post('/admin/sweep', requireRole('admin'), async (_req, res) => {
    res.json(await sweeper.sweep());
  });
  r.put('/test/clock', requireRole('admin'), (req, res) => {
    if (!deps.testClock) throw notFound('đường dẫn', '/api/test/clock');
    const { now } = parseWith(TestClockRequestSchema, req.body);
    deps.testClock.set(now);
    res.json({ now: deps.ctx.clock.now().toISOString() });
  });
  return r;
}
