import fc from 'fast-check';
import { buildCalendar, classifyTimeliness, defaultCalendarData, dueDate, toInstant } from '../../machines/calendar';

const cal = buildCalendar(defaultCalendarData());
const at = toInstant;
const days = (value: number) => ({ value, unit: 'days' as const });
const hours = (value: number) => ({ value, unit: 'hours' as const });

describe('worked examples of regulations-with-sources.md §4.4 (day mode, 15:00 cut-off)', () => {
  it('received Tue 2026-03-03 10:00 with 5 working days is due Tue 2026-03-10 17:00', () => {
    const r = dueDate(at('2026-03-03', '10:00'), days(5), cal);
    expect(r.dueAt).toBe(at('2026-03-10', '17:00'));
    expect(r.countedFrom).toBe(at('2026-03-03', '10:00'));
  });

  it('a dossier received after the 15:00 cut-off is counted from the next working day (15:30 → Wed 2026-03-11 17:00)', () => {
    const r = dueDate(at('2026-03-03', '15:30'), days(5), cal);
    expect(r.countedFrom).toBe(at('2026-03-04', '07:30'));
    expect(r.dueAt).toBe(at('2026-03-11', '17:00'));
  });

  it('received Fri 2026-02-13 09:00 with 3 days skips Tết 16–20/02 and is due Wed 2026-02-25 17:00', () => {
    expect(dueDate(at('2026-02-13', '09:00'), days(3), cal).dueAt).toBe(at('2026-02-25', '17:00'));
  });

  it('a same-day procedure received at 14:00 is due at 17:00 the same day', () => {
    expect(dueDate(at('2026-03-03', '14:00'), days(0), cal).dueAt).toBe(at('2026-03-03', '17:00'));
  });

  it('a same-day procedure received at 15:10 is due at 17:00 the next working day', () => {
    expect(dueDate(at('2026-03-03', '15:10'), days(0), cal).dueAt).toBe(at('2026-03-04', '17:00'));
    expect(dueDate(at('2026-03-06', '15:10'), days(0), cal).dueAt).toBe(at('2026-03-09', '17:00')); // Fri → Mon
  });
});

describe('deemed receipt', () => {
  it('a dossier received exactly at the cut-off counts from the next working day', () => {
    expect(dueDate(at('2026-03-03', '15:00'), days(0), cal).countedFrom).toBe(at('2026-03-04', '07:30'));
    expect(dueDate(at('2026-03-03', '14:59'), days(0), cal).countedFrom).toBe(at('2026-03-03', '14:59'));
  });

  it('a procedure with a 17:00 cut-off counts a 15:30 receipt the same day', () => {
    const r = dueDate(at('2026-03-03', '15:30'), days(5), cal, { cutoff: '17:00' });
    expect(r.countedFrom).toBe(at('2026-03-03', '15:30'));
    expect(r.dueAt).toBe(at('2026-03-10', '17:00'));
  });

  it('a receipt after the office closes counts from the next working day even with a late cut-off', () => {
    const r = dueDate(at('2026-03-03', '17:30'), days(0), cal, { cutoff: '23:00' });
    expect(r.countedFrom).toBe(at('2026-03-04', '07:30'));
  });

  it('a dossier received before opening counts from the opening of that day', () => {
    expect(dueDate(at('2026-03-03', '06:45'), hours(1), cal)).toEqual({
      countedFrom: at('2026-03-03', '07:30'),
      dueAt: at('2026-03-03', '08:30'),
      calendarVersion: 1,
    });
  });

  it('a dossier received on a weekend or holiday counts from the next working day', () => {
    expect(dueDate(at('2026-03-07', '09:00'), days(1), cal)).toMatchObject({
      countedFrom: at('2026-03-09', '07:30'),
      dueAt: at('2026-03-10', '17:00'),
    });
    expect(dueDate(at('2026-02-17', '09:00'), days(0), cal).countedFrom).toBe(at('2026-02-23', '07:30'));
  });

  it('a dossier received in the lunch break counts from receipt (hours start at 13:30)', () => {
    const r = dueDate(at('2026-03-03', '12:00'), hours(1), cal);
    expect(r.countedFrom).toBe(at('2026-03-03', '12:00'));
    expect(r.dueAt).toBe(at('2026-03-03', '14:30'));
  });
});

