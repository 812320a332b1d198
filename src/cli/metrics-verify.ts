/**
 * `npm run metrics:verify -- --from 2026-03-01 --to 2026-04-01 [--group-by centre,procedure,…|all]`:
 * computes the period's compliance figures twice — from the projection (the SQL fast path the API
 * serves) and from the event log alone (every dossier replayed, its hash chain re-checked) — and, for the
 * groupings they answer, from the compliance rollup and the digitisation rollup; prints them side by side and
 * every difference, and exits 1 if there is any difference or broken dossier.
 */
import { loadConfig } from '../config';
import { migrationsCurrent } from '../../db/migrations';
import { openDb, type Db } from '../store/db';
import { dbOptionsFromConfig } from '../app/engine-factory';
import { CalendarProvider } from '../engine/reference-data';
import { parseWith } from '../services/validate';
import { isMotcuaError } from '../../machines/engine/errors';
import { complianceFromProjection, loadMetricsReference, type MetricsReference } from '../metrics/compliance-projection';
import { compareDigitisation, digitisationFromRollup, digitisationOfReport } from '../metrics/digitisation-report';
import { DIGITISATION_GROUPINGS, type DigitisationGroupBy } from '../../machines/metrics/digitisation-rollup';
import type { Calendar } from '../../machines/calendar';
import { compareMetrics, complianceFromEvents, type MetricsDifference } from '../metrics/compliance-from-events';
import { complianceFromRollup, rollupServes } from '../metrics/compliance-rollup';
import { GROUP_BYS, METRIC_DEFINITIONS, type ComplianceReport, type GroupBy } from '../../machines/metrics/definitions';
import { ComplianceQuerySchema } from '../services/metrics-service';

/** `--name value` and `--name=value` pairs. */
export function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]!);
    if (!m) throw new Error(`unexpected argument ${argv[i]}`);
    out[m[1]!] = m[2] ?? argv[++i] ?? '';
  }
  return out;
}

const show = (v: number | null) => (v === null ? '—' : String(v));

/**
 * The reports side by side, one line per figure: projection, events and (when it serves the grouping) the
 * rollup; a figure where a fast path differs from the events is marked with ≠.
 */
export function formatComparison(
  fast: ComplianceReport,
  slow: ComplianceReport,
  diffs: MetricsDifference[],
  rollup?: ComplianceReport | null,
): string {
  const lines = [`Kỳ ${fast.from} → ${fast.to} (không gồm ngày cuối), nhóm theo ${fast.groupBy}, tính đến ${fast.asOf}`];
  const slowBy = new Map(slow.groups.map((g) => [g.key, g]));
  const rollupBy = new Map((rollup?.groups ?? []).map((g) => [g.key, g]));
  const keys = [...new Set([...fast.groups.map((g) => g.key), ...slow.groups.map((g) => g.key)])];
  const differs = new Set(diffs.map((d) => `${d.group}|${d.metric}`));
  for (const key of keys) {
    const f = fast.groups.find((g) => g.key === key);
    const s = slowBy.get(key);
    const r = rollupBy.get(key);
    lines.push(
      '',
      `== ${key} ${f?.label ?? s?.label ?? ''}`,
      `${'chỉ số'.padEnd(24)} ${'projection'.padStart(14)} ${'events'.padStart(14)}${rollup ? ` ${'rollup'.padStart(14)}` : ''}`,
    );
    for (const d of METRIC_DEFINITIONS) {
      const mark = differs.has(`${key}|${d.key}`) ? ' ≠' : '';
      const third = rollup ? ` ${show(r?.figures[d.key] ?? null).padStart(14)}` : '';
      lines.push(
        `${d.key.padEnd(24)} ${show(f?.figures[d.key] ?? null).padStart(14)} ${show(s?.figures[d.key] ?? null).padStart(14)}${third}${mark}`,
      );
    }
  }
  return lines.join('\n');
}

/**
 * One grouping of one period on every path: the report lines to print and the number of problems (differences
 * and broken dossiers). The digitisation rollup, for the groupings it answers, is compared on its figures with
 * the events and with the projection.
 */
