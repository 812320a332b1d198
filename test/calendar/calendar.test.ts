import { buildCalendar, defaultCalendarData, statutoryYear } from '../../machines/calendar';
import type { CalendarData } from '../../machines/calendar';

const cal = buildCalendar(defaultCalendarData());

describe('default calendar data', () => {
  it('is version 1 with office hours 07:30–11:30 and 13:30–17:00 and a 15:00 cut-off', () => {
    const data = defaultCalendarData();
    expect(data.version).toBe(1);
    expect(data.officeHours).toEqual([
      { start: '07:30', end: '11:30' },
      { start: '13:30', end: '17:00' },
    ]);
    expect(data.cutoff).toBe('15:00');
  });

  it('holds 2024–2026 as verified notices and 2027 as unverified statute', () => {
    const years = defaultCalendarData().years;
    expect(years.map((y) => [y.year, y.verified])).toEqual([
      [2024, true],
      [2025, true],
      [2026, true],
      [2027, false],
    ]);
    const y2026 = years.find((y) => y.year === 2026)!;
    expect(y2026.makeUpWorkingDays.map((d) => d.date)).toEqual(['2026-01-10', '2026-08-22']);
    expect(y2026.daysOff).toContainEqual(expect.objectContaining({ date: '2026-08-31', kind: 'swap' }));
  });

  it('returns a fresh copy each time so editing it cannot corrupt the defaults', () => {
    const a = defaultCalendarData();
    a.years[0]!.daysOff.length = 0;
    expect(defaultCalendarData().years[0]!.daysOff.length).toBeGreaterThan(0);
  });
});

describe('a compiled calendar', () => {
  it('a working day is Monday–Friday and not a day off', () => {
    expect(cal.isWorkingDay('2026-03-03')).toBe(true); // Tue
    expect(cal.isWorkingDay('2026-03-07')).toBe(false); // Sat
    expect(cal.isWorkingDay('2026-03-08')).toBe(false); // Sun
    expect(cal.isWorkingDay('2026-02-16')).toBe(false); // Tết eve
    expect(cal.isWorkingDay('2026-01-02')).toBe(false); // swap day
    expect(cal.isWorkingDay('2026-04-27')).toBe(false); // compensatory
  });

  it('a make-up Saturday is a working day', () => {
    expect(cal.isWorkingDay('2026-01-10')).toBe(true);
    expect(cal.isWorkingDay('2026-08-22')).toBe(true);
    expect(cal.isWorkingDay('2024-05-04')).toBe(true);
    expect(cal.isWorkingDay('2026-01-17')).toBe(false); // an ordinary Saturday
  });

  it('the next working day skips weekends, holidays and swaps', () => {
    expect(cal.nextWorkingDay('2026-03-06')).toBe('2026-03-09');
    expect(cal.nextWorkingDay('2026-02-13')).toBe('2026-02-23');
    expect(cal.nextWorkingDay('2025-12-31')).toBe('2026-01-05');
    expect(cal.nextWorkingDay('2026-01-09')).toBe('2026-01-10'); // make-up Saturday
  });

  it('an office day is 7.5 hours; it opens at 07:30 and closes at 17:00 local', () => {
    expect(cal.officeDayMs).toBe(7.5 * 3_600_000);
    expect(cal.openAt('2026-03-03')).toBe('2026-03-03T00:30:00.000Z');
    expect(cal.closeAt('2026-03-03')).toBe('2026-03-03T10:00:00.000Z');
    expect(cal.version).toBe(1);
  });

  it('a year missing from the data uses the statutory rules (2029: Tết 12–16/02)', () => {
    for (const d of ['2029-01-01', '2029-02-12', '2029-02-13', '2029-02-16', '2029-04-23', '2029-04-30', '2029-09-03', '2029-09-04']) {
      expect([d, cal.isWorkingDay(d)]).toEqual([d, false]);
    }
    expect(cal.isWorkingDay('2029-02-19')).toBe(true);
    expect(statutoryYear(2029).daysOff.map((d) => d.date)).toContain('2029-02-12');
  });

  it('a year present in the data replaces the statute entirely', () => {
    const data: CalendarData = { ...defaultCalendarData(), years: [{ year: 2029, daysOff: [], makeUpWorkingDays: [], verified: true }] };
    const c = buildCalendar(data);
    expect(c.isWorkingDay('2029-02-13')).toBe(true);
    expect(c.isWorkingDay('2028-01-26')).toBe(false); // 2028 still statutory (Tết)
  });

  it('does not see later edits of the data it was built from', () => {
    const data = defaultCalendarData();
    const c = buildCalendar(data);
    data.years.find((y) => y.year === 2026)!.daysOff.push({ date: '2026-03-03', name: 'x' });
    expect(c.isWorkingDay('2026-03-03')).toBe(true);
    expect(Object.isFrozen(c.data.years)).toBe(true);
  });

  it('custom office hours change the office day and the close time', () => {
    const c = buildCalendar({ ...defaultCalendarData(), officeHours: [{ start: '08:00', end: '17:00' }] });
    expect(c.officeDayMs).toBe(9 * 3_600_000);
    expect(c.closeAt('2026-03-03')).toBe('2026-03-03T10:00:00.000Z');
    expect(c.openAt('2026-03-03')).toBe('2026-03-03T01:00:00.000Z');
  });

  it('rejects bad office hours, a bad cut-off, a year listed twice and invalid year data', () => {
    const base = defaultCalendarData();
    expect(() => buildCalendar({ ...base, officeHours: [] })).toThrow(/officeHours/);
    expect(() => buildCalendar({ ...base, officeHours: [{ start: '11:30', end: '07:30' }] })).toThrow(/officeHours\[0\]/);
    expect(() =>
      buildCalendar({
        ...base,
        officeHours: [
          { start: '07:30', end: '12:00' },
          { start: '11:00', end: '17:00' },
        ],
      }),
    ).toThrow(/overlap/);
    expect(() => buildCalendar({ ...base, cutoff: '3pm' })).toThrow(RangeError);
    expect(() => buildCalendar({ ...base, years: [...base.years, base.years[0]!] })).toThrow(/twice/);
    const bad = { year: 2028, daysOff: [{ date: '2029-01-01', name: 'x' }], makeUpWorkingDays: [], verified: true };
    expect(() => buildCalendar({ ...base, years: [bad] })).toThrow(/daysOff\[0\]\.date/);
  });
});
