/**
 * What a database owner can do and the application cannot: drop the triggers that keep the hash-chained
 * logs append-only (db/migrations/20261204000402_append_only.ts, and the retention job's deletion log,
 * 20261207000200_document_deletions.ts), to tamper with history on purpose and show that the audit still
 * catches it. Idempotent; only for the suite's own database.
 */
import type { Knex } from 'knex';
import { down as dropAppendOnlyTriggers } from '../../db/migrations/20261204000402_append_only';
import { dropTriggers as dropDeletionLogTriggers } from '../../db/migrations/20261207000200_document_deletions';
import { dropArchiveTriggers } from '../../db/migrations/20261210805255_event_archive';

export async function asDatabaseOwner(db: Knex): Promise<void> {
  // the deletion log's triggers use the function the first migration's down drops: they go first
  await dropDeletionLogTriggers(db);
  await dropArchiveTriggers(db);
  await dropAppendOnlyTriggers(db);
}

/**
 * What a database owner does to make a whole dossier vanish: its events, the rows kept beside it (the pending-class
 * history, which references it), then the dossier row. The audit must still find it through the checkpoints.
 */
export async function deleteDossierAsOwner(db: Knex, dossierId: string): Promise<void> {
  await db('dossier_events').where({ dossier_id: dossierId }).delete();
  await db('dossier_class_history').where({ dossier_id: dossierId }).delete();
  await db('dossiers').where({ id: dossierId }).delete();
}
