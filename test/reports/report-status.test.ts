/**
 * What the supervisor's dashboard asks of the reports: which past weeks are signed off (by whom and
 * when), and whether last month's report to the Department of Home Affairs has gone out — due by the
 * 3rd of the next month, delivered once a supervisor or leader downloads it or marks it sent.
 */
import { BACKENDS } from '../support/backends';
import { startServer, type TestServer } from '../support/server';

describe.each(BACKENDS)('report status on $name', (backend) => {
  let s: TestServer;
  /** a fresh session (the test moves the clock by days: cached tokens would have expired) */
  async function as(user: string): Promise<string> {
    const res = await s.http.post('/api/auth/login').send({ username: user, password: 'demo' });
    expect(res.status).toBe(200);
    return `Bearer ${res.body.token}`;
  }

  beforeAll(async () => {
    s = await startServer(backend, '2026-03-18 09:00'); // Wednesday of 2026-W12
  });
  afterAll(async () => s.close());

  test('the sign-offs of a range of weeks: who signed, when, how many notes; the current week has not ended', async () => {
    const supervisor = await as('supervisor');
    const signed = await s.http
      .post('/api/reports/weekly-late-review/sign-off')
      .set('Authorization', supervisor)
      .send({ week: '2026-W10', summary: 'Đã rà soát' });
    expect(signed.status).toBe(201);
    const res = await s.http.get('/api/reports/weekly-late-review/sign-offs?from=2026-W09&to=2026-W12').set('Authorization', supervisor);
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('centre');
    expect(res.body.weeks.map((w: { week: string }) => w.week)).toEqual(['2026-W09', '2026-W10', '2026-W11', '2026-W12']);
    const byWeek = Object.fromEntries(res.body.weeks.map((w: { week: string }) => [w.week, w]));
    expect(byWeek['2026-W10']).toMatchObject({
      signedOff: true,
      signedOffBy: 'supervisor',
      signedOffAt: signed.body.occurredAt,
      ended: true,
      notes: 0,
    });
    expect(byWeek['2026-W10'].signedOffByName).not.toBe('supervisor');
    expect(byWeek['2026-W10'].signedOffByName).toBe('Phạm Thu Hà (Phó Giám đốc Trung tâm Phục vụ hành chính công)');
    expect(byWeek['2026-W11']).toMatchObject({ signedOff: false, signedOffBy: null, signedOffByName: null, ended: true });
    expect(byWeek['2026-W12']).toMatchObject({ signedOff: false, ended: false });
    // a unit's review is its own chain: the centre's sign-off does not sign KINHTE's week
    const unit = await s.http
      .get('/api/reports/weekly-late-review/sign-offs?from=2026-W10&to=2026-W10&unit=KINHTE')
      .set('Authorization', supervisor);
    expect(unit.body.weeks[0]).toMatchObject({ week: '2026-W10', signedOff: false });
  });

  test('a range backwards, too long, or of malformed weeks is a 400 naming the field', async () => {
    const supervisor = await as('supervisor');
    const cases: [string, string][] = [
      ['from=2026-W12&to=2026-W10', 'to'],
      ['from=2024-W01&to=2026-W10', 'to'],
      ['from=2026-W60&to=2026-W10', 'from'],
      ['to=2026-W10', 'from'],
    ];
    for (const [query, field] of cases) {
      const res = await s.http.get(`/api/reports/weekly-late-review/sign-offs?${query}`).set('Authorization', supervisor);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.error.details.issues.map((i: { field: string }) => i.field)).toContain(field);
    }
  });

  test("last month's report is due by the 3rd; an auditor's download does not deliver it, the supervisor's does", async () => {
    s.engine.at('2026-04-02 09:00');
    let supervisor = await as('supervisor');
    const status = () => s.http.get('/api/reports/monthly/status').set('Authorization', supervisor);
    let res = await status();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      month: '2026-03',
      dueBy: '2026-04-03',
      ended: true,
      delivered: false,
      overdue: false,
      downloadedAt: null,
      sentAt: null,
    });
    s.engine.at('2026-04-04 08:00');
    supervisor = await as('supervisor');
    expect((await status()).body).toMatchObject({ month: '2026-03', delivered: false, overdue: true });

    const auditorDownload = await s.http
      .get('/api/reports/monthly?month=2026-03&format=xlsx&download=1')
      .set('Authorization', await as('auditor'));
    expect(auditorDownload.status).toBe(200);
    expect((await status()).body).toMatchObject({ delivered: false, downloadedAt: null });

    const download = await s.http.get('/api/reports/monthly?month=2026-03&format=html&download=1').set('Authorization', supervisor);
    expect(download.status).toBe(200);
    expect(download.headers['content-disposition']).toBe('attachment; filename="bao-cao-thang-2026-03.html"');
    res = await status();
    expect(res.body).toMatchObject({ month: '2026-03', delivered: true, overdue: false, downloadedBy: 'supervisor', sentAt: null });
    expect(res.body.downloadedByName).toBe('Phạm Thu Hà (Phó Giám đốc Trung tâm Phục vụ hành chính công)');
    // viewing (no download flag) records nothing
    await s.http.get('/api/reports/monthly?month=2026-02').set('Authorization', supervisor);
    expect((await s.http.get('/api/reports/monthly/status?month=2026-02').set('Authorization', supervisor)).body).toMatchObject({
      delivered: false,
    });
  });

  test('a month is marked sent once, after it has ended; the auditor may not mark it', async () => {
    s.engine.at('2026-04-05 10:00');
    const supervisor = await as('supervisor');
    const early = await s.http.post('/api/reports/monthly/sent').set('Authorization', supervisor).send({ month: '2026-04' });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('TRANSITION_NOT_ALLOWED');
    expect(
      (
        await s.http
          .post('/api/reports/monthly/sent')
          .set('Authorization', await as('auditor'))
          .send({ month: '2026-02' })
      ).status,
    ).toBe(403);
    const bad = await s.http.post('/api/reports/monthly/sent').set('Authorization', supervisor).send({ month: '2026-2', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(expect.arrayContaining(['month', 'extra']));

    const sent = await s.http
      .post('/api/reports/monthly/sent')
      .set('Authorization', supervisor)
      .send({ month: '2026-02', note: 'Công văn số 15/TTPVHCC' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({
      month: '2026-02',
      delivered: true,
      sentBy: 'supervisor',
      sentAt: '2026-04-05T03:00:00.000Z',
      sentNote: 'Công văn số 15/TTPVHCC',
    });
    const again = await s.http
      .post('/api/reports/monthly/sent')
      .set('Authorization', await as('leader'))
      .send({ month: '2026-02' });
    expect(again.status).toBe(409);
    expect((await s.engine.db('report_deliveries').where({ month: '2026-02', kind: 'sent' })).length).toBe(1);
  });
});
