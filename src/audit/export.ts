/**
 * Exports one dossier's full history with its hash chain as a single JSON document, which the
 * independent script src/audit/standalone/verify-export.js (plain JavaScript, node:crypto and node:fs
 * only) re-verifies offline: every event's hash is sha256(prevHash + "\n" + canonicalJson({dossierId,
 * seq, type, payload, actor, actorUnit, occurredAt, machineVersion})), each prevHash is the previous
 * event's hash (the first is 64 zeros), seq runs 1, 2, 3…, and `head` is the last event.
 * The export carries the events as stored: a chain already broken in the database exports broken.
 *
 * Documents (issue 14): each file's SHA-256 and size are in the event that attached it, so the chain covers
 * them; `files` lists them for the reader (the verifier derives them from the events, not from this list).
 * `writeExportWithFiles` (`npm run audit:export`) writes the export and the files themselves, named by
 * hash, so `verify-export.js dossier.json --files DIR` checks every file offline too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Db } from '../store/db';
import type { BlobStore } from '../store/blob-store';
import { filesOfEvent } from '../../machines/documents/rules';
import { notFound } from '../../machines/engine/errors';
import type { StoredEvent } from '../../machines/engine/event-codec';
import { toIso } from '../store/time';
import { loadDossierForAudit } from './verify-dossier';
import { GENESIS_HASH } from '../../machines/engine/hash';
import { deletionRecordIntact, type DeletionRecord } from '../../machines/documents/retention';
import { deletionsOfDossier } from '../store/retention-store';
import { allCheckpoints, anchoredHeadsOfDossier, type CheckpointRow } from '../store/checkpoint-store';

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
  /** the files the events reference, in event order (derived from the events; not part of any hash) */
  files: ExportedFile[];
  /** the retention job's deletion records of this dossier's files (each hashed in the deletion log's chain) */
  deletions: DeletionRecord[];
  /**
   * Every audit checkpoint, oldest first (src/audit/checkpoints.ts): each digest chains the one before, so the
   * offline verifier rechecks the whole chain (and `--anchor ID:DIGEST` against a copy kept elsewhere).
   */
  checkpoints: CheckpointRow[];
  /** the heads of this dossier the checkpoints anchored: its events must still reach each with that hash */
  anchoredHeads: { checkpointId: number; seq: number; hash: string }[];
  exportedAt: string;
}

export interface ExportedFile {
  seq: number;
  documentId: string;
  version: number;
  sha256: string;
  size: number;
  mediaType: string;
  name: string;
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
    files: events.flatMap((e) =>
      filesOfEvent(e.type, e.payload as Record<string, unknown>).map((f) => ({
        seq: e.seq,
        documentId: f.documentId,
        version: f.version,
        sha256: f.file.sha256,
        size: f.file.size,
        mediaType: f.file.mediaType,
        name: f.file.name,
      })),
    ),
    deletions: await deletionsOfDossier(db, row.id),
    checkpoints: await allCheckpoints(db),
    anchoredHeads: await anchoredHeadsOfDossier(db, row.id),
    exportedAt: toIso(exportedAt),
  };
}

/**
 * Writes `<dir>/<code>.json` (the export) and every referenced file as `<dir>/files/<sha256>`, read back
 * from the store. A file the store no longer has is left out and named in `missing` (the offline verifier
 * then reports it, as the audit would), or in `deletedByRetention` when an intact record of this dossier's
 * deletion log says the retention job deleted it (the offline verifier then lists it, not a failure).
 */
export async function writeExportWithFiles(
  db: Db,
  blobs: BlobStore,
  code: string,
  dir: string,
  exportedAt: string | Date,
): Promise<{ exportFile: string; filesDir: string; written: number; missing: string[]; deletedByRetention: string[] }> {
  const doc = await exportDossier(db, code, exportedAt);
  const filesDir = path.join(dir, 'files');
  fs.mkdirSync(filesDir, { recursive: true });
  const exportFile = path.join(dir, `${doc.code}.json`);
  fs.writeFileSync(exportFile, JSON.stringify(doc, null, 2), { flag: 'wx' });
  let written = 0;
  const missing: string[] = [];
  const deletedByRetention: string[] = [];
  const deleted = new Set(doc.deletions.filter(deletionRecordIntact).map((d) => d.sha256));
  for (const sha256 of new Set(doc.files.map((f) => f.sha256))) {
    const stream = await blobs.open(sha256);
    if (!stream) {
      (deleted.has(sha256) ? deletedByRetention : missing).push(sha256);
      continue;
    }
    await pipeline(stream, fs.createWriteStream(path.join(filesDir, sha256), { flags: 'wx' }));
    written += 1;
  }
  return { exportFile, filesDir, written, missing, deletedByRetention };
}
