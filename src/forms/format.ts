/**
 * Vietnamese renderings of times, dates and working-time amounts for the printed forms.
 * Pure: every time is shown in Asia/Ho_Chi_Minh local time (via machines/calendar), never the process zone.
 */
import { UNITS } from '../../machines/procedures';
import { localDate, localTime, type Instant, type LocalDate, type WorkingAmount } from '../../machines/calendar';

/** "dd/mm/yyyy" of a local date "yyyy-mm-dd". */
export function dmy(date: LocalDate): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}

/** "hh:mm dd/mm/yyyy" of an instant, local time. */
export function dateTime(at: Instant): string {
  return `${localTime(at)} ${dmy(localDate(at))}`;
}

/** "dd/mm/yyyy" of an instant, local date. */
export function dateOf(at: Instant): string {
  return dmy(localDate(at));
}

/** "ngày dd tháng mm năm yyyy", the dateline of an administrative document. */
export function dateline(at: Instant): string {
  const [y, m, d] = localDate(at).split('-');
  return `ngày ${d} tháng ${m} năm ${y}`;
}

/** "03 ngày làm việc", "04 giờ làm việc"; a 0-day procedure is "trong ngày". */
export function workingAmount(a: WorkingAmount): string {
  if (a.unit === 'days' && a.value === 0) return 'Trong ngày làm việc';
  const n = Number.isInteger(a.value) && a.value < 10 ? `0${a.value}` : String(a.value).replace('.', ',');
  return `${n} ${a.unit === 'days' ? 'ngày' : 'giờ'} làm việc`;
}

/** Working time in ms as "2 giờ 30 phút" (office hours, so no days: a working day's length is the centre's). */
export function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} phút`;
  return m === 0 ? `${h} giờ` : `${h} giờ ${m} phút`;
}

/** The Vietnamese name of a unit as printed on forms; an unknown code prints as itself. */
export function unitName(code: string | null): string {
  if (!code) return '';
  return UNITS.find((u) => u.code === code)?.name ?? code;
}
