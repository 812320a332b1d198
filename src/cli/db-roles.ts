/**
 * `npm run db:roles`: PostgreSQL only. Creates the application role named as the user of DATABASE_URL (LOGIN,
 * with the URL's password if it has one) when it does not exist, and gives it its privileges on the tables that
 * exist (src/store/app-role.ts), connected as the owner at MIGRATION_DATABASE_URL. Run it once before the
 * first start with both URLs; every later migration (server start or `npm run migrate`) re-grants.
 */
import { loadConfig } from '../config';
import { openDb } from '../store/db';
import { dbOptionsFromConfig } from '../app/engine-factory';
import { ensureSchema } from '../store/db';
import { createApplicationRole, grantApplicationRole, roleOfUrl } from '../store/app-role';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.MIGRATION_DATABASE_URL) {
    throw new Error('set MIGRATION_DATABASE_URL (the owner) and DATABASE_URL (the application role), both postgres:// URLs');
  }
  const role = roleOfUrl(config.DATABASE_URL)!; // the configuration has checked it
  const password = new URL(config.DATABASE_URL).password;
  const owner = openDb({ ...dbOptionsFromConfig(config), url: config.MIGRATION_DATABASE_URL, poolMax: 1 });
  try {
    const { created } = await createApplicationRole(owner, role, password === '' ? undefined : decodeURIComponent(password));
    if (config.DATABASE_SCHEMA) await ensureSchema(owner, config.DATABASE_SCHEMA);
    await grantApplicationRole(owner, role, config.DATABASE_SCHEMA);
    console.log(`role ${role} ${created ? 'created' : 'already existed'}; its privileges are set on the tables that exist`);
  } finally {
    await owner.destroy();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
