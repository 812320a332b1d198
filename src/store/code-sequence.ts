/**
 * Gap-free daily sequence per agency for dossier codes. The increment happens inside the caller's
 * transaction and holds the sequence row's lock until commit, so a rolled-back submission gives its
 * number back and concurrent submissions queue instead of colliding.
 */
import type { Knex } from 'knex';
import { runInTx } from './direct-sql';

export async function nextDailySequence(tx: Knex.Transaction, agencyCode: string, day: string): Promise<number> {
  const { rows } = await runInTx(
    tx,
    `INSERT INTO code_sequences (agency_code, day, last) VALUES (?, ?, 1)
     ON CONFLICT (agency_code, day) DO UPDATE SET last = code_sequences.last + 1
     RETURNING last`,
    [agencyCode, day],
    true,
  );
  return Number(rows[0]!.last);
}
