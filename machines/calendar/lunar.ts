/**
 * Vietnamese lunar calendar (âm lịch) after Hồ Ngọc Đức's well-known algorithm
 * ("Thuật toán tính âm lịch"), evaluated at time zone UTC+7. New moons and the sun's longitude
 * come from the simplified Meeus formulas used there; a lunar month starts on the local day of a
 * new moon; month 11 contains the winter solstice; a lunar year with 13 months gets as leap month
 * the first month without a major solar term (trung khí).
 * Pure: no I/O, no clock.
 */
import { dateOfDayNumber, dayNumberOf } from './local-time';
import type { LocalDate, LunarDate } from './types';

const TIME_ZONE = 7;
/** Julian day number of 1970-01-01. */
const JD_UNIX_EPOCH = 2440588;
const SYNODIC_MONTH = 29.530588853;
const JD_NEW_MOON_1900 = 2415021.076998695;

const INT = Math.floor;

function jdOf(date: LocalDate): number {
  return dayNumberOf(date) + JD_UNIX_EPOCH;
}

function dateOfJd(jd: number): LocalDate {
  return dateOfDayNumber(jd - JD_UNIX_EPOCH);
}

/** Julian day (fractional, UT) of the k-th new moon after 1900-01-01 (Meeus, simplified). */
function newMoon(k: number): number {
  const T = k / 1236.85;
  const T2 = T * T;
  const T3 = T2 * T;
  const dr = Math.PI / 180;
  let jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * T2 - 0.000000155 * T3;
  jd1 += 0.00033 * Math.sin((166.56 + 132.87 * T - 0.009173 * T2) * dr);
  const M = 359.2242 + 29.10535608 * k - 0.0000333 * T2 - 0.00000347 * T3;
  const Mpr = 306.0253 + 385.81691806 * k + 0.0107306 * T2 + 0.00001236 * T3;
  const F = 21.2964 + 390.67050646 * k - 0.0016528 * T2 - 0.00000239 * T3;
  let C1 = (0.1734 - 0.000393 * T) * Math.sin(M * dr) + 0.0021 * Math.sin(2 * dr * M);
  C1 = C1 - 0.4068 * Math.sin(Mpr * dr) + 0.0161 * Math.sin(dr * 2 * Mpr);
  C1 = C1 - 0.0004 * Math.sin(dr * 3 * Mpr);
  C1 = C1 + 0.0104 * Math.sin(dr * 2 * F) - 0.0051 * Math.sin(dr * (M + Mpr));
  C1 = C1 - 0.0074 * Math.sin(dr * (M - Mpr)) + 0.0004 * Math.sin(dr * (2 * F + M));
  C1 = C1 - 0.0004 * Math.sin(dr * (2 * F - M)) - 0.0006 * Math.sin(dr * (2 * F + Mpr));
  C1 = C1 + 0.001 * Math.sin(dr * (2 * F - Mpr)) + 0.0005 * Math.sin(dr * (2 * Mpr + M));
  const deltaT =
    T < -11 ? 0.001 + 0.000839 * T + 0.0002261 * T2 - 0.00000845 * T3 - 0.000000081 * T * T3 : -0.000278 + 0.000265 * T + 0.000262 * T2;
  return jd1 + C1 - deltaT;
}

/** Sun's apparent longitude in radians [0, 2π) at Julian day `jdn` (UT). */
function sunLongitude(jdn: number): number {
  const T = (jdn - 2451545.0) / 36525;
  const T2 = T * T;
  const dr = Math.PI / 180;
  const M = 357.5291 + 35999.0503 * T - 0.0001559 * T2 - 0.00000048 * T * T2;
  const L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2;
  let DL = (1.9146 - 0.004817 * T - 0.000014 * T2) * Math.sin(dr * M);
  DL = DL + (0.019993 - 0.000101 * T) * Math.sin(dr * 2 * M) + 0.00029 * Math.sin(dr * 3 * M);
  let L = (L0 + DL) * dr;
  L = L - Math.PI * 2 * INT(L / (Math.PI * 2));
  return L;
}

/** Sector 0..11 (30° each) of the sun's longitude at the start of the local day with Julian day number `jd`. */
function sunSector(jd: number): number {
  return INT((sunLongitude(jd - 0.5 - TIME_ZONE / 24) / Math.PI) * 6);
}

/** Julian day number of the local day holding the k-th new moon. */
function newMoonDay(k: number): number {
  return INT(newMoon(k) + 0.5 + TIME_ZONE / 24);
}

/** Julian day number of the start of lunar month 11 of Gregorian year `yy` (holds the winter solstice). */
function lunarMonth11(yy: number): number {
  const off = jdOf(`${String(yy).padStart(4, '0')}-12-31`) - 2415021;
  const k = INT(off / SYNODIC_MONTH);
  const nm = newMoonDay(k);
  return sunSector(nm) >= 9 ? newMoonDay(k - 1) : nm;
}

