/**
 * The dossier engine: the only code that moves a dossier. Each action is one database transaction
 * that reads the dossier, asks the pure chart whether the event is allowed, stamps it with the
 * server time and computed deadlines, appends it to the hash-chained event log and rewrites the
 * projection row, naming the version it read so that two concurrent actions can never both win.
 * What a write appends and how the row then reads is decided by the pure functions of ./plan.ts.
 */
import { v7 as uuidv7 } from 'uuid';
import {
  allowedEvents,
  CURRENT_CHART_VERSION,
  lifecycleOf,
  USER_EVENT_TYPES,
  type ActorRef,
  type DossierEvent,
  type DossierSnapshot,
} from '../../machines/dossier';
import type { Calendar } from '../../machines/calendar';
import { deadlineEventAt, nextCheckAt } from '../../machines/engine/deadline-check';
import {
  findDossierByCode,
  findDossiersWithRunningDeadline,
  writeNewDossier,
  isUniqueViolation,
  listEvents,
  setNextCheck,
  writeTransition,
  type DossierRow,
  type EventRow,
} from '../store/dossier-store';
import { retryTransient, type Db, type Tx } from '../store/db';
import { inGroupTransaction } from '../store/group-commit';
import { inDirectTransaction } from '../store/direct-transaction';
import { rollupStatement } from '../store/rollup-store';
import { digitisationStatement } from '../store/digitisation-rollup-store';
import { moveClassIntervalStatements, openClassIntervalStatement } from '../store/class-history-store';
import { classFactsOf, sameClassFacts } from '../../machines/metrics/class-history';
import { rollupDelta, rollupFactsOfRow } from '../../machines/metrics/rollup';
import { digitisationDelta, digitisationFactsOfRow } from '../../machines/metrics/digitisation-rollup';
import { nextDailySequence } from '../store/code-sequence';
import type { Clock } from './clock';
import type { Command, Submission } from '../../machines/engine/commands';
import { isMotcuaError, notFound, transitionNotAllowed, validationFailed, versionConflict } from '../../machines/engine/errors';
import { DOCUMENT_RULE_EVENTS, documentRulesOf, FILE_EVENTS, filesOfEvent, type DocumentRules } from '../../machines/documents/rules';
import type { FileRef } from '../../machines/dossier/types';
import { mutedApplicantSubscribers } from '../../machines/notify/channels';
import { documentRefsStatement, touchBlob, type DocumentRefRow } from '../store/document-store';
import type { Statement } from '../store/direct-sql';
import { decodeRow, type StoredEvent, type SubmitPayload } from '../../machines/engine/event-codec';
import { viewOf, type DossierView } from '../../machines/engine/projection';
import type { CalendarProvider, ProcedureProvider } from './reference-data';
import { WrittenSnapshots } from './restore-row';
import { stampCommand, type StampExtras } from '../../machines/engine/stamp';
import { calendarChangeEvent } from '../../machines/engine/recalendar';
import { clockCalendarVersion } from '../../machines/dossier/facts';
import {
  codeDay,
  deadlineEvent,
  dossierCode,
  submissionRef,
  submissionRefSeries,
  planSubmission,
  planTransition,
  receivedAtSubmission,
  SYSTEM_ACTOR,
  type Loaded,
} from '../../machines/engine/plan';

export { dossierCode, SYSTEM_ACTOR };
export type { Loaded };

/** What a write committed: the user's view, and the row and snapshot as stored. */
export interface Committed {
  view: DossierView;
  row: DossierRow;
  snapshot: DossierSnapshot;
}

/**
 * A Committed whose view is built when first read, after the transaction: the HTTP layer builds its own
 * view from the row and snapshot, so building this one too probed every event type against the chart twice
 * per request (issue 16), and inside the transaction, holding SQLite's one connection meanwhile.
 */
function committed(row: DossierRow, snapshot: DossierSnapshot): Committed {
  let view: DossierView | undefined;
  return {
    row,
    snapshot,
    get view() {
      return (view ??= viewOf(row, snapshot));
    },
  };
}

