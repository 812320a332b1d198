/**
 * All SQL lives under src/store/ (and db/ for migrations and seeds): no other module of src/ or machines/
 * imports knex (types included: src/store/db.ts names the handle `Db`) or builds a query on a handle
 * (`db('table')`, `.raw(`, `.schema`, `.transaction(`). The modules not moved yet are listed by name; the
 * list may only shrink: a listed module that no longer runs SQL fails the test until it is taken off.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** Modules that still run SQL outside src/store/ (issue 11 §2): none since every query moved behind a store function; keep it so. */
const NOT_YET_IN_STORE: string[] = [];

const KNEX_IMPORT = /from\s+'knex'|require\('knex'\)/;
const QUERY =
  /\b(?:db|tx|trx|knex|this\.db|deps\.db|ctx\.db|this\.deps\.db|this\.ctx\.db|deps\.ctx\.db)(?:\(\s*['"`]|\.raw\(|\.schema\b|\.transaction\()/;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Pure: what in one file's text is SQL outside the store, as "line: text". */
export function sqlUses(text: string): string[] {
  return text.split('\n').flatMap((line, i) => (KNEX_IMPORT.test(line) || QUERY.test(line) ? [`${i + 1}: ${line.trim()}`] : []));
}

describe('all SQL lives under src/store/', () => {
  const files = [...sourceFiles(path.join(ROOT, 'src')), ...sourceFiles(path.join(ROOT, 'machines'))]
    .map((f) => path.relative(ROOT, f).split(path.sep).join('/'))
    .filter((f) => !f.startsWith('src/store/'));

  test('the scanner sees a knex import and each kind of query', () => {
    const code = [
      "import type { Knex } from 'knex';",
      "await db('users').first();",
      "await this.deps.db.raw('select 1');",
      'await tx.schema.hasTable(t);',
      'await db.transaction(work);',
      'const dbx = 1;',
    ].join('\n');
    expect(sqlUses(code).map((u) => u.split(':')[0])).toEqual(['1', '2', '3', '4', '5']);
  });

  test('no module outside src/store/ imports knex or runs SQL (but the listed ones, not moved yet)', () => {
    expect(files.length).toBeGreaterThan(100);
    const offenders = files
      .filter((f) => !NOT_YET_IN_STORE.includes(f))
      .flatMap((f) => sqlUses(fs.readFileSync(path.join(ROOT, f), 'utf8')).map((u) => `${f}:${u}`));
    expect(offenders).toEqual([]);
  });

  test('every module on the not-yet list still runs SQL (take it off once moved)', () => {
    for (const f of NOT_YET_IN_STORE)
      expect({ f, uses: sqlUses(fs.readFileSync(path.join(ROOT, f), 'utf8')).length > 0 }).toEqual({ f, uses: true });
  });
});
