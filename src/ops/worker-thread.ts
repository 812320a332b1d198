/**
 * Starts a worker thread of this repository: the compiled .js entry beside the calling module, or, when the
 * sources run as TypeScript (under jest, or a test server started with test/support/ts-hook.js), the .ts entry
 * behind the repository's one require hook (transpile-only with a content-keyed disk cache), which the worker
 * installs first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

const TS_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
require(workerData.hook);
require(workerData.entry);
`;

/**
 * @param callerFile the calling module's `__filename` (its extension says whether the sources run as TypeScript)
 * @param entryName the entry's file name without extension, in the caller's directory
 */
export function startWorkerThread(callerFile: string, entryName: string, workerData: Record<string, unknown>): Worker {
  const ext = path.extname(callerFile);
  const file = path.join(path.dirname(callerFile), `${entryName}${ext}`);
  if (ext !== '.ts') return new Worker(file, { workerData });
  // Only sources run as TypeScript get here, so the repository's test tree is present.
  const hook = path.resolve(__dirname, '..', '..', 'test', 'support', 'ts-hook.js');
  if (!fs.existsSync(file)) throw new Error(`worker thread entry not found: ${file}`);
  return new Worker(TS_BOOTSTRAP, { eval: true, workerData: { ...workerData, hook, entry: file } });
}
