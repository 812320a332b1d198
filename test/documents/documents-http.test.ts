/**
 * Dossier documents through the API (issue 14), on both databases with the local store: uploads decided by
 * their bytes, attachment at receipt with the digitisation it records, the reason a digitisation-required
 * procedure asks for, versions instead of overwrites, reuse from an earlier dossier of the same applicant,
 * the result document, and downloads (access, headers, the auditor's log, the applicant's second factor).
 */
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { BACKENDS } from '../support/backends';
import { ACTORS, submission, submissionBody } from '../support/engine';
import { startServer, type TestServer } from '../support/server';
import type { LocalBlobStore } from '../../src/store/blob-store';

const PROC = '1.001612'; // tiep-nhan (counter) → tham-dinh (specialist, KINHTE) → ky-cap (leader, KINHTE); 3 required documents
const specialist = { username: 'specialist', unit: 'KINHTE' };

export const PDF = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(600, 1)]);
const ZIP = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(600, 2)]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const body = submissionBody;

describe.each(BACKENDS)('dossier documents on $name', (backend) => {
  let s: TestServer;
  let counter: string;
  beforeAll(async () => {
    s = await startServer(backend, '2026-03-03 09:00', { MOTCUA_UPLOAD_MAX_FILE_BYTES: '100000' });
    counter = await s.login('counter');
  });
  afterAll(async () => s.close());

  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
  const upload = (bytes: Buffer, token = counter, type = 'application/octet-stream') =>
    s.http.post('/api/uploads').set(auth(token)).set('Content-Type', type).send(bytes);
  const send = async (code: string, token: string, event: Record<string, unknown>) => {
    const version = (await s.engine.engine.get(code)).version;
    return s.http.post(`/api/dossiers/${code}/events`).set(auth(token)).set('If-Match', String(version)).send(event);
  };
  const blobCount = async () => Number((await s.engine.db('blobs').count({ n: '*' }))[0]!.n);
  const stagingFiles = () => {
    const dir = s.engine.blobs.stagingDir;
    return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  };

  test('an upload is typed by its bytes, not by its name or Content-Type, and answers its SHA-256', async () => {
    const pdf = PDF('don de nghi');
    const res = await upload(pdf, counter, 'image/png');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ sha256: sha(pdf), size: pdf.length, mediaType: 'application/pdf' });
    const png = await upload(PNG, counter, 'application/pdf');
    expect(png.body.mediaType).toBe('image/png');
    // stored under its hash, complete
    const stored = await s.engine.blobs.open(sha(pdf));
    const chunks: Buffer[] = [];
    for await (const c of stored!) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(pdf)).toBe(true);
  });

  test('rule: a file of another type is refused with 415 naming the detected type, and nothing is stored', async () => {
    const before = await blobCount();
    const res = await upload(ZIP, counter, 'application/pdf');
    expect(res.status).toBe(415);
    expect(res.body.error).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', details: { detected: 'application/zip' } });
    const html = await upload(Buffer.from('<!DOCTYPE html><script>alert(1)</script>'), counter, 'application/xml');
    expect(html.status).toBe(415);
    expect(html.body.error.details.detected).toBe('text/html');
    expect(await blobCount()).toBe(before);
    expect(stagingFiles()).toEqual([]);
  });

  test('rule: a file over the size limit is refused with 413, and nothing is stored', async () => {
    const before = await blobCount();
    const big = Buffer.concat([PDF('x'), Buffer.alloc(100_001)]);
    const res = await upload(big);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await blobCount()).toBe(before);
    expect(stagingFiles()).toEqual([]);
  });

  test('only the counter, specialists and leaders upload', async () => {
    expect((await upload(PDF('a'), await s.login('auditor'))).status).toBe(403);
    expect((await upload(PDF('a'), await s.login('supervisor'))).status).toBe(403);
    expect((await s.http.post('/api/uploads').send(PDF('a'))).status).toBe(401);
  });

  test('the counter attaches scans at receipt; the RECEIVE event records how complete they are, and every event names the file hash', async () => {
    const a = PDF('component 0');
    const b = PNG;
    await upload(a);
    await upload(b);
    const res = await s.http
      .post('/api/dossiers')
      .set(auth(counter))
      .send(
        body({
          attachments: [
            { component: 0, sha256: sha(a), name: 'Giấy đề nghị.pdf' },
            { component: 1, sha256: sha(b), name: 'Biên bản họp.png' },
          ],
        }),
      );
    expect(res.status).toBe(201);
    const events = (await s.engine.engine.history(res.body.code)).map((e) => ({ type: e.type, payload: e.payload }));
    expect(events.map((e) => e.type)).toEqual(['SUBMIT', 'ATTACH_DOCUMENT', 'ATTACH_DOCUMENT', 'RECEIVE']);
    expect(events[1]!.payload).toMatchObject({
      documentId: 'd1',
      kind: 'component',
      component: 0,
      file: { sha256: sha(a), size: a.length, mediaType: 'application/pdf', name: 'Giấy đề nghị.pdf' },
    });
    // the third document is optional ("(nếu có)") and has no file: not brought, so not among those to digitise
    expect(events[3]!.payload).toMatchObject({
      digitisation: { required: 2, digitised: 2, reused: 0, missing: [], optionalAbsent: [2], reason: null },
    });
    const docs = await s.http.get(`/api/dossiers/${res.body.code}/documents`).set(auth(counter));
    expect(docs.body.map((d: { id: string; component: number }) => [d.id, d.component])).toEqual([
      ['d1', 0],
      ['d2', 1],
    ]);
  });

  test('rule: an attachment must name an uploaded file (400 naming the field), and nothing is received', async () => {
    const res = await s.http
      .post('/api/dossiers')
      .set(auth(counter))
      .send(body({ attachments: [{ component: 0, sha256: 'a'.repeat(64), name: 'x.pdf' }] }));
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0].field).toBe('attachments.0.sha256');
    const outOfRange = await s.http
      .post('/api/dossiers')
      .set(auth(counter))
      .send(body({ attachments: [{ component: 7, sha256: sha(PNG), name: 'x.png' }] }));
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.body.error.details.issues[0].field).toBe('component');
  });

  test('rule: a procedure that requires digitisation is received with a component missing only with a recorded reason', async () => {
    const admin = await s.login('admin');
    const base = (await s.http.get(`/api/procedures/${PROC}`).set(auth(counter))).body;
    const created = await s.http
      .post('/api/procedures')
      .set(auth(admin))
      .send({
        ...base,
        version: undefined,
        code: '9.000140',
        name: 'Thủ tục bắt buộc số hóa',
        digitisation: { components: true, result: true },
      });
    expect(created.status).toBe(201);
    const pdf = PDF('only one');
    await upload(pdf);
    const attachments = [{ component: 0, sha256: sha(pdf), name: 'don.pdf' }];
    const refused = await s.http
      .post('/api/dossiers')
      .set(auth(counter))
      .send(body({ procedureCode: '9.000140', attachments }));
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.issues[0]).toMatchObject({ field: 'digitisationNote', code: 'required' });
    const received = await s.http
      .post('/api/dossiers')
      .set(auth(counter))
      .send(body({ procedureCode: '9.000140', attachments, digitisationNote: 'Công dân chỉ mang bản giấy thành phần 2, 3' }));
    expect(received.status).toBe(201);
    const receive = (await s.engine.engine.history(received.body.code)).find((e) => e.type === 'RECEIVE')!;
    // the third document is optional ("(nếu có)"): without a file it is taken as not brought, not as missing
    expect(receive.payload).toMatchObject({
      digitisation: { required: 2, digitised: 1, missing: [1], optionalAbsent: [2], reason: 'Công dân chỉ mang bản giấy thành phần 2, 3' },
    });
    // with both mandatory documents scanned, the optional one not brought needs no reason
    const second = PDF('bien ban hop');
    await upload(second);
    const withoutOptional = await s.http
      .post('/api/dossiers')
      .set(auth(counter))
      .send(
        body({ procedureCode: '9.000140', attachments: [...attachments, { component: 1, sha256: sha(second), name: 'bien-ban.pdf' }] }),
      );
    expect(withoutOptional.status).toBe(201);
    const complete = (await s.engine.engine.history(withoutOptional.body.code)).find((e) => e.type === 'RECEIVE')!;
    expect(complete.payload).toMatchObject({ digitisation: { required: 2, digitised: 2, missing: [], optionalAbsent: [2], reason: null } });

    // … and its result is recorded only with the result document
    const code = received.body.code;
    await s.engine.engine.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    await s.engine.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
    await s.engine.engine.act(code, { type: 'COMPLETE_STEP' }, specialist);
    const leader = await s.login('leader_kinhte');
    const result = { type: 'RECORD_RESULT', documentNumber: '7/GCN', documentDate: '2026-03-03', signer: 'leader_kinhte' };
    const without = await send(code, leader, result);
    expect(without.status).toBe(400);
    expect(without.body.error.details.issues[0]).toMatchObject({ field: 'document', code: 'required' });
    const signed = PDF('signed result');
    await upload(signed, leader);
    const withDoc = await send(code, leader, {
      ...result,
      document: { sha256: sha(signed), name: 'GCN 7.pdf', form: 'electronic_original' },
    });
    expect(withDoc.status).toBe(200);
    expect(withDoc.body.state).toBe('result');
    const docs = (await s.http.get(`/api/dossiers/${code}/documents`).set(auth(leader))).body;
    expect(docs.at(-1)).toMatchObject({ kind: 'result', form: 'electronic_original', versions: [{ sha256: sha(signed) }] });

    // the applicant downloads the electronic result with the lookup's second factor, and only with it
    const wrong = await s.http.get(`/api/public/dossiers/${code}/result-document?verify=0000`);
    expect(wrong.status).toBe(404);
    const right = await s.http.get(`/api/public/dossiers/${code}/result-document?verify=5678`).buffer(true);
    expect(right.status).toBe(200);
    expect(Buffer.from(right.body).equals(signed)).toBe(true);
    expect(right.headers['x-content-type-options']).toBe('nosniff');
  });

  test('rule: replacing a document adds a version with its reason; the old version stays downloadable', async () => {
    const first = PDF('v1');
    const second = PDF('v2');
    await upload(first);
    await upload(second);
    const created = await s.http
      .post('/api/dossiers')
      .set(auth(counter))
      .send(body({ attachments: [{ component: 0, sha256: sha(first), name: 'don.pdf' }] }));
    const code = created.body.code;
    const noReason = await send(code, counter, { type: 'REPLACE_DOCUMENT', documentId: 'd1', sha256: sha(second), name: 'don-ky-lai.pdf' });
    expect(noReason.status).toBe(400);
    const replaced = await send(code, counter, {
      type: 'REPLACE_DOCUMENT',
      documentId: 'd1',
      sha256: sha(second),
      name: 'don-ky-lai.pdf',
      reason: 'Bản quét cũ bị mờ',
    });
    expect(replaced.status).toBe(200);
    const docs = (await s.http.get(`/api/dossiers/${code}/documents`).set(auth(counter))).body;
    expect(
      docs[0].versions.map((v: { version: number; sha256: string; reason: string | null }) => [v.version, v.sha256, v.reason]),
    ).toEqual([
      [1, sha(first), null],
      [2, sha(second), 'Bản quét cũ bị mờ'],
    ]);
    const current = await s.http.get(`/api/dossiers/${code}/documents/d1/file`).set(auth(counter)).buffer(true);
    expect(Buffer.from(current.body).equals(second)).toBe(true);
    const old = await s.http.get(`/api/dossiers/${code}/documents/d1/file?version=1`).set(auth(counter)).buffer(true);
    expect(Buffer.from(old.body).equals(first)).toBe(true);
  });

  test('a download is served with its detected type, nosniff, a safe Vietnamese file name, and is logged for auditors', async () => {
    const pdf = PDF('tai lieu');
    await upload(pdf);
    const name = 'Giấy "đề nghị"\\..\\/etc/passwd; x=1 Đỗ.pdf';
    const created = await s.http
      .post('/api/dossiers')
      .set(auth(counter))
      .send(body({ attachments: [{ component: 0, sha256: sha(pdf), name }] }));
    const code = created.body.code;
    const res = await s.http.get(`/api/dossiers/${code}/documents/d1/file`).set(auth(counter)).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const disposition = res.headers['content-disposition'] as string;
    expect(disposition).toMatch(/^inline; filename="[A-Za-z0-9._ ()-]+"; filename\*=UTF-8''[A-Za-z0-9!#$&+.^_`|~%-]+$/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1]!)).toBe(name.replace(/[\\/]/g, '_'));
    const views = await s.engine.db('record_views').where({ dossier_code: code, source: 'document:d1@current' });
    expect(views).toHaveLength(1);
    // a type that is not shown inline is an attachment
    const xml = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><HoSo/>');
    await upload(xml);
    expect((await send(code, counter, { type: 'ATTACH_DOCUMENT', component: 2, sha256: sha(xml), name: 'uy-quyen.xml' })).status).toBe(200);
    const x = await s.http.get(`/api/dossiers/${code}/documents/d2/file`).set(auth(counter));
    expect(x.headers['content-disposition']).toMatch(/^attachment;/);
    // the same access rule as the dossier: an office that never held it reads nothing
    const vhxh = await s.login('specialist_vhxh');
    expect((await s.http.get(`/api/dossiers/${code}/documents/d1/file`).set(auth(vhxh))).status).toBe(403);
  });

  test('rule: documents are attached only while the dossier is open (409 naming the allowed events once it is returned)', async () => {
    const pdf = PDF('late');
    await upload(pdf);
    const { code } = await s.engine.engine.submit(submission(PROC), ACTORS.counter);
    await s.engine.engine.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    await s.engine.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
    await s.engine.engine.act(code, { type: 'COMPLETE_STEP' }, specialist);
    await s.engine.engine.act(
      code,
      { type: 'RECORD_RESULT', documentNumber: '1/GCN', documentDate: '2026-03-03', signer: 'TP', digitised: true },
      { username: 'leader', unit: 'LANHDAO' },
    );
    await s.engine.engine.act(code, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter);
    // the centre's leadership may attach anywhere the chart allows: the refusal is the state's
    const res = await send(code, await s.login('leader'), { type: 'ATTACH_DOCUMENT', kind: 'working', sha256: sha(pdf), name: 'x.pdf' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'TRANSITION_NOT_ALLOWED', details: { state: 'returned' } });
  });

  test('reuse: a document of an earlier dossier of the same applicant is attached by reference, recording its source', async () => {
    const pdf = PDF('reusable');
    await upload(pdf);
    const applicant = { fullName: 'Phạm Thị Lan', idNumber: '079190000777', phone: '0987000777', address: 'Huế' };
    const earlier = await s.http
      .post('/api/dossiers')
      .set(auth(counter))
      .send(body({ applicant, attachments: [{ component: 0, sha256: sha(pdf), name: 'don.pdf' }] }));
    const later = await s.http
      .post('/api/dossiers')
      .set(auth(counter))
      .send(body({ applicant, channel: 'online' }));
    const offered = await s.http.get(`/api/dossiers/${later.body.code}/documents/reusable`).set(auth(counter));
    expect(offered.body).toEqual([
      expect.objectContaining({ source: { dossierCode: earlier.body.code, documentId: 'd1', version: 1 }, component: 0 }),
    ]);
    const reused = await send(later.body.code, counter, {
      type: 'REUSE_DOCUMENT',
      component: 0,
      source: { dossierCode: earlier.body.code, documentId: 'd1' },
    });
    expect(reused.status).toBe(200);
    const ev = (await s.engine.engine.history(later.body.code)).at(-1)!;
    expect(ev).toMatchObject({
      type: 'REUSE_DOCUMENT',
      payload: { component: 0, file: { sha256: sha(pdf) }, source: { dossierCode: earlier.body.code, documentId: 'd1', version: 1 } },
    });
    // received afterwards: the reuse counts in the receipt's digitisation
    const receive = await send(later.body.code, counter, { type: 'RECEIVE' });
    expect(receive.status).toBe(200);
    const rec = (await s.engine.engine.history(receive.body.code)).at(-1)!;
    expect(rec.payload).toMatchObject({ digitisation: { digitised: 1, reused: 1 } });
    // another applicant's dossier is no source
    const stranger = await s.http
      .post('/api/dossiers')
      .set(auth(counter))
      .send(body({ channel: 'online' }));
    const refused = await send(stranger.body.code, counter, {
      type: 'REUSE_DOCUMENT',
      component: 0,
      source: { dossierCode: earlier.body.code, documentId: 'd1' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.issues[0].field).toBe('source.dossierCode');
  });

  test('the local store keeps each file under its hash', () => {
    const store = s.engine.blobs as LocalBlobStore;
    expect(fs.existsSync(store.pathOf(sha(PNG)))).toBe(true);
  });
});
