/** `record_views`: who opened which applicant's full record, when (db/migrations/20261124000007_record_views.ts). */
import type { Knex } from 'knex';
import { toIso } from './time';

export interface RecordView {
  id: string;
  dossierCode: string;
  username: string;
  unit: string;
  viewedAt: string;
  /** what showed the data: `record`, `form:<kind>` or `export` */
  source: string;
}

export async function insertRecordView(db: Knex, v: Omit<RecordView, 'id'>): Promise<void> {
  await db('record_views').insert({
    dossier_code: v.dossierCode,
    username: v.username,
    unit: v.unit,
    viewed_at: v.viewedAt,
    source: v.source,
  });
}

/** Newest first; `cursor` is the id of the last row of the previous page. */
export interface RecordViewQuery {
  dossier?: string;
  username?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

export async function findRecordViews(db: Knex, q: RecordViewQuery): Promise<{ items: RecordView[]; nextCursor: string | null }> {
  const query = db('record_views').select('id', 'dossier_code', 'username', 'unit', 'viewed_at', 'source');
  if (q.dossier) query.where('dossier_code', q.dossier);
  if (q.username) query.where('username', q.username);
  if (q.from) query.where('viewed_at', '>=', q.from);
  if (q.to) query.where('viewed_at', '<', q.to);
  if (q.cursor) query.where('id', '<', q.cursor);
  const rows = (await query.orderBy('id', 'desc').limit(q.limit + 1)) as {
    id: number | string;
    dossier_code: string;
    username: string;
    unit: string;
    viewed_at: unknown;
    source: string;
  }[];
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => ({
      id: String(r.id),
      dossierCode: r.dossier_code,
      username: r.username,
      unit: r.unit,
      viewedAt: toIso(r.viewed_at),
      source: r.source,
    })),
    nextCursor: rows.length > q.limit ? String(page[page.length - 1]!.id) : null,
  };
}
