/**
 * Reference data every centre starts with: calendar version 1 (the verified 2024–2027 holidays) and
 * version 1 of every procedure in the shipped catalogue. Idempotent: only what is missing is written.
 */
import type { Knex } from 'knex';
import { defaultCalendarData } from '../../machines/calendar';
import { insertCalendarVersion, latestCalendarVersion } from '../../src/store/calendar-store';
import { findProcedureVersion, insertProcedureVersion } from '../../src/store/procedure-store';
import { CATALOGUE } from '../../machines/procedures';
import { dialectOfKnex } from '../../src/store/db';

export async function seedReferenceData(db: Knex, at: string): Promise<{ calendar: boolean; procedures: number }> {
  return db.transaction(async (tx) => {
    // Several instances starting at once on an empty PostgreSQL database: the first seeds, the others wait
    // here and then find everything present (check-then-insert would otherwise collide on the primary keys).
    if (dialectOfKnex(db) === 'postgres') await tx.raw(`SELECT pg_advisory_xact_lock(hashtext('motcua.seed-reference-data'))`);
    let calendar = false;
    if ((await latestCalendarVersion(tx)) === null) {
      await insertCalendarVersion(tx, defaultCalendarData(), { createdAt: at, createdBy: 'seed', note: 'holidays-vn.json 2024–2027' });
      calendar = true;
    }
    let procedures = 0;
    for (const def of CATALOGUE) {
      if (await findProcedureVersion(tx, def.code, def.version)) continue;
      await insertProcedureVersion(tx, { code: def.code, version: def.version, definition: def, createdAt: at, createdBy: 'seed' });
      procedures += 1;
    }
    return { calendar, procedures };
  });
}
