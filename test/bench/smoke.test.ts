/**
 * Every benchmark runs in smoke mode (tiny sizes, in-process; the HTTP one starts the real server
 * from the sources as a child process) and prints its figures, so none of them can rot unnoticed.
 * Smoke runs never append to bench/RESULTS.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { runBenchmark } from '../../bench/run';
import { BACKENDS } from '../support/backends';

const RESULTS = path.resolve(__dirname, '..', '..', 'bench', 'RESULTS.md');
/** PostgreSQL too unless the suite runs without it (MOTCUA_TEST_PG=off, outside CI) */
const WITH_PG = BACKENDS.some((b) => b.name === 'postgres') ? ['--postgres'] : [];

describe('the benchmarks in smoke mode', () => {
  let printed: string[];
  let log: jest.SpyInstance;
  let err: jest.SpyInstance;
  let resultsBefore: string;
  const previousTarget = process.env.MOTCUA_BENCH_RESULTS;

  beforeAll(() => {
    resultsBefore = fs.readFileSync(RESULTS, 'utf8');
  });
  beforeEach(() => {
    printed = [];
    log = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
    err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    log.mockRestore();
    err.mockRestore();
  });
  afterAll(() => {
    if (previousTarget === undefined) delete process.env.MOTCUA_BENCH_RESULTS;
    else process.env.MOTCUA_BENCH_RESULTS = previousTarget;
  });

  const output = () => printed.join('\n');

  test('engine: prints lifecycles per second beside the floor', async () => {
    // PostgreSQL too: the "same rows" floor replays what the engine sent, which differs by database
    await runBenchmark('engine', ['engine', '--smoke', ...WITH_PG]);
    expect(output()).toMatch(/engine lifecycles\/s/);
    if (WITH_PG.length > 0) expect(output()).toMatch(/\| PostgreSQL[^|]*\| 1 \| \d+(\.\d+)? \|/);
    for (const driver of ['sqlite3', 'better-sqlite3']) {
      for (const level of ['NORMAL', 'FULL'])
        expect(output()).toMatch(
          new RegExp(`\\| SQLite file \\(WAL, synchronous=${level}\\), ${driver} driver \\| 1 \\| \\d+(\\.\\d+)? \\|`),
        );
    }
  }, 60_000);

  test('audit: one thread and workers find the same, with throughput, per core and peak RSS', async () => {
    await runBenchmark('audit', ['audit', '--smoke', '--workers', '2']);
    const out = output();
    expect(out).toMatch(/\| one thread \| 40 \| 201 \| 0 \|/);
    expect(out).toMatch(/\| 2 workers \| 40 \| 201 \| 0 \|/);
    expect(out).toMatch(/events\/s per core/);
    expect(out).toMatch(/Same result on one thread and on workers: yes/);
  }, 60_000);

  test("http --tail: the slowest requests' latency split by what the server met (main thread off the CPU, GC, held checkpoints)", async () => {
    await runBenchmark('http', [
      'http',
      '--smoke',
      '--clients',
      '2',
      '--warmup-transitions',
      '3',
      '--sqlite-synchronous',
      'NORMAL',
      '--tail',
    ]);
    const out = output();
    expect(out).toMatch(/SQLite \(sqlite3, NORMAL\) × 1, 2 clients: where the slow requests' time went/);
    for (const group of ['all', 'the faster half', 'the slowest 1 %'])
      expect(out).toMatch(new RegExp(`^\\| ${group} \\| \\d+ \\| \\d+ \\| [\\d.]+ ms \\|`, 'm'));
    expect(out).toMatch(/Per 1000 requests: [\d.]+ scavenges/);
  }, 60_000);

  test('http: the real server (SQLite with NORMAL and FULL; two instances on PostgreSQL) with throughput, latency percentiles and no errors', async () => {
    // a warm-up of a few transitions per instance: the window opens on the count, not on the clock
    await runBenchmark('http', ['http', '--smoke', '--clients', '2', '--warmup-transitions', '3', ...WITH_PG]);
    const out = output();
    expect(out).toMatch(/warm-up until 3 transitions per server instance/);
    const rows = out.split('\n').filter((l) => /^\| (SQLite \(sqlite3, (NORMAL|FULL)\) × 1|PostgreSQL × 2) \| 2 \|/.test(l));
    expect(rows).toHaveLength(2 + WITH_PG.length);
    for (const [i, r] of rows.entries()) {
      const cells = r.split('|').map((c) => c.trim());
      expect(Number(cells[3])).toBeGreaterThan(0); // transitions/s
      expect(cells[6]).toMatch(/ms$/); // p50
      expect(cells[10]).toBe('0'); // errors
      // warm-up taken: at least 3 transitions per instance (two instances on PostgreSQL, the last row)
      const warm = /^(\d+) \/ \d+ s$/.exec(cells[11]!);
      expect(Number(warm?.[1])).toBeGreaterThanOrEqual(i === 2 ? 6 : 3);
      expect(Number(cells[12])).toBeGreaterThan(100); // bytes per answer: a dossier view
    }
    expect(out).toMatch(/Targets:/);
  }, 90_000);

  test.each([[[]], ...(WITH_PG.length ? [[WITH_PG]] : [])])(
    'reports %j: every operation timed against its target, bytes per dossier, query plans',
    async (extra: string[]) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-explain-'));
      const explainOut = path.join(dir, 'plans.md');
      let plans: string;
      try {
        await runBenchmark('reports', ['reports', '--smoke', '--explain', '--explain-out', explainOut, ...extra]);
        plans = fs.readFileSync(explainOut, 'utf8');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
      const out = output();
      for (const name of [
        'compliance metrics',
        'weekly late review',
        'inbox of specialist',
        'inbox of a leader',
        'list: overdue',
        'no-change deadline sweep',
      ]) {
        expect(out).toMatch(new RegExp(`\\| ${name}[^|]*\\| \\d+(\\.\\d+)? ms \\|`));
      }
      expect(out).toMatch(/Per dossier: \*\*\d+(\.\d+)? (B|KiB)\*\*/);
      // every table kept per dossier counts in the bytes per dossier, not only the events and the projection
      for (const table of ['dossiers', 'dossier_events', 'dossier_class_history', 'document_refs', 'blobs'])
        expect(out).toMatch(new RegExp(`\\| ${table} \\| table \\|`));
      expect(plans).toMatch(/### inbox of a leader[\s\S]*```sql[\s\S]*dossiers/);
      if (extra.includes('--postgres')) expect(plans).toMatch(/Buffers: shared hit=/);
    },
    60_000,
  );

  test('outbox: write overhead per number of subscribers, and dispatcher deliveries per second', async () => {
    await runBenchmark('outbox', ['outbox', '--smoke', ...WITH_PG]);
    const out = output();
    expect(out).toMatch(/\| 0 \| \d+ \| 1\.00 \| \d+\.\d\d \| 1\.00 \| \d+\.\d/);
    expect(out).toMatch(/\| 3 \| \d+ \| \d+\.\d+ \([+-]\d+\.\d %\) \| \d+\.\d\d \| \d+\.\d+ \([+-]\d+\.\d %\) \| \d+\.\d/);
    expect(out).toMatch(/dispatcher → local webhook: \d+ of \d+ deliveries in [\d.]+ s = \d+ deliveries\/s\n/);
    expect(out).toMatch(/dispatcher → RabbitMQ \(confirms, persistent\): \d+ deliveries/);
  }, 90_000);

  test('sync-lag: the portal sync lag percentiles under the HTTP load, with the load average', async () => {
    await runBenchmark('sync-lag', ['sync-lag', '--smoke', ...WITH_PG]);
    const out = output();
    for (const db of ['SQLite \\(sqlite3, FULL\\) × 1', ...(WITH_PG.length ? ['PostgreSQL × 2'] : [])])
      expect(out).toMatch(
        new RegExp(`\\| ${db} \\| 2 \\| \\d+ \\| [1-9]\\d* \\| (\\d+(\\.\\d+)? m?s \\| ){4}\\d+ \\| 0 \\| 0 \\| [\\d.]+ → [\\d.]+ \\|`),
      );
  }, 240_000);

  test('profile: CPU per transition beside the floor, and where the engine time goes by step', async () => {
    await runBenchmark('profile', ['profile', '--smoke', ...WITH_PG]);
    const out = output();
    for (const db of ['SQLite \\(sqlite3, NORMAL\\)', 'SQLite \\(better-sqlite3, NORMAL\\)', ...(WITH_PG.length ? ['PostgreSQL'] : [])])
      expect(out).toMatch(new RegExp(`\\| ${db} \\| \\d+\\.\\d{3} \\| \\d+\\.\\d{3} \\| -?\\d+\\.\\d{3} \\|`));
    expect(out).toMatch(/\| step \(innermost on the stack\) \| µs \/ transition \| share of busy \|/);
    expect(out).toMatch(/\| (chart transition \(XState\) \+ invariants|SQL call: [a-z ]+|node_modules\/knex) \| \d+ \| [\d.]+ % \|/);
  }, 90_000);

  test('pure: the engine’s pure work per transition by stage, without SQL', async () => {
    await runBenchmark('pure', ['pure', '--smoke']);
    const out = output();
    expect(out).toMatch(/process CPU per transition: \d+\.\d µs; mean snapshot written: [1-9]\d* B/);
    for (const stage of ['snapshot \\(held or restored\\)', 'planTransition', 'commit: row merge'])
      expect(out).toMatch(new RegExp(`\\| ${stage}[^|]* \\| \\d+\\.\\d \\|`));
  }, 60_000);

  test('documents: upload and download beside a plain copy, attach beside a plain transition', async () => {
    await runBenchmark('documents', ['documents', '--smoke']);
    const out = output();
    expect(out).toMatch(/\| upload \(stream, SHA-256[^|]*\| [\d.]+ \| [\d.]+ \(copy \+ fsync\) \| [\d.]+ \|/);
    expect(out).toMatch(/\| download \(store read stream\) \| [\d.]+ \| [\d.]+ /);
    expect(out).toMatch(/\| ATTACH_DOCUMENT \| [\d.]+ \| [\d.]+ \|/);
  }, 60_000);

  test('growth: the write path on an empty and on a generated database, with their ratio', async () => {
    await runBenchmark('growth', ['growth', '--smoke', ...WITH_PG]);
    const out = output();
    const where = WITH_PG.length ? 'PostgreSQL' : 'SQLite \\(sqlite3 driver\\)';
    expect(out).toMatch(new RegExp(`\\| ${where} \\| 1 \\| \\d+ \\| \\d+ \\| \\d+\\.\\d{2} \\| ≥ 0\\.9 [✔✘] \\|`));
    expect(out).toMatch(/Large: [\d,]+ dossiers/);
  }, 120_000);

  test('history: the write path with the pending-class history beside without it, both lifecycles', async () => {
    await runBenchmark('history', ['history', '--smoke', ...WITH_PG]);
    for (const lifecycle of ['plain', 'stopping'])
      expect(output()).toMatch(
        new RegExp(`\\| SQLite \\(WAL, NORMAL\\), sqlite3 \\| ${lifecycle} \\| \\d+ \\| \\d+ \\| \\d+\\.\\d{2} \\|`),
      );
  }, 120_000);

  test('smoke runs leave bench/RESULTS.md untouched', () => {
    expect(fs.readFileSync(RESULTS, 'utf8')).toBe(resultsBefore);
  });
});
