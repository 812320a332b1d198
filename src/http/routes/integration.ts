/**
 * Integration (docs/integration.md): GET /api/feed, the change feed (admin, auditor); the administrator's
 * webhooks (POST/GET /api/admin/webhooks, POST /api/admin/webhooks/{id}/deactivate), the outbox's per-channel figures
 * (GET /api/admin/outbox), its dead letters and their retry or discard (recorded).
 */
import { Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../authenticate';
import type { AppDeps } from '../deps';
import { parseWith } from '../../services/validate';
import { readFeed } from '../../services/feed-service';
import { IntegrationService, portalSyncStatus } from '../../services/integration-service';
import { userOf } from '../deps';
import { DeadLetterActionSchema, DeadLettersQuerySchema, FeedQuerySchema, WebhookCreateSchema } from '../../services/integration-schemas';

const DeliveryIdSchema = z.strictObject({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });
const WebhookIdSchema = z.strictObject({ id: z.string().min(1).max(64) });

export function integrationRoutes(deps: AppDeps): Router {
  const service = new IntegrationService(deps.ctx);
  const r = Router();
  r.post('/admin/webhooks', requireRole('admin'), async (req, res) => {
    const body = parseWith(WebhookCreateSchema, req.body);
    res.status(201).json(await service.createWebhook(body, userOf(res)));
  });
  r.get('/admin/webhooks', requireRole('admin'), async (_req, res) => {
    res.json({ items: await service.listWebhooks() });
  });
  r.post('/admin/webhooks/:id/deactivate', requireRole('admin'), async (req, res) => {
    const { id } = parseWith(WebhookIdSchema, req.params);
    res.json(await service.deactivateWebhook(id));
  });
  r.get('/integration/portal-sync', requireRole('supervisor', 'leader', 'auditor', 'admin'), async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await portalSyncStatus(deps.ctx));
  });
  r.get('/admin/outbox', requireRole('admin'), async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ channels: await service.channels() });
  });
  r.get('/admin/outbox/dead-letters', requireRole('admin'), async (req, res) => {
    const q = parseWith(DeadLettersQuerySchema, req.query);
    res.set('Cache-Control', 'no-store').json({ items: await service.deadLetters(q) });
  });
  for (const action of ['retry', 'discard'] as const) {
    r.post(`/admin/outbox/deliveries/:id/${action}`, requireRole('admin'), async (req, res) => {
      const { id } = parseWith(DeliveryIdSchema, req.params);
      const { note } = parseWith(DeadLetterActionSchema, req.body ?? {});
      res.json(await service.actOnDeadLetter(id, action, note, userOf(res)));
    });
  }
  r.get('/feed', requireRole('admin', 'auditor'), async (req, res) => {
    const q = parseWith(FeedQuerySchema, req.query);
    res.set('Cache-Control', 'no-store').json(await readFeed(deps.ctx.db, q));
  });
  return r;
}
