/**
 * `npm run migrate`: brings the database up to date and seeds reference data, as the tables' owner:
 * MIGRATION_DATABASE_URL when set (then the application role named by DATABASE_URL gets its privileges,
 * src/store/app-role.ts), else DATABASE_URL.
 */
import { loadConfig } from '../config';
import { migrateToLatest } from '../../db/migrations';
import { seedReferenceData } from '../../db/seeds/reference-data';
import { dialectOf, openDb } from '../store/db';
import { dbOptionsFromConfig } from '../app/engine-factory';
import { ensureSchema } from '../store/db';
import { grantApplicationRole, roleOfUrl } from '../store/app-role';

async function main(): Promise<void> {
  const config = loadConfig();
  const ownerUrl = config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL;
  const db = openDb({ ...dbOptionsFromConfig(config), url: ownerUrl });
  try {
    if (config.DATABASE_SCHEMA && dialectOf(ownerUrl) === 'postgres') await ensureSchema(db, config.DATABASE_SCHEMA);
    await migrateToLatest(db);
    const seeded = await seedReferenceData(db, new Date().toISOString());
    const role = config.MIGRATION_DATABASE_URL ? roleOfUrl(config.DATABASE_URL) : null;
    if (role) await grantApplicationRole(db, role, config.DATABASE_SCHEMA);
    console.log(
      `migrated ${dialectOf(ownerUrl) === 'postgres' ? 'the PostgreSQL database' : ownerUrl}; seeded calendar: ${seeded.calendar}, procedures: ${seeded.procedures}` +
        (role ? `; privileges of ${role} set` : ''),
    );
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
