/**
 * `motcua_version_lost()`, PostgreSQL only: raises SQLSTATE MC409 (a class of its own, raised by nothing else). A
 * transition's write statement (src/store/dossier-store.ts `writeTransition`) calls it when its update of the
 * dossier found another version than the one read, so the statement fails instead of reporting zero rows: nothing
 * of it is written, and a COMMIT sent in the same query after it is not run (issue 16: the write and its COMMIT are
 * one round trip, src/store/direct-sql.ts `runInTx`). The engine answers it as before, a version conflict (409).
 * VOLATILE (the default) so that the planner never runs it ahead of the CASE that guards it. SQLite: nothing.
 */
import type { Knex } from 'knex';

const isPg = (knex: Knex) => (knex.client as { config: { client: string } }).config.client === 'pg';

export async function up(knex: Knex): Promise<void> {
  if (!isPg(knex)) return;
  await knex.raw(`CREATE OR REPLACE FUNCTION motcua_version_lost() RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RAISE EXCEPTION 'the dossier''s version moved since it was read' USING ERRCODE = 'MC409';
END
$$`);
}

export async function down(knex: Knex): Promise<void> {
  if (isPg(knex)) await knex.raw('DROP FUNCTION IF EXISTS motcua_version_lost()');
}
