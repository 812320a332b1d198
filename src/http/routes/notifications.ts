/**
 * Applicant notifications' administration (admin; docs/notifications.md): GET /api/admin/notifications (the
 * settings and each channel, secrets masked), PUT …/settings, PUT …/channels/{kind}, POST …/test (a test message
 * now) and GET …/messages (the message log, addresses masked).
 */
import { Router } from 'express';
import { requireRole } from '../authenticate';
import { userOf, type AppDeps } from '../deps';
import { NotifyAdminService } from '../../services/notify-admin-service';

export function notificationRoutes(deps: AppDeps): Router {
  const service = new NotifyAdminService(deps.ctx);
  const r = Router();
  r.use(requireRole('admin'));
  r.get('/', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await service.overview());
  });
  r.put('/settings', async (req, res) => {
    res.json(await service.putSettings(userOf(res), req.body));
  });
  r.put('/channels/:kind', async (req, res) => {
    res.json(await service.putChannel(userOf(res), String(req.params.kind), req.body));
  });
  r.post('/test', async (req, res) => {
    res.json(await service.sendTest(userOf(res), req.body));
  });
  r.get('/messages', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await service.messages(req.query));
  });
  return r;
}
