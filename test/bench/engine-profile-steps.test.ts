/**
 * The engine profile's steps name functions by name (bench/engine-profile.ts WRITE_PATH_STEPS): a step whose
 * function the code no longer has silently measures nothing (its time goes to the area of the frame below, and the
 * row disappears). Each named function must still be declared in this repository's sources, in the file the rule
 * names when it names one (the profiler names a method by its own name, as a function).
 */
import fs from 'node:fs';
import path from 'node:path';
import { WRITE_PATH_STEPS } from '../../bench/engine-profile';

const ROOT = path.resolve(__dirname, '..', '..');

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

describe('the engine profile steps', () => {
  const files = [...sources('src'), ...sources('machines')].map((f) => ({ f, text: fs.readFileSync(path.join(ROOT, f), 'utf8') }));

  test.each(WRITE_PATH_STEPS.map((r) => [r.fn, r.label, r.file ?? ''] as const))(
    '%s (%s) is a function of the code',
    (fn, _label, file) => {
      const declared = new RegExp(
        `(^|\\s)(async\\s+)?function\\s+${fn}\\s*[(<]|\\b${fn}\\s*[:=]\\s*(async\\s*)?\\(|^\\s+(private\\s+|async\\s+)+${fn}\\s*\\(`,
        'm',
      );
      const where = files.filter(({ f, text }) => (!file || f.startsWith(file)) && declared.test(text)).map(({ f }) => f);
      expect(where).not.toEqual([]);
    },
  );
});
