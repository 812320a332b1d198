/**
 * Turns a validated user command into the event the chart receives: stamps the server time and the
 * actor, and computes every deadline the event implies with the calendar (recording its version).
 * Pure: `now` and the calendar are passed in.
 */
import { addDays, dueDate, localDate, pauseExtensionMs, shiftByWorkingTime, workingTimeBetween, type Calendar } from '../calendar';
import type { ActorRef, DossierContext, DossierEvent } from '../dossier';
import type { Command } from './commands';
import { validationFailed, type FieldIssue } from './errors';
import { pausedSinceClockStart } from './pauses';
import { resolveNotification } from '../notify/channels';
import { intakeDueBy } from './intake';
import type { FileRef } from '../dossier/types';
import {
  checkComponent,
  checkDossierBytes,
  checkResultDocument,
  documentsOf,
  nextDocumentId,
  receiptDigitisation,
  type DocumentRules,
} from '../documents/rules';

/** Close of the working day before `date`'s day: the latest moment an apology is on time by default. */
export function apologyDeadline(ctx: DossierContext, cal: Calendar): string {
  const due = ctx.originalDueAt!;
  if (ctx.procedure.apologyDeadline === 'at_deadline') return due;
  let d = addDays(localDate(due), -1);
  while (!cal.isWorkingDay(d)) d = addDays(d, -1);
  return cal.closeAt(d);
}

/**
 * The apology's new appointment: a working day after today and after the current appointment; or null when
 * the result is already recorded and handed over at once (returnNow), so no future date is invented.
 */
function apologyAppointment(cmd: Command & { type: 'ISSUE_APOLOGY' }, ctx: DossierContext, at: string, cal: Calendar): string | null {
  if (cmd.returnNow) {
    if (cmd.newDueDate !== undefined)
      throw validationFailed([
        { field: 'newDueDate', code: 'not_with_return_now', reason: 'no new appointment when the result is returned now' },
      ]);
    if (ctx.result === null || ctx.returnedAt !== null)
      throw validationFailed([
        { field: 'returnNow', code: 'no_result_to_return', reason: 'only a recorded result not yet returned can be handed over at once' },
      ]);
    return null;
  }
  if (cmd.newDueDate === undefined)
    throw validationFailed([{ field: 'newDueDate', code: 'required', reason: 'required unless the result is returned now (returnNow)' }]);
  const issues: FieldIssue[] = [];
  if (!cal.isWorkingDay(cmd.newDueDate)) issues.push({ field: 'newDueDate', code: 'not_a_working_day', reason: 'must be a working day' });
  const current = ctx.dueAt ? localDate(ctx.dueAt) : null;
  if (current && cmd.newDueDate <= current)
    issues.push({ field: 'newDueDate', code: 'not_after_current_due', reason: `must be after the current appointment ${current}` });
  if (cmd.newDueDate <= localDate(at)) issues.push({ field: 'newDueDate', code: 'not_after_today', reason: 'must be after today' });
  if (issues.length) throw validationFailed(issues);
  return cal.closeAt(cmd.newDueDate);
}

function signerStamp(cmd: { signerTitle?: string; signerUsername?: string }): { signerTitle?: string; signerUsername?: string } {
  return {
    ...(cmd.signerTitle !== undefined ? { signerTitle: cmd.signerTitle } : {}),
    ...(cmd.signerUsername !== undefined ? { signerUsername: cmd.signerUsername } : {}),
  };
}

/** Working days after receipt within which a supplement may be requested when the procedure does not say. */
export const DEFAULT_SUPPLEMENT_WINDOW_DAYS = 3;

/** What the engine adds to the event: the official dossier code a RECEIVE gives; the applicant (from SUBMIT) a notification choice (RECEIVE, CHANGE_NOTIFICATION) defaults from. */
export interface StampExtras {
  code?: string;
  applicant?: { phone: string; email?: string };
  /** the procedure version's document rules (issue 14); absent, documents are not checked against the procedure */
  documents?: DocumentRules;
  /** the submission's paper list (SUBMIT's `documents`): which optional documents a RECEIVE takes as brought */
  papers?: readonly { name: string }[];
}

function fileOf(cmd: { file?: FileRef }): FileRef {
  // the service resolves every uploaded file before the command reaches the engine
  if (!cmd.file) throw validationFailed([{ field: 'sha256', reason: 'no uploaded file with this SHA-256' }]);
  return cmd.file;
}

