/**
 * The HTTP benchmark's `--tail` split (bench/server-tail.ts): a request's latency is cut at the server's own arrival
 * and answer times, and what overlapped it (the main thread runnable but off the CPU, GC pauses, held WAL
 * checkpoints) is counted only for the part of its span each one covered.
 */
import { tailLines, type SchedSample, type ServerTail, type TimedRequest } from '../../bench/server-tail';

const T = 1_000_000;

function row(lines: string[], name: string): string[] {
  const line = lines.find((l) => l.startsWith(`| ${name} |`));
  if (!line) throw new Error(`no row ${name} in\n${lines.join('\n')}`);
  return line
    .split('|')
    .slice(2, -1)
    .map((c) => c.trim());
}

test('the slowest requests are split by what covered their span, and the typical ones are not charged for it', () => {
  // 99 requests of 10 ms, one after another, then one of 100 ms that a 30 ms hold and a 5 ms scavenge fall into
  const requests: TimedRequest[] = Array.from({ length: 99 }, (_, i) => [T + i * 10, 10, 'e', String(i), 0] as TimedRequest);
  requests.push([T + 1000, 100, 's', 'slow', 0]);
  const server: ServerTail = {
    gc: [[T + 1050, 5, 'scavenge']],
    held: [[T + 1020, 30]],
    requests: Object.fromEntries(requests.map((r) => [r[3], [r[0] + 1, r[1] - 2]])),
    loopDelay: { p50: 1, p99: 2, max: 3 },
  };
  // the main thread waited for a CPU 40 ms in [T + 1000, T + 1100] only
  const sched: SchedSample[] = [
    [T, 0, 0],
    [T + 1000, 1000, 0],
    [T + 1100, 1060, 40],
  ];
  const lines = tailLines('test', requests, [server], [sched], 1);
  // n, submissions, mean latency, before the server, in the server, CPU wait, GC, held (share)
  expect(row(lines, 'the slowest 1 %')).toEqual(['1', '1', '100 ms', '1.00 ms', '98.0 ms', '40.0 ms', '5.00 ms', '30.0 ms (100 %)']);
  expect(row(lines, 'the faster half')).toEqual(['50', '0', '10.0 ms', '1.00 ms', '8.00 ms', '0.00 ms', '0.00 ms', '0.00 ms (0 %)']);
  expect(row(lines, 'all')[0]).toBe('100');
  expect(row(lines, 'all')[7]).toBe('0.30 ms (1 %)');
  expect(lines.join('\n')).toContain('10.0 held checkpoints');
});
