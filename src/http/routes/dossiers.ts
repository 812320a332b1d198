/** /api/dossiers: receive, list, read, move (events), history, who may sign a dossier's apology or refusal, and whom its step may be assigned to. */
import { Router } from 'express';
import type { AppDeps } from '../deps';
import { userOf } from '../deps';
import { DossierService } from '../../services/dossier-service';
import { sendJson } from '../json-answer';

export function dossierRoutes(deps: AppDeps): Router {
  const service = new DossierService(deps.ctx);
  const r = Router();

  r.post('/', async (req, res) => {
    const key = req.get('Idempotency-Key') ?? undefined;
    const { dossier, replayed } = await service.submit(userOf(res), req.body, key);
    if (replayed) res.set('Idempotent-Replayed', 'true');
    sendJson(req, res.status(replayed ? 200 : 201).location(`/api/dossiers/${encodeURIComponent(dossier.code)}`), dossier);
  });

  r.get('/', async (req, res) => {
    res.json(await service.list(userOf(res), req.query));
  });

  r.get('/:code', async (req, res) => {
    const d = await service.get(userOf(res), req.params.code);
    res.set('ETag', `"${d.version}"`).json(d);
  });

  r.post('/:code/events', async (req, res) => {
    const d = await service.send(userOf(res), req.params.code, req.body, req.get('If-Match') ?? undefined);
    sendJson(req, res.set('ETag', `"${d.version}"`), d);
  });

  r.get('/:code/signers', async (req, res) => {
    res.json(await service.signers(userOf(res), req.params.code, req.query));
  });

  r.get('/:code/assignees', async (req, res) => {
    res.json(await service.assignees(userOf(res), req.params.code));
  });

  r.get('/:code/events', async (req, res) => {
    const events = await service.history(userOf(res), req.params.code);
    res.json(events.map(({ prevHash: _p, ...e }) => e));
  });

  return r;
}
