/**
 * Documents (issue 14): upload and download throughput beside a plain copy of the same bytes to the same disk,
 * in the same run, and what an ATTACH_DOCUMENT transition costs beside a plain transition (ASSIGN) on the same
 * database. In process, on SQLite (FULL) with the local store in a temporary directory:
 * - upload: DocumentService.upload (stream → hash → type check → staged file fsynced → renamed into the store,
 *   directory fsynced → blobs row) from a source file's read stream; floor: the same source file copied with
 *   node:fs (read stream → write stream) and fsynced, into the same directory tree;
 * - resumable: the same size through ResumableUploadService (tus, in process): creation, then 1 MB PATCH chunks
 *   each read from the source file (staged, fsynced, moved into the store as a part, listed in upload_sessions),
 *   then the completion (parts read back, hashed, typed, stored like a plain upload, parts removed) — the
 *   price of surviving a dropped connection, beside the single-request upload and the copy of the same bytes;
 * - download: the store's read stream consumed beside a read stream of the source file;
 * - attach: each dossier gets an ATTACH_DOCUMENT (file already uploaded) and an ASSIGN, interleaved, timed
 *   separately: the ratio is the document's extra cost (touching the blobs row, the document_refs row).
 * Rounds are interleaved (upload, floor, upload, floor…) so the shared machine's load hits both alike.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { createEngineContext } from '../src/app/engine-factory';
import { ManualClock } from '../src/engine/clock';
import { DocumentService } from '../src/services/document-service';
import { OFFSET_OCTET_STREAM, ResumableUploadService } from '../src/services/resumable-upload-service';
import type { AuthUser } from '../src/services/auth-user';
import { median } from './stats';
import { appendResults } from './machine-info';

const MB = 1024 * 1024;

async function consume(stream: NodeJS.ReadableStream): Promise<number> {
  let n = 0;
  await pipeline(
    stream,
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        n += chunk.length;
        cb();
      },
    }),
  );
  return n;
}

async function copyDurably(src: string, dst: string): Promise<void> {
  await pipeline(fs.createReadStream(src), fs.createWriteStream(dst));
  const fd = fs.openSync(dst, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  const dir = fs.openSync(path.dirname(dst), 'r');
  fs.fsyncSync(dir);
  fs.closeSync(dir);
}

/** A PDF-headed file of `bytes` random bytes (random: no filesystem or compression shortcut). */
function writeSource(file: string, bytes: number): void {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, Buffer.from('%PDF-1.4\n'));
  for (let left = bytes - 9; left > 0; left -= MB) fs.writeSync(fd, randomBytes(Math.min(MB, left)));
  fs.closeSync(fd);
}

