/**
 * An archive row may grow (issue 16; docs/engine.md, "An archive of closed dossiers' events"): `events:archive`
 * archives again a dossier whose table holds rows after its archive (a leader's correction on a closed dossier),
 * replacing its archive row by one holding the archived rows and the table's, then deleting the table's. The
 * archive stays append-only otherwise: the trigger lets an UPDATE through only for the same dossier and first event,
 * a count that grows, and only over table rows that are there: every seq from the old count + 1 to the new one, the
 * first of them linking to the old head, the last of them the new head. What the blob holds is checked by the run
 * (the chain from the first event to `last_hash`, the blob decoded again) and by the audit, as before. DELETE is
 * still refused.
 */
import type { Knex } from 'knex';

const isPg = (knex: Knex) => (knex.client as { config: { client: string } }).config.client === 'pg';

const GROWS = `NEW.dossier_id = OLD.dossier_id AND NEW.first_at = OLD.first_at AND NEW.event_count > OLD.event_count
  AND (SELECT count(*) FROM dossier_events e WHERE e.dossier_id = OLD.dossier_id AND e.seq > OLD.event_count AND e.seq <= NEW.event_count)
    = NEW.event_count - OLD.event_count
  AND EXISTS (SELECT 1 FROM dossier_events e WHERE e.dossier_id = OLD.dossier_id AND e.seq = OLD.event_count + 1 AND e.prev_hash = OLD.head_hash)
  AND EXISTS (SELECT 1 FROM dossier_events e WHERE e.dossier_id = OLD.dossier_id AND e.seq = NEW.event_count AND e.hash = NEW.head_hash)`;

const REFUSED = `'dossier_event_archive is append-only: UPDATE refused'`;

export async function up(knex: Knex): Promise<void> {
  if (isPg(knex)) {
    await knex.raw(`CREATE OR REPLACE FUNCTION motcua_archive_grows_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND ${GROWS} THEN RETURN NEW; END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$`);
    await knex.raw(`DROP TRIGGER dossier_event_archive_append_only ON dossier_event_archive`);
    await knex.raw(
      `CREATE TRIGGER dossier_event_archive_append_only BEFORE UPDATE OR DELETE ON dossier_event_archive FOR EACH ROW EXECUTE FUNCTION motcua_archive_grows_only()`,
    );
    return;
  }
  await knex.raw(`DROP TRIGGER dossier_event_archive_no_update`);
  await knex.raw(
    `CREATE TRIGGER dossier_event_archive_no_update BEFORE UPDATE ON dossier_event_archive WHEN NOT (${GROWS}) BEGIN SELECT RAISE(ABORT, ${REFUSED}); END`,
  );
}

export async function down(knex: Knex): Promise<void> {
  if (isPg(knex)) {
    await knex.raw(`DROP TRIGGER IF EXISTS dossier_event_archive_append_only ON dossier_event_archive`);
    await knex.raw(
      `CREATE TRIGGER dossier_event_archive_append_only BEFORE UPDATE OR DELETE ON dossier_event_archive FOR EACH ROW EXECUTE FUNCTION motcua_append_only()`,
    );
    await knex.raw(`DROP FUNCTION IF EXISTS motcua_archive_grows_only()`);
    return;
  }
  await knex.raw(`DROP TRIGGER IF EXISTS dossier_event_archive_no_update`);
  await knex.raw(
    `CREATE TRIGGER dossier_event_archive_no_update BEFORE UPDATE ON dossier_event_archive BEGIN SELECT RAISE(ABORT, ${REFUSED}); END`,
  );
}
