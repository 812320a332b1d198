/**
 * The weekly late-dossier review as a workflow, and the monthly report: who may read which scope,
 * request validation (the zod schemas below, also for the API reference), and the writes to the
 * review log — a note per late or at-risk dossier, then the week's sign-off.
 * Scope: supervisors, leaders, auditors and administrators read the whole centre or any unit; a
 * leader or supervisor of an office (a unit of kind 'office') reads and writes their own unit only.
 */
import { z } from 'zod';
import { UNITS } from '../../machines/procedures';
import type { EngineContext } from '../app/engine-factory';
import { forbidden, notFound, transitionNotAllowed, validationFailed } from '../../machines/engine/errors';
import { parseWith } from './validate';
import { buildMonthlyReport, monthBounds } from '../reports/monthly-report';
import type { MonthlyReport } from '../reports/report-schemas';
import { insertReportDelivery, reportDeliveriesOf } from '../store/report-delivery-store';
import { displayNamesOf } from '../store/user-names';
import { isUniqueViolation } from '../store/dossier-store';
import { toInstant } from '../../machines/calendar';
import { appendReviewNote, appendWeekSignOff, assertWeekOpen, CENTRE_SCOPE } from '../reports/review-log';
import { weekStatuses, type ReviewEvent } from '../store/review-event-store';
import {
  buildWeeklyReview,
  classifyForWeek,
  inScope,
  loadReviewReference,
  parseIsoWeek,
  shiftWeek,
  type IsoWeek,
  type WeeklyReview,
} from '../reports/weekly-review';
import { findDossierByCode } from '../store/dossier-store';
import { hasRole, type AuthUser } from './auth-user';
import { isOfficeBound } from './policy';

