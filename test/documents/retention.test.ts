/**
 * Retention of document files (issue 14): a closed dossier's files live as long as its procedure's `retention`
 * rule says (absent: for ever), and only the retention job deletes them, recording each deletion in a
 * hash-chained log. The auditor then sees such a file as a notice tied to its record, never as `file_missing`;
 * a file missing without a record is still `file_missing`, and a tampered log is a finding. On both databases
 * and both document stores.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BACKENDS } from '../support/backends';
import { ACTORS } from '../support/engine';
import { startServer, type TestServer } from '../support/server';
import { crossStores, documentStores } from '../support/s3-server';
import { DocumentRetentionJob } from '../../src/jobs/document-retention';
import { verifyAll } from '../../src/audit/verify-all';
import type { Finding } from '../../src/audit/verify-dossier';
import { writeExportWithFiles } from '../../src/audit/export';
import { asDatabaseOwner } from '../support/db-owner';
import { createCheckpoint, verifyCheckpoints } from '../../src/audit/checkpoints';
import { PDF, RETENTION_PROC as PROC, dossierWithResult as withResult, sha } from '../support/retention';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the offline verifier is plain JavaScript
const standalone = require('../../src/audit/standalone/verify-export.js') as {
  verifyFiles(doc: unknown, found: Map<string, number>, retained?: { sha256: string }[]): { seq: number; message: string } | null;
};

const STORES = documentStores();

describe.each(crossStores(BACKENDS, STORES))('retention of document files on $label', ({ backend, store: kind }) => {
  let s: TestServer;
  let leader: string;
  let auditor: string;
  let admin: string;
  let job: DocumentRetentionJob;
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
  beforeAll(async () => {
    s = await startServer(backend, '2026-03-03 09:00', {}, { blobs: kind.make() });
    leader = await s.login('leader');
    auditor = await s.login('auditor');
    admin = await s.login('admin');
    job = new DocumentRetentionJob(s.engine);
  });
  afterAll(async () => s.close());

  const dossierWithResult = (file: Buffer, opts: { open?: boolean } = {}) => withResult(s, leader, file, opts);
  /** a new session (the clock jumps years ahead, past every session's expiry) */
  const fresh = async (username: string) =>
    (await s.http.post('/api/auth/login').send({ username, password: 'demo' })).body.token as string;
  const verify = (code: string) => s.http.get(`/api/dossiers/${code}/verify`).set(auth(auditor));
  const inStore = async (b: Buffer) => (await s.engine.blobs.stat(sha(b))) !== null;
  const log = () => s.engine.db('document_deletions').orderBy('seq');

  // A: closed under the procedure's first version (no rule: kept for ever); B: closed under a version keeping
  // files 5 years, its result the same bytes as A's (one stored file for both, as reuse makes it); C: the same
  // rule, its own file; D: the same rule, still open.
  const shared = PDF(`shared result ${kind.name}`);
  const own = PDF(`own result ${kind.name}`);
  const open = PDF(`open dossier result ${kind.name}`);
  let a: string;
  let b: string;
  let c: string;
  let d: string;

  test('rule: the retention period is a procedure field validated at load; absent, files are kept for ever', async () => {
    a = await dossierWithResult(shared);
    const current = await s.http.get(`/api/procedures/${PROC}`).set(auth(admin));
    expect(current.body.retention).toBeUndefined();
    const zero = await s.http
      .put(`/api/procedures/${PROC}`)
      .set(auth(admin))
      .send({ ...current.body, version: undefined, retention: { years: 0, legalBasis: 'Thử nghiệm' } });
    expect(zero.status).toBe(400);
    expect(JSON.stringify(zero.body)).toMatch(/retention\.years/);
    const noBasis = await s.http
      .put(`/api/procedures/${PROC}`)
      .set(auth(admin))
      .send({ ...current.body, version: undefined, retention: { years: 5 } });
    expect(noBasis.status).toBe(400);
    expect(JSON.stringify(noBasis.body)).toMatch(/retention\.legalBasis/);
    const five = await s.http
      .put(`/api/procedures/${PROC}`)
      .set(auth(admin))
      .send({ ...current.body, version: undefined, retention: { years: 5, legalBasis: 'Thử nghiệm: 05 năm' } });
    expect(five.status).toBe(200);
    b = await dossierWithResult(shared);
    c = await dossierWithResult(own);
    d = await dossierWithResult(open, { open: true });
  });

  test('rule: nothing is deleted before the period ends, and the dry run changes nothing', async () => {
    s.engine.at('2031-03-02 09:00'); // C closed on 2026-03-03: five years not yet over
    expect(await job.runOnce()).toMatchObject({ files: 0, records: 0 });
    s.engine.at('2031-03-04 09:00');
    const plan = await job.plan();
    expect(plan).toMatchObject({ files: 1, records: 1, keptShared: 1 });
    expect(plan.deletions).toEqual([expect.objectContaining({ sha256: sha(own), dossierCode: c, documentId: 'd1' })]);
    expect(await inStore(own)).toBe(true);
    expect(await log()).toEqual([]);
  });

  test('rule: the job deletes only files no kept dossier references, and records each deletion in the chained log', async () => {
    const report = await job.runOnce();
    expect(report).toMatchObject({ files: 1, records: 1, keptShared: 1 });
    expect(await inStore(own)).toBe(false);
    expect(await inStore(shared)).toBe(true); // B expired, but A (kept for ever) references the same file
    expect(await inStore(open)).toBe(true); // D is not closed
    expect(await s.engine.db('blobs').where({ sha256: sha(own) })).toEqual([]);
    const [row] = await log();
    expect(row).toMatchObject({ seq: 1, sha256: sha(own), dossier_code: c, document_id: 'd1', prev_hash: '0'.repeat(64) });
    expect(row.rule).toMatch(/5 năm .*Thử nghiệm: 05 năm/);
    // a second run finds nothing more to do
    expect(await job.runOnce()).toMatchObject({ files: 0, records: 0 });
    expect(await log()).toHaveLength(1);
  });

  test('rule: the auditor sees a file deleted by retention as a notice tied to its record, not a failure', async () => {
    auditor = await fresh('auditor');
    admin = await fresh('admin');
    const res = await verify(c);
    expect(res.body).toMatchObject({ ok: true, findings: [] });
    expect(res.body.notices).toEqual([
      expect.objectContaining({ kind: 'file_deleted_by_retention', message: expect.stringMatching(/bản ghi xóa số 1/) }),
    ]);
    expect((await verify(b)).body).toMatchObject({ ok: true, findings: [], notices: [] }); // its shared file is still there
    // downloading it says it was deleted by retention, as the notice does
    const download = await s.http.get(`/api/dossiers/${c}/documents/d1/file`).set(auth(auditor));
    expect(download.status).toBe(404);
    expect(download.body.error).toMatchObject({
      code: 'FILE_NOT_STORED',
      details: { documentId: 'd1', sha256: sha(own), finding: 'file_deleted_by_retention', rule: expect.stringMatching(/5 năm/) },
    });
    const notices: Finding[] = [];
    const summary = await verifyAll(s.engine.db, { blobs: s.engine.blobs, checkpoints: false, onNotice: (f) => void notices.push(f) });
    expect(summary).toMatchObject({ findings: 0, notices: 1 });
    expect(notices.map((f) => [f.dossierCode, f.kind])).toEqual([[c, 'file_deleted_by_retention']]);

    // the export carries the record; the offline verifier accepts the file as deleted by retention
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-export-'));
    const written = await writeExportWithFiles(s.engine.db, s.engine.blobs, c, dir, s.engine.clock.now());
    expect(written).toMatchObject({ missing: [], deletedByRetention: [sha(own)] });
    const doc = JSON.parse(fs.readFileSync(written.exportFile, 'utf8'));
    expect(doc.deletions).toHaveLength(1);
    const retained: { sha256: string }[] = [];
    expect(standalone.verifyFiles(doc, new Map(), retained)).toBeNull();
    expect(retained.map((r) => r.sha256)).toEqual([sha(own)]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('rule: a file missing without a deletion record is still file_missing', async () => {
    await s.engine.blobs.delete(sha(open));
    const res = await verify(d);
    expect(res.body.ok).toBe(false);
    expect(res.body.findings.map((f: Finding) => f.kind)).toEqual(['file_missing']);
    expect(res.body.notices).toEqual([]);
  });

  test('rule: a tampered deletion log is a finding, and the file it covered is missing again', async () => {
    await asDatabaseOwner(s.engine.db); // the owner drops the append-only triggers (the application's role could not)
    await s.engine.db('document_deletions').where({ seq: 1 }).update({ rule: 'sửa lại cho đẹp' });
    const res = await verify(c);
    expect(res.body.ok).toBe(false);
    expect(res.body.findings.map((f: Finding) => f.kind).sort()).toEqual(['deletion_log_broken', 'file_missing']);
    const findings: Finding[] = [];
    const summary = await verifyAll(s.engine.db, { blobs: s.engine.blobs, checkpoints: false, onFinding: (f) => void findings.push(f) });
    expect(summary.notices).toBe(0);
    expect(findings.filter((f) => f.dossierCode === c).map((f) => f.kind)).toEqual(['file_missing', 'deletion_log_broken']);
  });

  test('rule: a component file deleted by retention is no longer offered for reuse to the same applicant', async () => {
    const counter = await fresh('counter');
    const scan = PDF(`cccd scan ${kind.name}`);
    expect((await s.http.post('/api/uploads').set(auth(counter)).send(scan)).status).toBe(201);
    const applicant = { fullName: 'Lê Thị Tái', idNumber: '001190077777', phone: '0914444444', address: 'Hà Nội' };
    const body = { procedureCode: PROC, channel: 'counter', applicant, documents: [{ name: 'Giấy đề nghị', copies: 1 }] };
    const earlier = await s.http
      .post('/api/dossiers')
      .set(auth(counter))
      .send({ ...body, attachments: [{ component: 0, sha256: sha(scan), name: 'cccd.pdf' }] });
    expect(earlier.status).toBe(201);
    const e = earlier.body.code as string;
    await s.engine.engine.act(e, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    await s.engine.engine.act(e, { type: 'COMPLETE_STEP' }, ACTORS.counter);
    await s.engine.engine.act(e, { type: 'COMPLETE_STEP' }, ACTORS.specialist);
    await s.engine.engine.act(
      e,
      { type: 'RECORD_RESULT', documentNumber: '9/GCN', documentDate: '2031-03-04', signer: 'leader', digitised: true },
      ACTORS.leader,
    );
    await s.engine.engine.act(e, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter);
    const later = await s.http.post('/api/dossiers').set(auth(counter)).send(body);
    expect(later.status).toBe(201);
    const offered = () => s.http.get(`/api/dossiers/${later.body.code}/documents/reusable`).set(auth(counter));
    expect((await offered()).body.map((o: { file: { sha256: string } }) => o.file.sha256)).toEqual([sha(scan)]);
    s.engine.at('2037-03-05 09:00');
    const anchored = await createCheckpoint(s.engine.db, s.engine.clock.now());
    expect(anchored.deletionCount).toBe(1); // the first run's record
    expect((await job.runOnce()).deletions.map((x) => x.sha256)).toContain(sha(scan));
    // deletions recorded after a checkpoint extend the anchored log: nothing to report
    expect((await verifyCheckpoints(s.engine.db)).findings).toEqual([]);
    const token = await fresh('counter');
    expect((await s.http.get(`/api/dossiers/${later.body.code}/documents/reusable`).set(auth(token))).body).toEqual([]);
  });

  test('no API call deletes a file: there is no such route', async () => {
    const res = await s.http.delete(`/api/dossiers/${a}/documents/d1/file`).set(auth(await fresh('admin')));
    expect(res.status).toBe(404);
    expect(await inStore(shared)).toBe(true);
  });
});
