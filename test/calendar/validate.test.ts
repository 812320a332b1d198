import { CalendarValidationError, validateYearCalendar } from '../../machines/calendar';

const good = () => ({
  year: 2026,
  daysOff: [
    { date: '2026-01-01', name: 'Tết Dương lịch', kind: 'holiday' },
    { date: '2026-01-02', name: 'Hoán đổi', kind: 'swap' },
  ],
  makeUpWorkingDays: [{ date: '2026-01-10', name: 'Làm bù' }],
  verified: true,
});

describe('validating an edited year calendar', () => {
  it('a valid year is returned typed, with unknown fields dropped', () => {
    const y = validateYearCalendar({ ...good(), extra: 1 });
    expect(y).toEqual(good());
    expect(y).not.toHaveProperty('extra');
  });

  it('a missing field is named in the error', () => {
    const { verified: _v, ...noVerified } = good();
    expect(() => validateYearCalendar(noVerified)).toThrow(/verified/);
    expect(() => validateYearCalendar(null)).toThrow(CalendarValidationError);
  });

  it('an unknown kind is named with its index', () => {
    const y = good();
    y.daysOff[1]!.kind = 'party';
    expect(() => validateYearCalendar(y)).toThrow(/daysOff\[1\]\.kind/);
  });

  it('a date that does not exist is rejected', () => {
    const y = good();
    y.daysOff[0]!.date = '2026-02-30';
    expect(() => validateYearCalendar(y)).toThrow(/daysOff\[0\]\.date: "2026-02-30" is not a valid YYYY-MM-DD date/);
    y.daysOff[0]!.date = '2026-1-1';
    expect(() => validateYearCalendar(y)).toThrow(/daysOff\[0\]\.date/);
  });

  it('a date outside the calendar’s year is rejected', () => {
    const y = good();
    y.daysOff[0]!.date = '2027-01-01';
    expect(() => validateYearCalendar(y)).toThrow(/daysOff\[0\]\.date: 2027-01-01 is outside year 2026/);
  });

  it('a date listed twice is rejected', () => {
    const y = good();
    y.daysOff.push({ date: '2026-01-01', name: 'again', kind: 'holiday' });
    expect(() => validateYearCalendar(y)).toThrow(/daysOff\[2\]\.date: 2026-01-01 duplicates daysOff\[0\]/);
  });

  it('a date cannot be both a day off and a make-up working day', () => {
    const y = good();
    y.daysOff.push({ date: '2026-01-10', name: 'off', kind: 'other' });
    expect(() => validateYearCalendar(y)).toThrow(/makeUpWorkingDays\[0\]\.date: 2026-01-10 is both a day off and a make-up working day/);
  });

  it('a make-up working day must be a Saturday or Sunday', () => {
    const y = good();
    y.makeUpWorkingDays[0]!.date = '2026-01-09';
    expect(() => validateYearCalendar(y)).toThrow(
      /makeUpWorkingDays\[0\]\.date: make-up working day 2026-01-09 must be a Saturday or Sunday/,
    );
  });

  it('lists every problem, not only the first', () => {
    const y = good();
    y.daysOff[0]!.date = '2025-12-31';
    y.makeUpWorkingDays[0]!.date = '2026-01-09';
    try {
      validateYearCalendar(y);
      throw new Error('expected a validation error');
    } catch (e) {
      expect(e).toBeInstanceOf(CalendarValidationError);
      expect((e as CalendarValidationError).issues).toHaveLength(2);
    }
  });
});
