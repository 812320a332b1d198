/** People as reports show them: a username's full name (the username itself for an unknown account). */
import type { Knex } from 'knex';

export async function fullNamesOf(db: Knex, usernames: readonly string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(usernames)];
  const rows = wanted.length ? ((await db('users').whereIn('username', wanted).select('username', 'full_name')) as { username: string; full_name: string }[]) : [];
  const names = new Map(rows.map((r) => [r.username, r.full_name]));
  return new Map(wanted.map((u) => [u, names.get(u) ?? u]));
}
