/**
 * The perf breakdown's attribution (bench/perf-profile.ts): JIT addresses are named by the newest map entry (V8
 * reuses freed code addresses; perf alone names them after the first), and a sample is owned by GC, native SQLite
 * or its innermost JavaScript frame.
 */
import { JitMap, componentOf, ownerOf, parsePerfScript, renameJitFrames } from '../../bench/perf-profile';

const MAP = [
  '7f0000001000 100 Eval:~ /app/dist-bench/src/audit/verify-workers.js:1:1', // start-up code, freed
  '7f0000002000 80 JS:*next /app/node_modules/router/index.js:189:17',
  '7f0000001040 40 JS:*findSessionUser /app/dist-bench/src/store/user-store.js:56:10', // reuses the freed range
].join('\n');

const SCRIPT = `node 42/42  1.000: 1001001 cpu-clock: 
\t    7f0000001050 Eval:~ /app/dist-bench/src/audit/verify-workers.js:1:1+0x50 (/tmp/perf-42.map)
\t    7f0000002010 JS:*next /app/node_modules/router/index.js:189:17+0x10 (/tmp/perf-42.map)

node 42/42  1.001: 1001001 cpu-clock: 
\t         150bcfd Builtins_LoadIC (/usr/bin/node)
\t    7f0000002010 JS:*next /app/node_modules/router/index.js:189:17+0x10 (/tmp/perf-42.map)

node 42/42  1.002: 1001001 cpu-clock: 
\t          aaaa sqlite3VdbeExec (/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node)
\t    7f0000002010 JS:*next /app/node_modules/router/index.js:189:17+0x10 (/tmp/perf-42.map)

node 42/42  1.003: 1001001 cpu-clock: 
\t          bbbb v8::internal::Scavenger::ScavengeObject (/usr/bin/node)
\t    7f0000002010 JS:*next /app/node_modules/router/index.js:189:17+0x10 (/tmp/perf-42.map)
`;

test('JIT frames take the newest map entry, and each sample one owner', () => {
  const samples = parsePerfScript(SCRIPT);
  expect(samples).toHaveLength(4);
  expect(samples[0]).toMatchObject({ pid: 42, tid: 42, periodNs: 1001001 });
  const map = new JitMap(MAP);
  expect(map.resolve(0x7f0000001050n)).toContain('findSessionUser');
  expect(map.resolve(0x7f0000001010n)).toContain('verify-workers'); // outside the newer entry: the older one stands
  expect(map.resolve(0x7f0000003000n)).toBeNull();
  renameJitFrames(samples, () => map);
  const owners = samples.map((s) => ownerOf(s, true));
  expect(owners).toEqual(['src/store/user-store', 'router', 'better-sqlite3 (native SQLite)', '(GC, main thread)']);
  expect(owners.map(componentOf)).toEqual(['session lookup', 'Express (routing, middleware, JSON body)', 'driver (SQLite)', 'GC']);
});
