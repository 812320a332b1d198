/**
 * Throughput of whole-database verification (src/audit/verify-all.ts) on SQLite.
 * Generates N dossiers through the real engine (default 2000) at a mix of stages, takes a checkpoint,
 * runs verify-all, prints dossiers/s, events/s and peak RSS, and appends a line to bench/RESULTS.md.
 *
 *   npm run bench:audit -- [--dossiers N] [--db FILE] [--page-size N] [--workers N] [--no-record]
 *
 * --db FILE keeps the generated database (and reuses it when it exists, skipping generation), so a
 * large database is generated once and verified many times.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngineContext } from '../src/app/engine-factory';
import { ManualClock } from '../src/engine/clock';
import type { Command } from '../src/engine/commands';
import { createCheckpoint } from '../src/audit/checkpoints';
import { verifyAll } from '../src/audit/verify-all';

const PROC = '1.001612';
const COUNTER = { username: 'counter', unit: 'TTPVHCC' };
const SPECIALIST = { username: 'specialist', unit: 'KINHTE' };
const LEADER = { username: 'leader', unit: 'LANHDAO' };
const approve: Command = { type: 'RECORD_RESULT', documentNumber: '15/GCN-HKD', documentDate: '2026-03-05', signer: 'Chủ tịch UBND xã', digitised: true };

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const hanoi = (local: string) => new Date(`${local.replace(' ', 'T')}:00+07:00`).toISOString();

async function generate(file: string, n: number): Promise<void> {
  const clock = new ManualClock(hanoi('2026-03-03 09:00'));
  const ctx = await createEngineContext({ url: file, clock });
  const started = performance.now();
  try {
    for (let i = 0; i < n; i++) {
      // Stages cycle: 2 events (received), 3, 4, 5, 7 (returned), 7, 7 — most dossiers in a real database are closed.
      const stage = i % 7;
      clock.set(hanoi('2026-03-03 09:00'));
      const d = await ctx.engine.submit(
        { procedureCode: PROC, channel: 'counter', applicant: { fullName: `Nguyễn Văn ${i}`, idNumber: '001190012345', phone: '0912345678', address: 'Hà Nội' }, documents: [{ name: 'Giấy đề nghị', copies: 1 }] },
        COUNTER,
      );
      if (stage === 0) continue;
      clock.set(hanoi('2026-03-03 10:00'));
      await ctx.engine.act(d.code, { type: 'ASSIGN', assignee: 'counter' }, COUNTER);
      if (stage === 1) continue;
      clock.set(hanoi('2026-03-03 11:00'));
      await ctx.engine.act(d.code, { type: 'COMPLETE_STEP' }, COUNTER);
      if (stage === 2) continue;
      clock.set(hanoi('2026-03-04 09:00'));
      await ctx.engine.act(d.code, { type: 'COMPLETE_STEP' }, SPECIALIST);
      if (stage === 3) continue;
      clock.set(hanoi('2026-03-05 09:00'));
      await ctx.engine.act(d.code, approve, LEADER);
      clock.set(hanoi('2026-03-05 14:00'));
      await ctx.engine.act(d.code, { type: 'RETURN_RESULT', method: 'counter' }, COUNTER);
      if ((i + 1) % 500 === 0) process.stderr.write(`\rgenerated ${i + 1}/${n} dossiers`);
    }
    await createCheckpoint(ctx.db, hanoi('2026-03-05 17:00'));
  } finally {
    await ctx.close();
  }
  process.stderr.write(`\rgenerated ${n} dossiers in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

async function main(): Promise<void> {
  const n = Number(arg('--dossiers') ?? 2000);
  const pageSize = Number(arg('--page-size') ?? 500);
  const workers = Number(arg('--workers') ?? 0);
  const keep = arg('--db');
  const dir = keep ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-bench-'));
  const file = keep ? path.resolve(keep) : path.join(dir!, 'bench.sqlite');
  try {
    if (!fs.existsSync(file)) await generate(file, n);
    const ctx = await createEngineContext({ url: file, prepare: false });
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sample = () => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    };
    const timer = setInterval(sample, 20);
    let summary;
    try {
      summary = await verifyAll(ctx.db, { pageSize, workers, progressEveryMs: 0, onProgress: sample });
    } finally {
      clearInterval(timer);
      await ctx.close();
    }
    sample();
    const size = fs.statSync(file).size + (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0);
    const mb = (b: number) => `${Math.round(b / 1048576)} MB`;
    const perMillion = summary.dossiersPerSecond > 0 ? 1_000_000 / summary.dossiersPerSecond : 0;
    const lines = [
      `dossiers        ${summary.dossiers}`,
      `events          ${summary.events}`,
      `findings        ${summary.findings}`,
      `elapsed         ${(summary.elapsedMs / 1000).toFixed(2)} s`,
      `dossiers/s      ${summary.dossiersPerSecond}`,
      `events/s        ${summary.eventsPerSecond}`,
      `peak RSS        ${mb(peakRss)} during verification (${mb(rssBefore)} before; process max ${mb(process.resourceUsage().maxRSS * 1024)})`,
      `database        SQLite, ${mb(size)}`,
      `1M dossiers     ≈ ${(perMillion / 60).toFixed(1)} min at this rate (extrapolated)`,
    ];
    console.log(lines.join('\n'));
    if (!process.argv.includes('--no-record')) {
      const target = path.resolve('bench/RESULTS.md'); // run from the repository root
      const cpu = os.cpus()[0]?.model.trim() ?? '?';
      const block = [
        '',
        `## audit:verify — whole-database verification (${summary.dossiers} dossiers, bench/audit-verify.ts)`,
        `_${new Date().toISOString().slice(0, 10)} · ${os.cpus().length} cores (${cpu}) · ${mb(os.totalmem())} · Node ${process.version} · load average ${os.loadavg()[0]!.toFixed(1)}_`,
        '',
        'Hash chain, replay through the chart, head and projection for every dossier, then the checkpoint anchors. The 1M column is extrapolated linearly from the measured rate.',
        '',
        '| database | dossiers | events | workers | elapsed | dossiers/s | events/s | peak RSS | 1M dossiers |',
        '|---|---|---|---|---|---|---|---|---|',
        `| SQLite file (WAL, ${mb(size)}), pages of ${pageSize} | ${summary.dossiers} | ${summary.events} | ${workers} | ${(summary.elapsedMs / 1000).toFixed(2)} s | ${summary.dossiersPerSecond} | ${summary.eventsPerSecond} | ${mb(peakRss)} | ≈ ${(perMillion / 60).toFixed(0)} min |`,
        '',
      ].join('\n');
      fs.appendFileSync(target, block);
      console.log(`recorded in ${path.relative(process.cwd(), target)}`);
    }
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
