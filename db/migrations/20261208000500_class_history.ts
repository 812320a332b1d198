/**
 * The pending-class history (issue 16, machines/metrics/class-history.ts): per dossier, the intervals of the facts
 * that classify it when pending (clock stopped, statutory due date, intake due time and answer), so that the
 * projection's SQL classifies the dossiers pending at an ended period's end as they were then, not as they are now.
 * The engine keeps it in each event's own transaction; this migration backfills it from the events of the
 * dossiers already stored (every dossier replayed), in the migration's transaction.
 *
 * What a shipped migration does must not change when live code does, so the backfill reads and writes the tables
 * with its own SQL and derives the intervals with its own copy of the rule (the frozen copies below, as of this
 * migration; src/metrics/rollup-rebuild.ts derives the same from the same events for the rebuild and the check).
 * The one thing it takes from live code is the replay of a dossier's events through the chart version it started
 * with (machines/dossier, machines/engine/event-codec), which cannot change for a stored event: any change to how an
 * existing event moves a chart makes a new chart version (docs/engine.md, "Versions"), and the audit replays every
 * stored dossier to hold it to that. test/metrics/pending-at-cut.test.ts compares the backfill with the derivation.
 */
import type { Knex } from 'knex';
import { applyEvent, chartFor, lifecycleOf, startDossier, type DossierSnapshot } from '../../machines/dossier';
import { decodeRow, inputFromSubmit, toChartEvent, type StoredEvent } from '../../machines/engine/event-codec';

/** frozen copy of machines/vocabulary.ts STOPPED_STATES at the time of this migration */
const STOPPED_STATES: readonly string[] = ['awaiting_supplement', 'paused', 'withdrawal_requested'];

/** frozen copy of machines/metrics/class-history.ts ClassFacts / ClassInterval at the time of this migration */
interface ClassFacts {
  clockStopped: boolean;
  originalDueAt: string | null;
  intakeDueBy: string | null;
  intakeAnsweredAt: string | null;
}
interface ClassInterval extends ClassFacts {
  seq: number;
  validFrom: string;
  validTo: string | null;
}

/** frozen copy of src/metrics/rollup-rebuild.ts classFactsOfSnapshot (with class-history.ts classFactsOf) */
function classFactsOfSnapshot(snapshot: DossierSnapshot): ClassFacts {
  const ctx = snapshot.context;
  return {
    clockStopped: STOPPED_STATES.includes(lifecycleOf(snapshot)),
    originalDueAt: ctx.originalDueAt,
    intakeDueBy: ctx.intake?.dueBy ?? null,
    intakeAnsweredAt: ctx.intake?.answeredAt ?? null,
  };
}

const instantEq = (a: string | null, b: string | null) => (a === null || b === null ? a === b : Date.parse(a) === Date.parse(b));

/** frozen copy of machines/metrics/class-history.ts sameClassFacts and classIntervals */
function classIntervals(states: readonly { facts: ClassFacts; at: string; seq: number }[]): ClassInterval[] {
  const same = (a: ClassFacts, b: ClassFacts) =>
    a.clockStopped === b.clockStopped &&
    instantEq(a.originalDueAt, b.originalDueAt) &&
    instantEq(a.intakeDueBy, b.intakeDueBy) &&
    instantEq(a.intakeAnsweredAt, b.intakeAnsweredAt);
  const out: ClassInterval[] = [];
  for (const s of states) {
    const open = out.at(-1);
    if (open && same(open, s.facts)) continue;
    if (open) open.validTo = s.at;
    out.push({ ...s.facts, seq: s.seq, validFrom: s.at, validTo: null });
  }
  return out;
}

