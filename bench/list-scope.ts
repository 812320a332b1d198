/**
 * The dossier list under a unit read scope (a specialist's `GET /api/dossiers`: `findDossiers({ scopeUnits })`,
 * src/store/dossier-queries.ts) on several databases, rounds alternated between them: for the archive's extra
 * EXISTS (an archived dossier's acting units are on its archive row, src/store/event-archive.ts) measured on a copy
 * of a large database before and after `events:archive`.
 *
 *   node dist-bench/bench/list-scope.js --databases postgres://…/before,postgres://…/after [--units KINHTE,VHXH] [--rounds 5] [--explain]
 *
 * Cases per unit: the first page newest first (the API's default, 25 rows); 10 pages of 25 walked with the cursor;
 * the first page by due date, and 10 pages of it; the inbox as the web UI loads it (GET /api/dossiers?mine=1&state=
 * <pending>&sort=due, pages of 100, at most 5: src/web/views/inbox.js); the first page of returned dossiers (every
 * candidate closed: the archive's EXISTS on each). Each case's median over the rounds, per database; `--explain`
 * prints EXPLAIN (ANALYZE, BUFFERS) of each case's queries of the keys (not the page's rows) on each database.
 */
import type { Knex } from 'knex';
import { PENDING_STATES } from '../machines/vocabulary';
import { openDb } from '../src/store/db';
import { findDossiers, type DossierFilter } from '../src/store/dossier-queries';
import { captureQueries, explainQueries, formatExplained } from './explain';
import { argFlag, argValue, median } from './stats';

interface Case {
  name: string;
  filter: Omit<DossierFilter, 'scopeUnits'> | ((unit: string) => Omit<DossierFilter, 'scopeUnits'>);
  pages: number;
}

const CASES: Case[] = [
  { name: 'recent, page 1', filter: { sort: 'recent', limit: 25 }, pages: 1 },
  { name: 'recent, 10 pages', filter: { sort: 'recent', limit: 25 }, pages: 10 },
  { name: 'due, page 1', filter: { sort: 'due', limit: 25 }, pages: 1 },
  { name: 'due, 10 pages', filter: { sort: 'due', limit: 25 }, pages: 10 },
  {
    name: 'inbox (mine, pending, due, ≤ 5 × 100)',
    filter: (unit) => ({ sort: 'due', limit: 100, states: [...PENDING_STATES], mine: { unit, username: `bench.${unit}` } }),
    pages: 5,
  },
  { name: 'returned, page 1', filter: { sort: 'recent', limit: 25, states: ['returned'] }, pages: 1 },
];

async function runCase(db: Knex, c: Case, units: string[]): Promise<{ ms: number; rows: number }> {
  const started = performance.now();
  let rows = 0;
  let cursor: string | undefined;
  const filter = typeof c.filter === 'function' ? c.filter(units[0]!) : c.filter;
  for (let p = 0; p < c.pages; p++) {
    const page = await findDossiers(db, { ...filter, scopeUnits: units, cursor } as DossierFilter);
    rows += page.rows.length;
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return { ms: performance.now() - started, rows };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const urls = (argValue(argv, 'databases') ?? '').split(',').filter(Boolean);
  if (!urls.length) throw new Error('--databases URL[,URL…]');
  const units = (argValue(argv, 'units', 'KINHTE,VHXH') ?? '').split(',');
  const rounds = Number(argValue(argv, 'rounds', '5'));
  const dbs = urls.map((url) => openDb({ url, poolMax: 2 }));
  const name = (i: number) => urls[i]!.slice(urls[i]!.lastIndexOf('/') + 1);
  const times = new Map<string, number[]>();
  const rowsOf = new Map<string, number>();
  try {
    // one warm-up round, then rounds alternating which database goes first
    for (let round = 0; round <= rounds; round++) {
      const order = dbs.map((_, i) => i);
      if (round % 2) order.reverse();
      for (const i of order)
        for (const unit of units)
          for (const c of CASES) {
            const { ms, rows } = await runCase(dbs[i]!, c, [unit]);
            const key = `${name(i)}|${unit}|${c.name}`;
            if (round > 0) times.set(key, [...(times.get(key) ?? []), ms]);
            rowsOf.set(key, rows);
          }
    }
    console.log(`| unit | case | ${urls.map((_, i) => `${name(i)} ms (rows)`).join(' | ')} | ratio last ÷ first |`);
    console.log(`|---|---|${urls.map(() => '---|').join('')}---|`);
    for (const unit of units)
      for (const c of CASES) {
        const meds = urls.map((_, i) => median(times.get(`${name(i)}|${unit}|${c.name}`)!));
        const cells = meds.map((m, i) => `${m.toFixed(1)} (${rowsOf.get(`${name(i)}|${unit}|${c.name}`)})`);
        console.log(`| ${unit} | ${c.name} | ${cells.join(' | ')} | ${(meds[meds.length - 1]! / meds[0]!).toFixed(2)} |`);
      }
    if (argFlag(argv, 'explain'))
      for (const [i, db] of dbs.entries())
        for (const unit of units)
          for (const c of CASES.filter((x) => x.pages === 1)) {
            const { queries } = await captureQueries(db, () => runCase(db, c, [unit]));
            // the keys' queries, not the page's rows (by ids)
            const keys = queries.filter((q) => !/where "id" in \(/.test(q.sql));
            const explained = await explainQueries(db, keys, { postgresUrl: urls[i] });
            console.log(formatExplained(`${name(i)}: ${unit}, ${c.name}`, explained).join('\n'));
          }
  } finally {
    await Promise.all(dbs.map((d) => d.destroy()));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
