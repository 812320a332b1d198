/**
 * The engine's view of reference data: calendars and procedure definitions, both versioned in the
 * database and immutable per version, so compiled versions are cached for the life of the process.
 * "Which version is current" is re-read at most every `currentTtlMs` so that several instances
 * pick up an administrator's change within seconds.
 */
import type { Db } from '../store/db';
import { buildCalendar, type Calendar } from '../../machines/calendar';
import type { CalendarData } from '../../machines/calendar/types';
import { findCalendarVersion, latestCalendarVersion } from '../store/calendar-store';
import { findProcedureVersion, latestProcedureVersion } from '../store/procedure-store';
import type { ProcedureDefinition } from '../../machines/procedures';
import { notFound } from '../../machines/engine/errors';

export class CalendarProvider {
  private readonly compiled = new Map<number, Calendar>();
  private current: { version: number; readAt: number } | null = null;

  constructor(
    private readonly db: Db,
    private readonly currentTtlMs = 5000,
  ) {}

  async byVersion(version: number): Promise<Calendar> {
    const hit = this.compiled.get(version);
    if (hit) return hit;
    const data = await findCalendarVersion(this.db, version);
    if (!data) throw notFound('phiên bản lịch làm việc', String(version));
    const cal = buildCalendar(data);
    this.compiled.set(version, cal);
    return cal;
  }

  async latest(): Promise<Calendar> {
    const now = Date.now(); // cache freshness only: never reaches a dossier
    if (!this.current || now - this.current.readAt > this.currentTtlMs) {
      const v = await latestCalendarVersion(this.db);
      if (v === null) throw notFound('lịch làm việc', 'latest');
      this.current = { version: v, readAt: now };
    }
    return this.byVersion(this.current.version);
  }

  /** Call after writing a new version in this process. */
  invalidate(): void {
    this.current = null;
  }

  register(data: CalendarData): void {
    this.compiled.set(data.version, buildCalendar(data));
  }
}

export class ProcedureProvider {
  private readonly versions = new Map<string, ProcedureDefinition>();

  constructor(private readonly db: Db) {}

  /** A version's definition, read once (through `db`, e.g. the caller's transaction, when not yet cached). */
  async byVersion(code: string, version: number, db: Db = this.db): Promise<ProcedureDefinition> {
    const key = `${code}@${version}`;
    const hit = this.versions.get(key);
    if (hit) return hit;
    const stored = await findProcedureVersion(db, code, version);
    if (!stored) throw notFound('thủ tục', key);
    const def = stored.definition as ProcedureDefinition;
    this.versions.set(key, def);
    return def;
  }

  /**
   * The latest version's definition: its number is read each time (another instance may have published one),
   * the definition of a version only once, as byVersion does (a version never changes).
   */
  async latest(code: string, db: Db = this.db): Promise<ProcedureDefinition> {
    const version = await latestProcedureVersion(db, code);
    if (version === null) throw notFound('thủ tục', code);
    return this.byVersion(code, version, db);
  }
}
