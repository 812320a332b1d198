/**
 * `npm run corpus:export`'s work: choose histories from a motcua database that cover every path a dossier
 * takes, check each one replays to what the database holds, and anonymise it (./anonymise.ts). Reads through
 * src/store only. The facts expected of each history are the database's: its stored chart snapshot, so a
 * later chart version is checked against what the running one produced; a compacted closed dossier keeps none,
 * so its history is kept only when its events replay to its row's projected columns, and its replay gives the rest.
 */
import { chartFor, restoreSnapshot } from '../../machines/dossier';
import { decodeRow } from '../../machines/engine/event-codec';
import type { Db } from '../store/db';
import {
  findDossiersByIds,
  listDossiersAfter,
  listEvents,
  listEventsByDossier,
  type DossierRow,
  type EventRow,
} from '../store/dossier-store';
import { restoreFromEvents } from '../engine/restore-row';
import { projectionDifferences } from '../audit/replay';
import { anonymiseHistory, corpusCode, corpusId, Pseudonyms } from './anonymise';
import {
  checkHistory,
  CORPUS_FORMAT,
  outcomeOf,
  pathOf,
  replayHistory,
  type CorpusHeader,
  type CorpusHistory,
  type CorpusOutcome,
} from './corpus';

export interface ExportOptions {
  /** histories to keep at most */
  limit: number;
  /** rows read per query */
  pageSize?: number;
}

export interface CorpusExport {
  header: CorpusHeader;
  histories: CorpusHistory[];
  /** every path found in the database, with how many dossiers took it and how many the corpus keeps */
  paths: { path: string; dossiers: number; kept: number }[];
  /** dossiers left out because they do not replay to what the database holds (or no longer after anonymising) */
  skipped: { code: string; why: string }[];
}

/** The outcome the database holds: the stored snapshot's, or (a compacted closed dossier keeps none) its events' replayed. */
async function storedOutcomes(db: Db, rows: readonly DossierRow[]): Promise<(CorpusOutcome | Error)[]> {
  const closed = rows.filter((r) => r.snapshot === null).map((r) => r.id);
  const events = closed.length ? await listEventsByDossier(db, closed) : new Map<string, EventRow[]>();
  return rows.map((row) => {
    try {
      return outcomeOf(
        row.snapshot === null
          ? restoreFromEvents(row, events.get(row.id) ?? []).snapshot
          : restoreSnapshot(chartFor(row.machine_version), JSON.parse(row.snapshot)),
      );
    } catch (err) {
      return err as Error;
    }
  });
}

/**
 * Every path gets its share: the dossiers are grouped by path (in id order) and taken round-robin over the
 * paths, rarest first, until `limit`. Deterministic for a given database.
 */
export async function exportCorpus(db: Db, opts: ExportOptions): Promise<CorpusExport> {
  const pageSize = opts.pageSize ?? 1000;
  const byPath = new Map<string, { count: number; ids: string[] }>();
  const skipped: CorpusExport['skipped'] = [];
  for (let after = ''; ;) {
    const rows = await listDossiersAfter(db, after, pageSize);
    if (!rows.length) break;
    const outcomes = await storedOutcomes(db, rows);
    for (const [i, row] of rows.entries()) {
      const outcome = outcomes[i]!;
      if (outcome instanceof Error) {
        skipped.push({ code: row.code, why: `stored snapshot unreadable: ${outcome.message}` });
        continue;
      }
      const path = pathOf(outcome);
      const group = byPath.get(path) ?? byPath.set(path, { count: 0, ids: [] }).get(path)!;
      group.count += 1;
      if (group.ids.length < opts.limit) group.ids.push(row.id);
    }
    after = rows[rows.length - 1]!.id;
  }

  const order = [...byPath.entries()].sort((a, b) => a[1].count - b[1].count || (a[0] < b[0] ? -1 : 1));
  const chosen: { path: string; id: string }[] = [];
  for (let round = 0; chosen.length < opts.limit && order.some(([, g]) => g.ids.length > round); round++) {
    for (const [path, g] of order) {
      const id = g.ids[round];
      if (id !== undefined && chosen.length < opts.limit) chosen.push({ path, id });
    }
  }

  const users = new Pseudonyms();
  const histories: CorpusHistory[] = [];
  const kept = new Map<string, number>();
  for (let i = 0; i < chosen.length; i += pageSize) {
    const slice = chosen.slice(i, i + pageSize);
    const rows = new Map(
      (
        await findDossiersByIds(
          db,
          slice.map((c) => c.id),
        )
      ).map((r) => [r.id, r]),
    );
    for (const { path, id } of slice) {
      const row = rows.get(id)!;
      const events = (await listEvents(db, id)).map(decodeRow);
      const n = histories.length + 1;
      let expected: CorpusOutcome;
      try {
        // a compacted closed dossier keeps no snapshot: its events must then replay to the row's projected columns
        if (row.snapshot === null && projectionDifferences(row, events).length) {
          skipped.push({ code: row.code, why: 'its events do not replay to its stored row (run npm run audit:verify)' });
          continue;
        }
        const own = outcomeOf(replayHistory({ id, events }));
        expected = row.snapshot === null ? own : outcomeOf(restoreSnapshot(chartFor(row.machine_version), JSON.parse(row.snapshot)));
        if (JSON.stringify(own) !== JSON.stringify(expected)) {
          skipped.push({ code: row.code, why: 'its events do not replay to its stored snapshot (run npm run audit:verify)' });
          continue;
        }
      } catch (err) {
        skipped.push({ code: row.code, why: `does not replay: ${(err as Error).message}` });
        continue;
      }
      const history: CorpusHistory = {
        id: corpusId(n),
        code: corpusCode(n),
        machineVersion: row.machine_version,
        events: anonymiseHistory(events, n, users),
        expected: { ...expected, assignee: expected.assignee === null ? null : users.of(expected.assignee) },
      };
      const differences = checkHistory(history);
      if (differences.length) {
        skipped.push({ code: row.code, why: `anonymising changed its replay: ${differences.map((d) => d.field).join(', ')}` });
        continue;
      }
      histories.push(history);
      kept.set(path, (kept.get(path) ?? 0) + 1);
    }
  }
  return {
    header: {
      format: CORPUS_FORMAT,
      histories: histories.length,
      selection: `every path, rarest first, round-robin, at most ${opts.limit}`,
    },
    histories,
    paths: order.map(([path, g]) => ({ path, dossiers: g.count, kept: kept.get(path) ?? 0 })),
    skipped,
  };
}
