/**
 * `npm run metrics:rollup -- --rebuild`: derives the compliance rollup (machines/metrics/rollup.ts) from the
 * events alone — every dossier replayed one event at a time — replaces the table with it and marks it
 * complete. Needed once after the migration that adds the rollup to a database that already holds dossiers
 * (until then the metrics read the projection), or to repair it (`npm run metrics:verify` shows any
 * difference). Run it with the application stopped: writes during the rebuild would be lost from the rollup.
 * Progress to stderr, the summary to stdout; exit code 0, or 2 on an error.
 */
import { loadConfig } from '../config';
import { migrationsCurrent } from '../../db/migrations';
import { openDb } from '../store/db';
import { dbOptionsFromConfig } from '../app/engine-factory';
import { CalendarProvider } from '../engine/reference-data';
import { rebuildRollup } from '../metrics/rollup-rebuild';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.join(' ') !== '--rebuild') throw new Error('usage: metrics-rollup --rebuild');
  const db = openDb(dbOptionsFromConfig(loadConfig()));
  try {
    if (!(await migrationsCurrent(db))) throw new Error('the database schema is not current: run `npm run migrate` first');
    const started = performance.now();
    const r = await rebuildRollup(db, new CalendarProvider(db), {
      now: new Date().toISOString(),
      onProgress: (n) => n % 10_000 === 0 && process.stderr.write(`${n} dossiers replayed\n`),
    });
    console.log(
      `rollup rebuilt from the events: ${r.dossiers} dossiers, ${r.days} days, ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    return 0;
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  main()
    .then((code) => process.exit(code))
    .catch((err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(2);
    });
}
