/**
 * The applicant's e-mail channel end to end on the outbox: a dossier received with e-mail consent is told by a
 * real SMTP server's message, in Vietnamese, with the appointment, the dossier code and the lookup link, never
 * the ID number; the message log keeps what was sent to a masked address; SMTP refusals are classified.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, startEngine, submission, type StartedEngine } from '../support/engine';
import { startSmtp, type TestSmtp } from '../support/smtp';
import { OutboxDispatcher } from '../../src/outbox/dispatcher';
import { listDeliveries, upsertSubscriber } from '../../src/store/outbox-store';
import { findDossierByCode } from '../../src/store/dossier-store';
import { listMessages } from '../../src/store/notify-store';
import { ApplicantChannel, NOTICE_EVENT_TYPES } from '../../src/notify/applicant-channel';
import type { Submission } from '../../machines/engine/commands';

const PROC = '1.001612';
const BASE = 'https://motcua.example.gov.vn';

describe.each(BACKENDS)('the applicant e-mail channel on $label', (backend) => {
  let t: StartedEngine;
  let smtp: TestSmtp;
  let dispatcher: OutboxDispatcher;

  beforeAll(async () => {
    t = await startEngine(backend, '2026-03-03 09:00');
    smtp = await startSmtp();
    await upsertSubscriber(t.db, {
      id: 'applicant-email',
      kind: 'email',
      name: 'Thư điện tử',
      config: { host: '127.0.0.1', port: smtp.port, secure: false, from: 'UBND xã Tân Phú <motcua@tanphu.example.gov.vn>' },
      active: true,
      eventTypes: [...NOTICE_EVENT_TYPES],
      createdAt: t.clock.now().toISOString(),
      createdBy: 'admin',
    });
    dispatcher = new OutboxDispatcher(t, { baseDelayMs: 1, maxDelayMs: 1, random: () => 0 }).register(
      new ApplicantChannel('email', { db: t.db, clock: t.clock, procedures: t.procedures, publicBaseUrl: BASE }),
    );
  });
  afterAll(async () => {
    await smtp.close();
    await t.drop();
  });

  const withEmail = (email: string, consent = true): Submission => {
    const s = submission(PROC);
    return { ...s, applicant: { ...s.applicant, email }, notification: { channel: 'email', consent } };
  };

  test('a dossier received with e-mail consent: the SMTP server receives the Vietnamese receipt with the appointment', async () => {
    const sub = withEmail('hoa.nguyen@example.vn');
    const d = await t.engine.submit(sub, ACTORS.counter);
    await dispatcher.drain();
    await smtp.waitFor(1);
    const { to, mail } = smtp.messages.at(-1)!;
    expect(to).toEqual(['hoa.nguyen@example.vn']);
    expect(mail.subject).toBe(`[Bộ phận Một cửa] Đã tiếp nhận hồ sơ ${d.code}`);
    expect(mail.text).toContain(`Kính gửi Ông/Bà ${sub.applicant.fullName}`);
    expect(mail.text).toContain(`đã tiếp nhận hồ sơ ${d.code}`);
    expect(mail.text).toMatch(/Thời gian hẹn trả kết quả: \d\d:\d\d ngày \d\d\/\d\d\/2026/);
    expect(mail.text).toContain(`${BASE}/tra-cuu?ma=${encodeURIComponent(d.code)}`);
    expect(mail.text).not.toContain(sub.applicant.idNumber);
    expect(mail.text).not.toContain(sub.applicant.phone);

    const log = await listMessages(t.db, { dossierCode: d.code, limit: 10 });
    expect(log).toEqual([
      expect.objectContaining({ kind: 'receipt', channel: 'email', status: 'sent', addressMasked: 'h•••@example.vn', templateVersion: 1 }),
    ]);
    expect(log[0]!.body).toBe(mail.text?.trimEnd());
  });

  test('the supplement request lists every document to bring, in one message', async () => {
    const d = await t.engine.submit(withEmail('lan@example.vn'), ACTORS.counter);
    await t.engine.act(d.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    await t.engine.act(
      d.code,
      { type: 'REQUEST_SUPPLEMENT', missing: ['Tờ khai có chữ ký', 'Bản sao CCCD'], reason: 'Thiếu' },
      ACTORS.specialist,
    );
    for (let i = 0; i < 3; i++) await dispatcher.drain();
    const mine = smtp.messages.filter((m) => m.to[0] === 'lan@example.vn');
    expect(mine.map((m) => m.mail.subject)).toEqual([
      `[Bộ phận Một cửa] Đã tiếp nhận hồ sơ ${d.code}`,
      `[Bộ phận Một cửa] Yêu cầu bổ sung hồ sơ ${d.code}`,
    ]);
    expect(mine[1]!.mail.text).toContain('1. Tờ khai có chữ ký\n2. Bản sao CCCD');
  });

  test('no message without consent for this channel: an applicant who chose none, or SMS, gets no e-mail', async () => {
    const before = smtp.messages.length;
    const none = submission(PROC);
    const d1 = await t.engine.submit({ ...none, notification: { channel: 'none', consent: false } }, ACTORS.counter);
    const d2 = await t.engine.submit({ ...withEmail('x@example.vn'), notification: { channel: 'sms', consent: true } }, ACTORS.counter);
    const d3 = await t.engine.submit(submission(PROC), ACTORS.counter);
    await dispatcher.drain();
    expect(smtp.messages.length).toBe(before);
    for (const code of [d1.code, d2.code, d3.code]) expect(await listMessages(t.db, { dossierCode: code, limit: 5 })).toEqual([]);
  });

  test('a retried delivery does not send the message twice', async () => {
    const d = await t.engine.submit(withEmail('an@example.vn'), ACTORS.counter);
    await dispatcher.drain();
    const row = (await findDossierByCode(t.db, d.code))!;
    const [delivery] = await listDeliveries(t.db, { subscriberId: 'applicant-email', dossierId: row.id, limit: 10 });
    expect(delivery!.state).toBe('sent');
    const count = smtp.messages.filter((m) => m.to[0] === 'an@example.vn').length;
    // the same delivery again (a crash after sending, before recording): the log shows it sent, nothing goes out
    const channel = new ApplicantChannel('email', { db: t.db, clock: t.clock, procedures: t.procedures, publicBaseUrl: BASE });
    const events = await t.db('dossier_events').where({ dossier_id: row.id }).orderBy('seq');
    const result = await channel.deliver(
      {
        id: `applicant-email:${row.id}:2`,
        rowId: delivery!.id,
        attempt: 2,
        subscriber: {
          id: 'applicant-email',
          kind: 'email',
          name: 'x',
          config: { host: '127.0.0.1', port: smtp.port, from: 'a <a@b.vn>' },
          active: true,
          eventTypes: ['*'],
          createdAt: '',
          createdBy: '',
        },
        event: { ...events[1], payload: events[1].payload },
        dossier: row,
        eventId: `${row.id}:2`,
      } as never,
      new AbortController().signal,
    );
    expect(result).toEqual({ outcome: 'delivered', providerAnswer: 'already sent' });
    expect(smtp.messages.filter((m) => m.to[0] === 'an@example.vn').length).toBe(count);
  });

  test('an address the SMTP server refuses for good (550) is dead-lettered at once; 451 is retried', async () => {
    smtp.refuse.set('gone@example.vn', 550);
    smtp.refuse.set('busy@example.vn', 451);
    const gone = await t.engine.submit(withEmail('gone@example.vn'), ACTORS.counter);
    const busy = await t.engine.submit(withEmail('busy@example.vn'), ACTORS.counter);
    await dispatcher.drain();
    const state = async (code: string) => {
      const row = (await findDossierByCode(t.db, code))!;
      return (await listDeliveries(t.db, { subscriberId: 'applicant-email', dossierId: row.id, limit: 10 }))[0]!;
    };
    expect((await state(gone.code)).state).toBe('dead');
    expect(await state(busy.code)).toMatchObject({ state: 'pending', attempts: 1 });
    expect((await listMessages(t.db, { dossierCode: gone.code, limit: 5 }))[0]).toMatchObject({ status: 'rejected' });
    expect((await listMessages(t.db, { dossierCode: busy.code, limit: 5 }))[0]).toMatchObject({ status: 'failed' });
    // the server accepts it later: the retry delivers it
    smtp.refuse.delete('busy@example.vn');
    t.clock.advance(1_000);
    await dispatcher.drain();
    expect((await state(busy.code)).state).toBe('sent');
    expect(smtp.messages.some((m) => m.to[0] === 'busy@example.vn')).toBe(true);
  });
});
