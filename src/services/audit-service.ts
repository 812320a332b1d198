/**
 * What the auditor's API does (src/http/routes/audit.ts only maps it to HTTP): replay a dossier up to a
 * cut-off and compare it with its projection, verify one dossier or the whole database, export a
 * dossier's chain, list and record checkpoints. One dossier is read through the dossier access door.
 */
import { z } from 'zod';
import { chartFor, listChartVersions } from '../../machines/dossier';
import type { EngineContext } from '../app/engine-factory';
import { createCheckpoint } from '../audit/checkpoints';
import { listCheckpoints } from '../store/checkpoint-store';
import { exportDossier } from '../audit/export';
import { replaySteps } from '../audit/replay-steps';
import { verifyAllStream, type VerifyMessage } from '../audit/verify-all';
import { loadDossierForAudit, replayDifferences, verifyDossierDetailed } from '../audit/verify-dossier';
import { documentRefFindings, dossierFileFindings } from '../audit/verify-files';
import { documentRefsOf } from '../store/document-store';
import { notFound } from '../../machines/engine/errors';
import type { AuthUser } from './auth-user';
import { DossierAccess } from './dossier-access';
import { findRecordViews, type RecordViewQuery } from '../store/record-view-store';
import { parseWith } from './validate';

export const ReplayQuerySchema = z
  .strictObject({
    upTo: z.coerce.number().int().min(1).optional(),
    at: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((q) => q.upTo === undefined || q.at === undefined, { message: 'give upTo or at, not both' });

export const VerifyAllQuerySchema = z.strictObject({
  pageSize: z.coerce.number().int().min(1).max(5000).optional(),
  checkpoints: z.enum(['0', '1', 'true', 'false']).optional(),
});

export class AuditService {
  private readonly access: DossierAccess;

  constructor(private readonly ctx: EngineContext) {
    this.access = new DossierAccess(ctx.db);
  }

  /** The steps, the state at the cut-off, and (without a cut-off) the projection's differences from the replay. */
  async replay(user: AuthUser, code: string, query: unknown) {
    const q = parseWith(ReplayQuerySchema, query);
    const { row, events } = await this.load(code);
    await this.access.ensureReadable(user, row); // the snapshot may be what is broken: the scope does not need it
    const cut = q.upTo !== undefined ? { upTo: q.upTo } : q.at !== undefined ? { at: q.at } : {};
    const replayed = replaySteps(row.id, events, cut);
    const whole = q.upTo === undefined && q.at === undefined && replayed.snapshot && !replayed.error;
    const differences = whole ? replayDifferences(row, events, replayed.snapshot!, chartFor(row.machine_version)) : null;
    return {
      code: row.code,
      machineVersion: replayed.machineVersion,
      cut: q.upTo !== undefined ? { upTo: q.upTo } : q.at !== undefined ? { at: q.at } : null,
      steps: replayed.steps,
      state: replayed.state,
      error: replayed.error,
      differences,
    };
  }

  /** One dossier's findings and its chain, event by event (the route admits only readers of every dossier). */
  async verify(code: string) {
    const { row, events } = await this.load(code);
    const { findings: chainFindings, chain } = verifyDossierDetailed(row, events);
    // the files the events reference, read back from the store and rehashed
    const findings = [
      ...chainFindings,
      ...(await dossierFileFindings(this.ctx.blobs, row.code, events)),
      ...documentRefFindings(row.code, events, await documentRefsOf(this.ctx.db, row.id)),
    ];
    return { code: row.code, ok: findings.length === 0, findings, chain };
  }

  exportDossier(code: string) {
    return exportDossier(this.ctx.db, code, this.ctx.clock.now());
  }

  /** Whole-database verification as a stream of progress, finding, summary lines. */
  verifyAll(query: unknown, signal: AbortSignal): AsyncIterable<VerifyMessage> {
    const q = parseWith(VerifyAllQuerySchema, query);
    return verifyAllStream(this.ctx.db, {
      pageSize: q.pageSize,
      checkpoints: q.checkpoints === undefined ? true : q.checkpoints === '1' || q.checkpoints === 'true',
      blobs: this.ctx.blobs,
      signal,
    });
  }

  listCheckpoints() {
    return listCheckpoints(this.ctx.db);
  }

  createCheckpoint() {
    return createCheckpoint(this.ctx.db, this.ctx.clock.now());
  }

  /** Who opened which applicant's full record, newest first (the query parsed by the route's schema). */
  recordViews(q: RecordViewQuery) {
    return findRecordViews(this.ctx.db, q);
  }

  machines() {
    return listChartVersions();
  }

  private async load(code: string) {
    const loaded = await loadDossierForAudit(this.ctx.db, code);
    if (!loaded) throw notFound('hồ sơ', code);
    return loaded;
  }
}
