/**
 * The engine's pure work per transition, without any SQL: the bench lifecycle (./engine-write-path.ts `lifecycle`:
 * submit + receive, assign, two steps, result, return) planned in process with the engine's own functions —
 * `planSubmission`; per action the held or restored snapshot (src/engine/restore-row.ts `WrittenSnapshots`), `can`,
 * `stampCommand`, `planTransition`, and the commit's row merge and rollup / class-history deltas — on the reference
 * data of a fresh database. Process CPU (user + system) per transition, and each stage's CPU (timed with
 * `process.cpuUsage`, whose own cost, ≈ 1–2 µs a call, is in every stage). What the engine bench's engine − floor
 * gap owes to the chart, apart from the drivers and the transaction machinery.
 *
 *   npm run bench -- pure [--lifecycles 2000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openBenchContext, SUB, counter, specialist, leader } from './engine-write-path';
import { appendResults } from './machine-info';
import { planSubmission, planTransition, type FullRow } from '../machines/engine/plan';
import { stampCommand } from '../machines/engine/stamp';
import type { Command } from '../machines/engine/commands';
import type { ActorRef, DossierEvent } from '../machines/dossier';
import { DOCUMENT_RULE_EVENTS, documentRulesOf } from '../machines/documents/rules';
import { rollupDelta, rollupFactsOfRow } from '../machines/metrics/rollup';
import { digitisationDelta, digitisationFactsOfRow } from '../machines/metrics/digitisation-rollup';
import { classFactsOf, sameClassFacts } from '../machines/metrics/class-history';
import { WrittenSnapshots } from '../src/engine/restore-row';
import type { Db } from '../src/store/db';

const ACTIONS: [Command, ActorRef][] = [
  [{ type: 'ASSIGN', assignee: 'counter' }, counter],
  [{ type: 'COMPLETE_STEP' }, counter],
  [{ type: 'COMPLETE_STEP' }, specialist],
  [{ type: 'RECORD_RESULT', documentNumber: '1/GCN', documentDate: '2026-03-03', signer: 'TP', digitised: true }, leader],
  [{ type: 'RETURN_RESULT', method: 'counter' }, counter],
];

const STAGES = [
  'submission (plan + rollup deltas)',
  'snapshot (held or restored)',
  'is it allowed (can)',
  'stamp',
  'planTransition',
  'commit: row merge + rollup/class deltas',
] as const;

const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

export async function benchEnginePure(args: { lifecycles: number }): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-pure-'));
  const ctx = await openBenchContext({ url: path.join(dir, 'pure.sqlite'), sqliteDriver: 'better-sqlite3' });
  const def = await ctx.procedures.latest(SUB.procedureCode);
  const cal = await ctx.calendars.latest();
  await ctx.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const held = new WrittenSnapshots();
  const noDb = null as unknown as Db; // every row read here holds the text just written: the held snapshot answers
  const stageUs = new Map<string, number>();
  const add = (stage: (typeof STAGES)[number], t0: number) => stageUs.set(stage, (stageUs.get(stage) ?? 0) + cpuNow() - t0);
  let ms = Date.parse('2026-03-03T02:00:00Z');
  let n = 0;
  const now = () => new Date(ms++).toISOString();
  let snapshotBytes = 0;
  const one = async () => {
    let t0 = cpuNow();
    const at = now();
    n += 1;
    const id = `0190aaaa-0000-7000-8000-${String(n).padStart(12, '0')}`;
    const input = { id, code: `X-260303-${n}`, agencyCode: 'X', def, sub: SUB, actor: counter, at, chartVersion: 3, cal };
    const planned = planSubmission(input, cal.officeDayMs);
    const facts = rollupFactsOfRow(planned.row as unknown as Record<string, unknown>);
    classFactsOf(facts);
    rollupDelta(null, facts, at, cal);
    digitisationDelta(null, digitisationFactsOfRow(planned.row as unknown as Record<string, unknown>, facts));
    held.remember(id, planned.row.machine_version, planned.row.snapshot, planned.snapshot);
    add('submission (plan + rollup deltas)', t0);
    let row: FullRow = planned.row;
    for (const [cmd, actor] of ACTIONS) {
      t0 = cpuNow();
      const { chart, snapshot } = await held.restore(noDb, row);
      add('snapshot (held or restored)', t0);
      t0 = cpuNow();
      if (!snapshot.can({ type: cmd.type } as DossierEvent)) throw new Error(`${cmd.type} not allowed`);
      add('is it allowed (can)', t0);
      t0 = cpuNow();
      const documents = DOCUMENT_RULE_EVENTS.includes(cmd.type) ? documentRulesOf(def) : undefined;
      const event = stampCommand(cmd, snapshot.context, now(), actor, cal, documents ? { documents } : {});
      add('stamp', t0);
      t0 = cpuNow();
      const p = planTransition({ row, chart, snapshot }, event, cal, cal.officeDayMs);
      add('planTransition', t0);
      t0 = cpuNow();
      const next = { ...row, ...p.patch } as FullRow;
      const before = rollupFactsOfRow(row as unknown as Record<string, unknown>);
      const after = rollupFactsOfRow(next as unknown as Record<string, unknown>);
      sameClassFacts(classFactsOf(before), classFactsOf(after));
      rollupDelta(before, after, p.patch.updated_at, cal);
      digitisationDelta(
        digitisationFactsOfRow(row as unknown as Record<string, unknown>, before),
        digitisationFactsOfRow(next as unknown as Record<string, unknown>, after),
      );
      held.remember(id, next.machine_version, next.snapshot, p.next);
      add('commit: row merge + rollup/class deltas', t0);
      snapshotBytes += next.snapshot?.length ?? 0;
      row = next;
    }
  };
  for (let i = 0; i < Math.min(200, args.lifecycles); i++) await one(); // warm-up
  stageUs.clear();
  snapshotBytes = 0;
  const load = os.loadavg();
  const c0 = cpuNow();
  for (let i = 0; i < args.lifecycles; i++) await one();
  const cpuUs = cpuNow() - c0;
  const transitions = args.lifecycles * 7;
  appendResults(`Engine pure work per transition, no SQL (${args.lifecycles} lifecycles of 7 transitions, bench/engine-pure.ts)`, [
    `load average at start: ${load.map((x) => x.toFixed(2)).join(' ')}`,
    '',
    `process CPU per transition: ${(cpuUs / transitions).toFixed(1)} µs; mean snapshot written: ${(snapshotBytes / (args.lifecycles * ACTIONS.length)).toFixed(0)} B`,
    '',
    '| stage | CPU µs / transition |',
    '|---|---|',
    ...STAGES.map((s) => `| ${s} | ${((stageUs.get(s) ?? 0) / transitions).toFixed(1)} |`),
  ]);
}
