import { BACKENDS } from '../support/backends';
import { serverForSuite } from '../support/server';

const PROC = '1.001612';
const applicant = { fullName: 'Đỗ Văn Hùng', idNumber: '001090012345', phone: '0912345678', address: 'Hoàn Kiếm, Hà Nội' };

function body(overrides: Record<string, unknown> = {}) {
  return { procedureCode: PROC, channel: 'counter', applicant, documents: [{ name: 'Giấy đề nghị', copies: 1 }], ...overrides };
}

describe.each(BACKENDS)('the applicant chooses how to be told, at receipt, on $name', (backend) => {
  const s = serverForSuite(backend, { signIn: ['counter'] });

  const post = (path: string) => s.as('counter').post(path);
  const get = (path: string) => s.as('counter').get(path);
  const receiveEvent = async (code: string) => {
    const row = await s.engine.db('dossiers').where({ code }).first();
    const ev = await s.engine.db('dossier_events').where({ dossier_id: row.id, type: 'RECEIVE' }).first();
    return JSON.parse(ev.payload) as Record<string, unknown>;
  };

  test('at the counter the choice and the consent are recorded in the RECEIVE event, the e-mail given in full', async () => {
    const res = await post('/api/dossiers').send(
      body({ applicant: { ...applicant, email: 'hung.do@example.vn' }, notification: { channel: 'email', consent: true } }),
    );
    expect(res.status).toBe(201);
    expect((await receiveEvent(res.body.code)).notification).toEqual({ channel: 'email', contact: 'hung.do@example.vn', consent: true });
  });

  test('the history shows the address masked', async () => {
    const res = await post('/api/dossiers').send(body({ notification: { channel: 'sms', consent: true, contact: '0987654321' } }));
    const history = await get(`/api/dossiers/${res.body.code}/events`);
    expect(history.status).toBe(200);
    const receive = history.body.find((e: { type: string }) => e.type === 'RECEIVE');
    expect(receive.payload.notification).toEqual({ channel: 'sms', contact: '••••••4321', consent: true });
    expect(JSON.stringify(history.body)).not.toContain('0987654321');
  });

  test('no consent, no channel: a 400 naming notification.consent, and nothing is created', async () => {
    const before = await s.engine.db('dossiers').count({ n: '*' }).first();
    const res = await post('/api/dossiers').send(body({ notification: { channel: 'zalo', consent: false } }));
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual([expect.objectContaining({ field: 'notification.consent', code: 'consent_required' })]);
    const after = await s.engine.db('dossiers').count({ n: '*' }).first();
    expect(Number(after!.n)).toBe(Number(before!.n));
  });

  test('e-mail chosen without any address, or a phone that is not one: 400 naming notification.contact', async () => {
    const noMail = await post('/api/dossiers').send(body({ notification: { channel: 'email', consent: true } }));
    expect(noMail.status).toBe(400);
    expect(noMail.body.error.details.issues[0]).toMatchObject({ field: 'notification.contact', code: 'required' });
    const badPhone = await post('/api/dossiers').send(body({ notification: { channel: 'sms', consent: true, contact: 'abc' } }));
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.error.details.issues[0]).toMatchObject({ field: 'notification.contact', code: 'phone' });
  });

  test('"none" records that the applicant wants no messages', async () => {
    const res = await post('/api/dossiers').send(body({ notification: { channel: 'none', consent: false } }));
    expect(res.status).toBe(201);
    expect((await receiveEvent(res.body.code)).notification).toEqual({ channel: 'none', contact: null, consent: false });
  });

  test('an online dossier records the choice when the clerk receives it; the phone defaults from the applicant', async () => {
    const early = await post('/api/dossiers').send(body({ channel: 'online', notification: { channel: 'sms', consent: true } }));
    expect(early.status).toBe(400);
    expect(early.body.error.details.issues[0].field).toBe('notification');
    const sub = await post('/api/dossiers').send(body({ channel: 'online' }));
    expect(sub.status).toBe(201);
    const rec = await post(`/api/dossiers/${sub.body.code}/events`)
      .set('If-Match', String(sub.body.version))
      .send({ type: 'RECEIVE', notification: { channel: 'zalo', consent: true } });
    expect(rec.status).toBe(200);
    expect((await receiveEvent(rec.body.code)).notification).toEqual({ channel: 'zalo', contact: '0912345678', consent: true });
  });

  test('the choice replays: the audit of a dossier with a recorded choice finds nothing', async () => {
    const res = await post('/api/dossiers').send(body({ notification: { channel: 'sms', consent: true } }));
    const auditor = await s.login('auditor');
    const v = await s.http.get(`/api/dossiers/${res.body.code}/verify`).set('Authorization', `Bearer ${auditor}`);
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({ ok: true });
  });

  describe('changing the choice after receipt (CHANGE_NOTIFICATION)', () => {
    const change = async (code: string, body: Record<string, unknown>) => {
      const version = (await get(`/api/dossiers/${code}`)).body.version;
      return post(`/api/dossiers/${code}/events`)
        .set('If-Match', String(version))
        .send({ type: 'CHANGE_NOTIFICATION', ...body });
    };

    test('the counter records the new channel and address, with who asked and why; the history shows the address masked', async () => {
      const res = await post('/api/dossiers').send(body({ notification: { channel: 'sms', consent: true } }));
      const changed = await change(res.body.code, {
        notification: { channel: 'email', contact: 'hung.moi@example.vn', consent: true },
        onBehalf: 'Đỗ Thị Lan (người được ủy quyền)',
        reason: 'đổi sang nhận qua thư điện tử',
      });
      expect(changed.status).toBe(200);
      expect(changed.body.state).toBe('received'); // nothing else moves
      const history = await get(`/api/dossiers/${res.body.code}/events`);
      const last = history.body.at(-1);
      expect(last).toMatchObject({
        type: 'CHANGE_NOTIFICATION',
        actor: 'counter',
        payload: {
          notification: { channel: 'email', contact: 'h•••@example.vn', consent: true },
          onBehalf: 'Đỗ Thị Lan (người được ủy quyền)',
          reason: 'đổi sang nhận qua thư điện tử',
        },
      });
      expect(JSON.stringify(history.body)).not.toContain('hung.moi@example.vn');
    });

    test('a channel without consent, or a contact that is not a phone: 400 naming the field, and nothing changes', async () => {
      const res = await post('/api/dossiers').send(body({ notification: { channel: 'sms', consent: true } }));
      const noConsent = await change(res.body.code, { notification: { channel: 'zalo', consent: false } });
      expect(noConsent.status).toBe(400);
      expect(noConsent.body.error.details.issues).toEqual([
        expect.objectContaining({ field: 'notification.consent', code: 'consent_required' }),
      ]);
      const badPhone = await change(res.body.code, { notification: { channel: 'sms', contact: '12ab', consent: true } });
      expect(badPhone.status).toBe(400);
      expect(badPhone.body.error.details.issues[0]).toMatchObject({ field: 'notification.contact', code: 'phone' });
      expect((await get(`/api/dossiers/${res.body.code}`)).body.version).toBe(res.body.version);
    });

    test('once the result is handed back the choice no longer changes: 409 naming what is allowed, nothing changes', async () => {
      const { code } = await post('/api/dossiers')
        .send(body({ notification: { channel: 'sms', consent: true } }))
        .then((r) => r.body);
      const e = s.engine.engine;
      await e.act(code, { type: 'ASSIGN', assignee: 'counter' }, { username: 'counter', unit: 'TTPVHCC' });
      await e.act(code, { type: 'REFUSE', reason: 'không đủ điều kiện', signer: 'leader' }, { username: 'leader', unit: 'LANHDAO' });
      await e.act(code, { type: 'RETURN_RESULT', method: 'counter' }, { username: 'counter', unit: 'TTPVHCC' });
      const before = (await get(`/api/dossiers/${code}`)).body.version;
      const res = await change(code, { notification: { channel: 'none', consent: false } });
      expect(res.status).toBe(409);
      expect(res.body.error.details.allowed).toEqual([]); // a refusal handed back: nothing more happens;
      expect((await get(`/api/dossiers/${code}`)).body.version).toBe(before);
    });

    test('a changed choice replays: the audit of the dossier finds nothing', async () => {
      const res = await post('/api/dossiers').send(body({ notification: { channel: 'sms', consent: true } }));
      expect((await change(res.body.code, { notification: { channel: 'none', consent: false } })).status).toBe(200);
      const auditor = await s.login('auditor');
      const v = await s.http.get(`/api/dossiers/${res.body.code}/verify`).set('Authorization', `Bearer ${auditor}`);
      expect(v.body).toMatchObject({ ok: true });
    });
  });
});
