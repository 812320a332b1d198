/**
 * Resumable uploads (tus 1.0.0) on both databases and both document stores (a local directory; an S3-protocol
 * server started here): a real connection dropped midway keeps what arrived, HEAD gives the offset, PATCH
 * sends the rest, and the stored file has the file's SHA-256; a chunk at the wrong offset is 409; the upload
 * survives a server restart between chunks; limits hold at creation and while receiving; the type is decided
 * by the bytes (415, nothing kept); nothing is referenceable before the last byte; only its creator sees an
 * upload; the cleanup job removes abandoned uploads after the grace period.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { BACKENDS } from '../support/backends';
import { startServer, type TestServer } from '../support/server';
import { startS3, type TestS3 } from '../support/s3-server';
import { LocalBlobStore, type BlobStore } from '../../src/store/blob-store';
import { BlobCleanupJob } from '../../src/jobs/blob-cleanup';
import { createEngineContext } from '../../src/app/engine-factory';
import { createApp } from '../../src/http/app';
import { submissionBody } from '../support/engine';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const HOUR = 3_600_000;
const MAX = 400_000;
/** a scan-sized PDF whose bytes differ along its length (so a misplaced chunk changes the hash) */
const scan = (size: number, seed: string) => {
  const head = Buffer.from(`%PDF-1.7\n% ${seed}\n`);
  const body = Buffer.alloc(size - head.length);
  for (let i = 0; i < body.length; i += 1) body[i] = (i * 31 + seed.length) & 0xff;
  return Buffer.concat([head, body]);
};
const ZIP = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(5000, 2)]);

let s3: TestS3;
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => s3.close());

/** Each store kind, with a way to open the same store again (a restarted server). */
const STORES: { name: string; make(): { store: BlobStore; reopen(): BlobStore } }[] = [
  {
    name: 'local',
    make: () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-blobs-'));
      return { store: new LocalBlobStore(dir), reopen: () => new LocalBlobStore(dir) };
    },
  },
  {
    name: 's3',
    make: () => {
      const { open } = s3.reopenable();
      return { store: open(), reopen: open };
    },
  },
];

