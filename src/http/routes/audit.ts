/**
 * The auditor's API, mounted at /api behind authentication:
 * - GET  /api/dossiers/:code/replay[?upTo=<seq>|?at=<ISO>]  anyone who may read the dossier: the steps,
 *        the state at the cut-off, and (without a cut-off) the projection's differences from the replay;
 * - GET  /api/dossiers/:code/verify   auditor, supervisor, admin: the findings and the chain per event;
 * - GET  /api/dossiers/:code/export   auditor: the history with its chain as one JSON document;
 * - GET  /api/audit/verify            auditor, admin: whole-database verification as NDJSON lines
 *        ({type:"progress"|"finding"|"summary"|"error", ...});
 * - GET  /api/audit/checkpoints       auditor, admin: the latest checkpoints;
 * - POST /api/audit/checkpoints       admin: records a checkpoint now;
 * - GET  /api/machines                any signed-in user: the registered chart versions.
 */
import { Router } from 'express';
import { z } from 'zod';
import { chartFor, listChartVersions, restoreSnapshot, type DossierContext } from '../../../machines/dossier';
import { forbidden, notFound } from '../../../machines/engine/errors';
import { canRead } from '../../services/policy';
import { hasRole, type AuthUser } from '../../services/auth-user';
import type { DossierRow } from '../../store/dossier-store';
import { createCheckpoint, listCheckpoints } from '../../audit/checkpoints';
import { exportDossier } from '../../audit/export';
import { replaySteps } from '../../audit/replay-steps';
import { loadDossierForAudit, replayDifferences, verifyDossierDetailed } from '../../audit/verify-dossier';
import { verifyAllStream } from '../../audit/verify-all';
import { requireRole } from '../authenticate';
import type { AppDeps } from '../deps';
import { userOf } from '../deps';
import { parseWith } from '../validate';
import { logOf } from '../../observability/request-id';

const ReplayQuery = z
  .strictObject({
    upTo: z.coerce.number().int().min(1).optional(),
    at: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((q) => q.upTo === undefined || q.at === undefined, { message: 'give upTo or at, not both' });

const VerifyQuery = z.strictObject({
  pageSize: z.coerce.number().int().min(1).max(5000).optional(),
  checkpoints: z.enum(['0', '1', 'true', 'false']).optional(),
});

function readable(user: AuthUser, row: DossierRow): void {
  let context: DossierContext;
  try {
    context = restoreSnapshot(chartFor(row.machine_version), JSON.parse(row.snapshot)).context;
  } catch {
    // A snapshot that cannot be restored: only the roles that see every dossier may look.
    if (hasRole(user, 'counter', 'supervisor', 'auditor', 'admin')) return;
    throw forbidden('Hồ sơ không thuộc phạm vi của bạn');
  }
  if (!canRead(user, { unit: row.unit, context })) throw forbidden('Hồ sơ không thuộc phạm vi của bạn');
}

export function auditRoutes(deps: AppDeps): Router {
  const { db, clock } = deps.ctx;
  const r = Router();

  const load = async (code: string) => {
    const loaded = await loadDossierForAudit(db, code);
    if (!loaded) throw notFound('hồ sơ', code);
    return loaded;
  };

  r.get('/dossiers/:code/replay', async (req, res) => {
    const q = parseWith(ReplayQuery, req.query);
    const { row, events } = await load(req.params.code);
    readable(userOf(res), row);
    const cut = q.upTo !== undefined ? { upTo: q.upTo } : q.at !== undefined ? { at: q.at } : {};
    const replayed = replaySteps(row.id, events, cut);
    const whole = q.upTo === undefined && q.at === undefined && replayed.snapshot && !replayed.error;
    const differences = whole ? replayDifferences(row, events, replayed.snapshot!, chartFor(row.machine_version)) : null;
    res.json({
      code: row.code,
      machineVersion: replayed.machineVersion,
      cut: q.upTo !== undefined ? { upTo: q.upTo } : q.at !== undefined ? { at: q.at } : null,
      steps: replayed.steps,
      state: replayed.state,
      error: replayed.error,
      differences,
    });
  });

  r.get('/dossiers/:code/verify', requireRole('auditor', 'supervisor', 'admin'), async (req, res) => {
    const { row, events } = await load(String(req.params.code));
    const { findings, chain } = verifyDossierDetailed(row, events);
    res.json({ code: row.code, ok: findings.length === 0, findings, chain });
  });

  r.get('/dossiers/:code/export', requireRole('auditor'), async (req, res) => {
    const doc = await exportDossier(db, String(req.params.code), clock.now());
    res.set('Content-Disposition', `attachment; filename="${doc.code.replace(/[^0-9A-Za-z.-]/g, '_')}.json"`).json(doc);
  });

  r.get('/audit/verify', requireRole('auditor', 'admin'), async (req, res) => {
    const q = parseWith(VerifyQuery, req.query);
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    res.status(200).set({ 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    res.flushHeaders();
    try {
      for await (const m of verifyAllStream(db, {
        pageSize: q.pageSize,
        checkpoints: q.checkpoints === undefined ? true : q.checkpoints === '1' || q.checkpoints === 'true',
        signal: abort.signal,
      })) {
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
    res.json(await listCheckpoints(db));
  });

  r.post('/audit/checkpoints', requireRole('admin'), async (_req, res) => {
    res.status(201).json(await createCheckpoint(db, clock.now()));
  });

  r.get('/machines', (_req, res) => {
    userOf(res);
    res.json(listChartVersions());
  });

  return r;
}
