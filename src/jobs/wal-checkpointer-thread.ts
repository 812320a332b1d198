/**
 * Entry of the WAL checkpointer's worker thread (started by ./wal-checkpointer.ts). Opens its own connection to
 * the server's SQLite file, with the server's driver, and runs one PASSIVE checkpoint for each `{ checkpoint: id }`
 * it is sent, one at a time, answering each with its result or its error. On `{ stop: true }` it closes its
 * connection once the checkpoint under way (if any) has answered, and ends.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { openSharedConnection, ping, walCheckpointPassive, type Db } from '../store/db';
import type { CheckpointerData, CheckpointerReply, CheckpointerRequest } from './wal-checkpointer';

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function serve(port: NonNullable<typeof parentPort>, data: CheckpointerData): Promise<void> {
  const reply = (m: CheckpointerReply) => port.postMessage(m);
  let db: Db;
  try {
    db = openSharedConnection(data.conn);
    await ping(db);
  } catch (err) {
    reply({ failed: errorText(err) });
    port.close();
    return;
  }
  let queue: Promise<void> = Promise.resolve();
  const checkpoint = async (id: number) => {
    const started = performance.now();
    try {
      const result = await walCheckpointPassive(db);
      reply({ id, checkpoint: result, ms: performance.now() - started });
    } catch (err) {
      reply({ id, error: errorText(err) });
    }
  };
  let stopping = false;
  port.on('message', (m: CheckpointerRequest) => {
    if (stopping) return;
    if ('checkpoint' in m) {
      queue = queue.then(() => checkpoint(m.checkpoint));
      return;
    }
    stopping = true;
    void queue.then(async () => {
      await db.destroy().catch(() => undefined);
      port.close(); // nothing else keeps the thread alive: it ends
    });
  });
  reply({ ready: true });
}

const data = workerData as (CheckpointerData & { motcuaWalCheckpointer?: boolean }) | null;
if (!isMainThread && parentPort && data?.motcuaWalCheckpointer) void serve(parentPort, data);
