/**
 * One dossier's story: turns its scenario into the staff's commands, one at a time, at local working
 * times given by the calendar. Asked "what happens next?" with the dossier's current snapshot and the
 * time of its last event, it answers with the next command, who gives it and when — or null when
 * nothing more will happen. The times of the steps are planned against the dossier's own due date:
 * each step takes its budget times the dossier's pace, squeezed when an on-time dossier would
 * otherwise miss its due date; a late dossier's handling step runs until the result can only come
 * its overshoot after the due date. Pauses and supplement waits push the rest of the step back.
 * The deadline sweeper's events are not decided here (see ./simulate.ts).
 */
import { lifecycleOf, type ActorRef, type DossierContext, type DossierSnapshot } from '../../machines/dossier';
import type { Calendar } from '../../machines/calendar';
import { localDate, workingTimeBetween } from '../../machines/calendar';
import { addOfficeMs } from '../../machines/calendar/working-time';
import type { Command } from '../../machines/engine/commands';
import type { DocumentSource, FileRef, ResultForm } from '../../machines/dossier/types';
import { apologyDeadline } from '../../machines/engine/stamp';
import { actorOf, staffByUsername, type Centre, type Staff } from './centres';
import { TIMING, type Scenario } from './mix';
import type { Rng } from './prng';

export interface Action {
  /** Unix ms, whole seconds, never before the previous event */
  at: number;
  cmd: Command;
  actor: ActorRef;
}

const HOUR = 3_600_000;

const REFUSAL_AT_INTAKE = [
  'Hồ sơ không thuộc thẩm quyền giải quyết của Ủy ban nhân dân cấp xã',
  'Thành phần hồ sơ không đúng quy định, đã hướng dẫn công dân bổ sung và nộp lại',
  'Tờ khai không có chữ ký của người yêu cầu',
];
const REFUSAL_RESULT = [
  'Không đủ điều kiện theo quy định của pháp luật',
  'Kết quả xác minh không phù hợp với nội dung đề nghị',
  'Thửa đất đang có tranh chấp, chưa đủ điều kiện giải quyết',
];
const SUPPLEMENT_REASONS = [
  'Giấy tờ nộp kèm chưa hợp lệ',
  'Thông tin trên tờ khai chưa khớp với giấy tờ tùy thân',
  'Thiếu giấy tờ theo quy định',
];
const WITHDRAW_REASONS = [
  'Công dân đề nghị rút hồ sơ',
  'Công dân không tiếp tục thực hiện thủ tục',
  'Công dân không bổ sung hồ sơ theo hướng dẫn',
];
const RETURN_REASONS = ['Đề nghị chuyên viên kiểm tra lại nội dung thẩm định', 'Dự thảo kết quả còn sai sót, đề nghị chỉnh sửa'];
const APOLOGY_REASONS = [
  'Hồ sơ phải xác minh thêm tại thực địa',
  'Cán bộ thụ lý nghỉ ốm, chậm bàn giao hồ sơ',
  'Khối lượng hồ sơ tăng đột biến',
  'Chờ ý kiến của cơ quan liên quan',
];

const DOCUMENT_ABBREVIATIONS: Readonly<Record<string, string>> = {
  '1.001612': 'GCN-HKD',
  '1.013225': 'GPXD',
  '1.013978': 'GCN-QSDĐ',
  '1.001193': 'KS',
  '1.000894': 'KH',
  '1.000656': 'TLKT',
  '2.000815': 'SCT/BS',
};

interface StepPlan {
  key: string;
  end: number;
  assignAt: number | null;
  supplementAt: number | null;
  pauseAt: number | null;
  returnAt: number | null;
  withdrawAt: number | null;
}

type Candidate = { at: number; make: () => Action };

/** What the story does with documents (./documents.ts plans them). */
export interface StoryDocuments {
  /** reused by reference before the receipt, in this order */
  reuses: readonly { component: number; source: DocumentSource; file: FileRef }[];
  /** what the RECEIVE command says about digitisation (when the receipt is not the submission's own) */
  receipt: { digitisationNote?: string; shownComponents?: number[] };
  /** the signed result document of result number `documentNumber` */
  resultFile: (documentNumber: string) => { file: FileRef; form: ResultForm };
  /** the procedure requires a digitised result */
  resultRequired: boolean;
}

