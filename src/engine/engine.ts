/**
 * The dossier engine: the only code that moves a dossier. Each action is one database transaction
 * that reads the dossier, asks the pure chart whether the event is allowed, stamps it with the
 * server time and computed deadlines, appends it to the hash-chained event log and rewrites the
 * projection row, naming the version it read so that two concurrent actions can never both win.
 */
import type { Knex } from 'knex';
import { v7 as uuidv7 } from 'uuid';
import {
  allowedEvents,
  applyEvent,
  chartFor,
  CURRENT_CHART_VERSION,
  lifecycleOf,
  persistSnapshot,
  restoreSnapshot,
  startDossier,
  USER_EVENT_TYPES,
  type ActorRef,
  type DossierChart,
  type DossierEvent,
  type DossierSnapshot,
} from '../../machines/dossier';
import { localDate, type Calendar } from '../calendar';
import { deadlineEventAt, nextCheckAt, stepDueAt } from './deadline-check';
import { metricsColumns } from '../metrics/projection-extra';
import { eventHash, GENESIS_HASH } from '../audit/hash';
import {
  appendEvents,
  findDossierByCode,
  insertDossier,
  isUniqueViolation,
  listEvents,
  setNextCheck,
  updateDossier,
  type DossierRow,
  type EventRow,
} from '../store/dossier-store';
import { nextDailySequence } from '../store/code-sequence';
import type { Clock } from './clock';
import type { Command, Submission } from './commands';
import { invariantViolation, isMotcuaError, notFound, transitionNotAllowed, versionConflict } from './errors';
import { decodeRow, payloadOf, type StoredEvent, type SubmitPayload } from './event-codec';
import { projectSnapshot, viewOf, type DossierView } from './projection';
import { termsOf, type CalendarProvider, type ProcedureProvider } from './reference-data';
import { stampCommand } from './stamp';

export interface EngineDeps {
  db: Knex;
  clock: Clock;
  calendars: CalendarProvider;
  procedures: ProcedureProvider;
  /** the receiving agency's identifier code, the dossier code's prefix */
  agencyCode: string;
  /** the chart version new dossiers start with (default: the current one) */
  chartVersion?: number;
  /** remaining working time under which a dossier is "due soon" (default: one office day) */
  dueSoonThresholdMs?: number;
}

export const SYSTEM_ACTOR: ActorRef = { username: 'system', unit: null };

export type SystemEventType = 'DEADLINE_APPROACHING' | 'DEADLINE_PASSED';

interface Loaded {
  row: DossierRow;
  chart: DossierChart;
  snapshot: DossierSnapshot;
}

export function dossierCode(agencyCode: string, at: string, seq: number): string {
  const day = localDate(at).slice(2).replace(/-/g, '');
  return `${agencyCode}-${day}-${String(seq).padStart(4, '0')}`;
}

export class DossierEngine {
  constructor(private readonly deps: EngineDeps) {}

  /** Registers a dossier. At the counter the clerk receives it at once (the clock starts); online and postal dossiers wait for a clerk. */
  async submit(
    sub: Submission,
    actor: ActorRef,
    opts: { alsoInTransaction?: (tx: Knex.Transaction, created: DossierView) => Promise<void> } = {},
  ): Promise<DossierView> {
    // Reference data is read before the transaction: on SQLite the one connection belongs to the transaction.
    const cal = await this.deps.calendars.latest();
    return this.inTransaction(async (tx) => {
      const def = await this.deps.procedures.latest(sub.procedureCode, tx);
      const at = this.now();
      const day = localDate(at).slice(2).replace(/-/g, '');
      const seq = await nextDailySequence(tx, this.deps.agencyCode, day);
      const code = dossierCode(this.deps.agencyCode, at, seq);
      const id = uuidv7();
      const terms = termsOf(def);
      const chartVersion = this.deps.chartVersion ?? CURRENT_CHART_VERSION;
      const chart = chartFor(chartVersion);
      let snapshot = startDossier(chart, { dossierId: id, code, channel: sub.channel, procedure: terms, submittedAt: at, by: actor });

      const submitPayload: SubmitPayload = {
        code,
        agencyCode: this.deps.agencyCode,
        channel: sub.channel,
        terms,
        applicant: sub.applicant,
        documents: sub.documents,
        ...(sub.note ? { note: sub.note } : {}),
      };
      const pending: { type: string; payload: Record<string, unknown>; at: string; by: ActorRef }[] = [
        { type: 'SUBMIT', payload: submitPayload as unknown as Record<string, unknown>, at, by: actor },
      ];
      if (sub.channel === 'counter') {
        const receive = stampCommand({ type: 'RECEIVE' }, snapshot.context, at, actor, cal);
        snapshot = this.step(chart, snapshot, receive);
        pending.push({ type: receive.type, payload: payloadOf(receive), at, by: actor });
      }
      const rows = chainEvents(id, chartVersion, GENESIS_HASH, 0, pending);
      const last = rows[rows.length - 1]!;
      const row: DossierRow = {
        id,
        code,
        agency_code: this.deps.agencyCode,
        procedure_code: def.code,
        procedure_version: def.version,
        machine_version: chartVersion,
        channel: sub.channel,
        submitted_at: at,
        applicant_name: sub.applicant.fullName,
        applicant_id_number: sub.applicant.idNumber,
        applicant_phone: sub.applicant.phone,
        ...projectSnapshot(snapshot, persistSnapshot(chart, snapshot), { version: last.seq, lastHash: last.hash, updatedAt: at }),
        ...metricsColumns(snapshot, cal),
        next_check_at: nextCheckAt(snapshot, cal, this.threshold(cal)),
      };
      await insertDossier(tx, row);
      await appendEvents(tx, rows);
      const view = viewOf(row, snapshot);
      if (opts.alsoInTransaction) await opts.alsoInTransaction(tx, view);
      return view;
    });
  }

