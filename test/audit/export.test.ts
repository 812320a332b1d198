/**
 * A dossier's history exported with its chain verifies offline with the independent script
 * (src/audit/standalone/verify-export.js, node:crypto and node:fs only), run as a separate process;
 * a tampered export, or the export of a tampered dossier, fails at the first broken event.
 */
import { CURRENT_CHART_VERSION } from '../../machines/dossier';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BACKENDS } from '../support/backends';
import { ACTORS, APPROVE, type StartedEngine, startEngine, submission } from '../support/engine';
import { canonicalJson as ours } from '../../machines/engine/hash';
import { exportDossier, type DossierExport } from '../../src/audit/export';
import { asDatabaseOwner } from '../support/db-owner';
import { createCheckpoint } from '../../src/audit/checkpoints';

const SCRIPT = path.resolve(__dirname, '../../src/audit/standalone/verify-export.js');
const PROC = '1.001612';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the standalone verifier is plain CommonJS JavaScript, loaded as an inspector would
const standalone = require(SCRIPT) as { canonicalJson(v: unknown): string; eventHash(prev: string, content: unknown): string };

function run(doc: unknown, ...args: string[]): { status: number | null; stdout: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-export-'));
  const file = path.join(dir, 'dossier.json');
  fs.writeFileSync(file, JSON.stringify(doc, null, 2));
  try {
    const r = spawnSync(process.execPath, [SCRIPT, file, ...args], { encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('the standalone script uses only node:crypto and node:fs', () => {
  const source = fs.readFileSync(SCRIPT, 'utf8');
  const required = [...source.matchAll(/require\(['"]([^'"]+)['"]\)/g)].map((m) => m[1]);
  expect(new Set(required)).toEqual(new Set(['node:crypto', 'node:fs']));
  expect(source).not.toMatch(/\bimport\s/);
});

test("the standalone canonical JSON is the engine's", () => {
  const values = [null, 1, 'ầ', [1, undefined, { b: 2, a: [{ d: null, c: 'x' }] }], { z: undefined, Ä: 1, A: 2, a: { y: true, x: -0 } }];
  for (const v of values) expect(standalone.canonicalJson(v)).toBe(ours(v));
});

describe.each(BACKENDS)('exporting a dossier on $name', (backend) => {
  let t: StartedEngine;
  let code: string;
  let id: string;
  let doc: DossierExport;
  beforeAll(async () => {
    t = await startEngine(backend);
    t.at('2026-03-03 09:00');
    ({ code, id } = await t.engine.submit(submission(PROC), ACTORS.counter));
    t.at('2026-03-03 10:00');
    await t.engine.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    await t.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
    await t.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.specialist);
    await t.engine.act(code, APPROVE, ACTORS.leader);
    t.at('2026-03-05 14:00');
    doc = await exportDossier(t.db, code, t.clock.now());
  });
  afterAll(async () => t.drop());

  test('the export is one document with every event and its chain', () => {
    expect(doc).toMatchObject({
      format: 'motcua-dossier-export/1',
      dossierId: id,
      code,
      exportedAt: '2026-03-05T07:00:00.000Z',
      head: { seq: 6 },
    });
    expect(doc.events.map((e) => e.type)).toEqual(['SUBMIT', 'RECEIVE', 'ASSIGN', 'COMPLETE_STEP', 'COMPLETE_STEP', 'RECORD_RESULT']);
    expect(doc.events[0]).toEqual(
      expect.objectContaining({
        seq: 1,
        prevHash: '0'.repeat(64),
        actor: 'counter',
        actorUnit: 'TTPVHCC',
        machineVersion: CURRENT_CHART_VERSION,
      }),
    );
    expect(doc.head.hash).toBe(doc.events[5]!.hash);
  });

  test('an export verifies offline with the independent script', () => {
    const usage = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
    const r = run(doc, '--head', doc.events[2]!.hash);
    expect(r).toEqual({
      status: 0,
      stdout: `OK ${code}: 6 events, head seq 6 ${doc.head.hash}\ncheckpoints: none in the export (not checked)\n`,
    });
  });

  test('an edited event in the export fails at that event', () => {
    const edited = structuredClone(doc);
    (edited.events[2]!.payload as { assignee: string }).assignee = 'mallory';
    expect(run(edited)).toEqual({ status: 1, stdout: 'BROKEN at seq 3: ASSIGN: content does not match its hash (edited)\n' });
  });

  test('events cut from the end of an export fail at the head', () => {
    const cut = structuredClone(doc);
    cut.events.pop();
    const r = run(cut);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^BROKEN at seq 6: head names seq 6 but the events end at seq 5/);
  });

  test('a removed or reordered event fails where the chain breaks', () => {
    const removed = structuredClone(doc);
    removed.events.splice(3, 1);
    expect(run(removed).stdout).toMatch(/^BROKEN at seq 4: seq 4 missing/);
    const swapped = structuredClone(doc);
    const [a, b] = [swapped.events[3]!, swapped.events[4]!];
    [a.seq, b.seq] = [b.seq, a.seq];
    swapped.events[3] = b;
    swapped.events[4] = a;
    expect(run(swapped).stdout).toMatch(/^BROKEN at seq 4: COMPLETE_STEP: prevHash does not match/);
  });

  test('a rewritten history fails against a head hash kept elsewhere', () => {
    expect(run(doc, '--head', 'a'.repeat(64))).toMatchObject({ status: 1, stdout: expect.stringMatching(/--head is not in this chain/) });
  });

  test('the checkpoints in the export are verified offline: a tampered checkpoint, or a history no longer reaching an anchored head, is BROKEN', async () => {
    const checkpoint = await createCheckpoint(t.db, t.clock.now()); // anchors the head at seq 6
    await t.engine.act(code, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter);
    const withCps = await exportDossier(t.db, code, t.clock.now());
    expect(withCps.checkpoints).toEqual([expect.objectContaining({ id: 1, digest: checkpoint.digest })]);
    expect(withCps.anchoredHeads).toEqual([{ checkpointId: 1, seq: 6, hash: doc.head.hash }]);
    const ok = run(withCps, '--anchor', `1:${checkpoint.digest}`);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain(
      `checkpoints: 1 chained and hashed (the last #1 ${checkpoint.digest}), 1 equal to the digest kept elsewhere; 1 head(s) of this dossier they anchored reached by its events\n`,
    );

    const altered = structuredClone(withCps);
    altered.checkpoints[0]!.eventCount += 1;
    expect(run(altered)).toEqual({ status: 1, stdout: 'BROKEN: checkpoint #1 was altered: its digest does not match its fields\n' });
    const unlinked = structuredClone(withCps);
    unlinked.checkpoints[0]!.prevDigest = 'b'.repeat(64);
    expect(run(unlinked).stdout).toBe('BROKEN: checkpoint #1 does not link to the digest of the checkpoint before it\n');
    expect(run(withCps, '--anchor', `1:${'c'.repeat(64)}`).stdout).toBe('BROKEN: checkpoint #1 differs from the digest kept elsewhere\n');

    // the history rewritten after the checkpoint, every hash recomputed: its own chain verifies, the anchor does not
    const rewritten = structuredClone(withCps);
    (rewritten.events[5]!.payload as { documentNumber: string }).documentNumber = '99/GCN-HKD';
    let prev = rewritten.events[4]!.hash;
    for (const e of rewritten.events.slice(5)) {
      e.prevHash = prev;
      const { dossierId } = rewritten;
      const { seq, type, payload, actor, actorUnit, occurredAt, machineVersion } = e;
      e.hash = standalone.eventHash(prev, { dossierId, seq, type, payload, actor, actorUnit, occurredAt, machineVersion });
      prev = e.hash;
    }
    rewritten.head = rewritten.recordedHead = { seq: 7, hash: prev };
    expect(run(rewritten).stdout).toBe(
      'BROKEN at seq 6: checkpoint #1 anchored another hash at this seq (the history was rewritten after it)\n',
    );
    // cut back before the anchored head, with the head moved to match
    const cut = structuredClone(withCps);
    cut.events.splice(5);
    cut.head = cut.recordedHead = { seq: 5, hash: cut.events[4]!.hash };
    expect(run(cut).stdout).toBe('BROKEN at seq 6: checkpoint #1 anchored seq 6, which the events no longer reach (events removed)\n');
  });

  test('the export of a dossier tampered in the database fails offline too', async () => {
    await asDatabaseOwner(t.db); // as the database owner: the application itself cannot change history
    await t.db('dossier_events').where({ dossier_id: id, seq: 2 }).update({ actor: 'mallory' });
    const tampered = await exportDossier(t.db, code, t.clock.now());
    expect(run(tampered)).toEqual({ status: 1, stdout: 'BROKEN at seq 2: RECEIVE: content does not match its hash (edited)\n' });
  });
});
