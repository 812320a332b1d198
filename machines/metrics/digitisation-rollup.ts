/**
 * The digitisation rollup (issue 14), which since issue 16 is the rollup by group: per local day, procedure and
 * handling unit, every count of the compliance rollup (machines/metrics/rollup.ts) that depends on fixed instants
 * only — the flows (received, resolved, returned, … and the digitisation and reuse counts the plans' rates are
 * divided from) and the two levels written on the day after an instant (pending, results not collected) — so that
 * the reports by procedure and by unit are sums of a small table, not scans of the projection. The pending classes
 * at a midnight depend on the dossier's history and stay in the per-day compliance rollup (whole centre) and the
 * pending-class history (by group). The engine adds each transition's change in the event's own transaction; the
 * rebuild derives it from the events.
 *
 * Every count is keyed by the dossier's procedure and its *current* handling unit (as the projection and the
 * events-only path group them). A transition withdraws the old facts' whole contribution and adds the new ones', so
 * a unit that changes moves the dossier's counts to the new unit on every day: folded over a dossier's states the
 * changes telescope to the contribution of its last state, which is what the rebuild and the migration's backfill
 * write. Pure: no I/O, no clock.
 */
import { fixedContribution, ROLLUP_FIXED, rollupFactsOfRow, sameFacts, type RollupFacts, type RollupFixedColumn } from './rollup';

/** The counts the digitisation report reads. */
export const DIGITISATION_FLOWS = ['received', 'digitised_receipts', 'reused_receipts', 'resolved', 'digitised_results'] as const;
/** Every column of the table: the compliance rollup's flows and fixed-instant levels (DIGITISATION_FLOWS among them). */
export const GROUP_COLUMNS = ROLLUP_FIXED;
export type DigitisationColumn = RollupFixedColumn;
export type DigitisationValues = Partial<Record<DigitisationColumn, number>>;

/** The groupings the digitisation report answers: by its keys, and by sub-periods and the whole period of its days. */
export const DIGITISATION_GROUPINGS = ['centre', 'procedure', 'unit', 'week', 'month'] as const;
export type DigitisationGroupBy = (typeof DIGITISATION_GROUPINGS)[number];

/** The handling unit of a dossier that has none (stored as the empty string: key columns are not null). */
export const NO_UNIT = '';

/** The facts of a dossier the rollup by group reads (projection columns, or the same of a replayed snapshot): its keys and the compliance rollup's facts. */
export interface DigitisationFacts extends RollupFacts {
  procedureCode: string;
  handlingUnit: string | null;
}

/** One day × procedure × unit's change. */
export interface DigitisationEntry {
  day: string;
  procedure: string;
  unit: string;
  values: DigitisationValues;
}

/** The facts of a projection row as either driver returns it (instants as Date or ISO text, booleans as 0/1). */
export function digitisationFactsOfRow(row: Record<string, unknown>, rollupFacts = rollupFactsOfRow(row)): DigitisationFacts {
  return { ...rollupFacts, procedureCode: String(row.procedure_code), handlingUnit: (row.handling_unit as string | null) ?? null };
}

type Acc = Map<string, DigitisationEntry>;

function add(acc: Acc, day: string, procedure: string, unit: string, col: DigitisationColumn, n: number): void {
  if (!n) return;
  const k = `${day}\u0000${procedure}\u0000${unit}`;
  let e = acc.get(k);
  if (!e) acc.set(k, (e = { day, procedure, unit, values: {} }));
  e.values[col] = (e.values[col] ?? 0) + n;
}

/** A dossier's whole contribution, times `sign`: the compliance rollup's fixed-instant counts, keyed by its procedure and unit. */
function contribution(acc: Acc, f: DigitisationFacts, sign: number): void {
  const p = f.procedureCode;
  const u = f.handlingUnit ?? NO_UNIT;
  fixedContribution(f, sign, (d, c, n) => add(acc, d, p, u, c, n));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function entries(acc: Acc): DigitisationEntry[] {
  const out: DigitisationEntry[] = [];
  for (const e of acc.values()) {
    const values = Object.fromEntries(Object.entries(e.values).filter(([, v]) => v !== 0)) as DigitisationValues;
    if (Object.keys(values).length) out.push({ ...e, values });
  }
  // One order for every writer: concurrent upserts of the same rows never wait on each other in a cycle.
  return out.sort((a, b) => cmp(a.day, b.day) || cmp(a.procedure, b.procedure) || cmp(a.unit, b.unit));
}

/** What one transition changes: the new facts' contribution minus the old ones' (`before` null for a new dossier). */
export function digitisationDelta(before: DigitisationFacts | null, after: DigitisationFacts): DigitisationEntry[] {
  if (before && sameFacts(before, after)) return [];
  const acc: Acc = new Map();
  if (before) contribution(acc, before, -1);
  contribution(acc, after, 1);
  return entries(acc);
}

/** Totals keyed by day, procedure and unit (a rebuild's or a backfill's accumulator). */
export class DigitisationTotals {
  private readonly acc: Acc = new Map();
  /** Adds a dossier's whole contribution: that of its last state (the deltas of its states telescope). */
  addDossier(f: DigitisationFacts): void {
    contribution(this.acc, f, 1);
  }
  entries(): DigitisationEntry[] {
    return entries(this.acc);
  }
}

/** A day × procedure × unit whose counts differ between the kept table and the one derived from the events. */
export interface DigitisationDifference {
  day: string;
  procedure: string;
  unit: string;
  columns: { column: DigitisationColumn; kept: number; derived: number }[];
}

/** Every key whose counts differ (an absent key reads as zeros), in key order. */
export function digitisationDifferences(
  kept: readonly DigitisationEntry[],
  derived: readonly DigitisationEntry[],
): DigitisationDifference[] {
  const keyOf = (e: DigitisationEntry) => `${e.day}\u0000${e.procedure}\u0000${e.unit}`;
  const a = new Map(kept.map((e) => [keyOf(e), e]));
  const b = new Map(derived.map((e) => [keyOf(e), e]));
  const out: DigitisationDifference[] = [];
  for (const k of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const e = (a.get(k) ?? b.get(k))!;
    const columns = GROUP_COLUMNS.map((column) => ({
      column,
      kept: a.get(k)?.values[column] ?? 0,
      derived: b.get(k)?.values[column] ?? 0,
    })).filter((c) => c.kept !== c.derived);
    if (columns.length) out.push({ day: e.day, procedure: e.procedure, unit: e.unit, columns });
  }
  return out;
}