describe('due dates across holidays and years', () => {
  it('counting across the year boundary skips New Year’s Day 2027', () => {
    // Thu 31/12/2026: day 1 cannot be Fri 01/01/2027 (holiday); Sat/Sun; → Mon 04/01.
    expect(dueDate(at('2026-12-31', '10:00'), days(1), cal).dueAt).toBe(at('2027-01-04', '17:00'));
    expect(dueDate(at('2026-12-31', '10:00'), days(2), cal).dueAt).toBe(at('2027-01-05', '17:00'));
  });

  it('a make-up Saturday counts as a working day (2026-01-10)', () => {
    // Wed 31/12/2025: 01/01 holiday, Fri 02/01 swapped off, Sat 03 / Sun 04 → day 1 = Mon 05/01.
    expect(dueDate(at('2025-12-31', '10:00'), days(1), cal).dueAt).toBe(at('2026-01-05', '17:00'));
    // Fri 09/01: day 1 = make-up Saturday 10/01.
    expect(dueDate(at('2026-01-09', '10:00'), days(1), cal).dueAt).toBe(at('2026-01-10', '17:00'));
    expect(dueDate(at('2026-01-09', '10:00'), days(2), cal).dueAt).toBe(at('2026-01-12', '17:00'));
    // A dossier received ON the make-up Saturday is received on a working day.
    expect(dueDate(at('2026-01-10', '10:00'), days(0), cal).dueAt).toBe(at('2026-01-10', '17:00'));
  });

  it('the August 2026 swap: Sat 22/08 is worked, Mon 31/08 is off with Quốc khánh 1–2/09', () => {
    expect(dueDate(at('2026-08-21', '10:00'), days(1), cal).dueAt).toBe(at('2026-08-22', '17:00'));
    // Fri 28/08: 29–30 weekend, 31/08 swap, 01–02/09 Quốc khánh → day 1 = Thu 03/09.
    expect(dueDate(at('2026-08-28', '10:00'), days(1), cal).dueAt).toBe(at('2026-09-03', '17:00'));
  });

  it('counting across Tết 2027 (dataset estimate 04–10/02/2027) resumes on Thu 11/02', () => {
    // Wed 03/02 10:00, 3 days: 04, 05 off; 06–07 weekend; 08, 09, 10 off → 11 (1), 12 (2), Mon 15 (3).
    expect(dueDate(at('2027-02-03', '10:00'), days(3), cal).dueAt).toBe(at('2027-02-15', '17:00'));
  });

  it('a year without data (2029) uses the computed lunar Tết: off Mon 12/02 – Fri 16/02/2029', () => {
    // Tết 2029 = Tue 13/02 (1/1 lunar); eve Mon 12/02; mùng 1–4 = 13–16/02. Fri 09/02 → day 1 = Mon 19/02.
    expect(dueDate(at('2029-02-09', '10:00'), days(1), cal).dueAt).toBe(at('2029-02-19', '17:00'));
    expect(dueDate(at('2029-02-09', '10:00'), days(2), cal).dueAt).toBe(at('2029-02-20', '17:00'));
  });

  it('an hours-based amount: received Mon 10:00 with 8 working hours is due Tue 10:30', () => {
    // Mon 2026-03-02: 10:00–11:30 (1.5 h) + 13:30–17:00 (3.5 h) = 5 h; 8 − 5 = 3 h remain.
    // Tue 2026-03-03: 07:30 + 3 h = 10:30. The lunch break and the time after 17:00 do not count.
    expect(dueDate(at('2026-03-02', '10:00'), hours(8), cal).dueAt).toBe(at('2026-03-03', '10:30'));
  });

  it('the due date records the calendar version it was computed with', () => {
    const v7 = buildCalendar({ ...defaultCalendarData(), version: 7 });
    expect(dueDate(at('2026-03-03', '10:00'), days(5), v7).calendarVersion).toBe(7);
  });

  it('due dates never precede receipt and counting never starts before receipt', () => {
    const instant = fc
      .integer({ min: Date.UTC(2023, 11, 31, 17), max: Date.UTC(2030, 11, 31, 16, 59) })
      .map((ms) => new Date(ms).toISOString());
    fc.assert(
      fc.property(
        instant,
        fc.nat(60),
        fc.nat(400).map((q) => q / 4),
        (received, n, h) => {
          const d = dueDate(received, days(n), cal);
          expect(d.countedFrom >= received).toBe(true);
          expect(d.dueAt >= d.countedFrom).toBe(true);
          const e = dueDate(received, hours(h), cal);
          expect(e.dueAt >= e.countedFrom).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('timeliness of a result', () => {
  const due = at('2026-03-10', '17:00');

  it('a result ready on an earlier local date is early', () => {
    expect(classifyTimeliness(at('2026-03-09', '16:59'), due)).toBe('early');
  });

  it('a result ready on the due date, not after the due time, is on time', () => {
    expect(classifyTimeliness(at('2026-03-10', '08:00'), due)).toBe('on_time');
    expect(classifyTimeliness(due, due)).toBe('on_time');
  });

  it('a result ready after the due instant is late, even on the same date', () => {
    expect(classifyTimeliness(at('2026-03-10', '17:01'), due)).toBe('late');
    expect(classifyTimeliness(at('2026-03-11', '07:30'), due)).toBe('late');
  });

  it('dates are local: 23:30 local on the previous day is early although its UTC date is different', () => {
    expect(classifyTimeliness('2026-03-09T16:30:00.000Z', due)).toBe('early'); // 23:30 on 09/03 local
    expect(classifyTimeliness('2026-03-09T17:30:00.000Z', due)).toBe('on_time'); // 00:30 on 10/03 local
  });
});
