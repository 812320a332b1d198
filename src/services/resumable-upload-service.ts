/**
 * Resumable uploads (issue 14): the tus 1.0.0 protocol's core with its creation, termination and expiration
 * extensions, for large scans over a weak connection (docs/documents.md, "Resumable uploads").
 *
 * - Creation names the whole length (Upload-Length, within MOTCUA_UPLOAD_MAX_FILE_BYTES, else 413) and answers
 *   an upload id; the session is a database row (src/store/upload-session-store.ts), so it survives a restart
 *   and every instance sees it.
 * - Each PATCH chunk streams into a staged file, then into the document store as a part (both stores; the
 *   S3 store shares parts between instances), then the row lists it and moves the offset, only if the offset
 *   is still the one the chunk started from. A chunk cut off midway keeps what arrived: the client asks HEAD
 *   for the offset and sends the rest. A chunk past the declared length is 413 and keeps nothing.
 * - The first bytes are typed as soon as they arrive (415 at once, and the upload is removed); when the last
 *   byte arrives the parts are read back in order and stored exactly like a plain upload (DocumentService.store:
 *   hashed, typed by the bytes, with the client's `sha256` checked when it gave one), and only then is there a
 *   blob an event can name. A refused file leaves nothing.
 * - Only the user who created an upload sees it (404 for anyone else); it expires MOTCUA_BLOB_GRACE_HOURS after
 *   its last chunk, and the cleanup job removes it and its parts (src/jobs/blob-cleanup.ts).
 *
 * One request at a time per upload in this process: a new one for the same upload first stops the one in
 * progress (a connection the server has not yet seen drop), which keeps what it received.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { EngineContext } from '../app/engine-factory';
import { SNIFF_BYTES } from '../../machines/documents/media-type';
import { isMotcuaError, MotcuaError, notFound, uploadOffsetConflict, validationFailed } from '../../machines/engine/errors';
import { mkdirDurable } from '../store/durable-files';
import { stageUpload, StagingRefused } from '../store/blob-staging';
import {
  commitUploadPart,
  completeUploadSession,
  deleteUploadSession,
  findUploadSession,
  insertUploadSessionWithin,
  type UploadCapRefusal,
  type UploadSessionRow,
} from '../store/upload-session-store';
import type { AuthUser } from './auth-user';
import type { DocumentService, UploadedFile } from './document-service';

export const TUS_VERSION = '1.0.0';
export const TUS_EXTENSIONS = ['creation', 'termination', 'expiration'] as const;
/** The media type of a PATCH body (tus 1.0.0). */
export const OFFSET_OCTET_STREAM = 'application/offset+octet-stream';

const UPLOAD_ID = /^[0-9a-f]{32}$/;
const DIGITS = /^\d{1,16}$/;
const METADATA_KEY = /^[A-Za-z0-9_.-]{1,64}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAX_METADATA_KEYS = 16;
const MAX_METADATA_VALUE = 1024;

export interface UploadState {
  id: string;
  offset: number;
  length: number;
  expiresAt: string;
  /** the Upload-Metadata as the client sent it, re-encoded */
  metadata: Record<string, string>;
  /** the stored file once the last byte arrived and passed the checks */
  file: UploadedFile | null;
}

/** A header value as a non-negative integer, or 400 naming the header. */
function nonNegative(header: string, value: string | undefined): number {
  if (value === undefined) throw validationFailed([{ field: header, code: 'required', reason: 'required' }]);
  const n = Number(value);
  if (!DIGITS.test(value) || !Number.isSafeInteger(n))
    throw validationFailed([{ field: header, reason: 'expected a non-negative integer' }]);
  return n;
}

