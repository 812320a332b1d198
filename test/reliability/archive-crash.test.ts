/**
 * Crash test of `npm run events:archive` (src/store/event-archive.ts; docs/engine.md, "An archive of closed dossiers'
 * events"), on SQLite and PostgreSQL: the archive's run (`archiveClosed`, test/support/archive-child.ts) in a child
 * process over 30 closed dossiers in batches of 4 is killed with SIGKILL at points the child signals: the archive
 * rows of a batch written and the table's not yet deleted, the table's deleted, the COMMIT about to be sent, between
 * two batches, and, after corrections on archived dossiers, an archive row replaced by its grown one. After every
 * kill:
 * - every dossier's events read (as the audit reads them) exactly as before the runs, hashes and all;
 * - no dossier is half archived: each one's archive row (if any) and table rows are seq 1..version, no gap, no
 *   overlap; the batches committed before the kill are archived whole and the killed one not at all;
 * - the whole-database audit finds nothing.
 * Then the real command (src/cli/events-archive.ts) runs to the end: every dossier closed before the day is archived,
 * the corrected ones archived again with their corrections, the others untouched, and the audit finds nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { BACKENDS } from '../support/backends';
import { ACTORS, dossierThroughResult, type StartedEngine, startEngine } from '../support/engine';
import { childEnv, nodeArgsFor, REPO_ROOT } from '../support/server-process';
import { auditFindings } from '../support/db-checks';
import { findDossierByCode, listEventsByDossier } from '../../src/store/dossier-store';
import type { EventRow } from '../../machines/engine/rows';

const DAY = '2026-03-10';
const CUT = `${DAY}T00:00:00.000Z`;
const BATCH = 4;

const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

function run(entry: string, args: string[], env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, [...nodeArgsFor(entry), ...args], {
    cwd: REPO_ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, exited, stdout: () => stdout };
}

describe.each(BACKENDS)('SIGKILL during events:archive on $label', (backend) => {
  let t: StartedEngine;
  let env: Record<string, string | undefined>;
  beforeAll(async () => {
    t = await startEngine(backend, '2026-03-02 09:00');
    env = { DATABASE_URL: t.dbUrl, DATABASE_SCHEMA: t.dbSchema };
  });
  afterAll(async () => t?.drop());

  /** The archive run in a child, killed with SIGKILL where it stops (`POINT:N`, test/support/archive-child.ts). */
  async function killedAt(stop: string): Promise<number> {
    const r = run('test/support/archive-child.ts', [CUT, String(BATCH), stop], env);
    const line = await new Promise<string>((resolve, reject) => {
      r.child.stdout!.on('data', () => {
        const m = /STOPPED \w+ (\d+)/.exec(r.stdout());
        if (m) resolve(m[0]);
      });
      void r.exited.then((s) =>
        reject(new Error(`the archive run ended (${s.code}, ${s.signal}) before ${stop}:\n${s.stdout}\n${s.stderr}`)),
      );
    });
    r.child.kill('SIGKILL');
    expect(await r.exited).toMatchObject({ signal: 'SIGKILL' });
    return Number(line.split(' ')[2]);
  }

  /** Each dossier: its archive row's count (0: none) and its table's seqs, which must be the rest of 1..version. */
  async function layout(ids: string[]): Promise<{ archived: Map<string, number>; halves: string[] }> {
    const archived = new Map(
      ((await t.db('dossier_event_archive').select('dossier_id', 'event_count')) as { dossier_id: unknown; event_count: unknown }[]).map(
        (a) => [String(a.dossier_id), Number(a.event_count)],
      ),
    );
    const halves: string[] = [];
    for (const id of ids) {
      const { version } = (await t.db('dossiers').select('version').where({ id }).first()) as { version: number };
      const seqs = ((await t.db('dossier_events').select('seq').where({ dossier_id: id }).orderBy('seq')) as { seq: unknown }[]).map((r) =>
        Number(r.seq),
      );
      const from = archived.get(id) ?? 0;
      const want = Array.from({ length: Number(version) - from }, (_, i) => from + i + 1);
      if (JSON.stringify(seqs) !== JSON.stringify(want))
        halves.push(`${id}: archived 1..${from}, table ${seqs.join(',')}, version ${version}`);
    }
    return { archived, halves };
  }

  test('no dossier loses an event or is left half archived, the audit finds nothing, and the run completes after', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 30; i++) codes.push(await dossierThroughResult(t, `2026-03-0${2 + (i % 5)}`, { returned: true }));
    const open = [
      await dossierThroughResult(t, '2026-03-03', { returned: false }),
      await dossierThroughResult(t, '2026-03-04', { returned: false }),
    ];
    const recent = [await dossierThroughResult(t, '2026-03-11', { returned: true })];
    const ids = await Promise.all([...codes, ...open, ...recent].map(async (c) => (await findDossierByCode(t.db, c))!.id));
    const closedIds = ids.slice(0, codes.length);
    let expected = await listEventsByDossier(t.db, ids, true);
    expect([...expected.values()].flat()).toHaveLength(30 * 7 + 2 * 6 + 7);

    const check = async (archivedCount: number) => {
      const l = await layout(ids);
      expect(l.halves).toEqual([]);
      expect(l.archived.size).toBe(archivedCount);
      const now: Map<string, EventRow[]> = await listEventsByDossier(t.db, ids, true);
      for (const id of ids) expect({ id, events: now.get(id) }).toEqual({ id, events: expected.get(id) });
      const audit = await auditFindings(t.db);
      expect(audit.findings).toEqual([]);
      expect(audit.events).toBe([...expected.values()].flat().length);
      return l;
    };

    // each run pages from the first dossier not yet archived: batch N of a run holds the (N-1)*4 after the archived
    expect(await killedAt('insert:2')).toBe(2);
    await check(BATCH);
    expect(await killedAt('delete:3')).toBe(3);
    await check(3 * BATCH);
    expect(await killedAt('commit:1')).toBe(1);
    await check(3 * BATCH);
    expect(await killedAt('after:2')).toBe(2);
    await check(5 * BATCH);

    // corrections on three archived dossiers and one not yet archived, then a run killed as it grows an archive row
    const archivedNow = (await layout(ids)).archived;
    const corrected = [...closedIds.filter((id) => archivedNow.has(id)).slice(0, 3), closedIds.find((id) => !archivedNow.has(id))!];
    t.at('2026-03-12 09:00');
    for (const id of corrected) {
      const { code } = (await t.db('dossiers').select('code').where({ id }).first()) as { code: string };
      await t.engine.act(
        code,
        { type: 'CORRECT_RESULT', reason: 'Sai ngày ký', documentNumber: 'Đ/1', documentDate: '2026-03-05', signer: 'leader' },
        ACTORS.leader,
      );
    }
    expected = await listEventsByDossier(t.db, ids, true);
    const k = await killedAt('update:1');
    const l = await check(5 * BATCH + (k - 1) * BATCH);
    for (const id of corrected.slice(0, 3)) expect(l.archived.get(id)).toBe(7);

    // the real command, run to the end
    const done = await run('src/cli/events-archive.ts', ['--closed-before', DAY, '--batch', String(BATCH)], env).exited;
    expect(done).toMatchObject({ code: 0, signal: null });
    expect(done.stdout).toMatch(new RegExp(`dossiers closed before ${DAY} archived`));
    const end = await check(codes.length);
    for (const id of closedIds) expect(end.archived.get(id)).toBe(corrected.includes(id) ? 8 : 7);
    for (const id of ids.slice(codes.length)) expect(end.archived.has(id)).toBe(false);
  }, 240_000);
});
