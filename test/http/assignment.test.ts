/**
 * ASSIGN cannot open a dossier to another office: the unit is the current step's, and the assignee an
 * active user of that unit with the step's role (or its leader). Anything else is 400 naming the field, and
 * nothing changes; the office it was not sent to still cannot read it.
 */
import { BACKENDS } from '../support/backends';
import { serverForSuite } from '../support/server';

describe.each(BACKENDS)('assignment rules ($name)', (backend) => {
  const s = serverForSuite(backend);

  const send = async (as: string, code: string, version: number, event: Record<string, unknown>) =>
    s.http
      .post(`/api/dossiers/${code}/events`)
      .set('Authorization', `Bearer ${await s.login(as)}`)
      .set('If-Match', `"${version}"`)
      .send(event);

  /** A household-business dossier received at the counter (its first step, tiep-nhan, TTPVHCC). */
  async function received(): Promise<{ code: string; version: number }> {
    const created = await s.http
      .post('/api/dossiers')
      .set('Authorization', `Bearer ${await s.login('counter')}`)
      .send({
        procedureCode: '1.001612',
        channel: 'counter',
        applicant: { fullName: 'Đỗ Văn Hùng', idNumber: '001090012345', phone: '0912345678', address: 'Hoàn Kiếm, Hà Nội' },
        documents: [{ name: 'Giấy đề nghị đăng ký hộ kinh doanh', copies: 1 }],
      });
    expect(created.status).toBe(201);
    return { code: created.body.code, version: created.body.version };
  }

  /** A household-business dossier at its KINHTE step (tham-dinh), not yet given to a specialist. */
  async function atKinhteStep(): Promise<{ code: string; version: number }> {
    const created = await received();
    const assigned = await send('counter', created.code, created.version, { type: 'ASSIGN', assignee: 'counter' });
    expect(assigned.status).toBe(200);
    const moved = await send('counter', created.code, assigned.body.version, { type: 'COMPLETE_STEP' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ unit: 'KINHTE', step: 'tham-dinh' });
    return { code: created.code, version: moved.body.version };
  }

  test.each([
    ['another unit', { unit: 'VHXH' }, 'unit'],
    ['another unit with its specialist', { unit: 'VHXH', assignee: 'specialist_vhxh' }, 'unit'],
    ['a name nobody has', { assignee: 'nobody_here' }, 'assignee'],
    ['a user of another unit', { assignee: 'specialist_vhxh' }, 'assignee'],
    ['a user of the unit without the step’s role', { assignee: 'counter' }, 'assignee'],
  ])('a KINHTE leader cannot assign to %s: 400 naming the field, nothing changes', async (_what, payload, field) => {
    const d = await atKinhteStep();
    const res = await send('leader_kinhte', d.code, d.version, { type: 'ASSIGN', ...payload });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues.map((i: { field: string }) => i.field)).toStrictEqual([field]);
    const after = await s.http.get(`/api/dossiers/${d.code}`).set('Authorization', `Bearer ${await s.login('leader_kinhte')}`);
    expect(after.body).toMatchObject({ version: d.version, unit: 'KINHTE', assignee: null });
    expect((await s.http.get(`/api/dossiers/${d.code}`).set('Authorization', `Bearer ${await s.login('specialist_vhxh')}`)).status).toBe(
      403,
    );
  });

  test('the step’s own unit and a specialist of it are accepted, and so is the unit’s leader', async () => {
    const d = await atKinhteStep();
    const ok = await send('leader_kinhte', d.code, d.version, { type: 'ASSIGN', unit: 'KINHTE', assignee: 'specialist' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ unit: 'KINHTE', assignee: 'specialist' });
    const self = await send('leader_kinhte', d.code, ok.body.version, { type: 'ASSIGN', assignee: 'leader_kinhte' });
    expect(self.status).toBe(200);
  });

  test('a deactivated user cannot be assigned', async () => {
    const admin = await s.login('admin');
    const created = await s.http
      .post('/api/users')
      .set('Authorization', `Bearer ${admin}`)
      .send({
        username: 'former_kt',
        fullName: 'Cựu chuyên viên',
        password: 'Lua-chon-mat-khau-2026',
        roles: ['specialist'],
        unit: 'KINHTE',
      });
    expect(created.status).toBe(201);
    const d0 = await atKinhteStep();
    expect((await send('leader_kinhte', d0.code, d0.version, { type: 'ASSIGN', assignee: 'former_kt' })).status).toBe(200);
    await s.engine.db('users').where({ username: 'former_kt' }).update({ active: false });
    const d = await atKinhteStep();
    const res = await send('leader_kinhte', d.code, d.version, { type: 'ASSIGN', assignee: 'former_kt' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0].field).toBe('assignee');
  });

  test('the assignment lists offer exactly whom ASSIGN accepts: the step’s unit, its active specialists, then its leaders', async () => {
    const d = await atKinhteStep();
    const res = await s.http.get(`/api/dossiers/${d.code}/assignees`).set('Authorization', `Bearer ${await s.login('leader_kinhte')}`);
    expect(res.status).toBe(200);
    expect(res.body.step).toMatchObject({ id: 'tham-dinh', role: 'specialist', unit: 'KINHTE' });
    expect(res.body.units).toStrictEqual([{ code: 'KINHTE', name: 'Phòng Kinh tế' }]);
    // former_kt was deactivated above; counter and specialist_vhxh are of other units
    expect(res.body.assignees.map((u: { username: string }) => u.username)).toStrictEqual(['specialist', 'leader_kinhte']);
    expect(res.body.assignees[0]).toStrictEqual({
      username: 'specialist',
      fullName: 'Trần Văn Minh',
      title: 'Chuyên viên Phòng Kinh tế',
      unit: 'KINHTE',
      roles: ['specialist'],
    });
    let version = d.version;
    for (const u of res.body.assignees as { username: string }[]) {
      const ok = await send('leader_kinhte', d.code, version, { type: 'ASSIGN', unit: res.body.units[0].code, assignee: u.username });
      expect(ok.status).toBe(200);
      version = ok.body.version;
    }
  });

  test('at the counter, the lists are the counter’s own unit and its clerks', async () => {
    const created = await received();
    const res = await s.http.get(`/api/dossiers/${created.code}/assignees`).set('Authorization', `Bearer ${await s.login('counter')}`);
    expect(res.body.units.map((u: { code: string }) => u.code)).toStrictEqual(['TTPVHCC']);
    expect(res.body.assignees.map((u: { username: string }) => u.username)).toStrictEqual(['counter']);
  });
});
