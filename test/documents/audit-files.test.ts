/**
 * The auditor's check of the documents (issue 14): a referenced file that is gone from the store, or whose
 * bytes changed, is a finding of the per-dossier verification and of the whole-database run, like a broken
 * chain. The file hashes themselves are in the events, so the hash chain covers them.
 */
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { BACKENDS } from '../support/backends';
import { startServer, type TestServer } from '../support/server';
import type { LocalBlobStore } from '../../src/store/blob-store';
import { verifyAll } from '../../src/audit/verify-all';
import type { Finding } from '../../src/audit/verify-dossier';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const PDF = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`);

describe.each(BACKENDS)('the audit of documents on $name', (backend) => {
  let s: TestServer;
  let counter: string;
  let auditor: string;
  beforeAll(async () => {
    s = await startServer(backend);
    counter = await s.login('counter');
    auditor = await s.login('auditor');
  });
  afterAll(async () => s.close());

  async function dossierWith(...files: Buffer[]): Promise<string> {
    for (const f of files) expect((await s.http.post('/api/uploads').set('Authorization', `Bearer ${counter}`).send(f)).status).toBe(201);
    const res = await s.http
      .post('/api/dossiers')
      .set('Authorization', `Bearer ${counter}`)
      .send({
        procedureCode: '1.001612',
        channel: 'counter',
        applicant: { fullName: 'Ngô Văn Bình', idNumber: '001090099999', phone: '0911111111', address: 'Hà Nội' },
        documents: [{ name: 'Giấy đề nghị', copies: 1 }],
        attachments: files.map((f, i) => ({ component: i, sha256: sha(f), name: `tp-${i}.pdf` })),
      });
    expect(res.status).toBe(201);
    return res.body.code as string;
  }
  const verify = (code: string) => s.http.get(`/api/dossiers/${code}/verify`).set('Authorization', `Bearer ${auditor}`);

  test('a dossier whose files are all there, unchanged, verifies clean', async () => {
    const code = await dossierWith(PDF('intact a'), PDF('intact b'));
    const res = await verify(code);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, findings: [] });
  });

  test('rule: a missing file and an altered file are findings, located at the event that attached them', async () => {
    const gone = PDF('will be deleted');
    const changed = PDF('will be altered');
    const code = await dossierWith(gone, changed);
    const store = s.engine.blobs as LocalBlobStore;
    fs.rmSync(store.pathOf(sha(gone)));
    fs.writeFileSync(store.pathOf(sha(changed)), PDF('will be ALTERED')); // same size, other bytes
    const res = await verify(code);
    expect(res.body.ok).toBe(false);
    expect(res.body.findings.map((f: Finding) => [f.kind, f.seq])).toEqual([
      ['file_missing', 2],
      ['file_altered', 3],
    ]);
    // opening the missing one says what the audit says of it, not a bare 404; the dossier's other file opens
    const open = await s.http.get(`/api/dossiers/${code}/documents/d1/file`).set('Authorization', `Bearer ${counter}`);
    expect(open.status).toBe(404);
    expect(open.body.error).toMatchObject({
      code: 'FILE_NOT_STORED',
      details: { documentId: 'd1', version: 1, sha256: sha(gone), finding: 'file_missing' },
    });
    expect((await s.http.get(`/api/dossiers/${code}/documents/d2/file`).set('Authorization', `Bearer ${counter}`)).status).toBe(200);
    expect((await s.http.get(`/api/dossiers/${code}/documents/d9/file`).set('Authorization', `Bearer ${counter}`)).body.error.code).toBe(
      'NOT_FOUND',
    );

    // the whole-database run: presence and size by default, the hash with hashFiles
    const quick: Finding[] = [];
    await verifyAll(s.engine.db, { blobs: s.engine.blobs, checkpoints: false, onFinding: (f) => void quick.push(f) });
    expect(quick.filter((f) => f.dossierCode === code).map((f) => f.kind)).toEqual(['file_missing']);
    const deep: Finding[] = [];
    const summary = await verifyAll(s.engine.db, {
      blobs: s.engine.blobs,
      hashFiles: true,
      checkpoints: false,
      onFinding: (f) => void deep.push(f),
    });
    expect(deep.filter((f) => f.dossierCode === code).map((f) => f.kind)).toEqual(['file_missing', 'file_altered']);
    expect(summary.findingsByKind).toMatchObject({ file_missing: 1, file_altered: 1 });
  });
});
