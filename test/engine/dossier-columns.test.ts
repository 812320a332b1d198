/**
 * A dossier row read from the database is copied as one object of fixed keys in table order (src/store/dossier-store.ts,
 * issue 16: V8 then gives every row one shape). The list of columns that copy uses must be the table's: a column added
 * by a migration and not to the list would still be read, but by the slow path, and a column in the list but not in
 * the copy would be lost. Both databases.
 */
import { BACKENDS } from '../support/backends';
import { openDb } from '../../src/store/db';
import { migrationSource } from '../../db/migrations';
import { DOSSIER_COLUMNS, dossierRowWithIsoInstants } from '../../src/store/dossier-store';

describe.each(BACKENDS)('the dossiers row as the store copies it ($label)', (backend) => {
  test('the store knows every column of the table, in table order, and its copy of a whole row keeps each one', async () => {
    const created = await backend.create();
    const db = openDb({ url: created.url, schema: created.schema, sqliteDriver: created.sqliteDriver });
    try {
      await db.migrate.latest({ migrationSource });
      const columns =
        backend.name === 'postgres'
          ? (
              (await db.raw(
                'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position',
                [created.schema!, 'dossiers'],
              )) as { rows: { name: string }[] }
            ).rows.map((r) => r.name)
          : ((await db.raw(`SELECT name FROM pragma_table_info('dossiers') ORDER BY cid`)) as { name: string }[]).map((r) => r.name);
      expect([...DOSSIER_COLUMNS]).toEqual(columns);
      const whole = Object.fromEntries(columns.map((c, i) => [c, `v${i}`]));
      const copied = dossierRowWithIsoInstants(whole) as unknown as Record<string, unknown>;
      expect(Object.keys(copied)).toEqual(columns);
      const numbers = ['procedure_version', 'machine_version', 'step_index', 'apology_count', 'supplement_count', 'version'];
      for (const c of columns) if (!numbers.includes(c)) expect(copied[c]).toBe(whole[c]);
    } finally {
      await db.destroy();
      await created.drop();
    }
  });
});
