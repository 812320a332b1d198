/**
 * The administrator configures the e-mail channel through the API, sends a test message, and the whole path
 * works end to end: a dossier received at the counter with e-mail consent (HTTP) → the outbox → the real SMTP
 * server receives the Vietnamese receipt; the message log lists it with the address masked.
 */
import { BACKENDS } from '../support/backends';
import { serverForSuite } from '../support/server';
import { startSmtp, type TestSmtp } from '../support/smtp';
import { OutboxDispatcher } from '../../src/outbox/dispatcher';
import { ApplicantChannel } from '../../src/notify/applicant-channel';

describe.each(BACKENDS)('notification administration on $name', (backend) => {
  const s = serverForSuite(backend, { env: { PUBLIC_BASE_URL: 'https://motcua.tanphu.example.gov.vn' }, signIn: ['admin'] });
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(async () => smtp.close());
  const emailConfig = () => ({
    host: '127.0.0.1',
    port: smtp.port,
    user: 'motcua',
    password: 's3cret-pass',
    from: 'UBND xã Tân Phú <motcua@tanphu.example.gov.vn>',
  });

  test('the e-mail channel is configured through the API; its password is never answered, and kept when left out', async () => {
    const put = await s.as('admin').put('/api/admin/notifications/channels/email').send({ active: true, config: emailConfig() });
    expect(put.status).toBe(200);
    const email = put.body.channels.find((c: { kind: string }) => c.kind === 'email');
    expect(email).toMatchObject({ configured: true, active: true, config: { host: '127.0.0.1', password: '••••' } });
    expect(JSON.stringify(put.body)).not.toContain('s3cret-pass');
    const { password: _p, ...withoutPassword } = emailConfig();
    expect(
      (await s.as('admin').put('/api/admin/notifications/channels/email').send({ active: true, config: withoutPassword })).status,
    ).toBe(200);
    const row = await s.engine.db('outbox_subscribers').where({ id: 'applicant-email' }).first();
    expect(JSON.parse(row.config).password).toBe('s3cret-pass');
  });

  test('bad settings are a 400 naming the field, and change nothing', async () => {
    const before = await s.engine.db('outbox_subscribers').where({ id: 'applicant-email' }).first();
    const bad = await s
      .as('admin')
      .put('/api/admin/notifications/channels/email')
      .send({ active: true, config: { ...emailConfig(), host: '', port: 70000 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { field: string }) => i.field).sort()).toEqual(['config.host', 'config.port']);
    expect(await s.engine.db('outbox_subscribers').where({ id: 'applicant-email' }).first()).toEqual(before);
    const kind = await s.as('admin').put('/api/admin/notifications/channels/fax').send({ active: true, config: {} });
    expect(kind.status).toBe(400);
    expect(kind.body.error.details.issues[0].field).toBe('kind');
    const settings = await s.as('admin').put('/api/admin/notifications/settings').send({ smsMaxSegments: 0, retentionDays: 'x' });
    expect(settings.status).toBe(400);
    expect(settings.body.error.details.issues.map((i: { field: string }) => i.field).sort()).toEqual(['retentionDays', 'smsMaxSegments']);
  });

  test('a test message reaches the SMTP server and is logged with the address masked', async () => {
    await s.as('admin').put('/api/admin/notifications/settings').send({ senderName: 'UBND xã Tân Phú', retentionDays: 90 });
    const res = await s.as('admin').post('/api/admin/notifications/test').send({ channel: 'email', to: 'kiemtra@example.vn' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ sent: true, error: null });
    const got = smtp.messages.at(-1)!;
    expect(got.to).toEqual(['kiemtra@example.vn']);
    expect(got.mail.subject).toBe('[UBND xã Tân Phú] Thư thử');
    const log = await s.as('admin').get('/api/admin/notifications/messages?channel=email&limit=5');
    expect(log.body.items[0]).toMatchObject({ kind: 'test', addressMasked: 'k•••@example.vn', status: 'sent', actor: 'admin' });
    expect(JSON.stringify(log.body)).not.toContain('kiemtra@');
  });

  test('end to end: a dossier received at the counter with e-mail consent → the SMTP server receives the Vietnamese receipt', async () => {
    await s.login('counter');
    const res = await s
      .as('counter')
      .post('/api/dossiers')
      .send({
        procedureCode: '1.001612',
        channel: 'counter',
        applicant: {
          fullName: 'Trần Thị Mai',
          idNumber: '001190099999',
          phone: '0912000111',
          address: 'Tân Phú',
          email: 'mai.tran@example.vn',
        },
        documents: [{ name: 'Giấy đề nghị', copies: 1 }],
        notification: { channel: 'email', consent: true },
      });
    expect(res.status).toBe(201);
    const dispatcher = new OutboxDispatcher(s.engine).register(
      new ApplicantChannel('email', {
        db: s.engine.db,
        clock: s.engine.clock,
        procedures: s.engine.procedures,
        publicBaseUrl: 'https://motcua.tanphu.example.gov.vn',
      }),
    );
    await dispatcher.drain();
    const got = smtp.messages.find((m) => m.to[0] === 'mai.tran@example.vn')!;
    expect(got.mail.subject).toBe(`[UBND xã Tân Phú] Đã tiếp nhận hồ sơ ${res.body.code}`);
    expect(got.mail.text).toContain('Kính gửi Ông/Bà Trần Thị Mai');
    expect(got.mail.text).toContain('Thời gian hẹn trả kết quả: 17:00 ngày 06/03/2026');
    expect(got.mail.text).toContain(`https://motcua.tanphu.example.gov.vn/tra-cuu?ma=${encodeURIComponent(res.body.code)}`);
    expect(got.mail.text).not.toContain('001190099999');
    const log = await s.as('admin').get(`/api/admin/notifications/messages?dossierCode=${encodeURIComponent(res.body.code)}`);
    expect(log.body.items).toEqual([
      expect.objectContaining({ kind: 'receipt', channel: 'email', status: 'sent', addressMasked: 'm•••@example.vn' }),
    ]);
  });

  test('only an administrator reaches the notification settings', async () => {
    for (const who of ['counter', 'supervisor', 'auditor']) {
      await s.login(who);
      expect((await s.as(who).get('/api/admin/notifications')).status).toBe(403);
    }
  });
});
