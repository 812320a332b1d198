/** Readiness: the database answers and its schema is current. */
import { migrationsCurrent } from '../../db/migrations';
import { ping, type Db } from '../store/db';

/** true when the migrations are current; throws when the database does not answer. */
export async function databaseReady(db: Db): Promise<boolean> {
  await ping(db);
  return migrationsCurrent(db);
}
