/**
 * Rebuilds a dossier from its stored events alone, through the chart version it was created with,
 * and compares the result with the stored projection row. Pure apart from its inputs.
 */
import { chartFor, persistSnapshot, replay, type DossierSnapshot } from '../../machines/dossier';
import { inputFromSubmit, toChartEvent, type StoredEvent } from '../../machines/engine/event-codec';
import { projectSnapshot } from '../../machines/engine/projection';
import type { DossierRow } from '../store/dossier-store';

export function replayStoredEvents(dossierId: string, events: StoredEvent[]): DossierSnapshot {
  const [first, ...rest] = events;
  if (!first) throw new Error('a dossier without events cannot be replayed');
  const chart = chartFor(first.machineVersion);
  return replay(chart, inputFromSubmit(dossierId, first), rest.map(toChartEvent));
}

export interface FieldDifference {
  field: string;
  stored: unknown;
  replayed: unknown;
}

/** Fields of the projection row that differ from what replaying the events gives. */
export function projectionDifferences(row: DossierRow, events: StoredEvent[]): FieldDifference[] {
  const snapshot = replayStoredEvents(row.id, events);
  const chart = chartFor(row.machine_version);
  const last = events[events.length - 1]!;
  const expected = projectSnapshot(snapshot, persistSnapshot(chart, snapshot), {
    version: last.seq,
    lastHash: last.hash,
    updatedAt: last.occurredAt,
  });
  const diffs: FieldDifference[] = [];
  for (const [field, value] of Object.entries(expected)) {
    const stored = (row as unknown as Record<string, unknown>)[field];
    if (JSON.stringify(stored ?? null) !== JSON.stringify(value ?? null)) diffs.push({ field, stored, replayed: value });
  }
  return diffs;
}
