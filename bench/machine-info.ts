/** What a benchmark ran on, and appending its figures to bench/RESULTS.md. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';

export function machine(): string {
  const commit = (() => {
    try {
      return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    } catch {
      return 'unknown';
    }
  })();
  return `${new Date().toISOString().slice(0, 10)} · commit ${commit} · ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}) · ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB · Node ${process.version}`;
}

export function appendResults(title: string, lines: string[]): void {
  const file = path.resolve(__dirname, '..', '..', 'bench', 'RESULTS.md');
  const target = fs.existsSync(path.dirname(file)) ? file : path.resolve('bench', 'RESULTS.md');
  const block = [`\n## ${title}`, `_${machine()}_`, '', ...lines, ''].join('\n');
  fs.appendFileSync(target, block);
  console.log(block);
}
