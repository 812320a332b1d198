/**
 * `npm run dossiers:compact` seen through HTTP (issue 16, storage): a closed dossier whose snapshot was emptied
 * answers every read of the API — the dossier, its timeline, documents and forms, the list, the audit's replay,
 * verification and export — with the same status and bytes as before (every reader replays its events,
 * src/engine/restore-row.ts), and a leader's correction afterwards still goes through.
 */
import { BACKENDS } from '../support/backends';
import { dossierThroughResult } from '../support/engine';
import { serverForSuite } from '../support/server';
import { clearClosedSnapshots, findDossierByCode } from '../../src/store/dossier-store';
import { archiveDossiers } from '../../src/store/event-archive';

describe.each(BACKENDS)('a compacted closed dossier through the API on $name', (backend) => {
  const s = serverForSuite(backend);

  async function returned(day: string): Promise<string> {
    return dossierThroughResult(s.engine, day, { returned: true });
  }

  /** Every read, as [user, path]: status and body text. */
  async function readAll(code: string): Promise<Record<string, { status: number; text: string }>> {
    const c = encodeURIComponent(code);
    const reads: [string, string][] = [
      ['counter', `/api/dossiers/${c}`],
      ['counter', `/api/dossiers/${c}/events`],
      ['counter', `/api/dossiers/${c}/documents`],
      ['counter', `/api/dossiers/${c}/forms/receipt`],
      ['counter', `/api/dossiers/${c}/forms/control-slip`],
      ['counter', `/api/dossiers/${c}/forms/return-receipt`],
      ['counter', `/api/dossiers?q=${encodeURIComponent('Nguyễn Thị Hoa')}`],
      ['leader', `/api/dossiers/${c}`],
      ['auditor', `/api/dossiers/${c}/replay`],
      ['auditor', `/api/dossiers/${c}/verify`],
      ['auditor', `/api/dossiers/${c}/export`],
    ];
    const out: Record<string, { status: number; text: string }> = {};
    for (const [user, path] of reads) {
      const res = await s.as(user).get(path);
      out[`${user} ${path}`] = { status: res.status, text: res.text };
    }
    return out;
  }

  test('every read answers the same bytes before and after its snapshot is emptied; a correction still goes through', async () => {
    const code = await returned('2026-03-03');
    s.engine.at('2026-03-12 09:00');
    for (const user of ['counter', 'leader', 'auditor']) await s.login(user, true); // a week later: new sessions
    const before = await readAll(code);
    expect(Object.values(before).map((r) => r.status)).toEqual(Object.values(before).map(() => 200));
    expect(before[`auditor /api/dossiers/${encodeURIComponent(code)}/verify`]!.text).toContain('"ok":true');
    expect(before[`counter /api/dossiers?q=${encodeURIComponent('Nguyễn Thị Hoa')}`]!.text).toContain(code);
    let cleared = 0;
    for (let n; (n = await clearClosedSnapshots(s.engine.db, '2026-03-10T00:00:00.000Z', 10)) > 0;) cleared += n;
    expect(cleared).toBeGreaterThanOrEqual(1);
    expect((await findDossierByCode(s.engine.db, code))!.snapshot).toBeNull();
    expect(await readAll(code)).toEqual(before);

    const row = (await s.as('leader').get(`/api/dossiers/${encodeURIComponent(code)}`)).body as {
      version: number;
      allowedEvents: string[];
    };
    expect(row.allowedEvents).toEqual(['CORRECT_RESULT']);
    const corrected = await s
      .as('leader')
      .post(`/api/dossiers/${encodeURIComponent(code)}/events`)
      .set('If-Match', `"${row.version}"`)
      .send({ type: 'CORRECT_RESULT', reason: 'Sai ngày ký', documentNumber: 'X', documentDate: '2026-03-05', signer: 'leader' });
    expect(corrected.status).toBe(200);
    expect((await findDossierByCode(s.engine.db, code))!.snapshot).not.toBeNull();
    const verified = await s.as('auditor').get(`/api/dossiers/${encodeURIComponent(code)}/verify`);
    expect(verified.text).toContain('"ok":true');
  });

  // the archive of closed dossiers' events (src/store/event-archive.ts): the same reads, the events moved out of the table
  test('every read answers the same bytes before and after its events are archived (snapshot kept, then emptied)', async () => {
    const code = await returned('2026-03-04');
    s.engine.at('2026-03-13 09:00');
    for (const user of ['counter', 'leader', 'auditor']) await s.login(user, true);
    const before = await readAll(code);
    expect(Object.values(before).map((r) => r.status)).toEqual(Object.values(before).map(() => 200));
    const row = (await findDossierByCode(s.engine.db, code))!;
    expect(await s.engine.db.transaction((tx) => archiveDossiers(tx, [row.id]))).toEqual({ dossiers: 1, events: 7 });
    expect(await s.engine.db('dossier_events').where({ dossier_id: row.id }).first()).toBeUndefined();
    expect(await readAll(code)).toEqual(before);
    while ((await clearClosedSnapshots(s.engine.db, '2026-03-10T00:00:00.000Z', 10)) > 0);
    expect((await findDossierByCode(s.engine.db, code))!.snapshot).toBeNull();
    expect(await readAll(code)).toEqual(before);
  });
});
