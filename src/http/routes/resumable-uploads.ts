/**
 * Resumable uploads over the tus 1.0.0 protocol (core, creation, termination, expiration), mounted under
 * /api/uploads/resumable before the JSON body parser, each request authenticated with the bearer token:
 * - OPTIONS /api/uploads/resumable: the protocol's discovery (Tus-Version, Tus-Extension, Tus-Max-Size);
 * - POST /api/uploads/resumable: Upload-Length (and Upload-Metadata) → 201, Location of the new upload;
 * - HEAD /api/uploads/resumable/{id}: Upload-Offset (what was received), Upload-Length, Upload-Expires;
 * - PATCH /api/uploads/resumable/{id}: the bytes from Upload-Offset on (application/offset+octet-stream) → 204;
 * - GET /api/uploads/resumable/{id}: JSON state, with the stored file ({sha256, size, mediaType}) once complete;
 * - DELETE /api/uploads/resumable/{id}: the upload and what it received go → 204.
 * Every answer but OPTIONS carries Tus-Resumable; a request without `Tus-Resumable: 1.0.0` is 412.
 * Errors keep the API's JSON shape (docs/api-errors.md); the work is in src/services/resumable-upload-service.ts.
 */
import { Router, type Response } from 'express';
import { closeIfUnread, readsBody } from '../raw-body';
import type { AppDeps } from '../deps';
import { userOf } from '../deps';
import { authenticate } from '../authenticate';
import { MotcuaError } from '../../../machines/engine/errors';
import type { DocumentService } from '../../services/document-service';
import type { ResumableUploadStateDto } from '../../services/document-schemas';
import {
  encodeUploadMetadata,
  ResumableUploadService,
  TUS_EXTENSIONS,
  TUS_VERSION,
  type UploadState,
} from '../../services/resumable-upload-service';

/** The path an upload is reached at (the Location of its creation). */
export const resumableUploadPath = (id: string) => `/api/uploads/resumable/${id}`;

export function resumableUploadRoutes(deps: AppDeps, documents: DocumentService): Router {
  const service = new ResumableUploadService(deps.ctx, documents, deps.config.MOTCUA_BLOB_GRACE_HOURS * 3_600_000, {
    maxOpenSessions: deps.config.MOTCUA_UPLOAD_MAX_OPEN_SESSIONS,
    maxOpenBytes: deps.config.MOTCUA_UPLOAD_MAX_OPEN_BYTES,
    maxDossierBytes: deps.config.MOTCUA_UPLOAD_MAX_DOSSIER_BYTES,
  });
  const r = Router();

  r.options('/', authenticate(deps), (_req, res) => {
    res
      .status(204)
      .set({ 'Tus-Version': TUS_VERSION, 'Tus-Extension': TUS_EXTENSIONS.join(','), 'Tus-Max-Size': String(service.maxFileBytes) })
      .end();
  });

  r.use((req, res, next) => {
    res.set('Tus-Resumable', TUS_VERSION);
    if (req.get('tus-resumable') !== TUS_VERSION) {
      res.set('Tus-Version', TUS_VERSION);
      throw new MotcuaError('PRECONDITION_FAILED', `Cần tiêu đề Tus-Resumable: ${TUS_VERSION}`, { supported: [TUS_VERSION] });
    }
    next();
  });
  r.use(authenticate(deps));

  const expires = (res: Response, s: UploadState) => res.set('Upload-Expires', new Date(s.expiresAt).toUTCString());

  r.post(
    '/',
    readsBody(async (req, res) => {
      const created = await service.create(userOf(res), {
        length: req.get('upload-length'),
        deferLength: req.get('upload-defer-length'),
        metadata: req.get('upload-metadata'),
        contentLength: req.get('content-length'),
        chunked: req.get('transfer-encoding') !== undefined,
      });
      expires(res, created);
      res.status(201).set('Location', resumableUploadPath(created.id)).end();
    }),
  );

  r.head('/:id', async (req, res) => {
    const s = await service.status(userOf(res), req.params.id);
    expires(res, s);
    res.set({ 'Upload-Offset': String(s.offset), 'Upload-Length': String(s.length), 'Cache-Control': 'no-store' });
    if (Object.keys(s.metadata).length > 0) res.set('Upload-Metadata', encodeUploadMetadata(s.metadata));
    res.status(200).end();
  });

  r.patch(
    '/:id',
    readsBody(async (req, res) => {
      const s = await service.append(
        userOf(res),
        String(req.params.id),
        { offset: req.get('upload-offset'), contentType: req.get('content-type'), contentLength: req.get('content-length') },
        req,
      );
      closeIfUnread(req, res);
      expires(res, s);
      res.status(204).set('Upload-Offset', String(s.offset)).end();
    }),
  );

  r.get('/:id', async (req, res) => {
    const s = await service.result(userOf(res), req.params.id);
    expires(res, s);
    const body: ResumableUploadStateDto = { offset: s.offset, length: s.length, expiresAt: s.expiresAt, file: s.file };
    res.set('Cache-Control', 'no-store').json(body);
  });

  r.delete('/:id', async (req, res) => {
    await service.terminate(userOf(res), req.params.id);
    res.status(204).end();
  });
  return r;
}
