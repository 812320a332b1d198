/**
 * The retention job against an upload of the very same bytes (issue 14). Files are stored by their hash, so a
 * clerk may upload, and an event may name, exactly the bytes the job is removing. Nothing acknowledged may be
 * lost: an upload answered 201 can be attached, and an attached document's file is in the store. Each
 * interleaving is forced with a barrier (the job's `beforeRemove`, a store that pauses in `putFile`), then many
 * are left to chance. On both databases and both document stores.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, submission } from '../support/engine';
import { startServer, type TestServer } from '../support/server';
import { crossStores, documentStores } from '../support/s3-server';
import { bearer, dossierWithResult, PDF, publishRetention, sha } from '../support/retention';
import { DocumentRetentionJob, type RetentionJobDeps } from '../../src/jobs/document-retention';
import { BlobCleanupJob } from '../../src/jobs/blob-cleanup';
import { stagingPath } from '../../src/store/blob-staging';
import fs from 'node:fs';
import { rehash, type BlobStore } from '../../src/store/blob-store';
import { verifyAll } from '../../src/audit/verify-all';
import type { Finding } from '../../src/audit/verify-dossier';

const HOUR = 3_600_000;
const PROC = '1.001612';

/** A store that, for the hashes `gate` holds, stops inside `putFile` (after the upload wrote its index row) until released. */
function pausingStore(inner: BlobStore) {
  const gates = new Map<string, { reached: () => void; release: Promise<void> }>();
  const store: BlobStore = Object.assign(Object.create(inner) as BlobStore, {
    putFile: async (stagedPath: string, sha256: string, size: number) => {
      const gate = gates.get(sha256);
      if (gate) {
        gates.delete(sha256);
        gate.reached();
        await gate.release;
      }
      return inner.putFile(stagedPath, sha256, size);
    },
  });
  /** the next putFile of `sha256` waits: `reached` resolves when it does, `release()` lets it go on */
  const gate = (sha256: string) => {
    let release!: () => void;
    let reached!: () => void;
    const reachedP = new Promise<void>((r) => (reached = r));
    gates.set(sha256, { reached, release: new Promise<void>((r) => (release = r)) });
    return { reached: reachedP, release: () => release() };
  };
  return { store, gate };
}

