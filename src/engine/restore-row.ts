/**
 * A dossiers row's chart snapshot, restored with the chart version the row names: the one way every reader
 * does it. An open dossier's row holds its snapshot; a closed one's may not (`npm run dossiers:compact` empties
 * it): it is then rebuilt by replaying the dossier's events through the same chart, which is what it caches.
 */
import { chartFor, replay, restoreSnapshot, type DossierChart, type DossierSnapshot } from '../../machines/dossier';
import { decodeRow, inputFromSubmit, toChartEvent } from '../../machines/engine/event-codec';
import { listEvents, listEventsByDossier, type DossierRow, type EventRow } from '../store/dossier-store';
import type { Db } from '../store/db';

export interface Restored {
  chart: DossierChart;
  snapshot: DossierSnapshot;
}

type RestorableRow = Pick<DossierRow, 'id' | 'machine_version' | 'snapshot'>;

/** The snapshot the events give (for a row without one). */
export function restoreFromEvents(row: Pick<DossierRow, 'id' | 'machine_version'>, events: readonly EventRow[]): Restored {
  const chart = chartFor(row.machine_version);
  const [first, ...rest] = events.map(decodeRow);
  if (!first) throw new Error(`dossier ${row.id} has no events to rebuild its snapshot from`);
  return { chart, snapshot: replay(chart, inputFromSubmit(row.id, first), rest.map(toChartEvent)) };
}

/** A row's snapshot: the stored one, or (a closed dossier) its events replayed; inside a transaction, its events as of it. */
export async function restoreRow(db: Db, row: RestorableRow): Promise<Restored> {
  if (row.snapshot !== null) return restoreStored(row.machine_version, row.snapshot);
  return restoreFromEvents(row, await listEvents(db, row.id));
}

/** The same for a page of rows, in their order: the events of those without a snapshot in one query. */
export async function restoreRows(db: Db, rows: readonly RestorableRow[]): Promise<Restored[]> {
  const missing = rows.filter((r) => r.snapshot === null).map((r) => r.id);
  const events = missing.length ? await listEventsByDossier(db, missing) : new Map<string, EventRow[]>();
  return rows.map((r) =>
    r.snapshot !== null ? restoreStored(r.machine_version, r.snapshot) : restoreFromEvents(r, events.get(r.id) ?? []),
  );
}

function restoreStored(machineVersion: number, snapshot: string): Restored {
  const chart = chartFor(machineVersion);
  return { chart, snapshot: restoreSnapshot(chart, JSON.parse(snapshot)) };
}
