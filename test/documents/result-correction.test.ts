/**
 * Correcting a returned result (issue 14): once a dossier is returned nothing is attached to it, except by a
 * leader's CORRECT_RESULT — an auditor-visible event with its reason, which keeps the old record and the old
 * file (a new version of the result document) in the hash chain.
 */
import { createHash } from 'node:crypto';
import { BACKENDS } from '../support/backends';
import { ACTORS, submission } from '../support/engine';
import { startServer, type TestServer } from '../support/server';
import { verifyAll } from '../../src/audit/verify-all';
import type { Finding } from '../../src/audit/verify-dossier';
import { restoreRow } from '../../src/engine/restore-row';
import { findDossierByCode } from '../../src/store/dossier-store';

const PROC = '1.001612';
const PDF = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.each(BACKENDS)('correcting a returned result on $name', (backend) => {
  let s: TestServer;
  let leader: string;
  let n = 0;
  beforeAll(async () => {
    s = await startServer(backend);
    leader = await s.login('leader');
  });
  afterAll(async () => s.close());

  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
  const upload = async (bytes: Buffer) => expect((await s.http.post('/api/uploads').set(auth(leader)).send(bytes)).status).toBe(201);
  const send = async (code: string, token: string, event: Record<string, unknown>) => {
    const version = (await s.engine.engine.get(code)).version;
    return s.http.post(`/api/dossiers/${code}/events`).set(auth(token)).set('If-Match', String(version)).send(event);
  };

  /** a dossier whose signed result (the electronic original) was recorded and, unless `keep`, handed back */
  async function withResult(original: Buffer, opts: { keep?: boolean } = {}): Promise<string> {
    await upload(original);
    n += 1;
    const { code } = await s.engine.engine.submit(
      { ...submission(PROC), applicant: { ...submission(PROC).applicant, phone: `09120000${String(n).padStart(2, '0')}` } },
      ACTORS.counter,
    );
    await s.engine.engine.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    await s.engine.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
    await s.engine.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.specialist);
    const recorded = await send(code, leader, {
      type: 'RECORD_RESULT',
      documentNumber: '15/GCN-HKD',
      documentDate: '2026-03-03',
      signer: 'leader',
      document: { sha256: sha(original), name: 'Giấy chứng nhận.pdf', form: 'electronic_original' },
    });
    expect(recorded.status).toBe(200);
    if (!opts.keep) await s.engine.engine.act(code, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter);
    return code;
  }

  test('rule: a leader corrects a returned result with a reason; the old number, signer and file stay in the history', async () => {
    const original = PDF('giay chung nhan, sai ten');
    const corrected = PDF('giay chung nhan, dinh chinh');
    const code = await withResult(original);
    await upload(corrected);
    const res = await send(code, leader, {
      type: 'CORRECT_RESULT',
      reason: 'Sai tên người đề nghị trên Giấy chứng nhận',
      documentNumber: '15/GCN-HKD-ĐC',
      documentDate: '2026-03-04',
      signer: 'leader',
      document: { sha256: sha(corrected), name: 'Giấy chứng nhận (đính chính).pdf', form: 'electronic_original' },
    });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('returned');
    const last = (await s.engine.engine.history(code)).at(-1)!;
    expect(last).toMatchObject({
      type: 'CORRECT_RESULT',
      actor: 'leader',
      payload: {
        reason: 'Sai tên người đề nghị trên Giấy chứng nhận',
        documentNumber: '15/GCN-HKD-ĐC',
        previous: { documentNumber: '15/GCN-HKD', documentDate: '2026-03-03' },
        document: { documentId: 'd1', version: 2, file: { sha256: sha(corrected) }, form: 'electronic_original' },
      },
    });
    // the result document has both versions; the first is still served
    const docs = await s.http.get(`/api/dossiers/${code}/documents`).set(auth(leader));
    expect(docs.body).toEqual([
      expect.objectContaining({
        id: 'd1',
        kind: 'result',
        versions: [
          expect.objectContaining({ version: 1, sha256: sha(original), reason: null }),
          expect.objectContaining({ version: 2, sha256: sha(corrected), reason: 'Sai tên người đề nghị trên Giấy chứng nhận' }),
        ],
      }),
    ]);
    const v1 = await s.http.get(`/api/dossiers/${code}/documents/d1/file?version=1`).set(auth(leader)).buffer(true);
    expect(Buffer.from(v1.body as Buffer).equals(original)).toBe(true);
    // the applicant now downloads the corrected original
    const pub = await s.http.get(`/api/public/dossiers/${code}/result-document?verify=00${String(n).padStart(2, '0')}`).buffer(true);
    expect(pub.status).toBe(200);
    expect(Buffer.from(pub.body as Buffer).equals(corrected)).toBe(true);
    // the chain, replay, projection, document_refs and files all verify
    expect((await s.http.get(`/api/dossiers/${code}/verify`).set(auth(await s.login('auditor')))).body).toMatchObject({ ok: true });
    const found: Finding[] = [];
    await verifyAll(s.engine.db, { blobs: s.engine.blobs, hashFiles: true, checkpoints: false, onFinding: (f) => void found.push(f) });
    expect(found.filter((f) => f.dossierCode === code)).toEqual([]);
    // a second correction without a new file keeps both earlier records
    const again = await send(code, leader, {
      type: 'CORRECT_RESULT',
      reason: 'Sai ngày ký',
      documentNumber: '15/GCN-HKD-ĐC',
      documentDate: '2026-03-05',
      signer: 'leader',
    });
    expect(again.status).toBe(200);
    const { snapshot } = await restoreRow(s.engine.db, (await findDossierByCode(s.engine.db, code))!);
    expect(snapshot.context.result).toMatchObject({ documentNumber: '15/GCN-HKD-ĐC', documentDate: '2026-03-05' });
    expect(snapshot.context.result!.corrections!.map((c) => [c.previous.documentDate, c.document?.version ?? null])).toEqual([
      ['2026-03-03', 2],
      ['2026-03-04', null],
    ]);
  });

  test('rule: only a leader corrects, only a returned dossier, only with a reason — else 403, 409 or 400 and nothing changes', async () => {
    const code = await withResult(PDF('only leaders'));
    const correction = { type: 'CORRECT_RESULT', reason: 'Sai số', documentNumber: '2/GCN', documentDate: '2026-03-04', signer: 'leader' };
    const version = (await s.engine.engine.get(code)).version;
    for (const who of ['specialist', 'counter']) {
      const res = await send(code, await s.login(who), correction);
      expect(res.status).toBe(403);
    }
    const noReason = await send(code, leader, { ...correction, reason: undefined });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.issues[0].field).toBe('reason');
    const badSigner = await send(code, leader, { ...correction, signer: 'specialist' });
    expect(badSigner.status).toBe(400);
    expect(badSigner.body.error.details.issues[0].field).toBe('signer');
    expect((await s.engine.engine.get(code)).version).toBe(version);

    // before the hand-over the result is still the office's to change: no correction event
    const open = await withResult(PDF('not returned yet'), { keep: true });
    const early = await send(open, leader, correction);
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'TRANSITION_NOT_ALLOWED', details: { state: 'result' } });
  });
});
