/**
 * The audit checkpoints as stored (`audit_checkpoints`, `audit_checkpoint_heads`): what src/audit/checkpoints.ts
 * takes and checks.
 */
import type { Db } from './db';

/** How many checkpoints were taken (0 on a database that has no checkpoint table yet). */
export async function countCheckpoints(db: Db): Promise<number> {
  if (!(await db.schema.hasTable('audit_checkpoints'))) return 0;
  const [c] = await db('audit_checkpoints').count({ n: '*' });
  return Number((c as { n: unknown } | undefined)?.n ?? 0);
}
