/**
 * A shipped migration does the same thing forever, so it must not run live code that later changes may alter:
 * a backfill carries frozen copies of the rules and the SQL it needs (db/migrations/20261206000500_optional_documents.ts,
 * 20261208000100_show_only_documents.ts, 20261208000500_class_history.ts). What a migration may import besides knex
 * and other migrations is the replay of stored events through their chart version, which the versions rule freezes
 * (docs/engine.md, "Versions").
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const DIR = path.resolve(__dirname, '..', '..', 'db', 'migrations');

/** The live modules a migration may import, and why they cannot change what an old migration does. */
const ALLOWED: Record<string, string> = {
  '../../machines/dossier': 'the chart versions: a stored event replays through its chart version the same way forever',
  '../../machines/engine/event-codec': 'how a stored event row decodes into the event the chart replays',
};

function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(DIR, file), 'utf8');
  return [...text.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
}

test('migrations import no live code but the frozen replay', () => {
  const files = fs.readdirSync(DIR).filter((f) => /^\d{14}_\w+\.ts$/.test(f));
  expect(files.length).toBeGreaterThan(30);
  const live = files.flatMap((f) =>
    importsOf(f)
      .filter((m) => m !== 'knex' && !m.startsWith('./') && !(m in ALLOWED))
      .map((m) => `${f} imports ${m}`),
  );
  expect(live).toEqual([]);
});