/** tus Upload-Metadata: `key base64value` pairs separated by commas; 400 naming the header on any fault. */
export function parseUploadMetadata(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (header === undefined || header.trim() === '') return out;
  const bad = (reason: string) => validationFailed([{ field: 'Upload-Metadata', reason }]);
  const pairs = header.split(',');
  if (pairs.length > MAX_METADATA_KEYS) throw bad(`at most ${MAX_METADATA_KEYS} keys`);
  for (const pair of pairs) {
    const [key, value, ...rest] = pair.trim().split(' ');
    if (!key || !METADATA_KEY.test(key) || rest.length > 0) throw bad('expected "key base64value" pairs separated by commas');
    if (Object.hasOwn(out, key)) throw bad(`key ${key} given twice`);
    if (value !== undefined && !BASE64.test(value)) throw bad(`the value of ${key} is not base64`);
    const text = value === undefined ? '' : new TextDecoder('utf-8', { fatal: false }).decode(Buffer.from(value, 'base64'));
    if (text.length > MAX_METADATA_VALUE) throw bad(`the value of ${key} is over ${MAX_METADATA_VALUE} characters`);
    // eslint-disable-next-line no-control-regex -- the NUL character is what is refused
    if (/\u0000/.test(text) || text.includes('\uFFFD')) throw bad(`the value of ${key} is not well-formed UTF-8 text`);
    out[key] = text;
  }
  if (out.sha256 !== undefined) {
    if (!/^[0-9a-fA-F]{64}$/.test(out.sha256))
      throw validationFailed([{ field: 'Upload-Metadata.sha256', reason: 'expected 64 hex digits' }]);
    out.sha256 = out.sha256.toLowerCase();
  }
  return out;
}

export function encodeUploadMetadata(metadata: Record<string, string>): string {
  return Object.entries(metadata)
    .map(([k, v]) => (v === '' ? k : `${k} ${Buffer.from(v, 'utf8').toString('base64')}`))
    .join(',');
}

interface Held {
  stop(): void;
  released: Promise<void>;
}

/** What a user's open uploads, and the uploads meant for one dossier, may take (configuration). */
export interface ResumableLimits {
  /** MOTCUA_UPLOAD_MAX_OPEN_SESSIONS */
  maxOpenSessions: number;
  /** MOTCUA_UPLOAD_MAX_OPEN_BYTES */
  maxOpenBytes: number;
  /** MOTCUA_UPLOAD_MAX_DOSSIER_BYTES */
  maxDossierBytes: number;
}

/** A refused creation as the API says it: 413 (tus) for the dossier's size limit, 429 for the user's open uploads. */
function capError(r: UploadCapRefusal): MotcuaError {
  if (r.cap === 'dossier')
    return new MotcuaError('PAYLOAD_TOO_LARGE', `Tổng dung lượng tài liệu của hồ sơ sẽ vượt quá ${r.limit} byte`, {
      limit: r.limit,
      total: r.total,
      scope: 'dossier',
    });
  return new MotcuaError(
    'UPLOAD_QUOTA_EXCEEDED',
    r.cap === 'sessions'
      ? `Đã có ${r.open} tệp đang tải lên dở dang (tối đa ${r.limit})`
      : `Các tệp đang tải lên dở dang đã chiếm ${r.open} byte (tối đa ${r.limit})`,
    { cap: r.cap, limit: r.limit, open: r.open },
  );
}

