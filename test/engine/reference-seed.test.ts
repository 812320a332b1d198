/**
 * Instances that start together on an empty database all seed the reference data: exactly one version of
 * each is written and none of them fails (PostgreSQL, the multi-instance backend).
 */
import knexFactory, { type Knex } from 'knex';
import { BACKENDS } from '../support/backends';
import { migrateToLatest } from '../../db/migrations';
import { seedReferenceData } from '../../db/seeds/reference-data';
import { knexConfig } from '../../src/store/db';
import { CATALOGUE } from '../../machines/procedures';

const PG = BACKENDS.filter((b) => b.name === 'postgres');

describe.each(PG)('reference data seeded by several instances at once on $label', (backend) => {
  test('four concurrent seeders on an empty database: all succeed, one calendar version and one version per procedure', async () => {
    const created = await backend.create();
    const instances: Knex[] = Array.from({ length: 4 }, () =>
      knexFactory(knexConfig({ url: created.url, schema: created.schema, poolMax: 2 })),
    );
    try {
      await migrateToLatest(instances[0]!);
      const results = await Promise.all(instances.map((db) => seedReferenceData(db, '2026-03-03T02:00:00.000Z')));
      expect(results.filter((r) => r.calendar)).toHaveLength(1);
      expect(results.reduce((n, r) => n + r.procedures, 0)).toBe(CATALOGUE.length);
      const [cal] = await instances[0]!('calendar_versions').count({ n: '*' });
      expect(Number(cal!.n)).toBe(1);
      const [procs] = await instances[0]!('procedures').count({ n: '*' });
      expect(Number(procs!.n)).toBe(CATALOGUE.length);
    } finally {
      await Promise.all(instances.map((db) => db.destroy()));
      await created.drop();
    }
  });
});