export interface EngineDeps {
  db: Db;
  clock: Clock;
  calendars: CalendarProvider;
  procedures: ProcedureProvider;
  /** the receiving agency's identifier code, the dossier code's prefix */
  agencyCode: string;
  /** the chart version new dossiers start with (default: the current one) */
  chartVersion?: number;
  /** remaining working time under which a dossier is "due soon" (default: one office day) */
  dueSoonThresholdMs?: number;
  /** working time before the apology window closes at which the office is warned (default: half an office day) */
  apologyLeadMs?: number;
  /**
   * Number every dossier with its official code at submission, as before issue 12 (default false: the
   * official code is given at receipt). Only for replaying histories numbered that way (the province data
   * generator's); a live centre never sets it.
   */
  codeAtSubmission?: boolean;
  /** the largest total of a dossier's current documents, in bytes (MOTCUA_UPLOAD_MAX_DOSSIER_BYTES); unset = no limit */
  maxDossierBytes?: number;
  /**
   * Actions queued at the same time share one transaction, each in its own savepoint, answered after its COMMIT
   * (src/store/group-commit.ts; default false here, on for SQLite by the engine factory: docs/engine.md, "Group commit").
   */
  groupCommit?: boolean;
  /** how many dossiers' last written snapshots are held to skip restoring them at their next action (default 1024; 0: none) */
  heldSnapshots?: number;
}

export type SystemEventType = 'DEADLINE_APPROACHING' | 'DEADLINE_PASSED';

export class DossierEngine {
  /** what this engine last wrote to each dossier's snapshot, reused while the row still holds it (./restore-row.ts) */
  private readonly written: WrittenSnapshots;

  constructor(private readonly deps: EngineDeps) {
    this.written = new WrittenSnapshots(deps.heldSnapshots);
  }

  /** Registers a dossier. At the counter the clerk receives it at once (the clock starts); online and postal dossiers wait for a clerk. */
  async submit(
    sub: Submission,
    actor: ActorRef,
    opts: { alsoInTransaction?: (tx: Tx, created: DossierView) => Promise<void> } = {},
  ): Promise<DossierView> {
    return (await this.submitCommitted(sub, actor, opts)).view;
  }

  /**
   * As `submit`, also giving the row and snapshot just written, so that callers need not read them back. `alsoWrite`
   * is a statement of the caller's written with the dossier (one statement on PostgreSQL, src/store/direct-sql.ts
   * `runTogether`); `alsoInTransaction` runs after the writes, in the same transaction.
   */
  async submitCommitted(
    sub: Submission,
    actor: ActorRef,
    opts: {
      alsoInTransaction?: (tx: Tx, created: DossierView) => Promise<void>;
      alsoWrite?: (created: DossierRow) => Statement;
      files?: readonly FileRef[];
    } = {},
  ): Promise<Committed> {
    // Reference data is read before the transaction: on SQLite the one connection belongs to the transaction.
    const cal = await this.deps.calendars.latest();
    return this.inTransaction(async (tx) => {
      const def = await this.deps.procedures.latest(sub.procedureCode, tx);
      const at = this.now();
      // The attached uploads are checked and marked referenced first (the submission's ATTACH_DOCUMENT events carry
      // exactly these files): everything not needing the code comes before the code's number, whose row every
      // submission of the agency's day waits on until this transaction commits (issue 16).
      for (const f of opts.files ?? []) await this.touchFile(tx, f.sha256, at);
      // A dossier received at once (the counter) gets its official code now; the others a submission reference,
      // and their official code when a clerk receives them, so a dossier refused or closed at intake never takes one.
      const code =
        receivedAtSubmission(sub) || this.deps.codeAtSubmission
          ? dossierCode(this.deps.agencyCode, at, await nextDailySequence(tx, this.deps.agencyCode, codeDay(at)))
          : submissionRef(this.deps.agencyCode, at, await nextDailySequence(tx, submissionRefSeries(this.deps.agencyCode), codeDay(at)));
      const planned = planSubmission(
        {
          id: uuidv7(),
          code,
          agencyCode: this.deps.agencyCode,
          def,
          sub,
          actor,
          at,
          chartVersion: this.deps.chartVersion ?? CURRENT_CHART_VERSION,
          cal,
          files: opts.files,
          maxDossierBytes: this.deps.maxDossierBytes,
        },
        this.threshold(cal),
        this.deps.apologyLeadMs,
      );
      const facts = rollupFactsOfRow(planned.row as unknown as Record<string, unknown>);
      const last = planned.eventRows.at(-1)!;
      // then every write in one statement on PostgreSQL (the code's number, then this, then COMMIT), the COMMIT with it
      // unless the caller has more to run in the transaction
      await writeNewDossier(
        tx,
        planned.row,
        planned.eventRows,
        [
          documentRefsStatement(fileRefsOf(planned.eventRows)),
          openClassIntervalStatement(planned.row.id, last.seq, last.occurred_at, classFactsOf(facts)),
          opts.alsoWrite ? opts.alsoWrite(planned.row) : null,
          rollupStatement(tx, rollupDelta(null, facts, at, cal)),
          digitisationStatement(
            tx,
            digitisationDelta(null, digitisationFactsOfRow(planned.row as unknown as Record<string, unknown>, facts)),
          ),
        ],
        { commit: !opts.alsoInTransaction },
      );
      this.written.remember(planned.row.id, planned.row.machine_version, planned.row.snapshot, planned.snapshot);
      const result = committed(planned.row, planned.snapshot);
      if (opts.alsoInTransaction) await opts.alsoInTransaction(tx, result.view);
      return result;
    });
  }

