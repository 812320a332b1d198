/**
 * What users do with dossiers, with the centre's rules on who may do it: receive (idempotently),
 * list and search within their scope, read, send events, read history. Validation and authorisation
 * happen here; the engine does the moving.
 */
import { createHash } from 'node:crypto';
import { nationalStatus, SYSTEM_EVENT_TYPES, type DossierContext, type DossierSnapshot, type LifecycleState } from '../../machines/dossier';
import { pauseSummary } from '../../machines/engine/pauses';
import { intakeWait } from '../../machines/engine/intake';
import { UNITS } from '../../machines/procedures';
import type { EngineContext } from '../app/engine-factory';
import { CommandSchemas, isUserEventType, SubmissionSchema, type Command } from '../../machines/engine/commands';
import { forbidden, isMotcuaError, MotcuaError, validationFailed, versionConflict } from '../../machines/engine/errors';
import type { StoredEvent } from '../../machines/engine/event-codec';
import { viewOf } from '../../machines/engine/projection';
import { parseWith } from './validate';
import { DossierListQuerySchema, MAX_VERSION, type DossierViewDto } from './dossier-schemas';
import { decodeCursor, findDossiers } from '../store/dossier-queries';
import { figureCondition } from '../store/compliance-queries';
import { planReport, WHOLE_PERIOD_KEY, type DrillFigure } from '../../machines/metrics/definitions';
import type { DossierRow } from '../store/dossier-store';
import { findIdempotencyKey, idempotencyKeyStatement } from '../store/idempotency-store';
import { logRecordView } from './record-views';
import { hasRole, type AuthUser } from './auth-user';
import { maskApplicant, maskTail, maskTexts } from './masking';
import { maskContact, type NotificationChoice } from '../../machines/notify/channels';
import { DossierAccess, readScopeOf } from './dossier-access';
import { restoreRow, restoreRows } from '../engine/restore-row';
import {
  permittedEvents,
  responsibleUnitOf,
  signerUnits,
  whyBadAssignment,
  whyForbidden,
  whySignerIneligible,
  type EventType,
} from './policy';
import { findUserRecord, listActiveUsersInUnits } from '../store/user-store';
import { displayNamesOf } from '../store/user-names';
import { SignersQuerySchema, type AssigneeOptionsDto, type SignerListDto } from './dossier-schemas';
import { DocumentService } from './document-service';

interface Applicant {
  fullName: string;
  idNumber: string;
  phone: string;
  email?: string;
  address: string;
}

function actorOf(user: AuthUser) {
  return { username: user.username, unit: user.unit };
}

