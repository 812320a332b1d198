/**
 * Compliance metrics for supervisors, leaders, auditors and administrators: the period report (the SQL
 * fast path, src/metrics/compliance-projection.ts, its SQL in src/store/compliance-queries.ts), the list of late dossiers with no apology on record, and the
 * metric definitions. Request and response shapes are the zod schemas below (also used by the OpenAPI).
 */
import { findLateWithoutApology } from '../store/dossier-queries';
import { z } from 'zod';
import type { EngineContext } from '../app/engine-factory';
import { workingDaysBetween } from '../../machines/calendar';
import { forbidden } from '../../machines/engine/errors';
import { parseWith } from './validate';
import { complianceFromProjection, loadMetricsReference } from '../metrics/compliance-projection';
import { complianceFromRollup, rollupServes } from '../metrics/compliance-rollup';
import { DIGITISATION_FIGURES, digitisationFromRollup, type DigitisationReport } from '../metrics/digitisation-report';
import { DIGITISATION_GROUPINGS } from '../../machines/metrics/digitisation-rollup';
import { OPEN_STATES, STOPPED_STATES } from '../../machines/vocabulary';
import {
  GROUP_BYS,
  METRIC_DEFINITIONS,
  type ComplianceReport,
  type GroupBy,
  type MetricDefinition,
} from '../../machines/metrics/definitions';
import { hasRole, type AuthUser } from './auth-user';
import { LocalDateSchema, MaskedApplicantSchema } from './dossier-schemas';
import { maskTail } from './masking';
import { isOfficeBound } from './policy';
import { toIsoOrNull } from '../store/time';

export const METRICS_ROLES = ['supervisor', 'leader', 'auditor', 'admin'] as const;

const DAY_MS = 86_400_000;
const MAX_DAYS = { week: 732, other: 3660 };

const period = {
  from: LocalDateSchema.describe('first day of the period (local date, Asia/Ho_Chi_Minh), inclusive'),
  to: LocalDateSchema.describe('day after the period (exclusive): a month is from=2026-03-01&to=2026-04-01'),
};

/** `to` after `from`, and a period no longer than its grouping allows. */
function checkPeriod(q: { from: string; to: string; groupBy: string }, ctx: z.RefinementCtx): void {
  const days = (Date.parse(q.to) - Date.parse(q.from)) / DAY_MS;
  if (!(days > 0)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be after from' });
  const max = q.groupBy === 'week' ? MAX_DAYS.week : MAX_DAYS.other;
  if (days > max) ctx.addIssue({ code: 'custom', path: ['to'], message: `a period of at most ${max} days for groupBy=${q.groupBy}` });
}

export const ComplianceQuerySchema = z
  .strictObject({
    ...period,
    groupBy: z.enum(GROUP_BYS).default('centre').describe('centre | procedure | field | unit | officer | channel | week | month'),
  })
  .superRefine(checkPeriod);

export const DigitisationQuerySchema = z
  .strictObject({
    ...period,
    groupBy: z.enum(DIGITISATION_GROUPINGS).default('centre').describe('centre | procedure | unit | week | month'),
  })
  .superRefine(checkPeriod);

const rate = z.number().min(0).max(1).nullable();
const count = z.int().min(0);
const ms = z.number().nullable().describe('working time in ms (office hours on working days)');

function figureSchema(d: MetricDefinition): z.ZodType {
  if (d.kind === 'rate') return rate;
  if (d.key === 'workingMsSum') return z.number().min(0);
  if (d.kind === 'duration') return ms;
  if (d.kind === 'average') return z.number().nullable();
  return count;
}

/** Every figure of a group, described by its definition (machines/metrics/definitions.ts). */
export const ComplianceFiguresSchema = z.object(
  Object.fromEntries(METRIC_DEFINITIONS.map((d) => [d.key, figureSchema(d).describe(`${d.label}: ${d.rule}`)])),
);

export const ComplianceReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(GROUP_BYS),
  asOf: z.string().describe('the instant pending dossiers were classified at: the period end, or now'),
  generatedAt: z.string(),
  source: z.enum(['rollup', 'projection', 'events']),
  groups: z.array(z.object({ key: z.string(), label: z.string(), figures: ComplianceFiguresSchema })),
});

export const DigitisationReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(DIGITISATION_GROUPINGS),
  generatedAt: z.string(),
  source: z.enum(['rollup', 'projection', 'events']),
  groups: z.array(
    z.object({
      key: z.string(),
      label: z.string(),
      figures: ComplianceFiguresSchema.pick(Object.fromEntries(DIGITISATION_FIGURES.map((k) => [k, true] as const))),
    }),
  ),
});

