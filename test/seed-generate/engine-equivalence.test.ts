/**
 * Generated dossiers are what the engine itself writes: each one is replayed through the real
 * DossierEngine (same ids, same clock instants, the same staff commands, the sweeper's
 * `sweepDossier` where a deadline event was generated) into another database, and the two databases
 * must hold byte-identical rows and events. Between two events the engine's own next_check_at must
 * say the sweeper had nothing to send earlier, so deadline events sit where the sweeper puts them.
 * Documents too (issue 14): each file is "uploaded" (its `blobs` row as the upload writes it, `upsertBlob`)
 * just before the first event that references it, the scans come with the submission as `POST /api/dossiers`
 * attaches them, reuses and result documents go through the engine's commands; the `document_refs` rows the
 * engine writes, and the `blobs` rows after its touches, must equal the generated ones.
 */
import type { Knex } from 'knex';
import { BACKENDS } from '../support/backends';
import { hanoi } from '../support/engine';
import { createEngineContext } from '../../src/app/engine-factory';
import { ManualClock } from '../../src/engine/clock';
import type { Command } from '../../machines/engine/commands';
import { decodeRow, type StoredEvent, type SubmitPayload } from '../../machines/engine/event-codec';
import { localDate } from '../../machines/calendar';
import { eventRowFromDb } from '../../src/store/dossier-store';
import { upsertBlob } from '../../src/store/document-store';
import type { FileRef, ReceiptDigitisation } from '../../machines/dossier/types';
import { toIsoOrNull } from '../../src/store/time';
import { END, generatedDb, type GeneratedDb } from './helpers';
import { ALL_EVENT_TYPES } from '../../machines/dossier';
import { NOT_GENERATED_EVENT_TYPES } from '../../src/seed-generate/generate';
import { classIntervalsOf } from '../../src/store/class-history-store';
import { canonicalIntervals } from '../../machines/metrics/class-history';
import { DigitisationTotals, digitisationFactsOfRow } from '../../machines/metrics/digitisation-rollup';
import { digitisationRollupEntries } from '../../src/store/digitisation-rollup-store';

let mockNextId = '';
jest.mock('uuid', () => ({ ...jest.requireActual('uuid'), v7: () => mockNextId }));

const SYSTEM_TYPES = new Set(['DEADLINE_APPROACHING', 'DEADLINE_PASSED', 'STEP_OVERDUE']);

/** The staff command that produced a stored user event (stampCommand's inverse). */
function commandOf(e: StoredEvent): Command {
  // The payload was written by stampCommand from a valid command: its fields have the command's types.
  const p = e.payload as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- payloads of every event type, read loosely
  const opt = <K extends string>(key: K, v: unknown) => (v === null || v === undefined ? {} : ({ [key]: v } as Record<K, never>));
  switch (e.type) {
    case 'RECEIVE':
      return { type: 'RECEIVE', ...receiptFields(p.digitisation as ReceiptDigitisation | undefined) };
    case 'RECEIVE_SUPPLEMENT':
    case 'RESUME':
      return { type: e.type };
    case 'REUSE_DOCUMENT':
      return { type: 'REUSE_DOCUMENT', component: p.component, source: p.source, file: p.file };
    case 'ASSIGN':
      return { type: 'ASSIGN', unit: p.unit, assignee: p.assignee };
    case 'COMPLETE_STEP':
      return { type: 'COMPLETE_STEP', ...opt('note', p.note) };
    case 'RETURN_STEP':
      return { type: 'RETURN_STEP', reason: p.reason };
    case 'REQUEST_SUPPLEMENT':
      return { type: 'REQUEST_SUPPLEMENT', missing: p.missing, reason: p.reason };
    case 'PAUSE':
      return { type: 'PAUSE', reason: p.reason, ...opt('note', p.note) };
    case 'RECORD_RESULT':
      return {
        type: 'RECORD_RESULT',
        documentNumber: p.documentNumber,
        documentDate: p.documentDate,
        signer: p.signer,
        digitised: p.digitised,
        ...(p.document
          ? { document: { sha256: p.document.file.sha256, name: p.document.file.name, form: p.document.form }, file: p.document.file }
          : {}),
      };
    case 'REFUSE':
      return { type: 'REFUSE', reason: p.reason, ...opt('signer', p.signer) };
    case 'ISSUE_APOLOGY':
      return {
        type: 'ISSUE_APOLOGY',
        reason: p.reason,
        responsibleUnit: p.responsibleUnit,
        responsibleStep: p.responsibleStep,
        ...opt('responsibleOfficer', p.responsibleOfficer),
        signer: p.signer,
        newDueDate: localDate(p.newDueAt),
      };
    case 'RETURN_RESULT':
      return { type: 'RETURN_RESULT', method: p.method, ...opt('rating', p.rating) };
    case 'WITHDRAW':
      return { type: 'WITHDRAW', reason: p.reason };
    case 'REQUEST_WITHDRAWAL':
      return { type: 'REQUEST_WITHDRAWAL', reason: p.reason, via: p.via };
    default:
      throw new Error(`not a user event: ${e.type}`);
  }
}