describe.each(BACKENDS.flatMap((b) => STORES.map((st) => ({ backend: b, kind: st, label: `${b.label} + ${st.name}` }))))(
  'resumable uploads on $label',
  ({ backend, kind }) => {
    let s: TestServer;
    let reopen: () => BlobStore;
    let token: string;
    let server: http.Server;
    let port: number;
    beforeAll(async () => {
      const made = kind.make();
      reopen = made.reopen;
      s = await startServer(backend, '2026-03-03 09:00', { MOTCUA_UPLOAD_MAX_FILE_BYTES: String(MAX) }, { blobs: made.store });
      token = await s.login('counter');
      server = http.createServer(s.app);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      await new Promise((r) => server.close(r));
      await s.close();
    });

    const TUS = { 'Tus-Resumable': '1.0.0' };
    const auth = (t = token) => ({ Authorization: `Bearer ${t}`, ...TUS });
    const create = (length: number | string, headers: Record<string, string> = {}, http = s.http, t = token) =>
      http
        .post('/api/uploads/resumable')
        .set({ ...auth(t), 'Upload-Length': String(length), ...headers })
        .send();
    const head = (loc: string, http = s.http, t = token) => http.head(loc).set(auth(t));
    const patch = (loc: string, offset: number | string, bytes: Buffer, http = s.http, t = token) =>
      http
        .patch(loc)
        .set({ ...auth(t), 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' })
        .send(bytes);
    const blobRows = async () => (await s.engine.db('blobs').select('sha256')).map((r: { sha256: string }) => r.sha256);
    const sessionRows = async () => Number((await s.engine.db('upload_sessions').count({ n: '*' }))[0]!.n);
    const partUploads = async () => {
      const ids: string[] = [];
      for await (const u of s.engine.blobs.listPartUploads()) ids.push(u.uploadId);
      return ids;
    };
    const idOf = (loc: string) => loc.split('/').pop()!;

    test('a connection dropped midway keeps what arrived: HEAD gives the offset, PATCH sends the rest, the stored file has the file’s SHA-256', async () => {
      const file = scan(300_000, 'dropped');
      const created = await create(file.length, { 'Upload-Metadata': `filename ${Buffer.from('Bản quét.pdf').toString('base64')}` });
      expect(created.status).toBe(201);
      expect(created.headers['tus-resumable']).toBe('1.0.0');
      expect(new Date(created.headers['upload-expires']!).getTime()).toBe(s.engine.clock.now().getTime() + 24 * HOUR);
      const loc = created.headers.location!;
      expect(loc).toMatch(/^\/api\/uploads\/resumable\/[0-9a-f]{32}$/);

      // a real socket: the whole rest announced, 120 000 bytes sent, then the connection destroyed
      const sent = 120_000;
      const sock = net.connect(port, '127.0.0.1');
      await new Promise((r) => sock.once('connect', r));
      sock.write(
        `PATCH ${loc} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\nTus-Resumable: 1.0.0\r\n` +
          `Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: ${file.length}\r\n\r\n`,
      );
      sock.write(file.subarray(0, sent));
      // wait until the server has the bytes staged, then drop the connection without a word
      const staged = () =>
        fs.existsSync(s.engine.blobs.stagingDir)
          ? fs.readdirSync(s.engine.blobs.stagingDir).reduce((n, f) => n + fs.statSync(path.join(s.engine.blobs.stagingDir, f)).size, 0)
          : 0;
      for (let i = 0; i < 200 && staged() < sent; i += 1) await new Promise((r) => setTimeout(r, 50));
      sock.destroy();

      const h = await head(loc);
      expect(h.status).toBe(200);
      expect(h.headers['upload-offset']).toBe(String(sent));
      expect(h.headers['upload-length']).toBe(String(file.length));
      expect(h.headers['cache-control']).toBe('no-store');
      expect(Buffer.from(h.headers['upload-metadata']!.split(' ')[1]!, 'base64').toString()).toBe('Bản quét.pdf');
      // nothing is referenceable before the last byte: no blob, and an event naming the file's hash is refused
      expect(await blobRows()).not.toContain(sha(file));
      const early = await s.http
        .post('/api/dossiers')
        .set('Authorization', `Bearer ${token}`)
        .send(submissionBody({ attachments: [{ component: 0, sha256: sha(file), name: 'Bản quét.pdf' }] }));
      expect(early.status).toBe(400);

      const rest = await patch(loc, sent, file.subarray(sent));
      expect(rest.status).toBe(204);
      expect(rest.headers['upload-offset']).toBe(String(file.length));
      const done = await s.http.get(loc).set(auth());
      expect(done.status).toBe(200);
      expect(done.body.file).toEqual({ sha256: sha(file), size: file.length, mediaType: 'application/pdf' });
      // stored under its hash, byte for byte; the parts are gone
      const chunks: Buffer[] = [];
      for await (const c of (await s.engine.blobs.open(sha(file)))!) chunks.push(c as Buffer);
      expect(sha(Buffer.concat(chunks))).toBe(sha(file));
      expect(await partUploads()).not.toContain(idOf(loc));

      // attached and downloaded like any upload, the download recorded for auditors
      const dossier = await s.http
        .post('/api/dossiers')
        .set('Authorization', `Bearer ${token}`)
        .send(submissionBody({ attachments: [{ component: 0, sha256: sha(file), name: 'Bản quét.pdf' }] }));
      expect(dossier.status).toBe(201);
      const views = async () => Number((await s.engine.db('record_views').count({ n: '*' }))[0]!.n);
      const before = await views();
      const dl = await s.http
        .get(`/api/dossiers/${dossier.body.code}/documents/d1/file`)
        .set('Authorization', `Bearer ${token}`)
        .buffer(true)
        .parse((res, cb) => {
          const got: Buffer[] = [];
          res.on('data', (c: Buffer) => got.push(c));
          res.on('end', () => cb(null, Buffer.concat(got)));
        });
      expect(dl.status).toBe(200);
      expect(sha(dl.body as Buffer)).toBe(sha(file));
      expect(await views()).toBe(before + 1);
    });

    test('rule: a chunk that does not start where the upload stands is 409 naming the offset, and changes nothing', async () => {
      const file = scan(50_000, 'offsets');
      const loc = (await create(file.length)).headers.location!;
      expect((await patch(loc, 0, file.subarray(0, 10_000))).status).toBe(204);
      for (const wrong of [0, 9_999, 10_001, 50_000]) {
        const res = await patch(loc, wrong, file.subarray(wrong, wrong + 100));
        expect(res.status).toBe(409);
        expect(res.body.error).toMatchObject({ code: 'UPLOAD_OFFSET_CONFLICT', details: { sent: wrong, offset: 10_000 } });
      }
      expect((await head(loc)).headers['upload-offset']).toBe('10000');
      expect((await patch(loc, 10_000, file.subarray(10_000))).status).toBe(204);
      expect((await s.http.get(loc).set(auth())).body.file.sha256).toBe(sha(file));
    });

    test('the upload survives a server restart between chunks (new engine, new app, the store opened again)', async () => {
      const file = scan(200_000, 'restart');
      const loc = (await create(file.length)).headers.location!;
      expect((await patch(loc, 0, file.subarray(0, 70_000))).status).toBe(204);
      // a second server on the same database and store: nothing of the first one's memory
      const ctx = await createEngineContext({
        url: s.engine.dbUrl,
        schema: s.engine.dbSchema,
        clock: s.engine.clock,
        blobs: reopen(),
      });
      try {
        const again = request(createApp({ ctx, config: s.deps.config }));
        const h = await head(loc, again);
        expect(h.status).toBe(200);
        expect(h.headers['upload-offset']).toBe('70000');
        expect((await patch(loc, 70_000, file.subarray(70_000, 150_000), again)).status).toBe(204);
        expect((await patch(loc, 150_000, file.subarray(150_000), again)).status).toBe(204);
        const done = await again.get(loc).set(auth());
        expect(done.body.file).toEqual({ sha256: sha(file), size: file.length, mediaType: 'application/pdf' });
        expect(await ctx.blobs.stat(sha(file))).toEqual({ size: file.length });
      } finally {
        await ctx.close();
      }
    });

    test('rule: limits hold at creation (Upload-Length) and while receiving (past the declared length), keeping nothing', async () => {
      const rowsBefore = await sessionRows();
      const over = await create(MAX + 1);
      expect(over.status).toBe(413);
      expect(over.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limit: MAX } });
      expect((await create(0)).status).toBe(400);
      const bad = await create('12abc');
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.issues[0].field).toBe('Upload-Length');
      expect((await create(100, { 'Upload-Defer-Length': '1' })).body.error.details.issues[0].field).toBe('Upload-Defer-Length');
      expect(await sessionRows()).toBe(rowsBefore);

      const file = scan(20_000, 'limits');
      const loc = (await create(file.length)).headers.location!;
      expect((await patch(loc, 0, file.subarray(0, 5_000))).status).toBe(204);
      const past = await patch(loc, 5_000, Buffer.concat([file.subarray(5_000), Buffer.alloc(1)]));
      expect(past.status).toBe(413);
      // sent without a length (chunked), the excess is found while receiving
      const chunked = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          {
            port,
            host: '127.0.0.1',
            method: 'PATCH',
            path: loc,
            headers: {
              ...auth(),
              'Upload-Offset': '5000',
              'Content-Type': 'application/offset+octet-stream',
              'Transfer-Encoding': 'chunked',
            },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode!);
          },
        );
        req.on('error', reject);
        req.write(file.subarray(5_000));
        req.end(Buffer.alloc(10));
      });
      expect(chunked).toBe(413);
      expect((await head(loc)).headers['upload-offset']).toBe('5000');
      expect(await blobRows()).not.toContain(sha(file));
    });

    test('rule: the type is decided by the bytes: 415 naming the detected type, and the upload is gone with nothing kept', async () => {
      const blobsBefore = await blobRows();
      const loc = (await create(ZIP.length)).headers.location!;
      const res = await patch(loc, 0, ZIP.subarray(0, 1000));
      expect(res.status).toBe(415);
      expect(res.body.error).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', details: { detected: 'application/zip' } });
      expect((await head(loc)).status).toBe(404);
      // first bytes too few to tell: decided when complete
      const loc2 = (await create(ZIP.length)).headers.location!;
      expect((await patch(loc2, 0, ZIP.subarray(0, 3))).status).toBe(204);
      const last = await patch(loc2, 3, ZIP.subarray(3));
      expect(last.status).toBe(415);
      expect(last.body.error.details.detected).toBe('application/zip');
      expect((await head(loc2)).status).toBe(404);
      expect(await blobRows()).toEqual(blobsBefore);
      expect(await partUploads()).not.toEqual(expect.arrayContaining([idOf(loc)]));
      expect(await partUploads()).not.toEqual(expect.arrayContaining([idOf(loc2)]));
    });

    test('rule: a file whose bytes do not have the SHA-256 the client named is refused when complete, and nothing is kept', async () => {
      const file = scan(30_000, 'checked');
      const other = sha(Buffer.from('something else'));
      const loc = (await create(file.length, { 'Upload-Metadata': `sha256 ${Buffer.from(other).toString('base64')}` })).headers.location!;
      expect((await patch(loc, 0, file.subarray(0, 10_000))).status).toBe(204);
      const res = await patch(loc, 10_000, file.subarray(10_000));
      expect(res.status).toBe(400);
      expect(res.body.error.details.issues[0]).toMatchObject({ field: 'Upload-Metadata.sha256' });
      expect(await blobRows()).not.toContain(sha(file));
      expect((await head(loc)).status).toBe(404);
      // named right, accepted
      const ok = (await create(file.length, { 'Upload-Metadata': `sha256 ${Buffer.from(sha(file)).toString('base64')}` })).headers
        .location!;
      expect((await patch(ok, 0, file)).status).toBe(204);
      expect(await blobRows()).toContain(sha(file));
    });

    test('rule: an upload is its creator’s: another user gets 404; only counter, specialists and leaders create; Tus-Resumable is required', async () => {
      const loc = (await create(1000)).headers.location!;
      const specialist = await s.login('specialist');
      expect((await head(loc, s.http, specialist)).status).toBe(404);
      expect((await patch(loc, 0, scan(1000, 'x'), s.http, specialist)).status).toBe(404);
      expect((await s.http.delete(loc).set(auth(specialist))).status).toBe(404);
      expect((await create(1000, {}, s.http, await s.login('auditor'))).status).toBe(403);
      expect((await s.http.post('/api/uploads/resumable').set({ ...TUS, 'Upload-Length': '10' })).status).toBe(401);
      const noVersion = await s.http.head(loc).set('Authorization', `Bearer ${token}`);
      expect(noVersion.status).toBe(412);
      expect(noVersion.headers['tus-version']).toBe('1.0.0');
      const options = await s.http.options('/api/uploads/resumable').set('Authorization', `Bearer ${token}`);
      expect(options.status).toBe(204);
      expect(options.headers).toMatchObject({ 'tus-version': '1.0.0', 'tus-max-size': String(MAX) });
      expect(options.headers['tus-extension']!.split(',')).toEqual(['creation', 'termination', 'expiration']);
      expect((await head(loc)).status).toBe(200);
    });

    test('termination removes the upload and what it received', async () => {
      const file = scan(10_000, 'terminated');
      const loc = (await create(file.length)).headers.location!;
      expect((await patch(loc, 0, file.subarray(0, 4000))).status).toBe(204);
      expect(await partUploads()).toContain(idOf(loc));
      expect((await s.http.delete(loc).set(auth())).status).toBe(204);
      expect((await head(loc)).status).toBe(404);
      expect(await partUploads()).not.toContain(idOf(loc));
    });

    test('the cleanup job removes an abandoned upload and its parts after the grace period, and leftover parts of no upload', async () => {
      const file = scan(10_000, 'abandoned');
      const loc = (await create(file.length)).headers.location!;
      expect((await patch(loc, 0, file.subarray(0, 4000))).status).toBe(204);
      const job = new BlobCleanupJob(s.engine, 24 * HOUR);
      expect((await job.runOnce()).expiredUploads).toBe(0);
      expect((await head(loc)).status).toBe(200);
      // a part whose upload has no row (a crash between removing the row and the parts)
      const strayId = 'f'.repeat(32);
      const staged = path.join(s.engine.blobs.stagingDir, 'stray.part');
      fs.mkdirSync(s.engine.blobs.stagingDir, { recursive: true });
      fs.writeFileSync(staged, 'left over');
      const key = await s.engine.blobs.putPart(strayId, 0, staged, 9);
      if (s.engine.blobs instanceof LocalBlobStore) {
        const long = new Date('2026-03-01T00:00:00Z');
        fs.utimesSync(path.join(s.engine.blobs.dir, 'partial', key), long, long);
        fs.utimesSync(path.join(s.engine.blobs.dir, 'partial', strayId), long, long);
      }

      s.engine.clock.set(new Date(s.engine.clock.now().getTime() + 25 * HOUR).toISOString());
      const fresh = (await s.http.post('/api/auth/login').send({ username: 'counter', password: 'demo' })).body.token as string;
      expect((await head(loc, s.http, fresh)).status).toBe(404); // expired: gone for the client at once
      const report = await job.runOnce();
      expect(report.expiredUploads).toBeGreaterThanOrEqual(1);
      expect(await s.engine.db('upload_sessions').where({ id: idOf(loc) })).toEqual([]);
      expect(await partUploads()).not.toContain(idOf(loc));
      // (s3rver stamps objects with the real clock, which is later than the test's: only the local store's leftover is old enough)
      if (s.engine.blobs instanceof LocalBlobStore) {
        expect(report.strayParts).toBe(1);
        expect(await partUploads()).not.toContain(strayId);
      }
      token = fresh;
    });
  },
);
