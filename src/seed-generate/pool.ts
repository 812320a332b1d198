/**
 * Where batches are built: on the calling thread, or on worker threads running this same module
 * (compiled JavaScript only — under ts-jest the module is TypeScript, and batches are built inline).
 * Results come back in the order asked, so the database receives the history in submission order.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { buildBatch, worldOf, type BuiltBatch, type WorldSpec } from './batch';
import type { DossierSeed } from './simulate';

export interface Builder {
  build(seeds: DossierSeed[]): Promise<BuiltBatch>;
  close(): Promise<void>;
  /** worker threads in use (0: the calling thread) */
  readonly workers: number;
}

const WORKER_FLAG = 'motcua-seed-generate-worker';
export const WORKERS_SUPPORTED = __filename.endsWith('.js');

export function createBuilder(spec: WorldSpec, workers: number): Builder {
  return workers > 0 && WORKERS_SUPPORTED ? new WorkerBuilder(spec, workers) : inlineBuilder(spec);
}

function inlineBuilder(spec: WorldSpec): Builder {
  const world = worldOf(spec);
  return {
    workers: 0,
    build: (seeds) =>
      new Promise((resolve, reject) =>
        setImmediate(() => {
          try {
            resolve(buildBatch(world, seeds));
          } catch (err) {
            reject(err as Error);
          }
        }),
      ),
    close: async () => undefined,
  };
}

class WorkerBuilder implements Builder {
  private readonly pool: Worker[] = [];
  private readonly pending = new Map<number, { resolve(b: BuiltBatch): void; reject(e: Error): void }>();
  private nextId = 0;
  private failed: Error | null = null;

  constructor(
    spec: WorldSpec,
    readonly workers: number,
  ) {
    for (let i = 0; i < workers; i++) {
      const w = new Worker(__filename, { workerData: { flag: WORKER_FLAG, spec } });
      w.on('message', (m: { id: number; batch?: BuiltBatch; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.batch) p.resolve(m.batch);
        else p.reject(new Error(m.error ?? 'worker failed'));
      });
      w.on('error', (err) => this.fail(err));
      this.pool.push(w);
    }
  }

  private fail(err: Error): void {
    this.failed = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  build(seeds: DossierSeed[]): Promise<BuiltBatch> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    const worker = this.pool[id % this.pool.length]!;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, seeds });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.pool.map((w) => w.terminate()));
  }
}

const data = workerData as { flag?: string; spec?: WorldSpec } | null;
if (!isMainThread && data?.flag === WORKER_FLAG && data.spec && parentPort) {
  const port = parentPort;
  const world = worldOf(data.spec);
  port.on('message', (m: { id: number; seeds: DossierSeed[] }) => {
    try {
      port.postMessage({ id: m.id, batch: buildBatch(world, m.seeds) });
    } catch (err) {
      port.postMessage({ id: m.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  });
}
