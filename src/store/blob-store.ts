/**
 * Where document files live, behind one interface chosen by configuration (MOTCUA_BLOB_STORE):
 * - `local`: a directory on this machine (default: `blobs/` next to the SQLite database), one file per
 *   content hash at `sha256/ab/cd/<hash>`. A file enters the store by rename from a fully written, fsynced
 *   temporary file in the same file system, and the directory is fsynced after the rename: once `putFile`
 *   resolves the file survives a power cut, and a crash before leaves only a temporary file (removed by
 *   the cleanup job), never a partial file under a hash;
 * - `s3`: an S3-compatible object store (MinIO, a cloud's S3 service) shared by several instances, through
 *   the AWS SDK: one object per hash, uploaded with one PUT of known length from the staged temporary file.
 * Content-addressed: the same bytes are stored once, and a hash always names the same bytes.
 *
 * Resumable uploads keep what they received so far as parts in the same store (`partial/<upload id>/…`),
 * so a restarted server, or another instance sharing the object store, can take the next chunk; the
 * upload_sessions row lists which parts count (src/store/upload-session-store.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fsyncPath, mkdirDurable } from './durable-files';

const SHA256 = /^[0-9a-f]{64}$/;
const UPLOAD_ID = /^[0-9a-f]{32}$/;
/** `<upload id>/<start, 13 digits>-<random>`: a part's key, the same in both stores */
const PART_KEY = /^([0-9a-f]{32})\/(\d{13})-[0-9a-f]{16}$/;

export interface StoredBlob {
  sha256: string;
  size: number;
  modifiedAt: Date;
}

export interface BlobStore {
  readonly kind: 'local' | 's3';
  /** where uploads are staged before they are hashed and checked (a directory on this machine) */
  readonly stagingDir: string;
  /** moves a complete staged file (its hash already computed) into the store; the staged file is gone afterwards */
  putFile(stagedPath: string, sha256: string, size: number): Promise<void>;
  /** the file's bytes, or null when the store has no such file */
  open(sha256: string): Promise<Readable | null>;
  /** the stored size, or null when missing */
  stat(sha256: string): Promise<{ size: number } | null>;
  delete(sha256: string): Promise<void>;
  /** every stored file (for the cleanup job) */
  list(): AsyncIterable<StoredBlob>;
  /** resumable uploads: moves a staged chunk of upload `uploadId` that starts at byte `start` in as a part; answers the part's key */
  putPart(uploadId: string, start: number, stagedPath: string, size: number): Promise<string>;
  /** a part's bytes, or null when missing */
  openPart(key: string): Promise<Readable | null>;
  /** removes every part of an upload, listed by its session or not */
  deleteParts(uploadId: string): Promise<void>;
  /** the uploads that have parts, with their newest part's time (the cleanup job's leftovers) */
  listPartUploads(): AsyncIterable<{ uploadId: string; modifiedAt: Date }>;
  close(): Promise<void>;
}

/** A new part's key: never derived from anything the client sent but the upload id the server made. */
export function newPartKey(uploadId: string, start: number): string {
  if (!UPLOAD_ID.test(uploadId) || !Number.isSafeInteger(start) || start < 0) throw new Error(`bad part: ${uploadId} @ ${start}`);
  return `${uploadId}/${String(start).padStart(13, '0')}-${randomBytes(8).toString('hex')}`;
}

function checkPartKey(key: string): string {
  if (!PART_KEY.test(key)) throw new Error(`not a part key: ${JSON.stringify(key)}`);
  return key;
}

function checkUploadId(uploadId: string): string {
  if (!UPLOAD_ID.test(uploadId)) throw new Error(`not an upload id: ${JSON.stringify(uploadId)}`);
  return uploadId;
}

export function checkSha256(sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error(`not a SHA-256 hex digest: ${JSON.stringify(sha256)}`);
  return sha256;
}

