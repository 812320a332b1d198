/**
 * Limits of the resumable uploads (issue 14), on both databases and both document stores:
 * - the per-dossier size limit is checked at creation when the upload names its dossier (Upload-Metadata
 *   `dossier`): what the dossier holds + its open uploads + Upload-Length over MOTCUA_UPLOAD_MAX_DOSSIER_BYTES is
 *   413 (tus) with details.scope `dossier`, and nothing is created;
 * - a user's open uploads are capped (MOTCUA_UPLOAD_MAX_OPEN_SESSIONS, MOTCUA_UPLOAD_MAX_OPEN_BYTES): 429
 *   UPLOAD_QUOTA_EXCEEDED naming the cap; creations racing for the last place cannot all get it;
 * - an upload that expires while a chunk is on its way does not take the chunk (404, offset unchanged), cannot
 *   complete, leaves no blob, and the cleanup job removes it with its parts.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { BACKENDS } from '../support/backends';
import { listenOnPort, startServer, type TestServer } from '../support/server';
import { documentStores } from '../support/s3-server';
import { BlobCleanupJob } from '../../src/jobs/blob-cleanup';
import { submissionBody } from '../support/engine';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const HOUR = 3_600_000;
/** a PDF of `size` bytes (its content matters only for its hash) */
const pdf = (size: number, seed: string) =>
  Buffer.concat([Buffer.from(`%PDF-1.7\n% ${seed}\n`), Buffer.alloc(size - seed.length - 12, seed.length)]);
const b64 = (v: string) => Buffer.from(v).toString('base64');

const STORES = documentStores();

