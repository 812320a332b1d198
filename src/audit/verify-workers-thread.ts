/**
 * Entry of one verification worker thread (started by ./verify-workers.ts). Opens its own database
 * connection, then for each range it is sent reads the dossier rows and events of that page and
 * verifies them, reading the next queued range while it verifies the current one. Replies with
 * counts and findings only. A worker knows the chart versions registered statically in
 * machines/dossier, not ones registered at run time.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { openSharedConnection, ping, type Db, type SharedConnection } from '../store/db';
import { readPage, verifyPage, type Page } from './verify-all';
import type { RangeRequest, WorkerReply } from './verify-workers';

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function serve(port: NonNullable<typeof parentPort>, conn: SharedConnection): Promise<void> {
  const reply = (m: WorkerReply) => port.postMessage(m);
  let db: Db;
  try {
    db = openSharedConnection(conn);
    await ping(db);
  } catch (err) {
    reply({ failed: errorText(err) });
    return;
  }
  const queue: RangeRequest[] = [];
  let running = false;
  let closing = false;

  const read = (r: RangeRequest): Promise<{ page: Page } | { error: string }> =>
    readPage(db, r.after, r.pageSize, r.upto).then(
      (page) => ({ page }),
      (err: unknown) => ({ error: errorText(err) }),
    );

  const shutdown = async () => {
    await db.destroy().catch(() => undefined);
    port.close();
    process.exit(0); // in a worker thread this ends the thread only
  };

  const run = async () => {
    running = true;
    let current = queue.shift();
    let reading = current ? read(current) : null;
    while (current && reading) {
      const got = await reading;
      const next = queue.shift();
      const nextReading = next ? read(next) : null; // the database works while this thread verifies
      if ('error' in got) reply({ id: current.id, error: got.error });
      else {
        try {
          reply({ id: current.id, result: verifyPage(got.page) });
        } catch (err) {
          reply({ id: current.id, error: errorText(err) });
        }
      }
      current = next;
      reading = nextReading;
    }
    running = false;
    if (closing) await shutdown();
  };

  port.on('message', (m: RangeRequest | { close: true }) => {
    if ('close' in m) {
      closing = true;
      if (!running) void shutdown();
      return;
    }
    queue.push(m);
    if (!running) void run();
  });
  reply({ ready: true });
}

const data = workerData as { motcuaVerifyWorker?: boolean; conn?: SharedConnection } | null;
if (!isMainThread && parentPort && data?.motcuaVerifyWorker && data.conn) void serve(parentPort, data.conn);
