/**
 * The citizen's status lookup: a code plus the last 4 digits of the number the applicant chose at receipt
 * (phone by default, or the ID number) shows the state and due date, nothing else; the other number's
 * digits are refused; wrong guesses all look alike and are throttled.
 */
import { hit } from '../../src/services/rate-limit';
import { BACKENDS } from '../support/backends';
import { ACTORS, submission } from '../support/engine';
import { startServer, type TestServer } from '../support/server';
import { PUBLIC_LOOKUP_FIELDS } from '../support/lookup-scenario';

const HOUSEHOLD_BUSINESS = '1.001612';
let address = 0;
/** A fresh client address per test (the app trusts X-Forwarded-For from loopback), so limits do not leak between tests. */
const nextAddress = () => `203.0.113.${++address}`;

describe.each(BACKENDS)('public lookup on $name', (backend) => {
  let server: TestServer;
  let code: string;
  beforeAll(async () => {
    server = await startServer(backend);
    code = (await server.engine.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter)).code;
  });
  afterAll(async () => {
    await server.close();
  });

  const lookup = (c: string, verify: string | undefined, from: string) =>
    server.http
      .get(`/api/public/dossiers/${encodeURIComponent(c)}`)
      .query(verify === undefined ? {} : { verify })
      .set('X-Forwarded-For', from);

  test('the public lookup shows the state and due date with the last digits of the phone, the default factor', async () => {
    const from = nextAddress();
    const view = await server.engine.engine.get(code);
    for (const verify of ['5678']) {
      const res = await lookup(code, verify, from);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        code,
        status: 'Được tiếp nhận',
        state: 'received',
        dueAt: view.dueAt,
        resultReady: false,
        returned: false,
        electronicResult: false,
        clockStopped: false,
        late: false,
        originalDueAt: view.dueAt,
        supplement: null,
        apology: null,
      });
      expect(view.dueAt).not.toBeNull();
    }
  });

  test('only the factor chosen at receipt opens the lookup: the other number’s last digits are refused like a wrong guess', async () => {
    const byId = await server.engine.engine.submit(
      { ...submission(HOUSEHOLD_BUSINESS), applicant: { ...submission(HOUSEHOLD_BUSINESS).applicant, lookupFactor: 'idNumber' } },
      ACTORS.counter,
    );
    const from = nextAddress();
    const wrong = await lookup(code, '0000', from);
    // phone chosen (by default): the ID number's 2345 is refused
    expect(await lookup(code, '2345', from)).toMatchObject({ status: 404, body: wrong.body });
    expect((await lookup(code, '5678', from)).status).toBe(200);
    // ID number chosen: the phone's 5678 is refused
    expect(await lookup(byId.code, '5678', from)).toMatchObject({ status: 404, body: wrong.body });
    expect((await lookup(byId.code, '2345', from)).status).toBe(200);
    expect(await server.engine.db('dossiers').whereIn('code', [code, byId.code]).orderBy('lookup_factor').pluck('lookup_factor')).toEqual([
      'idNumber',
      'phone',
    ]);
  });

  test('a dossier recorded before the choice existed (lookup_factor null) still opens with either number, as its receipt said', async () => {
    const legacy = (await server.engine.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter)).code;
    await server.engine.db('dossiers').where({ code: legacy }).update({ lookup_factor: null });
    const from = nextAddress();
    expect((await lookup(legacy, '5678', from)).status).toBe(200);
    expect((await lookup(legacy, '2345', from)).status).toBe(200);
    expect((await lookup(legacy, '0000', from)).status).toBe(404);
  });

  test('a submission naming another lookup factor is 400 naming applicant.lookupFactor', async () => {
    const token = await server.login('counter');
    const body = { ...submission(HOUSEHOLD_BUSINESS), applicant: { ...submission(HOUSEHOLD_BUSINESS).applicant, lookupFactor: 'email' } };
    const res = await server.http
      .post('/api/dossiers')
      .set('Authorization', `Bearer ${token}`)
      .set('Idempotency-Key', 'lookup-factor-bad-1')
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toContainEqual(expect.objectContaining({ field: 'applicant.lookupFactor', code: 'not_allowed' }));
  });

  test('a wrong second factor and an unknown code give the same answer', async () => {
    const from = nextAddress();
    const wrongFactor = await lookup(code, '0000', from);
    const unknownCode = await lookup('000.00.12.H29-260303-9999', '5678', from);
    const missingFactor = await lookup(code, undefined, from);
    expect(wrongFactor.status).toBe(404);
    for (const other of [unknownCode, missingFactor]) {
      expect(other.status).toBe(wrongFactor.status);
      expect(other.body).toEqual(wrongFactor.body);
    }
    expect(wrongFactor.headers['cache-control']).toBe('no-store');
  });

  test('no applicant data is ever in the answer', async () => {
    const from = nextAddress();
    const res = await lookup(code, '5678', from);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(PUBLIC_LOOKUP_FIELDS);
    const text = res.text;
    for (const secret of ['Nguyễn Thị Hoa', '0912345678', '001190012345', '5678', '2345', 'Hoàn Kiếm', 'applicant']) {
      expect(text).not.toContain(secret);
    }
  });

  test('too many attempts from one address are refused with 429', async () => {
    const from = nextAddress();
    for (let i = 0; i < 20; i += 1) expect((await lookup(code, '5678', from)).status).toBe(200);
    const refused = await lookup(code, '5678', from);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(refused.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.headers['retry-after']).toBe(String(refused.body.error.details.retryAfterSeconds));
    // Another address is not affected; the first one is let in again once the window has passed.
    expect((await lookup(code, '5678', nextAddress())).status).toBe(200);
    server.engine.clock.advance(61_000);
    expect((await lookup(code, '5678', from)).status).toBe(200);
  });

  test('five wrong guesses at a code lock that address out of it, not the citizen at another address', async () => {
    const stranger = nextAddress();
    for (let i = 0; i < 5; i += 1) expect((await lookup(code, String(1000 + i), stranger)).status).toBe(404);
    const refused = await lookup(code, '5678', stranger);
    expect(refused.status).toBe(429);
    expect(refused.body.error.details.retryAfterSeconds).toBe(15 * 60);
    expect((await lookup(code, '5678', nextAddress())).status).toBe(200); // the citizen, elsewhere
    server.engine.clock.advance(15 * 60_000 + 1000);
    expect((await lookup(code, '5678', stranger)).status).toBe(200);
  });

  test('guesses at one code from many addresses meet the daily backstop, for unknown codes alike', async () => {
    const other = (await server.engine.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter)).code;
    const unknown = '000.00.12.H29-260303-8888';
    for (const target of [other, unknown]) {
      for (let i = 0; i < 30; i += 1) expect((await lookup(target, String(1000 + i), nextAddress())).status).toBe(404);
      const refused = await lookup(target, '5678', nextAddress());
      expect(refused.status).toBe(429);
      expect(refused.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    }
    server.engine.clock.advance(24 * 3600_000 + 1000);
    expect((await lookup(other, '5678', nextAddress())).status).toBe(200);
  });

  test('concurrent hits on one bucket each get their own count, and an expired window restarts at 1', async () => {
    const opts = () => ({ limit: 10, windowMs: 60_000, now: server.engine.clock.now() });
    const results = await Promise.all(Array.from({ length: 25 }, () => hit(server.engine.db, 'test:concurrent', opts())));
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    server.engine.clock.advance(60_000);
    expect(await hit(server.engine.db, 'test:concurrent', opts())).toEqual({ allowed: true, count: 1, retryAfterSeconds: 0 });
  });

  test('a malformed second factor is a 400 naming the field', async () => {
    for (const verify of ['12', '12345', 'abcd', '12a4']) {
      const res = await lookup(code, verify, nextAddress());
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(['verify']);
    }
  });
});
