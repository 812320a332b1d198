/**
 * A service's own transaction, not only the engine's, is run again when PostgreSQL aborts it for a deadlock (40P01):
 * nothing of it was committed and the user was not answered yet. The example: creating an upload for a dossier, whose
 * cap check holds the user's lock, then the dossier's (src/store/upload-session-store.ts). Another transaction takes
 * them in the opposite order; PostgreSQL aborts the creation, which runs again and commits, once.
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, startEngine, submission, type StartedEngine } from '../support/engine';
import { DocumentService } from '../../src/services/document-service';
import { ResumableUploadService } from '../../src/services/resumable-upload-service';
import type { AuthUser } from '../../src/services/auth-user';

const HOUSEHOLD_BUSINESS = '1.001612';
const postgres = BACKENDS.filter((b) => b.name === 'postgres');
const COUNTER: AuthUser = { username: ACTORS.counter.username, fullName: 'counter', roles: ['counter'], unit: ACTORS.counter.unit };

describe.each(postgres)('an upload creation deadlocked on $label', (backend) => {
  let t: StartedEngine;
  beforeAll(async () => {
    t = await startEngine(backend, '2026-03-03 09:00');
  });
  afterAll(async () => t.drop());

  const waitingAdvisoryLocks = async () =>
    Number(
      ((await t.db.raw(`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`)) as { rows: { n: string }[] })
        .rows[0]!.n,
    );

  test('is run again and commits once', async () => {
    const { code } = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
    const uploads = new ResumableUploadService(t, new DocumentService(t), 3_600_000);
    // the other transaction holds the dossier's lock first; this one waits longer before looking for a deadlock, so
    // PostgreSQL aborts the creation, which waits on it holding the user's lock
    const other = await t.db.transaction();
    try {
      await other.raw(`SET LOCAL deadlock_timeout = '20s'`);
      await other.raw('select pg_advisory_xact_lock(hashtext(?))', [`upload_sessions:dossier:${code}`]);
      const creating = uploads.create(COUNTER, {
        length: '1000',
        metadata: `dossier ${Buffer.from(code).toString('base64')}`,
        chunked: false,
      });
      const settled = creating.then(
        () => 'ok',
        (err: Error) => err.message,
      );
      while ((await waitingAdvisoryLocks()) === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      // now the creation holds the user's lock and waits for the dossier's: reaching for the user's closes the cycle.
      // This returns only once the creation's transaction is gone: PostgreSQL aborted it.
      await other.raw('select pg_advisory_xact_lock(hashtext(?))', [`upload_sessions:user:${COUNTER.username}`]);
      await other.commit();
      expect(await settled).toBe('ok');
      const created = await creating;
      const rows = (await t.db('upload_sessions').where({ created_by: COUNTER.username })) as { id: string; dossier_code: string }[];
      expect(rows.map((r) => [r.id, r.dossier_code])).toEqual([[created.id, code]]);
    } finally {
      if (!other.isCompleted()) await other.rollback();
    }
  }, 30_000);
});
