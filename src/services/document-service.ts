/**
 * Dossier documents (issue 14): uploading a file (streamed into the store, its type decided by its bytes),
 * finding uploaded files for the events that reference them, the documents an applicant's earlier dossiers
 * offer for reuse, and opening a stored file for a user who may read the dossier (every download of an
 * applicant's document recorded like the full-record view) or for the applicant (the electronic result only).
 */
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import type { EngineContext } from '../app/engine-factory';
import {
  DEFAULT_ACCEPTED_TYPES,
  detectMediaType,
  EXTENSIONS_OF,
  INLINE_TYPES,
  SNIFF_BYTES,
  type DetectedType,
} from '../../machines/documents/media-type';
import { currentBytes, currentVersion, documentsOf, reuseExpiresAt, whyNotReusable } from '../../machines/documents/rules';
import type { DocumentSource, DossierDocument, FileRef } from '../../machines/dossier/types';
import type { DocumentDtoShape, ReusableDocumentDtoShape, UploadedFileDto, UploadLimitsDto } from './document-schemas';
import { forbidden, MotcuaError, notFound, validationFailed } from '../../machines/engine/errors';
import { restoreRow, restoreRows } from '../engine/restore-row';
import { mkdirDurable } from '../store/durable-files';
import { stageUpload, StagingCut, StagingRefused } from '../store/blob-staging';
import { findBlob, findEarlierDossiersOfApplicant, storedBlobs, upsertBlob } from '../store/document-store';
import { findDossierByCode } from '../store/dossier-store';
import { deletionsOfDossier } from '../store/retention-store';
import { deletionRecordIntact } from '../../machines/documents/retention';
import { hasRole, type AuthUser } from './auth-user';
import { DossierAccess } from './dossier-access';
import { logRecordView } from './record-views';
import { lookupPublicStatus, lookupNotFound, type LookupRequest } from './public-lookup';

export interface UploadLimits {
  maxFileBytes: number;
  acceptedTypes: readonly string[];
}

/** The shapes the routes answer are inferred from their zod schemas (src/services/document-schemas.ts, also the OpenAPI source). */
export type UploadedFile = UploadedFileDto;

export interface OpenedDocument {
  stream: Readable;
  file: FileRef;
  /** shown in the browser (PDF and images) rather than saved */
  inline: boolean;
}

export type DocumentDto = DocumentDtoShape;
export type ReusableDocumentDto = ReusableDocumentDtoShape;

/** The configuration's defaults (MOTCUA_UPLOAD_MAX_FILE_BYTES, MOTCUA_UPLOAD_TYPES). */
export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { maxFileBytes: 256 * 1024 ** 2, acceptedTypes: DEFAULT_ACCEPTED_TYPES };

const UPLOAD_ROLES = ['counter', 'specialist', 'leader'] as const;

export class DocumentService {
  private readonly access: DossierAccess;

  constructor(
    private readonly ctx: EngineContext,
    private readonly limits: UploadLimits = DEFAULT_UPLOAD_LIMITS,
  ) {
    this.access = new DossierAccess(ctx.db);
  }

  /** What an upload may be, as configured: the accepted types (with their usual name endings) and the size limit. */
  uploadLimits(): UploadLimitsDto {
    return {
      types: this.limits.acceptedTypes.map((mediaType) => ({
        mediaType,
        extensions: [...(EXTENSIONS_OF[mediaType as DetectedType] ?? [])],
      })),
      maxFileBytes: this.limits.maxFileBytes,
    };
  }

  /**
   * Streams a request body into the store. 413 past the size limit (at once when Content-Length says so),
   * 415 naming the detected type when the bytes are not an accepted type, 400 when the body is cut off.
   * Nothing is recorded unless the whole file arrived and was stored.
   */
  async upload(user: AuthUser, body: Readable, contentLength: string | undefined): Promise<UploadedFile> {
    this.checkMayUpload(user);
    if (contentLength !== undefined && Number(contentLength) > this.limits.maxFileBytes) throw this.tooLarge();
    return this.store(user.username, body);
  }

