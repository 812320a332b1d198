/**
 * The rollups' deltas are the new facts' contribution minus the old ones' (machines/metrics/rollup.ts rollupDelta,
 * machines/metrics/digitisation-rollup.ts digitisationDelta). Equal facts are answered at once with no entry
 * (`sameFacts`); facts that differ in any one field must still give exactly the difference of the two whole
 * contributions, which a shortcut taken wrongly would lose.
 */
import fc from 'fast-check';
import { addDays, buildCalendar, defaultCalendarData, localDate } from '../../machines/calendar';
import { dayAfter, rollupDelta, type RollupFacts } from '../../machines/metrics/rollup';
import { digitisationDelta, type DigitisationFacts } from '../../machines/metrics/digitisation-rollup';

const cal = buildCalendar(defaultCalendarData());

/** Sums entries into day|key → value, zeros dropped. */
function totals(
  lists: { sign: number; entries: readonly { day: string; values: Record<string, number | undefined> }[]; key?: (e: never) => string }[],
) {
  const out = new Map<string, number>();
  for (const { sign, entries } of lists)
    for (const e of entries)
      for (const [col, v] of Object.entries(e.values)) {
        const k = `${e.day}|${(e as { procedure?: string }).procedure ?? ''}|${(e as { unit?: string }).unit ?? ''}|${col}`;
        const n = (out.get(k) ?? 0) + sign * (v ?? 0);
        if (n) out.set(k, n);
        else out.delete(k);
      }
  return out;
}

const instant = fc
  .integer({ min: Date.parse('2026-01-05T00:00:00Z'), max: Date.parse('2026-06-30T00:00:00Z') })
  .map((ms) => new Date(ms - (ms % 60_000)).toISOString());
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });

const facts: fc.Arbitrary<DigitisationFacts> = fc.record({
  state: fc.constantFrom('received', 'processing', 'paused', 'result', 'returned', 'withdrawn', 'refused_intake'),
  channel: fc.constantFrom('counter', 'online', 'postal'),
  receivedAt: maybe(instant),
  resultAt: maybe(instant),
  returnedAt: maybe(instant),
  closedAt: maybe(instant),
  originalDueAt: maybe(instant),
  finalTimeliness: maybe(fc.constantFrom('early', 'on_time', 'late')),
  outcome: maybe(fc.constantFrom('approved', 'refused')),
  receiptDigitised: maybe(fc.boolean()),
  receiptReused: maybe(fc.boolean()),
  resultDigitised: maybe(fc.boolean()),
  resultWorkingMs: maybe(fc.integer({ min: 0, max: 1e9 })),
  pauseExtensionMs: maybe(fc.integer({ min: 0, max: 1e8 })),
  returnMethod: maybe(fc.constantFrom('counter', 'post', 'online')),
  rating: maybe(fc.integer({ min: 1, max: 5 })),
  lateSupplementAt: maybe(instant),
  intakeDueBy: maybe(instant),
  intakeAnsweredAt: maybe(instant),
  intakeLateAt: maybe(instant),
  firstApologyAt: maybe(instant),
  apologyTimely: maybe(fc.boolean()),
  firstExemptionAt: maybe(instant),
  procedureCode: fc.constantFrom('1.001612', '2.000001'),
  handlingUnit: maybe(fc.constantFrom('KINHTE', 'TUPHAP')),
});

/** `a` with one field taken from `b` (the field chosen by index), so the two differ in at most that field. */
const pairs = fc.tuple(facts, facts, fc.nat()).map(([a, b, i]) => {
  const keys = Object.keys(a) as (keyof DigitisationFacts)[];
  const k = keys[i % keys.length]!;
  return [a, { ...a, [k]: b[k] } as DigitisationFacts] as const;
});

describe('the rollups’ deltas', () => {
  test('equal facts change nothing', () => {
    fc.assert(
      fc.property(facts, instant, (f, at) => {
        expect(rollupDelta(f, { ...f }, at, cal)).toEqual([]);
        expect(digitisationDelta(f, { ...f })).toEqual([]);
      }),
    );
  });

  test('facts differing in one field give the difference of the two whole contributions', () => {
    fc.assert(
      fc.property(pairs, instant, ([a, b], at) => {
        const r = (f: RollupFacts | null, g: RollupFacts) => rollupDelta(f, g, at, cal);
        expect(totals([{ sign: 1, entries: r(a, b) }])).toEqual(
          totals([
            { sign: 1, entries: r(null, b) },
            { sign: -1, entries: r(null, a) },
          ]),
        );
        expect(totals([{ sign: 1, entries: digitisationDelta(a, b) }])).toEqual(
          totals([
            { sign: 1, entries: digitisationDelta(null, b) },
            { sign: -1, entries: digitisationDelta(null, a) },
          ]),
        );
      }),
      { numRuns: 500 },
    );
  });

  test('dayAfter is the local date after the instant’s', () => {
    const midnights = ['2026-03-02T17:00:00.000Z', '2026-03-02T16:59:59.999Z', '2026-12-31T17:00:00Z', '2027-02-28T17:00:00+00:00'];
    for (const at of midnights) expect(dayAfter(at)).toBe(addDays(localDate(at), 1));
    fc.assert(fc.property(instant, (at) => expect(dayAfter(at)).toBe(addDays(localDate(at), 1))));
    expect(() => dayAfter('2026-03-03 10:00')).toThrow(RangeError);
  });
});