describe.each(crossStores(BACKENDS, documentStores()))(
  'retention racing an upload of the same bytes on $label',
  ({ backend, store: kind }) => {
    let s: TestServer;
    let gate: ReturnType<typeof pausingStore>['gate'];
    let counter: string;
    beforeAll(async () => {
      const pausing = pausingStore(kind.make());
      gate = pausing.gate;
      s = await startServer(backend, '2026-03-03 09:00', {}, { blobs: pausing.store });
      const admin = await s.login('admin');
      expect((await publishRetention(s, admin, { years: 5, legalBasis: 'Thử nghiệm: 05 năm' })).status).toBe(200);
    });
    afterAll(async () => s.close());

    const job = (extra: Partial<RetentionJobDeps> = {}) => new DocumentRetentionJob({ ...s.engine, graceMs: 24 * HOUR, ...extra });
    /** closed dossiers (2026), one per file, and the clock moved past their five years */
    async function expired(files: Buffer[]): Promise<void> {
      s.engine.at('2026-03-03 09:00');
      const leader = await s.login('leader');
      for (const f of files) await dossierWithResult(s, leader, f);
      s.engine.at('2031-03-05 09:00');
      counter = (await s.http.post('/api/auth/login').send({ username: 'counter', password: 'demo' })).body.token;
    }
    const upload = (file: Buffer) => s.http.post('/api/uploads').set(bearer(counter)).send(file);
    /** a new dossier received at the counter, with `file` attached as its first component */
    async function attach(file: Buffer, name = 'Tờ khai.pdf') {
      const { code } = await s.engine.engine.submit(submission(PROC), ACTORS.counter);
      const version = (await s.engine.engine.get(code)).version;
      const res = await s.http
        .post(`/api/dossiers/${code}/events`)
        .set(bearer(counter))
        .set('If-Match', String(version))
        .send({ type: 'ATTACH_DOCUMENT', component: 0, sha256: sha(file), name });
      return { code, res };
    }
    const stored = async (file: Buffer) => (await rehash(s.engine.blobs, sha(file)))?.sha256 === sha(file);
    const fileFindings = async (code: string) => {
      const token = (await s.http.post('/api/auth/login').send({ username: 'auditor', password: 'demo' })).body.token;
      return (await s.http.get(`/api/dossiers/${code}/verify`).set(bearer(token))).body.findings as Finding[];
    };

    test('rule: an upload of the bytes the job has recorded as deleted, but not yet removed, keeps its file', async () => {
      const file = PDF(`recorded, then uploaded again ${kind.name}`);
      await expired([file]);
      let answered = 0;
      // the upload runs whole between the job's deletion record and its removal of the file
      const report = await job({
        beforeRemove: async (h) => {
          if (h === sha(file)) answered = (await upload(file)).status;
        },
      }).runOnce();
      expect(answered).toBe(201);
      expect(report.deletions.map((d) => d.sha256)).toEqual([sha(file)]); // the closed dossier's reference is recorded
      expect(await stored(file)).toBe(true);
      expect(
        await s.engine
          .db('blobs')
          .where({ sha256: sha(file) })
          .select('state'),
      ).toEqual([{ state: 'stored' }]);
      const { code, res } = await attach(file);
      expect(res.status).toBe(200);
      expect(await fileFindings(code)).toEqual([]);
    });

    test('rule: bytes uploaded again after their deletion was recorded, and never attached, are removed after the grace period', async () => {
      // revived: uploaded between the deletion record and the removal; again: uploaded after the removal;
      // kept: revived, then attached to a new dossier
      const [revived, again, kept] = ['revived', 'again', 'kept'].map((n) => PDF(`uploaded again, ${n} ${kind.name}`)) as [
        Buffer,
        Buffer,
        Buffer,
      ];
      await expired([revived, again, kept]);
      const report = await job({
        beforeRemove: async (h) => {
          if (h === sha(revived) || h === sha(kept)) expect((await upload(h === sha(kept) ? kept : revived)).status).toBe(201);
        },
      }).runOnce();
      expect(report.deletions.map((d) => d.sha256).sort()).toEqual([revived, again, kept].map(sha).sort());
      // the report counts as deleted only the file it removed; the two uploaded again stay, and are said to
      expect(report).toMatchObject({ files: 1, keptRevived: 2, records: 3 });
      expect(await stored(again)).toBe(false);
      expect((await upload(again)).status).toBe(201);
      const { code: keeper, res } = await attach(kept);
      expect(res.status).toBe(200);
      for (const f of [revived, again, kept]) expect(await stored(f)).toBe(true);
      const cleanup = new BlobCleanupJob(s.engine, 24 * HOUR);
      expect(await cleanup.runOnce()).toMatchObject({ unreferenced: 0 }); // within the grace period the uploader may still attach them
      s.engine.at('2031-03-06 10:00');
      expect(await cleanup.runOnce()).toMatchObject({ unreferenced: 2 });
      expect(await stored(revived)).toBe(false);
      expect(await stored(again)).toBe(false);
      expect(await stored(kept)).toBe(true);
      const rows = await s.engine.db('blobs').whereIn('sha256', [revived, again, kept].map(sha)).select('sha256');
      expect(rows).toEqual([{ sha256: sha(kept) }]);
      // a stray copy of recorded-deleted bytes (in the store, no index row) goes too; a file a live reference names stays
      const staged = stagingPath(s.engine.blobs.stagingDir);
      fs.mkdirSync(s.engine.blobs.stagingDir, { recursive: true });
      fs.writeFileSync(staged, again);
      await s.engine.blobs.putFile(staged, sha(again), again.length);
      await s.engine
        .db('blobs')
        .where({ sha256: sha(kept) })
        .delete();
      expect(await cleanup.runOnce()).toMatchObject({ strays: 1 });
      expect(await stored(again)).toBe(false);
      expect(await stored(kept)).toBe(true);
      expect(await fileFindings(keeper)).toEqual([]);
    });

    test('rule: bytes uploaded within the grace period are not deleted under their uploader, even mid-upload', async () => {
      const file = PDF(`uploaded while the job runs ${kind.name}`);
      await expired([file]);
      // the upload has written its index row and stops before its file; the job runs whole meanwhile
      const paused = gate(sha(file));
      const uploading = upload(file).then((r) => r); // supertest sends a request only once it is awaited
      await paused.reached;
      const report = await job()
        .runOnce()
        .finally(() => paused.release());
      expect(report).toMatchObject({ files: 0, records: 0, keptRecent: 1 });
      expect((await uploading).status).toBe(201);
      const { code, res } = await attach(file);
      expect(res.status).toBe(200);
      expect(await stored(file)).toBe(true);
      expect(await fileFindings(code)).toEqual([]);
      // past the grace period the old dossier's file would be due, but a kept dossier now references the bytes
      s.engine.at('2031-03-07 09:00');
      expect(await job().runOnce()).toMatchObject({ files: 0, keptShared: 1 });
      expect(await stored(file)).toBe(true);
    });

    test('rule: an event naming bytes the job has recorded as deleted is refused (400 on sha256), and nothing is referenced', async () => {
      const file = PDF(`named while recorded ${kind.name}`);
      await expired([file]);
      let attached: Awaited<ReturnType<typeof attach>> | undefined;
      await job({
        beforeRemove: async (h) => {
          if (h === sha(file)) attached = await attach(file);
        },
      }).runOnce();
      expect(attached!.res.status).toBe(400);
      expect(attached!.res.body.error.details.issues).toEqual([expect.objectContaining({ field: 'sha256' })]);
      expect(await s.engine.db('document_refs').where({ sha256: sha(file) })).toHaveLength(1); // the closed dossier's only
      expect(await stored(file)).toBe(false);
    });

    test('rule: concurrently, every upload answered 201 can be attached and every attached file is stored', async () => {
      const files = Array.from({ length: 8 }, (_, i) => PDF(`concurrent ${i} ${kind.name}`));
      await expired(files);
      const pause = () => new Promise((r) => setTimeout(r, Math.floor(Math.random() * 40)));
      const outcomes = await Promise.all([
        job().runOnce(),
        ...files.map(async (f) => {
          await pause();
          const up = await upload(f);
          const { code, res } = await attach(f);
          return { f, code, uploaded: up.status, attached: res.status };
        }),
      ]);
      const attaches = outcomes.slice(1) as { f: Buffer; code: string; uploaded: number; attached: number }[];
      for (const a of attaches) {
        expect(a).toMatchObject({ uploaded: 201, attached: 200 });
        expect(await stored(a.f)).toBe(true);
      }
      expect(await job().runOnce()).toMatchObject({ files: 0 }); // the new dossiers keep them now
      const findings: Finding[] = [];
      await verifyAll(s.engine.db, { blobs: s.engine.blobs, checkpoints: false, onFinding: (f) => void findings.push(f) });
      expect(findings).toEqual([]);
    });
  },
);