  /** 403 unless the user may upload (counter, specialist, leader). */
  checkMayUpload(user: AuthUser): void {
    if (!hasRole(user, ...UPLOAD_ROLES)) throw forbidden('Chỉ cán bộ một cửa, chuyên viên và lãnh đạo được tải tài liệu lên');
  }

  /**
   * A whole file into the store, checked as every upload is: streamed to a staged file while hashed, typed by
   * its first bytes (415 naming the detected type), within the size limit (413), not empty or cut off (400),
   * and, when `expectSha256` is given, with that SHA-256 (400 on `expectField` otherwise). Nothing is
   * recorded unless it passed; then the index row, then the file.
   */
  async store(by: string, body: Readable, expect?: { sha256: string; field: string }): Promise<UploadedFile> {
    const dir = this.ctx.blobs.stagingDir;
    mkdirDurable(dir);
    let staged;
    try {
      staged = await stageUpload(body, {
        dir,
        maxBytes: this.limits.maxFileBytes,
        sniffBytes: SNIFF_BYTES,
        checkHead: (head) => {
          if (head.length === 0) return 'empty';
          const type = detectMediaType(head);
          return this.limits.acceptedTypes.includes(type) ? null : type;
        },
      });
    } catch (err) {
      if (err instanceof StagingRefused && err.reason === 'too_large') throw this.tooLarge();
      if (err instanceof StagingRefused && err.detail === 'empty')
        throw validationFailed([{ field: '(body)', reason: 'the file is empty' }]);
      if (err instanceof StagingRefused) throw this.refusedType(err.detail);
      if (err instanceof StagingCut) throw validationFailed([{ field: '(body)', reason: 'the upload was cut off before its end' }]);
      throw err;
    }
    if (expect && expect.sha256 !== staged.sha256) {
      await fs.promises.rm(staged.path, { force: true });
      throw validationFailed([{ field: expect.field, reason: `the received bytes have SHA-256 ${staged.sha256}` }]);
    }
    const mediaType = detectMediaType(staged.head);
    // The index row first, then the file: a cleanup racing with a re-upload of the same bytes keeps both (src/jobs/blob-cleanup.ts).
    await upsertBlob(this.ctx.db, {
      sha256: staged.sha256,
      size: staged.size,
      mediaType,
      at: this.ctx.clock.now().toISOString(),
      by,
    });
    await this.ctx.blobs.putFile(staged.path, staged.sha256, staged.size);
    return { sha256: staged.sha256, size: staged.size, mediaType };
  }

  /** The configured limits, for the resumable uploads that check them chunk by chunk. */
  get maxFileBytes(): number {
    return this.limits.maxFileBytes;
  }

  /** null when the first bytes of a file are of an accepted type, else the type they show. */
  refusedTypeOf(head: Buffer): string | null {
    const type = detectMediaType(head);
    return this.limits.acceptedTypes.includes(type) ? null : type;
  }

