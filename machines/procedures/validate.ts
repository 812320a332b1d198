/**
 * Loads procedure definitions: parses each one and checks the rules that span steps, the catalogue
 * and the centre's configuration. Every problem is collected before one error is thrown, so an
 * administrator fixes a catalogue in one pass.
 */
import type { z } from 'zod';
import type { WorkingAmount } from '../calendar/types';
import { makeProcedureDefinitionSchema, wordedAsOptional, wordedAsShowOnly, type ProcedureDefinition } from './schema';
import { UNIT_CODES } from './units';

/** One working day is 8 working hours (e.g. Nghệ An 3857/QĐ-UBND: "tính mỗi ngày 08 giờ làm việc"). */
export const HOURS_PER_WORKING_DAY = 8;

export interface ProcedureProblem {
  /** "<code> v<version>", or "#<position>" when the definition has no usable code */
  procedure: string;
  /** dotted path inside the definition, e.g. "steps.2.role"; "" for the whole definition */
  path: string;
  message: string;
}

export class ProcedureDefinitionError extends Error {
  override readonly name = 'ProcedureDefinitionError';
  readonly problems: ProcedureProblem[];

  constructor(problems: ProcedureProblem[]) {
    const n = problems.length;
    super([`${n} problem${n === 1 ? '' : 's'} in procedure definitions:`, ...problems.map(formatProblem)].join('\n'));
    this.problems = problems;
  }
}

export interface LoadOptions {
  /** known unit codes; default: the units in units.ts */
  units?: readonly string[];
  /** national procedure-code pattern; default /^\d\.\d{6}$/ */
  codePattern?: RegExp;
}

export function toHours(amount: WorkingAmount): number {
  return amount.unit === 'hours' ? amount.value : amount.value * HOURS_PER_WORKING_DAY;
}

/** Working hours available to the internal process; a 0-day ("trong ngày") procedure has one working day. */
export function capacityHours(processingTime: WorkingAmount): number {
  if (processingTime.unit === 'days' && processingTime.value === 0) return HOURS_PER_WORKING_DAY;
  return toHours(processingTime);
}

export function totalBudgetHours(def: Pick<ProcedureDefinition, 'steps'>): number {
  return def.steps.reduce((sum, step) => sum + toHours(step.budget), 0);
}

export function loadProcedures(input: unknown[], opts: LoadOptions = {}): ProcedureDefinition[] {
  const schema = makeProcedureDefinitionSchema(opts.codePattern);
  const units = new Set(opts.units ?? UNIT_CODES);
  const problems: ProcedureProblem[] = [];
  const parsed: ProcedureDefinition[] = [];
  const seen = new Map<string, number>();

  input.forEach((raw, index) => {
    const procedure = labelOf(raw, index);
    const report = (path: string, message: string) => problems.push({ procedure, path, message });

    const result = schema.safeParse(raw);
    if (result.success) parsed.push(result.data);
    else result.error.issues.forEach((issue) => report(pathOf(issue), messageOf(issue)));

    checkSteps(raw, units, report);
    checkOptionalDocuments(raw, report);
    checkDuplicate(raw, index, seen, report);
  });

  if (problems.length > 0) throw new ProcedureDefinitionError(problems);
  return parsed;
}

type Report = (path: string, message: string) => void;

/** Step rules, run on the raw input so that they still report when the schema found other problems. */
function checkSteps(raw: unknown, units: ReadonlySet<string>, report: Report): void {
  if (!isRecord(raw) || !Array.isArray(raw.steps)) return;
  const steps: unknown[] = raw.steps;
  const firstIndexById = new Map<string, number>();
  let budgetHours = 0;
  let budgetsKnown = true;

  steps.forEach((step, i) => {
    if (!isRecord(step)) {
      budgetsKnown = false;
      return;
    }
    if (typeof step.id === 'string') {
      const first = firstIndexById.get(step.id);
      if (first === undefined) firstIndexById.set(step.id, i);
      else report(`steps.${i}.id`, `duplicate step id ${JSON.stringify(step.id)} (also steps.${first})`);
    }
    if (typeof step.unit === 'string' && !units.has(step.unit)) {
      report(`steps.${i}.unit`, `unknown unit ${JSON.stringify(step.unit)}; expected one of ${[...units].join(', ')}`);
    }
    if (isAmount(step.budget)) budgetHours += toHours(step.budget);
    else budgetsKnown = false;
  });

  if (!budgetsKnown || !isAmount(raw.processingTime)) return;
  const capacity = capacityHours(raw.processingTime);
  if (budgetHours > capacity) {
    const time = raw.processingTime;
    report(
      'steps',
      `step budgets add up to ${budgetHours} working hours, more than the processing time ` +
        `(${time.value} ${time.unit} = ${capacity} working hours)`,
    );
  }
}

/**
 * A document the official list marks "(nếu có)" is flagged optional, and one it marks "(xuất trình)" showOnly, so the
 * flags and the printed list agree.
 */
function checkOptionalDocuments(raw: unknown, report: Report): void {
  if (!isRecord(raw) || !Array.isArray(raw.requiredDocuments)) return;
  raw.requiredDocuments.forEach((doc: unknown, i: number) => {
    if (isRecord(doc) && typeof doc.name === 'string' && wordedAsOptional(doc.name) && doc.optional !== true)
      report(`requiredDocuments.${i}.optional`, 'the official wording says "(nếu có)": set optional: true');
    if (isRecord(doc) && typeof doc.name === 'string' && wordedAsShowOnly(doc.name) && doc.showOnly !== true)
      report(`requiredDocuments.${i}.showOnly`, 'the official wording says "(xuất trình)": set showOnly: true');
  });
}

function checkDuplicate(raw: unknown, index: number, seen: Map<string, number>, report: Report): void {
  if (!isRecord(raw) || typeof raw.code !== 'string' || typeof raw.version !== 'number') return;
  const key = `${raw.code} v${raw.version}`;
  const first = seen.get(key);
  if (first === undefined) seen.set(key, index);
  else report('code', `duplicate procedure ${key} (also definition #${first + 1})`);
}

function labelOf(raw: unknown, index: number): string {
  if (isRecord(raw) && typeof raw.code === 'string' && raw.code.length > 0) {
    return typeof raw.version === 'number' ? `${raw.code} v${raw.version}` : raw.code;
  }
  return `#${index + 1}`;
}

function pathOf(issue: z.core.$ZodIssue): string {
  return issue.path.map(String).join('.');
}

/** zod's "expected string, received undefined" reads better as "missing" in an administrator's list. */
function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return `missing (expected ${issue.expected})`;
  }
  return issue.message;
}

function formatProblem(p: ProcedureProblem): string {
  return p.path ? `${p.procedure} ${p.path}: ${p.message}` : `${p.procedure}: ${p.message}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAmount(value: unknown): value is WorkingAmount {
  return (
    isRecord(value) &&
    typeof value.value === 'number' &&
    Number.isFinite(value.value) &&
    value.value >= 0 &&
    (value.unit === 'days' || value.unit === 'hours')
  );
}
