/**
 * The official code is given at receipt (issue 12): `<agency>-<yymmdd>-<seq>` carries the date the dossier
 * was received, and dossiers refused or closed at intake never take an official number, so each day's
 * official sequence stays gap-free. Before receipt a dossier has its own submission reference, which
 * keeps finding it (the API, the public lookup) after it is received.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, submission } from '../support/engine';
import { serverForSuite } from '../support/server';

const PROC = '1.001612';
const AGENCY = '000.00.12.H29';

describe.each(BACKENDS)('the official code at receipt on $name', (backend) => {
  const s = serverForSuite(backend);

  // a fresh session each time: the tests move the clock past a session's lifetime
  const login = async (as = 'counter'): Promise<string> => s.login(as, true);
  const send = async (code: string, body: Record<string, unknown>, as = 'counter') =>
    s.http
      .post(`/api/dossiers/${code}/events`)
      .set('Authorization', `Bearer ${await login(as)}`)
      .set('If-Match', String((await s.engine.engine.get(code)).version))
      .send(body);

  test('an online dossier submitted on 03/03 and received on 05/03 gets the code of 05/03; its submission reference keeps finding it', async () => {
    s.engine.at('2026-03-03 09:00');
    const created = await s.http
      .post('/api/dossiers')
      .set('Authorization', `Bearer ${await login()}`)
      .send(submission(PROC, 'online'));
    expect(created.status).toBe(201);
    const ref = created.body.code as string;
    expect(ref).toMatch(new RegExp(`^${AGENCY.replace(/\./g, '\\.')}-260303-DK\\d{4}$`));
    expect(created.body.submissionRef).toBe(ref);

    s.engine.at('2026-03-05 10:00');
    const received = await send(ref, { type: 'RECEIVE' });
    expect(received.status).toBe(200);
    expect(received.body.code).toMatch(new RegExp(`^${AGENCY.replace(/\./g, '\\.')}-260305-\\d{4}$`));
    expect(received.body.submissionRef).toBe(ref);
    const official = received.body.code as string;

    // both the reference and the official code find the dossier, in the API and in the public lookup
    for (const key of [ref, official]) {
      const got = await s.http.get(`/api/dossiers/${key}`).set('Authorization', `Bearer ${await login()}`);
      expect(got.body.code).toBe(official);
      const pub = await s.http.get(`/api/public/dossiers/${key}?verify=5678`).set('X-Forwarded-For', '203.0.113.9');
      expect({ key, status: pub.status, code: pub.body.code }).toEqual({ key, status: 200, code: official });
    }
    // the receipt prints the official code; the history records it on RECEIVE
    const receipt = await s.http.get(`/api/dossiers/${official}/forms/receipt`).set('Authorization', `Bearer ${await login()}`);
    expect(receipt.text).toContain(official);
    const events = await s.engine.engine.history(ref);
    expect(events.find((e) => e.type === 'RECEIVE')!.payload.code).toBe(official);
  });

  test('dossiers refused or withdrawn at intake never take an official number: the day’s official sequence stays gap-free', async () => {
    s.engine.at('2026-03-06 08:00');
    const online = async () => (await s.engine.engine.submit(submission(PROC, 'online'), ACTORS.counter)).code;
    const refused = await online();
    const withdrawn = await online();
    const later = await online();
    await s.engine.engine.act(refused, { type: 'REFUSE', reason: 'Không thuộc thẩm quyền' }, ACTORS.counter);
    await s.engine.engine.act(withdrawn, { type: 'REQUEST_WITHDRAWAL', reason: 'Công dân rút', via: 'counter' }, ACTORS.counter);
    await s.engine.engine.act(withdrawn, { type: 'WITHDRAW', reason: 'Công dân rút' }, ACTORS.counter);
    s.engine.at('2026-03-06 09:00');
    const atCounter = (await s.engine.engine.submit(submission(PROC, 'counter'), ACTORS.counter)).code;
    const receivedLater = (await s.engine.engine.act(later, { type: 'RECEIVE' }, ACTORS.counter)).code;
    expect([atCounter, receivedLater]).toEqual([`${AGENCY}-260306-0001`, `${AGENCY}-260306-0002`]);
    for (const code of [refused, withdrawn]) expect((await s.engine.engine.get(code)).code).toMatch(/-DK\d{4}$/);
  });

  test('a repeated submission with the same Idempotency-Key answers the same dossier by its reference, before and after receipt', async () => {
    s.engine.at('2026-03-09 09:00');
    const token = await login();
    const body = submission(PROC, 'online', 'Trần Thị Mơ');
    const first = await s.http
      .post('/api/dossiers')
      .set('Authorization', `Bearer ${token}`)
      .set('Idempotency-Key', 'rules-b-online-1')
      .send(body);
    expect(first.status).toBe(201);
    await send(first.body.code, { type: 'RECEIVE' });
    const again = await s.http
      .post('/api/dossiers')
      .set('Authorization', `Bearer ${token}`)
      .set('Idempotency-Key', 'rules-b-online-1')
      .send(body);
    expect(again.status).toBe(200);
    expect(again.body.submissionRef).toBe(first.body.code);
    expect(again.body.code).toMatch(/-260309-\d{4}$/);
  });
});