  refusedType(detected: string): MotcuaError {
    return new MotcuaError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Loại tệp ${detected} không được chấp nhận; chỉ nhận: ${this.limits.acceptedTypes.join(', ')}`,
      {
        detected,
        accepted: this.limits.acceptedTypes,
      },
    );
  }

  tooLarge(): MotcuaError {
    return new MotcuaError('PAYLOAD_TOO_LARGE', `Tệp vượt quá ${this.limits.maxFileBytes} byte`, { limit: this.limits.maxFileBytes });
  }

  /** An uploaded file as an event names it; 400 naming `field` when no upload has this hash. */
  async resolveFile(sha256: string, name: string, field = 'sha256'): Promise<FileRef> {
    const blob = await findBlob(this.ctx.db, sha256);
    if (!blob || blob.state !== 'stored')
      throw validationFailed([{ field, reason: 'no uploaded file with this SHA-256 (upload it with POST /api/uploads first)' }]);
    return { sha256, size: blob.size, mediaType: blob.mediaType, name };
  }

  /**
   * A document of an earlier dossier of the same applicant (by ID number), to attach by reference: the current
   * version of a component document, of the same kind as the target's required document `component`
   * (400 `kind_mismatch` on `component`) and still valid (400 `expired` on `source.documentId`). 400 naming
   * `source` otherwise.
   */
  async resolveReuse(
    targetCode: string,
    source: { dossierCode: string; documentId: string },
    component: number,
  ): Promise<{ file: FileRef; source: DocumentSource }> {
    const target = await findDossierByCode(this.ctx.db, targetCode);
    if (!target) throw notFound('hồ sơ', targetCode);
    const from = await findDossierByCode(this.ctx.db, source.dossierCode);
    if (!from || from.id === target.id || from.applicant_id_number !== target.applicant_id_number)
      throw validationFailed([{ field: 'source.dossierCode', reason: 'not an earlier dossier of the same applicant (ID number)' }]);
    const doc = documentsOf((await restoreRow(this.ctx.db, from)).snapshot.context).find((d) => d.id === source.documentId);
    if (!doc || doc.kind !== 'component')
      throw validationFailed([{ field: 'source.documentId', reason: 'no such component document there' }]);
    const v = currentVersion(doc);
    const [fromDef, targetDef] = await Promise.all([
      this.ctx.procedures.byVersion(from.procedure_code, from.procedure_version),
      this.ctx.procedures.byVersion(target.procedure_code, target.procedure_version),
    ]);
    const wanted = targetDef.requiredDocuments[component];
    if (wanted) {
      const why = whyNotReusable(fromDef.requiredDocuments[doc.component ?? -1], wanted, v.at, this.ctx.clock.now().toISOString());
      if (why)
        throw validationFailed(
          [why],
          why.code === 'expired' ? 'Bản số hóa đã hết hiệu lực' : 'Tài liệu không cùng loại với thành phần hồ sơ',
        );
    }
    await this.resolveFile(v.file.sha256, v.file.name, 'source.documentId');
    return { file: v.file, source: { dossierCode: from.code, documentId: doc.id, version: v.version } };
  }

  /** The bytes a dossier the user may read holds in its current documents (the per-dossier limit counts them). */
  async currentDossierBytes(user: AuthUser, code: string): Promise<number> {
    const { snapshot } = await this.access.loadForUser(user, code);
    return currentBytes(snapshot.context);
  }

  /** The documents of a dossier the user may read. */
  async list(user: AuthUser, code: string): Promise<DocumentDto[]> {
    const { snapshot } = await this.access.loadForUser(user, code);
    return documentsOf(snapshot.context).map(documentDto);
  }

  /** Component documents the applicant's earlier dossiers hold, newest first (the "once only" offer at receipt). */
  async reusable(user: AuthUser, code: string): Promise<ReusableDocumentDto[]> {
    const { row } = await this.access.loadForUser(user, code);
    const earlier = await findEarlierDossiersOfApplicant(this.ctx.db, row.applicant_id_number, row.id, 50);
    const wanted = (await this.ctx.procedures.byVersion(row.procedure_code, row.procedure_version)).requiredDocuments;
    const now = this.ctx.clock.now().toISOString();
    const out: ReusableDocumentDto[] = [];
    const restored = await restoreRows(this.ctx.db, earlier);
    for (const [i, other] of earlier.entries()) {
      const context = restored[i]!.snapshot.context;
      const names = await this.ctx.procedures.byVersion(other.procedure_code, other.procedure_version).then(
        (def): readonly { name: string; kind?: string; validMonths?: number }[] => def.requiredDocuments,
        () => [],
      );
      for (const d of documentsOf(context)) {
        if (d.kind !== 'component' || d.component === null) continue;
        const v = currentVersion(d);
        const sourceDoc = names[d.component];
        out.push({
          expiresAt: sourceDoc ? reuseExpiresAt(sourceDoc, v.at) : null,
          reusableAs: wanted.flatMap((w, i) => (whyNotReusable(sourceDoc, w, v.at, now) ? [] : [i])),
          source: { dossierCode: other.code, documentId: d.id, version: v.version },
          component: d.component,
          componentName: names[d.component]?.name ?? null,
          procedureCode: other.procedure_code,
          file: v.file,
          at: v.at,
        });
      }
    }
    // a file the retention job (or the cleanup job) removed cannot be attached again: not offered
    const stored = await storedBlobs(
      this.ctx.db,
      out.map((o) => o.file.sha256),
    );
    return out.filter((o) => stored.has(o.file.sha256));
  }

  /** A stored file of a dossier the user may read; the download is recorded like the full-record view. */
  async open(user: AuthUser, code: string, documentId: string, version: number | undefined): Promise<OpenedDocument> {
    const { row, snapshot } = await this.access.loadForUser(user, code);
    const { file, version: v } = pick(documentsOf(snapshot.context), documentId, version);
    const stream = await this.ctx.blobs.open(file.sha256);
    if (!stream) throw await this.fileNotStored(row.id, documentId, v, file.sha256);
    await logRecordView(this.ctx, user, row.code, `document:${documentId}@${version ?? 'current'}`);
    return { stream, file, inline: INLINE_TYPES.includes(file.mediaType) };
  }

  /**
   * 404 FILE_NOT_STORED: the dossier has the document but the store has no file under its hash. `details.finding`
   * is what the audit reports of the same reference (src/audit/verify-files.ts): `file_deleted_by_retention` when
   * an intact deletion record covers it (with the record's `at` and `rule`), else `file_missing` (lost, or a
   * history generated without its files: docs/seed-generate.md).
   */
  private async fileNotStored(dossierId: string, documentId: string, version: number, sha256: string): Promise<MotcuaError> {
    const record = (await deletionsOfDossier(this.ctx.db, dossierId)).find(
      (d) => d.documentId === documentId && d.documentVersion === version && d.sha256 === sha256 && deletionRecordIntact(d),
    );
    return new MotcuaError(
      'FILE_NOT_STORED',
      record
        ? `Tệp của tài liệu ${documentId} (phiên bản ${version}) đã được xóa khi hết thời hạn lưu trữ`
        : `Tệp của tài liệu ${documentId} (phiên bản ${version}) không có trong kho lưu trữ`,
      {
        documentId,
        version,
        sha256,
        finding: record ? 'file_deleted_by_retention' : 'file_missing',
        ...(record ? { deletedAt: record.at, rule: record.rule } : {}),
      },
    );
  }

  /**
   * The applicant's download: with the public lookup's second factor (and its throttling), the result document
   * when it is the electronic original, and nothing else. Every refusal is the lookup's one 404.
   */
  async openForApplicant(req: LookupRequest): Promise<OpenedDocument> {
    await lookupPublicStatus(this.ctx.db, req);
    const row = await findDossierByCode(this.ctx.db, req.code);
    if (!row) throw lookupNotFound();
    const context = (await restoreRow(this.ctx.db, row)).snapshot.context;
    const doc = documentsOf(context).find((d) => d.kind === 'result' && d.form === 'electronic_original');
    if (!doc || context.result === null) throw lookupNotFound();
    const file = currentVersion(doc).file;
    const stream = await this.ctx.blobs.open(file.sha256);
    if (!stream) throw lookupNotFound();
    return { stream, file, inline: INLINE_TYPES.includes(file.mediaType) };
  }
}

function pick(documents: DossierDocument[], documentId: string, version: number | undefined): { file: FileRef; version: number } {
  const doc = documents.find((d) => d.id === documentId);
  if (!doc) throw notFound('tài liệu', documentId);
  const v = version === undefined ? currentVersion(doc) : doc.versions.find((x) => x.version === version);
  if (!v) throw notFound('phiên bản tài liệu', `${documentId}@${version}`);
  return { file: v.file, version: v.version };
}

function documentDto(d: DossierDocument): DocumentDto {
  return {
    id: d.id,
    kind: d.kind,
    component: d.component,
    form: d.form,
    versions: d.versions.map((v) => ({
      version: v.version,
      name: v.file.name,
      sha256: v.file.sha256,
      size: v.file.size,
      mediaType: v.file.mediaType,
      at: v.at,
      by: v.by,
      reason: v.reason,
      reusedFrom: v.reusedFrom,
      inline: INLINE_TYPES.includes(v.file.mediaType),
    })),
  };
}
