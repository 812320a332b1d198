/**
 * One vocabulary, owned by machines/vocabulary.ts and served at GET /api/vocabulary: every state, event
 * type, error code and validation issue code has its Vietnamese label, and every 400 issue carries a code
 * the UI maps (no English text to match).
 */
import {
  ALL_EVENT_TYPES,
  CHANNELS,
  LIFECYCLE_STATES,
  RESULT_OUTCOMES,
  RETURN_METHODS,
  USER_EVENT_TYPES,
  WITHDRAWAL_CHANNELS,
} from '../../machines/dossier';
import { CATALOGUE, ROLES, UNITS } from '../../machines/procedures';
import {
  DUE_DATE_STATES,
  ERROR_LABELS,
  FORM_KINDS,
  HTTP_ERROR_CODES,
  ISSUE_LABELS,
  OPEN_STATES,
  PENDING_STATES,
  RUNNING_STATES,
  STOPPED_STATES,
  returnedVia,
  vocabulary,
} from '../../machines/vocabulary';
import { STATUS_OF } from '../../src/http/error-status';
import { BACKENDS } from '../support/backends';
import { serverForSuite } from '../support/server';

describe('the vocabulary (pure)', () => {
  const v = vocabulary();

  test('every lifecycle state has a label; the open states are received and undecided; pending adds the two states before receipt', () => {
    expect(v.states.map((s) => s.code).sort()).toEqual([...LIFECYCLE_STATES].sort());
    for (const s of v.states) expect(s.label).toMatch(/\S/);
    expect(OPEN_STATES).not.toContain('submitted');
    for (const decided of ['result', 'returned', 'withdrawn', 'refused_intake']) expect(PENDING_STATES).not.toContain(decided);
    expect([...PENDING_STATES].sort()).toEqual(['submitted', 'intake_supplement', ...OPEN_STATES].sort());
  });

  test('an open state has its clock running or stopped, never both; a due date stands while it runs or is paused', () => {
    expect([...OPEN_STATES].sort()).toEqual([...RUNNING_STATES, ...STOPPED_STATES].sort());
    for (const s of RUNNING_STATES) expect(STOPPED_STATES).not.toContain(s);
    expect([...DUE_DATE_STATES].sort()).toEqual([...RUNNING_STATES, 'paused'].sort());
  });

  test('every event type (STEP_OVERDUE too) has a label, and every user event a button text', () => {
    expect(v.events.map((e) => e.type).sort()).toEqual(['SUBMIT', ...ALL_EVENT_TYPES].sort());
    for (const e of v.events) expect(e.label).toMatch(/\S/);
    expect(v.events.find((e) => e.type === 'STEP_OVERDUE')).toMatchObject({ bySystem: true });
    for (const t of USER_EVENT_TYPES) expect(v.events.find((e) => e.type === t)?.action).toMatch(/\S/);
  });

  test('every error code the API can answer has a label', () => {
    for (const code of [...Object.keys(STATUS_OF), ...HTTP_ERROR_CODES])
      expect(ERROR_LABELS[code as keyof typeof ERROR_LABELS]).toMatch(/\S/);
  });

  test('every channel, return method, withdrawal channel, outcome, role and form has a label; forms also their printed title', () => {
    expect(Object.keys(v.channels)).toEqual([...CHANNELS]);
    expect(Object.keys(v.returnMethods)).toEqual([...RETURN_METHODS]);
    expect(Object.keys(v.withdrawalChannels)).toEqual([...WITHDRAWAL_CHANNELS]);
    expect(Object.keys(v.outcomes)).toEqual([...RESULT_OUTCOMES]);
    expect(Object.keys(v.roles)).toEqual([...ROLES]);
    expect(v.forms.map((f) => f.kind)).toEqual([...FORM_KINDS]);
    for (const table of [v.channels, v.returnMethods, v.withdrawalChannels, v.outcomes, v.roles])
      for (const label of Object.values(table)) expect(label).toMatch(/\S/);
    for (const f of v.forms) {
      expect(f.label).toMatch(/\S/);
      expect(f.title).toMatch(/\S/);
    }
  });

  test('a way between applicant and centre has one wording, whether a dossier came in, a result went back or a stop was asked by it', () => {
    expect(v.channels).toEqual({
      counter: 'Trực tiếp tại Bộ phận Một cửa',
      online: 'Trực tuyến',
      postal: 'Qua dịch vụ bưu chính công ích',
    });
    expect(v.returnMethods).toEqual({ counter: v.channels.counter, post: v.channels.postal, online: v.channels.online });
    expect(v.withdrawalChannels).toEqual(v.returnMethods);
    expect(returnedVia('post')).toBe('Trả qua dịch vụ bưu chính công ích');
  });

  test('units and procedures come from the catalogue', () => {
    expect(v.units.map((u) => u.code)).toEqual(UNITS.map((u) => u.code));
    expect(new Set(v.procedures.map((p) => p.code))).toEqual(new Set(CATALOGUE.map((p) => p.code)));
  });
});

describe.each(BACKENDS)('GET /api/vocabulary and issue codes on $name', (backend) => {
  const s = serverForSuite(backend);

  test('served without a login, exactly as the domain defines it', async () => {
    const res = await s.http.get('/api/vocabulary');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(vocabulary())));
  });

  test('a 400 names each field with an issue code of the vocabulary, for formats, missing and unknown fields', async () => {
    const token = await s.login('counter');
    const res = await s.http
      .post('/api/dossiers')
      .set('Authorization', `Bearer ${token}`)
      .send({
        procedureCode: '1.001612',
        channel: 'counter',
        applicant: { fullName: 'Nguyễn Văn A', idNumber: 'abc', phone: '12', address: '', nickname: 'x' },
        documents: [{ name: 'Đơn', copies: 1 }],
      });
    expect(res.status).toBe(400);
    const codes = Object.fromEntries((res.body.error.details.issues as { field: string; code: string }[]).map((i) => [i.field, i.code]));
    expect(codes).toEqual({
      'applicant.idNumber': 'id_number',
      'applicant.phone': 'phone',
      'applicant.address': 'required',
      'applicant.nickname': 'unknown_field',
    });
    for (const i of res.body.error.details.issues) expect(Object.keys(ISSUE_LABELS)).toContain(i.code);
  });

  test('a date that does not exist is not_a_real_date', async () => {
    const token = await s.login('counter');
    const res = await s.http.get('/api/dossiers?receivedFrom=2026-02-30').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual([{ field: 'receivedFrom', code: 'not_a_real_date', reason: 'not a real calendar date' }]);
  });
});
