import fc from 'fast-check';
import {
  addWorkingTime,
  buildCalendar,
  defaultCalendarData,
  localDate,
  localTime,
  shiftByWorkingTime,
  toInstant,
  workingDaysBetween,
  workingTimeBetween,
} from '../../machines/calendar';

const cal = buildCalendar(defaultCalendarData());
const H = 3_600_000;
const at = toInstant;
const hours = (value: number) => ({ value, unit: 'hours' as const });
const days = (value: number) => ({ value, unit: 'days' as const });

describe('adding working hours', () => {
  it('8 working hours from Monday 10:00 end Tuesday 10:30 (lunch and the 17:00 close do not count)', () => {
    // Mon 2026-03-02: 10:00–11:30 = 1.5 h, 13:30–17:00 = 3.5 h → 5 h; 3 h left.
    // Tue 2026-03-03: 07:30 + 3 h = 10:30.
    expect(addWorkingTime(at('2026-03-02', '10:00'), hours(8), cal)).toBe(at('2026-03-03', '10:30'));
  });

  it('an amount that runs out exactly at an interval end returns that end, not the next start', () => {
    expect(addWorkingTime(at('2026-03-03', '07:30'), hours(4), cal)).toBe(at('2026-03-03', '11:30'));
    expect(addWorkingTime(at('2026-03-03', '13:30'), hours(3.5), cal)).toBe(at('2026-03-03', '17:00'));
    expect(addWorkingTime(at('2026-03-03', '07:30'), hours(7.5), cal)).toBe(at('2026-03-03', '17:00'));
  });

  it('zero hours is the start itself inside office time, else the next interval start', () => {
    expect(addWorkingTime(at('2026-03-03', '10:00'), hours(0), cal)).toBe(at('2026-03-03', '10:00'));
    expect(addWorkingTime(at('2026-03-03', '12:00'), hours(0), cal)).toBe(at('2026-03-03', '13:30'));
    expect(addWorkingTime(at('2026-03-03', '11:30'), hours(0), cal)).toBe(at('2026-03-03', '13:30'));
    expect(addWorkingTime(at('2026-03-03', '17:00'), hours(0), cal)).toBe(at('2026-03-04', '07:30'));
    expect(addWorkingTime(at('2026-03-03', '06:00'), hours(0), cal)).toBe(at('2026-03-03', '07:30'));
  });

  it('counting from outside office time starts at the next office interval', () => {
    expect(addWorkingTime(at('2026-03-07', '09:00'), hours(1), cal)).toBe(at('2026-03-09', '08:30')); // Saturday
    expect(addWorkingTime(at('2026-03-03', '12:15'), hours(1), cal)).toBe(at('2026-03-03', '14:30')); // lunch
    expect(addWorkingTime(at('2026-03-03', '20:00'), hours(0.25), cal)).toBe(at('2026-03-04', '07:45'));
  });

  it('working hours skip Tết 2026 (16–20/02) and the weekends around it', () => {
    // Fri 13/02 16:00 → 1 h left that day, then the next working day is Mon 23/02.
    expect(addWorkingTime(at('2026-02-13', '16:00'), hours(2), cal)).toBe(at('2026-02-23', '08:30'));
  });

  it('working hours count a make-up Saturday', () => {
    expect(addWorkingTime(at('2026-01-09', '16:00'), hours(2), cal)).toBe(at('2026-01-10', '08:30'));
  });

  it('rejects negative and non-finite amounts and unknown units', () => {
    expect(() => addWorkingTime(at('2026-03-03', '10:00'), hours(-1), cal)).toThrow(RangeError);
    expect(() => addWorkingTime(at('2026-03-03', '10:00'), hours(Number.NaN), cal)).toThrow(RangeError);
    expect(() => addWorkingTime(at('2026-03-03', '10:00'), { value: 1, unit: 'weeks' as 'days' }, cal)).toThrow(RangeError);
  });
});

