import * as projection from '../../machines/engine/projection';
import { BACKENDS } from '../support/backends';
import { hanoi, submissionBody } from '../support/engine';
import { serverForSuite } from '../support/server';

const PROC = '1.001612';

const body = submissionBody;

describe.each(BACKENDS)('the dossier API on $name', (backend) => {
  const s = serverForSuite(backend, { signIn: ['counter', 'specialist', 'specialist_vhxh', 'admin'] });
  const counter = 'counter';

  const post = (path: string, user: string) => s.as(user).post(path);
  const get = (path: string, user: string) => s.as(user).get(path);

  test('a clerk receives a dossier: 201 with its code, due date and the events now allowed', async () => {
    const res = await post('/api/dossiers', counter).send(body());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      procedureCode: PROC,
      procedureName: expect.stringContaining('hộ kinh doanh'),
      state: 'received',
      nationalStatus: { code: 2, name: 'Được tiếp nhận' },
      timeliness: 'on_track',
      receivedAt: hanoi('2026-03-03 09:00'),
      dueAt: hanoi('2026-03-06 17:00'),
      version: 2,
      applicant: { fullName: 'Đỗ Văn Hùng', idNumber: '••••••••2345', phone: '••••••5678' },
    });
    expect(res.body.allowedEvents).toEqual(expect.arrayContaining(['ASSIGN', 'REQUEST_WITHDRAWAL']));
    expect(res.headers.location).toBe(`/api/dossiers/${res.body.code}`);
  });

  // issue 16: the engine built a view inside its transaction and the HTTP layer another, each probing every event type
  test('a submission and an ASSIGN each build the dossier view once, with the allowed and permitted events', async () => {
    const views = jest.spyOn(projection, 'viewOf');
    try {
      const created = await post('/api/dossiers', counter).send(body());
      expect(created.status).toBe(201);
      expect(views).toHaveBeenCalledTimes(1);
      expect(created.body.permittedEvents).toContain('ASSIGN');
      views.mockClear();
      const assigned = await post(`/api/dossiers/${encodeURIComponent(created.body.code)}/events`, counter)
        .set('If-Match', `"${created.body.version}"`)
        .send({ type: 'ASSIGN', assignee: 'counter' });
      expect(assigned.status).toBe(200);
      expect(views).toHaveBeenCalledTimes(1);
      expect(assigned.body.allowedEvents).toContain('COMPLETE_STEP');
      expect(assigned.body.permittedEvents).toContain('COMPLETE_STEP');
    } finally {
      views.mockRestore();
    }
  });

  test('a retried submission with the same Idempotency-Key returns the first dossier instead of a second', async () => {
    const key = 'dbl-click-0001';
    const [a, b] = await Promise.all([
      post('/api/dossiers', counter).set('Idempotency-Key', key).send(body()),
      post('/api/dossiers', counter).set('Idempotency-Key', key).send(body()),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.code).toBe(b.body.code);
    const again = await post('/api/dossiers', counter).set('Idempotency-Key', key).send(body());
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const reused = await post('/api/dossiers', counter)
      .set('Idempotency-Key', key)
      .send(body({ note: 'khác' }));
    expect(reused.status).toBe(400);
    expect(reused.body.error.details.issues[0].field).toBe('Idempotency-Key');
  });

  test('bad input is a 400 naming each field and why, and creates nothing', async () => {
    const before = await s.engine.db('dossiers').count({ n: '*' }).first();
    const res = await post('/api/dossiers', counter).send(
      body({ channel: 'fax', applicant: { fullName: '', idNumber: 'abc', phone: '1', address: 'x' }, extra: 1 }),
    );
    expect(res.status).toBe(400);
    const fields = res.body.error.details.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['channel', 'applicant.fullName', 'applicant.idNumber', 'applicant.phone']));
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const after = await s.engine.db('dossiers').count({ n: '*' }).first();
    expect(Number(after!.n)).toBe(Number(before!.n));
  });

  test('an unknown procedure is a 404 and a non-JSON body a 415', async () => {
    expect((await post('/api/dossiers', counter).send(body({ procedureCode: '9.999999' }))).status).toBe(404);
    const res = await post('/api/dossiers', counter).set('Content-Type', 'text/plain').send('hello');
    expect(res.status).toBe(415);
  });

  test('only the counter receives dossiers', async () => {
    const res = await post('/api/dossiers', 'specialist').send(body());
    expect(res.status).toBe(403);
  });

  test('moving a dossier: 200, then 409 for a stale version, 409 naming the allowed events, 428 without a version, 404 unknown', async () => {
    const { body: d } = await post('/api/dossiers', counter).send(body());
    const ok = await post(`/api/dossiers/${d.code}/events`, counter)
      .set('If-Match', `"${d.version}"`)
      .send({ type: 'ASSIGN', assignee: 'counter' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ state: 'assigned', version: d.version + 1, assignee: 'counter', step: 'tiep-nhan' });
    const stale = await post(`/api/dossiers/${d.code}/events`, counter)
      .set('If-Match', String(d.version))
      .send({ type: 'ASSIGN', assignee: 'x' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('VERSION_CONFLICT');
    const notAllowed = await post(`/api/dossiers/${d.code}/events`, counter).send({
      type: 'RETURN_RESULT',
      expectedVersion: ok.body.version,
    });
    expect(notAllowed.status).toBe(409);
    expect(notAllowed.body.error).toMatchObject({ code: 'TRANSITION_NOT_ALLOWED', details: { state: 'assigned' } });
    expect(notAllowed.body.error.details.allowed).toEqual(expect.arrayContaining(['COMPLETE_STEP', 'REQUEST_WITHDRAWAL']));
    const unversioned = await post(`/api/dossiers/${d.code}/events`, counter).send({ type: 'COMPLETE_STEP' });
    expect(unversioned.status).toBe(428);
    const unknown = await post('/api/dossiers/000.00.12.H29-260303-9999/events', counter)
      .set('If-Match', '1')
      .send({ type: 'COMPLETE_STEP' });
    expect(unknown.status).toBe(404);
  });

  test('an invalid event payload is a 400 naming the field, and an unknown type too', async () => {
    const { body: d } = await post('/api/dossiers', counter).send(body());
    const res = await post(`/api/dossiers/${d.code}/events`, counter).set('If-Match', String(d.version)).send({ type: 'WITHDRAW' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual([expect.objectContaining({ field: 'reason' })]);
    const bad = await post(`/api/dossiers/${d.code}/events`, counter).set('If-Match', String(d.version)).send({ type: 'CLOSE_EARLY' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].field).toBe('type');
    expect((await get(`/api/dossiers/${d.code}`, counter)).body.version).toBe(d.version);
  });

  test('the history lists every event with sequence, type, payload, actor and time', async () => {
    const { body: d } = await post('/api/dossiers', counter).send(body());
    await post(`/api/dossiers/${d.code}/events`, counter)
      .set('If-Match', String(d.version))
      .send({ type: 'REQUEST_WITHDRAWAL', reason: 'Công dân xin rút' });
    await post(`/api/dossiers/${d.code}/events`, counter)
      .set('If-Match', String(d.version + 1))
      .send({ type: 'WITHDRAW', reason: 'Dừng theo yêu cầu' });
    const res = await get(`/api/dossiers/${d.code}/events`, counter);
    expect(res.status).toBe(200);
    expect(res.body.map((e: { seq: number; type: string }) => [e.seq, e.type])).toEqual([
      [1, 'SUBMIT'],
      [2, 'RECEIVE'],
      [3, 'REQUEST_WITHDRAWAL'],
      [4, 'WITHDRAW'],
    ]);
    expect(res.body[2]).toMatchObject({
      actor: 'counter',
      payload: { reason: 'Công dân xin rút', via: 'counter' },
      occurredAt: hanoi('2026-03-03 09:00'),
    });
  });

  test('the full record shows the applicant to the counter; an office that never had the dossier cannot read it', async () => {
    const { body: d } = await post('/api/dossiers', counter).send(body());
    const full = await get(`/api/dossiers/${d.code}`, counter);
    expect(full.body.applicant).toMatchObject({ idNumber: '001090012345', phone: '0912345678' });
    expect((await get(`/api/dossiers/${d.code}`, 'specialist_vhxh')).status).toBe(403);
  });

  test('lists filter by state, free text and scope, and page with a cursor without repeats', async () => {
    for (let i = 0; i < 5; i++)
      await post('/api/dossiers', counter).send(
        body({
          applicant: { fullName: `Vũ Thị Mai ${i}`, idNumber: `00119000${1000 + i}`, phone: `098700${1000 + i}`, address: 'Hà Nội' },
        }),
      );
    const page1 = await get('/api/dossiers?q=V%C5%A9%20Th%E1%BB%8B%20Mai&limit=2', counter);
    expect(page1.status).toBe(200);
    expect(page1.body.items).toHaveLength(2);
    const seen = new Set(page1.body.items.map((x: { code: string }) => x.code));
    let cursor = page1.body.nextCursor;
    while (cursor) {
      const next = await get(`/api/dossiers?q=V%C5%A9%20Th%E1%BB%8B%20Mai&limit=2&cursor=${encodeURIComponent(cursor)}`, counter);
      for (const x of next.body.items) {
        expect(seen.has(x.code)).toBe(false);
        seen.add(x.code);
      }
      cursor = next.body.nextCursor;
    }
    expect(seen.size).toBe(5);
    const byPhone = await get('/api/dossiers?q=0987001003', counter);
    expect(byPhone.body.items).toHaveLength(1);
    expect(byPhone.body.items[0].applicant.phone).toBe('••••••1003');
    const received = await get('/api/dossiers?state=received&sort=due', counter);
    expect(received.body.items.every((x: { state: string }) => x.state === 'received')).toBe(true);
    const vhxh = await get('/api/dossiers', 'specialist_vhxh');
    expect(vhxh.body.items).toEqual([]);
    const badFilter = await get('/api/dossiers?state=open&limit=0', counter);
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(
      expect.arrayContaining(['state.0', 'limit']),
    );
  });

  test('rule: a dossier names its procedure from the procedures table, so procedures created or renamed through the API have a name', async () => {
    const base = (await get(`/api/procedures/${PROC}`, counter)).body;
    const created = await s
      .as('admin')
      .post('/api/procedures')
      .send({ ...base, version: undefined, code: '9.000123', name: 'Thủ tục mới tạo qua API' });
    expect(created.status).toBe(201);
    const first = await post('/api/dossiers', counter).send(body({ procedureCode: '9.000123' }));
    expect(first.status).toBe(201);
    expect(first.body.procedureName).toBe('Thủ tục mới tạo qua API');
    const renamed = await s
      .as('admin')
      .put('/api/procedures/9.000123')
      .send({ ...created.body, version: undefined, name: 'Thủ tục đã đổi tên' });
    expect(renamed.status).toBe(200);
    const second = await post('/api/dossiers', counter).send(body({ procedureCode: '9.000123' }));
    expect(second.body.procedureName).toBe('Thủ tục đã đổi tên');
    // each dossier keeps the name of the version it was received under, as the reports print it
    expect((await get(`/api/dossiers/${first.body.code}`, counter)).body.procedureName).toBe('Thủ tục mới tạo qua API');
    const listed = await get('/api/dossiers?procedure=9.000123', counter);
    expect(listed.body.items.map((x: { procedureName: string }) => x.procedureName).sort()).toEqual([
      'Thủ tục mới tạo qua API',
      'Thủ tục đã đổi tên',
    ]);
  });

  test('the procedure catalogue and the calendar are readable; only an admin edits them', async () => {
    const list = await get('/api/procedures', counter);
    expect(list.body.length).toBeGreaterThanOrEqual(6);
    const one = await get(`/api/procedures/${PROC}`, counter);
    expect(one.body).toMatchObject({ code: PROC, processingTime: { value: 3, unit: 'days' } });
    const changed = await s
      .as('admin')
      .put(`/api/procedures/${PROC}`)
      .send({ ...one.body, version: undefined, name: one.body.name + ' (sửa đổi)' });
    expect(changed.status).toBe(200);
    expect(changed.body.version).toBe(one.body.version + 1);
    const invalid = await s
      .as('admin')
      .put(`/api/procedures/${PROC}`)
      .send({ ...one.body, steps: [{ ...one.body.steps[0], role: 'janitor' }] });
    expect(invalid.status).toBe(400);
    expect((await s.as(counter).put(`/api/procedures/${PROC}`).send(one.body)).status).toBe(403);

    const year = await get('/api/calendar/2026', counter);
    expect(year.body).toMatchObject({ year: 2026, source: 'data' });
    const y2031 = await get('/api/calendar/2031', counter);
    expect(y2031.body.source).toBe('statutory');
    const put = await s
      .as('admin')
      .put('/api/calendar/2026')
      .send({
        ...year.body,
        calendarVersion: undefined,
        source: undefined,
        daysOff: [...year.body.daysOff, { date: '2026-11-24', name: 'Ngày Văn hóa Việt Nam', kind: 'holiday' }],
      });
    expect(put.status).toBe(200);
    expect(put.body.calendarVersion).toBe(year.body.calendarVersion + 1);
  });
});