/** Offset (in months after month 11 starting at a11) of the leap month of a 13-month lunar year. */
function leapMonthOffset(a11: number): number {
  const k = INT((a11 - JD_NEW_MOON_1900) / SYNODIC_MONTH + 0.5);
  let i = 1;
  let arc = sunSector(newMoonDay(k + i));
  let last: number;
  do {
    last = arc;
    i++;
    arc = sunSector(newMoonDay(k + i));
  } while (arc !== last && i < 14);
  return i - 1;
}

/** Pure. Converts a solar (Gregorian) local date to the Vietnamese lunar date (UTC+7). */
export function solarToLunar(date: LocalDate): LunarDate {
  const jd = jdOf(date);
  const yy = Number(date.slice(0, 4));
  const k = INT((jd - JD_NEW_MOON_1900) / SYNODIC_MONTH);
  // The mean lunation count can run one ahead of the true new moon (e.g. 2062-04-09): step back until
  // the month has started. The original algorithm steps back only once, which gives day 0 there.
  let monthStart = newMoonDay(k + 1);
  for (let back = k; monthStart > jd; back -= 1) monthStart = newMoonDay(back);
  let a11 = lunarMonth11(yy);
  let b11 = a11;
  let year: number;
  if (a11 >= monthStart) {
    year = yy;
    a11 = lunarMonth11(yy - 1);
  } else {
    year = yy + 1;
    b11 = lunarMonth11(yy + 1);
  }
  const day = jd - monthStart + 1;
  const diff = INT((monthStart - a11) / 29);
  let leap = false;
  let month = diff + 11;
  if (b11 - a11 > 365) {
    const leapDiff = leapMonthOffset(a11);
    if (diff >= leapDiff) {
      month = diff + 10;
      leap = diff === leapDiff;
    }
  }
  if (month > 12) month -= 12;
  if (month >= 11 && diff < 4) year -= 1;
  return { day, month, year, leap };
}

/**
 * Pure. Converts a Vietnamese lunar date (UTC+7) to the solar local date.
 * Throws RangeError if the date does not exist (e.g. a leap month that year does not have, or
 * day 30 of a 29-day month).
 */
export function lunarToSolar(day: number, month: number, year: number, leap = false): LocalDate {
  assertLunarParts(day, month, year);
  const [a11, b11] = month < 11 ? [lunarMonth11(year - 1), lunarMonth11(year)] : [lunarMonth11(year), lunarMonth11(year + 1)];
  const k = INT(0.5 + (a11 - JD_NEW_MOON_1900) / SYNODIC_MONTH);
  let off = month - 11;
  if (off < 0) off += 12;
  if (b11 - a11 > 365) {
    const leapOff = leapMonthOffset(a11);
    let leapMonth = leapOff - 2;
    if (leapMonth < 0) leapMonth += 12;
    if (leap && month !== leapMonth) throw new RangeError(`lunar year ${year} has no leap month ${month}`);
    if (leap || off >= leapOff) off += 1;
  } else if (leap) {
    throw new RangeError(`lunar year ${year} has no leap month`);
  }
  const result = dateOfJd(newMoonDay(k + off) + day - 1);
  const back = solarToLunar(result);
  if (back.day !== day || back.month !== month || back.leap !== leap) {
    throw new RangeError(`lunar month ${month}${leap ? ' (leap)' : ''} of ${year} has no day ${day}`);
  }
  return result;
}

function assertLunarParts(day: number, month: number, year: number): void {
  if (!Number.isInteger(day) || day < 1 || day > 30) throw new RangeError(`lunar day must be 1..30, got ${day}`);
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`lunar month must be 1..12, got ${month}`);
  if (!Number.isInteger(year) || year < 1000 || year > 9998) throw new RangeError(`lunar year must be 1000..9998, got ${year}`);
}

const CAN = ['Canh', 'Tân', 'Nhâm', 'Quý', 'Giáp', 'Ất', 'Bính', 'Đinh', 'Mậu', 'Kỷ'] as const;
const CHI = ['Thân', 'Dậu', 'Tuất', 'Hợi', 'Tý', 'Sửu', 'Dần', 'Mão', 'Thìn', 'Tỵ', 'Ngọ', 'Mùi'] as const;

/** Pure. The sexagenary (can chi) name of a lunar year, e.g. 2026 → "Bính Ngọ". */
export function lunarYearName(year: number): string {
  return `${CAN[((year % 10) + 10) % 10]} ${CHI[((year % 12) + 12) % 12]}`;
}
