/**
 * Staging an upload: the request body streams into a new temporary file in the store's staging directory
 * while it is hashed (SHA-256), counted and its first bytes kept for type detection. Memory stays bounded
 * (one chunk at a time, plus the first SNIFF_BYTES); the body is never held whole. The stream is cut as
 * soon as it passes the size limit or its first bytes show a refused type, and the temporary file is
 * removed on any failure: a cut-off upload leaves nothing behind (a crash may leave a temporary file,
 * which the cleanup job removes after its grace period).
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StagedFile {
  path: string;
  sha256: string;
  size: number;
  /** the first bytes (up to `sniffBytes`) */
  head: Buffer;
  /** the body ended before its end and `keepCut` kept what had arrived */
  cut: boolean;
}

export class StagingRefused extends Error {
  constructor(
    readonly reason: 'too_large' | 'refused_type',
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

/** The body ended before it was complete (the client went away or the connection dropped). */
export class StagingCut extends Error {
  constructor() {
    super('the upload was cut off before its end');
  }
}

export interface StageOptions {
  dir: string;
  maxBytes: number;
  sniffBytes: number;
  /** called once with the first bytes (or the whole file when shorter); a message refuses the file */
  checkHead(head: Buffer): string | null;
  /**
   * A body cut off midway is kept, not refused: what arrived is written out whole and answered with `cut`
   * (a resumable upload's chunk: the client resumes from there).
   */
  keepCut?: boolean;
}

class Meter extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  private headChunks: Buffer[] = [];
  private headSize = 0;
  head: Buffer | null = null;

  constructor(private readonly opts: StageOptions) {
    super();
  }

  private decideHead(): StagingRefused | null {
    this.head = Buffer.concat(this.headChunks).subarray(0, this.opts.sniffBytes);
    this.headChunks = [];
    const refused = this.opts.checkHead(this.head);
    return refused === null ? null : new StagingRefused('refused_type', refused);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.opts.maxBytes) return done(new StagingRefused('too_large', `more than ${this.opts.maxBytes} bytes`));
    this.hash.update(chunk);
    if (this.head === null) {
      this.headChunks.push(chunk);
      this.headSize += chunk.length;
      if (this.headSize >= this.opts.sniffBytes) {
        const refused = this.decideHead();
        if (refused) return done(refused);
      }
    }
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.head === null) {
      const refused = this.decideHead();
      if (refused) return done(refused);
    }
    done();
  }
}

/** A fresh, unguessable name in the staging directory (never derived from anything the client sent). */
export function stagingPath(dir: string): string {
  return path.join(dir, `upload-${Date.now()}-${randomBytes(12).toString('hex')}.part`);
}

/** Streams `source` into a new staged file; rejects (and removes the file) on a refused type, the size limit, or a cut stream. */
export async function stageUpload(source: Readable, opts: StageOptions): Promise<StagedFile> {
  const file = stagingPath(opts.dir);
  const meter = new Meter(opts);
  let cut = false;
  try {
    const written = pipeline(meter, fs.createWriteStream(file, { flags: 'wx' }));
    // The source is piped, not part of the pipeline: a refusal stops reading it without destroying it, so
    // the HTTP layer can still answer 413/415 on the same connection (and then close it).
    let ended = false;
    const onCut = () => {
      if (ended) return;
      ended = true;
      cut = true;
      if (opts.keepCut) {
        // what was read is written out whole (a destroyed pipeline would drop the writes still queued)
        source.unpipe(meter);
        meter.end();
      } else meter.destroy(new StagingCut());
    };
    source.once('end', () => (ended = true));
    source.once('close', onCut);
    source.once('error', onCut);
    source.pipe(meter);
    // a body already gone before it was piped here (the client left while the request waited)
    if (source.destroyed && !source.readableEnded) onCut();
    await written;
  } catch (err) {
    source.unpipe(meter);
    await fs.promises.rm(file, { force: true });
    throw err;
  }
  return { path: file, sha256: meter.hash.digest('hex'), size: meter.size, head: meter.head ?? Buffer.alloc(0), cut };
}

/** Removes staged files older than `olderThan` (uploads cut off by a crash). Returns how many. */
export async function removeStaleStagedFiles(dir: string, olderThan: Date): Promise<number> {
  let removed = 0;
  for (const name of await fs.promises.readdir(dir).catch(() => [] as string[])) {
    if (!name.endsWith('.part')) continue;
    const p = path.join(dir, name);
    const st = await fs.promises.stat(p).catch(() => null);
    if (st && st.mtime < olderThan) {
      await fs.promises.rm(p, { force: true });
      removed += 1;
    }
  }
  return removed;
}
