/**
 * The auditor's API over HTTP: replay (anyone who may read the dossier), verification of one dossier
 * (auditor, supervisor, admin), export (auditor), whole-database verification as NDJSON (auditor,
 * admin), checkpoints (admin) and the chart versions (any signed-in user).
 */
import { CURRENT_CHART_VERSION } from '../../machines/dossier';
import { BACKENDS } from '../support/backends';
import { ACTORS, APPROVE, hanoi } from '../support/engine';
import { startServer, type TestServer } from '../support/server';
import { asDatabaseOwner } from '../support/db-owner';
import type { z } from 'zod';
import {
  ChartVersionListSchema,
  CheckpointListSchema,
  CreatedCheckpointSchema,
  DossierExportSchema,
  DossierVerificationSchema,
  ReplaySchema,
} from '../../src/services/audit-service';

const PROC = '1.001612';

describe.each(BACKENDS)('the audit API on $name', (backend) => {
  let s: TestServer;
  let code: string;
  let id: string;
  let other: string;
  beforeAll(async () => {
    s = await startServer(backend);
    const t = s.engine;
    t.at('2026-03-03 09:00');
    ({ code, id } = await t.engine.submit(
      {
        procedureCode: PROC,
        channel: 'counter',
        applicant: { fullName: 'Đỗ Văn Hùng', idNumber: '001090012345', phone: '0912345678', address: 'Hà Nội' },
        documents: [{ name: 'Giấy đề nghị', copies: 1 }],
      },
      ACTORS.counter,
    ));
    t.at('2026-03-03 10:00');
    await t.engine.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    t.at('2026-03-03 11:00');
    await t.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
    t.at('2026-03-04 09:00');
    await t.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.specialist);
    t.at('2026-03-05 09:00');
    await t.engine.act(code, APPROVE, ACTORS.leader);
    // A dossier still at the counter's step: the specialists' office (KINHTE) has not seen it.
    ({ code: other } = await t.engine.submit(
      {
        procedureCode: PROC,
        channel: 'counter',
        applicant: { fullName: 'Lê Thị B', idNumber: '001090054321', phone: '0912000000', address: 'Hà Nội' },
        documents: [{ name: 'Giấy đề nghị', copies: 1 }],
      },
      ACTORS.counter,
    ));
  });
  afterAll(async () => s.close());

  const get = async (path: string, user: string) => s.http.get(path).set('Authorization', `Bearer ${await s.login(user)}`);

  test('GET /api/machines lists the chart versions, the current one marked, to any signed-in user', async () => {
    const res = await get('/api/machines', 'specialist');
    expect(res.status).toBe(200);
    // every stored version, exactly one of them current: the newest
    expect(res.body).toEqual(
      expect.arrayContaining([
        { version: 1, current: false },
        { version: 2, current: false },
        { version: CURRENT_CHART_VERSION, current: true },
      ]),
    );
    expect(res.body.filter((v: { current: boolean }) => v.current)).toHaveLength(1);
    expect((await s.http.get('/api/machines')).status).toBe(401);
  });

  test('a reader of the dossier replays it step by step, with no differences from the stored row', async () => {
    const res = await get(`/api/dossiers/${code}/replay`, 'specialist');
    expect(res.status).toBe(200);
    expect(res.body.steps.map((st: { type: string }) => st.type)).toEqual([
      'SUBMIT',
      'RECEIVE',
      'ASSIGN',
      'COMPLETE_STEP',
      'COMPLETE_STEP',
      'RECORD_RESULT',
    ]);
    expect(res.body.steps[3]).toMatchObject({
      seq: 4,
      before: { state: 'assigned' },
      after: { state: 'processing', step: 'tham-dinh' },
      hashOk: true,
      linkOk: true,
    });
    expect(res.body.state).toMatchObject({ seq: 6, state: 'result', finalTimeliness: 'early' });
    expect(res.body.differences).toEqual([]);
  });

  test('replay at upTo and at gives the state at that point, without differences', async () => {
    const upTo = await get(`/api/dossiers/${code}/replay?upTo=3`, 'auditor');
    expect(upTo.body).toMatchObject({ cut: { upTo: 3 }, state: { seq: 3, state: 'assigned' }, differences: null });
    expect(upTo.body.steps).toHaveLength(3);
    const at = await get(`/api/dossiers/${code}/replay?at=${encodeURIComponent('2026-03-04T08:00:00+07:00')}`, 'auditor');
    expect(at.body.state).toMatchObject({ seq: 4, state: 'processing', dueAt: hanoi('2026-03-06 17:00') });
    expect((await get(`/api/dossiers/${code}/replay?upTo=0`, 'auditor')).status).toBe(400);
    expect((await get(`/api/dossiers/${code}/replay?at=yesterday`, 'auditor')).status).toBe(400);
    expect((await get(`/api/dossiers/${code}/replay?upTo=2&at=2026-03-04T08:00:00Z`, 'auditor')).status).toBe(400);
  });

  test('replay is refused to a user who may not read the dossier, and 404 for an unknown one', async () => {
    expect((await get(`/api/dossiers/${other}/replay`, 'specialist_vhxh')).status).toBe(403);
    expect((await get('/api/dossiers/000.00.12.H29-260303-9999/replay', 'auditor')).status).toBe(404);
  });

  test('verification of one dossier is for auditors, supervisors and admins', async () => {
    const ok = await get(`/api/dossiers/${code}/verify`, 'supervisor');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ code, ok: true, findings: [] });
    expect(ok.body.chain).toHaveLength(6);
    expect((await get(`/api/dossiers/${code}/verify`, 'specialist')).status).toBe(403);
  });

  test('the export is for auditors and verifies its own chain', async () => {
    const res = await get(`/api/dossiers/${code}/export`, 'auditor');
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename=".*\.json"/);
    expect(res.body).toMatchObject({ format: 'motcua-dossier-export/1', code, head: { seq: 6 } });
    expect((await get(`/api/dossiers/${code}/export`, 'admin')).status).toBe(403);
  });

  test('only an admin records a checkpoint', async () => {
    const admin = await s.login('admin');
    expect((await s.http.post('/api/audit/checkpoints').set('Authorization', `Bearer ${await s.login('auditor')}`)).status).toBe(403);
    const res = await s.http.post('/api/audit/checkpoints').set('Authorization', `Bearer ${admin}`);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: 1, dossierCount: 2, eventCount: 8 });
    expect((await get('/api/audit/checkpoints', 'auditor')).body).toEqual([expect.objectContaining({ id: 1, digest: res.body.digest })]);
    expect(CreatedCheckpointSchema.safeParse(res.body).error).toBeUndefined();
  });

  test('each audit answer has exactly the shape the API reference documents (the schemas are strict)', async () => {
    const answers: [z.ZodType, string][] = [
      [ReplaySchema, `/api/dossiers/${code}/replay`],
      [ReplaySchema, `/api/dossiers/${code}/replay?upTo=2`],
      [DossierVerificationSchema, `/api/dossiers/${code}/verify`],
      [DossierExportSchema, `/api/dossiers/${code}/export`],
      [CheckpointListSchema, '/api/audit/checkpoints'],
      [ChartVersionListSchema, '/api/machines'],
    ];
    for (const [schema, path] of answers) {
      const res = await get(path, 'auditor');
      expect([path, res.status, schema.safeParse(res.body).error?.issues ?? null]).toEqual([path, 200, null]);
    }
  });

  test('GET /api/audit/verify streams progress, findings and a summary as NDJSON, and a tampered dossier shows up', async () => {
    expect((await get('/api/audit/verify', 'supervisor')).status).toBe(403);
    const clean = await get('/api/audit/verify', 'auditor');
    expect(clean.status).toBe(200);
    expect(clean.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = clean.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.at(-1)).toMatchObject({ type: 'summary', dossiers: 2, events: 8, findings: 0 });
    expect(lines.some((l) => l.type === 'progress')).toBe(true);

    await asDatabaseOwner(s.engine.db); // as the database owner: the application itself cannot change history
    await s.engine
      .db('dossier_events')
      .where({ dossier_id: id, seq: 4 })
      .update({ payload: JSON.stringify({ note: 'đã kiểm tra' }) });
    await s.engine
      .db('dossiers')
      .where({ id })
      .update({ due_at: hanoi('2026-03-09 17:00') });
    const tampered = (await get('/api/audit/verify', 'admin')).text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(tampered.filter((l) => l.type === 'finding')).toEqual([
      expect.objectContaining({ dossierCode: code, seq: 4, kind: 'hash_mismatch' }),
      expect.objectContaining({ dossierCode: code, seq: null, kind: 'projection_drift', field: 'due_at' }),
    ]);
    expect(tampered.at(-1)).toMatchObject({ type: 'summary', findings: 2, findingsByKind: { hash_mismatch: 1, projection_drift: 1 } });

    const replay = await get(`/api/dossiers/${code}/replay`, 'auditor');
    expect(replay.body.steps[3]).toMatchObject({ seq: 4, hashOk: false, linkOk: true });
    expect(replay.body.differences).toEqual([{ field: 'due_at', stored: hanoi('2026-03-09 17:00'), replayed: hanoi('2026-03-06 17:00') }]);
    const verify = await get(`/api/dossiers/${code}/verify`, 'auditor');
    expect(verify.body).toMatchObject({
      ok: false,
      findings: [expect.objectContaining({ seq: 4, kind: 'hash_mismatch' }), expect.objectContaining({ field: 'due_at' })],
    });
  });
});
