/**
 * Fills a database with dossiers through the real engine, for the benchmarks that need data (audit
 * verification, reports smoke runs). Dossier i stops at stage i % 7: received (2 events), assigned
 * (3), past intake (4), awaiting signature (5), returned on time (7, twice) or returned late with
 * an apology (8).
 * Actions go in waves, one moment of the (manual) clock per wave, `concurrency` dossiers at a time.
 */
import type { EngineContext } from '../src/app/engine-factory';
import type { ManualClock } from '../src/engine/clock';
import type { Command } from '../machines/engine/commands';

export const FIXTURE_PROCEDURE = '1.001612';
const COUNTER = { username: 'counter', unit: 'TTPVHCC' };
const SPECIALIST = { username: 'specialist', unit: 'KINHTE' };
const LEADER = { username: 'leader', unit: 'LANHDAO' };

export const hanoi = (local: string): string => new Date(`${local.replace(' ', 'T')}:00+07:00`).toISOString();

const result = (date: string): Command => ({
  type: 'RECORD_RESULT',
  documentNumber: '15/GCN-HKD',
  documentDate: date,
  signer: 'Chủ tịch UBND xã',
  digitised: true,
});

/** Runs `fn` over `items` with at most `concurrency` in flight. */
async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export interface FixtureSummary {
  dossiers: number;
  events: number;
  /** the last instant the clock was set to */
  lastAt: string;
}

export async function generateDossiers(
  ctx: EngineContext,
  clock: ManualClock,
  n: number,
  opts: { concurrency?: number; onProgress?: (done: number) => void } = {},
): Promise<FixtureSummary> {
  const concurrency = opts.concurrency ?? 1;
  const codes: { code: string; stage: number }[] = [];
  let events = 0;
  clock.set(hanoi('2026-03-03 09:00'));
  const indexes = Array.from({ length: n }, (_, i) => i);
  await pool(indexes, concurrency, async (i) => {
    const d = await ctx.engine.submit(
      {
        procedureCode: FIXTURE_PROCEDURE,
        channel: 'counter',
        applicant: {
          fullName: `Nguyễn Văn ${i}`,
          idNumber: `0011900${String(i % 100000).padStart(5, '0')}`,
          phone: `09123${String(i % 100000).padStart(5, '0')}`,
          address: 'Hà Nội',
        },
        documents: [{ name: 'Giấy đề nghị', copies: 1 }],
      },
      COUNTER,
    );
    codes.push({ code: d.code, stage: i % 7 });
    events += 2;
    if (codes.length % 500 === 0) opts.onProgress?.(codes.length);
  });
  const waves: { at: string; from: number; only?: number[]; actor: typeof COUNTER; command: Command }[] = [
    { at: '2026-03-03 10:00', from: 1, actor: COUNTER, command: { type: 'ASSIGN', assignee: 'counter' } },
    { at: '2026-03-03 11:00', from: 2, actor: COUNTER, command: { type: 'COMPLETE_STEP' } },
    { at: '2026-03-04 09:00', from: 3, actor: SPECIALIST, command: { type: 'COMPLETE_STEP' } },
    { at: '2026-03-05 09:00', from: 4, only: [4, 5], actor: LEADER, command: result('2026-03-05') },
    { at: '2026-03-05 14:00', from: 4, only: [4, 5], actor: COUNTER, command: { type: 'RETURN_RESULT', method: 'counter' } },
    { at: '2026-03-10 09:00', from: 6, actor: LEADER, command: result('2026-03-10') },
    {
      at: '2026-03-10 10:00',
      from: 6,
      actor: LEADER,
      command: {
        type: 'ISSUE_APOLOGY',
        reason: 'Chờ xác minh địa điểm kinh doanh',
        signer: 'Trưởng phòng Kinh tế',
        newDueDate: '2026-03-11',
      },
    },
    { at: '2026-03-10 14:00', from: 6, actor: COUNTER, command: { type: 'RETURN_RESULT', method: 'counter' } },
  ];
  let lastAt = hanoi('2026-03-03 09:00');
  for (const w of waves) {
    lastAt = hanoi(w.at);
    clock.set(lastAt);
    const todo = codes.filter((c) => c.stage >= w.from && (!w.only || w.only.includes(c.stage)));
    await pool(todo, concurrency, async (c) => {
      await ctx.engine.act(c.code, w.command, w.actor);
      events += 1;
    });
  }
  return { dossiers: n, events, lastAt };
}