export class Story {
  private plan: StepPlan | null = null;
  /** a pause or supplement request, while the dossier is away from its step */
  private away: { at: number; backAt: number } | null = null;
  private apology: { key: string; at: number } | null = null;
  private returnAt: number | null = null;
  private supplementDone = false;
  private pauseDone = false;
  private returnStepDone = false;
  private reused = 0;
  private intakeAt: number | null = null;
  private readonly signingLeader: Staff;

  constructor(
    private readonly s: Scenario,
    private readonly rng: Rng,
    private readonly centre: Centre,
    private readonly cal: Calendar,
    private readonly clerk: Staff,
    private readonly submittedAt: number,
    private readonly documents: readonly string[],
    private readonly docs: StoryDocuments,
  ) {
    this.signingLeader = rng.chance(0.4) ? centre.leaders[0]! : rng.pick(centre.leaders);
  }

  /** The next command after the last event at `now` (Unix ms), or null when the story is over. */
  next(snap: DossierSnapshot, now: number): Action | null {
    const ctx = snap.context;
    switch (lifecycleOf(snap)) {
      case 'submitted':
        return this.intake(snap, now);
      case 'received':
        return this.firstAssignment(ctx, now);
      case 'assigned':
      case 'processing':
        return this.handle(snap, now);
      case 'paused':
        return this.act(Math.max(now, this.away?.backAt ?? now), { type: 'RESUME' }, this.performer(ctx));
      case 'awaiting_supplement':
        return this.supplementAnswer(snap, now);
      case 'result':
        return this.handBack(ctx, now);
      case 'withdrawal_requested':
        // the counter finds no result and issues the stop notice at once (status 7 → 8)
        return this.act(now, { type: 'WITHDRAW', reason: ctx.withdrawalRequest?.reason ?? WITHDRAW_REASONS[0]! }, actorOf(this.clerk));
      default:
        return null;
    }
  }

  /** The applicant's request to stop (status 7); chart version 1 stopped in one step. */
  private withdraw(snap: DossierSnapshot, at: number, reason: string): Action {
    const type = snap.can({ type: 'REQUEST_WITHDRAWAL' } as never) ? 'REQUEST_WITHDRAWAL' : 'WITHDRAW';
    return this.act(at, type === 'WITHDRAW' ? { type, reason } : { type, reason, via: 'counter' }, actorOf(this.clerk));
  }

  /** Tells the story the action was applied (it keeps track of what has happened). */
  applied(a: Action): void {
    switch (a.cmd.type) {
      case 'PAUSE':
        this.pauseDone = true;
        this.away = { at: a.at, backAt: this.after(a.at, this.s.pause!.days) };
        break;
      case 'REQUEST_SUPPLEMENT':
        this.supplementDone = true;
        this.away = { at: a.at, backAt: this.after(a.at, this.s.supplement!.responseDays) };
        break;
      case 'RETURN_STEP':
        this.returnStepDone = true;
        break;
      case 'REUSE_DOCUMENT':
        this.reused += 1;
        break;
      default:
        break;
    }
  }

  // --- by state ------------------------------------------------------------------------------------

  /**
   * The clerk answers the filing: online and postal ones after a wait, a counter one registered for reuse within
   * minutes. Before receiving, the clerk reuses the applicant's earlier documents one by one, a little apart.
   */
  private intake(snap: DossierSnapshot, now: number): Action {
    this.intakeAt ??=
      snap.context.channel === 'counter'
        ? this.afterMs(this.submittedAt, this.rng.between(60_000, 240_000))
        : this.after(this.submittedAt, this.s.intakeDelayDays);
    const at = this.reused === 0 ? Math.max(now, this.intakeAt) : this.afterMs(now, this.rng.between(20_000, 90_000));
    const clerk = actorOf(this.clerk);
    if (this.s.intake === 'refuse') return this.act(at, { type: 'REFUSE', reason: this.rng.pick(REFUSAL_AT_INTAKE) }, clerk);
    if (this.s.intake === 'withdraw') return this.withdraw(snap, at, WITHDRAW_REASONS[0]!);
    const reuse = this.docs.reuses[this.reused];
    if (reuse) return this.act(at, { type: 'REUSE_DOCUMENT', component: reuse.component, source: reuse.source, file: reuse.file }, clerk);
    return this.act(at, { type: 'RECEIVE', ...this.docs.receipt }, clerk);
  }