/** What the clerk said at receipt about digitisation: the reason for missing scans, the documents only shown. */
function receiptFields(d: ReceiptDigitisation | undefined): { digitisationNote?: string; shownComponents?: number[] } {
  return { ...(d?.reason ? { digitisationNote: d.reason } : {}), ...(d?.shown?.length ? { shownComponents: d.shown } : {}) };
}

/** The files an event names (the ones the engine writes document_refs rows for). */
function filesOf(e: StoredEvent): FileRef[] {
  const p = e.payload as { file?: FileRef; document?: { file: FileRef } };
  if (e.type === 'ATTACH_DOCUMENT' || e.type === 'REUSE_DOCUMENT') return [p.file!];
  return e.type === 'RECORD_RESULT' && p.document ? [p.document.file] : [];
}

/** The sweeper runs every minute: the first whole minute at or after next_check_at, never at the previous event's instant. */
function sweepMoment(nextCheck: string, after: string): string {
  const at = Math.ceil(Date.parse(nextCheck) / 60_000) * 60_000;
  const prev = Date.parse(after);
  return new Date(at > prev ? at : (Math.floor(prev / 60_000) + 1) * 60_000).toISOString();
}

async function eventsOf(db: Knex, id: string): Promise<StoredEvent[]> {
  return (await db('dossier_events').where({ dossier_id: id }).orderBy('seq')).map((r: Record<string, unknown>) =>
    decodeRow(eventRowFromDb(r)),
  );
}

/** What an event shows: its type, and the documents' variants (a reason for missing scans, a reuse at the counter…). */
function featuresOf(channel: string, e: { type: string; payload: string }): string[] {
  const p = JSON.parse(e.payload) as { digitisation?: ReceiptDigitisation; document?: unknown };
  const out = [e.type];
  if (e.type === 'RECEIVE' && p.digitisation?.reason) out.push('RECEIVE with the reason for missing scans');
  if (e.type === 'RECEIVE' && p.digitisation?.shown) out.push('RECEIVE with documents only shown');
  if (e.type === 'RECEIVE' && p.digitisation && p.digitisation.digitised === 0) out.push('RECEIVE of a dossier on paper only');
  if (e.type === 'RECEIVE' && p.digitisation?.optionalAbsent) out.push('RECEIVE without an optional document');
  if (e.type === 'RECORD_RESULT') out.push(p.document ? 'RECORD_RESULT with its document' : 'RECORD_RESULT not digitised');
  if (e.type === 'REUSE_DOCUMENT') out.push(`REUSE_DOCUMENT on a ${channel} dossier`);
  return out;
}

/**
 * Dossiers that together show every event type and document variant, then a few more, then every dossier
 * sharing a file with one of them (a file's last touch is its last reference's), in submission order.
 */
async function pickDossiers(db: Knex, extra: number): Promise<{ id: string; code: string }[]> {
  const rows = await db('dossiers').select('id', 'code', 'channel').orderBy('submitted_at').orderBy('code');
  const channelOf = new Map((rows as { id: string; channel: string }[]).map((r) => [r.id, r.channel]));
  const types = await db('dossier_events').select('dossier_id', 'type', 'payload');
  const byDossier = new Map<string, Set<string>>();
  for (const t of types as { dossier_id: string; type: string; payload: string }[]) {
    const set = byDossier.get(t.dossier_id) ?? new Set<string>();
    featuresOf(channelOf.get(t.dossier_id)!, t).forEach((f) => set.add(f));
    byDossier.set(t.dossier_id, set);
  }
  const seen = new Set<string>();
  const picked = new Set<string>();
  for (const r of rows as { id: string }[]) {
    const mine = byDossier.get(r.id)!;
    if ([...mine].some((t) => !seen.has(t))) {
      picked.add(r.id);
      mine.forEach((t) => seen.add(t));
    }
  }
  for (let i = 0; i < rows.length && extra > 0; i += Math.floor(rows.length / extra) + 1, extra--)
    picked.add((rows[i] as { id: string }).id);
  const refs = (await db('document_refs').select('dossier_id', 'sha256')) as { dossier_id: string; sha256: string }[];
  for (let grew = true; grew;) {
    grew = false;
    const shas = new Set(refs.filter((r) => picked.has(r.dossier_id)).map((r) => r.sha256));
    for (const r of refs)
      if (shas.has(r.sha256) && !picked.has(r.dossier_id)) {
        picked.add(r.dossier_id);
        grew = true;
      }
  }
  return (rows as { id: string; code: string }[]).filter((r) => picked.has(r.id));
}

