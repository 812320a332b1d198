/**
 * Versioned calendar data (holidays, make-up days, office hours). Every change is a new version;
 * each due date records the version it was computed with, so an auditor can reproduce it later.
 */
import type { Knex } from 'knex';
import type { CalendarData } from '../../machines/calendar/types';
import { selectOnDb } from './direct-sql';

export async function insertCalendarVersion(
  db: Knex | Knex.Transaction,
  data: CalendarData,
  meta: { createdAt: string; createdBy: string; note?: string },
): Promise<void> {
  await db('calendar_versions').insert({
    version: data.version,
    data: JSON.stringify(data),
    created_at: meta.createdAt,
    created_by: meta.createdBy,
    note: meta.note ?? null,
  });
}

export async function findCalendarVersion(db: Knex | Knex.Transaction, version: number): Promise<CalendarData | null> {
  const r = await db('calendar_versions').where({ version }).first();
  return r ? (JSON.parse(String(r.data)) as CalendarData) : null;
}

/** The current version's number: re-read by each instance every few seconds on the request path (src/engine/reference-data.ts), straight to the driver. */
export async function latestCalendarVersion(db: Knex | Knex.Transaction): Promise<number | null> {
  const r = (await selectOnDb(db, 'SELECT max(version) AS v FROM calendar_versions', []))[0];
  return r && r.v !== null && r.v !== undefined ? Number(r.v) : null;
}