  /** The first step starts when it is assigned: the clerk takes a counter step, an office head assigns a specialist. */
  private firstAssignment(ctx: DossierContext, now: number): Action {
    const step = ctx.procedure.steps[0]!;
    // At the counter the clerk dispatches at once; filings received from the portal or the post wait in a pile.
    const at = this.after(now, ctx.channel === 'counter' ? this.rng.between(0.005, 0.07) : this.rng.between(0.02, 0.6));
    if (step.role === 'counter') return this.act(at, { type: 'ASSIGN', assignee: this.clerk.username }, actorOf(this.clerk));
    const office = this.centre.offices[step.unit];
    const assignee = office ? this.rng.pick(office.specialists) : this.clerk;
    return this.act(at, { type: 'ASSIGN', assignee: assignee.username }, actorOf(office ? office.head : this.signingLeader));
  }

  private handle(snap: DossierSnapshot, now: number): Action {
    const ctx = snap.context;
    const plan = this.planFor(ctx, now);
    const k = ctx.stepIndex;
    const steps = ctx.procedure.steps;
    const step = steps[k]!;
    const last = k === steps.length - 1;
    const performer = this.performer(ctx);
    const candidates: Candidate[] = [];
    const add = (at: number | null, make: (at: number) => Action) => {
      if (at !== null) candidates.push({ at: Math.max(at, now), make: () => make(Math.max(at, now)) });
    };
    const office = this.centre.offices[step.unit];
    if (plan.assignAt !== null && ctx.assignee === null && office) {
      add(plan.assignAt, (at) =>
        this.act(at, { type: 'ASSIGN', assignee: this.rng.pick(office.specialists).username }, actorOf(office.head)),
      );
    }
    add(plan.withdrawAt, (at) => this.withdraw(snap, at, this.rng.pick(WITHDRAW_REASONS)));
    if (!this.supplementDone && ctx.supplementsRequested < ctx.procedure.maxSupplements) {
      add(plan.supplementAt, (at) =>
        this.act(
          at,
          { type: 'REQUEST_SUPPLEMENT', missing: this.missingDocuments(), reason: this.rng.pick(SUPPLEMENT_REASONS) },
          performer,
        ),
      );
    }
    if (!this.pauseDone && this.s.pause) {
      add(plan.pauseAt, (at) => this.act(at, { type: 'PAUSE', reason: this.s.pause!.reason }, performer));
    }
    const apologyAt = this.timelyApologyAt(ctx, now);
    if (apologyAt !== null) add(apologyAt, (at) => this.apologise(ctx, at, actorOf(this.apologySigner(ctx))));
    if (!this.returnStepDone)
      add(plan.returnAt, (at) => this.act(at, { type: 'RETURN_STEP', reason: this.rng.pick(RETURN_REASONS) }, performer));
    add(plan.end, (at) => {
      if (!last) return this.act(at, { type: 'COMPLETE_STEP' }, performer);
      if (this.s.refuse)
        return this.act(at, { type: 'REFUSE', reason: this.rng.pick(REFUSAL_RESULT), signer: this.staffName(performer) }, performer);
      const documentNumber = `${1 + this.rng.int(9000)}/${DOCUMENT_ABBREVIATIONS[ctx.procedure.code] ?? 'KQ'}`;
      // a digitised result is recorded with its signed document (as the API requires where the procedure asks for it)
      const doc = this.s.digitised || this.docs.resultRequired ? this.docs.resultFile(documentNumber) : null;
      return this.act(
        at,
        {
          type: 'RECORD_RESULT',
          documentNumber,
          documentDate: localDate(new Date(at).toISOString()),
          signer: this.staffName(performer),
          digitised: doc !== null,
          ...(doc ? { document: { sha256: doc.file.sha256, name: doc.file.name, form: doc.form }, file: doc.file } : {}),
        },
        performer,
      );
    });
    // Earliest first; on a tie, the order above (assignment before work, work before completion).
    let best = candidates[0]!;
    for (const c of candidates) if (c.at < best.at) best = c;
    return best.make();
  }

