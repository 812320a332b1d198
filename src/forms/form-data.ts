/**
 * The facts every form prints, gathered from a dossier's event log and its current chart context.
 * Pure: no I/O, no clock. The SUBMIT event supplies what the chart does not keep (the applicant,
 * the documents); REQUEST_SUPPLEMENT and REFUSE events supply their lists and reasons; everything
 * else comes from the context, which is itself a replay of the same events.
 */
import type {
  Channel,
  ClockEntry,
  DossierContext,
  ProcedureTerms,
  ResultRecord,
  ReturnMethod,
  StepRecord,
  Timeliness,
} from '../../machines/dossier';
import { procedureByCode } from '../../machines/procedures';
import { localDate, type Instant } from '../../machines/calendar';
import type { StoredEvent, SubmitPayload } from '../../machines/engine/event-codec';
import type { LookupFactor } from '../../machines/engine/commands';
import { dateTime } from './format';
import { regulationFor, type Regulation } from './numbering';

/** A person as forms print them: the full name and the title (chức danh), never the username. */
export interface Person {
  fullName: string;
  title: string;
}

/** The users known to the forms, by username (the route reads them from the users table). */
export type People = ReadonlyMap<string, Person>;

const SYSTEM_PERSON: Person = { fullName: 'Hệ thống', title: '' };

/** The person behind a username; an account unknown here prints as its username with no title (never expected: accounts are never deleted). */
export function personOf(people: People, username: string): Person {
  return people.get(username) ?? (username === 'system' ? SYSTEM_PERSON : { fullName: username, title: '' });
}

/** An instant with its printed form "hh:mm dd/mm/yyyy" (Asia/Ho_Chi_Minh). */
export interface When {
  at: Instant;
  text: string;
}

export interface Applicant {
  fullName: string;
  idNumber: string;
  phone: string;
  email: string | null;
  address: string;
  /** the number whose last 4 digits open the public lookup; null: recorded before the choice existed, either opens it */
  lookupFactor: LookupFactor | null;
}

export interface SupplementRequest {
  at: When;
  by: Person;
  unit: string | null;
  missing: string[];
  reason: string;
  /** a guidance at intake, before receipt (chart version 3): nothing was received, no clock runs */
  atIntake: boolean;
}

export interface Refusal {
  at: When;
  by: Person;
  unit: string | null;
  reason: string;
  /** who signed a refusal result (the head or deputy head of the office, or the leadership); null at intake, where the receiving officer signs */
  signer: Person | null;
  /** refused at the counter before receipt (form 03), rather than a refusal result after handling */
  atIntake: boolean;
}

export interface Apology {
  at: When;
  by: Person;
  reason: string;
  responsibleUnit: string;
  responsibleStep: string;
  responsibleOfficer: Person | null;
  signer: Person;
  previousDue: When;
  /** null: the result was handed over at once, with no new appointment */
  newDue: When | null;
  timely: boolean;
}

export interface FormData {
  code: string;
  agencyCode: string;
  channel: Channel;
  regulation: Regulation;
  procedure: {
    code: string;
    version: number;
    name: string;
    resultDocument: string | null;
    terms: ProcedureTerms;
  };
  applicant: Applicant;
  documents: { name: string; copies: number }[];
  note: string | null;
  submitted: When & { by: Person; unit: string | null };
  /** the counter's receipt (the first RECEIVE); null while the dossier waits for a clerk or was refused at intake */
  received: (When & { by: Person; unit: string | null }) | null;
  /** the complete dossier received again after a supplement request (the processing time restarted) */
  resubmitted: When | null;
  /** the statutory appointment (moves with a supplement restart or a pause, never with an apology) */
  due: When | null;
  /** the current appointment (an apology's new date, if any) */
  appointment: When | null;
  supplements: SupplementRequest[];
  refusal: Refusal | null;
  apologies: Apology[];
  result: (ResultRecord & { recorded: When }) | null;
  finalTimeliness: Timeliness | null;
  returned: { at: When; by: Person; method: ReturnMethod } | null;
  /** closed hand-overs, in order */
  steps: StepRecord[];
  /** the step still open, if any */
  current: { index: number; unit: string | null; assignee: string | null; startedAt: Instant } | null;
  clock: ClockEntry[];
  /** the full name of a user named in the context (a step's officer, an assignee); null stays null */
  nameOf: (username: string | null) => string | null;
  /** every pause, in order (the clock stopped at `at`; `resumedAt` null while it lasts) */
  pauses: PauseNotice[];
  /** the applicant's request to stop and the counter's stop, if any */
  withdrawal: {
    requested: (When & { by: Person; reason: string; via: string }) | null;
    stopped: When & { by: Person; reason: string };
  } | null;
}

