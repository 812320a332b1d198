/**
 * `events:archive`'s run (`archiveClosed`, as src/cli/events-archive.ts runs it, on the database the environment
 * names as the CLI reads it) in a child process that test/reliability/archive-crash.test.ts kills with SIGKILL.
 *
 *   node -r test/support/ts-hook.js test/support/archive-child.ts CLOSED_BEFORE BATCH STOP
 *
 * STOP is POINT:N: at the Nth batch's POINT the child prints "STOPPED POINT N" and blocks its thread, so the kill
 * finds the batch exactly there. POINT: `insert` (the archive rows written, the table's rows not yet deleted),
 * `update` (the Nth archive row replaced by a grown one), `delete` (the table's rows deleted), `commit` (everything
 * written, the COMMIT about to be sent), `after` (the batch committed, the next not begun). Without STOP it runs to the
 * end and prints "DONE dossiers events".
 */
import { loadConfig } from '../../src/config';
import { openDb } from '../../src/store/db';
import { dbOptionsFromConfig } from '../../src/app/engine-factory';
import { archiveClosed } from '../../src/store/event-archive';

const [closedBefore, batch, stop = ''] = process.argv.slice(2);
const [point, nth] = stop.split(':');
const at = Number(nth);

function halt(where: string): void {
  process.stdout.write(`STOPPED ${where}\n`); // synchronous to a pipe on Linux: the parent has it before the thread blocks
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
  process.exit(3); // never killed: the test has failed already
}

async function main(): Promise<void> {
  const db = openDb(dbOptionsFromConfig(loadConfig()));
  let begun = 0;
  let updates = 0;
  db.on('query', (q: { sql: string }) => {
    // a batch begins with its choice of dossiers (dossiersToArchive)
    if (/^select d\.id from dossiers as d /i.test(q.sql.replace(/["`]/g, ''))) begun += 1;
    if (point === 'commit' && begun === at && /^COMMIT/i.test(q.sql)) halt(`commit ${begun}`);
  });
  db.on('query-response', (_r: unknown, q: { sql: string }) => {
    const sql = q.sql.replace(/["`]/g, '');
    if (/^update dossier_event_archive/i.test(sql)) updates += 1;
    if (point === 'insert' && begun === at && /^insert into dossier_event_archive /i.test(sql)) halt(`insert ${begun}`);
    if (point === 'update' && updates === at && /^update dossier_event_archive/i.test(sql)) halt(`update ${begun}`);
    if (point === 'delete' && begun === at && /^delete from dossier_events/i.test(sql)) halt(`delete ${begun}`);
  });
  const done = await archiveClosed(db, closedBefore!, Number(batch), () => {
    if (point === 'after' && begun === at) halt(`after ${begun}`);
  });
  await db.destroy();
  process.stdout.write(`DONE ${done.dossiers} ${done.events}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(2);
});
