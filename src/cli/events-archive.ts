/**
 * `npm run events:archive [-- --closed-before YYYY-MM-DD] [--batch N]`: moves the events of the dossiers closed
 * before that day (default: 90 days ago) into the archive, one compressed row per dossier (issue 16, storage;
 * docs/engine.md, "An archive of closed dossiers' events"; src/store/event-archive.ts). Runs as the tables' owner
 * (MIGRATION_DATABASE_URL when set): the application role may not delete events. Each batch of N dossiers
 * (default 1000) is one transaction that locks the dossiers' rows, checks every chain, writes the archive rows,
 * reads them back and deletes the table's rows: a crash leaves each dossier whole in one place. Every reader sees
 * archived events as before. Progress to stderr, the summary to stdout; exit code 0, or 2 on an error.
 */
import { loadConfig } from '../config';
import { migrationsCurrent } from '../../db/migrations';
import { openDb } from '../store/db';
import { dbOptionsFromConfig } from '../app/engine-factory';
import { archiveClosed } from '../store/event-archive';
import { eachOption, runCommand } from './options';

async function main(): Promise<number> {
  let batch = 1000;
  let day = new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10);
  eachOption(process.argv.slice(2), (name, value) => {
    if (name === '--batch') batch = Number(value());
    else if (name === '--closed-before') day = value();
    else throw new Error(`usage: events-archive [--closed-before YYYY-MM-DD] [--batch N] (unknown: ${name})`);
  });
  if (!Number.isInteger(batch) || batch < 1) throw new Error('--batch: a positive whole number of dossiers');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(day))) throw new Error('--closed-before: a day, YYYY-MM-DD');
  const closedBefore = new Date(Date.parse(day)).toISOString();
  const config = loadConfig();
  const db = openDb({ ...dbOptionsFromConfig(config), url: config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL });
  try {
    if (!(await migrationsCurrent(db))) throw new Error('the database schema is not current: run `npm run migrate` first');
    const started = performance.now();
    const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
    const { dossiers, events } = await archiveClosed(db, closedBefore, batch, (done) =>
      process.stderr.write(`${done.dossiers} dossiers (${done.events} events) archived, ${seconds()} s\n`),
    );
    console.log(`${dossiers} dossiers closed before ${day} archived (${events} events) in ${seconds()} s`);
    return 0;
  } finally {
    await db.destroy();
  }
}

runCommand(main);
