/**
 * `npm run bench -- <name> [options]`: runs a benchmark, prints its figures and appends them to
 * bench/RESULTS.md with the date, commit and machine. `--smoke` runs a tiny size so CI keeps it working.
 */
import { benchEngine } from './engine-write-path';

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const smoke = process.argv.includes('--smoke');
  const which = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'engine';
  if (which === 'engine') {
    await benchEngine({
      lifecycles: Number(arg('lifecycles', smoke ? '5' : '300')),
      concurrency: (arg('concurrency', smoke ? '1' : '1,8') ?? '1').split(',').map(Number),
      postgres: process.argv.includes('--postgres') ? (process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test') : undefined,
    });
  } else {
    throw new Error(`unknown benchmark ${which}; known: engine`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