  private supplementAnswer(snap: DossierSnapshot, now: number): Action {
    const backAt = Math.max(now, this.away?.backAt ?? now);
    if (this.s.supplement?.abandoned) {
      return this.withdraw(snap, this.after(backAt, 3 + this.rng.between(0, 10)), WITHDRAW_REASONS[2]!);
    }
    return this.act(backAt, { type: 'RECEIVE_SUPPLEMENT' }, actorOf(this.clerk));
  }

  /**
   * The result goes back to the applicant when collected. A late result without an apology gets one
   * from the counter soon after it is recorded (an untimely apology), unless the scenario has none: then
   * the dossier stays at the counter — a late result cannot be handed back without an apology.
   */
  private handBack(ctx: DossierContext, now: number): Action | null {
    const recordedAt = Date.parse(ctx.result!.recordedAt);
    if (ctx.finalTimeliness === 'late' && ctx.apologies.length === 0) {
      if (this.s.apology === 'none' || ctx.procedure.maxReappointments < 1) return null;
      return this.apologise(ctx, Math.max(now, this.after(recordedAt, this.rng.between(0.02, 0.3))), actorOf(this.clerk));
    }
    this.returnAt ??= Math.max(now, this.after(recordedAt, this.s.pickupDays));
    const method = ctx.channel === 'online' ? 'online' : ctx.channel === 'postal' ? 'post' : 'counter';
    return this.act(
      Math.max(now, this.returnAt),
      { type: 'RETURN_RESULT', method, ...(this.s.rating !== null ? { rating: this.s.rating } : {}) },
      actorOf(this.clerk),
    );
  }

  // --- planning ------------------------------------------------------------------------------------

  /** The current step's plan, made when the step starts and pushed back by the time spent away. */
  private planFor(ctx: DossierContext, now: number): StepPlan {
    const key = `${ctx.stepIndex}|${ctx.stepStartedAt}`;
    if (this.plan && this.plan.key === key) {
      if (this.away) {
        const { at } = this.away;
        const shift = (t: number | null) =>
          t === null ? null : t <= at ? t : addOfficeMs(now, workingTimeBetween(iso(at), iso(t), this.cal), this.cal);
        const p = this.plan;
        this.plan = {
          key,
          end: shift(p.end)!,
          assignAt: shift(p.assignAt),
          supplementAt: shift(p.supplementAt),
          pauseAt: shift(p.pauseAt),
          returnAt: shift(p.returnAt),
          withdrawAt: shift(p.withdrawAt),
        };
        this.away = null;
      }
      return this.plan;
    }
    this.away = null;
    const k = ctx.stepIndex;
    const steps = ctx.procedure.steps;
    // Each step naturally takes its budget × the dossier's pace × its own variation. An on-time dossier
    // squeezes the steps left to finish before its due date; a late one loses the time in its handling
    // step, which ends so that the result comes its overshoot after the due date.
    const natural = (i: number) => this.budgetMs(steps[i]!.budget) * this.s.pace * (this.s.stepNoise[i] ?? 1);
    let rest = 0;
    for (let i = k + 1; i < steps.length; i++) rest += natural(i);
    const left = ctx.originalDueAt ? workingTimeBetween(iso(now), ctx.originalDueAt, this.cal) : 0;
    let duration = natural(k);
    if (this.s.late) {
      if (k === this.s.handlingStep) duration = Math.max(duration, left + this.s.overshootDays * this.cal.officeDayMs - rest);
    } else if (duration + rest > 0.95 * left) {
      duration *= (0.95 * left) / (duration + rest);
    }
    duration = Math.max(3 * 60_000, duration);
    const at = (fraction: number) => this.afterMs(now, duration * fraction);
    const step = steps[k]!;
    const last = k === steps.length - 1;
    this.plan = {
      key,
      end: this.afterMs(now, duration),
      assignAt:
        step.role === 'specialist' && ctx.assignee === null
          ? this.afterMs(now, Math.min(duration * TIMING.assignShare, TIMING.assignMaxHours * HOUR))
          : null,
      supplementAt: this.s.supplement && this.s.supplement.step === k ? at(this.s.supplement.share) : null,
      pauseAt: this.s.pause && this.s.pause.step === k ? at(this.s.pause.share) : null,
      returnAt: this.s.returnStep && last && !this.returnStepDone ? at(0.4) : null,
      withdrawAt: this.s.withdrawDuring && k === Math.min(1, steps.length - 1) ? at(0.5) : null,
    };
    return this.plan;
  }

