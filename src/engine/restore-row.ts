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

/**
 * The snapshots an engine last wrote, by dossier, each with the exact text it stored (issue 16). A transition read
 * the row it had itself written one transition earlier and parsed and resolved that text again: a snapshot it
 * still held. `restore` gives the held snapshot only when the row read holds exactly the text stored with it (and
 * the same chart version); any other row — moved by another instance or process, compacted, rolled back to an
 * older text — is restored from the row as always. What is held is the snapshot the text was written from, which
 * the rest of the system already treats as that text's restoration (the write's answer is built from it, and the
 * province data generator chains snapshots the same way and writes byte for byte what the engine writes:
 * test/seed-generate/engine-equivalence.test.ts). Bounded: the oldest entries go first.
 */
export class WrittenSnapshots {
  private readonly byId = new Map<string, { machineVersion: number; text: string; restored: Restored }>();

  constructor(private readonly max = 1024) {}

  /** `snapshot` was written as `text` to dossier `id`'s row (chart version `machineVersion`). */
  remember(id: string, machineVersion: number, text: string | null, snapshot: DossierSnapshot): void {
    this.byId.delete(id);
    if (text === null || this.max <= 0) return;
    if (this.byId.size >= this.max) this.byId.delete(this.byId.keys().next().value!);
    this.byId.set(id, { machineVersion, text, restored: { chart: chartFor(machineVersion), snapshot } });
  }

  /** The row's snapshot: the one held for exactly its text, else `restoreRow`'s. */
  restore(db: Db, row: RestorableRow): Promise<Restored> {
    const held = this.byId.get(row.id);
    if (held && row.snapshot !== null && held.machineVersion === row.machine_version && held.text === row.snapshot)
      return Promise.resolve(held.restored);
    return restoreRow(db, row);
  }
}
