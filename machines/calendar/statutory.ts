/**
 * Statutory days off for officials (Sat/Sun weekly rest) computed from the Labour Code 2019:
 *  - Art. 112(1): 1/1; Tết = the last day of the lunar year + mùng 1–4 (5 days); Hùng Kings 10/3
 *    lunar; 30/4; 1/5; Quốc khánh 2/9 + one adjacent day.
 *  - Art. 111(3): a holiday falling on Sat/Sun gives a compensatory day off on the next working day.
 * The exact Tết days and the second Quốc khánh day are fixed yearly by the Prime Minister, and
 * swaps/make-up Saturdays come only from government notices; this module gives the rule-based
 * default used for years without official data (verified: false). Pure: no I/O, no clock.
 */
import { dateOfDayNumber, dayNumberOf, weekdayOfDayNumber } from './local-time';
import { lunarToSolar, lunarYearName, solarToLunar } from './lunar';
import type { DayEntry, LocalDate, YearCalendar } from './types';

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function ymd(year: number, month: number, day: number): LocalDate {
  return `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
}

function isWeekend(day: number): boolean {
  const wd = weekdayOfDayNumber(day);
  return wd === 0 || wd === 6;
}

/**
 * Pure. The adjacent Quốc khánh day (Art. 112(1)(đ)) chosen by rule, matching every notice
 * 2021–2026 (and the 2027 estimate in the dataset):
 *  - take the neighbour (1/9 or 3/9) that is a weekday (Mon–Fri);
 *  - if both are weekdays, take the one that joins the break to a weekend
 *    (2/9 on Tue → Mon 1/9; 2/9 on Thu → Fri 3/9);
 *  - if neither joins a weekend (2/9 on Wed), take the day before (2026 notice: Tue 1/9).
 * Resulting table: Mon→3/9, Tue→1/9, Wed→1/9, Thu→3/9, Fri→1/9, Sat→1/9 (Fri), Sun→3/9 (Mon).
 */
export function nationalDayAdjacentDate(year: number): LocalDate {
  const before = dayNumberOf(ymd(year, 9, 1));
  const after = before + 2;
  if (isWeekend(before)) return dateOfDayNumber(after);
  if (isWeekend(after)) return dateOfDayNumber(before);
  if (weekdayOfDayNumber(after) === 5) return dateOfDayNumber(after);
  return dateOfDayNumber(before);
}

/** Pure. The five statutory Tết days of lunar year `year`: the last day of the previous lunar year + mùng 1–4. */
export function tetDays(year: number): DayEntry[] {
  const mung1 = dayNumberOf(lunarToSolar(1, 1, year));
  const eve = dateOfDayNumber(mung1 - 1);
  const eveDay = solarToLunar(eve).day;
  const name = `Tết Âm lịch ${lunarYearName(year)}`;
  const days: DayEntry[] = [{ date: eve, name: `${name} – ${eveDay} tháng Chạp (Giao thừa)`, kind: 'holiday' }];
  for (let i = 0; i < 4; i++) {
    days.push({ date: dateOfDayNumber(mung1 + i), name: `${name} – Mùng ${i + 1}`, kind: 'holiday' });
  }
  return days;
}

/** Pure. The Art. 112(1) holidays of `year` (weekend ones included), sorted by date. */
export function statutoryHolidays(year: number): DayEntry[] {
  const nationalDay = ymd(year, 9, 2);
  const adjacent = nationalDayAdjacentDate(year);
  const holidays: DayEntry[] = [
    { date: ymd(year, 1, 1), name: 'Tết Dương lịch (New Year’s Day)', kind: 'holiday' },
    ...tetDays(year),
    { date: lunarToSolar(10, 3, year), name: 'Giỗ Tổ Hùng Vương (10/3 lunar)', kind: 'holiday' },
    { date: ymd(year, 4, 30), name: 'Ngày Chiến thắng (Reunification Day)', kind: 'holiday' },
    { date: ymd(year, 5, 1), name: 'Ngày Quốc tế Lao động (Labour Day)', kind: 'holiday' },
    { date: nationalDay, name: 'Quốc khánh (National Day)', kind: 'holiday' },
    {
      date: adjacent,
      name: `Quốc khánh – ngày liền kề ${adjacent < nationalDay ? 'trước' : 'sau'} (statutory rule)`,
      kind: 'holiday',
    },
  ];
  return holidays.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/**
 * Pure. Art. 111(3) compensatory days: in date order, each holiday on Sat/Sun gives the next
 * Mon–Fri day that is not already a holiday or an earlier compensatory day.
 */
export function compensatoryDays(holidays: readonly DayEntry[]): DayEntry[] {
  const taken = new Set(holidays.map((h) => dayNumberOf(h.date)));
  const result: DayEntry[] = [];
  for (const h of holidays) {
    const day = dayNumberOf(h.date);
    if (!isWeekend(day)) continue;
    let d = day + 1;
    while (isWeekend(d) || taken.has(d)) d++;
    taken.add(d);
    result.push({ date: dateOfDayNumber(d), name: `Nghỉ bù ${h.name} (fell on a weekend)`, kind: 'compensatory' });
  }
  return result;
}

/**
 * Pure. The statutory calendar of a Gregorian year: Art. 112 holidays plus Art. 111(3)
 * compensatory days, no swaps and no make-up days. verified: false.
 */
export function statutoryYear(year: number): YearCalendar {
  if (!Number.isInteger(year) || year < 1001 || year > 9998) {
    throw new RangeError(`statutoryYear: year must be an integer 1001..9998, got ${year}`);
  }
  const holidays = statutoryHolidays(year);
  const daysOff = [...holidays, ...compensatoryDays(holidays)].sort((a, b) => (a.date < b.date ? -1 : 1));
  return { year, daysOff, makeUpWorkingDays: [], verified: false };
}
