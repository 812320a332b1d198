/**
 * The auditor's offline export carries the files (issue 14), and the whole-database audit checks the side
 * table `document_refs` against the events: what the cleanup job and the file check read must be what the
 * hash-chained events say, else it is a finding.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { BACKENDS } from '../support/backends';
import { startServer, type TestServer } from '../support/server';
import type { LocalBlobStore } from '../../src/store/blob-store';
import { verifyAll } from '../../src/audit/verify-all';
import type { Finding } from '../../src/audit/verify-dossier';
import { writeExportWithFiles } from '../../src/audit/export';
import { BlobCleanupJob } from '../../src/jobs/blob-cleanup';

const SCRIPT = path.resolve(__dirname, '../../src/audit/standalone/verify-export.js');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const PDF = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`);
const HOUR = 3_600_000;

function offline(...args: string[]): { status: number | null; stdout: string } {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout };
}

describe.each(BACKENDS)('documents in the export and the audit on $name', (backend) => {
  let s: TestServer;
  let counter: string;
  let auditor: string;
  let n = 0;
  beforeAll(async () => {
    s = await startServer(backend);
    counter = await s.login('counter');
    auditor = await s.login('auditor');
  });
  afterAll(async () => s.close());

  async function dossierWith(...files: Buffer[]): Promise<{ code: string; id: string }> {
    for (const f of files) expect((await s.http.post('/api/uploads').set('Authorization', `Bearer ${counter}`).send(f)).status).toBe(201);
    n += 1;
    const res = await s.http
      .post('/api/dossiers')
      .set('Authorization', `Bearer ${counter}`)
      .send({
        procedureCode: '1.001612',
        channel: 'counter',
        applicant: { fullName: 'Ngô Văn Bình', idNumber: `00109009${String(n).padStart(4, '0')}`, phone: '0911111111', address: 'Hà Nội' },
        documents: [{ name: 'Giấy đề nghị', copies: 1 }],
        attachments: files.map((f, i) => ({ component: i, sha256: sha(f), name: `thành phần ${i}.pdf` })),
      });
    expect(res.status).toBe(201);
    const row = (await s.engine.db('dossiers').where({ code: res.body.code }).first()) as { id: string };
    return { code: res.body.code as string, id: row.id };
  }

  async function wholeRun(code: string): Promise<[string, number | null][]> {
    const found: Finding[] = [];
    await verifyAll(s.engine.db, { blobs: s.engine.blobs, hashFiles: true, checkpoints: false, onFinding: (f) => void found.push(f) });
    return found.filter((f) => f.dossierCode === code).map((f) => [f.kind, f.seq]);
  }

  test('rule: the export with its files verifies offline, and a missing or altered file breaks it at the event that attached it', async () => {
    const a = PDF('export a');
    const b = PDF('export b');
    const { code } = await dossierWith(a, b);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-export-files-'));
    try {
      const written = await writeExportWithFiles(s.engine.db, s.engine.blobs, code, dir, s.engine.clock.now());
      expect(written).toMatchObject({ written: 2, missing: [] });
      const doc = JSON.parse(fs.readFileSync(written.exportFile, 'utf8'));
      expect(doc.files.map((f: { seq: number; sha256: string; name: string }) => [f.seq, f.sha256, f.name])).toEqual([
        [2, sha(a), 'thành phần 0.pdf'],
        [3, sha(b), 'thành phần 1.pdf'],
      ]);
      const head = `OK ${code}: ${doc.events.length} events, head seq ${doc.head.seq} ${doc.head.hash}\ncheckpoints: none in the export (not checked)\n`;
      expect(offline(written.exportFile, '--files', written.filesDir)).toEqual({
        status: 0,
        stdout: `${head}files: 2 referenced, each present in ${written.filesDir} with its SHA-256 and size\n`,
      });
      expect(offline(written.exportFile)).toEqual({ status: 0, stdout: `${head}files: 2 referenced, not checked (give --files DIR)\n` });
      // names do not matter: a file saved under another name is found by its hash
      fs.renameSync(path.join(written.filesDir, sha(a)), path.join(written.filesDir, 'tải về.pdf'));
      expect(offline(written.exportFile, '--files', written.filesDir).status).toBe(0);
      // altered (same size): no file there hashes to what seq 3 recorded
      fs.writeFileSync(path.join(written.filesDir, sha(b)), PDF('export B'));
      expect(offline(written.exportFile, '--files', written.filesDir)).toEqual({
        status: 1,
        stdout: `BROKEN at seq 3: file ${sha(b)} (thành phần 1.pdf) is not among the files given (missing, or its bytes were altered)\n`,
      });
      fs.rmSync(path.join(written.filesDir, 'tải về.pdf'));
      expect(offline(written.exportFile, '--files', written.filesDir).stdout).toMatch(
        /^BROKEN at seq 2: file [0-9a-f]{64} \(thành phần 0\.pdf\)/,
      );
      // a file the store lost is named by the export command
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync((s.engine.blobs as LocalBlobStore).pathOf(sha(a)));
      expect(await writeExportWithFiles(s.engine.db, s.engine.blobs, code, dir, s.engine.clock.now())).toMatchObject({
        written: 1,
        missing: [sha(a)],
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('rule: a document_refs row missing, altered or added is a document_ref_drift finding, in the whole-database run and per dossier', async () => {
    const { code, id } = await dossierWith(PDF('refs a'), PDF('refs b'), PDF('refs c'));
    expect(await wholeRun(code)).toEqual([]);
    await s.engine.db('document_refs').where({ dossier_id: id, seq: 2 }).delete();
    await s.engine
      .db('document_refs')
      .where({ dossier_id: id, seq: 3 })
      .update({ sha256: sha(PDF('refs c')) });
    await s.engine.db('document_refs').insert({
      dossier_id: id,
      seq: 1,
      document_id: 'd9',
      document_version: 1,
      sha256: sha(PDF('refs a')),
      size: PDF('refs a').length,
      media_type: 'application/pdf',
      kind: 'component',
      at: s.engine.clock.now().toISOString(),
    });
    const expected = [
      ['document_ref_drift', 2],
      ['document_ref_drift', 3],
      ['document_ref_drift', 1],
    ];
    expect(await wholeRun(code)).toEqual(expected);
    const res = await s.http.get(`/api/dossiers/${code}/verify`).set('Authorization', `Bearer ${auditor}`);
    expect(res.body.ok).toBe(false);
    expect(res.body.findings.map((f: Finding) => [f.kind, f.seq])).toEqual(expected);
  });

  test('the cleanup job never removes a referenced file, even when its index row is gone', async () => {
    if (s.engine.blobs.kind !== 'local') return;
    const kept = PDF('referenced, row lost');
    const { code } = await dossierWith(kept);
    await s.engine
      .db('blobs')
      .where({ sha256: sha(kept) })
      .delete();
    const file = (s.engine.blobs as LocalBlobStore).pathOf(sha(kept));
    fs.utimesSync(file, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
    await new BlobCleanupJob(s.engine, 24 * HOUR).runOnce();
    expect(await s.engine.blobs.stat(sha(kept))).toEqual({ size: kept.length });
    expect(await wholeRun(code)).toEqual([]);
  });
});