export const REPORT_FORMATS = ['json', 'csv', 'xlsx', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const REVIEW_READ_ROLES = ['supervisor', 'leader', 'auditor', 'admin'] as const;
export const REVIEW_WRITE_ROLES = ['supervisor', 'leader'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const week = z
  .string()
  .regex(/^\d{4}-W\d{2}$/, 'expected an ISO week YYYY-Www, e.g. 2026-W10')
  .refine((s) => parseIsoWeek(s) !== null, 'no such ISO week')
  .describe('ISO week, Monday–Sunday in Asia/Ho_Chi_Minh');
const unit = z
  .string()
  .refine((s) => UNITS.some((u) => u.code === s), `expected a unit code: ${UNITS.map((u) => u.code).join(', ')}`)
  .describe('a unit code; omitted = the whole centre');
const format = z.enum(REPORT_FORMATS).default('json');

export const WeeklyReviewQuerySchema = z.strictObject({ week, unit: unit.optional(), format });
export const ReviewNoteBodySchema = z.strictObject({
  week,
  unit: unit.optional(),
  dossierCode: text(96),
  cause: text(2000).describe('nguyên nhân chậm'),
  correctiveAction: text(2000).describe('biện pháp khắc phục'),
});
export const SignOffBodySchema = z.strictObject({ week, unit: unit.optional(), summary: text(4000).optional() });
const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month YYYY-MM')
  .refine((m) => monthBounds(m) !== null, 'the year must be 1971–9998')
  .describe('calendar month in Asia/Ho_Chi_Minh (years 1971–9998)');
export const MonthlyReportQuerySchema = z.strictObject({
  month,
  format,
  download: z
    .enum(['1', 'true'])
    .optional()
    .describe(
      "answer as an attachment; a supervisor's or leader's download is recorded as the month's report delivered (the dashboard stops reminding)",
    ),
});

const MAX_STATUS_WEEKS = 53;
export const WeekStatusQuerySchema = z.strictObject({ from: week, to: week, unit: unit.optional() }).superRefine((q, ctx) => {
  const [a, b] = [parseIsoWeek(q.from), parseIsoWeek(q.to)];
  if (!a || !b) return;
  const n = (Date.parse(b.from) - Date.parse(a.from)) / (7 * 86_400_000) + 1;
  if (n < 1) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must not be before from' });
  if (n > MAX_STATUS_WEEKS) ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${MAX_STATUS_WEEKS} weeks` });
});

const person = { by: z.string().nullable().describe('username'), byName: z.string().nullable().describe('full name and title') };
export const WeekStatusListSchema = z.object({
  scope: z.string(),
  asOf: z.string(),
  weeks: z.array(
    z.object({
      week: z.string(),
      from: z.string(),
      to: z.string(),
      ended: z.boolean().describe('the week is over: it can be signed off'),
      signedOff: z.boolean(),
      signedOffAt: z.string().nullable(),
      signedOffBy: person.by,
      signedOffByName: person.byName,
      notes: z.int().describe('causes and corrective actions recorded for the week'),
    }),
  ),
});

export const MonthlyStatusQuerySchema = z.strictObject({ month: month.optional().describe('default: the month before the current one') });
export const MonthlySentBodySchema = z.strictObject({
  month,
  note: text(500).optional().describe('e.g. the dispatch number or how it was sent'),
});
export const MonthlyStatusSchema = z.object({
  month: z.string(),
  dueBy: z.string().describe('local date: the 3rd of the next month'),
  ended: z.boolean(),
  delivered: z.boolean().describe('downloaded by a supervisor or leader, or marked sent'),
  overdue: z.boolean().describe('not delivered and the due date has passed'),
  downloadedAt: z.string().nullable().describe('the first download'),
  downloadedBy: person.by,
  downloadedByName: person.byName,
  sentAt: z.string().nullable(),
  sentBy: person.by,
  sentByName: person.byName,
  sentNote: z.string().nullable(),
});
export type MonthlyStatus = z.infer<typeof MonthlyStatusSchema>;

/** What a note or a sign-off returns: the record as stored in the chain. */
export const ReviewRecordSchema = z.object({
  week: z.string(),
  scope: z.string(),
  seq: z.int(),
  type: z.enum(['REVIEW_NOTE', 'WEEK_SIGNED_OFF']),
  dossierCode: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
  actor: z.string(),
  occurredAt: z.string(),
  prevHash: z.string(),
  hash: z.string(),
});
export type ReviewRecord = z.infer<typeof ReviewRecordSchema>;

function record(e: ReviewEvent): ReviewRecord {
  const { id: _id, ...rest } = e;
  return rest;
}

export class ReviewService {
  constructor(private readonly ctx: EngineContext) {}

  private now(): string {
    return this.ctx.clock.now().toISOString();
  }

  /** The scope this user works on: their own unit for an office's leader or supervisor, else what they asked for. */
  private scopeFor(user: AuthUser, requested: string | undefined, roles: readonly AuthUser['roles'][number][]): string {
    if (!hasRole(user, ...roles)) throw forbidden(`Chức năng này chỉ dành cho vai trò: ${roles.join(', ')}`);
    if (!isOfficeBound(user)) return requested ?? CENTRE_SCOPE;
    if (requested !== undefined && requested !== user.unit) throw forbidden(`Chỉ được rà soát hồ sơ của đơn vị ${user.unit}`);
    return user.unit;
  }

  async weeklyReview(user: AuthUser, query: unknown): Promise<{ format: ReportFormat; filename: string; review: WeeklyReview }> {
    const q = parseWith(WeeklyReviewQuerySchema, query);
    const scope = this.scopeFor(user, q.unit, REVIEW_READ_ROLES);
    const review = await buildWeeklyReview({
      db: this.ctx.db,
      calendars: this.ctx.calendars,
      now: this.now(),
      week: parseIsoWeek(q.week)!,
      scope,
    });
    return { format: q.format, filename: `ra-soat-tre-han-${q.week}-${scope}`, review };
  }

  async addNote(user: AuthUser, body: unknown): Promise<ReviewRecord> {
    const b = parseWith(ReviewNoteBodySchema, body);
    const scope = this.scopeFor(user, b.unit, REVIEW_WRITE_ROLES);
    const w = parseIsoWeek(b.week)!;
    await assertWeekOpen(this.ctx.db, w.label, scope, 'REVIEW_NOTE');
    const row = await findDossierByCode(this.ctx.db, b.dossierCode);
    if (!row) throw notFound('hồ sơ', b.dossierCode);
    const ref = await loadReviewReference(this.ctx.db);
    if (!inScope(row, scope, ref))
      throw validationFailed([{ field: 'dossierCode', reason: `the dossier is not in the review of ${scope}` }]);
    const now = this.now();
    const asOf = now < w.to ? now : w.to;
    if (classifyForWeek(row, w, asOf, shiftWeek(w, 1).to) === null) {
      throw validationFailed([{ field: 'dossierCode', reason: `the dossier is neither late nor at risk in week ${w.label}` }]);
    }
    const e = await appendReviewNote(this.ctx.db, {
      week: w.label,
      scope,
      actor: user.username,
      at: now,
      dossierCode: row.code,
      cause: b.cause,
      correctiveAction: b.correctiveAction,
    });
    return record(e);
  }

  async signOff(user: AuthUser, body: unknown): Promise<ReviewRecord> {
    const b = parseWith(SignOffBodySchema, body);
    const scope = this.scopeFor(user, b.unit, REVIEW_WRITE_ROLES);
    const w: IsoWeek = parseIsoWeek(b.week)!;
    await assertWeekOpen(this.ctx.db, w.label, scope, 'WEEK_SIGNED_OFF');
    const now = this.now();
    if (now < w.to) {
      throw transitionNotAllowed(
        'WEEK_SIGNED_OFF',
        'week_in_progress',
        ['REVIEW_NOTE'],
        `Tuần ${w.label} chưa kết thúc: chỉ ký duyệt sau ngày Chủ nhật cuối tuần`,
      );
    }
    const e = await appendWeekSignOff(this.ctx.db, {
      week: w.label,
      scope,
      actor: user.username,
      at: now,
      ...(b.summary ? { summary: b.summary } : {}),
    });
    return record(e);
  }

  async monthly(
    user: AuthUser,
    query: unknown,
  ): Promise<{ format: ReportFormat; filename: string; attachment: boolean; report: MonthlyReport }> {
    const q = parseWith(MonthlyReportQuerySchema, query);
    if (!hasRole(user, ...REVIEW_READ_ROLES)) throw forbidden(`Chức năng này chỉ dành cho vai trò: ${REVIEW_READ_ROLES.join(', ')}`);
    const report = await buildMonthlyReport(this.ctx.db, q.month, this.now());
    if (q.download && hasRole(user, ...REVIEW_WRITE_ROLES)) {
      await insertReportDelivery(this.ctx.db, {
        month: q.month,
        kind: 'downloaded',
        format: q.format,
        note: null,
        actor: user.username,
        at: this.now(),
      });
    }
    return { format: q.format, filename: `bao-cao-thang-${q.month}`, attachment: q.download !== undefined, report };
  }

  /** Which weeks of a range are signed off, by whom and when, for the user's scope. */
  async weekStatuses(user: AuthUser, query: unknown): Promise<z.infer<typeof WeekStatusListSchema>> {
    const q = parseWith(WeekStatusQuerySchema, query);
    const scope = this.scopeFor(user, q.unit, REVIEW_READ_ROLES);
    const now = this.now();
    const weeks: IsoWeek[] = [];
    for (let w = parseIsoWeek(q.from)!; w.from <= parseIsoWeek(q.to)!.from; w = shiftWeek(w, 1)) weeks.push(w);
    const found = await weekStatuses(
      this.ctx.db,
      scope,
      weeks.map((w) => w.label),
    );
    const names = await displayNamesOf(
      this.ctx.db,
      [...found.values()].flatMap((f) => (f.signOff ? [f.signOff.actor] : [])),
    );
    return {
      scope,
      asOf: now,
      weeks: weeks.map((w) => {
        const f = found.get(w.label)!;
        const by = f.signOff?.actor ?? null;
        return {
          week: w.label,
          from: w.from,
          to: w.to,
          ended: now >= w.to,
          signedOff: f.signOff !== null,
          signedOffAt: f.signOff?.occurredAt ?? null,
          signedOffBy: by,
          signedOffByName: by === null ? null : (names.get(by) ?? by),
          notes: f.notes,
        };
      }),
    };
  }

  async monthlyStatus(user: AuthUser, query: unknown): Promise<MonthlyStatus> {
    const q = parseWith(MonthlyStatusQuerySchema, query);
    if (!hasRole(user, ...REVIEW_READ_ROLES)) throw forbidden(`Chức năng này chỉ dành cho vai trò: ${REVIEW_READ_ROLES.join(', ')}`);
    return this.statusOf(q.month ?? previousMonth(this.now()));
  }

  /** Records that the month's report went to the Department of Home Affairs; once per month, after the month ends. */
  async markMonthlySent(user: AuthUser, body: unknown): Promise<MonthlyStatus> {
    const b = parseWith(MonthlySentBodySchema, body);
    if (!hasRole(user, ...REVIEW_WRITE_ROLES)) throw forbidden(`Chức năng này chỉ dành cho vai trò: ${REVIEW_WRITE_ROLES.join(', ')}`);
    const now = this.now();
    if (now < monthBounds(b.month)!.to) {
      throw transitionNotAllowed(
        'REPORT_SENT',
        'month_in_progress',
        [],
        `Tháng ${b.month} chưa kết thúc: chỉ gửi báo cáo sau ngày cuối tháng`,
      );
    }
    const sentAlready = () => transitionNotAllowed('REPORT_SENT', 'sent', [], `Báo cáo tháng ${b.month} đã được đánh dấu là đã gửi`);
    if ((await reportDeliveriesOf(this.ctx.db, b.month)).some((d) => d.kind === 'sent')) throw sentAlready();
    try {
      await insertReportDelivery(this.ctx.db, {
        month: b.month,
        kind: 'sent',
        format: null,
        note: b.note ?? null,
        actor: user.username,
        at: now,
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw sentAlready();
      throw err;
    }
    return this.statusOf(b.month);
  }

  private async statusOf(month: string): Promise<MonthlyStatus> {
    const now = this.now();
    const records = await reportDeliveriesOf(this.ctx.db, month);
    const downloaded = records.find((d) => d.kind === 'downloaded') ?? null;
    const sent = records.find((d) => d.kind === 'sent') ?? null;
    const names = await displayNamesOf(
      this.ctx.db,
      [downloaded?.actor, sent?.actor].filter((x): x is string => !!x),
    );
    const next = nextMonth(month);
    const delivered = downloaded !== null || sent !== null;
    return {
      month,
      dueBy: `${next}-03`,
      ended: now >= monthBounds(month)!.to,
      delivered,
      overdue: !delivered && now >= toInstant(`${next}-04`, '00:00'),
      downloadedAt: downloaded?.at ?? null,
      downloadedBy: downloaded?.actor ?? null,
      downloadedByName: downloaded ? (names.get(downloaded.actor) ?? null) : null,
      sentAt: sent?.at ?? null,
      sentBy: sent?.actor ?? null,
      sentByName: sent ? (names.get(sent.actor) ?? null) : null,
      sentNote: sent?.note ?? null,
    };
  }
}

/** Pure. 'YYYY-MM' after a month. */
function nextMonth(month: string): string {
  const [y, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** Pure. The local (Asia/Ho_Chi_Minh) month before the one an instant falls in. */
function previousMonth(instant: string): string {
  const local = new Date(Date.parse(instant) + 7 * 3_600_000).toISOString();
  const [y, m] = [Number(local.slice(0, 4)), Number(local.slice(5, 7))];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}
