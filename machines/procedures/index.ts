export { ROLES, UNITS, UNIT_CODES, UNIT_KINDS, type Role, type Unit, type UnitKind } from './units';
export {
  APOLOGY_DEADLINES,
  DEFAULT_CODE_PATTERN,
  PAUSE_REASONS,
  ProcedureDefinitionSchema,
  StepSchema,
  WorkingAmountSchema,
  makeProcedureDefinitionSchema,
  type PauseReason,
  type ProcedureDefinition,
  type ProcedureDefinitionInput,
  type ProcedureStep,
} from './schema';
export {
  HOURS_PER_WORKING_DAY,
  ProcedureDefinitionError,
  capacityHours,
  loadProcedures,
  toHours,
  totalBudgetHours,
  type LoadOptions,
  type ProcedureProblem,
} from './validate';
export { CATALOGUE, findProcedure, procedureByCode } from './catalogue';