export async function benchDocuments(args: { sizeMb: number; rounds: number; attaches: number; smoke: boolean }): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-bench-docs-'));
  const load0 = os.loadavg();
  const ctx = await createEngineContext({ url: path.join(dir, 'db.sqlite'), clock: new ManualClock('2026-03-03T02:00:00Z', 1) });
  try {
    const counter: AuthUser = { username: 'counter', unit: 'TTPVHCC', roles: ['counter'] } as unknown as AuthUser;
    const docs = new DocumentService(ctx, { maxFileBytes: 2 * 1024 * MB, acceptedTypes: ['application/pdf'] });
    const bytes = Math.round(args.sizeMb * MB);
    const resumable = new ResumableUploadService(ctx, docs, 3_600_000, {
      maxOpenSessions: 10,
      maxOpenBytes: 10 * bytes,
      maxDossierBytes: 10 * bytes,
    });
    /** one upload by tus in 1 MB chunks, each a read stream of its slice of the source file */
    const uploadResumably = async (src: string) => {
      const { id } = await resumable.create(counter, { length: String(bytes), chunked: false });
      let state;
      for (let offset = 0; offset < bytes; offset += MB) {
        const size = Math.min(MB, bytes - offset);
        state = await resumable.append(
          counter,
          id,
          { offset: String(offset), contentType: OFFSET_OCTET_STREAM, contentLength: String(size) },
          fs.createReadStream(src, { start: offset, end: offset + size - 1 }),
        );
      }
      if (!state?.file) throw new Error('the resumable upload did not complete');
    };
    const up: number[] = [];
    const tus: number[] = [];
    const floor: number[] = [];
    const down: number[] = [];
    const read: number[] = [];
    const copies = path.join(dir, 'blobs', 'floor');
    fs.mkdirSync(copies, { recursive: true });
    let sha = '';
    for (let r = 0; r < args.rounds; r++) {
      const src = path.join(dir, `source-${r}.pdf`);
      writeSource(src, bytes); // a new file each round: a new hash, so every upload really stores
      let t = performance.now();
      const stored = await docs.upload(counter, fs.createReadStream(src), String(bytes));
      up.push(performance.now() - t);
      sha = stored.sha256;
      const src2 = path.join(dir, `source-${r}-resumable.pdf`);
      writeSource(src2, bytes); // other bytes: stored anew, not found already there
      t = performance.now();
      await uploadResumably(src2);
      tus.push(performance.now() - t);
      fs.rmSync(src2);
      t = performance.now();
      await copyDurably(src, path.join(copies, `copy-${r}`));
      floor.push(performance.now() - t);
      t = performance.now();
      await consume((await ctx.blobs.open(stored.sha256))!);
      down.push(performance.now() - t);
      t = performance.now();
      await consume(fs.createReadStream(src));
      read.push(performance.now() - t);
      fs.rmSync(src);
    }
    // attach beside a plain transition, on dossiers received at once
    const small = path.join(dir, 'small.pdf');
    writeSource(small, 200_000);
    const file = await docs.upload(counter, fs.createReadStream(small), undefined);
    const attachMs: number[] = [];
    const assignMs: number[] = [];
    const actor = { username: 'counter', unit: 'TTPVHCC' };
    for (let i = 0; i < args.attaches; i++) {
      const { code } = await ctx.engine.submit(
        {
          procedureCode: '1.001612',
          channel: 'counter',
          applicant: {
            fullName: `Bench ${i}`,
            idNumber: `0011900${String(10000 + i).padStart(5, '0')}`,
            phone: '0912345678',
            address: 'Hà Nội',
          },
          documents: [{ name: 'Giấy đề nghị', copies: 1 }],
        },
        actor,
      );
      const attach = {
        type: 'ATTACH_DOCUMENT',
        kind: 'component',
        component: 0,
        sha256: file.sha256,
        name: 'don.pdf',
        file: { ...file, name: 'don.pdf' },
      };
      const assign = { type: 'ASSIGN', assignee: 'counter' };
      const order = i % 2 === 0 ? [attach, assign] : [assign, attach];
      for (const cmd of order) {
        const t = performance.now();
        await ctx.engine.act(code, cmd as never, actor);
        (cmd === attach ? attachMs : assignMs).push(performance.now() - t);
      }
    }
    const load1 = os.loadavg();
    const mbps = (ms: number) => (bytes / MB / (ms / 1000)).toFixed(1);
    const m = (xs: number[]) => median(xs);
    const lines = [
      `load average at start: ${load0.map((x) => x.toFixed(2)).join(' ')}; at end: ${load1.map((x) => x.toFixed(2)).join(' ')}`,
      '',
      `${args.rounds} rounds of one ${args.sizeMb} MB file (random bytes), interleaved; SQLite FULL, local store, same disk (${dir})`,
      '| path | median MB/s | floor MB/s | ÷ floor |',
      '|---|---|---|---|',
      `| upload (stream, SHA-256, type, staged + fsync + rename + dir fsync, blobs row) | ${mbps(m(up))} | ${mbps(m(floor))} (copy + fsync) | ${(m(floor) / m(up)).toFixed(2)} |`,
      `| resumable upload (tus in process: 1 MB chunks, each staged + fsync + part in the store + session row; completion reads the parts back and stores as above) | ${mbps(m(tus))} | ${mbps(m(floor))} (copy + fsync) | ${(m(floor) / m(tus)).toFixed(2)} |`,
      `| resumable ÷ single-request upload (time) | | | ${(m(tus) / m(up)).toFixed(2)} |`,
      `| download (store read stream) | ${mbps(m(down))} | ${mbps(m(read))} (read stream of the source) | ${(m(read) / m(down)).toFixed(2)} |`,
      `(per-round ms upload/resumable/copy: ${up.map((x, i) => `${x.toFixed(0)}/${tus[i]!.toFixed(0)}/${floor[i]!.toFixed(0)}`).join(', ')})`,
      '',
      `${args.attaches} dossiers, each one ATTACH_DOCUMENT (200 kB file already uploaded) and one ASSIGN, order alternating:`,
      `| transition | median ms | ÷ ASSIGN |`,
      '|---|---|---|',
      `| ATTACH_DOCUMENT | ${m(attachMs).toFixed(2)} | ${(m(attachMs) / m(assignMs)).toFixed(2)} |`,
      `| ASSIGN | ${m(assignMs).toFixed(2)} | 1.00 |`,
    ];
    if (!sha) throw new Error('no upload ran');
    appendResults(
      `Documents: upload (single request and resumable)/download throughput beside a plain copy, attach beside a plain transition${args.smoke ? ' (smoke)' : ''}`,
      lines,
    );
  } finally {
    await ctx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
