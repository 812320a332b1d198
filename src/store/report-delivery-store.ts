/** `report_deliveries`: downloads and the "sent" mark of each month's report (db/migrations/20261204000500_report_deliveries.ts). */
import type { Knex } from 'knex';
import { toIso } from './time';

export interface ReportDelivery {
  month: string;
  kind: 'downloaded' | 'sent';
  format: string | null;
  note: string | null;
  actor: string;
  at: string;
}

export async function insertReportDelivery(db: Knex, d: ReportDelivery): Promise<void> {
  await db('report_deliveries').insert({ month: d.month, kind: d.kind, format: d.format, note: d.note, actor: d.actor, at: d.at });
}

/** A month's records, oldest first. */
export async function reportDeliveriesOf(db: Knex, month: string): Promise<ReportDelivery[]> {
  const rows = (await db('report_deliveries').where({ month }).orderBy('id', 'asc')) as Record<string, unknown>[];
  return rows.map((r) => ({
    month: String(r.month),
    kind: String(r.kind) as ReportDelivery['kind'],
    format: r.format === null || r.format === undefined ? null : String(r.format),
    note: r.note === null || r.note === undefined ? null : String(r.note),
    actor: String(r.actor),
    at: toIso(r.at),
  }));
}