export class ResumableUploadService {
  /** uploads with a request in progress in this process */
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly documents: DocumentService,
    private readonly graceMs: number,
    private readonly limits: ResumableLimits = { maxOpenSessions: 20, maxOpenBytes: 4 * 1024 ** 3, maxDossierBytes: 1024 ** 3 },
  ) {}

  get maxFileBytes(): number {
    return this.documents.maxFileBytes;
  }

  private now(): Date {
    return this.ctx.clock.now();
  }

  private expiry(): string {
    return new Date(this.now().getTime() + this.graceMs).toISOString();
  }

  /**
   * tus creation: a new, empty upload of `Upload-Length` bytes (400 when missing or not a number, or for
   * Upload-Defer-Length, which is not offered; 400 for 0; 413 over the file limit), with its Upload-Metadata.
   * A body is refused (creation-with-upload is not offered): nothing is created.
   * With Upload-Metadata `dossier` (a dossier code the user may read, else 404/403), what the dossier holds, its
   * open uploads and this one together must stay within the per-dossier limit (413, details.scope `dossier`);
   * the user's open uploads stay within MOTCUA_UPLOAD_MAX_OPEN_SESSIONS and MOTCUA_UPLOAD_MAX_OPEN_BYTES (429
   * UPLOAD_QUOTA_EXCEEDED, details.cap `sessions` or `bytes`).
   */
  async create(
    user: AuthUser,
    headers: { length?: string; deferLength?: string; metadata?: string; contentLength?: string; chunked: boolean },
  ): Promise<UploadState> {
    this.documents.checkMayUpload(user);
    if (headers.deferLength !== undefined)
      throw validationFailed([{ field: 'Upload-Defer-Length', reason: 'not supported: give Upload-Length' }]);
    const length = nonNegative('Upload-Length', headers.length);
    if (length === 0) throw validationFailed([{ field: 'Upload-Length', reason: 'the file is empty' }]);
    if (length > this.maxFileBytes) throw this.documents.tooLarge();
    const metadata = parseUploadMetadata(headers.metadata);
    if (headers.chunked || Number(headers.contentLength ?? 0) > 0)
      throw validationFailed([{ field: '(body)', reason: 'creation takes no body: send the bytes with PATCH' }]);
    const dossierCode = metadata.dossier ?? null;
    const dossierHeld = dossierCode === null ? 0 : await this.documents.currentDossierBytes(user, dossierCode);
    const id = randomBytes(16).toString('hex');
    const expiresAt = this.expiry();
    const refused = await insertUploadSessionWithin(
      this.ctx.db,
      { id, createdBy: user.username, length, metadata, dossierCode, at: this.now().toISOString(), expiresAt },
      { ...this.limits, dossierHeld },
    );
    if (refused) throw capError(refused);
    return { id, offset: 0, length, expiresAt, metadata, file: null };
  }

  /**
   * The upload, if it exists, has not expired and is the user's: 404 otherwise (nobody learns of another's
   * upload); 403 first for a user who may not upload at all.
   */
  private async find(user: AuthUser, id: string): Promise<UploadSessionRow> {
    this.documents.checkMayUpload(user);
    const row = UPLOAD_ID.test(id) ? await findUploadSession(this.ctx.db, id) : null;
    if (!row || row.createdBy !== user.username || row.expiresAt <= this.now().toISOString()) throw notFound('tệp đang tải lên', id);
    return row;
  }

  /** Waits for this process's request in progress on the upload to stop (asking it to), then holds the upload. */
  private async hold(id: string, stop: () => void = () => {}): Promise<() => void> {
    for (let h = this.held.get(id); h; h = this.held.get(id)) {
      h.stop();
      await h.released;
    }
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    this.held.set(id, { stop, released });
    return () => {
      this.held.delete(id);
      release();
    };
  }

  /** tus HEAD: how many bytes were received (the offset to resume from). */
  async status(user: AuthUser, id: string): Promise<UploadState> {
    await this.find(user, id);
    const release = await this.hold(id);
    try {
      return this.stateOf(await this.find(user, id));
    } finally {
      release();
    }
  }

  /** The upload's state, and its stored file when complete (the last step is redone if a crash interrupted it). */
  async result(user: AuthUser, id: string): Promise<UploadState> {
    await this.find(user, id);
    const release = await this.hold(id);
    try {
      const row = await this.find(user, id);
      if (row.state === 'receiving' && row.received === row.length) return await this.finish(row);
      return this.stateOf(row);
    } finally {
      release();
    }
  }

  private stateOf(row: UploadSessionRow, file: UploadedFile | null = null): UploadState {
    return {
      id: row.id,
      offset: row.received,
      length: row.length,
      expiresAt: row.expiresAt,
      metadata: row.metadata,
      file:
        file ?? (row.state === 'complete' && row.sha256 ? { sha256: row.sha256, size: row.length, mediaType: row.mediaType ?? '' } : null),
    };
  }

  /**
   * tus PATCH: `body` holds bytes from `Upload-Offset` on. 415 unless the body is application/offset+octet-stream;
   * 409 (UPLOAD_OFFSET_CONFLICT, details.offset) unless Upload-Offset is where the upload stands; 413 when the
   * body goes past Upload-Length (nothing of it kept). Answers the new offset, and the stored file when this
   * chunk completed the upload.
   */
  async append(
    user: AuthUser,
    id: string,
    headers: { offset?: string; contentType?: string; contentLength?: string },
    body: Readable,
  ): Promise<UploadState> {
    if ((headers.contentType ?? '').split(';')[0]!.trim().toLowerCase() !== OFFSET_OCTET_STREAM)
      throw new MotcuaError('UNSUPPORTED_MEDIA_TYPE', `Phần tệp phải gửi với Content-Type ${OFFSET_OCTET_STREAM}`, {
        expected: OFFSET_OCTET_STREAM,
      });
    const sent = nonNegative('Upload-Offset', headers.offset);
    await this.find(user, id);
    const release = await this.hold(id, () => body.destroy());
    try {
      const row = await this.find(user, id);
      if (sent !== row.received) throw uploadOffsetConflict(sent, row.received);
      const remaining = row.length - row.received;
      if (headers.contentLength !== undefined && Number(headers.contentLength) > remaining) throw this.pastLength(row);
      if (row.state === 'complete') return this.stateOf(row);
      const dir = this.ctx.blobs.stagingDir;
      mkdirDurable(dir);
      let staged;
      try {
        staged = await stageUpload(body, { dir, maxBytes: remaining, sniffBytes: SNIFF_BYTES, checkHead: () => null, keepCut: true });
      } catch (err) {
        if (err instanceof StagingRefused) throw this.pastLength(row);
        throw err;
      }
      if (staged.size === 0) {
        await fs.promises.rm(staged.path, { force: true });
        return row.received === row.length ? await this.finish(row) : this.stateOf(row);
      }
      // The type is known as soon as the first bytes are: a refused file is not received to its end.
      if (row.received === 0 && staged.head.length >= Math.min(SNIFF_BYTES, row.length)) {
        const refused = this.documents.refusedTypeOf(staged.head);
        if (refused) {
          await fs.promises.rm(staged.path, { force: true });
          await this.remove(row.id);
          throw this.documents.refusedType(refused);
        }
      }
      const key = await this.ctx.blobs.putPart(row.id, row.received, staged.path, staged.size);
      const part = { start: row.received, size: staged.size, key };
      const expiresAt = this.expiry();
      const at = this.now().toISOString();
      if (!(await commitUploadPart(this.ctx.db, row, part, at, expiresAt))) {
        // another request took a chunk at this offset first, or the upload expired while this one was on its way:
        // this part stays unlisted and goes with the upload (the cleanup job's)
        const now = await findUploadSession(this.ctx.db, row.id);
        if (!now || now.expiresAt <= at) throw notFound('tệp đang tải lên', row.id);
        throw uploadOffsetConflict(sent, now.received);
      }
      const next: UploadSessionRow = { ...row, received: row.received + staged.size, parts: [...row.parts, part], expiresAt };
      return next.received === next.length ? await this.finish(next) : this.stateOf(next);
    } finally {
      release();
    }
  }

  private pastLength(row: UploadSessionRow): MotcuaError {
    return new MotcuaError('PAYLOAD_TOO_LARGE', `Phần tệp vượt quá độ dài đã khai (${row.length} byte)`, {
      limit: row.length,
      offset: row.received,
    });
  }

  /**
   * Every byte is in: the parts, read back in order, go into the store as one file, checked like a plain
   * upload. A refused file (type, or not the SHA-256 the client named) removes the upload and keeps nothing.
   */
  private async finish(row: UploadSessionRow): Promise<UploadState> {
    let expected = 0;
    for (const p of row.parts) {
      if (p.start !== expected) throw new Error(`upload ${row.id}: part at ${p.start}, expected ${expected}`);
      expected += p.size;
    }
    if (expected !== row.length) throw new Error(`upload ${row.id}: parts hold ${expected} of ${row.length} bytes`);
    const blobs = this.ctx.blobs;
    const parts = row.parts;
    // a failure to read the parts back is the store's, not the file's: the upload stays, to be finished again
    let readFailure: unknown = null;
    const whole = Readable.from(
      (async function* () {
        try {
          for (const p of parts) {
            const stream = await blobs.openPart(p.key);
            if (!stream) throw new Error(`upload ${row.id}: part ${p.key} is missing from the store`);
            for await (const chunk of stream) yield chunk as Buffer;
          }
        } catch (err) {
          readFailure = err;
          throw err;
        }
      })(),
    );
    let file: UploadedFile;
    try {
      file = await this.documents.store(
        row.createdBy,
        whole,
        row.metadata.sha256 ? { sha256: row.metadata.sha256, field: 'Upload-Metadata.sha256' } : undefined,
      );
    } catch (err) {
      if (readFailure !== null) throw readFailure;
      if (isMotcuaError(err)) await this.remove(row.id);
      throw err;
    }
    await completeUploadSession(this.ctx.db, row.id, { ...file, at: this.now().toISOString() });
    await blobs.deleteParts(row.id);
    return this.stateOf({ ...row, state: 'complete' }, file);
  }

  /** tus termination: the upload and its parts go (a file it completed stays, like any upload, until the cleanup job). */
  async terminate(user: AuthUser, id: string): Promise<void> {
    await this.find(user, id);
    const release = await this.hold(id);
    try {
      await this.find(user, id);
      await this.remove(id);
    } finally {
      release();
    }
  }

  private async remove(id: string): Promise<void> {
    await this.ctx.blobs.deleteParts(id);
    await deleteUploadSession(this.ctx.db, id);
  }
}
