/**
 * The queries an operation sends, captured from Knex's `query` event, and their plans:
 * `EXPLAIN (ANALYZE, BUFFERS)` on PostgreSQL (run through a separate `pg` client, since Knex gives the
 * SQL with $n placeholders), `EXPLAIN QUERY PLAN` on SQLite. Only reads are explained (ANALYZE runs
 * the statement); repeated statements (the same SQL text) are explained once.
 */
import type { Knex } from 'knex';
import { Client } from 'pg';
import { dialectOfKnex } from '../src/store/db';

export interface CapturedQuery {
  sql: string;
  bindings: readonly unknown[];
}

export interface ExplainedQuery extends CapturedQuery {
  /** how many times this SQL text ran during the operation */
  times: number;
  plan: string;
}

/** Runs `fn` and returns what it resolved with and the queries it sent through `db`. */
export async function captureQueries<T>(db: Knex, fn: () => Promise<T>): Promise<{ value: T; queries: CapturedQuery[] }> {
  const queries: CapturedQuery[] = [];
  const listener = (q: { sql?: string; bindings?: unknown[] }) => {
    if (q.sql) queries.push({ sql: q.sql, bindings: q.bindings ?? [] });
  };
  db.on('query', listener);
  try {
    return { value: await fn(), queries };
  } finally {
    db.off('query', listener);
  }
}

const isRead = (sql: string) => /^\s*(select|with)\b/i.test(sql);

function distinct(queries: CapturedQuery[], max: number): { q: CapturedQuery; times: number }[] {
  const seen = new Map<string, { q: CapturedQuery; times: number }>();
  for (const q of queries) {
    if (!isRead(q.sql)) continue;
    const s = seen.get(q.sql);
    if (s) s.times += 1;
    else seen.set(q.sql, { q, times: 1 });
  }
  return [...seen.values()].slice(0, max);
}

/** Explains each distinct read the operation sent (at most `max`). */
export async function explainQueries(
  db: Knex,
  queries: CapturedQuery[],
  opts: { postgresUrl?: string; max?: number } = {},
): Promise<ExplainedQuery[]> {
  const todo = distinct(queries, opts.max ?? 12);
  const out: ExplainedQuery[] = [];
  if (dialectOfKnex(db) === 'postgres') {
    if (!opts.postgresUrl) throw new Error('EXPLAIN on PostgreSQL needs the database URL');
    const client = new Client({ connectionString: opts.postgresUrl });
    await client.connect();
    try {
      await client.query(`SET TIME ZONE 'UTC'`);
      for (const { q, times } of todo) {
        const res = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, [...q.bindings]);
        out.push({ ...q, times, plan: (res.rows as Record<string, string>[]).map((r) => r['QUERY PLAN']).join('\n') });
      }
    } finally {
      await client.end();
    }
  } else {
    for (const { q, times } of todo) {
      const rows = (await db.raw(`EXPLAIN QUERY PLAN ${q.sql}`, [...q.bindings] as Knex.RawBinding[])) as {
        id: number;
        parent: number;
        detail: string;
      }[];
      const depth = new Map<number, number>([[0, 0]]);
      const lines = rows.map((r) => {
        const d = (depth.get(r.parent) ?? 0) + 1;
        depth.set(r.id, d);
        return `${'  '.repeat(d - 1)}${r.detail}`;
      });
      out.push({ ...q, times, plan: lines.join('\n') });
    }
  }
  return out;
}

function inline(q: CapturedQuery): string {
  const b = q.bindings.map((v) => (typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : v === null ? 'NULL' : String(v)));
  return `${q.sql}\n-- bindings: ${b.length ? b.join(', ') : '(none)'}`;
}

export function formatExplained(title: string, explained: ExplainedQuery[]): string[] {
  const lines = [`### ${title}`, ''];
  if (!explained.length) lines.push('(no reads)', '');
  for (const [i, e] of explained.entries()) {
    lines.push(`Query ${i + 1}${e.times > 1 ? ` (ran ${e.times}×)` : ''}:`, '', '```sql', inline(e), '```', '', '```', e.plan, '```', '');
  }
  return lines;
}
