/**
 * Report periods on local dates (YYYY-MM-DD, Asia/Ho_Chi_Minh): weeks (ISO, Monday to Sunday), months,
 * quarters, years, and a custom range. A period is [from, to): `to` is the day after its last day, as
 * GET /api/metrics/compliance takes it. Pure: dates are strings, arithmetic in UTC.
 */

const DAY = 86_400_000;
/** @typedef {string} LocalDate YYYY-MM-DD */
/** @typedef {{kind: string, from: LocalDate, to: LocalDate, label: string}} Period [from, to) */

const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
const ms = (/** @type {LocalDate} */ d) => Date.parse(`${d}T00:00:00Z`);
const date = (/** @type {number} */ t) => new Date(t).toISOString().slice(0, 10);

/** `d` plus `n` days */
export const addDays = (/** @type {LocalDate} */ d, /** @type {number} */ n) => date(ms(d) + n * DAY);
/** 0 = Monday … 6 = Sunday */
const weekdayMon = (/** @type {LocalDate} */ d) => (new Date(ms(d)).getUTCDay() + 6) % 7;
/** the Monday of the week of `d` */
export const mondayOf = (/** @type {LocalDate} */ d) => addDays(d, -weekdayMon(d));

/**
 * ISO week label 'YYYY-Www' of a local date
 * @param {LocalDate} d
 */
export function isoWeekOf(d) {
  const thursday = addDays(mondayOf(d), 3);
  const year = Number(thursday.slice(0, 4));
  const week1 = mondayOf(`${year}-01-04`);
  return `${year}-W${pad(Math.round((ms(mondayOf(d)) - ms(week1)) / (7 * DAY)) + 1)}`;
}

/**
 * the Monday of an ISO week label, or null
 * @param {string | null | undefined} label
 */
export function mondayOfWeek(label) {
  const m = /^(\d{4})-W(\d{2})$/.exec(label ?? '');
  if (!m) return null;
  const monday = addDays(mondayOf(`${m[1]}-01-04`), (Number(m[2]) - 1) * 7);
  return isoWeekOf(monday) === label ? monday : null;
}

const monthStart = (/** @type {number} */ y, /** @type {number} */ m) =>
  `${y + Math.floor((m - 1) / 12)}-${pad(((((m - 1) % 12) + 12) % 12) + 1)}-01`;

/** @type {Record<string, string>} */
export const KINDS = { week: 'Tuần', month: 'Tháng', quarter: 'Quý', year: 'Năm', custom: 'Tùy chọn' };

/**
 * The period of `kind` containing `anchor` (shifted by `n` periods); custom periods are given.
 * @param {string} kind week, month, quarter, year or custom
 * @param {LocalDate} anchor
 * @param {number} [n]
 * @param {{from: string, last: string} | null} [custom]
 * @returns {Period}
 */
export function periodOf(kind, anchor, n = 0, custom = null) {
  const y = Number(anchor.slice(0, 4));
  const m = Number(anchor.slice(5, 7));
  const fmt = (/** @type {LocalDate} */ d) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
  switch (kind) {
    case 'week': {
      const from = addDays(mondayOf(anchor), 7 * n);
      return {
        kind,
        from,
        to: addDays(from, 7),
        label: `Tuần ${isoWeekOf(from).slice(6)}/${isoWeekOf(from).slice(0, 4)} (${fmt(from).slice(0, 5)}–${fmt(addDays(from, 6))})`,
      };
    }
    case 'month': {
      const from = monthStart(y, m + n);
      return { kind, from, to: monthStart(y, m + n + 1), label: `Tháng ${from.slice(5, 7)}/${from.slice(0, 4)}` };
    }
    case 'quarter': {
      const q0 = Math.floor((m - 1) / 3) * 3 + 1 + 3 * n;
      const from = monthStart(y, q0);
      return {
        kind,
        from,
        to: monthStart(y, q0 + 3),
        label: `Quý ${Math.floor((Number(from.slice(5, 7)) - 1) / 3) + 1}/${from.slice(0, 4)}`,
      };
    }
    case 'year': {
      const from = `${y + n}-01-01`;
      return { kind, from, to: `${y + n + 1}-01-01`, label: `Năm ${y + n}` };
    }
    default: {
      const from = custom?.from ?? anchor;
      const last = custom?.last ?? anchor;
      return { kind: 'custom', from, to: addDays(last, 1), label: `Từ ${fmt(from)} đến ${fmt(last)}` };
    }
  }
}

/**
 * The trend behind a period: its weeks or months and the ones before, so that a short period still
 * shows where it is heading. A week: 8 weeks; a month: 6 months; a quarter: 12 months; a year: its
 * months; custom: weeks up to 16 of them, else months.
 * @param {Period} p
 * @returns {{groupBy: 'week' | 'month', from: LocalDate, to: LocalDate}}
 */
export function trendOf(p) {
  switch (p.kind) {
    case 'week':
      return { groupBy: 'week', from: addDays(p.from, -7 * 7), to: p.to };
    case 'month':
      return { groupBy: 'month', from: monthStart(Number(p.from.slice(0, 4)), Number(p.from.slice(5, 7)) - 5), to: p.to };
    case 'quarter':
      return { groupBy: 'month', from: monthStart(Number(p.from.slice(0, 4)), Number(p.from.slice(5, 7)) - 9), to: p.to };
    case 'year':
      return { groupBy: 'month', from: p.from, to: p.to };
    default: {
      const days = (ms(p.to) - ms(p.from)) / DAY;
      if (days <= 16 * 7) return { groupBy: 'week', from: p.from, to: p.to };
      return { groupBy: 'month', from: p.from, to: p.to };
    }
  }
}

/**
 * 'YYYY-MM' before a month
 * @param {string} month YYYY-MM
 */
export function previousMonth(month) {
  return monthStart(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1).slice(0, 7);
}
