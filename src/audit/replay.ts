/**
 * Rebuilds a dossier from its stored events alone, through the chart version it was created with,
 * and compares the result with the stored projection row. Pure apart from its inputs.
 */
import { chartFor, replay, type DossierSnapshot } from '../../machines/dossier';
import { inputFromSubmit, toChartEvent, type StoredEvent } from '../../machines/engine/event-codec';
import type { DossierRow } from '../store/dossier-store';
import { replayDifferences, type FieldDifference } from './verify-dossier';

export function replayStoredEvents(dossierId: string, events: StoredEvent[]): DossierSnapshot {
  const [first, ...rest] = events;
  if (!first) throw new Error('a dossier without events cannot be replayed');
  const chart = chartFor(first.machineVersion);
  return replay(chart, inputFromSubmit(dossierId, first), rest.map(toChartEvent));
}

/** Where the row differs from replaying its events (head and projected columns; replayDifferences). */
export function projectionDifferences(row: DossierRow, events: StoredEvent[]): FieldDifference[] {
  return replayDifferences(row, events, replayStoredEvents(row.id, events), chartFor(row.machine_version));
}