describe.each(BACKENDS.flatMap((b) => STORES.map((st) => ({ backend: b, kind: st, label: `${b.label} + ${st.name}` }))))(
  'resumable upload limits on $label',
  ({ backend, kind }) => {
    let s: TestServer;
    let listening: Awaited<ReturnType<typeof listenOnPort>>;
    beforeAll(async () => {
      s = await startServer(
        backend,
        '2026-03-03 09:00',
        {
          MOTCUA_UPLOAD_MAX_FILE_BYTES: '400000',
          MOTCUA_UPLOAD_MAX_DOSSIER_BYTES: '600000',
          MOTCUA_UPLOAD_MAX_OPEN_SESSIONS: '3',
          MOTCUA_UPLOAD_MAX_OPEN_BYTES: '700000',
          MOTCUA_BLOB_GRACE_HOURS: '1',
        },
        { blobs: kind.make() },
      );
      listening = await listenOnPort(s.app);
    });
    afterAll(async () => {
      await listening.close();
      await s.close();
    });

    const auth = async (who: string) => ({ Authorization: `Bearer ${await s.login(who)}`, 'Tus-Resumable': '1.0.0' });
    const create = async (who: string, length: number, metadata?: string) =>
      s.http
        .post('/api/uploads/resumable')
        .set({ ...(await auth(who)), 'Upload-Length': String(length), ...(metadata ? { 'Upload-Metadata': metadata } : {}) })
        .send();
    const sessionsOf = async (who: string) => (await s.engine.db('upload_sessions').where({ created_by: who }).select('id')).length;

    test('rule: a user’s open uploads are capped in number: the next is 429 UPLOAD_QUOTA_EXCEEDED naming the cap, nothing is created, and racing creations cannot pass the cap', async () => {
      const first = await create('specialist', 1000);
      expect(first.status).toBe(201);
      // four at once for the two places left: exactly two get one
      const raced = await Promise.all([1, 2, 3, 4].map(() => create('specialist', 1000)));
      expect(raced.map((r) => r.status).sort()).toEqual([201, 201, 429, 429]);
      expect(await sessionsOf('specialist')).toBe(3);
      const refused = await create('specialist', 1000);
      expect(refused.status).toBe(429);
      expect(refused.body.error).toMatchObject({ code: 'UPLOAD_QUOTA_EXCEEDED', details: { cap: 'sessions', limit: 3, open: 3 } });
      expect(await sessionsOf('specialist')).toBe(3);
      // another user is not counted; a removed upload frees its place
      expect((await create('leader', 1000)).status).toBe(201);
      expect((await s.http.delete(first.headers.location!).set(await auth('specialist'))).status).toBe(204);
      expect((await create('specialist', 1000)).status).toBe(201);
    });

    test('rule: a user’s open uploads are capped in declared bytes: 429 naming the cap and what is open', async () => {
      // 1000 open from the first test, + 400 000
      expect((await create('leader', 400_000)).status).toBe(201);
      // + 300 000 would make 701 000, over 700 000
      const refused = await create('leader', 300_000);
      expect(refused.status).toBe(429);
      expect(refused.body.error).toMatchObject({ code: 'UPLOAD_QUOTA_EXCEEDED', details: { cap: 'bytes', limit: 700_000, open: 401_000 } });
      expect(await sessionsOf('leader')).toBe(2);
      expect((await create('leader', 299_000)).status).toBe(201); // exactly 700 000
    });

    test('rule: an upload meant for a dossier is 413 at creation when the dossier’s documents, its open uploads and this one pass the per-dossier limit', async () => {
      const held = pdf(300_000, 'held');
      const up = await s.http
        .post('/api/uploads')
        .set('Authorization', `Bearer ${await s.login('counter')}`)
        .set('Content-Type', 'application/octet-stream')
        .send(held);
      expect(up.status).toBe(201);
      const dossier = await s.http
        .post('/api/dossiers')
        .set('Authorization', `Bearer ${await s.login('counter')}`)
        .send(submissionBody({ attachments: [{ component: 0, sha256: sha(held), name: 'Đơn.pdf' }] }));
      expect(dossier.status).toBe(201);
      const code = dossier.body.code as string;
      const meta = `filename ${b64('Bản quét.pdf')},dossier ${b64(code)}`;
      // 300 000 held + 250 000: within 600 000
      expect((await create('counter', 250_000, meta)).status).toBe(201);
      const before = await sessionsOf('counter');
      // + 60 000 more: 610 000 with the open upload
      const refused = await create('counter', 60_000, meta);
      expect(refused.status).toBe(413);
      expect(refused.body.error).toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        details: { scope: 'dossier', limit: 600_000, total: 610_000 },
      });
      expect(await sessionsOf('counter')).toBe(before);
      // the same bytes not meant for that dossier are not its business; a dossier nobody has is 404
      expect((await create('counter', 60_000)).status).toBe(201);
      expect((await create('counter', 60_000, `dossier ${b64('KHONG-CO')}`)).status).toBe(404);
    });

    test('rule: an upload that expires while a chunk is on its way does not take it, cannot complete, leaves no blob, and the cleanup job removes it', async () => {
      const file = pdf(200_000, 'expiring');
      const created = await create('counter', file.length);
      const loc = created.headers.location!;
      const id = loc.split('/').pop()!;
      // the first half arrives in time
      const first = await s.http
        .patch(loc)
        .set({ ...(await auth('counter')), 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' })
        .send(file.subarray(0, 100_000));
      expect(first.status).toBe(204);

      // the last chunk: half of it sent, then the upload's expiry passes, then the rest
      const port = listening.port;
      const sock = net.connect(port, '127.0.0.1');
      await new Promise((r) => sock.once('connect', r));
      const answer = new Promise<string>((resolve) => {
        let got = '';
        sock.on('data', (c) => (got += c.toString()));
        sock.on('close', () => resolve(got));
        sock.on('error', () => resolve(got));
      });
      sock.write(
        `PATCH ${loc} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${(await auth('counter')).Authorization}\r\nTus-Resumable: 1.0.0\r\n` +
          `Upload-Offset: 100000\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n`,
      );
      sock.write(file.subarray(100_000, 150_000));
      const staged = () =>
        fs.existsSync(s.engine.blobs.stagingDir)
          ? fs.readdirSync(s.engine.blobs.stagingDir).reduce((n, f) => n + fs.statSync(path.join(s.engine.blobs.stagingDir, f)).size, 0)
          : 0;
      for (let i = 0; i < 200 && staged() < 50_000; i += 1) await new Promise((r) => setTimeout(r, 50));
      s.engine.clock.set(new Date(s.engine.clock.now().getTime() + 2 * HOUR).toISOString());
      sock.write(file.subarray(150_000));
      expect((await answer).split('\r\n')[0]).toBe('HTTP/1.1 404 Not Found');

      const [row] = await s.engine.db('upload_sessions').where({ id }).select('received_bytes', 'state');
      expect(row).toMatchObject({ state: 'receiving' });
      expect(Number(row.received_bytes)).toBe(100_000);
      expect(await s.engine.db('blobs').where({ sha256: sha(file) })).toEqual([]);
      expect((await s.http.head(loc).set(await auth('counter'))).status).toBe(404);
      expect((await s.http.get(loc).set(await auth('counter'))).status).toBe(404);

      await new BlobCleanupJob(s.engine, HOUR).runOnce();
      expect(await s.engine.db('upload_sessions').where({ id })).toEqual([]);
      const parts: string[] = [];
      for await (const u of s.engine.blobs.listPartUploads()) parts.push(u.uploadId);
      expect(parts).not.toContain(id);
      expect(await s.engine.db('blobs').where({ sha256: sha(file) })).toEqual([]);
    });
  },
);
