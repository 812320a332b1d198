/**
 * Working-time calendar for Vietnamese one-stop centres (Asia/Ho_Chi_Minh, UTC+7).
 * Every export is pure: no I/O at call time, no clock, no randomness.
 */
export type {
  Calendar,
  CalendarData,
  CompiledInterval,
  DayEntry,
  Instant,
  LocalDate,
  LocalTime,
  LunarDate,
  OfficeInterval,
  WorkingAmount,
  YearCalendar,
} from './types';
export { addDays, localDate, localTime, toInstant, weekday } from './local-time';
export { lunarToSolar, lunarYearName, solarToLunar } from './lunar';
export { compensatoryDays, nationalDayAdjacentDate, statutoryHolidays, statutoryYear, tetDays } from './statutory';
export { datasetYears, defaultCalendarData } from './holidays-data';
export { buildCalendar } from './calendar';
export { CalendarValidationError, validateYearCalendar } from './validate';
export { addWorkingTime, pauseExtensionMs, shiftByWorkingTime, workingDaysBetween, workingTimeBetween } from './working-time';
export { classifyTimeliness, deemedReceipt, dueDate } from './due-date';
export type { DueDateOptions, DueDateResult, Timeliness } from './due-date';
