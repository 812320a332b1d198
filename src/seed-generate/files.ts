/**
 * The generated history's files: scans of the application's components and signed result documents, as real,
 * deterministic bytes with plausible sizes (a scanned page is hundreds of kilobytes) whose SHA-256 goes into the
 * events, `blobs` and `document_refs` exactly as an upload's would.
 *
 * Hashing a million dossiers' worth of scans byte by byte would cost a terabyte of SHA-256, so every file is a
 * shared *body* followed by its own *tail*. The body is one of a few size classes per type: a valid PDF's start
 * with one large stream object of pseudo-random bytes (an unreferenced object, as scanners leave), or a PNG's
 * signature, header and a private ancillary chunk of pseudo-random bytes. Its SHA-256 state is computed once per
 * process and copied (`Hash.copy()`) for each file, which then only hashes its tail: the rest of a valid PDF
 * (catalogue, page, text naming the dossier and the document, cross-reference table) or of a PNG (a text chunk
 * naming them, a small image, the end). Every byte still exists: `bytesOf` rebuilds the whole file (the
 * `--files` option writes them into the document store, and `audit:verify --hash-files` finds the same hashes).
 */
import crypto, { type Hash } from 'node:crypto';
import zlib from 'node:zlib';
import type { FileRef } from '../../machines/dossier/types';
import type { Rng } from './prng';

export type GeneratedType = 'application/pdf' | 'image/png';

/** Body sizes: 40 classes, log-spaced from 24 KiB to 3 MiB (the tail adds up to 12 KiB more). */
const CLASSES = 40;
const MIN_BODY = 24 * 1024;
const MAX_BODY = 3 * 1024 * 1024;

function bodySize(cls: number): number {
  return Math.round(MIN_BODY * Math.pow(MAX_BODY / MIN_BODY, cls / (CLASSES - 1)));
}

/** The size class nearest to `bytes`. */
function classOf(bytes: number): number {
  const c = Math.round(((CLASSES - 1) * Math.log(bytes / MIN_BODY)) / Math.log(MAX_BODY / MIN_BODY));
  return Math.min(CLASSES - 1, Math.max(0, c));
}

/** What a file is made of: its type, its body class and its own tail (the file is body + tail). */
export interface FileSpec {
  mediaType: GeneratedType;
  cls: number;
  tail: Buffer;
}

export interface MadeFile {
  ref: FileRef;
  /** present when the maker keeps what is needed to write the file (`keepTails`) */
  spec?: FileSpec;
}

/** Pseudo-random bytes (xorshift32 from a key): incompressible like a scan, cheap to make. */
function noise(key: string, n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = crypto.createHash('sha256').update(key).digest().readUInt32LE(0) || 1;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeUInt32LE(x >>> 0, i);
  }
  for (; i < n; i++) out[i] = i & 0xff;
  return out;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(data, zlib.crc32(head.subarray(4))) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_SIDE = 64;
/** A 64×64 grey page with a few dark rows (filter byte 0 before each row), deflated once. */
const PNG_IDAT = pngChunk(
  'IDAT',
  zlib.deflateSync(
    Buffer.concat(
      Array.from({ length: PNG_SIDE }, (_, y) =>
        Buffer.concat([Buffer.from([0]), Buffer.alloc(PNG_SIDE, y % 8 === 3 && y > 8 ? 40 : 235)]),
      ),
    ),
  ),
);
const PNG_IEND = pngChunk('IEND', Buffer.alloc(0));

/** The body of a class: the shared start of every file of that type and class. */
function bodyOf(seed: string, mediaType: GeneratedType, cls: number): Buffer {
  const size = bodySize(cls);
  const random = noise(`${seed}|file-body|${mediaType}|${cls}`, size);
  if (mediaType === 'application/pdf') {
    return Buffer.concat([
      Buffer.from(`%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length ${size} >>\nstream\n`, 'latin1'),
      random,
      Buffer.from('\nendstream\nendobj\n', 'latin1'),
    ]);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(PNG_SIDE, 0);
  ihdr.writeUInt32BE(PNG_SIDE, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  // mcPd: ancillary, private, safe to copy (a decoder skips it)
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('mcPd', random)]);
}

/** ASCII only: the PDF's standard font has no Vietnamese glyphs. */
function ascii(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]/g, '?')
    .replace(/[()\\]/g, ' ');
}

function pdfTail(bodyLength: number, lines: readonly string[], pad: number): Buffer {
  const text = lines.map((l, i) => `BT /F1 11 Tf 56 ${780 - 18 * i} Td (${ascii(l)}) Tj ET`).join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 3 0 R >>',
    '<< /Type /Pages /Kids [4 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 3 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 6 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${Buffer.byteLength(text, 'latin1')} >>\nstream\n${text}\nendstream`,
  ];
  // a comment of the file's own length: sizes vary continuously, not by class only
  let out = `%${'x'.repeat(pad)}\n`;
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(bodyLength + Buffer.byteLength(out, 'latin1'));
    out += `${i + 2} 0 obj\n${o}\nendobj\n`;
  });
  const xref = bodyLength + Buffer.byteLength(out, 'latin1');
  const entry = (n: number) => `${String(n).padStart(10, '0')} 00000 n \n`;
  out += `xref\n0 7\n0000000000 65535 f \n${entry(15)}${offsets.map(entry).join('')}`;
  out += `trailer\n<< /Size 7 /Root 2 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

function pngTail(lines: readonly string[], pad: number): Buffer {
  const comment = Buffer.from(`Comment\0${ascii(lines.join(' | '))} ${'.'.repeat(pad)}`, 'latin1');
  return Buffer.concat([pngChunk('tEXt', comment), PNG_IDAT, PNG_IEND]);
}

/** Makes the generated files of one process: the bodies' hash states are computed once, on first use. */
export class FileMaker {
  private readonly states = new Map<string, { hash: Hash; length: number }>();
  private readonly bodies = new Map<string, Buffer>();

  constructor(
    private readonly seed: string,
    /** keep each file's spec, so that its bytes can be written (`--files`) */
    private readonly keepSpecs = false,
  ) {}

  private state(mediaType: GeneratedType, cls: number): { hash: Hash; length: number } {
    const key = `${mediaType}|${cls}`;
    let s = this.states.get(key);
    if (!s) {
      const body = bodyOf(this.seed, mediaType, cls);
      s = { hash: crypto.createHash('sha256').update(body), length: body.length };
      this.states.set(key, s);
    }
    return s;
  }

  /**
   * A file of about `approxBytes` named `name`, whose visible content is `lines` (the dossier code, the document):
   * the size class nearest, plus a tail of its own length.
   */
  make(rng: Rng, mediaType: GeneratedType, approxBytes: number, name: string, lines: readonly string[]): MadeFile {
    const cls = classOf(approxBytes);
    const s = this.state(mediaType, cls);
    const pad = rng.int(12_000);
    const tail = mediaType === 'application/pdf' ? pdfTail(s.length, lines, pad) : pngTail(lines, pad);
    const sha256 = s.hash.copy().update(tail).digest('hex');
    const ref: FileRef = { sha256, size: s.length + tail.length, mediaType, name };
    return this.keepSpecs ? { ref, spec: { mediaType, cls, tail } } : { ref };
  }

  /** The whole file of `spec` (body and tail). */
  bytesOf(spec: FileSpec): Buffer {
    const key = `${spec.mediaType}|${spec.cls}`;
    let body = this.bodies.get(key);
    if (!body) this.bodies.set(key, (body = bodyOf(this.seed, spec.mediaType, spec.cls)));
    return Buffer.concat([body, spec.tail]);
  }
}
