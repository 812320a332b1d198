/**
 * The migration list, imported statically so the same code runs under ts-jest and from dist/.
 *
 * Order: by name (the timestamp); Knex runs the pending ones in this order. Knex records which names ran, not
 * where they stood in the list (the lock and the check that every recorded name is still listed ignore the order),
 * so moving an entry changes nothing on a database that ran it. Until 2026-12-09 the list stood in landing order;
 * test/engine/migration-order.test.ts keeps that order and shows that a database it migrated has nothing left to
 * run, and that every state it could leave a database in ends with a fresh database's schema. A new migration is
 * added in name order (normally last). If it lands after a migration with a later name, databases that already ran
 * that one run the new one after it, fresh ones before it: it must not depend on which. Never edit a shipped one.
 */
import type { Knex } from 'knex';
import * as core from './20261124000001_core';
import * as access from './20261124000002_access';
import * as audit from './20261124000003_audit';
import * as deadlineChecks from './20261124000004_deadline_checks';
import * as metrics from './20261124000005_metrics';
import * as reviews from './20261124000006_reviews';
import * as recordViews from './20261124000007_record_views';
import * as listIndexes from './20261124000008_list_indexes';
import * as userTitles from './20261204000300_user_titles';
import * as submissionRefs from './20261204000301_submission_refs';
import * as lateSupplements from './20261204000302_late_supplements';
import * as loginAddresses from './20261204000400_login_addresses';
import * as recordViewSource from './20261204000401_record_view_source';
import * as appendOnly from './20261204000402_append_only';
import * as reportDeliveries from './20261204000500_report_deliveries';
import * as intakePauseExemption from './20261205000100_intake_pause_exemption_metrics';
import * as lookupFactor from './20261205000200_lookup_factor';
import * as outbox from './20261205000600_outbox';
import * as notifications from './20261205000700_notifications';
import * as documents from './20261205000800_documents';
import * as receiptDigitisation from './20261205000801_receipt_digitisation';
import * as complianceRollup from './20261206000400_compliance_rollup';
import * as resultWorkingTimeIndex from './20261206000401_result_working_time_index';
import * as optionalDocuments from './20261206000500_optional_documents';
import * as uploadSessions from './20261207000100_upload_sessions';
import * as documentDeletions from './20261207000200_document_deletions';
import * as showOnlyDocuments from './20261208000100_show_only_documents';
import * as uploadSessionLimits from './20261208000300_upload_session_limits';
import * as checkpointDeletionHead from './20261208000400_checkpoint_deletion_head';
import * as classHistory from './20261208000500_class_history';
import * as narrowerIndexes from './20261208000800_narrower_indexes';
import * as digitisationRollup from './20261209000100_digitisation_rollup';
import * as eventDocumentKeys from './20261209000500_event_document_keys';
import * as closedSnapshot from './20261209000700_closed_snapshot';
import * as dropEventTypeIndex from './20261209000900_drop_event_type_index';
import * as blobsUnattached from './20261210000100_blobs_unattached';
import * as groupRollupFlows from './20261210620626_group_rollup_flows';
import * as eventArchive from './20261210805255_event_archive';
import * as eventArchiveGrows from './20261211064512_event_archive_grows';
import * as eventArchiveScopeKey from './20261211071512_event_archive_scope_key';
import * as dayRollupClassesOnly from './20261211406316_day_rollup_classes_only';
import * as dueListIndexes from './20261212318407_due_list_indexes';
import * as versionLost from './20261212742931_version_lost';
import * as fewerDossierIndexes from './20261213152930_fewer_dossier_indexes';
interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

const MIGRATIONS: [string, Migration][] = [
  ['20261124000001_core', core],
  ['20261124000002_access', access],
  ['20261124000003_audit', audit],
  ['20261124000004_deadline_checks', deadlineChecks],
  ['20261124000005_metrics', metrics],
  ['20261124000006_reviews', reviews],
  ['20261124000007_record_views', recordViews],
  ['20261124000008_list_indexes', listIndexes],
  ['20261204000300_user_titles', userTitles],
  ['20261204000301_submission_refs', submissionRefs],
  ['20261204000302_late_supplements', lateSupplements],
  ['20261204000400_login_addresses', loginAddresses],
  ['20261204000401_record_view_source', recordViewSource],
  ['20261204000402_append_only', appendOnly],
  ['20261204000500_report_deliveries', reportDeliveries],
  ['20261205000100_intake_pause_exemption_metrics', intakePauseExemption],
  ['20261205000200_lookup_factor', lookupFactor],
  ['20261205000600_outbox', outbox],
  ['20261205000700_notifications', notifications],
  ['20261205000800_documents', documents],
  ['20261205000801_receipt_digitisation', receiptDigitisation],
  ['20261206000400_compliance_rollup', complianceRollup],
  ['20261206000401_result_working_time_index', resultWorkingTimeIndex],
  ['20261206000500_optional_documents', optionalDocuments],
  ['20261207000100_upload_sessions', uploadSessions],
  ['20261207000200_document_deletions', documentDeletions],
  ['20261208000100_show_only_documents', showOnlyDocuments],
  ['20261208000300_upload_session_limits', uploadSessionLimits],
  ['20261208000400_checkpoint_deletion_head', checkpointDeletionHead],
  ['20261208000500_class_history', classHistory],
  ['20261208000800_narrower_indexes', narrowerIndexes],
  ['20261209000100_digitisation_rollup', digitisationRollup],
  ['20261209000500_event_document_keys', eventDocumentKeys],
  ['20261209000700_closed_snapshot', closedSnapshot],
  ['20261209000900_drop_event_type_index', dropEventTypeIndex],
  ['20261210000100_blobs_unattached', blobsUnattached],
  ['20261210620626_group_rollup_flows', groupRollupFlows],
  ['20261210805255_event_archive', eventArchive],
  ['20261211064512_event_archive_grows', eventArchiveGrows],
  ['20261211071512_event_archive_scope_key', eventArchiveScopeKey],
  ['20261211406316_day_rollup_classes_only', dayRollupClassesOnly],
  ['20261212318407_due_list_indexes', dueListIndexes],
  ['20261212742931_version_lost', versionLost],
  ['20261213152930_fewer_dossier_indexes', fewerDossierIndexes],
];

/** every migration's name, in the order Knex runs them */
export const MIGRATION_NAMES: readonly string[] = MIGRATIONS.map(([name]) => name);

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => MIGRATIONS.map(([name]) => name),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const found = MIGRATIONS.find(([n]) => n === name);
    if (!found) throw new Error(`unknown migration ${name}`);
    return found[1];
  },
};

export async function migrateToLatest(knex: Knex): Promise<void> {
  await knex.migrate.latest({ migrationSource });
}

/** true when every known migration has run (used by GET /ready). */
export async function migrationsCurrent(knex: Knex): Promise<boolean> {
  const [, pending] = (await knex.migrate.list({ migrationSource })) as [unknown[], unknown[]];
  return pending.length === 0;
}
