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
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fsyncPath, mkdirDurable } from './durable-files';

const SHA256 = /^[0-9a-f]{64}$/;

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
  close(): Promise<void>;
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
    const target = this.pathOf(sha256);
    fsyncPath(stagedPath);
    mkdirDurable(path.dirname(target));
    // rename is atomic: the name points at the old file or the complete new one, never at a partial file
    await fs.promises.rename(stagedPath, target);
    fsyncPath(path.dirname(target));
  }

  async open(sha256: string): Promise<Readable | null> {
    try {
      const handle = await fs.promises.open(this.pathOf(sha256), 'r');
      return handle.createReadStream();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
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
    try {
      await this.client.send(
        new this.s3.PutObjectCommand({
          Bucket: this.settings.bucket,
          Key: this.key(sha256),
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
    try {
      const out = await this.client.send(new this.s3.GetObjectCommand({ Bucket: this.settings.bucket, Key: this.key(sha256) }));
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

  async close(): Promise<void> {
    this.client.destroy();
  }
}
