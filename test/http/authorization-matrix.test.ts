/**
 * Every role × every event type, on a dossier whose state allows the event: the user either moves
 * the dossier (200) or is refused with 403, exactly as the centre's organisation says.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, submission } from '../support/engine';
import { startServer, type TestServer } from '../support/server';

const PROC = '1.001612'; // steps: tiep-nhan (counter, TTPVHCC) → tham-dinh (specialist, KINHTE) → ky-cap (leader, KINHTE)
const counter = ACTORS.counter;
const leader = { username: 'leader', unit: 'LANHDAO' };
const specialist = { username: 'specialist', unit: 'KINHTE' };

type Setup = (s: TestServer) => Promise<string>;

const setups: Record<string, Setup> = {
  received: async (s) => (await s.engine.engine.submit(submission(PROC), counter)).code,
  online: async (s) => (await s.engine.engine.submit(submission(PROC, 'online'), counter)).code,
  atReview: async (s) => {
    const { code } = await s.engine.engine.submit(submission(PROC), counter);
    await s.engine.engine.act(code, { type: 'ASSIGN', assignee: 'counter' }, counter);
    await s.engine.engine.act(code, { type: 'COMPLETE_STEP' }, counter);
    return code;
  },
  atSignature: async (s) => {
    const code = await setups.atReview!(s);
    await s.engine.engine.act(code, { type: 'COMPLETE_STEP' }, specialist);
    return code;
  },
  awaitingSupplement: async (s) => {
    const code = await setups.atReview!(s);
    await s.engine.engine.act(code, { type: 'REQUEST_SUPPLEMENT', missing: ['x'], reason: 'thiếu' }, specialist);
    return code;
  },
  paused: async (s) => {
    const code = await setups.atReview!(s);
    await s.engine.engine.act(code, { type: 'PAUSE', reason: 'verification' }, specialist);
    return code;
  },
  withdrawalRequested: async (s) => {
    const { code } = await s.engine.engine.submit(submission(PROC), counter);
    await s.engine.engine.act(code, { type: 'REQUEST_WITHDRAWAL', reason: 'công dân xin rút', via: 'counter' }, counter);
    return code;
  },
  withResult: async (s) => {
    const code = await setups.atSignature!(s);
    await s.engine.engine.act(
      code,
      { type: 'RECORD_RESULT', documentNumber: '1/GCN', documentDate: '2026-03-03', signer: 'TP', digitised: true },
      leader,
    );
    return code;
  },
};

const EVENTS: Record<string, { setup: keyof typeof setups; body: Record<string, unknown> }> = {
  RECEIVE: { setup: 'online', body: {} },
  ASSIGN: { setup: 'received', body: { assignee: 'counter' } },
  COMPLETE_STEP: { setup: 'atReview', body: {} },
  RETURN_STEP: { setup: 'atReview', body: { reason: 'cần kiểm tra lại' } },
  REQUEST_SUPPLEMENT: { setup: 'atReview', body: { missing: ['Hợp đồng thuê'], reason: 'thiếu' } },
  RECEIVE_SUPPLEMENT: { setup: 'awaitingSupplement', body: {} },
  PAUSE: { setup: 'atReview', body: { reason: 'verification' } },
  RESUME: { setup: 'paused', body: {} },
  RECORD_RESULT: { setup: 'atSignature', body: { documentNumber: '2/GCN', documentDate: '2026-03-03', signer: 'leader' } },
  REFUSE: { setup: 'atReview', body: { reason: 'không đủ điều kiện', signer: 'leader_kinhte' } },
  ISSUE_APOLOGY: { setup: 'atReview', body: { reason: 'chờ xác minh', signer: 'leader_kinhte', newDueDate: '2026-03-12' } },
  RETURN_RESULT: { setup: 'withResult', body: { method: 'counter' } },
  REQUEST_WITHDRAWAL: { setup: 'received', body: { reason: 'công dân xin rút' } },
  WITHDRAW: { setup: 'withdrawalRequested', body: { reason: 'công dân rút' } },
  // the applicant asks the counter to change how to be told (or to stop): the counter records it, whoever holds the dossier
  CHANGE_NOTIFICATION: { setup: 'atReview', body: { notification: { channel: 'sms', consent: true }, reason: 'đổi số điện thoại' } },
  RECORD_EXEMPTION: {
    setup: 'atSignature',
    body: { reason: 'force_majeure', explanation: 'bão lũ', reference: { number: '5/TB', date: '2026-03-03' } },
  },
};

/** Who may send what. Everyone else gets 403. */
const PERMITTED: Record<string, string[]> = {
  counter: ['RECEIVE', 'ASSIGN', 'RECEIVE_SUPPLEMENT', 'RETURN_RESULT', 'REQUEST_WITHDRAWAL', 'WITHDRAW', 'CHANGE_NOTIFICATION'],
  specialist: ['COMPLETE_STEP', 'RETURN_STEP', 'REQUEST_SUPPLEMENT', 'PAUSE', 'RESUME'],
  leader: [
    'ASSIGN',
    'COMPLETE_STEP',
    'RETURN_STEP',
    'REQUEST_SUPPLEMENT',
    'PAUSE',
    'RESUME',
    'RECORD_RESULT',
    'REFUSE',
    'ISSUE_APOLOGY',
    'RECORD_EXEMPTION',
  ],
  leader_kinhte: [
    'COMPLETE_STEP',
    'RETURN_STEP',
    'REQUEST_SUPPLEMENT',
    'PAUSE',
    'RESUME',
    'RECORD_RESULT',
    'REFUSE',
    'ISSUE_APOLOGY',
    'RECORD_EXEMPTION',
  ],
  specialist_vhxh: [],
  supervisor: [],
  auditor: [],
  admin: [],
};

