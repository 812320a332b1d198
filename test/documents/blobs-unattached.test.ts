/**
 * The cleanup job looks for unreferenced files among the uploads no event has referenced (`blobs.unattached`,
 * db/migrations/20261210000100_blobs_unattached.ts), not among every file the store holds. The flag only narrows
 * the search; these rules hold it to what the rows mean, on both databases.
 */
import type { Knex } from 'knex';
import { BACKENDS } from '../support/backends';
import { MIGRATION_NAMES, migrationSource } from '../../db/migrations';
import { openDb } from '../../src/store/db';
import { markUnreferencedBlobs, touchBlob, upsertBlob } from '../../src/store/document-store';

const sha = (c: string) => c.repeat(64);
const AT = '2026-03-02T03:00:00.000Z';
const LATER = '2026-03-09T03:00:00.000Z';

const flags = async (db: Knex) =>
  Object.fromEntries(
    ((await db('blobs').orderBy('sha256').select('sha256', 'unattached')) as { sha256: string; unattached: unknown }[]).map((r) => [
      r.sha256[0],
      Boolean(r.unattached),
    ]),
  );

function blob(c: string) {
  return {
    sha256: sha(c),
    size: 10,
    media_type: 'application/pdf',
    created_at: AT,
    created_by: 'counter',
    touched_at: AT,
    state: 'stored',
  };
}

function ref(c: string, dossier: string, version = 1) {
  return {
    dossier_id: dossier,
    seq: 1,
    document_id: 'TP-1',
    document_version: version,
    sha256: sha(c),
    size: 10,
    media_type: 'application/pdf',
    kind: 'component',
    at: AT,
  };
}

describe.each(BACKENDS)('files waiting for an event ($label)', (backend) => {
  async function withDb<T>(work: (db: Knex) => Promise<T>): Promise<T> {
    const created = await backend.create();
    const db = openDb({ url: created.url, schema: created.schema, sqliteDriver: created.sqliteDriver });
    try {
      return await work(db);
    } finally {
      await db.destroy();
      await created.drop();
    }
  }

  test('a database migrated from before the flag has every file no live reference holds flagged, and only those', async () => {
    await withDb(async (db) => {
      const before = MIGRATION_NAMES.indexOf('20261210000100_blobs_unattached');
      await db.migrate.latest({ migrationSource: { ...migrationSource, getMigrations: async () => MIGRATION_NAMES.slice(0, before) } });
      const d1 = '00000000-0000-4000-8000-000000000001';
      const d2 = '00000000-0000-4000-8000-000000000002';
      // a: never attached; b: referenced; c: its only reference recorded deleted by the retention job
      await db('blobs').insert([blob('a'), blob('b'), blob('c')]);
      await db('document_refs').insert([ref('b', d1), ref('c', d2)]);
      await db('document_deletions').insert({
        seq: 1,
        sha256: sha('c'),
        dossier_id: d2,
        dossier_code: 'X',
        document_id: 'TP-1',
        document_version: 1,
        rule: 'r',
        reason: 'r',
        at: AT,
        prev_hash: '0'.repeat(64),
        hash: '1'.repeat(64),
      });
      await db.migrate.latest({ migrationSource });
      expect(await flags(db)).toEqual({ a: true, b: false, c: true });
    });
  });

  test('an upload is flagged until an event references it; bytes uploaded again are flagged again and cleared by the cleanup, never removed while referenced', async () => {
    await withDb(async (db) => {
      await db.migrate.latest({ migrationSource });
      const file = { size: 10, mediaType: 'application/pdf', at: AT, by: 'counter' };
      await upsertBlob(db, { ...file, sha256: sha('a') });
      await upsertBlob(db, { ...file, sha256: sha('b') });
      expect(await flags(db)).toEqual({ a: true, b: true });
      await db.transaction(async (tx) => {
        expect(await touchBlob(tx, sha('b'), AT)).toBe(true);
        await tx('document_refs').insert(ref('b', '00000000-0000-4000-8000-000000000003'));
      });
      expect(await flags(db)).toEqual({ a: true, b: false });
      await upsertBlob(db, { ...file, sha256: sha('b') }); // the same bytes uploaded again for another dossier
      expect(await flags(db)).toEqual({ a: true, b: true });
      expect(await markUnreferencedBlobs(db, LATER, 10)).toEqual([sha('a')]);
      expect(await flags(db)).toEqual({ a: true, b: false });
      expect(
        await db('blobs')
          .where({ sha256: sha('b') })
          .first('state'),
      ).toEqual({ state: 'stored' });
    });
  });

  test('a rolled-back event leaves its upload flagged', async () => {
    await withDb(async (db) => {
      await db.migrate.latest({ migrationSource });
      await upsertBlob(db, { sha256: sha('a'), size: 10, mediaType: 'application/pdf', at: AT, by: 'counter' });
      await expect(
        db.transaction(async (tx) => {
          await touchBlob(tx, sha('a'), AT);
          throw new Error('the event was refused');
        }),
      ).rejects.toThrow('refused');
      expect(await flags(db)).toEqual({ a: true });
      expect(await markUnreferencedBlobs(db, LATER, 10)).toEqual([sha('a')]);
    });
  });
});
