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
import { isNotice, loadDossierForAudit, replayDifferences, verifyDossierDetailed } from '../audit/verify-dossier';
import { deletionsOfDossier } from '../store/retention-store';
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

// --- what the auditor's API answers (the OpenAPI document describes the responses with these) ---------

const facts = z.record(z.string(), z.unknown());
const head = z.strictObject({ seq: z.int(), hash: z.string() });

export const ReplaySchema = z.strictObject({
  code: z.string(),
  machineVersion: z.int().nullable().describe('the chart version the dossier runs on; null when no event was replayed'),
  cut: z
    .union([z.strictObject({ upTo: z.int() }), z.strictObject({ at: z.string() })])
    .nullable()
    .describe('the cut-off asked for (?upTo or ?at); null for the whole history'),
  steps: z
    .array(
      z.looseObject({
        seq: z.int(),
        type: z.string(),
        occurredAt: z.string(),
        actor: z.string(),
        actorUnit: z.string().nullable(),
        before: facts.nullable().describe('the dossier facts before the event (null for SUBMIT)'),
        after: facts.describe('the dossier facts after the event'),
        hashOk: z.boolean(),
        linkOk: z.boolean(),
      }),
    )
    .describe('each event with the state before and after it'),
  state: facts.nullable().describe('the dossier facts at the cut-off (machines/dossier/facts.ts), with seq and occurredAt'),
  error: z.strictObject({ seq: z.int(), message: z.string() }).nullable().describe('where the replay stopped, and why'),
  differences: z
    .array(z.strictObject({ field: z.string(), stored: z.unknown(), replayed: z.unknown() }))
    .nullable()
    .describe('without a cut-off: where the dossier row differs from the replay (empty when intact)'),
});

const FindingSchema = z.strictObject({
  dossierCode: z.string(),
  seq: z.int().nullable().describe('the event the finding is located at; null for whole-dossier findings'),
  kind: z.string().describe('docs/audit.md lists the kinds'),
  message: z.string(),
  field: z.string().optional(),
  stored: z.unknown().optional(),
  replayed: z.unknown().optional(),
});

export const DossierVerificationSchema = z.strictObject({
  code: z.string(),
  ok: z.boolean().describe('no finding'),
  findings: z.array(FindingSchema).describe('first broken event first'),
  notices: z
    .array(FindingSchema)
    .describe('not failures: a referenced file the retention job deleted, with its deletion record (file_deleted_by_retention)'),
  chain: z.array(z.strictObject({ seq: z.int(), hashOk: z.boolean(), linkOk: z.boolean(), seqOk: z.boolean() })),
});

export const CheckpointSchema = z.strictObject({
  id: z.int(),
  createdAt: z.string(),
  dossierCount: z.int(),
  eventCount: z.int(),
  changedCount: z.int(),
  headsDigest: z.string(),
  changedDigest: z.string(),
  prevDigest: z.string(),
  digest: z.string(),
  deletionCount: z
    .int()
    .nullable()
    .describe("records in the retention job's deletion log when the checkpoint was taken (null: taken before checkpoints anchored it)"),
  deletionHead: z.string().nullable().describe("the hash of the deletion log's last record then (the genesis hash when empty)"),
});
export const CheckpointListSchema = z.array(CheckpointSchema);
export const DossierExportSchema = z.strictObject({
  format: z.literal('motcua-dossier-export/1'),
  dossierId: z.string(),
  code: z.string(),
  machineVersion: z.int(),
  procedureCode: z.string(),
  procedureVersion: z.int(),
  events: z.array(z.record(z.string(), z.unknown())).describe('the stored events with every hash input (docs/audit.md)'),
  head,
  recordedHead: head.describe('the head the dossier row names (equal to head unless the database was tampered with)'),
  files: z.array(
    z.strictObject({
      seq: z.int(),
      documentId: z.string(),
      version: z.int(),
      sha256: z.string(),
      size: z.int(),
      mediaType: z.string(),
      name: z.string(),
    }),
  ),
  deletions: z
    .array(
      z.strictObject({
        seq: z.int(),
        sha256: z.string(),
        dossierId: z.string(),
        dossierCode: z.string(),
        documentId: z.string(),
        documentVersion: z.int(),
        rule: z.string(),
        reason: z.string(),
        at: z.string(),
        prevHash: z.string(),
        hash: z.string(),
      }),
    )
    .describe('the retention job\'s deletion records of this dossier\'s files (docs/documents.md, "Retention")'),
  checkpoints: z
    .array(CheckpointSchema)
    .describe(
      'every audit checkpoint, oldest first: the offline verifier rechecks their chain (docs/documents.md, "Offline export with the files")',
    ),
  anchoredHeads: z
    .array(z.strictObject({ checkpointId: z.int(), seq: z.int(), hash: z.string() }))
    .describe("this dossier's heads the checkpoints anchored: its events must still reach each with that hash"),
  exportedAt: z.string(),
});
export const CreatedCheckpointSchema = CheckpointSchema.extend({
  regressions: z.int().describe('anchored heads that went backwards since the previous checkpoint'),
});
export const ChartVersionListSchema = z.array(z.strictObject({ version: z.int(), current: z.boolean() }));

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
    const all = [
      ...chainFindings,
      ...(await dossierFileFindings(this.ctx.blobs, row.code, events, await deletionsOfDossier(this.ctx.db, row.id))),
      ...documentRefFindings(row.code, events, await documentRefsOf(this.ctx.db, row.id)),
    ];
    const findings = all.filter((f) => !isNotice(f));
    return { code: row.code, ok: findings.length === 0, findings, notices: all.filter(isNotice), chain };
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
