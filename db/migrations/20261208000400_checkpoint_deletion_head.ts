/**
 * Checkpoints anchor the retention job's deletion log too (issue 14): each checkpoint taken from now on records
 * the log's head, how many records it held (`deletion_count`) and the hash of its last one (`deletion_head`,
 * the genesis hash when empty), inside its digest. A log cut short or rewritten after a checkpoint no longer
 * reaches that head (src/audit/checkpoints.ts, `deletion_log_diverged`). Checkpoints taken before this
 * migration have neither (null): they anchored the dossier chains only, and their digests stay as they were.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_checkpoints', (t) => {
    t.bigInteger('deletion_count').nullable();
    t.string('deletion_head', 64).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_checkpoints', (t) => {
    t.dropColumn('deletion_head');
    t.dropColumn('deletion_count');
  });
}
