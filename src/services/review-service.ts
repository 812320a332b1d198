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
import { buildMonthlyReport, type MonthlyReport } from '../reports/monthly-report';
import { appendReviewNote, appendWeekSignOff, assertWeekOpen, CENTRE_SCOPE, type ReviewEvent } from '../reports/review-log';
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
export const MonthlyReportQuerySchema = z.strictObject({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month YYYY-MM')
    .describe('calendar month in Asia/Ho_Chi_Minh'),
  format,
});

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
    const review = await buildWeeklyReview({ db: this.ctx.db, calendars: this.ctx.calendars, now: this.now(), week: parseIsoWeek(q.week)!, scope });
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
    if (!inScope(row, scope, ref)) throw validationFailed([{ field: 'dossierCode', reason: `the dossier is not in the review of ${scope}` }]);
    const now = this.now();
    const asOf = now < w.to ? now : w.to;
    if (classifyForWeek(row, w, asOf, shiftWeek(w, 1).to) === null) {
      throw validationFailed([{ field: 'dossierCode', reason: `the dossier is neither late nor at risk in week ${w.label}` }]);
    }
    const e = await appendReviewNote(this.ctx.db, { week: w.label, scope, actor: user.username, at: now, dossierCode: row.code, cause: b.cause, correctiveAction: b.correctiveAction });
    return record(e);
  }

  async signOff(user: AuthUser, body: unknown): Promise<ReviewRecord> {
    const b = parseWith(SignOffBodySchema, body);
    const scope = this.scopeFor(user, b.unit, REVIEW_WRITE_ROLES);
    const w: IsoWeek = parseIsoWeek(b.week)!;
    await assertWeekOpen(this.ctx.db, w.label, scope, 'WEEK_SIGNED_OFF');
    const now = this.now();
    if (now < w.to) {
      throw transitionNotAllowed('WEEK_SIGNED_OFF', 'week_in_progress', ['REVIEW_NOTE'], `Tuần ${w.label} chưa kết thúc: chỉ ký duyệt sau ngày Chủ nhật cuối tuần`);
    }
    const e = await appendWeekSignOff(this.ctx.db, { week: w.label, scope, actor: user.username, at: now, ...(b.summary ? { summary: b.summary } : {}) });
    return record(e);
  }

  async monthly(user: AuthUser, query: unknown): Promise<{ format: ReportFormat; filename: string; report: MonthlyReport }> {
    const q = parseWith(MonthlyReportQuerySchema, query);
    if (!hasRole(user, ...REVIEW_READ_ROLES)) throw forbidden(`Chức năng này chỉ dành cho vai trò: ${REVIEW_READ_ROLES.join(', ')}`);
    return { format: q.format, filename: `bao-cao-thang-${q.month}`, report: await buildMonthlyReport(this.ctx.db, q.month, this.now()) };
  }
}