export function stampCommand(
  cmd: Command,
  ctx: DossierContext,
  at: string,
  by: ActorRef,
  cal: Calendar,
  extras: StampExtras = {},
): DossierEvent {
  const base = { at, by };
  switch (cmd.type) {
    case 'RECEIVE':
    case 'RECEIVE_SUPPLEMENT': {
      const due = dueDate(at, ctx.procedure.processingTime, cal, ctx.procedure.cutoff ? { cutoff: ctx.procedure.cutoff } : undefined);
      const code = cmd.type === 'RECEIVE' && extras.code !== undefined ? { code: extras.code } : {};
      let notification = {};
      if (cmd.type === 'RECEIVE' && cmd.notification) {
        if (!extras.applicant) throw new Error('a RECEIVE with a notification choice needs the applicant');
        const resolved = resolveNotification(cmd.notification, extras.applicant);
        if ('issue' in resolved) throw validationFailed([resolved.issue]);
        notification = { notification: resolved.choice };
      }
      const digitisation =
        cmd.type === 'RECEIVE' && extras.documents
          ? { digitisation: receiptDigitisation(ctx, extras.documents, cmd.digitisationNote, cmd.shownComponents, extras.papers) }
          : {};
      return {
        type: cmd.type,
        ...base,
        ...code,
        dueAt: due.dueAt,
        countedFrom: due.countedFrom,
        calendarVersion: due.calendarVersion,
        ...notification,
        ...digitisation,
      };
    }
    case 'RESUBMIT':
      return { type: 'RESUBMIT', ...base, intakeDueBy: intakeDueBy(ctx.channel, at, cal), note: cmd.note ?? null };
    case 'ASSIGN': {
      const step = ctx.procedure.steps[Math.max(ctx.stepIndex, 0)];
      return { type: 'ASSIGN', ...base, unit: cmd.unit ?? step?.unit ?? ctx.unit ?? '', assignee: cmd.assignee ?? null };
    }
    case 'COMPLETE_STEP':
      return { type: 'COMPLETE_STEP', ...base, note: cmd.note ?? null };
    case 'RETURN_STEP':
      return { type: 'RETURN_STEP', ...base, reason: cmd.reason };
    case 'REQUEST_SUPPLEMENT': {
      // Allowed whenever the chart allows it, but one requested after the procedure's window (default 3 working
      // days after receipt, counted like a due date) is flagged and counted (docs/metrics.md).
      if (!ctx.receivedAt) return { type: 'REQUEST_SUPPLEMENT', ...base, missing: cmd.missing, reason: cmd.reason };
      const days = ctx.procedure.supplementWindowDays ?? DEFAULT_SUPPLEMENT_WINDOW_DAYS;
      const windowEndsAt = dueDate(
        ctx.receivedAt,
        { value: days, unit: 'days' },
        cal,
        ctx.procedure.cutoff ? { cutoff: ctx.procedure.cutoff } : undefined,
      ).dueAt;
      return {
        type: 'REQUEST_SUPPLEMENT',
        ...base,
        missing: cmd.missing,
        reason: cmd.reason,
        windowEndsAt,
        late: Date.parse(at) > Date.parse(windowEndsAt),
      };
    }
    case 'PAUSE':
      if (!ctx.procedure.pauseReasons.includes(cmd.reason)) {
        throw validationFailed([
          {
            field: 'reason',
            code: 'reason_not_allowed',
            reason: `this procedure allows a pause only for: ${ctx.procedure.pauseReasons.join(', ')}`,
          },
        ]);
      }
      return { type: 'PAUSE', ...base, reason: cmd.reason, note: cmd.note ?? null };
    case 'RESUME': {
      // Paused working time does not count, but never buys more than it lasted: pauses accumulate over the
      // dossier and, in day mode, move the due dates by whole office days only once the total reaches them
      // (pauseExtensionMs; docs/calendar.md "Pauses"). Both the appointment and the statutory due date move.
      const pausedMs = ctx.pausedAt ? workingTimeBetween(ctx.pausedAt, at, cal) : 0;
      const earlierMs = pausedSinceClockStart(ctx.clock, cal);
      const unit = ctx.procedure.processingTime.unit;
      const extensionMs = pauseExtensionMs(earlierMs, pausedMs, unit, cal);
      return {
        type: 'RESUME',
        ...base,
        pausedWorkingMs: pausedMs,
        totalPausedWorkingMs: earlierMs + pausedMs,
        extensionMs,
        dueAt: shiftByWorkingTime(ctx.dueAt!, extensionMs, unit, cal),
        originalDueAt: shiftByWorkingTime(ctx.originalDueAt!, extensionMs, unit, cal),
        calendarVersion: cal.version,
      };
    }
    case 'RECORD_RESULT': {
      checkResultDocument(cmd.document !== undefined, extras.documents);
      const document = cmd.document ? { documentId: nextDocumentId(ctx), file: fileOf(cmd), form: cmd.document.form } : undefined;
      if (document) checkDossierBytes(ctx, document.file, extras.documents);
      return {
        type: 'RECORD_RESULT',
        ...base,
        documentNumber: cmd.documentNumber,
        documentDate: cmd.documentDate,
        signer: cmd.signer,
        ...signerStamp(cmd),
        // a result stored as a file is digitised whatever the flag said
        digitised: document ? true : cmd.digitised,
        ...(document ? { document } : {}),
      };
    }
    case 'CORRECT_RESULT': {
      const result = ctx.result;
      const existing = documentsOf(ctx).find((d) => d.kind === 'result' && d.id === result?.documentId);
      const document = cmd.document
        ? {
            documentId: existing?.id ?? nextDocumentId(ctx),
            version: existing ? existing.versions.length + 1 : 1,
            file: fileOf(cmd),
            form: cmd.document.form,
          }
        : undefined;
      if (document) checkDossierBytes(ctx, document.file, extras.documents, existing);
      return {
        type: 'CORRECT_RESULT',
        ...base,
        reason: cmd.reason,
        documentNumber: cmd.documentNumber,
        documentDate: cmd.documentDate,
        signer: cmd.signer,
        ...signerStamp(cmd),
        previous: {
          documentNumber: result?.documentNumber ?? null,
          documentDate: result?.documentDate ?? null,
          signer: result?.signer ?? null,
        },
        ...(document ? { document } : {}),
      };
    }
    case 'ATTACH_DOCUMENT': {
      const file = fileOf(cmd);
      const component = cmd.kind === 'component' ? checkComponent(cmd.component, extras.documents) : null;
      if (cmd.kind !== 'component' && cmd.component !== undefined)
        throw validationFailed([{ field: 'component', reason: 'only a component of the application names one' }]);
      checkDossierBytes(ctx, file, extras.documents);
      return { type: 'ATTACH_DOCUMENT', ...base, documentId: nextDocumentId(ctx), kind: cmd.kind, component, file };
    }
    case 'REPLACE_DOCUMENT': {
      const doc = documentsOf(ctx).find((d) => d.id === cmd.documentId);
      if (!doc) throw validationFailed([{ field: 'documentId', reason: 'no such document in this dossier' }]);
      if (doc.kind === 'result') throw validationFailed([{ field: 'documentId', reason: 'a result document is not replaced' }]);
      const file = fileOf(cmd);
      checkDossierBytes(ctx, file, extras.documents, doc);
      return { type: 'REPLACE_DOCUMENT', ...base, documentId: doc.id, version: doc.versions.length + 1, file, reason: cmd.reason };
    }
    case 'REUSE_DOCUMENT': {
      const file = fileOf(cmd);
      if (!cmd.source) throw validationFailed([{ field: 'source', reason: 'no such document to reuse' }]);
      const component = checkComponent(cmd.component, extras.documents);
      checkDossierBytes(ctx, file, extras.documents);
      return { type: 'REUSE_DOCUMENT', ...base, documentId: nextDocumentId(ctx), component, file, source: cmd.source };
    }
    case 'REFUSE':
      // A written refusal after receipt is a result: it names who signed it. At intake the receiving officer signs form 03.
      if (ctx.receivedAt !== null && !cmd.signer)
        throw validationFailed([{ field: 'signer', reason: 'required: a written refusal names its signer' }]);
      return { type: 'REFUSE', ...base, reason: cmd.reason, signer: cmd.signer ?? null, ...signerStamp(cmd) };
    case 'ISSUE_APOLOGY': {
      const newDueAt = apologyAppointment(cmd, ctx, at, cal);
      const step = ctx.procedure.steps[Math.max(ctx.stepIndex, 0)];
      return {
        type: 'ISSUE_APOLOGY',
        ...base,
        reason: cmd.reason,
        responsibleUnit: cmd.responsibleUnit ?? ctx.unit ?? step?.unit ?? '',
        responsibleStep: cmd.responsibleStep ?? step?.id ?? '',
        responsibleOfficer: cmd.responsibleOfficer ?? null,
        signer: cmd.signer,
        ...signerStamp(cmd),
        newDueAt,
        timely: at <= apologyDeadline(ctx, cal),
        calendarVersion: cal.version,
      };
    }
    case 'RETURN_RESULT':
      return { type: 'RETURN_RESULT', ...base, method: cmd.method, rating: cmd.rating ?? null };
    case 'WITHDRAW':
      return { type: 'WITHDRAW', ...base, reason: cmd.reason };
    case 'REQUEST_WITHDRAWAL':
      return { type: 'REQUEST_WITHDRAWAL', ...base, reason: cmd.reason, via: cmd.via };
    case 'CHANGE_NOTIFICATION': {
      if (!extras.applicant) throw new Error('a CHANGE_NOTIFICATION needs the applicant');
      const resolved = resolveNotification(cmd.notification, extras.applicant);
      if ('issue' in resolved) throw validationFailed([resolved.issue]);
      return {
        type: 'CHANGE_NOTIFICATION',
        ...base,
        notification: resolved.choice,
        onBehalf: cmd.onBehalf ?? null,
        reason: cmd.reason ?? null,
      };
    }
    case 'RECORD_EXEMPTION':
      return { type: 'RECORD_EXEMPTION', ...base, reason: cmd.reason, explanation: cmd.explanation, reference: cmd.reference ?? null };
  }
}
