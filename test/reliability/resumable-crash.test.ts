/**
 * Crash test of the resumable uploads (tus, issue 14), beside the crash test's plain-upload round
 * (test/reliability/crash.test.ts): workers send large scans in chunks (PATCH bodies written slowly, so the
 * kill lands in the middle of them) while the real server is killed with SIGKILL at seeded random moments and
 * restarted, on SQLite and PostgreSQL, with the local store and an S3-protocol server (s3rver, started here).
 *
 * After every restart, for every upload the client created:
 * - HEAD answers an offset at least every byte a 204 acknowledged (no acknowledged chunk is lost) and at most
 *   the bytes the client put on the wire (nothing is invented);
 * the upload then goes on from that offset. At the end every upload is finished, and
 * - the stored file has the file's SHA-256 (so every kept byte was the right byte at the right place), read back
 *   from the store; it is attached to a dossier and the audit with files rehashed finds nothing;
 * - every upload with parts in the store has a session row (no orphaned part), and once the cleanup job runs
 *   past the grace period no part, session or staged file is left, nothing referenced is touched, and the
 *   abandoned upload left no blob.
 *
 * MOTCUA_CRASH_ROUNDS (default 2 here) kills per database and store; MOTCUA_CRASH_SEED changes the moments.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { BACKENDS } from '../support/backends';
import { Rng } from '../../src/seed-generate/prng';
import { killAllServerProcesses, prepareDatabase, sleep, startServerProcess, type PreparedDatabase } from '../support/server-process';
import { ApiClient, NoAnswer, submissionBody } from '../support/api-client';
import { auditFindings } from '../support/db-checks';
import { startS3, type TestS3 } from '../support/s3-server';
import { LocalBlobStore, rehash, type BlobStore } from '../../src/store/blob-store';
import { BlobCleanupJob } from '../../src/jobs/blob-cleanup';

const ROUNDS = Math.min(Number(process.env.MOTCUA_CRASH_ROUNDS ?? 2), 6);
const SEED = process.env.MOTCUA_CRASH_SEED ?? 'motcua-resumable-crash-1';
const WORKERS = 3;
const GRACE_HOURS = 1;
const TUS = { 'Tus-Resumable': '1.0.0' };
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A scan of 1.2–2.4 MB whose bytes differ along its length (a misplaced or lost byte changes the hash). */
function scan(i: number, rng: Rng): Buffer {
  const head = Buffer.from(`%PDF-1.7\n% resumable crash scan ${i}\n`);
  const body = Buffer.alloc(1_200_000 + rng.int(1_200_000));
  for (let k = 0; k < body.length; k += 1) body[k] = (k * 131 + (k >> 9) + i) & 0xff;
  return Buffer.concat([head, body, Buffer.from('\n%%EOF\n')]);
}

interface Upload {
  url: string;
  bytes: Buffer;
  /** the highest Upload-Offset a 204 answered */
  acked: number;
  /** the most bytes ever put on the wire (start of a PATCH + what was written of its body) */
  sent: number;
  /** the offset the next PATCH starts from */
  offset: number;
  file: { sha256: string; size: number } | null;
}

