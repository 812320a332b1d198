/**
 * Builds a batch of dossiers into what the writer binds (flat values in column order) and what the
 * summary counts. Runs on the main thread or in a worker (./pool.ts); the world is rebuilt from plain
 * data in a worker, so both give the same bytes.
 */
import { buildCalendar, type CalendarData } from '../../machines/calendar';
import type { ProcedureDefinition } from '../../machines/procedures';
import { buildCentre } from './centres';
import { buildDossier, factsOf, type DossierSeed, type World } from './simulate';
import { dossierColumns, flattenEvent, flattenRow, type Rows } from '../store/batch-writer';
import { EVENT_COLUMNS } from '../store/dossier-store';

/** The world as plain data (what a worker receives). */
export interface WorldSpec {
  seed: string;
  calendar: CalendarData;
  procedures: ProcedureDefinition[];
  centres: number;
  chartVersion: number;
  thresholdMs: number;
  endMs: number;
}

export function worldOf(spec: WorldSpec): World {
  return {
    seed: spec.seed,
    cal: buildCalendar(spec.calendar),
    procedures: new Map(spec.procedures.map((p) => [p.code, p])),
    centres: Array.from({ length: spec.centres }, (_, i) => buildCentre(spec.seed, i)),
    chartVersion: spec.chartVersion,
    thresholdMs: spec.thresholdMs,
    endMs: spec.endMs,
  };
}

export interface Tally {
  dossiers: number;
  events: number;
  open: number;
  late: number;
  apologised: number;
  supplemented: number;
  paused: number;
  byState: Record<string, number>;
  byEventType: Record<string, number>;
}

export function emptyTally(): Tally {
  return { dossiers: 0, events: 0, open: 0, late: 0, apologised: 0, supplemented: 0, paused: 0, byState: {}, byEventType: {} };
}

export function addTally(into: Tally, t: Tally): void {
  for (const k of ['dossiers', 'events', 'open', 'late', 'apologised', 'supplemented', 'paused'] as const) into[k] += t[k];
  for (const [k, n] of Object.entries(t.byState)) into.byState[k] = (into.byState[k] ?? 0) + n;
  for (const [k, n] of Object.entries(t.byEventType)) into.byEventType[k] = (into.byEventType[k] ?? 0) + n;
}

export interface BuiltBatch {
  dossiers: Rows;
  events: Rows;
  tally: Tally;
}

export function buildBatch(world: World, seeds: readonly DossierSeed[]): BuiltBatch {
  const tally = emptyTally();
  const dossierValues: unknown[] = [];
  const eventValues: unknown[] = [];
  let columns: string[] = [];
  for (const seed of seeds) {
    const built = buildDossier(world, seed);
    if (!columns.length) columns = dossierColumns(built.row);
    flattenRow(built.row as unknown as Record<string, unknown>, columns, dossierValues);
    for (const e of built.events) {
      flattenEvent(e, eventValues);
      tally.byEventType[e.type] = (tally.byEventType[e.type] ?? 0) + 1;
    }
    const f = factsOf(built);
    tally.dossiers += 1;
    tally.events += built.events.length;
    tally.byState[f.state] = (tally.byState[f.state] ?? 0) + 1;
    if (f.open) tally.open += 1;
    if (f.late) tally.late += 1;
    if (f.apologised) tally.apologised += 1;
    if (f.supplemented) tally.supplemented += 1;
    if (f.paused) tally.paused += 1;
  }
  return { dossiers: { columns, values: dossierValues }, events: { columns: EVENT_COLUMNS, values: eventValues }, tally };
}
