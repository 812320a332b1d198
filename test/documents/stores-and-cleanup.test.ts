/**
 * Both document stores behind one interface (the local directory and an S3-compatible object store, the
 * latter against a real S3-protocol server started here), on both databases: what goes in comes out by its
 * hash; an upload cut off midway leaves nothing; the cleanup job removes unreferenced uploads, staged
 * leftovers and stray files after the grace period, and never a referenced file.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { BACKENDS } from '../support/backends';
import { startServer, type TestServer } from '../support/server';
import { crossStores, documentStores } from '../support/s3-server';
import { rehash } from '../../src/store/blob-store';
import { BlobCleanupJob } from '../../src/jobs/blob-cleanup';
import { stagingPath } from '../../src/store/blob-staging';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const PDF = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`);
const HOUR = 3_600_000;

const STORES = documentStores();

describe.each(STORES)('the $name store', (kind) => {
  test('a staged file goes in under its hash and comes out the same; stat, list and delete agree', async () => {
    const store = kind.make();
    fs.mkdirSync(store.stagingDir, { recursive: true });
    const bytes = Buffer.concat([PDF('store contract'), Buffer.alloc(300_000, 9)]);
    const staged = stagingPath(store.stagingDir);
    fs.writeFileSync(staged, bytes);
    await store.putFile(staged, sha(bytes), bytes.length);
    expect(fs.existsSync(staged)).toBe(false);
    expect(await store.stat(sha(bytes))).toEqual({ size: bytes.length });
    expect(await rehash(store, sha(bytes))).toEqual({ sha256: sha(bytes), size: bytes.length });
    const listed = [];
    for await (const b of store.list()) listed.push(b.sha256);
    expect(listed).toContain(sha(bytes));
    await store.delete(sha(bytes));
    expect(await store.stat(sha(bytes))).toBeNull();
    expect(await store.open(sha(bytes))).toBeNull();
    await store.close();
  });
});

describe.each(crossStores(BACKENDS, STORES))('uploads and cleanup on $label', ({ backend, store: kind }) => {
  let s: TestServer;
  let token: string;
  let url: string;
  let server: http.Server;
  beforeAll(async () => {
    s = await startServer(backend, '2026-03-03 09:00', {}, { blobs: kind.make() });
    token = await s.login('counter');
    server = http.createServer(s.app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await s.close();
  });

  const upload = (bytes: Buffer) =>
    s.http.post('/api/uploads').set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/pdf').send(bytes);
  const blobRows = async () => (await s.engine.db('blobs').select('sha256')).map((r: { sha256: string }) => r.sha256);

  test('an upload cut off midway leaves no row, no stored file and no staged file', async () => {
    const before = await blobRows();
    const [host, port] = url.split(':');
    const sock = net.connect(Number(port), host);
    await new Promise((r) => sock.once('connect', r));
    const head = PDF('cut off');
    sock.write(
      `POST /api/uploads HTTP/1.1\r\nHost: ${url}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/pdf\r\nContent-Length: 2000000\r\n\r\n`,
    );
    sock.write(Buffer.concat([head, Buffer.alloc(500_000, 3)]));
    await new Promise((r) => setTimeout(r, 200));
    sock.destroy();
    // the server notices the cut and removes its staged file
    for (let i = 0; i < 50 && fs.readdirSync(s.engine.blobs.stagingDir).length > 0; i += 1) await new Promise((r) => setTimeout(r, 50));
    expect(fs.readdirSync(s.engine.blobs.stagingDir)).toEqual([]);
    expect(await blobRows()).toEqual(before);
    const stored = [];
    for await (const b of s.engine.blobs.list()) stored.push(b.sha256);
    expect(stored.sort()).toEqual([...before].sort());
  });

  test('the cleanup job removes what nothing references after the grace period, and keeps what a dossier references', async () => {
    const kept = PDF('attached');
    const dropped = PDF('abandoned');
    expect((await upload(kept)).status).toBe(201);
    expect((await upload(dropped)).status).toBe(201);
    const created = await s.http
      .post('/api/dossiers')
      .set('Authorization', `Bearer ${token}`)
      .send({
        procedureCode: '1.001612',
        channel: 'counter',
        applicant: { fullName: 'Lê Thị Hoa', idNumber: '001190000001', phone: '0900000001', address: 'Hà Nội' },
        documents: [{ name: 'Giấy đề nghị', copies: 1 }],
        attachments: [{ component: 0, sha256: sha(kept), name: 'don.pdf' }],
      });
    expect(created.status).toBe(201);
    const leftover = stagingPath(s.engine.blobs.stagingDir);
    fs.writeFileSync(leftover, 'a crash left this');
    fs.utimesSync(leftover, new Date('2026-03-01T00:00:00Z'), new Date('2026-03-01T00:00:00Z'));

    const job = new BlobCleanupJob(s.engine, 24 * HOUR);
    // within the grace period no upload goes; the crash's staged leftover (older) does
    expect(await job.runOnce()).toMatchObject({ unreferenced: 0, staged: 1 });
    expect(fs.existsSync(leftover)).toBe(false);
    expect(await s.engine.blobs.stat(sha(dropped))).not.toBeNull();
    s.engine.clock.set(new Date(s.engine.clock.now().getTime() + 25 * HOUR).toISOString());
    const report = await job.runOnce();
    expect(report.unreferenced).toBeGreaterThanOrEqual(1);
    expect(await s.engine.blobs.stat(sha(dropped))).toBeNull();
    expect(await blobRows()).not.toContain(sha(dropped));
    expect(await s.engine.blobs.stat(sha(kept))).toEqual({ size: kept.length });
    expect(await blobRows()).toContain(sha(kept));
    // an attach naming a removed upload is refused and references nothing (signed in again: a day has passed)
    const fresh = (await s.http.post('/api/auth/login').send({ username: 'counter', password: 'demo' })).body.token as string;
    const again = await s.http
      .post('/api/dossiers')
      .set('Authorization', `Bearer ${fresh}`)
      .send({
        procedureCode: '1.001612',
        channel: 'counter',
        applicant: { fullName: 'Lê Thị Hoa', idNumber: '001190000001', phone: '0900000001', address: 'Hà Nội' },
        documents: [{ name: 'Giấy đề nghị', copies: 1 }],
        attachments: [{ component: 0, sha256: sha(dropped), name: 'don.pdf' }],
      });
    expect(again.status).toBe(400);
  });
});
