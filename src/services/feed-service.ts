/**
 * The change feed (GET /api/feed): every dossier event in feed order, paged with an opaque cursor, for
 * integrators that pull. The order never lets an event appear behind a cursor already handed out, even when
 * PostgreSQL transactions commit out of order (src/store/outbox-store.ts, feedPage; docs/integration.md).
 */
import type { Db } from '../store/db';
import { feedPage, parseFeedCursor } from '../store/outbox-store';
import { integrationEvent, type IntegrationEvent } from '../outbox/event-message';
import { validationFailed } from '../../machines/engine/errors';

export interface FeedPage {
  items: { cursor: string; event: IntegrationEvent }[];
  /** pass as `after` to read on; the same cursor when the page is empty (nothing newer yet) */
  nextCursor: string;
}

export const FEED_START = '0.0';

export async function readFeed(db: Db, q: { after?: string; limit: number }): Promise<FeedPage> {
  const after = q.after ?? FEED_START;
  const pos = parseFeedCursor(after);
  if (!pos) throw validationFailed([{ field: 'after', reason: 'expected a cursor "<digits>.<digits>" from a previous page' }]);
  const rows = await feedPage(db, pos, q.limit);
  const items = rows.map((r) => ({
    cursor: r.cursor,
    event: integrationEvent(r.event, { code: r.dossierCode, procedureCode: r.procedureCode, agencyCode: r.agencyCode }),
  }));
  return { items, nextCursor: items.length ? items[items.length - 1]!.cursor : after };
}