  /** Applies a user's command. `expectedVersion` is the version the user saw; a stale one is a conflict. */
  async act(code: string, cmd: Command, actor: ActorRef, opts: { expectedVersion?: number } = {}): Promise<DossierView> {
    return (await this.actCommitted(code, cmd, actor, opts)).view;
  }

  /**
   * As `act`, also giving the row and snapshot just written. `authorize` runs inside the transaction on
   * the locked row before anything else is checked, so a caller's access rule sees exactly the state the
   * event is applied to (no read-then-act window) and costs no read of its own.
   */
  async actCommitted(
    code: string,
    cmd: Command,
    actor: ActorRef,
    opts: { expectedVersion?: number; authorize?: (loaded: Loaded, tx: Tx) => void | Promise<void> } = {},
  ): Promise<Committed> {
    const cal = await this.deps.calendars.latest();
    return this.inTransaction(async (tx) => {
      const loaded = await this.load(tx, code);
      await opts.authorize?.(loaded, tx);
      const documents = await this.documentRules(tx, loaded.row, cmd.type);
      if (opts.expectedVersion !== undefined && opts.expectedVersion !== loaded.row.version)
        throw versionConflict(opts.expectedVersion, loaded.row.version);
      const at = this.stampTime(loaded.row);
      this.ensureAllowed(loaded.snapshot, cmd.type);
      const extras: StampExtras = {};
      // the notification choice's contact defaults from the applicant, and a receipt reads which optional papers
      // were brought from the paper list: both are in the SUBMIT event
      const receiptPapers = cmd.type === 'RECEIVE' && documents !== undefined;
      if ((cmd.type === 'RECEIVE' && cmd.notification) || cmd.type === 'CHANGE_NOTIFICATION' || receiptPapers) {
        const submit = await this.submitOf(tx, loaded.row.id);
        extras.applicant = submit.applicant;
        if (receiptPapers) extras.papers = submit.documents;
      }
      // The official code is numbered on the day of receipt, inside this transaction: a rollback gives the number back.
      // Taken after the reads, as late as can be: its row is locked until COMMIT for every receipt of the day (issue 16).
      if (cmd.type === 'RECEIVE' && !this.deps.codeAtSubmission)
        extras.code = dossierCode(this.deps.agencyCode, at, await nextDailySequence(tx, this.deps.agencyCode, codeDay(at)));
      const event = stampCommand(cmd, loaded.snapshot.context, at, actor, cal, { ...extras, ...(documents ? { documents } : {}) });
      return this.commit(tx, loaded, event, cal);
    });
  }

  /** Applies a system (deadline) event; returns null when the dossier's state no longer calls for it. */
  async system(code: string, type: SystemEventType, opts: { expectedVersion?: number } = {}): Promise<DossierView | null> {
    const cal = await this.deps.calendars.latest();
    return this.inTransaction(async (tx) => {
      const loaded = await this.load(tx, code, opts.expectedVersion);
      const event = deadlineEvent(loaded.snapshot, type, this.stampTime(loaded.row), cal);
      if (!loaded.snapshot.can(event)) return null;
      return (await this.commit(tx, loaded, event, cal)).view;
    });
  }

