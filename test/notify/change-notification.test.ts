/**
 * The applicant changes how to be told after receipt (CHANGE_NOTIFICATION, docs/notifications.md "Changing the
 * choice"), against the SMS and Zalo gateways' local servers: later messages follow the new choice, and once the
 * consent is withdrawn nothing more is queued or sent.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, startEngine, submission, type StartedEngine } from '../support/engine';
import { startSmsGateway, startZalo, type ProviderServer } from '../support/provider-servers';
import { OutboxDispatcher } from '../../src/outbox/dispatcher';
import { upsertSubscriber } from '../../src/store/outbox-store';
import { findDossierByCode } from '../../src/store/dossier-store';
import { listMessages } from '../../src/store/notify-store';
import { ApplicantChannel, NOTICE_EVENT_TYPES } from '../../src/notify/applicant-channel';
import type { DeliveryChannel } from '../../machines/notify/channels';
import type { Command } from '../../machines/engine/commands';

const PROC = '1.001612';
const BASE = 'https://motcua.example.gov.vn';

describe.each(BACKENDS)('the applicant changes the notification choice after receipt, on $label', (backend) => {
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
    zalo = await startZalo('oa-token-1', {
      '240001': ['ma_ho_so', 'ten_thu_tuc', 'ngay_hen', 'tra_cuu'],
      '240002': ['ma_ho_so', 'giay_to', 'tra_cuu'],
    });
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

  /** received at the counter with SMS to `phone`, its receipt message delivered */
  const receivedWithSms = async (phone: string) => {
    const s = submission(PROC);
    const d = await t.engine.submit(
      { ...s, applicant: { ...s.applicant, phone }, notification: { channel: 'sms', consent: true } },
      ACTORS.counter,
    );
    await dispatcher.drain();
    return d.code;
  };
  const change = (code: string, notification: Extract<Command, { type: 'CHANGE_NOTIFICATION' }>['notification']) =>
    t.engine.act(code, { type: 'CHANGE_NOTIFICATION', notification, reason: 'công dân đề nghị' }, ACTORS.counter);
  /** to the office step, then a supplement request: an event that sends the applicant a message */
  const requestSupplement = async (code: string) => {
    await t.engine.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    await t.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
    await t.engine.act(
      code,
      { type: 'REQUEST_SUPPLEMENT', missing: ['Bản sao hợp đồng thuê nhà'], reason: 'thiếu giấy tờ' },
      ACTORS.specialist,
    );
  };
  /** the applicant channels' deliveries queued for the dossier's events of `type` */
  const applicantDeliveries = async (code: string, type: string) => {
    const row = (await findDossierByCode(t.db, code))!;
    return (await t
      .db('outbox_deliveries')
      .where({ dossier_id: row.id, event_type: type })
      .where('subscriber_id', 'like', 'applicant-%')) as {
      subscriber_id: string;
      state: string;
    }[];
  };
  const smsTo = (msisdn: string) => sms.accepted.filter((r) => r.body.to === msisdn);

  test('after the applicant gives a new phone number, the next message goes to it and none to the old one', async () => {
    const code = await receivedWithSms('0912000001');
    expect(smsTo('84912000001')).toHaveLength(1); // the receipt, before the change
    await change(code, { channel: 'sms', contact: '0987000001', consent: true });
    await requestSupplement(code);
    await dispatcher.drain();
    expect(smsTo('84912000001')).toHaveLength(1);
    expect(smsTo('84987000001').map((r) => String(r.body.text))).toEqual([expect.stringContaining('bổ sung')]);
    // the message log names the new address, masked
    expect((await listMessages(t.db, { dossierCode: code, limit: 5 }))[0]).toMatchObject({
      kind: 'supplement_request',
      addressMasked: '••••••0001',
    });
    expect(sms.violations).toEqual([]);
  });

  test('after the applicant moves to Zalo, only the Zalo channel is queued and it sends the message', async () => {
    const code = await receivedWithSms('0912000002');
    await change(code, { channel: 'zalo', consent: true });
    await requestSupplement(code);
    expect((await applicantDeliveries(code, 'REQUEST_SUPPLEMENT')).map((d) => d.subscriber_id)).toEqual(['applicant-zalo']);
    const before = zalo.accepted.length;
    await dispatcher.drain();
    expect(zalo.accepted.slice(before).map((r) => r.body.phone)).toEqual(['84912000002']);
    expect(smsTo('84912000002')).toHaveLength(1); // the receipt only
    expect(zalo.violations).toEqual([]);
  });

  test('after consent is withdrawn no message is queued, none is sent, and the withdrawal is in the history', async () => {
    const code = await receivedWithSms('0912000003');
    await change(code, { channel: 'none', consent: false });
    await requestSupplement(code);
    expect(await applicantDeliveries(code, 'REQUEST_SUPPLEMENT')).toEqual([]);
    await dispatcher.drain();
    expect(smsTo('84912000003')).toHaveLength(1); // the receipt, before the withdrawal
    const history = await t.engine.history(code);
    expect(history.find((e) => e.type === 'CHANGE_NOTIFICATION')).toMatchObject({
      actor: 'counter',
      payload: { notification: { channel: 'none', contact: null, consent: false }, onBehalf: null, reason: 'công dân đề nghị' },
    });
  });

  test('a message still waiting when consent is withdrawn is not sent', async () => {
    const s = submission(PROC);
    const d = await t.engine.submit(
      { ...s, applicant: { ...s.applicant, phone: '0912000004' }, notification: { channel: 'sms', consent: true } },
      ACTORS.counter,
    );
    await change(d.code, { channel: 'none', consent: false }); // before the dispatcher delivered the receipt
    await dispatcher.drain();
    expect(smsTo('84912000004')).toEqual([]);
    expect((await applicantDeliveries(d.code, 'RECEIVE')).every((x) => x.state === 'sent')).toBe(true); // finished, with nothing sent
    expect(await listMessages(t.db, { dossierCode: d.code, limit: 5 })).toEqual([]);
  });
});
