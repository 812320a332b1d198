/**
 * People as reports show them: "full name (title)" — the title left out when the account has none, the
 * username itself for an unknown account.
 */
import type { Knex } from 'knex';

export async function displayNamesOf(db: Knex, usernames: readonly string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(usernames)];
  const rows = wanted.length
    ? ((await db('users').whereIn('username', wanted).select('username', 'full_name', 'title')) as {
        username: string;
        full_name: string;
        title: string | null;
      }[])
    : [];
  const names = new Map(rows.map((r) => [r.username, r.title ? `${r.full_name} (${r.title})` : r.full_name]));
  return new Map(wanted.map((u) => [u, names.get(u) ?? u]));
}
