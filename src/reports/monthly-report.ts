/**
 * The monthly report to the Department of Home Affairs (báo cáo tháng gửi Sở Nội vụ): for a month
 * (local Asia/Ho_Chi_Minh, the 1st 00:00 to the next 1st), the dossiers received and the results
 * returned, split by the channel the dossier came in by (directly at the counter, online, by post)
 * and by how the result went back (at the counter — the applicant came in person —, by post, online).
 * Returned: the month's RETURN_RESULT events, whose payload holds the return method — the log, not a
 * cache. Both are SQL aggregates (src/store/report-queries.ts): the report's size does not grow with the centre's.
 */
import { toInstant } from '../../machines/calendar';
import { CHANNELS, type Channel } from '../../machines/dossier';
import { CHANNEL_LABELS, returnedVia } from '../../machines/vocabulary';
import type { Db } from '../store/db';
import { receivedByChannel, returnedByChannelAndMethod } from '../store/report-queries';
import type { Column } from './formats/csv';
import type { MonthlyReport, MonthlyRow } from './report-schemas';

const ROW_LABELS: Record<Channel | 'total', string> = { ...CHANNEL_LABELS, total: 'Tổng cộng' };

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Pure. The instants bounding a month 'YYYY-MM' (years 1971–9998) in local time, or null for anything else. */
export function monthBounds(month: string): { from: string; to: string } | null {
  const m = MONTH_RE.exec(month);
  if (!m) return null;
  const [y, mo] = [Number(m[1]), Number(m[2])];
  if (y < 1971 || y > 9998) return null; // as weeks: an instant's year stays four digits on both sides of the month
  const next = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
  return { from: toInstant(`${month}-01`, '00:00'), to: toInstant(`${next}-01`, '00:00') };
}

function emptyRow(channel: MonthlyRow['channel']): MonthlyRow {
  return {
    channel,
    channelLabel: ROW_LABELS[channel],
    received: 0,
    returned: 0,
    returnedAtCounter: 0,
    returnedByPost: 0,
    returnedOnline: 0,
  };
}

/** Counts a month's received dossiers and returned results. */
export async function buildMonthlyReport(db: Db, month: string, now: string): Promise<MonthlyReport> {
  const bounds = monthBounds(month);
  if (!bounds) throw new RangeError(`not a month: ${month}`);
  const rows = new Map<string, MonthlyRow>(CHANNELS.map((c) => [c, emptyRow(c)]));
  const rowOf = (channel: string) => {
    if (!rows.has(channel)) rows.set(channel, { ...emptyRow('total'), channel: channel as Channel, channelLabel: channel });
    return rows.get(channel)!;
  };

  for (const r of await receivedByChannel(db, bounds.from, bounds.to)) rowOf(r.channel).received += r.n;

  for (const r of await returnedByChannelAndMethod(db, bounds.from, bounds.to)) {
    const row = rowOf(r.channel);
    const n = r.n;
    row.returned += n;
    if (r.method === 'post') row.returnedByPost += n;
    else if (r.method === 'online') row.returnedOnline += n;
    else row.returnedAtCounter += n;
  }

  const list = [...rows.values()];
  const total = list.reduce<MonthlyRow>(
    (t, r) => ({
      ...t,
      received: t.received + r.received,
      returned: t.returned + r.returned,
      returnedAtCounter: t.returnedAtCounter + r.returnedAtCounter,
      returnedByPost: t.returnedByPost + r.returnedByPost,
      returnedOnline: t.returnedOnline + r.returnedOnline,
    }),
    emptyRow('total'),
  );
  return {
    title: `Báo cáo tình hình tiếp nhận và trả kết quả hồ sơ tháng ${month.slice(5)}/${month.slice(0, 4)}`,
    month,
    ...bounds,
    generatedAt: now,
    rows: list,
    total,
  };
}

/** The report's table: the columns of the CSV, the XLSX and the HTML page. */
export const MONTHLY_COLUMNS: Column<MonthlyRow>[] = [
  { header: 'Hình thức nộp hồ sơ', type: 'text', width: 34, value: (r) => r.channelLabel },
  { header: 'Số hồ sơ tiếp nhận', type: 'number', width: 14, value: (r) => r.received },
  { header: 'Số hồ sơ đã trả kết quả', type: 'number', width: 14, value: (r) => r.returned },
  { header: returnedVia('counter'), type: 'number', width: 18, value: (r) => r.returnedAtCounter },
  { header: returnedVia('post'), type: 'number', width: 16, value: (r) => r.returnedByPost },
  { header: returnedVia('online'), type: 'number', width: 14, value: (r) => r.returnedOnline },
];
