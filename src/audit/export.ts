/**
 * Exports one dossier's full history with its hash chain as a single JSON document, which the
 * independent script src/audit/standalone/verify-export.js (plain JavaScript, node:crypto and node:fs
 * only) re-verifies offline: every event's hash is sha256(prevHash + "\n" + canonicalJson({dossierId,
 * seq, type, payload, actor, actorUnit, occurredAt, machineVersion})), each prevHash is the previous
 * event's hash (the first is 64 zeros), seq runs 1, 2, 3…, and `head` is the last event.
 * The export carries the events as stored: a chain already broken in the database exports broken.
 */
import type { Db } from '../store/db';
import { notFound } from '../../machines/engine/errors';
import type { StoredEvent } from '../../machines/engine/event-codec';
import { toIso } from '../store/time';
import { loadDossierForAudit } from './verify-dossier';
import { GENESIS_HASH } from '../../machines/engine/hash';

export const EXPORT_FORMAT = 'motcua-dossier-export/1';

/** An exported event is the stored event as the engine reads it: the same fields, the same hash inputs. */
export type ExportedEvent = StoredEvent;

export interface DossierExport {
  format: typeof EXPORT_FORMAT;
  dossierId: string;
  code: string;
  machineVersion: number;
  procedureCode: string;
  procedureVersion: number;
  events: ExportedEvent[];
  head: { seq: number; hash: string };
  /** the head the dossiers row names (equal to `head` unless the database was tampered with) */
  recordedHead: { seq: number; hash: string };
  exportedAt: string;
}

/** The export document for a dossier; `exportedAt` comes from the caller's clock. */
export async function exportDossier(db: Db, code: string, exportedAt: string | Date): Promise<DossierExport> {
  const loaded = await loadDossierForAudit(db, code);
  if (!loaded) throw notFound('hồ sơ', code);
  const { row, events } = loaded;
  const last = events[events.length - 1];
  return {
    format: EXPORT_FORMAT,
    dossierId: row.id,
    code: row.code,
    machineVersion: row.machine_version,
    procedureCode: row.procedure_code,
    procedureVersion: row.procedure_version,
    events,
    head: last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH },
    recordedHead: { seq: row.version, hash: row.last_hash },
    exportedAt: toIso(exportedAt),
  };
}
