/**
 * CSV exports (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line break,
 * quotes doubled; a text cell that would start a formula gets a leading apostrophe), UTF-8 with a byte-order mark so that Excel reads Vietnamese correctly, with
 * Vietnamese headers. Also what the tabular writers share: the column shape and a buffered text sink
 * that waits for the output to drain, so a large export streams instead of piling up in memory.
 * Instants are written as local (Asia/Ho_Chi_Minh) "YYYY-MM-DD HH:MM:SS", which Excel reads as a date.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { MonthlyReport } from '../report-schemas';
import { MONTHLY_COLUMNS } from '../monthly-report';
import { REVIEW_COLUMNS, type WeeklyReview } from '../weekly-review';

/** text; number; instant (ISO-8601 UTC, shown in local time); rate (0–1, shown as a percentage where the format can) */
export type CellType = 'text' | 'number' | 'instant' | 'rate';

export interface Column<T> {
  header: string;
  type: CellType;
  /** display width in characters (XLSX) */
  width?: number;
  value(row: T): string | number | null;
}

export const UTF8_BOM = '\uFEFF';
const LOCAL_OFFSET_MS = 7 * 3_600_000;

/** Pure. An instant as local wall-clock "YYYY-MM-DD HH:MM:SS" (Asia/Ho_Chi_Minh). */
export function localDateTimeText(instant: string): string {
  return new Date(Date.parse(instant) + LOCAL_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** Pure. One RFC 4180 field. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Pure. Text a spreadsheet would read as a formula (starting with =, +, -, @, a tab or a carriage return)
 * gets a leading apostrophe (OWASP's rule for CSV injection): an applicant named `=HYPERLINK(…)` or a
 * note `-1+cmd|…` stays text when the export is opened in Excel or LibreOffice.
 */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** Pure. The text of a cell of this type; only numbers and rates may start with a minus sign. */
export function csvCell(type: CellType, value: string | number | null): string {
  if (value === null) return '';
  if (type === 'instant') return localDateTimeText(String(value));
  if ((type === 'number' || type === 'rate') && typeof value === 'number' && Number.isFinite(value)) return String(value);
  return csvField(neutraliseFormula(String(value)));
}

/** Buffers text and writes it in chunks, waiting for 'drain' when the output is full. */
export class TextSink {
  private buffer = '';
  constructor(
    private readonly out: Writable,
    private readonly chunkSize = 64 * 1024,
  ) {}

  async push(text: string): Promise<void> {
    this.buffer += text;
    if (this.buffer.length >= this.chunkSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.buffer) return;
    if (this.out.destroyed) throw new Error('the output was closed before the export ended');
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.out.write(chunk, 'utf8')) await Promise.race([once(this.out, 'drain'), once(this.out, 'close')]);
  }

  /** Flushes and ends the output. */
  async end(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve) => this.out.end(resolve));
  }
}

async function writeRows<T>(sink: TextSink, columns: readonly Column<T>[], rows: AsyncIterable<T> | Iterable<T>): Promise<void> {
  await sink.push(columns.map((c) => csvField(neutraliseFormula(c.header))).join(',') + '\r\n');
  for await (const row of rows) await sink.push(columns.map((c) => csvCell(c.type, c.value(row))).join(',') + '\r\n');
}

/** Streams a table as CSV (BOM, header row, one line per row) and ends the output. */
export async function writeCsv<T>(out: Writable, columns: readonly Column<T>[], rows: AsyncIterable<T> | Iterable<T>): Promise<void> {
  const sink = new TextSink(out);
  await sink.push(UTF8_BOM);
  await writeRows(sink, columns, rows);
  await sink.end();
}

/** The weekly review's dossier list as CSV. */
export async function writeWeeklyReviewCsv(out: Writable, review: WeeklyReview): Promise<void> {
  await writeCsv(out, REVIEW_COLUMNS, review.dossiers());
}

/** The monthly report's table (one line per submission channel, then the total) as CSV. */
export async function writeMonthlyReportCsv(out: Writable, report: MonthlyReport): Promise<void> {
  await writeCsv(out, MONTHLY_COLUMNS, [...report.rows, report.total]);
}
