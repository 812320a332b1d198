/**
 * The whole-database audit reads its pages through src/store/audit-pages.ts: on PostgreSQL by id range, the
 * events as arrays and every instant turned into ISO-8601 text without a Date. What it reads must be exactly
 * what the store's ordinary readers give for the same ids — rows (the columns of a DossierRow), events in seq order, refs in id order,
 * instants to the millisecond as the driver's Date gives them (a stored microsecond fraction truncated) — or
 * the audit would be checking something else than what is stored.
 */
import fc from 'fast-check';
import pg from 'pg';
import '../support/fast-check-seed';
import { BACKENDS } from '../support/backends';
import { ACTORS, type StartedEngine, startEngine, submission } from '../support/engine';
import { asDatabaseOwner } from '../support/db-owner';
import { DOSSIER_COLUMNS, readAuditPage } from '../../src/store/audit-pages';
import { findDossiersByIds, listDossierIdsAfter, listEventsByDossier } from '../../src/store/dossier-store';
import { documentRefsOfDossiers } from '../../src/store/document-store';
import { isoOfPgTimestamptz, toIso } from '../../src/store/time';

const parse = pg.types.getTypeParser(1184, 'text') as (text: string) => unknown;

/** What the driver's parser and toIso make of a text: the ISO string, or the error. */
function viaDate(text: string): string {
  try {
    return toIso(parse(text));
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

function direct(text: string): string {
  try {
    return isoOfPgTimestamptz(text, parse);
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

describe('a PostgreSQL instant read as text', () => {
  test('rule: gives what the driver’s Date gives, for every instant PostgreSQL writes in UTC (fraction truncated to the millisecond)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 999_999 }),
        fc.integer({ min: 0, max: 6 }),
        (d, micros, digits) => {
          const iso = d.toISOString();
          const fraction = digits === 0 ? '' : `.${pad(micros, 6).slice(0, digits)}`;
          const text = `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction}+00`;
          expect(direct(text)).toBe(viaDate(text));
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('rule: any other text goes the driver’s way, with the same answer or the same error', () => {
    const texts = [
      '2026-03-03 02:05:09+00',
      '2026-03-03 02:05:09.5+00',
      '2026-03-03 02:05:09.999999+00',
      '2026-03-03 02:05:09.0005+00',
      '2024-02-29 23:59:59.29+00',
      '2023-02-29 10:00:00+00', // no such day: the Date rolls over, so does the answer
      '2026-13-01 00:00:00+00',
      '2026-03-03 24:00:00+00',
      '2026-03-03 02:60:00+00',
      '2026-03-03 02:05:60+00',
      '2026-03-03 02:05:09+07',
      '2026-03-03 02:05:09-03:30',
      '2026-03-03 02:05:09.123+05:30',
      '0999-12-31 23:59:59+00',
      '0099-01-01 00:00:00+00',
      '12026-03-03 02:05:09+00',
      '2026-03-03 02:05:09+00 BC',
      '2026-03-03 02:05:09.+00',
      '2026-03-03 02:05:09.1234567+00',
      '2026-03-03T02:05:09+00',
      'infinity',
      '-infinity',
      '2026-03-03',
      'not a time',
    ];
    for (const text of texts) expect([text, direct(text)]).toEqual([text, viaDate(text)]);
    fc.assert(
      fc.property(fc.string({ minLength: 20, maxLength: 30, unit: fc.constantFrom(...'0123456789-: .+T'.split('')) }), (text) => {
        expect(direct(text)).toBe(viaDate(text));
      }),
      { numRuns: 3000 },
    );
  });
});

describe.each(BACKENDS)('the audit’s pages on $name', (backend) => {
  let t: StartedEngine;
  beforeAll(async () => {
    t = await startEngine(backend);
    for (let i = 0; i < 7; i++) {
      t.at(`2026-03-0${3 + (i % 3)} 09:0${i}`);
      const d = await t.engine.submit(submission('1.001612'), ACTORS.counter);
      if (i % 2) await t.engine.act(d.code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    }
    const ids = await listDossierIdsAfter(t.db, null, 100);
    await asDatabaseOwner(t.db);
    // an event stored with a microsecond fraction, a dossier without events, a dossier's refs in two rows
    await t.db('dossier_events').insert({
      dossier_id: ids[1],
      seq: 99,
      type: 'COMPLETE_STEP',
      payload: '{"x":"ầ"}',
      actor: 'mallory',
      actor_unit: null,
      occurred_at: backend.name === 'postgres' ? '2026-03-04 02:05:09.987654+00' : '2026-03-04T02:05:09.987Z',
      machine_version: 3,
      prev_hash: '0'.repeat(64),
      hash: '1'.repeat(64),
    });
    await t.db('dossier_events').where({ dossier_id: ids[4] }).delete();
    const ref = (seq: number, doc: string) => ({
      dossier_id: ids[2],
      seq,
      document_id: doc,
      document_version: 1,
      sha256: 'a'.repeat(64),
      size: 10,
      media_type: 'application/pdf',
      kind: 'attachment',
      at: '2026-03-04T02:05:09.123Z',
    });
    await t.db('document_refs').insert([ref(2, 'd2'), ref(1, 'd1')]);
  });
  afterAll(async () => t.drop());

  test.each([1, 3, 100])('rule: pages of %i read exactly what the ordinary readers read for the same ids', async (size) => {
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page = await readAuditPage(t.db, after, size);
      const ids = await listDossierIdsAfter(t.db, after, size);
      expect(page.ids).toEqual(ids);
      if (!ids.length) break;
      pages += 1;
      const rows = (await findDossiersByIds(t.db, ids)).map((r) => Object.fromEntries(DOSSIER_COLUMNS.map((c) => [c, r[c]])));
      expect(page.rows).toEqual(new Map(rows.map((r) => [r.id, r])));
      expect(page.events).toEqual(await listEventsByDossier(t.db, ids));
      expect(page.refs).toEqual(await documentRefsOfDossiers(t.db, ids));
      after = ids.at(-1)!;
    }
    expect(pages).toBe(Math.ceil(7 / size));
  });

  test('rule: a page bounded by `upto` stops there', async () => {
    const ids = await listDossierIdsAfter(t.db, null, 100);
    const page = await readAuditPage(t.db, ids[1]!, 100, ids[4]!);
    expect(page.ids).toEqual(ids.slice(2, 5));
    expect([...page.rows.keys()].sort()).toEqual(ids.slice(2, 5).sort());
  });
});