/** Rows of a table without the columns that name an insertion (id) or a transaction (txid), not content. */
function strip(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map(({ id: _id, txid: _txid, ...rest }) => rest);
}

describe.each(BACKENDS)('generated dossiers equal the engine’s own on $name', (backend) => {
  let g: GeneratedDb;
  beforeAll(async () => {
    g = await generatedDb(backend, { dossiers: 400, centres: 1, months: 2, seed: 'equivalence' });
  }, 120_000);
  afterAll(async () => g.drop());

  test('replaying each generated dossier through DossierEngine gives the same row, events and hashes, with deadline events where the sweeper sends them', async () => {
    const target = await backend.create();
    const clock = new ManualClock(hanoi(`${END} 00:00`));
    // The generator numbers dossiers at submission (its histories predate codes given at receipt).
    const ctx = await createEngineContext({
      url: target.url,
      schema: target.schema,
      sqliteDriver: target.sqliteDriver,
      clock,
      codeAtSubmission: true,
    });
    const engineDb = ctx.db;
    try {
      const picked = await pickDossiers(g.db, 12);
      const types = new Set<string>();
      const features = new Set<string>();
      const uploaded = new Set<string>();
      const digitisation = new DigitisationTotals();
      /** The upload of each file an event names, before the event: its blobs row as the upload wrote it. */
      const upload = async (e: StoredEvent) => {
        for (const f of filesOf(e)) {
          if (uploaded.has(f.sha256)) continue;
          const b = await g.db('blobs').where({ sha256: f.sha256 }).first();
          await upsertBlob(engineDb, {
            sha256: f.sha256,
            size: f.size,
            mediaType: f.mediaType,
            at: toIsoOrNull(b.created_at)!,
            by: b.created_by,
          });
          uploaded.add(f.sha256);
        }
      };
      for (const { id, code } of picked) {
        const events = await eventsOf(g.db, id);
        events.forEach((e) => types.add(e.type));
        const p0 = events[0]!.payload as unknown as SubmitPayload;
        events.forEach((e) => featuresOf(p0.channel, { type: e.type, payload: JSON.stringify(e.payload) }).forEach((f) => features.add(f)));
        const submit = events[0]!;
        const p = submit.payload as unknown as SubmitPayload;
        const [, day, seq] = /-(\d{6})-(\d+)$/.exec(code)!;
        // The engine numbers the day's next dossier: put the sequence where the generator's was.
        await ctx.db('code_sequences').where({ agency_code: p.agencyCode, day }).delete();
        if (Number(seq) > 1) await ctx.db('code_sequences').insert({ agency_code: p.agencyCode, day, last: Number(seq) - 1 });
        mockNextId = id;
        clock.set(submit.occurredAt);
        const actor = (e: StoredEvent) => ({ username: e.actor, unit: e.actorUnit });
        // The scans come with the submission (attached before any receipt, at its instant).
        let next = 1;
        while (events[next]?.type === 'ATTACH_DOCUMENT' && events[next]!.occurredAt === submit.occurredAt) next += 1;
        const attached = events.slice(1, next);
        for (const e of attached) await upload(e);
        // At the counter the submission is received at once, unless the clerk registers it first (to reuse documents).
        const atOnce = p.channel === 'counter' && events[next]?.type === 'RECEIVE' && events[next]!.occurredAt === submit.occurredAt;
        const created = await ctx.engine.submitCommitted(
          {
            procedureCode: p.terms.code,
            channel: p.channel,
            applicant: p.applicant,
            documents: p.documents,
            ...(p.note ? { note: p.note } : {}),
            ...(p.channel === 'counter' && !atOnce ? { receiveAtOnce: false } : {}),
            ...(attached.length
              ? {
                  attachments: attached.map((e) => {
                    const a = e.payload as { component: number; file: FileRef };
                    return { component: a.component, sha256: a.file.sha256, name: a.file.name };
                  }),
                }
              : {}),
            ...(atOnce ? receiptFields((events[next]!.payload as { digitisation?: ReceiptDigitisation }).digitisation) : {}),
          },
          actor(submit),
          { files: attached.map((e) => (e.payload as { file: FileRef }).file) },
        );
        expect(created.view.code).toBe(code);
        const start = atOnce ? next + 1 : next;
        for (let i = start; i < events.length; i++) {
          const e = events[i]!;
          const row = await engineDb('dossiers').where({ id }).first();
          const nextCheck = toIsoOrNull(row.next_check_at);
          if (SYSTEM_TYPES.has(e.type)) {
            expect(nextCheck).not.toBeNull();
            expect([code, e.seq, e.occurredAt]).toEqual([code, e.seq, sweepMoment(nextCheck!, events[i - 1]!.occurredAt)]);
            clock.set(e.occurredAt);
            expect(await ctx.engine.sweepDossier(code)).toBe('sent');
          } else {
            // Nothing was due for the sweeper before this command.
            if (nextCheck)
              expect([code, e.seq, sweepMoment(nextCheck, events[i - 1]!.occurredAt) >= e.occurredAt]).toEqual([code, e.seq, true]);
            clock.set(e.occurredAt);
            await upload(e);
            await ctx.engine.act(code, commandOf(e), actor(e));
          }
        }
        // After the last event, nothing was due before the end of the history either.
        const last = await engineDb('dossiers').where({ id }).first();
        const nextCheck = toIsoOrNull(last.next_check_at);
        if (nextCheck) expect([code, sweepMoment(nextCheck, events.at(-1)!.occurredAt) >= hanoi(`${END} 00:00`)]).toEqual([code, true]);

        const generated = await g.db('dossiers').where({ id }).first();
        expect(last).toEqual(generated);
        digitisation.addDossier(digitisationFactsOfRow(generated));
        expect(strip(await engineDb('dossier_events').where({ dossier_id: id }).orderBy('seq'))).toEqual(
          strip(await g.db('dossier_events').where({ dossier_id: id }).orderBy('seq')),
        );
        // the pending-class history the engine kept says what the generator's (derived from the events) says, at every instant
        const history = async (db: Knex) => canonicalIntervals((await classIntervalsOf(db, [id])).get(id) ?? []);
        expect([code, await history(engineDb)]).toEqual([code, await history(g.db)]);
        const refs = (db: Knex) => db('document_refs').where({ dossier_id: id }).orderBy('seq').orderBy('document_id');
        expect(strip(await refs(engineDb))).toEqual(strip(await refs(g.db)));
      }
      // The digitisation rollup the engine kept for these dossiers is their rows' contribution: what the generator's
      // rebuild (and the migration's backfill) derives for them.
      expect(await digitisationRollupEntries(engineDb)).toEqual(digitisation.entries());
      expect(digitisation.entries().length).toBeGreaterThan(5);
      // Every file's row, after all the touches of the dossiers that reference it (all replayed).
      const shas = [...uploaded].sort();
      const blobRows = (db: Knex) => db('blobs').whereIn('sha256', shas).orderBy('sha256');
      expect(await blobRows(engineDb)).toEqual(await blobRows(g.db));
      expect(shas.length).toBeGreaterThan(20);
      for (const f of [
        'RECEIVE with the reason for missing scans',
        'RECEIVE with documents only shown',
        'RECEIVE of a dossier on paper only',
        'RECEIVE without an optional document',
        'RECORD_RESULT with its document',
        'RECORD_RESULT not digitised',
        'REUSE_DOCUMENT on a counter dossier',
        'REUSE_DOCUMENT on a online dossier',
      ])
        expect([f, features.has(f)]).toEqual([f, true]);
      // The replayed sample covers every event type of the chart but those the generator never writes.
      const notGenerated: readonly string[] = NOT_GENERATED_EVENT_TYPES;
      for (const t of ['SUBMIT', ...ALL_EVENT_TYPES].filter((x) => !notGenerated.includes(x))) {
        expect([t, types.has(t)]).toEqual([t, true]);
      }
    } finally {
      await ctx.close();
      await target.drop();
    }
  }, 120_000);
});
