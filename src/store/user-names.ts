/**
 * People as reports show them: "full name (title)" — the title left out when the account has none, the
 * username itself for an unknown account. Read for every dossier view that names an assignee (most answers of the
 * API), so the statement goes straight to the driver (src/store/direct-sql.ts).
 */
import type { Knex } from 'knex';
import { placeholders, selectOnDb } from './direct-sql';

export async function displayNamesOf(db: Knex, usernames: readonly string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(usernames)];
  const rows = wanted.length
    ? ((await selectOnDb(db, `SELECT username, full_name, title FROM users WHERE username IN ${placeholders(wanted.length)}`, wanted)) as {
        username: string;
        full_name: string;
        title: string | null;
      }[])
    : [];
  const names = new Map(rows.map((r) => [r.username, r.title ? `${r.full_name} (${r.title})` : r.full_name]));
  return new Map(wanted.map((u) => [u, names.get(u) ?? u]));
}