describe.each(BACKENDS)('the authorisation matrix on $name', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(backend);
  });
  afterAll(async () => s.close());

  const cells = Object.keys(PERMITTED).flatMap((user) => Object.keys(EVENTS).map((type) => [user, type] as const));
  test.each(cells)('%s sending %s', async (user, type) => {
    const token = await s.login(user);
    const { setup, body } = EVENTS[type]!;
    const code = await setups[setup]!(s);
    const version = (await s.engine.engine.get(code)).version;
    const res = await s.http
      .post(`/api/dossiers/${code}/events`)
      .set('Authorization', `Bearer ${token}`)
      .set('If-Match', String(version))
      .send({ type, ...body });
    const expected = PERMITTED[user]!.includes(type) ? 200 : 403;
    if (res.status !== expected) throw new Error(`${user} ${type}: expected ${expected}, got ${res.status} ${JSON.stringify(res.body)}`);
    if (expected === 403) expect((await s.engine.engine.get(code)).version).toBe(version);
  });

  test('users cannot send the system deadline events', async () => {
    const token = await s.login('leader');
    const code = await setups.atReview!(s);
    for (const type of ['DEADLINE_APPROACHING', 'DEADLINE_PASSED']) {
      const res = await s.http
        .post(`/api/dossiers/${code}/events`)
        .set('Authorization', `Bearer ${token}`)
        .set('If-Match', '5')
        .send({ type });
      expect(res.status).toBe(403);
    }
  });
});

describe.each(BACKENDS)('the apology at the counter on $name', (backend) => {
  test('a clerk handing back a late result records the apology on the spot, then returns it', async () => {
    const s = await startServer(backend);
    try {
      const code = await setups.atSignature!(s);
      s.engine.at('2026-03-10 09:00'); // due Fri 06/03 17:00
      const clerk = await s.login('counter');
      await s.engine.engine.act(
        code,
        { type: 'RECORD_RESULT', documentNumber: '9/GCN', documentDate: '2026-03-10', signer: 'TP', digitised: true },
        leader,
      );
      let v = (await s.engine.engine.get(code)).version;
      const refused = await s.http
        .post(`/api/dossiers/${code}/events`)
        .set('Authorization', `Bearer ${clerk}`)
        .set('If-Match', String(v))
        .send({ type: 'RETURN_RESULT', method: 'counter' });
      expect(refused.status).toBe(409);
      expect(refused.body.error.details.allowed).toEqual(['ISSUE_APOLOGY', 'RECORD_EXEMPTION', 'CHANGE_NOTIFICATION']);
      const apology = await s.http
        .post(`/api/dossiers/${code}/events`)
        .set('Authorization', `Bearer ${clerk}`)
        .set('If-Match', String(v))
        .send({ type: 'ISSUE_APOLOGY', reason: 'Chậm thẩm định', signer: 'leader_kinhte', newDueDate: '2026-03-11' });
      expect(apology.status).toBe(200);
      v = apology.body.version;
      const returned = await s.http
        .post(`/api/dossiers/${code}/events`)
        .set('Authorization', `Bearer ${clerk}`)
        .set('If-Match', String(v))
        .send({ type: 'RETURN_RESULT', method: 'counter' });
      expect(returned.body).toMatchObject({ state: 'returned', timeliness: 'late' });
    } finally {
      await s.close();
    }
  });
});