describe('adding working days', () => {
  it('N days ends at the close of the N-th working day after the start date', () => {
    expect(addWorkingTime(at('2026-03-03', '10:00'), days(1), cal)).toBe(at('2026-03-04', '17:00'));
    expect(addWorkingTime(at('2026-03-06', '10:00'), days(1), cal)).toBe(at('2026-03-09', '17:00')); // Fri → Mon
    expect(addWorkingTime(at('2026-03-03', '10:00'), days(5), cal)).toBe(at('2026-03-10', '17:00'));
  });

  it('zero days ends at the close of the start date if it is a working day, else of the next one', () => {
    expect(addWorkingTime(at('2026-03-03', '10:00'), days(0), cal)).toBe(at('2026-03-03', '17:00'));
    expect(addWorkingTime(at('2026-03-08', '10:00'), days(0), cal)).toBe(at('2026-03-09', '17:00'));
  });

  it('fractional days are refused (use hours)', () => {
    expect(() => addWorkingTime(at('2026-03-03', '10:00'), days(0.5), cal)).toThrow(RangeError);
    expect(() => addWorkingTime(at('2026-03-03', '10:00'), days(-1), cal)).toThrow(RangeError);
  });

  it('250 working days is fast and lands on a working day', () => {
    const r = addWorkingTime(at('2026-01-05', '10:00'), days(250), cal);
    expect(cal.isWorkingDay(localDate(r))).toBe(true);
    expect(localTime(r)).toBe('17:00');
  });
});

describe('measuring working time', () => {
  it('working time between two instants counts only office intervals of working days', () => {
    expect(workingTimeBetween(at('2026-03-02', '10:00'), at('2026-03-03', '10:30'), cal)).toBe(8 * H);
    expect(workingTimeBetween(at('2026-03-06', '16:00'), at('2026-03-09', '08:30'), cal)).toBe(2 * H);
    expect(workingTimeBetween(at('2026-03-03', '11:00'), at('2026-03-03', '14:00'), cal)).toBe(1 * H);
    expect(workingTimeBetween(at('2026-02-14', '00:00'), at('2026-02-22', '23:00'), cal)).toBe(0);
  });

  it('working time is zero when the end is not after the start', () => {
    expect(workingTimeBetween(at('2026-03-03', '10:00'), at('2026-03-03', '10:00'), cal)).toBe(0);
    expect(workingTimeBetween(at('2026-03-04', '10:00'), at('2026-03-03', '10:00'), cal)).toBe(0);
  });

  it('working days between counts working dates after the first and up to the second', () => {
    expect(workingDaysBetween(at('2026-03-03', '10:00'), at('2026-03-10', '17:00'), cal)).toBe(5);
    expect(workingDaysBetween(at('2026-03-03', '10:00'), at('2026-03-03', '17:00'), cal)).toBe(0);
    expect(workingDaysBetween(at('2026-02-13', '09:00'), at('2026-02-25', '17:00'), cal)).toBe(3);
    expect(workingDaysBetween(at('2026-03-10', '10:00'), at('2026-03-03', '10:00'), cal)).toBe(0);
  });
});

describe('shifting a due date by paused working time', () => {
  it('in hours mode a due date at the close continues the next working morning', () => {
    expect(shiftByWorkingTime(at('2026-03-03', '17:00'), 2 * H, 'hours', cal)).toBe(at('2026-03-04', '09:30'));
    expect(shiftByWorkingTime(at('2026-03-03', '10:00'), 1 * H, 'hours', cal)).toBe(at('2026-03-03', '11:00'));
  });

  it('in days mode only whole office days move the due date (a remainder below one day does not)', () => {
    const due = at('2026-03-06', '17:00'); // Fri
    expect(shiftByWorkingTime(due, 1, 'days', cal)).toBe(due);
    expect(shiftByWorkingTime(due, cal.officeDayMs - 1, 'days', cal)).toBe(due);
    expect(shiftByWorkingTime(due, cal.officeDayMs, 'days', cal)).toBe(at('2026-03-09', '17:00'));
    expect(shiftByWorkingTime(due, 2 * cal.officeDayMs - 1, 'days', cal)).toBe(at('2026-03-09', '17:00'));
  });

  it('a zero pause leaves the due date unchanged in both modes', () => {
    const due = at('2026-03-03', '17:00');
    expect(shiftByWorkingTime(due, 0, 'hours', cal)).toBe(due);
    expect(shiftByWorkingTime(due, 0, 'days', cal)).toBe(due);
    expect(() => shiftByWorkingTime(due, -1, 'days', cal)).toThrow(RangeError);
  });
});

