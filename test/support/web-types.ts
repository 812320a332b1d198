/**
 * The web UI's API types (src/web/types.d.ts) that are still hand-written, because their schema sits in a module
 * with Express, the store or Node (the others are derived from pure modules and need no check), against the
 * server's response schemas: every answer the server may send must be assignable to the
 * type the UI reads it as, so a field the UI relies on that the server renames, drops or retypes fails
 * `npm run typecheck` (tsconfig.json covers test/). Nothing runs here; the compiler is the check.
 */
import type { z } from 'zod';
import type * as Web from '../../src/web/types.js';
import type { AuthUserSchema, LoginResponseSchema } from '../../src/http/routes/auth';
import type { PublicDossierStatusSchema } from '../../src/http/routes/public';
import type { ProcedureDefinitionSchema } from '../../machines/procedures';
import type { NextWorkingDaySchema } from '../../src/services/calendar-service';
import type { MonthlyStatusSchema, WeekStatusListSchema } from '../../src/services/review-service';
import type { AuditService, DossierVerificationSchema, ReplaySchema } from '../../src/services/audit-service';
import type { MetricsService } from '../../src/services/metrics-service';
import type {
  AssigneeOptionsSchema,
  DossierDetailSchema,
  DossierListResponseSchema,
  DossierViewSchema,
  EventViewSchema,
  SignerListSchema,
} from '../../src/services/dossier-schemas';

/** true when the server's output type S is assignable to the UI's type W (a compile error otherwise) */
type Conforms<S extends W, W> = [S, W];
type Out<T extends z.ZodType> = z.output<T>;
/** an interface's fields as a plain object type, which (as its JSON) may be read by any string key */
type Plain<T> = { [K in keyof T]: T[K] };

type Compliance = Awaited<ReturnType<MetricsService['compliance']>>;
type ComplianceGroup = Compliance['groups'][number];
/** MetricsService.compliance's answer (ComplianceReportSchema builds its figures from the definitions, untyped) */
type ComplianceJson = Omit<Compliance, 'groups'> & {
  groups: (Omit<ComplianceGroup, 'figures'> & { figures: Plain<ComplianceGroup['figures']> })[];
};

export type WebTypesConform = [
  Conforms<Out<typeof AuthUserSchema>, Web.SessionUser>,
  Conforms<Out<typeof LoginResponseSchema>, Web.LoginResponse>,
  Conforms<Out<typeof PublicDossierStatusSchema>, Web.PublicDossierStatus>,
  Conforms<Out<typeof ProcedureDefinitionSchema>, Web.Procedure>,
  Conforms<Out<typeof NextWorkingDaySchema>, Web.NextWorkingDay>,
  Conforms<Out<typeof DossierViewSchema>, Web.DossierView>,
  Conforms<Out<typeof DossierDetailSchema>, Web.DossierDetail>,
  Conforms<Out<typeof DossierListResponseSchema>, Web.DossierListPage>,
  Conforms<Out<typeof EventViewSchema>, Web.EventView>,
  Conforms<Out<typeof SignerListSchema>, Web.SignerList>,
  Conforms<Out<typeof AssigneeOptionsSchema>, Web.AssigneeOptions>,
  Conforms<Out<typeof MonthlyStatusSchema>, Web.MonthlyStatus>,
  Conforms<Out<typeof WeekStatusListSchema>, Web.WeekStatusList>,
  // ReplaySchema leaves the facts before/after an event and at the cut-off open (records of unknown): the
  // service's answer types them (src/audit/replay-steps.ts), and the schema still checks the envelope
  Conforms<Awaited<ReturnType<AuditService['replay']>>, Web.Replay>,
  Conforms<Out<typeof ReplaySchema>, Omit<Web.Replay, 'steps' | 'state'>>,
  Conforms<Out<typeof DossierVerificationSchema>, Web.DossierVerification>,
  Conforms<ComplianceJson, Web.ComplianceReport>,
  Conforms<Awaited<ReturnType<MetricsService['digitisation']>>, Web.DigitisationReport>,
];
