/**
 * The digitisation and reuse rates (issue 14) come out of both metric paths alike: the SQL over the projection's
 * receipt_digitised / receipt_reused columns, and the events-only path replaying each RECEIVE's digitisation record.
 */
import { createHash } from 'node:crypto';
import { BACKENDS } from '../support/backends';
import { hanoi } from '../support/engine';
import { serverForSuite } from '../support/server';
import { complianceFromProjection } from '../../src/metrics/compliance-projection';
import { compareMetrics, complianceFromEvents } from '../../src/metrics/compliance-from-events';
import { complianceFromRollup } from '../../src/metrics/compliance-rollup';
import { compareDigitisation, digitisationOfReport } from '../../src/metrics/digitisation-report';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const PDF = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`);

describe.each(BACKENDS)('digitisation and reuse rates on $name', (backend) => {
  const s = serverForSuite(backend, { signIn: ['counter'] });

  const auth = () => ({ Authorization: `Bearer ${s.token('counter')}` });
  const applicant = (n: number) => ({
    fullName: `Người ${n}`,
    idNumber: `00109000${1000 + n}`,
    phone: `091234${1000 + n}`,
    address: 'Hà Nội',
  });
  async function upload(b: Buffer) {
    expect((await s.http.post('/api/uploads').set(auth()).send(b)).status).toBe(201);
  }
  const base = (n: number, extra: Record<string, unknown> = {}) => ({
    procedureCode: '1.001612', // 3 required documents
    channel: 'counter',
    applicant: applicant(n),
    documents: [{ name: 'Giấy đề nghị', copies: 1 }],
    ...extra,
  });

  test('all three components scanned, one reused, none: 2 of 4 digitised at receipt, 1 of 4 reused; both paths agree', async () => {
    const files = [PDF('c0'), PDF('c1'), PDF('c2')];
    for (const f of files) await upload(f);
    const all = files.map((f, i) => ({ component: i, sha256: sha(f), name: `tp${i}.pdf` }));
    // 1: everything scanned at the counter
    expect(
      (
        await s.http
          .post('/api/dossiers')
          .set(auth())
          .send(base(1, { attachments: all }))
      ).status,
    ).toBe(201);
    // 2: nothing scanned
    expect((await s.http.post('/api/dossiers').set(auth()).send(base(2))).status).toBe(201);
    // 3: the same applicant as 1 comes back online; two scans, one document reused from dossier 1, then received
    const first = (await s.engine
      .db('dossiers')
      .where({ applicant_id_number: applicant(1).idNumber })
      .first()) as { code: string };
    const online = await s.http
      .post('/api/dossiers')
      .set(auth())
      .send(base(1, { channel: 'online', attachments: all.slice(1) }));
    const code = online.body.code as string;
    const send = async (body: Record<string, unknown>) => {
      const version = (await s.engine.engine.get(code)).version;
      return s.http.post(`/api/dossiers/${code}/events`).set(auth()).set('If-Match', String(version)).send(body);
    };
    expect((await send({ type: 'REUSE_DOCUMENT', component: 0, source: { dossierCode: first.code, documentId: 'd1' } })).status).toBe(200);
    expect((await send({ type: 'RECEIVE' })).status).toBe(200);
    // 4: partly scanned
    expect(
      (
        await s.http
          .post('/api/dossiers')
          .set(auth())
          .send(base(4, { attachments: all.slice(0, 1) }))
      ).status,
    ).toBe(201);

    const now = hanoi('2026-03-31 17:00');
    const calendar = await s.engine.calendars.latest();
    const opts = { from: '2026-03-01', to: '2026-04-01', groupBy: 'centre' as const, now, calendar };
    const fast = await complianceFromProjection(s.engine.db, opts);
    const slow = await complianceFromEvents(s.engine.db, s.engine.calendars, opts);
    const figures = fast.groups[0]!.figures;
    expect(figures).toMatchObject({ received: 4, digitisedReceipts: 2, receiptDigitisedShare: 0.5, reusedReceipts: 1, reuseShare: 0.25 });
    expect(compareMetrics(fast, slow.report)).toEqual([]);

    // The same rates by procedure and by unit through GET /api/metrics/digitisation: the digitisation rollup the engine kept.
    const supervisor = { Authorization: `Bearer ${await s.login('supervisor')}` };
    for (const groupBy of ['centre', 'procedure', 'unit', 'month'] as const) {
      const r = await s.http.get('/api/metrics/digitisation').query({ from: '2026-03-01', to: '2026-04-01', groupBy }).set(supervisor);
      expect([groupBy, r.status, r.body.source]).toEqual([groupBy, 200, 'rollup']);
      expect(r.body.groups.map((g: { key: string }) => g.key)).toEqual([
        { centre: 'all', procedure: '1.001612', unit: 'KINHTE', month: '2026-03' }[groupBy],
      ]);
      expect(r.body.groups[0].figures).toMatchObject({
        received: 4,
        digitisedReceipts: 2,
        receiptDigitisedShare: 0.5,
        reusedReceipts: 1,
        reuseShare: 0.25,
      });
      const events = (await complianceFromEvents(s.engine.db, s.engine.calendars, { ...opts, groupBy })).report;
      expect(compareDigitisation(r.body, digitisationOfReport(events))).toEqual([]);
    }
    const bad = await s.http
      .get('/api/metrics/digitisation')
      .query({ from: '2026-03-01', to: '2026-04-01', groupBy: 'officer' })
      .set(supervisor);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('groupBy');
    expect((await s.http.get('/api/metrics/digitisation').query({ from: '2026-03-01', to: '2026-04-01' }).set(auth())).status).toBe(403);
  });

  /** the three metric paths (projection, rollup, events only: what metrics:verify compares) over one month of the centre */
  async function rates(from: string, to: string) {
    const calendar = await s.engine.calendars.latest();
    const opts = { from, to, groupBy: 'centre' as const, now: hanoi('2026-03-31 17:00'), calendar };
    const fast = await complianceFromProjection(s.engine.db, opts);
    const slow = await complianceFromEvents(s.engine.db, s.engine.calendars, opts);
    expect(compareMetrics(fast, slow.report)).toEqual([]);
    expect(compareMetrics(await complianceFromRollup(s.engine.db, opts), slow.report)).toEqual([]);
    return fast.groups[0]!.figures;
  }

  test('rule: an optional document ("(nếu có)") without a file is not brought: it does not count against the digitisation rate', async () => {
    const before = await rates('2026-03-01', '2026-04-01');
    const files = [PDF('may c0'), PDF('may c1')];
    for (const f of files) await upload(f);
    const scans = files.map((f, i) => ({ component: i, sha256: sha(f), name: `tp${i}.pdf` }));
    // 1.001612's third document is optional: both mandatory ones scanned is a digitised receipt
    expect(
      (
        await s.http
          .post('/api/dossiers')
          .set(auth())
          .send(base(11, { attachments: scans }))
      ).status,
    ).toBe(201);
    // a mandatory one missing is not
    expect(
      (
        await s.http
          .post('/api/dossiers')
          .set(auth())
          .send(base(12, { attachments: scans.slice(0, 1) }))
      ).status,
    ).toBe(201);
    const after = await rates('2026-03-01', '2026-04-01');
    expect([after.received - before.received, after.digitisedReceipts - before.digitisedReceipts]).toEqual([2, 1]);
  });

  test('rule: a dossier is digitised when every paper it has is: an optional paper brought but not scanned keeps it from counting', async () => {
    const before = await rates('2026-03-01', '2026-04-01');
    const files = [PDF('brought c0'), PDF('brought c1')];
    for (const f of files) await upload(f);
    const scans = files.map((f, i) => ({ component: i, sha256: sha(f), name: `tp${i}.pdf` }));
    // 1.001612's third document, the power of attorney "(nếu có)", is on the paper list: the applicant brought it
    const papers = [
      { name: 'Giấy đề nghị đăng ký hộ kinh doanh', copies: 1 },
      { name: 'Văn bản ủy quyền của thành viên hộ gia đình cho một thành viên làm chủ hộ kinh doanh (nếu có)', copies: 1 },
    ];
    const atCounter = await s.http
      .post('/api/dossiers')
      .set(auth())
      .send(base(31, { documents: papers, attachments: scans }));
    expect(atCounter.status).toBe(201);
    const receiveOf = async (code: string) => (await s.engine.engine.history(code)).find((e) => e.type === 'RECEIVE')!.payload;
    expect(await receiveOf(atCounter.body.code)).toMatchObject({ digitisation: { required: 3, digitised: 2, missing: [2] } });
    expect((await receiveOf(atCounter.body.code)).digitisation).not.toHaveProperty('optionalAbsent');
    // the same when a clerk receives an online submission later: the paper list is read from its SUBMIT
    const online = await s.http
      .post('/api/dossiers')
      .set(auth())
      .send(base(32, { channel: 'online', documents: papers, attachments: scans }));
    const code = online.body.code as string;
    const version = (await s.engine.engine.get(code)).version;
    expect(
      (await s.http.post(`/api/dossiers/${code}/events`).set(auth()).set('If-Match', String(version)).send({ type: 'RECEIVE' })).status,
    ).toBe(200);
    expect(await receiveOf(code)).toMatchObject({ digitisation: { required: 3, digitised: 2, missing: [2] } });
    // scanned too, the brought paper makes the dossier digitised
    await upload(PDF('brought c2'));
    const all = [...scans, { component: 2, sha256: sha(PDF('brought c2')), name: 'uy-quyen.pdf' }];
    expect(
      (
        await s.http
          .post('/api/dossiers')
          .set(auth())
          .send(base(33, { documents: papers, attachments: all }))
      ).status,
    ).toBe(201);
    const after = await rates('2026-03-01', '2026-04-01');
    expect([after.received - before.received, after.digitisedReceipts - before.digitisedReceipts]).toEqual([3, 1]);
  });

  test('rule: a document shown, not kept (xuất trình) needs no scan and no reason and is not counted; RECEIVE records it', async () => {
    const before = await rates('2026-03-01', '2026-04-01');
    const files = [PDF('shown c0'), PDF('shown c1')];
    for (const f of files) await upload(f);
    // birth registration: the declaration and the birth certificate scanned; the ID card (2, flagged showOnly) only
    // shown to the clerk and handed back
    const res = await s.http
      .post('/api/dossiers')
      .set(auth())
      .send(
        base(21, {
          procedureCode: '1.001193',
          attachments: files.map((f, i) => ({ component: i, sha256: sha(f), name: `tp${i}.pdf` })),
          shownComponents: [2],
        }),
      );
    expect(res.status).toBe(201);
    const receive = (await s.engine.engine.history(res.body.code)).find((e) => e.type === 'RECEIVE')!;
    expect(receive.payload).toMatchObject({ digitisation: { required: 2, digitised: 2, missing: [], shown: [2], reason: null } });
    // a kept paper (1.001612's household meeting minutes) cannot be shown to escape the count: 400, nothing received
    const wrong = await s.http
      .post('/api/dossiers')
      .set(auth())
      .send(base(22, { shownComponents: [1] }));
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.issues[0]).toMatchObject({ field: 'shownComponents.0', code: 'not_show_only' });
    const after = await rates('2026-03-01', '2026-04-01');
    expect([after.received - before.received, after.digitisedReceipts - before.digitisedReceipts]).toEqual([1, 1]);
  });
});
