/**
 * The archive of closed dossiers' events (issue 16, docs/engine.md), on both databases: an archived dossier's events
 * read back exactly as before and verify; an open dossier is refused; the table's rows may be deleted only once
 * archived; a correction after archiving appends after the archived head; events:archive's batches move only what
 * the day names; the set-based readers and the audit answer the same after archiving; a tampered archive is found.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, dossierThroughResult, type StartedEngine, startEngine } from '../support/engine';
import { loadDossierForAudit, verifyDossier } from '../../src/audit/verify-dossier';
import { findDossierByCode, listEvents, listEventsByDossier } from '../../src/store/dossier-store';
import { archiveBatch, archiveDossiers } from '../../src/store/event-archive';
import { restoreFromEvents } from '../../src/engine/restore-row';
import { verifyAll } from '../../src/audit/verify-all';
import { createCheckpoint, verifyCheckpoints } from '../../src/audit/checkpoints';
import { countEvents } from '../../src/store/checkpoint-store';
import { returnedByChannelAndMethod } from '../../src/store/report-queries';
import { dossierIdsSubmittedBefore } from '../../src/store/dossier-store';
import { findDossiers, unitsThatActedOn } from '../../src/store/dossier-queries';
import { asDatabaseOwner } from '../support/db-owner';

describe.each(BACKENDS)('the event archive on $name', (backend) => {
  let t: StartedEngine;
  beforeAll(async () => {
    t = await startEngine(backend);
  });
  afterAll(async () => t.drop());

  async function build(returned: boolean, day = '2026-03-03'): Promise<string> {
    return dossierThroughResult(t, day, { returned });
  }
  const row = async (code: string) => (await findDossierByCode(t.db, code))!;
  const tableRows = async (id: string) =>
    Number(((await t.db('dossier_events').where({ dossier_id: id }).count({ n: '*' })) as { n: unknown }[])[0]!.n);

  test('an archived dossier replays to the same events and hashes', async () => {
    const code = await build(true);
    const r = await row(code);
    const before = await listEvents(t.db, r.id);
    expect(before).toHaveLength(7);
    await expect(t.db('dossier_events').where({ dossier_id: r.id }).delete()).rejects.toThrow(/append-only/);
    expect(await t.db.transaction((tx) => archiveDossiers(tx, [r.id]))).toEqual({ dossiers: 1, events: 7 });
    expect(await tableRows(r.id)).toBe(0);
    expect(await listEvents(t.db, r.id)).toEqual(before);
    expect((await listEventsByDossier(t.db, [r.id])).get(r.id)).toEqual(before);
    const loaded = (await loadDossierForAudit(t.db, code))!;
    expect(verifyDossier(loaded.row, loaded.events)).toEqual([]);
    expect(restoreFromEvents(r, await listEvents(t.db, r.id)).snapshot.value).toMatchObject({ lifecycle: 'returned' });
    await expect(t.db.transaction((tx) => archiveDossiers(tx, [r.id]))).rejects.toThrow(/archived already/);
  });

  test('archiving an open dossier is refused, and its events stay', async () => {
    const code = await build(false);
    const r = await row(code);
    await expect(t.db.transaction((tx) => archiveDossiers(tx, [r.id]))).rejects.toThrow(/not closed/);
    expect(await tableRows(r.id)).toBe(6);
  });

  test('a correction after archiving appends after the archived head and verifies', async () => {
    const code = await build(true, '2026-03-04');
    const r = await row(code);
    await t.db.transaction((tx) => archiveDossiers(tx, [r.id]));
    t.at('2026-03-11 09:00');
    await t.engine.act(
      code,
      { type: 'CORRECT_RESULT', reason: 'Sai ngày ký', documentNumber: 'X', documentDate: '2026-03-05', signer: 'leader' },
      ACTORS.leader,
    );
    expect(await tableRows(r.id)).toBe(1);
    const events = await listEvents(t.db, r.id);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(events[7]!.prev_hash).toBe(events[6]!.hash);
    const loaded = (await loadDossierForAudit(t.db, code))!;
    expect(verifyDossier(loaded.row, loaded.events)).toEqual([]);
  });

  test('a dossier archived before whose table holds later rows is archived again: one row, one chain, the same events', async () => {
    const code = await build(true, '2026-03-05');
    const r = await row(code);
    await t.db.transaction((tx) => archiveDossiers(tx, [r.id]));
    const archived = async () =>
      (await t.db('dossier_event_archive').where({ dossier_id: r.id }).first()) as {
        event_count: number;
        head_hash: string;
        events: Buffer;
      };
    const first = await archived();
    // the archive row grows only over the table's rows that follow it: not by hand, not over rows that are not there
    await expect(t.db('dossier_event_archive').where({ dossier_id: r.id }).update({ actor_units: '[]' })).rejects.toThrow(/append-only/);
    await expect(t.db('dossier_event_archive').where({ dossier_id: r.id }).update({ event_count: 8 })).rejects.toThrow(/append-only/);
    await expect(t.db('dossier_event_archive').where({ dossier_id: r.id }).delete()).rejects.toThrow(/append-only/);
    for (const [at, documentNumber] of [
      ['2026-03-12 09:00', 'X1'],
      ['2026-03-13 09:00', 'X2'],
    ] as const) {
      t.at(at);
      await t.engine.act(
        code,
        { type: 'CORRECT_RESULT', reason: 'Sai ngày ký', documentNumber, documentDate: '2026-03-05', signer: 'leader' },
        ACTORS.leader,
      );
    }
    const before = await listEvents(t.db, r.id);
    expect(before.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // a table row that does not continue the archived head cannot make the row grow
    await expect(
      t.db('dossier_event_archive').where({ dossier_id: r.id }).update({ event_count: 9, head_hash: first.head_hash }),
    ).rejects.toThrow(/append-only/);
    let moved = 0;
    for (let after = '', b; (b = await archiveBatch(t.db, '2026-03-06T00:00:00.000Z', 10, after)).last !== null; after = b.last)
      moved += b.events;
    expect(moved).toBeGreaterThanOrEqual(2);
    expect(await tableRows(r.id)).toBe(0);
    expect(await archived()).toMatchObject({ event_count: 9, head_hash: before[8]!.hash });
    expect(await listEvents(t.db, r.id)).toEqual(before);
    const loaded = (await loadDossierForAudit(t.db, code))!;
    expect(verifyDossier(loaded.row, loaded.events)).toEqual([]);
    expect(restoreFromEvents(r, before).snapshot.value).toMatchObject({ lifecycle: 'returned' });
    // nothing left to move: a run finds it no more, and archiving it by name is refused
    expect((await archiveBatch(t.db, '2026-03-06T00:00:00.000Z', 10)).last).toBeNull();
    await expect(t.db.transaction((tx) => archiveDossiers(tx, [r.id]))).rejects.toThrow(/archived already/);
  });

  test('events:archive moves the dossiers closed before the day a batch at a time, and no other', async () => {
    const old = await row(await build(true, '2026-03-20'));
    const recent = await row(await build(true, '2026-03-23'));
    const open = await row(await build(false, '2026-03-20'));
    let moved = 0;
    for (let after = '', r; (r = await archiveBatch(t.db, '2026-03-21T00:00:00.000Z', 1, after)).last !== null; after = r.last)
      moved += r.dossiers;
    expect(moved).toBeGreaterThanOrEqual(1);
    expect(await tableRows(old.id)).toBe(0);
    expect(await tableRows(recent.id)).toBe(7);
    expect(await tableRows(open.id)).toBe(6);
    expect(await t.db('dossier_event_archive').where({ dossier_id: recent.id }).first()).toBeUndefined();
  });
});

describe.each(BACKENDS)('the set-based readers and the audit over archived dossiers on $name', (backend) => {
  let t: StartedEngine;
  beforeAll(async () => {
    t = await startEngine(backend);
  });
  afterAll(async () => t.drop());

  async function returned(day: string): Promise<string> {
    return dossierThroughResult(t, day, { returned: true });
  }
  const idOf = async (code: string) => (await findDossierByCode(t.db, code))!.id;

  async function readers(ids: string[]) {
    const summary = await verifyAll(t.db);
    return {
      verify: { dossiers: summary.dossiers, events: summary.events, findings: summary.findings, byKind: summary.findingsByKind },
      checkpoints: (await verifyCheckpoints(t.db)).findings,
      events: await countEvents(t.db),
      returned: await returnedByChannelAndMethod(t.db, '2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'),
      submitted: await dossierIdsSubmittedBefore(t.db, '2026-04-01T00:00:00.000Z', '', 100),
      scope: (await findDossiers(t.db, { scopeUnits: ['LANHDAO'], sort: 'recent', limit: 50 })).rows.map((r) => r.code),
      acted: await Promise.all(ids.map((id) => unitsThatActedOn(t.db, id, ['LANHDAO', 'KINHTE', 'TTPVHCC', 'OTHER']))),
    };
  }

  test('the audit, the checkpoints, the counts, the monthly report, the events-only metrics and the access filter read the same', async () => {
    const codes = [await returned('2026-03-03'), await returned('2026-03-04'), await returned('2026-03-05')];
    const ids = await Promise.all(codes.map(idOf));
    await createCheckpoint(t.db, new Date('2026-03-06T17:00:00Z'));
    const before = await readers(ids);
    expect(before.verify).toMatchObject({ dossiers: 3, events: 21, findings: 0 });
    expect(before.scope).toHaveLength(3);
    await t.db.transaction((tx) => archiveDossiers(tx, ids.slice(0, 2)));
    expect(await readers(ids)).toEqual(before);
    // a correction on an archived dossier, a checkpoint over it, then the dossier archived again: all read the same
    t.at('2026-03-09 09:00');
    await t.engine.act(
      codes[0]!,
      { type: 'CORRECT_RESULT', reason: 'Sai số', documentNumber: 'Y', documentDate: '2026-03-03', signer: 'leader' },
      ACTORS.leader,
    );
    await createCheckpoint(t.db, new Date('2026-03-09T17:00:00Z'));
    const corrected = await readers(ids);
    expect(corrected.verify).toMatchObject({ dossiers: 3, events: 22, findings: 0 });
    expect((await archiveBatch(t.db, '2026-03-05T00:00:00.000Z', 10)).events).toBe(1);
    expect(await t.db('dossier_events').where({ dossier_id: ids[0] })).toEqual([]);
    expect(await readers(ids)).toEqual(corrected);
  });

  test('a tampered archive is found by the audit: a byte of the blob, a kept column, the dictionary', async () => {
    const codes = [await returned('2026-03-10'), await returned('2026-03-11'), await returned('2026-03-12')];
    const ids = await Promise.all(codes.map(idOf));
    await t.db.transaction((tx) => archiveDossiers(tx, ids));
    expect((await verifyAll(t.db)).findings).toBe(0);
    await asDatabaseOwner(t.db);
    const blob = Buffer.from(((await t.db('dossier_event_archive').where({ dossier_id: ids[0] }).first()) as { events: Buffer }).events);
    const at = Math.floor(blob.length / 2);
    blob[at] = blob[at]! ^ 0x20;
    await t.db('dossier_event_archive').where({ dossier_id: ids[0] }).update({ events: blob });
    await t
      .db('dossier_event_archive')
      .where({ dossier_id: ids[1] })
      .update({ actor_units: JSON.stringify(['KINHTE', 'LANHDAO', 'OTHER', 'TTPVHCC']) });
    const findings: { dossierCode: string; kind: string; message: string }[] = [];
    await verifyAll(t.db, { onFinding: (f) => void findings.push(f) });
    const broken = new Set(findings.map((f) => f.dossierCode));
    expect(broken).toContain(codes[0]);
    expect(broken).toContain(codes[1]);
    expect(broken).not.toContain(codes[2]);
    for (const code of codes.slice(0, 2)) {
      const loaded = (await loadDossierForAudit(t.db, code))!;
      expect(verifyDossier(loaded.row, loaded.events).length).toBeGreaterThan(0);
    }
    // the dictionary every archived dossier names: all of them are broken
    const dict = (await t.db('dossier_event_archive_dictionaries').first()) as { id: number; bytes: Buffer };
    const altered = Buffer.from(dict.bytes);
    altered[0] = altered[0]! ^ 0x01;
    await t.db('dossier_event_archive_dictionaries').where({ id: dict.id }).update({ bytes: altered });
    const after: { dossierCode: string }[] = [];
    await verifyAll(t.db, { onFinding: (f) => void after.push(f) });
    expect(new Set(after.map((f) => f.dossierCode))).toContain(codes[2]);
  });
});