  /** A late dossier's apology, planned on the working day before its due date (null when not planned or already issued). */
  private timelyApologyAt(ctx: DossierContext, now: number): number | null {
    if (
      !this.s.late ||
      this.s.apology !== 'timely' ||
      ctx.apologies.length > 0 ||
      !ctx.dueAt ||
      ctx.apologies.length >= ctx.procedure.maxReappointments
    )
      return null;
    const key = ctx.originalDueAt ?? '';
    if (!this.apology || this.apology.key !== key) {
      const deadline = Date.parse(apologyDeadline(ctx, this.cal));
      const open = Date.parse(this.cal.openAt(localDate(iso(deadline))));
      const at = Math.min(deadline, this.afterMs(open, this.rng.between(0, 0.9) * this.cal.officeDayMs));
      this.apology = { key, at: Math.max(at, now) };
    }
    return this.apology.at;
  }

  private apologise(ctx: DossierContext, at: number, actor: ActorRef): Action {
    // The new appointment: the working day after the result is expected, later than the current one and than today.
    const expected = ctx.originalDueAt ? this.after(Date.parse(ctx.originalDueAt), this.s.overshootDays) : at;
    let day = this.cal.nextWorkingDay(localDate(iso(Math.max(expected, at))));
    const current = ctx.dueAt ? localDate(ctx.dueAt) : '';
    while (day <= current) day = this.cal.nextWorkingDay(day);
    return this.act(
      at,
      {
        type: 'ISSUE_APOLOGY',
        reason: this.rng.pick(APOLOGY_REASONS),
        signer: this.apologySigner(ctx).fullName,
        newDueDate: day,
        ...(ctx.assignee && !ctx.result ? { responsibleOfficer: ctx.assignee } : {}),
      },
      actor,
    );
  }

  // --- people --------------------------------------------------------------------------------------

  /** Who does the current step's work: the clerk at the counter, the assigned specialist, the signing leader. */
  private performer(ctx: DossierContext): ActorRef {
    const step = ctx.procedure.steps[Math.max(ctx.stepIndex, 0)]!;
    if (step.role === 'counter') return actorOf(this.clerk);
    const office = this.centre.offices[step.unit];
    if (step.role === 'specialist') {
      const assigned = office?.specialists.find((s) => s.username === ctx.assignee);
      return actorOf(assigned ?? office?.specialists[0] ?? this.clerk);
    }
    return actorOf(office ? office.head : this.signingLeader);
  }

  /** The head of the office holding the dossier, else the commune leader. */
  private apologySigner(ctx: DossierContext): Staff {
    const step = ctx.procedure.steps[Math.max(ctx.stepIndex, 0)];
    const office = step ? this.centre.offices[step.unit] : undefined;
    return office ? office.head : this.signingLeader;
  }

  private staffName(a: ActorRef): string {
    return staffByUsername(this.centre, a.username)?.fullName ?? a.username;
  }

  private missingDocuments(): string[] {
    const n = Math.min(this.documents.length, 1 + this.rng.int(2));
    const start = this.rng.int(this.documents.length);
    return Array.from({ length: n }, (_, i) => this.documents[(start + i) % this.documents.length]!);
  }

  // --- time ----------------------------------------------------------------------------------------

  private act(at: number, cmd: Command, actor: ActorRef): Action {
    return { at, cmd, actor };
  }

  /** `days` office days of working time after `from`, to the second. */
  private after(from: number, days: number): number {
    return this.afterMs(from, days * this.cal.officeDayMs);
  }

  private afterMs(from: number, ms: number): number {
    return addOfficeMs(from, Math.max(0, Math.round(ms / 1000) * 1000), this.cal);
  }

  private budgetMs(b: { value: number; unit: 'days' | 'hours' }): number {
    return b.unit === 'hours' ? b.value * HOUR : b.value * this.cal.officeDayMs;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
