/**
 * XLSX exports with exceljs' streaming WorkbookWriter: each row is committed as soon as it is read,
 * so the workbook never holds a whole centre's rows. A real spreadsheet: a bold, frozen header row
 * and typed cells — instants as Excel dates in local (Asia/Ho_Chi_Minh) time, counts as numbers,
 * rates as numbers with a percentage format.
 */
import type { Writable } from 'node:stream';
import type * as ExcelJS from 'exceljs';
import type { FollowUp, MonthlyReport } from '../report-schemas';
import { MONTHLY_COLUMNS } from '../monthly-report';
import { RANK_COLUMNS, REVIEW_COLUMNS, stateLabel, totalsRows, TREND_COLUMNS, type WeeklyReview } from '../weekly-review';
import type { CellType, Column } from './csv';

const LOCAL_OFFSET_MS = 7 * 3_600_000;
export const XLSX_DATE_FORMAT = 'dd/mm/yyyy hh:mm';
export const XLSX_RATE_FORMAT = '0.0%';
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Pure. An instant as the Date exceljs stores for the local wall-clock time (Excel dates have no zone). */
export function excelLocalDate(instant: string): Date {
  return new Date(Date.parse(instant) + LOCAL_OFFSET_MS);
}

function cellValue(type: CellType, value: string | number | null): ExcelJS.CellValue {
  if (value === null) return null;
  if (type === 'instant') return excelLocalDate(String(value));
  if (type === 'number' || type === 'rate') return Number(value);
  return String(value);
}

function formatOf(type: CellType): string | undefined {
  return type === 'instant' ? XLSX_DATE_FORMAT : type === 'rate' ? XLSX_RATE_FORMAT : undefined;
}

let excel: typeof ExcelJS | undefined;
/**
 * exceljs, loaded on the first export rather than when the server starts: it and its dependencies are
 * most of the start-up's module loading (seconds on a busy machine), and only this route needs them.
 */
function exceljs(): typeof ExcelJS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose (see above)
  return (excel ??= require('exceljs') as typeof ExcelJS);
}

function newWorkbook(out: Writable): ExcelJS.stream.xlsx.WorkbookWriter {
  const wb = new (exceljs().stream.xlsx.WorkbookWriter)({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'motcua';
  return wb;
}

/** Adds a sheet with a header row and one committed row per item, then commits the sheet. */
export async function addTableSheet<T>(
  wb: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  columns: readonly Column<T>[],
  rows: AsyncIterable<T> | Iterable<T>,
): Promise<void> {
  const sheet = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c, i) => ({ key: `c${i}`, width: c.width ?? 16 }));
  const header = sheet.addRow(columns.map((c) => c.header));
  header.font = { bold: true };
  header.commit();
  for await (const item of rows) {
    const row = sheet.addRow(columns.map((c) => cellValue(c.type, c.value(item))));
    columns.forEach((c, i) => {
      const fmt = formatOf(c.type);
      if (fmt) row.getCell(i + 1).numFmt = fmt;
    });
    row.commit();
  }
  sheet.commit();
}

const FOLLOW_UP_COLUMNS: Column<FollowUp>[] = [
  { header: 'Mã hồ sơ', type: 'text', width: 26, value: (f) => f.code },
  { header: 'Tên thủ tục', type: 'text', width: 40, value: (f) => f.procedureName },
  { header: 'Trạng thái hiện nay', type: 'text', width: 20, value: (f) => stateLabel(f.state) },
  { header: 'Ngày có kết quả', type: 'instant', width: 17, value: (f) => f.resultAt },
  { header: 'Nguyên nhân (tuần trước)', type: 'text', width: 30, value: (f) => f.lastWeekNotes.at(-1)?.cause ?? null },
  { header: 'Biện pháp đã cam kết (tuần trước)', type: 'text', width: 30, value: (f) => f.lastWeekNotes.at(-1)?.correctiveAction ?? null },
];

/** Streams the weekly review as a workbook: dossiers, totals, trend, rankings, follow-up; ends the output. */
export async function writeWeeklyReviewXlsx(out: Writable, review: WeeklyReview): Promise<void> {
  const wb = newWorkbook(out);
  await addTableSheet(wb, 'Hồ sơ', REVIEW_COLUMNS, review.dossiers());
  const tail = await review.finish();
  type Total = ReturnType<typeof totalsRows>[number];
  const totalColumns: Column<Total>[] = [
    { header: 'Chỉ tiêu', type: 'text', width: 44, value: (r) => r.label },
    { header: 'Số hồ sơ', type: 'number', width: 12, value: (r) => (r.type === 'number' ? r.value : null) },
    { header: 'Tỷ lệ', type: 'rate', width: 12, value: (r) => (r.type === 'rate' ? r.value : null) },
  ];
  await addTableSheet(wb, 'Tổng hợp', totalColumns, totalsRows(tail.totals));
  await addTableSheet(wb, 'Xu hướng', TREND_COLUMNS, review.header.trend);
  await addTableSheet(wb, 'Thủ tục trễ nhiều', RANK_COLUMNS, tail.worstProcedures);
  await addTableSheet(wb, 'Đơn vị trễ nhiều', RANK_COLUMNS, tail.worstUnits);
  await addTableSheet(wb, 'Theo dõi cam kết', FOLLOW_UP_COLUMNS, tail.followUp);
  await wb.commit();
}

/** Writes the monthly report as a workbook (one line per submission channel, then the total); ends the output. */
export async function writeMonthlyReportXlsx(out: Writable, report: MonthlyReport): Promise<void> {
  const wb = newWorkbook(out);
  await addTableSheet(wb, `Tháng ${report.month}`, MONTHLY_COLUMNS, [...report.rows, report.total]);
  await wb.commit();
}
