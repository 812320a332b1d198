/**
 * `npm run metrics:rollup -- --rebuild`: derives the compliance rollup's per-day pending classes
 * (machines/metrics/rollup.ts), the rollup by group — the digitisation rollup's table, every other count
 * (machines/metrics/digitisation-rollup.ts) — and the pending-class history
 * (machines/metrics/class-history.ts) from the events alone — every dossier replayed one event at a time —
 * replaces the three tables with them and marks the rollup complete. Needed once after the migration
 * that adds the rollup to a database that already holds dossiers (until then the metrics read the projection), or
 * to repair them. Run it with the application stopped: writes during the rebuild would be lost from the rollup.
 *
 * `npm run metrics:rollup -- --verify`: derives them the same way and compares them with what the write path kept,
 * changing nothing: every day whose pending classes differ, every day × procedure × unit whose counts differ and every
 * dossier whose history says something else at some instant are printed; exit code 1 if there is any.
 * Progress to stderr, the summary to stdout; exit code 0, or 2 on an error.
 */
import { loadConfig } from '../config';
import { migrationsCurrent } from '../../db/migrations';
import { openDb } from '../store/db';
import { dbOptionsFromConfig } from '../app/engine-factory';
import { CalendarProvider } from '../engine/reference-data';
import { classHistoryDifferences, rebuildRollup, rollupFromEvents, type ClassHistoryDifference } from '../metrics/rollup-rebuild';
import { rollupDays } from '../store/rollup-store';
import { ROLLUP_CLASSES } from '../../machines/metrics/rollup';
import { digitisationDifferences } from '../../machines/metrics/digitisation-rollup';
import { digitisationRollupEntries } from '../store/digitisation-rollup-store';

const progress = (n: number) => n % 10_000 === 0 && process.stderr.write(`${n} dossiers replayed\n`);

async function main(): Promise<number> {
  const mode = process.argv.slice(2).join(' ');
  if (mode !== '--rebuild' && mode !== '--verify') throw new Error('usage: metrics-rollup --rebuild | --verify');
  const db = openDb(dbOptionsFromConfig(loadConfig()));
  try {
    if (!(await migrationsCurrent(db))) throw new Error('the database schema is not current: run `npm run migrate` first');
    const started = performance.now();
    const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
    if (mode === '--rebuild') {
      const r = await rebuildRollup(db, new CalendarProvider(db), { now: new Date().toISOString(), onProgress: progress });
      console.log(
        `rollup, digitisation rollup and pending-class history rebuilt from the events: ${r.dossiers} dossiers, ${r.days} days, ${seconds()} s`,
      );
      return 0;
    }
    const histories: ClassHistoryDifference[] = [];
    const derived = await rollupFromEvents(db, new CalendarProvider(db), {
      onProgress: progress,
      onPage: async (page) => {
        histories.push(...(await classHistoryDifferences(db, page)));
      },
    });
    const kept = new Map((await rollupDays(db, '9999-12-31')).map((d) => [d.day, d.values]));
    const days: string[] = [];
    for (const day of [...new Set([...kept.keys(), ...derived.days.keys()])].sort()) {
      const cols = ROLLUP_CLASSES.filter((c) => (kept.get(day)?.[c] ?? 0) !== (derived.days.get(day)?.[c] ?? 0));
      if (cols.length)
        days.push(
          `  KHÁC rollup ${day}: ${cols.map((c) => `${c} kept=${kept.get(day)?.[c] ?? 0} events=${derived.days.get(day)?.[c] ?? 0}`).join(', ')}`,
        );
    }
    const digitisation = digitisationDifferences(await digitisationRollupEntries(db), derived.digitisation.entries());
    for (const d of digitisation)
      days.push(
        `  KHÁC rollup số hóa ${d.day} ${d.procedure} ${d.unit || '(none)'}: ${d.columns.map((c) => `${c.column} kept=${c.kept} events=${c.derived}`).join(', ')}`,
      );
    for (const line of days) console.log(line);
    for (const h of histories)
      console.log(`  KHÁC lịch sử phân loại ${h.dossier}: kept=${JSON.stringify(h.kept)} events=${JSON.stringify(h.derived)}`);
    console.log(
      `${derived.dossiers} hồ sơ được dựng lại từ nhật ký sự kiện; ${days.length - digitisation.length} ngày rollup khác; ${digitisation.length} dòng rollup số hóa khác; ${histories.length} hồ sơ có lịch sử phân loại khác; ${seconds()} s`,
    );
    return days.length + histories.length ? 1 : 0;
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
