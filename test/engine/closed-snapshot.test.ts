/**
 * A closed dossier's snapshot may be emptied (issue 16, storage): `npm run dossiers:compact` sets it NULL for the
 * dossiers closed before a day, every reader rebuilds it from the events (the engine for a correction, the lists,
 * the page), and the audit still compares: NULL only for a dossier its events close, an open one must keep it.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, dossierThroughResult, hanoi, type StartedEngine, startEngine } from '../support/engine';
import { allowedEvents } from '../../machines/dossier';
import { loadDossierForAudit, verifyDossier, type Finding } from '../../src/audit/verify-dossier';
import { restoreRow, restoreRows } from '../../src/engine/restore-row';
import { clearClosedSnapshots, findDossierByCode } from '../../src/store/dossier-store';
import { asDatabaseOwner } from '../support/db-owner';

describe.each(BACKENDS)('closed dossiers without a snapshot on $name', (backend) => {
  let t: StartedEngine;
  beforeAll(async () => {
    t = await startEngine(backend);
    await asDatabaseOwner(t.db);
  });
  afterAll(async () => t.drop());

  async function build(returned: boolean, day = '2026-03-03'): Promise<string> {
    return dossierThroughResult(t, day, { returned });
  }

  const row = async (code: string) => (await findDossierByCode(t.db, code))!;
  async function verify(code: string): Promise<Finding[]> {
    const loaded = await loadDossierForAudit(t.db, code);
    return verifyDossier(loaded!.row, loaded!.events);
  }
  async function compact(closedBefore: string): Promise<number> {
    let cleared = 0;
    for (let n; (n = await clearClosedSnapshots(t.db, closedBefore, 1)) > 0;) cleared += n;
    return cleared;
  }

  test('compact empties the snapshots of dossiers closed before the day, and only theirs; readers and a correction rebuild it', async () => {
    const old = await build(true, '2026-03-03');
    const recent = await build(true, '2026-03-10');
    const open = await build(false, '2026-03-03');
    const keptRecent = (await row(recent)).snapshot;
    const keptOpen = (await row(open)).snapshot;
    expect(await compact(hanoi('2026-03-09 00:00'))).toBeGreaterThanOrEqual(1);
    expect((await row(old)).snapshot).toBeNull();
    expect((await row(recent)).snapshot).toBe(keptRecent);
    expect((await row(open)).snapshot).toBe(keptOpen);
    const [a, b] = await restoreRows(t.db, [await row(open), await row(old)]);
    expect(a!.snapshot.value).toMatchObject({ lifecycle: 'result' });
    expect(b!.snapshot.value).toMatchObject({ lifecycle: 'returned' });
    expect(b!.snapshot.context.returnedAt).toBe((await row(old)).returned_at);
    expect(allowedEvents((await restoreRow(t.db, await row(old))).snapshot)).toEqual(['CORRECT_RESULT']);
    expect(await verify(old)).toEqual([]);
    t.at('2026-03-11 09:00');
    const corrected = {
      type: 'CORRECT_RESULT',
      reason: 'Sai ngày ký',
      documentNumber: 'X',
      documentDate: '2026-03-05',
      signer: 'leader',
    } as const;
    await t.engine.act(old, corrected, ACTORS.leader);
    expect((await t.engine.snapshotOf(old)).context.result).toMatchObject({ documentNumber: 'X' });
    expect(await verify(old)).toEqual([]);
  });

  test('the audit: an open dossier must keep its snapshot, and a kept one must equal the replay', async () => {
    const closed = await build(true);
    const open = await build(false);
    await t
      .db('dossiers')
      .where({ code: closed })
      .update({ snapshot: (await row(closed)).snapshot!.replace('"returned"', '"result"') });
    expect((await verify(closed)).map((f) => [f.kind, f.field])).toEqual([['projection_drift', 'snapshot']]);
    await t.db('dossiers').where({ code: open }).update({ snapshot: null });
    expect((await verify(open)).map((f) => [f.kind, f.field])).toEqual([['projection_drift', 'snapshot']]);
  });
});
