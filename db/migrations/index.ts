/**
 * The migration list, imported statically so the same code runs under ts-jest and from dist/.
 * Add new migrations to the end; never edit one that has shipped.
 */
import type { Knex } from 'knex';
import * as core from './20261124000001_core';
import * as access from './20261124000002_access';
import * as deadlineChecks from './20261124000004_deadline_checks';
import * as audit from './20261124000003_audit';
import * as metrics from './20261124000005_metrics';
import * as reviews from './20261124000006_reviews';
import * as recordViews from './20261124000007_record_views';
import * as listIndexes from './20261124000008_list_indexes';
import * as loginAddresses from './20261204000400_login_addresses';
import * as reportDeliveries from './20261204000500_report_deliveries';
import * as recordViewSource from './20261204000401_record_view_source';
import * as userTitles from './20261204000300_user_titles';
import * as appendOnly from './20261204000402_append_only';

import * as submissionRefs from './20261204000301_submission_refs';
import * as intakePauseExemption from './20261205000100_intake_pause_exemption_metrics';
import * as lookupFactor from './20261205000200_lookup_factor';
import * as lateSupplements from './20261204000302_late_supplements';
import * as outbox from './20261205000600_outbox';
import * as notifications from './20261205000700_notifications';
import * as documents from './20261205000800_documents';
import * as receiptDigitisation from './20261205000801_receipt_digitisation';
import * as optionalDocuments from './20261206000500_optional_documents';
import * as complianceRollup from './20261206000400_compliance_rollup';
import * as resultWorkingTimeIndex from './20261206000401_result_working_time_index';
import * as uploadSessions from './20261207000100_upload_sessions';
import * as documentDeletions from './20261207000200_document_deletions';
import * as showOnlyDocuments from './20261208000100_show_only_documents';
import * as classHistory from './20261208000500_class_history';
import * as digitisationRollup from './20261209000100_digitisation_rollup';
import * as narrowerIndexes from './20261208000800_narrower_indexes';
import * as uploadSessionLimits from './20261208000300_upload_session_limits';
import * as checkpointDeletionHead from './20261208000400_checkpoint_deletion_head';
import * as eventDocumentKeys from './20261209000500_event_document_keys';
import * as dropEventTypeIndex from './20261209000900_drop_event_type_index';
interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

const MIGRATIONS: [string, Migration][] = [
  ['20261124000001_core', core],
  ['20261124000002_access', access],
  ['20261124000004_deadline_checks', deadlineChecks],
  ['20261124000003_audit', audit],
  ['20261124000005_metrics', metrics],
  ['20261124000006_reviews', reviews],
  ['20261124000007_record_views', recordViews],
  ['20261124000008_list_indexes', listIndexes],
  ['20261204000400_login_addresses', loginAddresses],
  ['20261204000500_report_deliveries', reportDeliveries],
  ['20261204000401_record_view_source', recordViewSource],
  ['20261204000300_user_titles', userTitles],
  ['20261204000402_append_only', appendOnly],
  ['20261204000301_submission_refs', submissionRefs],
  ['20261204000302_late_supplements', lateSupplements],
  ['20261205000600_outbox', outbox],
  ['20261205000700_notifications', notifications],
  ['20261205000100_intake_pause_exemption_metrics', intakePauseExemption],
  ['20261205000800_documents', documents],
  ['20261205000200_lookup_factor', lookupFactor],
  ['20261205000801_receipt_digitisation', receiptDigitisation],
  ['20261206000500_optional_documents', optionalDocuments],
  ['20261206000400_compliance_rollup', complianceRollup],
  ['20261206000401_result_working_time_index', resultWorkingTimeIndex],
  ['20261207000100_upload_sessions', uploadSessions],
  ['20261207000200_document_deletions', documentDeletions],
  ['20261208000100_show_only_documents', showOnlyDocuments],
  ['20261208000500_class_history', classHistory],
  ['20261208000800_narrower_indexes', narrowerIndexes],
  ['20261208000300_upload_session_limits', uploadSessionLimits],
  ['20261208000400_checkpoint_deletion_head', checkpointDeletionHead],
  ['20261209000500_event_document_keys', eventDocumentKeys],
  ['20261209000900_drop_event_type_index', dropEventTypeIndex],
  ['20261209000100_digitisation_rollup', digitisationRollup],
];

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