// ---- properties over random instants in 2024–2030 (2024–2027 from data, 2028–2030 statutory) ----

const instant2024to2030 = fc
  .integer({ min: Date.UTC(2023, 11, 31, 17), max: Date.UTC(2030, 11, 31, 16, 59) })
  .map((ms) => new Date(ms).toISOString());
const quarterHours = fc.integer({ min: 0, max: 800 }).map((q) => q / 4); // 0..200 h
const wholeHours = fc.integer({ min: 0, max: 200 });

function isAtOrInsideOfficeTime(instant: string): boolean {
  if (!cal.isWorkingDay(localDate(instant))) return false;
  const t = localTime(instant);
  return (t >= '07:30' && t <= '11:30') || (t >= '13:30' && t <= '17:00');
}

describe('working-time properties', () => {
  it('the working time between a start and start + h working hours is exactly h hours', () => {
    fc.assert(
      fc.property(instant2024to2030, fc.oneof(quarterHours, wholeHours), (s, h) => {
        expect(workingTimeBetween(s, addWorkingTime(s, hours(h), cal), cal)).toBe(h * H);
      }),
      { numRuns: 400 },
    );
  });

  it('the working days between a start and start + n working days is exactly n (n ≥ 1)', () => {
    fc.assert(
      fc.property(instant2024to2030, fc.integer({ min: 1, max: 60 }), (s, n) => {
        expect(workingDaysBetween(s, addWorkingTime(s, days(n), cal), cal)).toBe(n);
      }),
      { numRuns: 400 },
    );
  });

  it('results always fall on a working day, inside or at the edge of office time', () => {
    fc.assert(
      fc.property(instant2024to2030, quarterHours, fc.integer({ min: 0, max: 60 }), (s, h, n) => {
        expect(isAtOrInsideOfficeTime(addWorkingTime(s, hours(h), cal))).toBe(true);
        expect(isAtOrInsideOfficeTime(addWorkingTime(s, days(n), cal))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('more working time never gives an earlier result', () => {
    fc.assert(
      fc.property(instant2024to2030, quarterHours, quarterHours, fc.nat(60), fc.nat(60), (s, h1, h2, n1, n2) => {
        const [hLo, hHi] = h1 <= h2 ? [h1, h2] : [h2, h1];
        const [nLo, nHi] = n1 <= n2 ? [n1, n2] : [n2, n1];
        expect(addWorkingTime(s, hours(hLo), cal) <= addWorkingTime(s, hours(hHi), cal)).toBe(true);
        expect(addWorkingTime(s, days(nLo), cal) <= addWorkingTime(s, days(nHi), cal)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('working hours never land before the start, and 0 hours lands at the first office instant ≥ start', () => {
    fc.assert(
      fc.property(instant2024to2030, quarterHours, (s, h) => {
        const r = addWorkingTime(s, hours(h), cal);
        expect(r >= new Date(s).toISOString()).toBe(true);
        const z = addWorkingTime(s, hours(0), cal);
        expect(workingTimeBetween(s, z, cal)).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('a paused interval shifts an hours-mode due date by exactly the paused working time', () => {
    fc.assert(
      fc.property(instant2024to2030, fc.integer({ min: 1, max: 40 * 4 }), (s, q) => {
        const due = addWorkingTime(s, hours(8), cal);
        const shifted = shiftByWorkingTime(due, (q / 4) * H, 'hours', cal);
        expect(workingTimeBetween(due, shifted, cal)).toBe((q / 4) * H);
      }),
      { numRuns: 300 },
    );
  });
});