/** The SHA-256 of a store's file, read back from the store (the auditor's check); null when missing. */
export async function rehash(store: BlobStore, sha256: string): Promise<{ sha256: string; size: number } | null> {
  const stream = await store.open(sha256);
  if (!stream) return null;
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** A staged file moved to `target`, synced, then renamed (atomic: the name points at nothing or at the whole file), its directory synced. */
async function moveInDurably(stagedPath: string, target: string): Promise<void> {
  fsyncPath(stagedPath);
  mkdirDurable(path.dirname(target));
  await fs.promises.rename(stagedPath, target);
  fsyncPath(path.dirname(target));
}

/** A local file's bytes, or null when there is no such file. */
async function openIfExists(p: string): Promise<Readable | null> {
  try {
    return (await fs.promises.open(p, 'r')).createReadStream();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export class LocalBlobStore implements BlobStore {
  readonly kind = 'local' as const;
  readonly stagingDir: string;

  /** Nothing is created until the first file arrives (a centre without documents gets no directory). */
  constructor(readonly dir: string) {
    this.stagingDir = path.join(dir, 'tmp');
  }

  pathOf(sha256: string): string {
    checkSha256(sha256);
    return path.join(this.dir, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async putFile(stagedPath: string, sha256: string, _size: number): Promise<void> {
    await moveInDurably(stagedPath, this.pathOf(sha256));
  }

  async open(sha256: string): Promise<Readable | null> {
    return openIfExists(this.pathOf(sha256));
  }

  async stat(sha256: string): Promise<{ size: number } | null> {
    try {
      return { size: (await fs.promises.stat(this.pathOf(sha256))).size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(sha256: string): Promise<void> {
    await fs.promises.rm(this.pathOf(sha256), { force: true });
  }

  async *list(): AsyncIterable<StoredBlob> {
    const root = path.join(this.dir, 'sha256');
    for (const a of await fs.promises.readdir(root).catch(() => [] as string[])) {
      for (const b of await fs.promises.readdir(path.join(root, a)).catch(() => [] as string[])) {
        for (const name of await fs.promises.readdir(path.join(root, a, b)).catch(() => [] as string[])) {
          if (!SHA256.test(name)) continue;
          const st = await fs.promises.stat(path.join(root, a, b, name)).catch(() => null);
          if (st) yield { sha256: name, size: st.size, modifiedAt: st.mtime };
        }
      }
    }
  }

  private partPath(key: string): string {
    return path.join(this.dir, 'partial', checkPartKey(key));
  }

  async putPart(uploadId: string, start: number, stagedPath: string, _size: number): Promise<string> {
    const key = newPartKey(uploadId, start);
    await moveInDurably(stagedPath, this.partPath(key));
    return key;
  }

  async openPart(key: string): Promise<Readable | null> {
    return openIfExists(this.partPath(key));
  }

  async deleteParts(uploadId: string): Promise<void> {
    await fs.promises.rm(path.join(this.dir, 'partial', checkUploadId(uploadId)), { recursive: true, force: true });
  }

  async *listPartUploads(): AsyncIterable<{ uploadId: string; modifiedAt: Date }> {
    const root = path.join(this.dir, 'partial');
    for (const id of await fs.promises.readdir(root).catch(() => [] as string[])) {
      if (!UPLOAD_ID.test(id)) continue;
      let newest = (await fs.promises.stat(path.join(root, id)).catch(() => null))?.mtime ?? new Date(0);
      for (const name of await fs.promises.readdir(path.join(root, id)).catch(() => [] as string[])) {
        const st = await fs.promises.stat(path.join(root, id, name)).catch(() => null);
        if (st && st.mtime > newest) newest = st.mtime;
      }
      yield { uploadId: id, modifiedAt: newest };
    }
  }

  async close(): Promise<void> {}
}

export interface S3Settings {
  endpoint?: string;
  region: string;
  bucket: string;
  /** key prefix inside the bucket, e.g. "motcua/"; default none */
  prefix?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** path-style addressing (http://host/bucket/key): MinIO and most self-hosted servers need it */
  forcePathStyle: boolean;
  stagingDir: string;
}

/** The S3 client is loaded only when an S3 store is configured (the embedded default never needs it). */
type S3Module = typeof import('@aws-sdk/client-s3');

export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  readonly stagingDir: string;
  private readonly s3: S3Module;
  private readonly client: InstanceType<S3Module['S3Client']>;

  constructor(private readonly settings: S3Settings) {
    this.stagingDir = settings.stagingDir;
    // Node 20 is still supported by this SDK; its notice about future versions would only add noise to every log.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, see S3Module
    this.s3 = require('@aws-sdk/client-s3') as S3Module;
    this.client = new this.s3.S3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      credentials:
        settings.accessKeyId && settings.secretAccessKey
          ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
          : undefined,
      // one plain PUT with Content-Length and the payload hash: understood by every S3-compatible server
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  private key(sha256: string): string {
    checkSha256(sha256);
    return `${this.settings.prefix ?? ''}sha256/${sha256.slice(0, 2)}/${sha256}`;
  }

  async putFile(stagedPath: string, sha256: string, size: number): Promise<void> {
    await this.putStaged(this.key(sha256), stagedPath, size);
  }

  /** one PUT of known length from a staged file, which is gone afterwards */
  private async putStaged(key: string, stagedPath: string, size: number): Promise<void> {
    try {
      await this.client.send(
        new this.s3.PutObjectCommand({
          Bucket: this.settings.bucket,
          Key: key,
          Body: fs.createReadStream(stagedPath),
          ContentLength: size,
          ContentType: 'application/octet-stream',
        }),
      );
    } finally {
      await fs.promises.rm(stagedPath, { force: true });
    }
  }

  private static missing(err: unknown): boolean {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
  }

  async open(sha256: string): Promise<Readable | null> {
    return this.getObject(this.key(sha256));
  }

  private async getObject(key: string): Promise<Readable | null> {
    try {
      const out = await this.client.send(new this.s3.GetObjectCommand({ Bucket: this.settings.bucket, Key: key }));
      return out.Body as Readable;
    } catch (err) {
      if (S3BlobStore.missing(err)) return null;
      throw err;
    }
  }

  async stat(sha256: string): Promise<{ size: number } | null> {
    try {
      const out = await this.client.send(new this.s3.HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.key(sha256) }));
      return { size: Number(out.ContentLength ?? 0) };
    } catch (err) {
      if (S3BlobStore.missing(err)) return null;
      throw err;
    }
  }

  async delete(sha256: string): Promise<void> {
    await this.client.send(new this.s3.DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.key(sha256) }));
  }

  async *list(): AsyncIterable<StoredBlob> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new this.s3.ListObjectsV2Command({
          Bucket: this.settings.bucket,
          Prefix: `${this.settings.prefix ?? ''}sha256/`,
          ContinuationToken: token,
        }),
      );
      for (const o of page.Contents ?? []) {
        const name = (o.Key ?? '').split('/').pop() ?? '';
        if (SHA256.test(name)) yield { sha256: name, size: Number(o.Size ?? 0), modifiedAt: o.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  private partObject(key: string): string {
    return `${this.settings.prefix ?? ''}partial/${checkPartKey(key)}`;
  }

  async putPart(uploadId: string, start: number, stagedPath: string, size: number): Promise<string> {
    const key = newPartKey(uploadId, start);
    await this.putStaged(this.partObject(key), stagedPath, size);
    return key;
  }

  async openPart(key: string): Promise<Readable | null> {
    return this.getObject(this.partObject(key));
  }

  private async *partObjects(prefix: string): AsyncIterable<{ key: string; modifiedAt: Date }> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new this.s3.ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) if (o.Key) yield { key: o.Key, modifiedAt: o.LastModified ?? new Date(0) };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async deleteParts(uploadId: string): Promise<void> {
    for await (const o of this.partObjects(`${this.settings.prefix ?? ''}partial/${checkUploadId(uploadId)}/`))
      await this.client.send(new this.s3.DeleteObjectCommand({ Bucket: this.settings.bucket, Key: o.key }));
  }

  async *listPartUploads(): AsyncIterable<{ uploadId: string; modifiedAt: Date }> {
    const root = `${this.settings.prefix ?? ''}partial/`;
    const newest = new Map<string, Date>();
    for await (const o of this.partObjects(root)) {
      const m = PART_KEY.exec(o.key.slice(root.length));
      if (!m) continue;
      const known = newest.get(m[1]!);
      if (!known || o.modifiedAt > known) newest.set(m[1]!, o.modifiedAt);
    }
    for (const [uploadId, modifiedAt] of newest) yield { uploadId, modifiedAt };
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
