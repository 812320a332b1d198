/**
 * CPU time of processes from /proc (Linux), to say where a benchmark's cores went: the server
 * processes, PostgreSQL's backends, the load generator. Elsewhere it reports nothing.
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';

let ticks: number | null = null;
function clockTicks(): number {
  if (ticks === null) {
    try {
      ticks =
        Number(
          execSync('getconf CLK_TCK', { stdio: ['ignore', 'pipe', 'ignore'] })
            .toString()
            .trim(),
        ) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** user + system CPU seconds of one process (all its threads), or null when unknown. */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // after "pid (comm) ": state is field 3, utime 14 and stime 15 (1-based) → indexes 11 and 12 here
    return (Number(fields[11]) + Number(fields[12])) / clockTicks();
  } catch {
    return null;
  }
}

/** CPU seconds of each of these processes now (those that ended are left out). */
export function cpuSecondsOfEach(pids: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    const v = cpuSecondsOf(pid);
    if (v !== null) out.set(pid, v);
  }
  return out;
}

/** CPU seconds used between two snapshots of processes: a process only in `after` started meanwhile and counts whole. */
export function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, v] of after) sum += v - (before.get(pid) ?? 0);
  return sum;
}

/** The machine's busy CPU seconds (all processes, all cores) from /proc/stat, or null. */
export function machineBusySeconds(): number | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    return (total - idle) / clockTicks();
  } catch {
    return null;
  }
}
