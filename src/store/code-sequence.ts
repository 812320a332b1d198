/**
 * Gap-free daily sequence per agency for dossier codes. The increment happens inside the caller's
 * transaction and holds the sequence row's lock until commit, so a rolled-back submission gives its
 * number back and concurrent submissions queue instead of colliding.
 */
import type { Knex } from 'knex';

export async function nextDailySequence(tx: Knex.Transaction, agencyCode: string, day: string): Promise<number> {
  const result = await tx.raw(
    `INSERT INTO code_sequences (agency_code, day, last) VALUES (?, ?, 1)
     ON CONFLICT (agency_code, day) DO UPDATE SET last = code_sequences.last + 1
     RETURNING last`,
    [agencyCode, day],
  );
  const rows: { last: number | string }[] = Array.isArray(result) ? result : result.rows;
  return Number(rows[0]!.last);
}
