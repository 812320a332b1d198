/**
 * Signers are people with their office (issue 12): users have a full name and a title; forms print them,
 * never usernames; an apology and a written refusal are signed by a head or deputy head of the office
 * responsible (or the leadership), chosen among the users by username, and the policy refuses anyone else.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, submission } from '../support/engine';
import { serverForSuite } from '../support/server';
import { ProcedureDefinitionSchema } from '../../machines/procedures';
import { CATALOGUE } from '../../machines/procedures';

const PROC = '1.001612'; // tiep-nhan (counter, TTPVHCC) → tham-dinh (specialist, KINHTE) → ky-cap (leader, KINHTE)
const specialist = { username: 'specialist', unit: 'KINHTE' };

describe.each(BACKENDS)('signers on $name', (backend) => {
  const s = serverForSuite(backend);

  async function atReview(): Promise<string> {
    const { code } = await s.engine.engine.submit(submission(PROC), ACTORS.counter);
    await s.engine.engine.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    await s.engine.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
    await s.engine.engine.act(code, { type: 'ASSIGN', assignee: 'specialist' }, { username: 'leader_kinhte', unit: 'KINHTE' });
    return code;
  }
  const version = async (code: string) => (await s.engine.engine.get(code)).version;
  const send = async (as: string, code: string, body: Record<string, unknown>) =>
    s.http
      .post(`/api/dossiers/${code}/events`)
      .set('Authorization', `Bearer ${await s.login(as)}`)
      .set('If-Match', String(await version(code)))
      .send(body);
  const form = async (code: string, kind: string) =>
    (await s.http.get(`/api/dossiers/${code}/forms/${kind}`).set('Authorization', `Bearer ${await s.login('counter')}`)).text;

  test('forms print full names and titles, never usernames', async () => {
    const code = await atReview();
    const receipt = await form(code, 'receipt');
    expect(receipt).toContain('Nguyễn Thị Lan');
    expect(receipt).toContain('Công chức Trung tâm Phục vụ hành chính công');
    expect(receipt).not.toMatch(/<b>counter<\/b>/);
    const slip = await form(code, 'control-slip');
    expect(slip).toContain('Trần Văn Minh'); // the assignee of the review step
    expect(slip).not.toMatch(/>\s*(counter|specialist|leader_kinhte)\s*</);
  });

  test('an admin gives a user a title; it is what the forms print from then on', async () => {
    const admin = await s.login('admin');
    const bad = await s.http.patch('/api/users/specialist').set('Authorization', `Bearer ${admin}`).send({ title: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].field).toBe('title');
    const ok = await s.http
      .patch('/api/users/specialist')
      .set('Authorization', `Bearer ${admin}`)
      .send({ title: 'Phó Trưởng phòng Kinh tế' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ username: 'specialist', fullName: 'Trần Văn Minh', title: 'Phó Trưởng phòng Kinh tế' });
    expect((await s.http.patch('/api/users/nobody.here').set('Authorization', `Bearer ${admin}`).send({ title: 'x' })).status).toBe(404);
    expect(
      (
        await s.http
          .patch('/api/users/specialist')
          .set('Authorization', `Bearer ${await s.login('counter')}`)
          .send({ title: 'x' })
      ).status,
    ).toBe(403);
    await s.http.patch('/api/users/specialist').set('Authorization', `Bearer ${admin}`).send({ title: 'Chuyên viên Phòng Kinh tế' });
  });

  test('the signer list of a dossier is the leaders of the responsible office and of the leadership, with names and titles', async () => {
    const code = await atReview();
    const res = await s.http.get(`/api/dossiers/${code}/signers`).set('Authorization', `Bearer ${await s.login('counter')}`);
    expect(res.status).toBe(200);
    expect(res.body.responsibleUnit).toBe('KINHTE');
    expect(res.body.signers).toEqual(
      [
        { username: 'leader_kinhte', fullName: 'Vũ Đức Thắng', title: 'Trưởng phòng Kinh tế', unit: 'KINHTE' },
        { username: 'leader', fullName: 'Lê Quang Hùng', title: 'Phó Chủ tịch Ủy ban nhân dân xã', unit: 'LANHDAO' },
      ].sort((a, b) => a.unit.localeCompare(b.unit)),
    );
    const vhxh = await s.http
      .get(`/api/dossiers/${code}/signers?responsibleUnit=VHXH`)
      .set('Authorization', `Bearer ${await s.login('counter')}`);
    expect(vhxh.body.signers.map((x: { username: string }) => x.username)).toEqual(['leader']);
    const bad = await s.http
      .get(`/api/dossiers/${code}/signers?for=RETURN_RESULT`)
      .set('Authorization', `Bearer ${await s.login('counter')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].field).toBe('for');
  });

  test('rule: a result is signed by a leader of the office holding the dossier or of the leadership, chosen by username; free text and anyone else are refused and nothing changes', async () => {
    const code = await atReview();
    await s.engine.engine.act(code, { type: 'COMPLETE_STEP' }, specialist); // at ky-cap (leader, KINHTE)
    const offered = await s.http
      .get(`/api/dossiers/${code}/signers?for=RECORD_RESULT`)
      .set('Authorization', `Bearer ${await s.login('leader_kinhte')}`);
    expect(offered.status).toBe(200);
    expect(offered.body.signers.map((x: { username: string }) => x.username).sort()).toEqual(['leader', 'leader_kinhte']);
    const result = { type: 'RECORD_RESULT', documentNumber: '7/GCN', documentDate: '2026-03-03', digitised: true };
    const before = await version(code);
    for (const signer of ['Vũ Đức Thắng', 'specialist', 'nobody.here']) {
      const res = await send('leader_kinhte', code, { ...result, signer });
      expect({ signer, status: res.status, field: res.body.error?.details?.issues?.[0]?.field }).toEqual({
        signer,
        status: 400,
        field: 'signer',
      });
    }
    expect(await version(code)).toBe(before);
    const ok = await send('leader_kinhte', code, { ...result, signer: 'leader_kinhte' });
    expect(ok.status).toBe(200);
    const recorded = (await s.engine.engine.history(code)).findLast((e) => e.type === 'RECORD_RESULT')!.payload;
    expect(recorded).toMatchObject({ signer: 'Vũ Đức Thắng', signerTitle: 'Trưởng phòng Kinh tế', signerUsername: 'leader_kinhte' });
  });

  test('an apology is signed by a leader of the responsible office, chosen by username; anyone else is refused and nothing changes', async () => {
    const code = await atReview();
    const before = await version(code);
    for (const signer of ['specialist', 'counter', 'Vũ Đức Thắng', 'nobody.here']) {
      const res = await send('leader_kinhte', code, { type: 'ISSUE_APOLOGY', reason: 'Chờ xác minh', signer, newDueDate: '2026-03-12' });
      expect({ signer, status: res.status, field: res.body.error?.details?.issues?.[0]?.field }).toEqual({
        signer,
        status: 400,
        field: 'signer',
      });
    }
    expect(await version(code)).toBe(before);
    const ok = await send('leader_kinhte', code, {
      type: 'ISSUE_APOLOGY',
      reason: 'Chờ xác minh',
      signer: 'leader_kinhte',
      newDueDate: '2026-03-12',
    });
    expect(ok.status).toBe(200);
    const apology = (await s.engine.engine.history(code)).findLast((e) => e.type === 'ISSUE_APOLOGY')!;
    expect(apology.payload).toMatchObject({ signer: 'Vũ Đức Thắng', signerTitle: 'Trưởng phòng Kinh tế', signerUsername: 'leader_kinhte' });
    const page = await form(code, 'apology');
    expect(page).toContain('Vũ Đức Thắng');
    expect(page).toContain('Trưởng phòng Kinh tế');
  });

  test('a leader of another office cannot sign an apology for this one', async () => {
    const admin = await s.login('admin');
    await s.http
      .post('/api/users')
      .set('Authorization', `Bearer ${admin}`)
      .send({
        username: 'leader_vhxh',
        fullName: 'Đinh Thị Thu',
        title: 'Trưởng phòng Văn hóa - Xã hội',
        password: 'long-password-vhxh',
        roles: ['leader'],
        unit: 'VHXH',
      });
    const code = await atReview();
    const res = await send('leader_kinhte', code, {
      type: 'ISSUE_APOLOGY',
      reason: 'Chờ xác minh',
      signer: 'leader_vhxh',
      newDueDate: '2026-03-12',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0]).toMatchObject({ field: 'signer' });
  });

  test('a written refusal names its signer: without one it is refused, with one the form prints name and title', async () => {
    const code = await atReview();
    const none = await send('leader_kinhte', code, { type: 'REFUSE', reason: 'Ngành nghề bị cấm' });
    expect(none.status).toBe(400);
    expect(none.body.error.details.issues[0].field).toBe('signer');
    const ok = await send('leader_kinhte', code, { type: 'REFUSE', reason: 'Ngành nghề bị cấm', signer: 'leader' });
    expect(ok.status).toBe(200);
    const page = await form(code, 'refusal');
    expect(page).toContain('Lê Quang Hùng');
    expect(page).toContain('Phó Chủ tịch Ủy ban nhân dân xã');
  });

  test('the engine itself refuses a refusal after receipt without a signer', async () => {
    const code = await atReview();
    await expect(s.engine.engine.act(code, { type: 'REFUSE', reason: 'x' }, specialist)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});

describe('apology.maxReappointments means "at most once" in law', () => {
  const base = CATALOGUE.find((p) => p.code === PROC)!;
  test.each([0, 2, 3])('%i new appointments is refused without a legalBasis, accepted with one', (n) => {
    const without = ProcedureDefinitionSchema.safeParse({ ...base, apology: { maxReappointments: n } });
    expect(without.success).toBe(false);
    expect(without.error!.issues[0]!.path).toEqual(['apology', 'maxReappointments']);
    const withBasis = ProcedureDefinitionSchema.safeParse({
      ...base,
      apology: { maxReappointments: n, legalBasis: 'Luật Đất đai 2024, Điều 22' },
    });
    expect(withBasis.success).toBe(true);
  });
  test('once is the default and needs no legal basis', () => {
    expect(ProcedureDefinitionSchema.parse({ ...base, apology: { maxReappointments: 1 } }).apology.maxReappointments).toBe(1);
  });
});
