/**
 * The HTTP benchmark names where the steady-state CPU goes: a server's profile is cut to the measured
 * window (V8 stamps samples on the monotonic clock the benchmark reads), so start-up (module loading)
 * and warm-up are not in it.
 */
import { attributeProfile, summariseProfile, type CpuProfile } from '../../bench/cpu-profile';

// start-up: 3 samples of module loading; then the window: 2 samples of request handling
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 3] },
    { id: 2, callFrame: { functionName: 'wrapSafe', url: 'node:internal/modules/cjs/loader', lineNumber: 1 } },
    { id: 3, callFrame: { functionName: 'handle', url: 'file:///app/src/http/app.js', lineNumber: 1 } },
  ],
  startTime: 1_000_000,
  endTime: 1_500_000,
  samples: [2, 2, 2, 3, 3],
  timeDeltas: [1_000, 1_000, 1_000, 200_000, 200_000],
};

test('without a window the whole profile counts, start-up included', () => {
  const s = summariseProfile(profile);
  expect(s.functions.map((f) => f.name)).toContain('wrapSafe  node:internal/modules/cjs/loader:2');
});

test('cut to the measured window, only the samples stamped inside it count', () => {
  const window = { fromUs: 1_100_000, toUs: 1_500_000 };
  const s = summariseProfile(profile, 15, window);
  expect(s.functions.map((f) => f.name)).toEqual(['handle  src/http/app.js:2']);
  expect(s.totalMs).toBe(400);
  expect(attributeProfile(profile, [], window).map((a) => a.name)).toEqual(['src/http']);
});
