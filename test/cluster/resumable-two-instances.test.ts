/**
 * Two instances of the app on one database and one document store (issue 14): a resumable upload's chunk sent to
 * both at the same offset at once — the case "a new request stops the old one" cannot cover, since each instance
 * only knows its own requests. The offset compare-and-set in the store (commitUploadPart lists a part only while
 * the row still stands at the part's start) lets exactly one count: the other is 409 UPLOAD_OFFSET_CONFLICT naming
 * the offset, the two bodies are never interleaved (they carry different bytes here, and the stored file has
 * exactly the winner's), and the upload finishes through the other instance with the winner's hash.
 * On PostgreSQL and SQLite, with the local store (one directory) and the S3-protocol server (one prefix).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { BACKENDS } from '../support/backends';
import { listenOnPort, startServer, type TestServer } from '../support/server';
import { startS3, type TestS3 } from '../support/s3-server';
import { LocalBlobStore, rehash, type BlobStore } from '../../src/store/blob-store';
import { createEngineContext } from '../../src/app/engine-factory';
import { createApp } from '../../src/http/app';
import type { EngineContext } from '../../src/app/engine-factory';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const LENGTH = 300_000;
const CHUNK = 160_000;
/** the same upload as two clients would send it, with different bytes (so a mixture would show in the hash) */
const variant = (fill: number) => Buffer.concat([Buffer.from('%PDF-1.7\n% hai may chu\n'), Buffer.alloc(LENGTH - 23, fill)]);

let s3: TestS3;
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => s3.close());

/** Each store, opened once per instance on the same place. */
const STORES: { name: string; opener(): () => BlobStore }[] = [
  {
    name: 'local',
    opener: () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-two-'));
      return () => new LocalBlobStore(dir);
    },
  },
  { name: 's3', opener: () => s3.reopenable().open },
];

/** A PATCH at `offset`; `slow`: its body written 8 KB at a time with pauses, so two of them are on their way together. */
function patch(
  port: number,
  url: string,
  token: string,
  bytes: Buffer,
  offset: number,
  slow = false,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`http://127.0.0.1:${port}${url}`, {
      method: 'PATCH',
      headers: {
        Authorization: `Bearer ${token}`,
        'Tus-Resumable': '1.0.0',
        'Upload-Offset': String(offset),
        'Content-Type': 'application/offset+octet-stream',
        'Content-Length': String(bytes.length),
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    void (async () => {
      for (let at = 0; at < bytes.length; at += 8192) {
        req.write(bytes.subarray(at, at + 8192));
        if (slow) await new Promise((r) => setTimeout(r, 5));
      }
      req.end();
    })();
  });
}

describe.each(BACKENDS.flatMap((b) => STORES.map((st) => ({ backend: b, kind: st, label: `${b.label} + ${st.name}` }))))(
  'one resumable upload through two instances on $label',
  ({ backend, kind }) => {
    let a: TestServer;
    let bCtx: EngineContext;
    const ports: number[] = [];
    const closers: (() => Promise<void>)[] = [];
    beforeAll(async () => {
      const open = kind.opener();
      a = await startServer(backend, '2026-03-03 09:00', {}, { blobs: open() });
      bCtx = await createEngineContext({ url: a.engine.dbUrl, schema: a.engine.dbSchema, clock: a.engine.clock, blobs: open() });
      for (const app of [a.app, createApp({ ctx: bCtx, config: a.deps.config })]) {
        const l = await listenOnPort(app);
        ports.push(l.port);
        closers.push(l.close);
      }
    });
    afterAll(async () => {
      for (const c of closers) await c();
      await bCtx.close();
      await a.close();
    });

    test('rule: the same offset sent to both instances at once counts once: one 204, one 409 naming the offset, never a mixture of the two bodies', async () => {
      const token = await a.login('counter');
      const created = await a.http
        .post('/api/uploads/resumable')
        .set({ Authorization: `Bearer ${token}`, 'Tus-Resumable': '1.0.0', 'Upload-Length': String(LENGTH) })
        .send();
      expect(created.status).toBe(201);
      const url = created.headers.location!;
      const [one, two] = [variant(1), variant(2)];

      const answers = await Promise.all([
        patch(ports[0]!, url, token, one.subarray(0, CHUNK), 0, true),
        patch(ports[1]!, url, token, two.subarray(0, CHUNK), 0, true),
      ]);
      expect(answers.map((x) => x.status).sort()).toEqual([204, 409]);
      const lost = answers.find((x) => x.status === 409)!;
      expect(JSON.parse(lost.body).error).toMatchObject({ code: 'UPLOAD_OFFSET_CONFLICT', details: { sent: 0, offset: CHUNK } });
      const winner = answers[0]!.status === 204 ? one : two;
      const [row] = await a.engine.db('upload_sessions').select('received_bytes', 'parts');
      expect(Number(row.received_bytes)).toBe(CHUNK);
      expect(JSON.parse(String(row.parts))).toHaveLength(1);

      // the rest through the other instance than the winner's: the stored file is the winner's, byte for byte
      const rest = await patch(ports[answers[0]!.status === 204 ? 1 : 0]!, url, token, winner.subarray(CHUNK), CHUNK);
      expect(rest.status).toBe(204);
      const done = await a.http.get(url).set({ Authorization: `Bearer ${token}`, 'Tus-Resumable': '1.0.0' });
      expect(done.body.file).toMatchObject({ sha256: sha(winner), size: LENGTH });
      expect(await rehash(a.engine.blobs, sha(winner))).toEqual({ sha256: sha(winner), size: LENGTH });
    });
  },
);