export interface PauseNotice {
  at: When;
  by: Person;
  unit: string | null;
  reason: string;
  note: string | null;
  resumedAt: When | null;
}

export function when(at: Instant): When {
  return { at, text: dateTime(at) };
}

const whenOrNull = (at: Instant | null): When | null => (at ? when(at) : null);

function text(p: Record<string, unknown>, key: string): string | null {
  const v = p[key];
  return typeof v === 'string' ? v : null;
}

function texts(p: Record<string, unknown>, key: string): string[] {
  const v = p[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function submitOf(history: readonly StoredEvent[]): StoredEvent & { payload: SubmitPayload } {
  const first = history[0];
  if (!first || first.type !== 'SUBMIT') throw new Error(`the first event must be SUBMIT, found ${first?.type ?? 'none'}`);
  return first as StoredEvent & { payload: SubmitPayload };
}

/** The signer an event names: its recorded name and title (stamped from the users table), else the people directory. */
function signerOf(people: People, p: Record<string, unknown>): Person | null {
  const name = text(p, 'signer');
  if (!name) return null;
  const username = text(p, 'signerUsername');
  const known = username ? people.get(username) : undefined;
  return { fullName: name, title: text(p, 'signerTitle') ?? known?.title ?? '' };
}

function refusalOf(history: readonly StoredEvent[], people: People): Refusal | null {
  const e = history.findLast((x) => x.type === 'REFUSE');
  if (!e) return null;
  return {
    at: when(e.occurredAt),
    by: personOf(people, e.actor),
    unit: e.actorUnit,
    reason: text(e.payload, 'reason') ?? '',
    signer: signerOf(people, e.payload),
    atIntake: !history.some((x) => x.type === 'RECEIVE' && x.seq < e.seq),
  };
}

/** Pure. The printable facts of a dossier; `people` turns the usernames of the log into names and titles. */
export function buildFormData(history: readonly StoredEvent[], ctx: DossierContext, people: People = new Map()): FormData {
  const who = (username: string): Person => personOf(people, username);
  const submit = submitOf(history);
  const p = submit.payload;
  const receive = history.find((e) => e.type === 'RECEIVE');
  const resubmit = history.findLast((e) => e.type === 'RECEIVE_SUPPLEMENT');
  const returned = history.findLast((e) => e.type === 'RETURN_RESULT');
  const def = procedureByCode(ctx.procedure.code, ctx.procedure.version);
  const step = ctx.procedure.steps[ctx.stepIndex];
  return {
    code: ctx.code,
    agencyCode: p.agencyCode,
    channel: ctx.channel,
    regulation: regulationFor(localDate(ctx.receivedAt ?? ctx.submittedAt)),
    procedure: {
      code: ctx.procedure.code,
      version: ctx.procedure.version,
      name: def?.name ?? `Thủ tục ${ctx.procedure.code}`,
      resultDocument: def?.resultDocument ?? null,
      terms: ctx.procedure,
    },
    applicant: {
      fullName: p.applicant.fullName,
      idNumber: p.applicant.idNumber,
      phone: p.applicant.phone,
      email: p.applicant.email ?? null,
      address: p.applicant.address,
      lookupFactor: p.applicant.lookupFactor ?? null,
    },
    documents: p.documents.map((d) => ({ name: d.name, copies: d.copies })),
    note: p.note ?? null,
    submitted: { ...when(submit.occurredAt), by: who(submit.actor), unit: submit.actorUnit },
    received: receive ? { ...when(receive.occurredAt), by: who(receive.actor), unit: receive.actorUnit } : null,
    resubmitted: resubmit ? when(resubmit.occurredAt) : null,
    due: whenOrNull(ctx.originalDueAt),
    appointment: whenOrNull(ctx.dueAt),
    supplements: history
      .filter((e) => e.type === 'REQUEST_SUPPLEMENT')
      .map((e) => ({
        at: when(e.occurredAt),
        by: who(e.actor),
        unit: e.actorUnit,
        missing: texts(e.payload, 'missing'),
        reason: text(e.payload, 'reason') ?? '',
        atIntake: !history.some((x) => x.type === 'RECEIVE' && x.seq < e.seq),
      })),
    refusal: refusalOf(history, people),
    apologies: ctx.apologies.map((a) => ({
      at: when(a.at),
      by: who(a.by),
      reason: a.reason,
      responsibleUnit: a.responsibleUnit,
      responsibleStep: a.responsibleStep,
      responsibleOfficer: a.responsibleOfficer ? who(a.responsibleOfficer) : null,
      signer: { fullName: a.signer, title: a.signerTitle ?? (a.signerUsername ? (people.get(a.signerUsername)?.title ?? '') : '') },
      previousDue: when(a.previousDueAt),
      newDue: a.newDueAt === null ? null : when(a.newDueAt),
      timely: a.timely,
    })),
    result: ctx.result ? { ...ctx.result, recorded: when(ctx.result.recordedAt) } : null,
    finalTimeliness: ctx.finalTimeliness,
    returned:
      returned && ctx.returnedAt ? { at: when(ctx.returnedAt), by: who(returned.actor), method: ctx.returnMethod ?? 'counter' } : null,
    steps: ctx.steps,
    current:
      step && ctx.stepStartedAt && !ctx.result && !ctx.closedAt
        ? { index: ctx.stepIndex, unit: ctx.unit, assignee: ctx.assignee, startedAt: ctx.stepStartedAt }
        : null,
    clock: ctx.clock,
    nameOf: (username) => (username === null ? null : who(username).fullName),
    pauses: pausesOfHistory(history, people),
    withdrawal: withdrawalOf(history, people),
  };
}

function pausesOfHistory(history: readonly StoredEvent[], people: People): PauseNotice[] {
  const out: PauseNotice[] = [];
  for (const e of history) {
    if (e.type === 'PAUSE')
      out.push({
        at: when(e.occurredAt),
        by: personOf(people, e.actor),
        unit: e.actorUnit,
        reason: text(e.payload, 'reason') ?? 'other',
        note: text(e.payload, 'note'),
        resumedAt: null,
      });
    else if (e.type === 'RESUME' && out.length) out[out.length - 1]!.resumedAt = when(e.occurredAt);
  }
  return out;
}

function withdrawalOf(history: readonly StoredEvent[], people: People): FormData['withdrawal'] {
  const stop = history.findLast((e) => e.type === 'WITHDRAW');
  if (!stop) return null;
  const req = history.findLast((e) => e.type === 'REQUEST_WITHDRAWAL');
  return {
    requested: req
      ? {
          ...when(req.occurredAt),
          by: personOf(people, req.actor),
          reason: text(req.payload, 'reason') ?? '',
          via: text(req.payload, 'via') ?? 'counter',
        }
      : null,
    stopped: { ...when(stop.occurredAt), by: personOf(people, stop.actor), reason: text(stop.payload, 'reason') ?? '' },
  };
}