/** One PATCH whose body is written 32 KB at a time with a pause between pieces, so a kill finds it half sent. */
function slowPatch(
  baseUrl: string,
  token: string,
  u: Upload,
  from: number,
  size: number,
): Promise<{ status: number; offset: number | null; body: string }> {
  const bytes = u.bytes.subarray(from, from + size);
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}${u.url}`, {
      method: 'PATCH',
      headers: {
        ...TUS,
        Authorization: `Bearer ${token}`,
        'Upload-Offset': String(from),
        'Content-Type': 'application/offset+octet-stream',
        'Content-Length': String(bytes.length),
      },
    });
    let failed = false;
    req.on('error', (err) => {
      failed = true;
      reject(new NoAnswer('PATCH', u.url, err));
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('error', (err) => reject(new NoAnswer('PATCH', u.url, err)));
      res.on('end', () => {
        const h = res.headers['upload-offset'];
        resolve({ status: res.statusCode ?? 0, offset: h === undefined ? null : Number(h), body });
      });
    });
    void (async () => {
      for (let at = 0; at < bytes.length && !failed; at += 32 * 1024) {
        const piece = bytes.subarray(at, at + 32 * 1024);
        // counted before it is written: what the server can have is at most this
        u.sent = Math.max(u.sent, from + at + piece.length);
        req.write(piece);
        await sleep(3);
      }
      if (!failed) req.end();
    })();
  });
}

/** Each store kind the server process is started with, and the same store opened from the test. */
const STORES = ['local', 's3'] as const;

describe.each(
  BACKENDS.filter((b) => b.label === 'sqlite' || b.label === 'postgres').flatMap((backend) =>
    STORES.map((store) => ({ backend, store, label: `${backend.label} + ${store}` })),
  ),
)('SIGKILL during resumable uploads on $label', ({ backend, store: kind }) => {
  let prepared: PreparedDatabase;
  let db: Knex;
  let s3: TestS3 | null = null;

  afterAll(async () => {
    await killAllServerProcesses();
    await prepared?.drop();
    await s3?.close();
  });

  test(
    `after ${ROUNDS} kill -9 rounds mid-PATCH no acknowledged byte is lost, every upload finishes with its hash and nothing is left behind`,
    async () => {
      prepared = await prepareDatabase(backend);
      db = prepared.open();
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-resumable-crash-'));
      let storeEnv: Record<string, string>;
      let openStore: () => BlobStore;
      if (kind === 's3') {
        s3 = await startS3();
        const at = s3.reopenable();
        storeEnv = {
          MOTCUA_BLOB_STORE: 's3',
          MOTCUA_S3_ENDPOINT: s3.endpoint,
          MOTCUA_S3_BUCKET: s3.bucket,
          MOTCUA_S3_PREFIX: at.prefix,
          MOTCUA_S3_ACCESS_KEY_ID: 'S3RVER',
          MOTCUA_S3_SECRET_ACCESS_KEY: 'S3RVER',
          MOTCUA_UPLOAD_STAGING_DIR: at.stagingDir,
        };
        openStore = at.open;
      } else {
        storeEnv = { MOTCUA_BLOB_DIR: path.join(tmp, 'blobs') };
        openStore = () => new LocalBlobStore(path.join(tmp, 'blobs'));
      }
      const env = {
        ...prepared.env,
        ...storeEnv,
        MOTCUA_BLOB_GRACE_HOURS: String(GRACE_HOURS),
        MOTCUA_SWEEP_INTERVAL_MS: '0',
        MOTCUA_CHECKPOINT_INTERVAL_MS: '0',
      };
      const rng = new Rng(`${SEED}|${backend.label}|${kind}`);
      const uploads: Upload[] = [];
      const unexpected: string[] = [];
      let scans = 0;
      /** kills that found a PATCH body half written */
      let cutMidChunk = 0;

      const create = async (client: ApiClient): Promise<Upload> => {
        const bytes = scan(scans++, rng);
        const res = await client.call('POST', '/api/uploads/resumable', {
          as: 'counter',
          headers: { ...TUS, 'Upload-Length': String(bytes.length) },
        });
        if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
        const u: Upload = { url: res.headers.get('location')!, bytes, acked: 0, sent: 0, offset: 0, file: null };
        uploads.push(u);
        return u;
      };
      const head = async (client: ApiClient, u: Upload): Promise<number> => {
        const res = await client.call('HEAD', u.url, { as: 'counter', headers: TUS });
        if (res.status !== 200) throw new Error(`HEAD ${u.url}: ${res.status}`);
        return Number(res.headers.get('upload-offset'));
      };
      /** one chunk of the upload from where it stands (`inFlight` knows where the chunk ends while it is sent) */
      const step = async (client: ApiClient, baseUrl: string, u: Upload, inFlight: Map<Upload, number>): Promise<void> => {
        const size = Math.min(u.bytes.length - u.offset, 200_000 + rng.int(500_000));
        inFlight.set(u, u.offset + size);
        const res = await slowPatch(baseUrl, await client.login('counter'), u, u.offset, size).finally(() => inFlight.delete(u));
        if (res.status === 204 && res.offset !== null) {
          if (res.offset !== u.offset + size) unexpected.push(`${u.url}: 204 at ${res.offset} after ${size} bytes from ${u.offset}`);
          u.acked = Math.max(u.acked, res.offset);
          u.offset = res.offset;
        } else if (res.status === 409) u.offset = await head(client, u);
        else unexpected.push(`PATCH ${u.url} at ${u.offset}: ${res.status} ${res.body}`);
      };
      const finish = async (client: ApiClient, u: Upload) => {
        const res = await client.call('GET', u.url, { as: 'counter', headers: TUS });
        if (res.status !== 200 || !res.body.file) throw new Error(`GET ${u.url}: ${res.status} ${JSON.stringify(res.body)}`);
        u.file = res.body.file;
      };
      /** After a restart: every upload's offset is within [acknowledged, sent], and the client goes on from it. */
      const checkOffsets = async (client: ApiClient, round: number) => {
        for (const u of uploads.filter((x) => !x.file)) {
          const offset = await head(client, u);
          if (offset < u.acked)
            unexpected.push(`round ${round}: ${u.url} lost acknowledged bytes: HEAD ${offset} < acknowledged ${u.acked}`);
          if (offset > u.sent) unexpected.push(`round ${round}: ${u.url} HEAD ${offset} > the ${u.sent} bytes ever sent`);
          u.offset = offset;
        }
      };

      for (let round = 0; round < ROUNDS; round++) {
        const server = await startServerProcess({ name: `${backend.label}+${kind} round ${round + 1}`, env });
        const client = new ApiClient(server.baseUrl);
        await client.login('counter');
        await checkOffsets(client, round);
        let killed = false;
        const inFlight = new Map<Upload, number>();
        let acks = 0;
        const worker = async (w: number) => {
          let u: Upload | null = uploads.filter((x) => !x.file)[w] ?? null;
          while (!killed) {
            try {
              if (!u) u = await create(client);
              const before = u.acked;
              await step(client, server.baseUrl, u, inFlight);
              if (u.acked > before) acks += 1;
              if (u.offset === u.bytes.length) {
                await finish(client, u);
                u = null;
              }
            } catch (err) {
              if (!(err instanceof NoAnswer)) throw err;
              if (!killed) unexpected.push(`no answer before the kill: ${err.message}`);
            }
          }
        };
        const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
        for (const giveUp = Date.now() + 30_000; acks === 0 && unexpected.length === 0 && Date.now() < giveUp;) await sleep(5);
        await sleep(100 + rng.int(700));
        // the kill waits (a little) for a chunk whose body is half written; it counts those it cut
        const halfSent = () => [...inFlight].filter(([u, end]) => u.sent > u.offset && u.sent < end).length;
        for (const giveUp = Date.now() + 5_000; halfSent() === 0 && Date.now() < giveUp;) await sleep(1);
        cutMidChunk += halfSent();
        killed = true;
        server.kill('SIGKILL');
        expect((await server.waitForExit(10_000)).signal).toBe('SIGKILL');
        await load;
      }

      // The last restart: offsets checked once more, every upload finished, each attached to a dossier.
      const last = await startServerProcess({ name: `${backend.label}+${kind} after the last kill`, env });
      const client = new ApiClient(last.baseUrl);
      await checkOffsets(client, ROUNDS);
      const inFlight = new Map<Upload, number>();
      for (const u of uploads.filter((x) => !x.file)) {
        while (u.offset < u.bytes.length) await step(client, last.baseUrl, u, inFlight);
        await finish(client, u);
      }
      expect(unexpected).toEqual([]);
      const wrongHash = uploads.filter((u) => u.file!.sha256 !== sha(u.bytes) || u.file!.size !== u.bytes.length).map((u) => u.url);
      expect(wrongHash).toEqual([]);
      for (const [i, u] of uploads.entries()) {
        const res = await client.call('POST', '/api/dossiers', {
          as: 'counter',
          body: { ...submissionBody(i), attachments: [{ component: 0, sha256: u.file!.sha256, name: `Bản quét ${i}.pdf` }] },
        });
        expect(res.status).toBe(201);
      }
      // an upload abandoned halfway: the cleanup job must take it
      const abandoned = await create(client);
      await step(client, last.baseUrl, abandoned, inFlight);
      last.kill('SIGTERM');
      await last.waitForExit();

      const store = openStore();
      try {
        // every file rehashed from the store; the events reference exactly the completed files
        for (const u of uploads.filter((x) => x.file))
          expect(await rehash(store, u.file!.sha256)).toEqual({ sha256: sha(u.bytes), size: u.bytes.length });
        const refs = new Set(((await db('document_refs').select('sha256')) as { sha256: string }[]).map((r) => r.sha256));
        expect([...refs].sort()).toEqual([...new Set(uploads.filter((u) => u.file).map((u) => u.file!.sha256))].sort());
        expect((await auditFindings(db, store)).findings).toEqual([]);
        // no part without its session, before the cleanup
        const sessions = new Set(((await db('upload_sessions').select('id')) as { id: string }[]).map((r) => r.id));
        const partsOf = async () => {
          const ids: string[] = [];
          for await (const p of store.listPartUploads()) ids.push(p.uploadId);
          return ids;
        };
        expect((await partsOf()).filter((id) => !sessions.has(id))).toEqual([]);
        expect(await partsOf()).toContain(abandoned.url.split('/').pop());

        // past the grace period the cleanup job leaves no part, no session and no staged file; referenced files stay
        const later = new Date(Date.now() + 3 * GRACE_HOURS * 3_600_000);
        const report = await new BlobCleanupJob({ db, clock: { now: () => later }, blobs: store }, GRACE_HOURS * 3_600_000).runOnce();
        expect(report.unreferenced).toBe(0);
        expect(await partsOf()).toEqual([]);
        expect(await db('upload_sessions').select('id')).toEqual([]);
        expect(fs.existsSync(store.stagingDir) ? fs.readdirSync(store.stagingDir) : []).toEqual([]);
        for (const u of uploads.filter((x) => x.file))
          expect(await rehash(store, u.file!.sha256)).toEqual({ sha256: sha(u.bytes), size: u.bytes.length });
        const blobs = ((await db('blobs').select('sha256')) as { sha256: string }[]).map((r) => r.sha256).sort();
        expect(blobs).toEqual([...refs].sort());
      } finally {
        await store.close();
        fs.rmSync(tmp, { recursive: true, force: true });
      }
      // the kills did land in the middle of chunks (otherwise this test would show nothing)
      expect(cutMidChunk).toBeGreaterThan(0);
      // eslint-disable-next-line no-console -- the run's figures, printed on purpose for the log
      console.log(
        `resumable crash on ${backend.label}+${kind}: ${ROUNDS} kills (${cutMidChunk} chunks cut midway), ${uploads.length} uploads of ${uploads.reduce((n, u) => n + u.bytes.length, 0)} bytes finished with their hashes`,
      );
    },
    90_000 + ROUNDS * 30_000,
  );
});
