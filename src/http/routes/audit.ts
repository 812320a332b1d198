/**
 * The auditor's API, mounted at /api behind authentication:
 * - GET  /api/dossiers/:code/replay[?upTo=<seq>|?at=<ISO>]  anyone who may read the dossier: the steps,
 *        the state at the cut-off, and (without a cut-off) the projection's differences from the replay;
 * - GET  /api/dossiers/:code/verify   auditor, supervisor, admin: the findings and the chain per event;
 * - GET  /api/dossiers/:code/export   auditor: the history with its chain as one JSON document;
 * - GET  /api/audit/verify            auditor, admin: whole-database verification as NDJSON lines
 *        ({type:"progress"|"finding"|"notice"|"summary"|"error", ...});
 * - GET  /api/audit/checkpoints       auditor, admin: the latest checkpoints;
 * - POST /api/audit/checkpoints       admin: records a checkpoint now;
 * - GET  /api/machines                any signed-in user: the registered chart versions.
 */
import { Router } from 'express';
import { AuditService } from '../../services/audit-service';
import { logRecordView } from '../../services/record-views';
import { requireRole } from '../authenticate';
import type { AppDeps } from '../deps';
import { userOf } from '../deps';
import { logOf } from '../../observability/request-id';

export function auditRoutes(deps: AppDeps): Router {
  const service = new AuditService(deps.ctx);
  const r = Router();

  r.get('/dossiers/:code/replay', async (req, res) => {
    res.json(await service.replay(userOf(res), req.params.code, req.query));
  });

  r.get('/dossiers/:code/verify', requireRole('auditor', 'supervisor', 'admin'), async (req, res) => {
    res.json(await service.verify(String(req.params.code)));
  });

  r.get('/dossiers/:code/export', requireRole('auditor'), async (req, res) => {
    const doc = await service.exportDossier(String(req.params.code));
    await logRecordView(deps.ctx, userOf(res), doc.code, 'export'); // the export holds the applicant unmasked
    res.set('Content-Disposition', `attachment; filename="${doc.code.replace(/[^0-9A-Za-z.-]/g, '_')}.json"`).json(doc);
  });

  r.get('/audit/verify', requireRole('auditor', 'admin'), async (req, res) => {
    const abort = new AbortController();
    const messages = service.verifyAll(req.query, abort.signal); // a bad query is a 400 before the stream starts
    res.on('close', () => abort.abort());
    res
      .status(200)
      .set({ 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    res.flushHeaders();
    try {
      for await (const m of messages) {
        if (abort.signal.aborted) break;
        res.write(`${JSON.stringify(m)}\n`);
      }
    } catch (err) {
      logOf(res).error({ err }, 'whole-database verification failed'); // through the logger, which masks personal numbers
      if (!abort.signal.aborted) res.write(`${JSON.stringify({ type: 'error', message: 'Lỗi hệ thống khi kiểm tra' })}\n`);
    }
    res.end();
  });

  r.get('/audit/checkpoints', requireRole('auditor', 'admin'), async (_req, res) => {
    res.json(await service.listCheckpoints());
  });

  r.post('/audit/checkpoints', requireRole('admin'), async (_req, res) => {
    res.status(201).json(await service.createCheckpoint());
  });

  r.get('/machines', (_req, res) => {
    userOf(res);
    res.json(service.machines());
  });

  return r;
}
