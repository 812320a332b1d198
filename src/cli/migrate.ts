/** `npm run migrate`: brings the database at DATABASE_URL up to date and seeds reference data. */
import { loadConfig } from '../config';
import { migrateToLatest } from '../../db/migrations';
import { seedReferenceData } from '../../db/seeds/reference-data';
import { dialectOf, openDb } from '../store/db';
import { dbOptionsFromConfig } from '../app/engine-factory';
import { ensureSchema } from '../store/db';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = openDb(dbOptionsFromConfig(config));
  try {
    if (config.DATABASE_SCHEMA && dialectOf(config.DATABASE_URL) === 'postgres') await ensureSchema(db, config.DATABASE_SCHEMA);
    await migrateToLatest(db);
    const seeded = await seedReferenceData(db, new Date().toISOString());
    console.log(`migrated ${config.DATABASE_URL}; seeded calendar: ${seeded.calendar}, procedures: ${seeded.procedures}`);
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
