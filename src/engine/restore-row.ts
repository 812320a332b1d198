/** A dossiers row's chart snapshot, restored with the chart version the row names: the one way every reader does it. */
import { chartFor, restoreSnapshot, type DossierChart, type DossierSnapshot } from '../../machines/dossier';
import type { DossierRow } from '../store/dossier-store';

export function restoreRow(row: Pick<DossierRow, 'machine_version' | 'snapshot'>): { chart: DossierChart; snapshot: DossierSnapshot } {
  const chart = chartFor(row.machine_version);
  return { chart, snapshot: restoreSnapshot(chart, JSON.parse(row.snapshot)) };
}
