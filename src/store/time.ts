/** Instants cross the database boundary as ISO-8601 UTC strings: PostgreSQL returns Date, SQLite text. */
export function toIso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return new Date(value).toISOString();
  throw new TypeError(`not an instant: ${String(value)}`);
}

export function toIsoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : toIso(value);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number written in text[from, to), or -1 when a character there is not a digit. */
function digitsAt(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * A PostgreSQL `timestamp with time zone` as the server writes it in text to a session in UTC
 * (`2026-03-03 02:05:09.5+00`) straight to ISO-8601 (`2026-03-03T02:05:09.500Z`): exactly what
 * `toIso(parse(text))` gives, where `parse` is the pg driver's own parser (postgres-date: a Date from the
 * parts, the fraction as `trunc(1000 × parseFloat(fraction))` milliseconds), without building a Date per
 * value — the whole-database audit reads about two instants per event. Only the one shape is taken this way:
 * a four-digit year from 1000, a real calendar date, hours 00–23, minutes and seconds 00–59, an optional
 * fraction of 1–6 digits and the offset +00. Anything else (another offset, BC, infinity, a year below 1000
 * or beyond 9999) goes through `parse`. test/store/time.test.ts holds the two to the same answer.
 */
export function isoOfPgTimestamptz(text: string, parse: (text: string) => unknown): string {
  const len = text.length;
  if (
    len >= 22 &&
    len <= 29 &&
    len !== 23 &&
    text.charCodeAt(4) === 45 && // -
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(10) === 32 && // space
    text.charCodeAt(13) === 58 && // :
    text.charCodeAt(16) === 58 &&
    text.endsWith('+00')
  ) {
    const year = digitsAt(text, 0, 4);
    const month = digitsAt(text, 5, 7);
    const day = digitsAt(text, 8, 10);
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    const inMonth = month === 2 && leap ? 29 : (MONTH_DAYS[month - 1] ?? 0);
    const hour = digitsAt(text, 11, 13);
    const minute = digitsAt(text, 14, 16);
    const second = digitsAt(text, 17, 19);
    if (
      year >= 1000 &&
      day >= 1 &&
      day <= inMonth &&
      hour >= 0 &&
      hour <= 23 &&
      minute >= 0 &&
      minute <= 59 &&
      second >= 0 &&
      second <= 59
    ) {
      const head = `${text.slice(0, 10)}T${text.slice(11, 19)}`;
      if (len === 22) return `${head}.000Z`;
      if (text.charCodeAt(19) === 46 && digitsAt(text, 20, len - 3) >= 0) {
        const ms = Math.trunc(1000 * parseFloat(text.slice(19, len - 3)));
        return `${head}${ms < 10 ? '.00' : ms < 100 ? '.0' : '.'}${ms}Z`;
      }
    }
  }
  return toIso(parse(text));
}
