/**
 * PostgreSQL with a restricted application role (MIGRATION_DATABASE_URL for the owner, DATABASE_URL for the
 * application; docs/deploy.md, "History cannot be rewritten"): the engine started as the application role runs a
 * dossier from receipt to return, while UPDATE, DELETE and TRUNCATE on the hash-chained logs are refused by
 * privilege — even after the owner has dropped the append-only triggers — and the role cannot drop those
 * triggers itself. The owner can still change history, and the audit still catches it.
 */
import { randomBytes } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import { BACKENDS, POSTGRES_URL } from '../support/backends';
import { ACTORS, hanoi, submission } from '../support/engine';
import { createEngineContext, type EngineContext } from '../../src/app/engine-factory';
import { ManualClock } from '../../src/engine/clock';
import { APPEND_ONLY_LOGS, createApplicationRole, tablePrivileges } from '../../src/store/app-role';
import { loadDossierForAudit, verifyDossier } from '../../src/audit/verify-dossier';
import { createCheckpoint } from '../../src/audit/checkpoints';
import { asDatabaseOwner } from '../support/db-owner';
import { loadConfig } from '../../src/config';
import type { Command } from '../../machines/engine/commands';

const postgres = BACKENDS.find((b) => b.name === 'postgres');
const suite = postgres ? describe : describe.skip;

/** The same database as the owner's URL, signed in as `role` (the test cluster trusts local connections). */
function asRole(url: string, role: string): string {
  const u = new URL(url);
  u.username = role;
  u.password = '';
  return u.toString();
}

suite('PostgreSQL: the application runs as a role that may only read and append the chained logs', () => {
  const role = `motcua_app_${randomBytes(4).toString('hex')}`;
  const clock = new ManualClock(hanoi('2026-03-03 09:00'));
  let db: Awaited<ReturnType<NonNullable<typeof postgres>['create']>>;
  let owner: Knex;
  let app: EngineContext;

  beforeAll(async () => {
    db = await postgres!.create();
    owner = knexFactory({ client: 'pg', connection: POSTGRES_URL, pool: { min: 0, max: 1 }, searchPath: [db.schema!] });
    await createApplicationRole(owner, role);
    app = await createEngineContext({ url: asRole(db.url, role), migrationUrl: db.url, schema: db.schema, clock });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await owner.raw('DROP OWNED BY ??', [role]);
    await owner.raw('DROP ROLE IF EXISTS ??', [role]);
    await owner.destroy();
  });

  const at = (local: string) => clock.set(hanoi(local));
  const refusal = (run: () => Promise<unknown>) =>
    run().then(
      () => 'accepted',
      (e: Error & { code?: string }) => `${e.code}: ${e.message.replace(/^.* - /, '')}`,
    );

  test('the configuration takes the owner in MIGRATION_DATABASE_URL and the role in DATABASE_URL, and refuses the same user in both', () => {
    const ok = loadConfig({ DATABASE_URL: asRole(db.url, role), MIGRATION_DATABASE_URL: db.url });
    expect(ok.MIGRATION_DATABASE_URL).toBe(db.url);
    expect(() => loadConfig({ DATABASE_URL: db.url, MIGRATION_DATABASE_URL: db.url })).toThrow(
      /MIGRATION_DATABASE_URL: must sign in as another role/,
    );
    expect(() => loadConfig({ DATABASE_URL: './data/x.sqlite', MIGRATION_DATABASE_URL: db.url })).toThrow(/only for PostgreSQL/);
  });

  test('the engine, connected as the role, takes a dossier from receipt to return; the audit finds nothing', async () => {
    expect((await app.db.raw('SELECT current_user AS u')).rows[0].u).toBe(role);
    at('2026-03-03 09:00');
    const { code } = await app.engine.submit(submission('1.001612'), ACTORS.counter);
    const act = async (cmd: Command, actor: { username: string; unit: string }) =>
      app.engine.act(code, cmd, actor, { expectedVersion: (await app.engine.get(code)).version });
    at('2026-03-03 10:00');
    await act({ type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    at('2026-03-03 11:00');
    await act({ type: 'COMPLETE_STEP' }, ACTORS.counter);
    at('2026-03-04 09:00');
    await act({ type: 'COMPLETE_STEP' }, ACTORS.specialist);
    at('2026-03-05 09:00');
    await act(
      { type: 'RECORD_RESULT', documentNumber: '15/GCN-HKD', documentDate: '2026-03-05', signer: 'Chủ tịch UBND xã', digitised: true },
      { username: 'leader', unit: 'LANHDAO' },
    );
    at('2026-03-05 14:00');
    expect((await act({ type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter)).state).toBe('returned');
    await createCheckpoint(app.db, clock.now());
    const loaded = await loadDossierForAudit(app.db, code);
    expect(loaded!.events).toHaveLength(7);
    expect(verifyDossier(loaded!.row, loaded!.events)).toEqual([]);
  });

  test('PostgreSQL grants the role SELECT and INSERT on the chained logs and nothing more', async () => {
    for (const table of APPEND_ONLY_LOGS) {
      expect({ table, privileges: await tablePrivileges(owner, role, `${db.schema}.${table}`) }).toEqual({
        table,
        privileges: ['SELECT', 'INSERT'],
      });
    }
    expect(await tablePrivileges(owner, role, `${db.schema}.dossiers`)).toEqual(['SELECT', 'INSERT', 'UPDATE', 'DELETE']);
    expect(await tablePrivileges(owner, role, `${db.schema}.knex_migrations`)).toEqual(['SELECT']);
  });

  test('the role cannot drop the append-only triggers: it owns no table', async () => {
    expect(await refusal(() => app.db.raw('DROP TRIGGER dossier_events_append_only ON dossier_events'))).toMatch(
      /^42501: must be owner of (table|relation) dossier_events$/,
    );
  });

  test('with the triggers gone, UPDATE, DELETE and TRUNCATE by the role are still refused, by privilege', async () => {
    await asDatabaseOwner(owner); // the owner drops the triggers: only the privileges are left
    const [first] = await app.db('dossier_events').orderBy('seq').limit(1);
    for (const table of APPEND_ONLY_LOGS) {
      const denied = `42501: permission denied for table ${table}`;
      const [column] = Object.keys(await owner(table).columnInfo());
      expect(await refusal(() => app.db(table).update({ [column!]: app.db.raw('??', [column!]) }))).toBe(denied);
      expect(await refusal(() => app.db(table).delete())).toBe(denied);
      expect(await refusal(() => app.db.raw(`TRUNCATE ${table}`))).toBe(denied);
    }
    expect(await app.db('dossier_events').orderBy('seq').limit(1)).toEqual([first]);
    // what the role may change it still can: the current-state row, the throttles
    expect(await app.db('dossiers').update({ updated_at: app.db.raw('updated_at') })).toBe(1);
  });

  test('the owner can still rewrite an event, and the audit catches it', async () => {
    const { code, id } = await app.db('dossiers').first('code', 'id');
    await owner('dossier_events').where({ dossier_id: id, seq: 3 }).update({ actor: 'mallory' });
    const loaded = await loadDossierForAudit(app.db, code);
    expect(verifyDossier(loaded!.row, loaded!.events)[0]).toMatchObject({ seq: 3, kind: 'hash_mismatch' });
  });
});