  /** Applies a user's command. `expectedVersion` is the version the user saw; a stale one is a conflict. */
  async act(code: string, cmd: Command, actor: ActorRef, opts: { expectedVersion?: number } = {}): Promise<DossierView> {
    const cal = await this.deps.calendars.latest();
    return this.inTransaction(async (tx) => {
      const loaded = await this.load(tx, code, opts.expectedVersion);
      const at = this.now();
      this.ensureAllowed(loaded.snapshot, cmd.type);
      const event = stampCommand(cmd, loaded.snapshot.context, at, actor, cal);
      return this.commit(tx, loaded, event, cal);
    });
  }

  /** Applies a system (deadline) event; returns null when the dossier's state no longer calls for it. */
  async system(code: string, type: SystemEventType, opts: { expectedVersion?: number } = {}): Promise<DossierView | null> {
    const cal = await this.deps.calendars.latest();
    return this.inTransaction(async (tx) => {
      const loaded = await this.load(tx, code, opts.expectedVersion);
      const ctx = loaded.snapshot.context;
      const event: DossierEvent = { type, at: this.now(), by: SYSTEM_ACTOR, dueAt: ctx.originalDueAt ?? '' };
      if (!loaded.snapshot.can(event)) return null;
      return this.commit(tx, loaded, event, cal);
    });
  }

  async get(code: string): Promise<DossierView> {
    const loaded = await this.load(this.deps.db, code);
    return viewOf(loaded.row, loaded.snapshot);
  }

  async snapshotOf(code: string): Promise<DossierSnapshot> {
    return (await this.load(this.deps.db, code)).snapshot;
  }

  async history(code: string): Promise<StoredEvent[]> {
    const row = await findDossierByCode(this.deps.db, code);
    if (!row) throw notFound('hồ sơ', code);
    return (await listEvents(this.deps.db, row.id)).map(decodeRow);
  }

  // --- internals -------------------------------------------------------------------------------

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  private async inTransaction<T>(work: (tx: Knex.Transaction) => Promise<T>): Promise<T> {
    try {
      return await this.deps.db.transaction(work);
    } catch (err) {
      if (!isMotcuaError(err) && isUniqueViolation(err)) throw versionConflict(null, null);
      throw err;
    }
  }

  /** Reads a dossier; inside a transaction (`db.isTransaction`) its row stays locked until commit on PostgreSQL. */
  private async load(db: Knex | Knex.Transaction, code: string, expectedVersion?: number): Promise<Loaded> {
    const row = await findDossierByCode(db, code, { forUpdate: Boolean((db as Knex.Transaction).isTransaction) });
    if (!row) throw notFound('hồ sơ', code);
    if (expectedVersion !== undefined && expectedVersion !== row.version) throw versionConflict(expectedVersion, row.version);
    const chart = chartFor(row.machine_version);
    return { row, chart, snapshot: restoreSnapshot(chart, JSON.parse(row.snapshot)) };
  }

  private ensureAllowed(snapshot: DossierSnapshot, type: Command['type']): void {
    if (snapshot.can({ type } as DossierEvent)) return;
    const allowed = allowedEvents(snapshot, USER_EVENT_TYPES);
    const state = lifecycleOf(snapshot);
    const ctx = snapshot.context;
    const reason =
      type === 'RETURN_RESULT' && ctx.result && ctx.finalTimeliness === 'late' && ctx.apologies.length === 0
        ? `Hồ sơ trễ hạn chưa có Phiếu xin lỗi và hẹn lại ngày trả kết quả: phải thực hiện ISSUE_APOLOGY trước khi trả kết quả`
        : undefined;
    throw transitionNotAllowed(type, state, allowed, reason);
  }

