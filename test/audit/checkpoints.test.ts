/**
 * Checkpoints anchor every dossier's chain head, so that what a per-dossier chain cannot show, a whole
 * dossier or its last events deleted afterwards, is detected and named; and the checkpoints themselves
 * form a chain that shows when one is altered or removed.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, APPROVE, type StartedEngine, startEngine, submission } from '../support/engine';
import { checkpointDigest, createCheckpoint, verifyCheckpoints } from '../../src/audit/checkpoints';
import { listCheckpoints } from '../../src/store/checkpoint-store';
import { loadDossierForAudit, verifyDossier } from '../../src/audit/verify-dossier';
import { asDatabaseOwner, deleteDossierAsOwner } from '../support/db-owner';
import { deletionLogHead, insertDeletions, lastDeletion } from '../../src/store/retention-store';
import { deletionHash, type DeletionRecord } from '../../machines/documents/retention';

const PROC = '1.001612';

describe.each(BACKENDS)('checkpoints on $name', (backend) => {
  let t: StartedEngine;
  beforeEach(async () => {
    t = await startEngine(backend);
    await asDatabaseOwner(t.db); // these tests tamper as the database owner (test/audit/tamper.test.ts shows the application cannot)
  });
  afterEach(async () => t.drop());

  async function build(full = true): Promise<{ code: string; id: string }> {
    t.at('2026-03-03 09:00');
    const { code, id } = await t.engine.submit(submission(PROC), ACTORS.counter);
    t.at('2026-03-03 10:00');
    await t.engine.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    t.at('2026-03-03 11:00');
    await t.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
    if (!full) return { code, id };
    t.at('2026-03-04 09:00');
    await t.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.specialist);
    t.at('2026-03-05 09:00');
    await t.engine.act(code, APPROVE, ACTORS.leader);
    t.at('2026-03-05 14:00');
    await t.engine.act(code, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter);
    return { code, id };
  }

  const at = (iso: string) => new Date(iso).toISOString();

  test('checkpoints chain to each other and record only the heads that changed', async () => {
    const a = await build(false);
    await build();
    const first = await createCheckpoint(t.db, at('2026-03-05T17:00:00Z'), { pageSize: 1 });
    expect(first).toMatchObject({ id: 1, dossierCount: 2, eventCount: 11, changedCount: 2, regressions: 0, prevDigest: '0'.repeat(64) });
    t.at('2026-03-06 09:00');
    await t.engine.act(a.code, { type: 'COMPLETE_STEP' }, ACTORS.specialist);
    const third = await build(false);
    const second = await createCheckpoint(t.db, at('2026-03-06T17:00:00Z'), { pageSize: 1 });
    expect(second).toMatchObject({ id: 2, dossierCount: 3, eventCount: 16, changedCount: 2, prevDigest: first.digest });
    const heads = await t.db('audit_checkpoint_heads').where({ checkpoint_id: 2 }).orderBy('dossier_id');
    expect(heads.map((h) => String(h.code)).sort()).toEqual([a.code, third.code].sort());
    expect(await verifyCheckpoints(t.db, { anchors: [{ id: 1, digest: first.digest }] })).toMatchObject({ checkpoints: 2, findings: [] });
  });

  test('last events deleted after a checkpoint are found at the head and by the checkpoint, even when the row is fixed up', async () => {
    const { code, id } = await build();
    await createCheckpoint(t.db, at('2026-03-05T17:00:00Z'));
    await t.db('dossier_events').where({ dossier_id: id }).andWhere('seq', '>=', 6).delete();

    const loaded = (await loadDossierForAudit(t.db, code))!;
    expect(verifyDossier(loaded.row, loaded.events)[0]).toMatchObject({ seq: 6, kind: 'head_mismatch' });
    const { findings } = await verifyCheckpoints(t.db);
    expect(findings).toContainEqual(
      expect.objectContaining({ dossierCode: code, seq: 6, kind: 'events_deleted', message: expect.stringMatching(/seq 6–7 .* deleted/) }),
    );

    // The forger moves the head back onto seq 5: the dossier's own chain is consistent again...
    const last = await t.db('dossier_events').where({ dossier_id: id, seq: 5 }).first();
    await t
      .db('dossiers')
      .where({ id })
      .update({ version: 5, last_hash: String(last.hash) });
    const again = (await loadDossierForAudit(t.db, code))!;
    expect(verifyDossier(again.row, again.events).some((f) => f.kind === 'head_mismatch')).toBe(false);
    // ...but not with the checkpoint.
    expect((await verifyCheckpoints(t.db)).findings).toContainEqual(
      expect.objectContaining({ dossierCode: code, seq: 6, kind: 'events_deleted' }),
    );
  });

  test('a whole dossier deleted after a checkpoint is found and named', async () => {
    const kept = await build();
    const gone = await build();
    await createCheckpoint(t.db, at('2026-03-05T17:00:00Z'));
    await deleteDossierAsOwner(t.db, gone.id);
    const { findings } = await verifyCheckpoints(t.db);
    expect(findings).toEqual([
      expect.objectContaining({
        dossierCode: gone.code,
        seq: null,
        kind: 'dossier_deleted',
        message: expect.stringMatching(/no longer exists/),
      }),
      expect.objectContaining({
        dossierCode: '(database)',
        kind: 'events_deleted',
        message: expect.stringMatching(/7 events, fewer than the 14/),
      }),
    ]);
    expect(findings.some((f) => f.dossierCode === kept.code)).toBe(false);
  });

  test('a deletion stays on record when a later checkpoint is taken over it', async () => {
    const gone = await build();
    await build();
    await createCheckpoint(t.db, at('2026-03-05T17:00:00Z'));
    await deleteDossierAsOwner(t.db, gone.id);
    const later = await createCheckpoint(t.db, at('2026-03-06T17:00:00Z'));
    expect(later.regressions).toBe(1);
    const { findings } = await verifyCheckpoints(t.db);
    expect(findings).toContainEqual(expect.objectContaining({ dossierCode: gone.code, kind: 'dossier_deleted' }));
  });

  test('an altered or removed checkpoint breaks the checkpoint chain', async () => {
    await build();
    const first = await createCheckpoint(t.db, at('2026-03-05T17:00:00Z'));
    await createCheckpoint(t.db, at('2026-03-06T17:00:00Z'));
    await createCheckpoint(t.db, at('2026-03-07T17:00:00Z'));
    await t.db('audit_checkpoints').where({ id: 1 }).update({ event_count: 99 });
    expect((await verifyCheckpoints(t.db)).findings).toEqual([
      expect.objectContaining({ kind: 'checkpoint_tampered', message: expect.stringMatching(/#1 .* was altered/) }),
    ]);
    await t.db('audit_checkpoints').where({ id: 2 }).delete();
    expect((await verifyCheckpoints(t.db)).findings.map((f) => f.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/#2 missing before #3/)]),
    );
    // A forger who also recomputes checkpoint #1's digest is caught by the copy kept outside the database.
    const forged = (await listCheckpoints(t.db)).find((c) => c.id === 1)!;
    await t
      .db('audit_checkpoints')
      .where({ id: 1 })
      .update({ digest: checkpointDigest({ ...forged, eventCount: 99 }) });
    const messages = (await verifyCheckpoints(t.db, { anchors: [{ id: 1, digest: first.digest }] })).findings.map((f) => f.message);
    expect(messages.some((m) => /#1 .* was altered/.test(m))).toBe(false);
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/#1 .* differs from the digest kept outside/)]));
  });

  test("removing a dossier's anchor rows to hide its deletion is itself detected", async () => {
    const gone = await build();
    await build();
    await createCheckpoint(t.db, at('2026-03-05T17:00:00Z'));
    await deleteDossierAsOwner(t.db, gone.id);
    await t.db('audit_checkpoint_heads').where({ dossier_id: gone.id }).delete();
    const messages = (await verifyCheckpoints(t.db)).findings.map((f) => `${f.kind}: ${f.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^checkpoint_tampered: the heads recorded with checkpoint #1/),
        expect.stringMatching(/^events_deleted: the database holds/),
      ]),
    );
  });

  /** Appends `n` chained records to the deletion log the way the retention job does (its content varied by `tag`). */
  async function deleteFiles(n: number, tag = 'retention ended'): Promise<void> {
    const head = await lastDeletion(t.db);
    let prevHash = head?.hash ?? '0'.repeat(64);
    let seq = head?.seq ?? 0;
    const records: DeletionRecord[] = [];
    for (let i = 0; i < n; i += 1) {
      seq += 1;
      const content = {
        seq,
        sha256: String(seq).padStart(64, 'a'),
        dossierId: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
        dossierCode: `X-${seq}`,
        documentId: 'd1',
        documentVersion: 1,
        rule: '1.001612: 5 năm (Thử nghiệm)',
        reason: tag,
        at: at('2031-03-04T02:00:00Z'),
      };
      const hash = deletionHash(prevHash, content);
      records.push({ ...content, prevHash, hash });
      prevHash = hash;
    }
    await insertDeletions(t.db, records);
  }
  const anchorFindings = async () => (await verifyCheckpoints(t.db)).findings.filter((f) => f.kind.startsWith('deletion_log'));

  test("each checkpoint anchors the deletion log's head; deletions recorded after it leave nothing to report", async () => {
    await build();
    const empty = await createCheckpoint(t.db, at('2026-03-05T17:00:00Z'));
    expect(empty).toMatchObject({ deletionCount: 0, deletionHead: '0'.repeat(64) });
    await deleteFiles(3);
    const second = await createCheckpoint(t.db, at('2031-03-04T17:00:00Z'));
    expect(second).toMatchObject({ deletionCount: 3, deletionHead: (await deletionLogHead(t.db)).hash });
    await deleteFiles(2);
    expect(await verifyCheckpoints(t.db)).toMatchObject({ checkpoints: 2, findings: [] });
    // the head is in the digest: changing it without recomputing the digest is tampering
    await t.db('audit_checkpoints').where({ id: 2 }).update({ deletion_count: 2 });
    expect((await verifyCheckpoints(t.db)).findings).toContainEqual(
      expect.objectContaining({ kind: 'checkpoint_tampered', message: expect.stringMatching(/#2 .* was altered/) }),
    );
  });

  test("the deletion log's tail removed after a checkpoint is deletion_log_diverged, even when new records refill it", async () => {
    await deleteFiles(3);
    await createCheckpoint(t.db, at('2031-03-04T17:00:00Z'));
    await t.db('document_deletions').where('seq', '>', 1).delete();
    expect(await anchorFindings()).toEqual([
      expect.objectContaining({
        dossierCode: '(database)',
        kind: 'deletion_log_diverged',
        message: expect.stringMatching(/holds 1 records, fewer than the 3/),
      }),
    ]);
    // the chain of what is left is intact: only the checkpoint shows the cut
    await deleteFiles(2, 'các bản ghi khác');
    expect(await anchorFindings()).toEqual([
      expect.objectContaining({
        kind: 'deletion_log_diverged',
        message: expect.stringMatching(/record 3 no longer has the hash anchored/),
      }),
    ]);
  });

  test('a deletion log rewritten consistently (every hash recomputed) after a checkpoint is deletion_log_diverged', async () => {
    await deleteFiles(3);
    await createCheckpoint(t.db, at('2031-03-04T17:00:00Z'));
    await t.db('document_deletions').delete();
    await deleteFiles(3, 'viết lại: lý do khác');
    expect(await anchorFindings()).toEqual([
      expect.objectContaining({
        kind: 'deletion_log_diverged',
        message: expect.stringMatching(/record 3 no longer has the hash anchored .* rewritten/),
      }),
    ]);
  });

  test('a log cut between two checkpoints is named between them', async () => {
    await deleteFiles(3);
    await createCheckpoint(t.db, at('2031-03-04T17:00:00Z'));
    await t.db('document_deletions').where('seq', '>', 1).delete();
    await createCheckpoint(t.db, at('2031-03-05T17:00:00Z'));
    expect(await anchorFindings()).toEqual([
      expect.objectContaining({
        kind: 'deletion_log_diverged',
        message: expect.stringMatching(/went from 3 records to 1 between checkpoint #1 .* and checkpoint #2/),
      }),
    ]);
  });

  test('a checkpoint stripped of its deletion-log anchor (digest recomputed) after one that had it is tampering', async () => {
    await deleteFiles(2);
    await createCheckpoint(t.db, at('2031-03-04T17:00:00Z'));
    const second = await createCheckpoint(t.db, at('2031-03-05T17:00:00Z'));
    await t
      .db('audit_checkpoints')
      .where({ id: 2 })
      .update({
        deletion_count: null,
        deletion_head: null,
        digest: checkpointDigest({ ...second, deletionCount: null, deletionHead: null }),
      });
    expect((await verifyCheckpoints(t.db)).findings).toEqual([
      expect.objectContaining({
        kind: 'checkpoint_tampered',
        message: expect.stringMatching(/#2 .* does not anchor the deletion log, which checkpoint #1/),
      }),
    ]);
  });
});
