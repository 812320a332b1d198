/**
 * The SMS and Zalo ZNS channels against local servers that enforce each provider's contract exactly
 * (test/support/provider-servers.ts): what the applicant who chose the channel receives, how the provider's
 * refusals are classified (retried or dead-lettered), and that no request ever broke the contract.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, startEngine, submission, type StartedEngine } from '../support/engine';
import { startSmsGateway, startZalo, type ProviderServer } from '../support/provider-servers';
import { OutboxDispatcher } from '../../src/outbox/dispatcher';
import { listDeliveries, upsertSubscriber } from '../../src/store/outbox-store';
import { findDossierByCode } from '../../src/store/dossier-store';
import { listMessages, writeNotifySettings } from '../../src/store/notify-store';
import { ApplicantChannel, NOTICE_EVENT_TYPES } from '../../src/notify/applicant-channel';
import type { DeliveryChannel } from '../../machines/notify/channels';
import { splitSms } from '../../machines/notify/sms';

const PROC = '1.001612';
const BASE = 'https://motcua.example.gov.vn';
const TEMPLATES = {
  '240001': ['ma_ho_so', 'ten_thu_tuc', 'ngay_hen', 'tra_cuu'],
  '240002': ['ma_ho_so', 'giay_to', 'tra_cuu'],
};

describe.each(BACKENDS)('the SMS and Zalo channels on $label', (backend) => {
  let t: StartedEngine;
  let sms: ProviderServer;
  let zalo: ProviderServer;
  let dispatcher: OutboxDispatcher;

  async function subscribe(kind: DeliveryChannel, config: Record<string, unknown>) {
    await upsertSubscriber(t.db, {
      id: `applicant-${kind}`,
      kind,
      name: kind,
      config,
      active: true,
      eventTypes: [...NOTICE_EVENT_TYPES],
      createdAt: t.clock.now().toISOString(),
      createdBy: 'admin',
    });
  }

  beforeAll(async () => {
    t = await startEngine(backend, '2026-03-03 09:00');
    sms = await startSmsGateway('gw-key-1');
    zalo = await startZalo('oa-token-1', TEMPLATES);
    await subscribe('sms', { url: sms.url, apiKey: 'gw-key-1', sender: 'UBND TANPHU' });
    await subscribe('zalo', { url: zalo.url, accessToken: 'oa-token-1', templates: { receipt: '240001', supplement_request: '240002' } });
    const deps = { db: t.db, clock: t.clock, procedures: t.procedures, publicBaseUrl: BASE };
    dispatcher = new OutboxDispatcher(t, { baseDelayMs: 1, maxDelayMs: 1, random: () => 0 })
      .register(new ApplicantChannel('sms', deps))
      .register(new ApplicantChannel('zalo', deps));
  });
  afterAll(async () => {
    await sms.close();
    await zalo.close();
    await t.drop();
  });

  const receive = (channel: 'sms' | 'zalo', phone = '0912345678') => {
    const s = submission(PROC);
    return t.engine.submit({ ...s, applicant: { ...s.applicant, phone }, notification: { channel, consent: true } }, ACTORS.counter);
  };
  const delivery = async (kind: string, code: string) => {
    const row = (await findDossierByCode(t.db, code))!;
    return (await listDeliveries(t.db, { subscriberId: `applicant-${kind}`, dossierId: row.id, limit: 10 }))[0]!;
  };

  test('SMS: the gateway receives the receipt in Vietnamese (UCS-2), to 84…, with its segment count and a stable key', async () => {
    const d = await receive('sms');
    await dispatcher.drain();
    const got = sms.accepted.at(-1)!;
    expect(got.body).toMatchObject({ to: '84912345678', sender: 'UBND TANPHU', encoding: 'ucs2' });
    const text = String(got.body.text);
    expect(text).toContain(`Đã tiếp nhận hồ sơ ${d.code}. Hẹn trả kết quả`);
    expect(text).toContain(`${BASE}/tra-cuu?ma=`);
    expect(got.body.segments).toBe(splitSms(text).segments.length);
    expect(got.headers['idempotency-key']).toMatch(/^applicant-sms:[0-9a-f-]{36}:2:receipt$/);
    expect((await listMessages(t.db, { dossierCode: d.code, limit: 5 }))[0]).toMatchObject({
      channel: 'sms',
      status: 'sent',
      addressMasked: '••••••5678',
      body: text,
    });
    expect(sms.violations).toEqual([]);
  });

  test('SMS without diacritics (setting) goes as GSM-7', async () => {
    await writeNotifySettings(t.db, { smsStripAccents: true, senderName: 'UBND xã Tân Phú' }, t.clock.now().toISOString(), 'admin');
    try {
      const d = await receive('sms');
      await dispatcher.drain();
      const got = sms.accepted.at(-1)!;
      expect(got.body.encoding).toBe('gsm7');
      expect(String(got.body.text)).toContain(`UBND xa Tan Phu: Da tiep nhan ho so ${d.code}`);
    } finally {
      await writeNotifySettings(t.db, {}, t.clock.now().toISOString(), 'admin');
    }
  });

  test('SMS gateway down (503, Retry-After) is retried and the message then goes once; a wrong key (401) is dead-lettered', async () => {
    sms.script.push({ status: 503, body: { error: 'maintenance' }, headers: { 'Retry-After': '1' } });
    const d = await receive('sms', '0987000111');
    await dispatcher.drain();
    expect(await delivery('sms', d.code)).toMatchObject({ state: 'pending', attempts: 1 });
    t.clock.advance(1_000);
    await dispatcher.drain();
    expect((await delivery('sms', d.code)).state).toBe('sent');
    expect(sms.accepted.filter((r) => r.body.to === '84987000111')).toHaveLength(1);
    expect((await listMessages(t.db, { dossierCode: d.code, limit: 5 })).map((m) => m.status)).toEqual(['sent', 'failed']);

    sms.script.push({ status: 401, body: { error: 'bad key' } });
    const bad = await receive('sms', '0987000222');
    await dispatcher.drain();
    expect((await delivery('sms', bad.code)).state).toBe('dead');
  });

  test('Zalo: the template message API gets the phone as 84…, the receipt template id and its parameters, a tracking id', async () => {
    const d = await receive('zalo', '0901234567');
    await dispatcher.drain();
    const got = zalo.accepted.at(-1)!;
    expect(got.headers.access_token).toBe('oa-token-1');
    expect(got.body).toMatchObject({
      phone: '84901234567',
      template_id: '240001',
      template_data: expect.objectContaining({ ma_ho_so: d.code, ngay_hen: expect.stringMatching(/^\d\d:\d\d ngày \d\d\/\d\d\/2026$/) }),
    });
    expect(got.body.tracking_id).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(got.body)).not.toContain('001190012345');
    expect(zalo.violations).toEqual([]);
  });

  test('Zalo: a message kind without a configured template is skipped, not dead-lettered', async () => {
    const d = await receive('zalo', '0901234000');
    await t.engine.act(d.code, { type: 'REQUEST_WITHDRAWAL', reason: 'Rút hồ sơ', via: 'counter' }, ACTORS.counter);
    await t.engine.act(d.code, { type: 'WITHDRAW', reason: 'Rút hồ sơ' }, ACTORS.counter);
    for (let i = 0; i < 3; i++) await dispatcher.drain();
    const row = (await findDossierByCode(t.db, d.code))!;
    const all = await listDeliveries(t.db, { subscriberId: 'applicant-zalo', dossierId: row.id, limit: 10 });
    expect(all.map((x) => `${x.eventType}:${x.state}`)).toEqual(['RECEIVE:sent', 'WITHDRAW:sent']);
    expect(all[1]!.providerAnswer).toContain('stop_notice: no ZNS template configured');
  });

  test('Zalo errors: an invalid phone (-108) is dead-lettered at once; "unknown error" (-100) is retried', async () => {
    zalo.script.push({ status: 200, body: { error: -108, message: 'Phone number invalid' } });
    const bad = await receive('zalo', '0901111111');
    await dispatcher.drain();
    expect((await delivery('zalo', bad.code)).state).toBe('dead');
    expect((await listMessages(t.db, { dossierCode: bad.code, limit: 5 }))[0]).toMatchObject({ status: 'rejected' });

    zalo.script.push({ status: 200, body: { error: -100, message: 'Unknown error' } });
    const later = await receive('zalo', '0902222222');
    await dispatcher.drain();
    expect(await delivery('zalo', later.code)).toMatchObject({ state: 'pending', attempts: 1 });
    t.clock.advance(1_000);
    await dispatcher.drain();
    expect((await delivery('zalo', later.code)).state).toBe('sent');
  });
});