  /** Runs the chart and re-checks the rule the whole system exists for: nothing closes before its result. */
  private step(chart: DossierChart, snapshot: DossierSnapshot, event: DossierEvent): DossierSnapshot {
    const next = applyEvent(chart, snapshot, event);
    if (!next) throw transitionNotAllowed(event.type, lifecycleOf(snapshot), allowedEvents(snapshot, USER_EVENT_TYPES));
    const state = lifecycleOf(next);
    if ((state === 'result' || state === 'returned') && next.context.result === null) {
      throw invariantViolation('không được kết thúc hồ sơ trước khi có kết quả giải quyết', { state, event: event.type });
    }
    if (state === 'returned' && lifecycleOf(snapshot) !== 'result') {
      throw invariantViolation('chỉ trả kết quả khi hồ sơ đã có kết quả', { from: lifecycleOf(snapshot), event: event.type });
    }
    return next;
  }

  /**
   * The sweeper's step for one dossier: in one transaction, sends the deadline event due now, if any,
   * else just refreshes when to look next. A dossier locked by another sweeper is skipped (SKIP LOCKED on
   * PostgreSQL; SQLite has one writer). The chart accepts each flag once, so racing sweepers never double-send.
   */
  async sweepDossier(code: string): Promise<'sent' | 'refreshed' | 'skipped'> {
    const cal = await this.deps.calendars.latest();
    return this.inTransaction(async (tx) => {
      const row = await findDossierByCode(tx, code, { forUpdate: true, skipLocked: true });
      if (!row) return 'skipped';
      const chart = chartFor(row.machine_version);
      const loaded = { row, chart, snapshot: restoreSnapshot(chart, JSON.parse(row.snapshot)) };
      const now = this.now();
      const type = deadlineEventAt(loaded.snapshot, now, cal, this.threshold(cal));
      if (type) {
        const ctx = loaded.snapshot.context;
        const event: DossierEvent =
          type === 'STEP_OVERDUE'
            ? { type, at: now, by: SYSTEM_ACTOR, stepIndex: ctx.stepIndex, stepId: ctx.procedure.steps[ctx.stepIndex]?.id ?? '', stepDueAt: stepDueAt(loaded.snapshot, cal) ?? now }
            : { type, at: now, by: SYSTEM_ACTOR, dueAt: ctx.originalDueAt ?? '' };
        await this.commit(tx, loaded, event, cal);
        return 'sent';
      }
      await setNextCheck(tx, row.id, row.version, nextCheckAt(loaded.snapshot, cal, this.threshold(cal)));
      return 'refreshed';
    });
  }

  private threshold(cal: Calendar): number {
    return this.deps.dueSoonThresholdMs ?? cal.officeDayMs;
  }

  private async commit(tx: Knex.Transaction, loaded: Loaded, event: DossierEvent, cal: Calendar): Promise<DossierView> {
    const next = this.step(loaded.chart, loaded.snapshot, event);
    const { row } = loaded;
    const rows = chainEvents(row.id, row.machine_version, row.last_hash, row.version, [
      { type: event.type, payload: payloadOf(event), at: event.at, by: event.by },
    ]);
    const last = rows[rows.length - 1]!;
    await appendEvents(tx, rows);
    const patch = {
      ...projectSnapshot(next, persistSnapshot(loaded.chart, next), { version: last.seq, lastHash: last.hash, updatedAt: event.at }),
      ...metricsColumns(next, cal),
      next_check_at: nextCheckAt(next, cal, this.threshold(cal)),
    };
    if (!(await updateDossier(tx, row.id, row.version, patch))) throw versionConflict(row.version, null);
    return viewOf({ ...row, ...patch }, next);
  }
}

/** Numbers and hash-chains events after the dossier's current head. */
function chainEvents(
  dossierId: string,
  machineVersion: number,
  prevHash: string,
  prevSeq: number,
  events: { type: string; payload: Record<string, unknown>; at: string; by: ActorRef }[],
): EventRow[] {
  const rows: EventRow[] = [];
  let hash = prevHash;
  let seq = prevSeq;
  for (const e of events) {
    seq += 1;
    const content = {
      dossierId,
      seq,
      type: e.type,
      payload: e.payload,
      actor: e.by.username,
      actorUnit: e.by.unit,
      occurredAt: e.at,
      machineVersion,
    };
    const next = eventHash(hash, content);
    rows.push({
      dossier_id: dossierId,
      seq,
      type: e.type,
      payload: JSON.stringify(e.payload),
      actor: e.by.username,
      actor_unit: e.by.unit,
      occurred_at: e.at,
      machine_version: machineVersion,
      prev_hash: hash,
      hash: next,
    });
    hash = next;
  }
  return rows;
}