export const ApologyMissingQuerySchema = z.strictObject({
  unit: z.string().max(64).optional().describe('handling unit code'),
  procedure: z.string().max(32).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const ApologyMissingItemSchema = z.object({
  code: z.string(),
  procedureCode: z.string(),
  procedureName: z.string().nullable(),
  applicant: MaskedApplicantSchema,
  channel: z.string(),
  state: z.string(),
  receivedAt: z.string().nullable(),
  originalDueAt: z.string().nullable().describe('the statutory due date lateness is measured against'),
  resultAt: z.string().nullable(),
  workingDaysOverdue: z.int().describe('working days from the due date to the result (or now)'),
  unit: z.string().nullable().describe('where the dossier is now'),
  handlingUnit: z.string().nullable(),
  handlingOfficer: z.string().nullable(),
});

export const ApologyMissingResponseSchema = z.object({
  asOf: z.string(),
  items: z.array(ApologyMissingItemSchema),
  truncated: z.boolean().describe('more dossiers than the limit'),
});

export const MetricDefinitionsSchema = z.array(z.object({ key: z.string(), label: z.string(), kind: z.string(), rule: z.string() }));

export class MetricsService {
  constructor(private readonly ctx: EngineContext) {}

  private gate(user: AuthUser): void {
    if (!hasRole(user, ...METRICS_ROLES)) throw forbidden(`Chức năng này chỉ dành cho vai trò: ${METRICS_ROLES.join(', ')}`);
  }

  async compliance(user: AuthUser, query: unknown): Promise<ComplianceReport> {
    this.gate(user);
    const q = parseWith(ComplianceQuerySchema, query);
    const calendar = await this.ctx.calendars.latest();
    const opts = { ...q, now: this.ctx.clock.now().toISOString(), calendar };
    // The rollup answers the whole centre, weeks and months (issue 16); the other groupings read the projection.
    if (await rollupServes(this.ctx.db, q.groupBy as GroupBy)) return complianceFromRollup(this.ctx.db, opts);
    return complianceFromProjection(this.ctx.db, opts);
  }

  /**
   * The digitisation and reuse rates and the counts they divide, by centre, procedure, unit, week or month: sums of
   * the digitisation rollup (one grouped read of a small table, whatever the number of dossiers).
   */
  async digitisation(user: AuthUser, query: unknown): Promise<DigitisationReport> {
    this.gate(user);
    const q = parseWith(DigitisationQuerySchema, query);
    const calendar = await this.ctx.calendars.latest();
    return digitisationFromRollup(this.ctx.db, { ...q, now: this.ctx.clock.now().toISOString(), calendar });
  }

  /** Late dossiers (late result not yet returned, or late in progress with the clock running) with no apology, oldest due first. */
  async apologyMissing(user: AuthUser, query: unknown): Promise<z.infer<typeof ApologyMissingResponseSchema>> {
    this.gate(user);
    const q = parseWith(ApologyMissingQuerySchema, query);
    // the list names dossiers and applicants: an office's leader or supervisor sees their office's only
    if (isOfficeBound(user)) {
      if (q.unit !== undefined && q.unit !== user.unit) throw forbidden(`Chỉ được xem hồ sơ của đơn vị ${user.unit}`);
      q.unit = user.unit;
    }
    const now = this.ctx.clock.now().toISOString();
    const running = OPEN_STATES.filter((s) => !(STOPPED_STATES as readonly string[]).includes(s));
    const rows = await findLateWithoutApology(this.ctx.db, {
      runningStates: running,
      now,
      unit: q.unit,
      procedure: q.procedure,
      limit: q.limit + 1,
    });
    const [calendar, ref] = await Promise.all([this.ctx.calendars.latest(), loadMetricsReference(this.ctx.db)]);
    const iso = toIsoOrNull;
    const items = rows.slice(0, q.limit).map((r) => {
      const due = iso(r.original_due_at);
      const result = iso(r.result_at);
      const name = ref.labelOf('procedure', String(r.procedure_code));
      return {
        code: String(r.code),
        procedureCode: String(r.procedure_code),
        procedureName: name === r.procedure_code ? null : name.slice(String(r.procedure_code).length + 1),
        applicant: {
          fullName: String(r.applicant_name),
          idNumber: maskTail(String(r.applicant_id_number)),
          phone: maskTail(String(r.applicant_phone)),
        },
        channel: String(r.channel),
        state: String(r.state),
        receivedAt: iso(r.received_at),
        originalDueAt: due,
        resultAt: result,
        workingDaysOverdue: due ? workingDaysBetween(due, result ?? now, calendar) : 0,
        unit: (r.unit as string | null) ?? null,
        handlingUnit: (r.handling_unit as string | null) ?? null,
        handlingOfficer: (r.handling_officer as string | null) ?? null,
      };
    });
    return { asOf: now, items, truncated: rows.length > q.limit };
  }

  definitions(user: AuthUser): readonly MetricDefinition[] {
    this.gate(user);
    return METRIC_DEFINITIONS;
  }
}
