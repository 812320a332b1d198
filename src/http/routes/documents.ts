/**
 * Dossier documents (issue 14):
 * - GET /api/uploads/limits: the accepted types and the size limit, as configured (the web UI's picker shows them);
 * - POST /api/uploads: the raw file as the body (any Content-Type: the type is decided by the bytes), streamed
 *   into the store; 201 {sha256, size, mediaType}. Events then reference it by its SHA-256. Mounted before the
 *   JSON body parser, with its own authentication.
 * - /api/uploads/resumable: the same, resumable after a dropped connection (tus 1.0.0: ./resumable-uploads.ts).
 * - GET /api/dossiers/{code}/documents: the dossier's documents and their versions;
 * - GET /api/dossiers/{code}/documents/reusable: the applicant's documents in earlier dossiers (reuse offer);
 * - GET /api/dossiers/{code}/documents/{id}/file[?version=N]: the file (download recorded for auditors).
 * Files are served with their detected type, `X-Content-Type-Options: nosniff`, inline only for PDF and images,
 * and a Content-Disposition safe for any name (src/http/content-disposition.ts).
 */
import { Router, type Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { userOf } from '../deps';
import { authenticate } from '../authenticate';
import { DocumentService, type OpenedDocument } from '../../services/document-service';
import { parseWith } from '../../services/validate';
import { DocumentIdSchema } from '../../../machines/engine/commands';
import { contentDisposition } from '../content-disposition';
import { EXTENSION_OF } from '../../../machines/documents/media-type';
import { resumableUploadRoutes } from './resumable-uploads';
import { readsBody } from '../raw-body';

export const DocumentFileParamsSchema = z.object({ code: z.string().min(1).max(96), documentId: DocumentIdSchema });
export const DocumentFileQuerySchema = z.strictObject({
  version: z.coerce.number().int().min(1).max(9999).optional().describe('a version number; default the current one'),
});

export function documentServiceOf(deps: AppDeps): DocumentService {
  return new DocumentService(deps.ctx, {
    maxFileBytes: deps.config.MOTCUA_UPLOAD_MAX_FILE_BYTES,
    acceptedTypes: deps.config.MOTCUA_UPLOAD_TYPES,
  });
}

export function uploadRoutes(deps: AppDeps): Router {
  const service = documentServiceOf(deps);
  const r = Router();
  r.use('/resumable', resumableUploadRoutes(deps, service));
  r.get('/limits', authenticate(deps), (_req, res) => {
    res.json(service.uploadLimits());
  });
  r.post(
    '/',
    authenticate(deps),
    readsBody(async (req, res) => {
      const uploaded = await service.upload(userOf(res), req, req.get('content-length') ?? undefined);
      res.status(201).json(uploaded);
    }),
  );
  return r;
}

/** Sends a stored file with safe headers; a store failure midway cuts the response (its length would be wrong). */
export async function sendDocument(res: Response, doc: OpenedDocument): Promise<void> {
  const name = /\.[A-Za-z0-9]{1,5}$/.test(doc.file.name) ? doc.file.name : `${doc.file.name}.${EXTENSION_OF[doc.file.mediaType] ?? 'bin'}`;
  res.set({
    'Content-Type': doc.file.mediaType,
    'Content-Length': String(doc.file.size),
    'Content-Disposition': contentDisposition(name, doc.inline),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
    ETag: `"${doc.file.sha256}"`,
  });
  await pipeline(doc.stream, res);
}

export function documentRoutes(deps: AppDeps): Router {
  const service = documentServiceOf(deps);
  const r = Router();
  r.get('/:code/documents', async (req, res) => {
    res.json(await service.list(userOf(res), req.params.code));
  });
  r.get('/:code/documents/reusable', async (req, res) => {
    res.json(await service.reusable(userOf(res), req.params.code));
  });
  r.get('/:code/documents/:documentId/file', async (req, res) => {
    const { code, documentId } = parseWith(DocumentFileParamsSchema, req.params);
    const { version } = parseWith(DocumentFileQuerySchema, req.query);
    await sendDocument(res, await service.open(userOf(res), code, documentId, version));
  });
  return r;
}
