/**
 * `npm run dossiers:compact [-- --closed-before YYYY-MM-DD] [--batch N] [--vacuum-full]`: empties the chart
 * snapshot of the dossiers closed before that day (default: 90 days ago) that still hold one (issue 16: the
 * snapshot is a cache of replaying the events, which every reader does for a row without one,
 * src/engine/restore-row.ts), in batches of N rows (default 10000), each its own transaction, so it may run
 * beside the application. Recently closed dossiers keep theirs: the lists, recent first, show them without replay.
 * The space is reused by later rows at once; `--vacuum-full` then gives it back to the file system by rewriting the table and its indexes (PostgreSQL `VACUUM FULL dossiers`, which locks the
 * table for its duration: run it with the application stopped; SQLite `VACUUM`).
 * Progress to stderr, the summary to stdout; exit code 0, or 2 on an error.
 */
import { loadConfig } from '../config';
import { migrationsCurrent } from '../../db/migrations';
import { openDb } from '../store/db';
import { dbOptionsFromConfig } from '../app/engine-factory';
import { clearClosedSnapshots, rewriteDossiersTable } from '../store/dossier-store';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--batch');
  const batch = at >= 0 ? Number(args[at + 1]) : 10_000;
  if (!Number.isInteger(batch) || batch < 1) throw new Error('--batch: a positive whole number of rows');
  const cb = args.indexOf('--closed-before');
  const day = cb >= 0 ? String(args[cb + 1]) : new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(day))) throw new Error('--closed-before: a day, YYYY-MM-DD');
  const closedBefore = new Date(Date.parse(day)).toISOString();
  const unknown = args.filter(
    (a, i) => !['--vacuum-full', '--batch', '--closed-before'].includes(a) && (at < 0 || i !== at + 1) && (cb < 0 || i !== cb + 1),
  );
  if (unknown.length)
    throw new Error(`usage: dossiers-compact [--closed-before YYYY-MM-DD] [--batch N] [--vacuum-full] (unknown: ${unknown.join(' ')})`);
  const db = openDb(dbOptionsFromConfig(loadConfig()));
  try {
    if (!(await migrationsCurrent(db))) throw new Error('the database schema is not current: run `npm run migrate` first');
    const started = performance.now();
    const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
    let cleared = 0;
    for (let n; (n = await clearClosedSnapshots(db, closedBefore, batch)) > 0;) {
      cleared += n;
      process.stderr.write(`${cleared} closed dossiers' snapshots emptied, ${seconds()} s\n`);
    }
    console.log(`${cleared} snapshots of dossiers closed before ${day} emptied in ${seconds()} s`);
    if (args.includes('--vacuum-full')) {
      const t = performance.now();
      await rewriteDossiersTable(db);
      console.log(`dossiers table rewritten in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    return 0;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