/** Parses an If-Match header ("3", "\"3\"" or W/"3") into a version number. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!m) throw validationFailed([{ field: 'If-Match', reason: 'expected the dossier version, e.g. "3"' }]);
  return Number(m[1]);
}

export class DossierService {
  private readonly access: DossierAccess;

  private readonly documents: DocumentService;

  constructor(private readonly ctx: EngineContext) {
    this.access = new DossierAccess(ctx.db);
    this.documents = new DocumentService(ctx);
  }

  /** The uploaded files a command names, found in the store (400 naming the field when one is unknown). */
  private async withFiles(user: AuthUser, code: string, command: Command): Promise<Command> {
    switch (command.type) {
      case 'ATTACH_DOCUMENT':
      case 'REPLACE_DOCUMENT':
        return { ...command, file: await this.documents.resolveFile(command.sha256, command.name) };
      case 'RECORD_RESULT':
      case 'CORRECT_RESULT':
        return command.document
          ? { ...command, file: await this.documents.resolveFile(command.document.sha256, command.document.name, 'document.sha256') }
          : command;
      case 'REUSE_DOCUMENT':
        // both dossiers must be readable by the user: an earlier dossier out of scope is not reused through this one
        await this.access.rowForUser(user, code);
        await this.access.rowForUser(user, command.source.dossierCode);
        return { ...command, ...(await this.documents.resolveReuse(code, command.source, command.component)) };
      default:
        return command;
    }
  }

  async submit(user: AuthUser, body: unknown, idempotencyKey?: string): Promise<{ dossier: DossierViewDto; replayed: boolean }> {
    if (!hasRole(user, 'counter')) throw forbidden('Chỉ cán bộ một cửa được tiếp nhận hồ sơ');
    const sub = parseWith(SubmissionSchema, body);
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{8,128}$/.test(idempotencyKey))
      throw validationFailed([{ field: 'Idempotency-Key', reason: '8–128 printable ASCII characters' }]);
    const requestHash = createHash('sha256').update(JSON.stringify(sub)).digest('hex');
    const replay = async () => {
      const found = idempotencyKey ? await findIdempotencyKey(this.ctx.db, user.username, idempotencyKey) : null;
      if (!found) return null;
      if (found.requestHash !== requestHash)
        throw validationFailed([
          { field: 'Idempotency-Key', code: 'key_reused', reason: 'this key was already used for a different request' },
        ]);
      return { dossier: await this.get(user, found.dossierCode, { masked: true }), replayed: true };
    };
    const earlier = await replay();
    if (earlier) return earlier;
    const files = await Promise.all(
      (sub.attachments ?? []).map((a, i) => this.documents.resolveFile(a.sha256, a.name, `attachments.${i}.sha256`)),
    );
    try {
      const committed = await this.ctx.engine.submitCommitted(sub, actorOf(user), {
        files,
        alsoWrite: idempotencyKey
          ? (created) =>
              idempotencyKeyStatement({
                username: user.username,
                key: idempotencyKey,
                requestHash,
                dossierCode: created.code,
                createdAt: created.submitted_at,
              })
          : undefined,
      });
      return { dossier: await this.rowView(user, committed.row, committed.snapshot), replayed: false };
    } catch (err) {
      // A concurrent double-click with the same key lost the race: answer with the winner's dossier.
      if (idempotencyKey && isMotcuaError(err, 'VERSION_CONFLICT')) {
        const winner = await replay();
        if (winner) return winner;
      }
      throw err;
    }
  }

  async list(user: AuthUser, query: unknown): Promise<{ items: DossierViewDto[]; nextCursor: string | null }> {
    const q = parseWith(DossierListQuerySchema, query);
    if (q.cursor !== undefined) checkCursor(q.cursor);
    const scope = readScopeOf(user);
    const { rows, nextCursor } = await findDossiers(this.ctx.db, {
      states: q.state,
      timeliness: q.timeliness,
      procedure: q.procedure,
      unit: q.unit,
      assignee: q.assignee,
      // an online or postal submission waits for the counter staff (it has no unit until received)
      mine: q.mine ? { unit: user.unit, username: user.username, unreceived: hasRole(user, 'counter') } : undefined,
      scopeUnits: scope === 'all' ? undefined : [...scope],
      receivedFrom: q.receivedFrom,
      receivedTo: q.receivedTo,
      dueFrom: q.dueFrom,
      dueTo: q.dueTo,
      handlingUnit: q.handlingUnit,
      condition: q.figure ? await this.figureCondition(q.figure, q.periodFrom!, q.periodTo!) : undefined,
      q: q.q,
      sort: q.sort,
      limit: q.limit,
      cursor: q.cursor,
    });
    // one look-up for the names of every assignee on the page
    const names = await displayNamesOf(
      this.ctx.db,
      rows.flatMap((r) => (r.assignee ? [r.assignee] : [])),
    );
    // a compacted closed dossier keeps no snapshot: the page's are rebuilt from their events, in one query
    const restored = await restoreRows(this.ctx.db, rows);
    return { items: await Promise.all(rows.map((row, i) => this.rowView(user, row, restored[i]!.snapshot, names))), nextCursor };
  }

  /** The dossiers a compliance figure counts, classified at the same instants as GET /api/metrics/compliance. */
  private async figureCondition(figure: DrillFigure, from: string, to: string) {
    const plan = planReport(from, to, 'centre', this.ctx.clock.now().toISOString(), await this.ctx.calendars.latest());
    return figureCondition(figure, plan.period, plan.clock.cuts[WHOLE_PERIOD_KEY]!);
  }

  async get(user: AuthUser, code: string, opts: { masked?: boolean } = {}): Promise<DossierViewDto & Record<string, unknown>> {
    const { row, snapshot } = await this.access.loadForUser(user, code);
    const view = await this.rowView(user, row, snapshot);
    if (opts.masked) return view;
    // the full record (unmasked ID number, phone, address): the view itself is recorded for auditors
    await logRecordView(this.ctx, user, row.code, 'record');
    const submit = (await this.ctx.engine.history(code))[0]!;
    const p = submit.payload as { applicant: Applicant; documents: { name: string; copies: number }[]; note?: string };
    return {
      ...view,
      applicant: p.applicant,
      documents: p.documents,
      ...(p.note ? { note: p.note } : {}),
      digitisation: snapshot.context.receiptDigitisation ?? null,
    };
  }

  async send(user: AuthUser, code: string, body: unknown, ifMatch: string | undefined): Promise<DossierViewDto> {
    const raw = (body ?? {}) as Record<string, unknown>;
    if (typeof raw !== 'object' || Array.isArray(raw)) throw validationFailed([{ field: '(body)', reason: 'expected a JSON object' }]);
    const type = raw.type;
    if (typeof type !== 'string') throw validationFailed([{ field: 'type', code: 'required', reason: 'required: the event type' }]);
    if ((SYSTEM_EVENT_TYPES as readonly string[]).includes(type)) throw forbidden(`${type} chỉ do hệ thống gửi`);
    if (!isUserEventType(type))
      throw validationFailed([
        { field: 'type', code: 'not_allowed', reason: `unknown event type; expected one of ${Object.keys(CommandSchemas).join(', ')}` },
      ]);
    const { type: _t, expectedVersion: bodyVersion, ...payload } = raw;
    if (
      bodyVersion !== undefined &&
      (typeof bodyVersion !== 'number' || !Number.isInteger(bodyVersion) || bodyVersion < 0 || bodyVersion > MAX_VERSION)
    )
      throw validationFailed([{ field: 'expectedVersion', reason: `expected an integer 0–${MAX_VERSION}` }]);
    const headerVersion = parseIfMatch(ifMatch);
    if (headerVersion !== undefined && bodyVersion !== undefined && headerVersion !== bodyVersion)
      throw validationFailed([{ field: 'expectedVersion', reason: 'differs from the If-Match header' }]);
    const expectedVersion = headerVersion ?? (bodyVersion as number | undefined);
    const command = { type, ...parseWith(CommandSchemas[type], payload) } as Command;
    if (expectedVersion === undefined)
      throw new MotcuaError('PRECONDITION_REQUIRED', 'Cần gửi phiên bản hồ sơ (If-Match hoặc expectedVersion)', { field: 'If-Match' });

    if (command.type === 'ASSIGN' && command.unit && !UNITS.some((u) => u.code === command.unit))
      throw validationFailed([{ field: 'unit', code: 'unknown_unit', reason: 'unknown unit' }]);
    const assignee = command.type === 'ASSIGN' && command.assignee ? await findUserRecord(this.ctx.db, command.assignee) : null;
    // A signer is a user, named by username; the event records the name and title printed on the form.
    const signed =
      (command.type === 'ISSUE_APOLOGY' ||
        command.type === 'REFUSE' ||
        command.type === 'RECORD_RESULT' ||
        command.type === 'CORRECT_RESULT') &&
      command.signer
        ? command.signer
        : null;
    const signer = signed ? await findUserRecord(this.ctx.db, signed) : null;
    // The access rules run inside the engine's transaction on the locked row: what they judge is what the event is applied to.
    const resolved: Command = await this.withFiles(
      user,
      code,
      signer &&
        (command.type === 'ISSUE_APOLOGY' ||
          command.type === 'REFUSE' ||
          command.type === 'RECORD_RESULT' ||
          command.type === 'CORRECT_RESULT')
        ? { ...command, signer: signer.fullName, signerTitle: signer.title, signerUsername: signer.username }
        : command,
    );
    const committed = await this.ctx.engine.actCommitted(code, resolved, actorOf(user), {
      expectedVersion,
      authorize: async ({ row, snapshot }, tx) => {
        const context = snapshot.context;
        await new DossierAccess(tx).ensureReadable(user, row);
        // A stale version is a conflict whatever the newer state would allow (a lost race must read 409, not 403).
        if (row.version !== expectedVersion) throw versionConflict(expectedVersion, row.version);
        const why = whyForbidden(user, type as EventType, { state: row.state, unit: row.unit, context });
        if (why) throw forbidden(why);
        if (command.type === 'ASSIGN') {
          const bad = whyBadAssignment(command, { context }, assignee);
          if (bad) throw validationFailed([bad], 'Chỉ được giao hồ sơ cho đơn vị của bước hiện tại và người có vai trò của bước đó');
        }
        if (signed && (!signer || !signer.active))
          throw validationFailed([
            { field: 'signer', reason: 'not an active user: name the signer by username (GET /api/dossiers/{code}/signers)' },
          ]);
        if (
          signer &&
          (command.type === 'ISSUE_APOLOGY' ||
            command.type === 'RECORD_RESULT' ||
            command.type === 'CORRECT_RESULT' ||
            (command.type === 'REFUSE' && row.state !== 'submitted'))
        ) {
          const unit = responsibleUnitOf(context, command.type === 'ISSUE_APOLOGY' ? command.responsibleUnit : null);
          const ineligible = whySignerIneligible(signer, unit);
          if (ineligible) throw validationFailed([{ field: 'signer', reason: ineligible }], `Người ký không hợp lệ: ${ineligible}`);
        }
      },
    });
    return await this.rowView(user, committed.row, committed.snapshot);
  }

  /**
   * Who may sign `for` (ISSUE_APOLOGY by default, or REFUSE) for this dossier: the active leaders of the
   * responsible office and of the leadership, with their full names and titles. The UI offers these as the
   * signer choice; ISSUE_APOLOGY and REFUSE accept exactly these usernames.
   */
  async signers(user: AuthUser, code: string, query: unknown): Promise<SignerListDto> {
    const q = parseWith(SignersQuerySchema, query);
    const { snapshot } = await this.access.loadForUser(user, code);
    const unit = responsibleUnitOf(snapshot.context, q.for === 'ISSUE_APOLOGY' ? q.responsibleUnit : null);
    const users = await listActiveUsersInUnits(this.ctx.db, 'leader', signerUnits(unit));
    return {
      for: q.for,
      responsibleUnit: unit,
      signers: users.map((u) => ({ username: u.username, fullName: u.fullName, title: u.title, unit: u.unit })),
    };
  }

  /**
   * Whom an ASSIGN may name for this dossier (the lists the assignment dialog offers): the unit of the step
   * being handed out and its active users holding the step's role, then its leaders — exactly what
   * whyBadAssignment accepts, so a choice from these lists is never refused as 400.
   */
  async assignees(user: AuthUser, code: string): Promise<AssigneeOptionsDto> {
    const { snapshot } = await this.access.loadForUser(user, code);
    const step = snapshot.context.procedure.steps[Math.max(snapshot.context.stepIndex, 0)];
    if (!step) return { step: null, units: [], assignees: [] };
    const [holders, leaders] = await Promise.all([
      listActiveUsersInUnits(this.ctx.db, step.role as AuthUser['roles'][number], [step.unit]),
      listActiveUsersInUnits(this.ctx.db, 'leader', [step.unit]),
    ]);
    const seen = new Set<string>();
    const assignees = [...holders, ...leaders]
      .filter((u) => !seen.has(u.username) && seen.add(u.username))
      .map((u) => ({ username: u.username, fullName: u.fullName, title: u.title, unit: u.unit, roles: [...u.roles] }));
    const unit = UNITS.find((u) => u.code === step.unit);
    return {
      step: { id: step.id, name: step.name, role: step.role, unit: step.unit },
      units: [{ code: step.unit, name: unit?.name ?? step.unit }],
      assignees,
    };
  }

  /**
   * The history as users read it: the SUBMIT event's applicant with ID and phone masked, the RECEIVE event's
   * notification address masked, and phone- or
   * ID-shaped numbers typed into notes and reasons masked too (the full record is GET /api/dossiers/{code},
   * whose every view is logged; the verifiable raw history is the auditor's export).
   */
  async history(user: AuthUser, code: string): Promise<(StoredEvent & { actorName: string | null; assigneeName: string | null })[]> {
    await this.access.rowForUser(user, code);
    const events = await this.ctx.engine.history(code);
    const assigneeOf = (e: StoredEvent) => {
      const a = (e.payload as { assignee?: unknown }).assignee;
      return e.type === 'ASSIGN' && typeof a === 'string' ? a : null;
    };
    const names = await displayNamesOf(this.ctx.db, [
      ...events.map((e) => e.actor).filter((a) => a !== 'system'),
      ...events.flatMap((e) => assigneeOf(e) ?? []),
    ]);
    return events.map((e) => {
      const applicant = (e.payload as { applicant?: Applicant }).applicant;
      const notification = (e.payload as { notification?: NotificationChoice }).notification;
      const payload = maskTexts(e.payload) as Record<string, unknown>;
      const assignee = assigneeOf(e);
      return {
        ...e,
        actorName: e.actor === 'system' ? null : (names.get(e.actor) ?? e.actor),
        assigneeName: assignee ? (names.get(assignee) ?? assignee) : null,
        payload: {
          ...payload,
          ...(applicant && typeof applicant === 'object' ? { applicant: maskApplicant(applicant) } : {}),
          // the applicant's chosen address: masked like the phone (an e-mail address keeps its first letter and domain)
          ...(notification && typeof notification === 'object'
            ? { notification: { ...notification, contact: notification.contact ? maskContact(notification.contact) : null } }
            : {}),
        },
      };
    });
  }

  // --- internals -------------------------------------------------------------------------------

  /**
   * The procedure's name at the dossier's version, from the procedures table: the one source the reports
   * read too, so procedures created or renamed through POST/PUT /api/procedures have their name.
   */
  private async procedureName(code: string, version: number): Promise<string | null> {
    try {
      return (await this.ctx.procedures.byVersion(code, version)).name;
    } catch (err) {
      if (isMotcuaError(err, 'NOT_FOUND')) return null;
      throw err;
    }
  }

  /** Pauses measured on the calendar of the dossier's clock (a running pause up to now). */
  private async pausesOf(context: DossierContext): Promise<DossierViewDto['pauses']> {
    if (!context.clock.some((e) => e.kind === 'pause')) return { count: 0, totalWorkingMs: 0, extensionMs: 0 };
    const version = context.clock.findLast((e) => e.calendarVersion !== null)?.calendarVersion ?? null;
    const cal = version === null ? await this.ctx.calendars.latest() : await this.ctx.calendars.byVersion(version);
    const s = pauseSummary(context.clock, cal, this.ctx.clock.now().toISOString());
    return { count: s.count, totalWorkingMs: s.totalWorkingMs, extensionMs: s.totalExtensionMs };
  }

  /** The intake wait measured now on the latest calendar (null before chart version 3). */
  private async intakeOf(context: DossierContext): Promise<DossierViewDto['intake']> {
    if (!context.intake) return null;
    return intakeWait(context, this.ctx.clock.now().toISOString(), await this.ctx.calendars.latest());
  }

  private async rowView(
    user: AuthUser,
    row: DossierRow,
    known?: DossierSnapshot,
    knownNames?: Map<string, string>,
  ): Promise<DossierViewDto> {
    const snapshot = known ?? (await restoreRow(this.ctx.db, row)).snapshot;
    const context = snapshot.context;
    const exemption = context.exemptions?.[0];
    const people = [row.assignee, exemption?.approvedBy].filter((u): u is string => Boolean(u));
    const names = people.every((u) => knownNames?.has(u)) ? knownNames! : await displayNamesOf(this.ctx.db, people);
    const { id: _id, ...base } = viewOf(row, snapshot);
    const step = context.procedure.steps[context.stepIndex];
    return {
      ...base,
      procedureName: await this.procedureName(row.procedure_code, row.procedure_version),
      channel: row.channel as DossierViewDto['channel'],
      nationalStatus: nationalStatus(row.state as LifecycleState, context.pauseReason),
      pauses: await this.pausesOf(context),
      exemption: exemption
        ? {
            reason: exemption.reason,
            approvedBy: exemption.approvedBy,
            approvedByName: names.get(exemption.approvedBy) ?? exemption.approvedBy,
            at: exemption.at,
          }
        : null,
      apology: apologyOf(context),
      assigneeName: row.assignee ? (names.get(row.assignee) ?? row.assignee) : null,
      intake: await this.intakeOf(context),
      stepName: row.step_id && step ? step.name : null,
      outcome: row.outcome as DossierViewDto['outcome'],
      permittedEvents: permittedEvents(user, { state: row.state, unit: row.unit, context }, base.allowedEvents),
      applicant: { fullName: row.applicant_name, idNumber: maskTail(row.applicant_id_number), phone: maskTail(row.applicant_phone) },
    };
  }
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A cursor is opaque, but only one the API handed out may reach the database (a forged one could hold anything). */
function checkCursor(cursor: string): void {
  const c = decodeCursor(cursor);
  if (!c || !ISO_INSTANT.test(c.k) || Number.isNaN(Date.parse(c.k)) || !UUID.test(c.id)) {
    throw validationFailed([{ field: 'cursor', reason: 'not a cursor from a previous page (nextCursor)' }]);
  }
}

/** The latest apology as the dossier view shows it: when, and the new appointment (null: handed over at once). */
function apologyOf(context: DossierSnapshot['context']): { at: string; newDueAt: string | null } | null {
  const last = context.apologies.at(-1);
  return last ? { at: last.at, newDueAt: last.newDueAt } : null;
}
