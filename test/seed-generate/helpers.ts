/** A fresh database (SQLite file or PostgreSQL schema) with a generated history in it. */
import type { Knex } from 'knex';
import type { Backend } from '../support/backends';
import { openDb } from '../../src/store/db';
import { generate, type GenerateOptions, type GenerateSummary } from '../../src/seed-generate/generate';
import { eventRowFromDb } from '../../src/store/dossier-store';

export const END = '2026-11-24';

export interface GeneratedDb {
  db: Knex;
  url: string;
  schema?: string;
  summary: GenerateSummary;
  drop(): Promise<void>;
}

export async function generatedDb(backend: Backend, opts: Partial<Omit<GenerateOptions, 'db'>> = {}): Promise<GeneratedDb> {
  const target = await backend.create();
  const db = openDb({ url: target.url, schema: target.schema, sqliteDriver: target.sqliteDriver });
  const summary = await generate({ db, dossiers: 200, centres: 2, months: 2, seed: 'test', end: END, ...opts });
  return {
    db,
    url: target.url,
    schema: target.schema,
    summary,
    drop: async () => {
      await db.destroy();
      await target.drop();
    },
  };
}

/** Every event as (code, seq, type, hash), in code and seq order. */
export async function chainsOf(db: Knex): Promise<string[]> {
  const rows = await db('dossier_events as e')
    .join('dossiers as d', 'd.id', 'e.dossier_id')
    .select(
      'd.code',
      'e.dossier_id',
      'e.seq',
      'e.type',
      'e.payload',
      'e.actor',
      'e.actor_unit',
      'e.occurred_at',
      'e.machine_version',
      'e.prev_hash',
      'e.hash',
    )
    .orderBy([{ column: 'd.code' }, { column: 'e.seq' }]);
  return rows.map((r: Record<string, unknown>) => {
    const e = eventRowFromDb(r);
    return `${String(r.code)} ${e.seq} ${e.type} ${e.hash}`;
  });
}
