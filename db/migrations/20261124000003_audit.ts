/**
 * Audit anchors. `audit_checkpoints` is itself a hash chain: each checkpoint's digest covers its
 * counts, the digest over every dossier's chain head at that moment, the digest over the heads that
 * changed since the previous checkpoint, and the previous checkpoint's digest.
 * `audit_checkpoint_heads` holds, per checkpoint, the heads (dossier, code, seq, hash) that changed
 * since the previous one, so that the set of heads at any checkpoint can be rebuilt and a dossier or
 * its last events deleted afterwards can be named. See src/audit/checkpoints.ts.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  const pg = (knex.client as { config: { client: string } }).config.client === 'pg';
  await knex.schema.createTable('audit_checkpoints', (t) => {
    t.integer('id').primary();
    if (pg) t.timestamp('created_at', { useTz: true }).notNullable();
    else t.string('created_at', 30).notNullable();
    t.bigInteger('dossier_count').notNullable();
    t.bigInteger('event_count').notNullable();
    t.bigInteger('changed_count').notNullable();
    t.string('heads_digest', 64).notNullable();
    t.string('changed_digest', 64).notNullable();
    t.string('prev_digest', 64).notNullable();
    t.string('digest', 64).notNullable().unique();
  });
  await knex.schema.createTable('audit_checkpoint_heads', (t) => {
    t.integer('checkpoint_id').notNullable();
    t.uuid('dossier_id').notNullable();
    t.string('code', 96).notNullable();
    t.integer('seq').notNullable();
    t.string('hash', 64).notNullable();
    t.primary(['checkpoint_id', 'dossier_id']);
    t.index(['dossier_id', 'checkpoint_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('audit_checkpoint_heads');
  await knex.schema.dropTableIfExists('audit_checkpoints');
}
