/**
 * What a benchmark ran on, and appending its figures to bench/RESULTS.md. MOTCUA_BENCH_RESULTS
 * redirects the figures: a file path appends there instead, `off` only prints them (smoke runs).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';

export function machine(): string {
  const commit = (() => {
    try {
      return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
    } catch {
      return 'unknown';
    }
  })();
  return `${new Date().toISOString().slice(0, 10)} · commit ${commit} · ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}) · ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB · Node ${process.version}`;
}

/** Where figures go: bench/RESULTS.md, the file MOTCUA_BENCH_RESULTS names, or nowhere when it is `off`. */
export function resultsTarget(): string | null {
  const env = process.env.MOTCUA_BENCH_RESULTS;
  if (env === 'off') return null;
  if (env) return path.resolve(env);
  // from dist-bench/bench/ (compiled) or bench/ (sources): the repository's bench/RESULTS.md
  for (const dir of [path.resolve(__dirname, '..', '..', 'bench'), path.resolve(__dirname, '..', 'bench'), path.resolve('bench')]) {
    if (fs.existsSync(path.join(dir, 'RESULTS.md'))) return path.join(dir, 'RESULTS.md');
  }
  return path.resolve('bench', 'RESULTS.md');
}

export function appendResults(title: string, lines: string[]): void {
  const block = [`\n## ${title}`, `_${machine()}_`, '', ...lines, ''].join('\n');
  const target = resultsTarget();
  if (target) fs.appendFileSync(target, block);
  console.log(block);
  if (target) console.log(`(recorded in ${path.relative(process.cwd(), target) || target})`);
}
