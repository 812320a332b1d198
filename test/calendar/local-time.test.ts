import { addDays, localDate, localTime, toInstant, weekday } from '../../machines/calendar';
import { dateOfDayNumber, dayNumberOf } from '../../machines/calendar/local-time';

describe('local time in Asia/Ho_Chi_Minh is UTC+7 without daylight saving', () => {
  it('an instant at 17:00 UTC is already the next local day at 00:00', () => {
    expect(localDate('2026-03-02T17:00:00.000Z')).toBe('2026-03-03');
    expect(localTime('2026-03-02T17:00:00.000Z')).toBe('00:00');
    expect(localDate('2026-03-02T16:59:59.999Z')).toBe('2026-03-02');
    expect(localTime('2026-03-02T16:59:59.999Z')).toBe('23:59');
  });

  it('a local date and time convert to the UTC instant seven hours earlier', () => {
    expect(toInstant('2026-03-03', '10:00')).toBe('2026-03-03T03:00:00.000Z');
    expect(toInstant('2026-01-01', '00:00')).toBe('2025-12-31T17:00:00.000Z');
  });

  it('local date and time round-trip through toInstant in summer and winter alike', () => {
    for (const [d, t] of [
      ['2026-07-01', '07:30'],
      ['2026-12-31', '23:59'],
      ['2028-02-29', '13:30'],
    ] as const) {
      const i = toInstant(d, t);
      expect([localDate(i), localTime(i)]).toEqual([d, t]);
    }
  });

  it('instants with an explicit offset are accepted; instants without a zone are rejected', () => {
    expect(localTime('2026-03-03T10:00:00+07:00')).toBe('10:00');
    expect(() => localDate('2026-03-03T10:00:00')).toThrow(RangeError);
    expect(() => localDate('not a date')).toThrow(RangeError);
  });

  it('addDays crosses months, leap days and years', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => addDays('2026-03-01', 0.5)).toThrow(RangeError);
  });

  it('weekday counts 0 as Sunday', () => {
    expect(weekday('2026-03-01')).toBe(0);
    expect(weekday('2026-03-03')).toBe(2);
    expect(weekday('2026-01-10')).toBe(6);
    expect(weekday('1970-01-01')).toBe(4);
  });

  it('toInstant rejects malformed times', () => {
    expect(() => toInstant('2026-03-03', '24:00')).toThrow(RangeError);
    expect(() => toInstant('2026-03-03', '7:30')).toThrow(RangeError);
  });
});

describe('dayNumberOf and dateOfDayNumber, kept per date and per day', () => {
  const reference = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
  test('asked again, and past the memo’s bound, it answers as the first time; an invalid date still throws each time', () => {
    const start = dayNumberOf('2026-01-01');
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 25_000; i += 7) {
        const date = dateOfDayNumber(start + i - 12_000);
        expect(date).toBe(new Date((start + i - 12_000) * 86_400_000).toISOString().slice(0, 10));
        expect(dayNumberOf(date)).toBe(reference(date));
        expect(dayNumberOf(date)).toBe(start + i - 12_000);
      }
    for (let i = 0; i < 2; i++) expect(() => dayNumberOf('2026-02-30')).toThrow(RangeError);
  });
});