export async function verifyGrouping(
  db: Db,
  calendars: CalendarProvider,
  opts: { from: string; to: string; groupBy: GroupBy; now: string; calendar: Calendar; reference: MetricsReference },
): Promise<{ lines: string[]; problems: number }> {
  const fast = await complianceFromProjection(db, opts);
  const { report: slow, integrity } = await complianceFromEvents(db, calendars, opts);
  const rollup = (await rollupServes(db, opts.groupBy)) ? await complianceFromRollup(db, opts) : null;
  const digitisation = (DIGITISATION_GROUPINGS as readonly string[]).includes(opts.groupBy)
    ? await digitisationFromRollup(db, { ...opts, groupBy: opts.groupBy as DigitisationGroupBy })
    : null;
  // Every figure of every path, the pending classes of an ended period included (each path classifies at its end).
  const diffs = [
    ...compareMetrics(fast, slow),
    ...(rollup ? compareMetrics(rollup, slow).map((d) => ({ ...d, group: `rollup ${d.group}` })) : []),
  ];
  const digitisationDiffs = digitisation
    ? [
        ...compareDigitisation(digitisation, digitisationOfReport(slow)).map((d) => ({ ...d, against: 'events' })),
        ...compareDigitisation(digitisation, digitisationOfReport(fast)).map((d) => ({ ...d, against: 'projection' })),
      ]
    : [];
  const lines = [
    formatComparison(fast, slow, diffs, rollup),
    `\n${integrity.dossiers} hồ sơ được dựng lại từ nhật ký sự kiện; ${integrity.broken.length} hồ sơ lỗi; ${diffs.length + digitisationDiffs.length} khác biệt.`,
  ];
  if (digitisation)
    lines.push(`Rollup số hóa (${digitisation.groups.length} nhóm) so với events và projection: ${digitisationDiffs.length} khác biệt.`);
  for (const b of integrity.broken) lines.push(`  LỖI ${b.dossier}: ${b.problem}`);
  for (const d of diffs)
    lines.push(
      `  KHÁC ${d.group} ${d.metric}: ${d.group.startsWith('rollup ') ? 'rollup' : 'projection'}=${show(d.fast)} events=${show(d.slow)}`,
    );
  for (const d of digitisationDiffs)
    lines.push(`  KHÁC digitisation-rollup ${d.group} ${d.metric}: digitisation-rollup=${show(d.fast)} ${d.against}=${show(d.slow)}`);
  return { lines, problems: diffs.length + digitisationDiffs.length + integrity.broken.length };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const groupings = (args['group-by'] ?? 'centre') === 'all' ? [...GROUP_BYS] : (args['group-by'] ?? 'centre').split(',');
  const config = loadConfig();
  const db = openDb(dbOptionsFromConfig(config));
  try {
    if (!(await migrationsCurrent(db))) throw new Error('the database schema is not current: run `npm run migrate` first');
    const calendars = new CalendarProvider(db);
    const calendar = await calendars.latest();
    const reference = await loadMetricsReference(db);
    const now = new Date().toISOString();
    let problems = 0;
    for (const groupBy of groupings) {
      const q = parseWith(ComplianceQuerySchema, { from: args.from, to: args.to, groupBy });
      const r = await verifyGrouping(db, calendars, { from: q.from, to: q.to, groupBy: q.groupBy as GroupBy, now, calendar, reference });
      for (const line of r.lines) console.log(line);
      problems += r.problems;
    }
    return problems ? 1 : 0;
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  main()
    .then((code) => process.exit(code))
    .catch((err) => {
      if (isMotcuaError(err, 'VALIDATION_FAILED')) {
        const issues = (err.details.issues as { field: string; reason: string }[]).map((i) => `--${i.field}: ${i.reason}`);
        console.error(`Tham số không hợp lệ:\n${issues.join('\n')}`);
      } else console.error(err instanceof Error ? err.message : err);
      process.exit(2);
    });
}