/** One dossier's intervals: its events replayed through its chart version, the facts after each. */
function intervalsFromEvents(id: string, events: StoredEvent[]): ClassInterval[] {
  const [first, ...rest] = events;
  if (!first) return [];
  const chart = chartFor(first.machineVersion);
  let snapshot = startDossier(chart, inputFromSubmit(id, first));
  const states = [{ facts: classFactsOfSnapshot(snapshot), at: first.occurredAt, seq: first.seq }];
  for (const e of rest) {
    const next = applyEvent(chart, snapshot, toChartEvent(e));
    if (!next) throw new Error(`dossier ${id}: ${e.type} (seq ${e.seq}) does not replay`);
    snapshot = next;
    states.push({ facts: classFactsOfSnapshot(snapshot), at: e.occurredAt, seq: e.seq });
  }
  return classIntervals(states);
}

/** what src/store/time.ts toIso did at the time of this migration: PostgreSQL returns Date, SQLite text */
const toIso = (v: unknown) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

/** Fills the (empty) history from the events of every stored dossier, a page of dossiers at a time. */
async function backfill(knex: Knex, pageSize = 500): Promise<void> {
  let after: string | null = null;
  for (;;) {
    const q = knex('dossiers').select('id').orderBy('id').limit(pageSize);
    if (after !== null) q.where('id', '>', after);
    const ids = ((await q) as { id: unknown }[]).map((r) => String(r.id));
    if (!ids.length) return;
    const raw = (await knex('dossier_events')
      .select('dossier_id', 'seq', 'type', 'payload', 'actor', 'actor_unit', 'occurred_at', 'machine_version', 'prev_hash', 'hash')
      .whereIn('dossier_id', ids)
      .orderBy([{ column: 'dossier_id' }, { column: 'seq' }])) as Record<string, unknown>[];
    const byDossier = new Map<string, StoredEvent[]>();
    for (const r of raw) {
      const id = String(r.dossier_id);
      let list = byDossier.get(id);
      if (!list) byDossier.set(id, (list = []));
      list.push(
        decodeRow({
          dossier_id: id,
          seq: Number(r.seq),
          type: String(r.type),
          payload: String(r.payload),
          actor: String(r.actor),
          actor_unit: (r.actor_unit as string | null) ?? null,
          occurred_at: toIso(r.occurred_at),
          machine_version: Number(r.machine_version),
          prev_hash: String(r.prev_hash),
          hash: String(r.hash),
        }),
      );
    }
    const rows = ids.flatMap((id) =>
      intervalsFromEvents(id, byDossier.get(id) ?? []).map((i) => ({
        dossier_id: id,
        seq: i.seq,
        valid_from: i.validFrom,
        valid_to: i.validTo,
        clock_stopped: i.clockStopped,
        original_due_at: i.originalDueAt,
        intake_due_by: i.intakeDueBy,
        intake_answered_at: i.intakeAnsweredAt,
      })),
    );
    // in chunks well under either database's bound on variables
    for (let i = 0; i < rows.length; i += 100) await knex('dossier_class_history').insert(rows.slice(i, i + 100));
    after = ids[ids.length - 1]!;
  }
}

export async function up(knex: Knex): Promise<void> {
  const pg = (knex.client as { config: { client: string } }).config.client === 'pg';
  const ts = (t: Knex.CreateTableBuilder, name: string) => (pg ? t.timestamp(name, { useTz: true }) : t.string(name, 30));
  await knex.schema.createTable('dossier_class_history', (t) => {
    t.uuid('dossier_id').notNullable().references('id').inTable('dossiers');
    t.integer('seq').notNullable();
    ts(t, 'valid_from').notNullable();
    ts(t, 'valid_to').nullable();
    t.boolean('clock_stopped').notNullable();
    ts(t, 'original_due_at').nullable();
    ts(t, 'intake_due_by').nullable();
    ts(t, 'intake_answered_at').nullable();
    t.primary(['dossier_id', 'seq']);
  });
  // The online submissions waiting for the counter's answer at some instant: few, whatever the history.
  await knex.raw(
    'CREATE INDEX dossier_class_history_intake_waiting_index ON dossier_class_history (intake_due_by) WHERE intake_answered_at IS NULL AND intake_due_by IS NOT NULL',
  );
  await backfill(knex);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS dossier_class_history_intake_waiting_index');
  await knex.schema.dropTable('dossier_class_history');
}
