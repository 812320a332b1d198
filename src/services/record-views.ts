/**
 * Every read that shows an applicant's unmasked data (ID number, phone, address) is logged in
 * record_views, whatever the route: the full record, each printable form, the auditor's export
 * (Decree 13/2023 on personal data). Auditors list the log at GET /api/audit/record-views.
 */
import type { Db } from '../store/db';
import type { Clock } from '../engine/clock';
import { insertRecordView } from '../store/record-view-store';
import type { AuthUser } from './auth-user';

export type RecordViewSource = 'record' | 'export' | `form:${string}` | `document:${string}`;

export async function logRecordView(
  ctx: { db: Db; clock: Clock },
  user: AuthUser,
  dossierCode: string,
  source: RecordViewSource,
): Promise<void> {
  await insertRecordView(ctx.db, {
    dossierCode,
    username: user.username,
    unit: user.unit,
    viewedAt: ctx.clock.now().toISOString(),
    source,
  });
}
