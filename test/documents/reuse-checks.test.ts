/**
 * Reuse checks (issue 14, "once only"): a digitised document of an earlier dossier is reused only as a required
 * document of the same kind (the catalogue's `kind` code, else the name) and only while it is still valid (the
 * required document's `validMonths` from when it was attached); otherwise 400 with the issue's code, and nothing
 * changes. The offer says which components each earlier document may fill now.
 */
import { createHash } from 'node:crypto';
import { BACKENDS } from '../support/backends';
import { startServer, type TestServer } from '../support/server';

const PDF = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const doc = (name: string, kind: string, validMonths?: number) => ({ name, kind, copies: 1, original: false, validMonths });

describe.each(BACKENDS)('reuse checks on $name', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(backend, '2026-03-03 09:00');
  });
  afterAll(async () => s.close());

  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
  const fresh = async (username: string) =>
    (await s.http.post('/api/auth/login').send({ username, password: 'demo' })).body.token as string;
  const send = async (code: string, token: string, event: Record<string, unknown>) => {
    const version = (await s.engine.engine.get(code)).version;
    return s.http.post(`/api/dossiers/${code}/events`).set(auth(token)).set('If-Match', String(version)).send(event);
  };

  test('rule: a reused document must be of the component’s kind and still valid, else 400 kind_mismatch / expired', async () => {
    const admin = await fresh('admin');
    let counter = await fresh('counter');
    const base = (await s.http.get('/api/procedures/1.001612').set(auth(counter))).body;
    const define = async (code: string, requiredDocuments: unknown[]) => {
      const res = await s.http
        .post('/api/procedures')
        .set(auth(admin))
        .send({ ...base, version: undefined, code, name: `Thủ tục ${code}`, requiredDocuments });
      expect(res.status).toBe(201);
    };
    await define('9.000141', [doc('Giấy khám sức khỏe', 'giay-kham-suc-khoe', 6), doc('Bản sao Căn cước công dân', 'cccd')]);
    await define('9.000142', [doc('Bản sao thẻ Căn cước', 'cccd'), doc('Giấy chứng nhận đủ sức khỏe', 'giay-kham-suc-khoe')]);

    const health = PDF('giay kham suc khoe');
    const idCard = PDF('can cuoc');
    for (const f of [health, idCard]) expect((await s.http.post('/api/uploads').set(auth(counter)).send(f)).status).toBe(201);
    const applicant = { fullName: 'Trịnh Văn Sơn', idNumber: '038090001234', phone: '0915000111', address: 'Thanh Hóa' };
    const earlier = await s.http
      .post('/api/dossiers')
      .set(auth(counter))
      .send({
        procedureCode: '9.000141',
        channel: 'counter',
        applicant,
        documents: [{ name: 'Giấy khám sức khỏe', copies: 1 }],
        attachments: [
          { component: 0, sha256: sha(health), name: 'kham.pdf' },
          { component: 1, sha256: sha(idCard), name: 'cccd.pdf' },
        ],
      });
    expect(earlier.status).toBe(201);
    const later = await s.http
      .post('/api/dossiers')
      .set(auth(counter))
      .send({ procedureCode: '9.000142', channel: 'online', applicant, documents: [{ name: 'Bản sao thẻ Căn cước', copies: 1 }] });
    expect(later.status).toBe(201);
    const target = later.body.code as string;

    // the offer: each earlier document, with the components it may fill (same kind) and its expiry
    const offer = await s.http.get(`/api/dossiers/${target}/documents/reusable`).set(auth(counter));
    expect(
      offer.body.map((o: { source: { documentId: string }; reusableAs: number[]; expiresAt: string | null }) => [
        o.source.documentId,
        o.reusableAs,
        o.expiresAt,
      ]),
    ).toEqual([
      ['d1', [1], '2026-09-03T02:00:00.000Z'],
      ['d2', [0], null],
    ]);

    const version = (await s.engine.engine.get(target)).version;
    const wrongKind = await send(target, counter, {
      type: 'REUSE_DOCUMENT',
      component: 1,
      source: { dossierCode: earlier.body.code, documentId: 'd2' },
    });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.error.details.issues).toEqual([expect.objectContaining({ field: 'component', code: 'kind_mismatch' })]);
    expect((await s.engine.engine.get(target)).version).toBe(version);
    const right = await send(target, counter, {
      type: 'REUSE_DOCUMENT',
      component: 0,
      source: { dossierCode: earlier.body.code, documentId: 'd2' },
    });
    expect(right.status).toBe(200);

    // seven months later the health certificate (valid six) is no longer offered nor accepted; the ID card still is
    s.engine.clock.set('2026-10-05T02:00:00.000Z');
    counter = await fresh('counter');
    const stale = await send(target, counter, {
      type: 'REUSE_DOCUMENT',
      component: 1,
      source: { dossierCode: earlier.body.code, documentId: 'd1' },
    });
    expect(stale.status).toBe(400);
    expect(stale.body.error.details.issues).toEqual([expect.objectContaining({ field: 'source.documentId', code: 'expired' })]);
    const later2 = await s.http.get(`/api/dossiers/${target}/documents/reusable`).set(auth(counter));
    expect(later2.body.map((o: { reusableAs: number[] }) => o.reusableAs)).toEqual([[], [0]]);
  });
});