  /**
   * A new calendar version reaches the open dossiers: each one whose deadline it moves gets a CALENDAR_CHANGED
   * system event with the old and new due dates (machines/engine/recalendar.ts). Idempotent: a dossier already
   * on the latest calendar, or one the change does not move, gets nothing.
   */
  async recalendarOpenDossiers(): Promise<{ checked: number; changed: number }> {
    const newCal = await this.deps.calendars.latest();
    const codes = await findDossiersWithRunningDeadline(this.deps.db);
    let changed = 0;
    for (const code of codes) if (await this.recalendar(code, newCal)) changed += 1;
    return { checked: codes.length, changed };
  }

  /** One dossier onto `newCal`; false when its deadline does not move (or another write came first: the next publication retries). */
  private async recalendar(code: string, newCal: Calendar): Promise<boolean> {
    // Calendars are read before the transaction: on SQLite the one connection belongs to the transaction.
    const seen = await this.load(this.deps.db, code);
    const version = clockCalendarVersion(seen.snapshot.context);
    if (version === null || version === newCal.version) return false;
    const oldCal = await this.deps.calendars.byVersion(version);
    try {
      return await this.inTransaction(async (tx) => {
        const loaded = await this.load(tx, code, seen.row.version);
        const event = calendarChangeEvent(loaded.snapshot.context, oldCal, newCal, this.stampTime(loaded.row));
        if (!event || !loaded.snapshot.can(event)) return false;
        await this.commit(tx, loaded, event, newCal);
        return true;
      });
    } catch (err) {
      if (isMotcuaError(err, 'VERSION_CONFLICT')) return false;
      throw err;
    }
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

  private async submitOf(db: Db, dossierId: string): Promise<SubmitPayload> {
    const first = (await listEvents(db, dossierId))[0];
    if (!first || first.type !== 'SUBMIT') throw new Error(`dossier ${dossierId} has no SUBMIT event`);
    return decodeRow(first).payload as unknown as SubmitPayload;
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  /**
   * The instant an event on this dossier is stamped with: the clock, but never before the dossier's last
   * event. Several instances' clocks differ by a few milliseconds (NTP); an instance running behind would
   * otherwise stamp an event earlier than the one before it, and the chain would read as reordered.
   */
  private stampTime(row: DossierRow): string {
    const now = this.now();
    return now < row.updated_at ? row.updated_at : now;
  }

  /**
   * Runs `work` in one transaction. One PostgreSQL aborted for a deadlock or a serialization failure committed
   * nothing and answered nobody: it runs again, from its first read (retryTransient in src/store/db.ts: its attempts
   * and pause). Every `work` here reads, decides and writes inside its transaction, so running it again is running
   * the action again on what is committed now.
   */
  private async inTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const db = this.deps.db;
    try {
      return await retryTransient(db, () => (this.deps.groupCommit ? inGroupTransaction(db, work) : inDirectTransaction(db, work)));
    } catch (err) {
      if (!isMotcuaError(err) && isUniqueViolation(err)) throw versionConflict(null, null);
      throw err;
    }
  }

  /** Reads a dossier; inside a transaction (`db.isTransaction`) its row stays locked until commit on PostgreSQL. */
  private async load(db: Db, code: string, expectedVersion?: number): Promise<Loaded> {
    const row = await findDossierByCode(db, code, { forUpdate: Boolean((db as Tx).isTransaction) });
    if (!row) throw notFound('hồ sơ', code);
    if (expectedVersion !== undefined && expectedVersion !== row.version) throw versionConflict(expectedVersion, row.version);
    return { row, ...(await this.written.restore(db, row)) };
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
      const loaded = { row, ...(await this.written.restore(tx, row)) };
      const now = this.stampTime(row);
      const type = deadlineEventAt(loaded.snapshot, now, cal, this.threshold(cal), this.deps.apologyLeadMs);
      if (type) {
        await this.commit(tx, loaded, deadlineEvent(loaded.snapshot, type, now, cal), cal);
        return 'sent';
      }
      await setNextCheck(tx, row.id, row.version, nextCheckAt(loaded.snapshot, cal, this.threshold(cal), this.deps.apologyLeadMs));
      return 'refreshed';
    });
  }

  private threshold(cal: Calendar): number {
    return this.deps.dueSoonThresholdMs ?? cal.officeDayMs;
  }

  /**
   * The procedure version's document rules for an event that needs them, from the dossier's row as this
   * transaction read it (a version's definition is read once per process, here through the transaction: on
   * SQLite its one connection belongs to it).
   */
  private async documentRules(tx: Tx, row: DossierRow, type: string): Promise<DocumentRules | undefined> {
    if (!DOCUMENT_RULE_EVENTS.includes(type)) return undefined;
    const def = await this.deps.procedures.byVersion(row.procedure_code, row.procedure_version, tx);
    return documentRulesOf(def, this.deps.maxDossierBytes);
  }

  /**
   * A file the new events reference: it must still be in the store's index (an upload the cleanup job has removed
   * cannot be referenced: 400) and is marked referenced now, in the events' own transaction, before their writes;
   * its document_refs row is written with them (fileRefsOf).
   */
  private async touchFile(tx: Tx, sha256: string, at: string): Promise<void> {
    if (!(await touchBlob(tx, sha256, at)))
      throw validationFailed([
        { field: 'sha256', code: 'upload_expired', reason: 'the uploaded file is no longer stored: upload it again' },
      ]);
  }

  private async commit(tx: Tx, loaded: Loaded, event: DossierEvent, cal: Calendar): Promise<Committed> {
    const { eventRows, patch, next } = planTransition(loaded, event, cal, this.threshold(cal), this.deps.apologyLeadMs);
    // once the applicant changed the choice, the channels not chosen (all of them without consent) are not queued
    const muted = mutedApplicantSubscribers(next.context.notification);
    const refs = fileRefsOf(eventRows);
    for (const ref of refs) await this.touchFile(tx, ref.sha256, ref.at);
    const row = { ...loaded.row, ...patch };
    // The compliance rollup moves with the row, in the same transaction (machines/metrics/rollup.ts).
    const before = rollupFactsOfRow(loaded.row as unknown as Record<string, unknown>);
    const after = rollupFactsOfRow(row as unknown as Record<string, unknown>);
    // The facts that classify it when pending: a new interval of its history when they change (machines/metrics/class-history.ts).
    const classAfter = classFactsOf(after);
    const last = eventRows.at(-1)!;
    const also = [
      documentRefsStatement(refs),
      ...(sameClassFacts(classFactsOf(before), classAfter)
        ? []
        : moveClassIntervalStatements(loaded.row.id, last.seq, last.occurred_at, classAfter)),
      rollupStatement(tx, rollupDelta(before, after, patch.updated_at, cal)),
      // and so does the rollup by group (machines/metrics/digitisation-rollup.ts): nothing written unless a count moves
      digitisationStatement(
        tx,
        digitisationDelta(
          digitisationFactsOfRow(loaded.row as unknown as Record<string, unknown>, before),
          digitisationFactsOfRow(row as unknown as Record<string, unknown>, after),
        ),
      ),
    ];
    // all of it one statement on PostgreSQL, with the COMMIT (src/store/dossier-store.ts writeTransition): every caller
    // of commit() returns once it has written, nothing more runs in its transaction
    if (
      !(await writeTransition(
        tx,
        eventRows,
        loaded.row.id,
        loaded.row.version,
        patch,
        loaded.row as unknown as Record<string, unknown>,
        muted,
        also,
        { commit: true },
      ))
    )
      throw versionConflict(loaded.row.version, null);
    this.written.remember(row.id, row.machine_version, patch.snapshot, next);
    return committed(row, next);
  }
}

/** The document_refs rows of the files the new events reference. */
function fileRefsOf(eventRows: readonly EventRow[]): DocumentRefRow[] {
  const refs: DocumentRefRow[] = [];
  for (const row of eventRows) {
    if (!FILE_EVENTS.has(row.type)) continue; // no file to check or record: its payload (a SUBMIT's is ~1 KB) is not parsed
    for (const f of filesOfEvent(row.type, JSON.parse(row.payload) as Record<string, unknown>))
      refs.push({
        dossierId: row.dossier_id,
        seq: row.seq,
        documentId: f.documentId,
        documentVersion: f.version,
        sha256: f.file.sha256,
        size: f.file.size,
        mediaType: f.file.mediaType,
        kind: f.kind,
        at: row.occurred_at,
      });
  }
  return refs;
}
