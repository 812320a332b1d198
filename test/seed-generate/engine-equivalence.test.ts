/**
 * Generated dossiers are what the engine itself writes: each one is replayed through the real
 * DossierEngine (same ids, same clock instants, the same staff commands, the sweeper's
 * `sweepDossier` where a deadline event was generated) into another database, and the two databases
 * must hold byte-identical rows and events. Between two events the engine's own next_check_at must
 * say the sweeper had nothing to send earlier, so deadline events sit where the sweeper puts them.
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
import { toIsoOrNull } from '../../src/store/time';
import { END, generatedDb, type GeneratedDb } from './helpers';
import { ALL_EVENT_TYPES } from '../../machines/dossier';
import { NOT_GENERATED_EVENT_TYPES } from '../../src/seed-generate/generate';
import { classIntervalsOf } from '../../src/store/class-history-store';
import { canonicalIntervals } from '../../machines/metrics/class-history';

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
    case 'RECEIVE_SUPPLEMENT':
    case 'RESUME':
      return { type: e.type };
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

/** Dossiers that together show every event type, then a few more, in submission order. */
async function pickDossiers(db: Knex, extra: number): Promise<{ id: string; code: string }[]> {
  const rows = await db('dossiers').select('id', 'code').orderBy('submitted_at').orderBy('code');
  const types = await db('dossier_events').select('dossier_id', 'type');
  const byDossier = new Map<string, Set<string>>();
  for (const t of types as { dossier_id: string; type: string }[]) {
    const set = byDossier.get(t.dossier_id) ?? new Set<string>();
    set.add(t.type);
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
  return (rows as { id: string; code: string }[]).filter((r) => picked.has(r.id));
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
      for (const { id, code } of picked) {
        const events = await eventsOf(g.db, id);
        events.forEach((e) => types.add(e.type));
        const submit = events[0]!;
        const p = submit.payload as unknown as SubmitPayload;
        const [, day, seq] = /-(\d{6})-(\d+)$/.exec(code)!;
        // The engine numbers the day's next dossier: put the sequence where the generator's was.
        await ctx.db('code_sequences').where({ agency_code: p.agencyCode, day }).delete();
        if (Number(seq) > 1) await ctx.db('code_sequences').insert({ agency_code: p.agencyCode, day, last: Number(seq) - 1 });
        mockNextId = id;
        clock.set(submit.occurredAt);
        const actor = (e: StoredEvent) => ({ username: e.actor, unit: e.actorUnit });
        const created = await ctx.engine.submit(
          {
            procedureCode: p.terms.code,
            channel: p.channel,
            applicant: p.applicant,
            documents: p.documents,
            ...(p.note ? { note: p.note } : {}),
          },
          actor(submit),
        );
        expect(created.code).toBe(code);
        const start = p.channel === 'counter' ? 2 : 1; // at the counter the submission is received at once
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
            await ctx.engine.act(code, commandOf(e), actor(e));
          }
        }
        // After the last event, nothing was due before the end of the history either.
        const last = await engineDb('dossiers').where({ id }).first();
        const nextCheck = toIsoOrNull(last.next_check_at);
        if (nextCheck) expect([code, sweepMoment(nextCheck, events.at(-1)!.occurredAt) >= hanoi(`${END} 00:00`)]).toEqual([code, true]);

        const generated = await g.db('dossiers').where({ id }).first();
        expect(last).toEqual(generated);
        // id and (PostgreSQL) txid name the row's insertion and its transaction, not its content
        const strip = (rows: Record<string, unknown>[]) => rows.map(({ id: _id, txid: _txid, ...rest }) => rest);
        expect(strip(await engineDb('dossier_events').where({ dossier_id: id }).orderBy('seq'))).toEqual(
          strip(await g.db('dossier_events').where({ dossier_id: id }).orderBy('seq')),
        );
        // the pending-class history the engine kept says what the generator's (derived from the events) says, at every instant
        const history = async (db: Knex) => canonicalIntervals((await classIntervalsOf(db, [id])).get(id) ?? []);
        expect([code, await history(engineDb)]).toEqual([code, await history(g.db)]);
      }
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
