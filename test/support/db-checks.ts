/**
 * Whole-database checks after a load, a crash or a backup: every acknowledged write is there, once;
 * each dossier's events are numbered 1..version with no gap; codes are unique; and the audit
 * (src/audit/verify-all.ts: every chain verifies, every projection equals its replay) has no finding.
 * Each check returns a list of problems (empty = fine), so a failure names every one.
 */
import type { Knex } from 'knex';
import type { BlobStore } from '../../src/store/blob-store';
import { verifyAll } from '../../src/audit/verify-all';
import type { Finding } from '../../src/audit/verify-dossier';
import type { Ack } from './api-client';

interface EventFact {
  seq: number;
  type: string;
  actor: string;
}

async function eventsByCode(db: Knex, codes: string[]): Promise<Map<string, { version: number; events: EventFact[] }>> {
  const out = new Map<string, { version: number; events: EventFact[] }>();
  for (let i = 0; i < codes.length; i += 500) {
    const chunk = codes.slice(i, i + 500);
    const rows = await db('dossiers as d')
      .join('dossier_events as e', 'e.dossier_id', 'd.id')
      .whereIn('d.code', chunk)
      .select('d.code', 'd.version', 'e.seq', 'e.type', 'e.actor')
      .orderBy([{ column: 'd.code' }, { column: 'e.seq' }]);
    for (const r of rows) {
      let entry = out.get(r.code);
      if (!entry) out.set(r.code, (entry = { version: Number(r.version), events: [] }));
      entry.events.push({ seq: Number(r.seq), type: String(r.type), actor: String(r.actor) });
    }
  }
  return out;
}

/** Every acknowledged write is in the database: its dossier exists, and its event lies where the answer said. */
export async function missingAcks(db: Knex, acks: Ack[]): Promise<string[]> {
  const facts = await eventsByCode(db, [...new Set(acks.map((a) => a.code))]);
  const problems: string[] = [];
  for (const a of acks) {
    const f = facts.get(a.code);
    if (!f) {
      problems.push(`${a.code}: acknowledged ${a.type} (v${a.version}, via ${a.via}) but the dossier is not in the database`);
      continue;
    }
    if (f.version < a.version)
      problems.push(`${a.code}: acknowledged v${a.version} (${a.type} via ${a.via}) but the database has v${f.version}`);
    const found = f.events.filter((e) => e.seq > a.fromVersion && e.seq <= a.version && e.type === a.type && e.actor === a.actor);
    if (found.length !== 1)
      problems.push(
        `${a.code}: acknowledged ${a.type} by ${a.actor} in (v${a.fromVersion}, v${a.version}] via ${a.via}, found ${found.length}`,
      );
  }
  return problems;
}

/**
 * The users' events in the database are exactly the acknowledged ones (for a run in which every request
 * got an answer): none lost, none written twice, none written for a refused request.
 */
export async function unacknowledgedUserEvents(db: Knex, acks: Ack[], codes: string[]): Promise<string[]> {
  const facts = await eventsByCode(db, codes);
  const expected = new Map<string, number>();
  for (const a of acks) {
    const key = `${a.code} ${a.type} ${a.actor}`;
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  const actual = new Map<string, number>();
  for (const [code, f] of facts) {
    for (const e of f.events) {
      if (e.actor === 'system' || e.type === 'RECEIVE') continue; // RECEIVE comes with a counter SUBMIT
      const key = `${code} ${e.type} ${e.actor}`;
      actual.set(key, (actual.get(key) ?? 0) + 1);
    }
  }
  const problems: string[] = [];
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const want = expected.get(key) ?? 0;
    const got = actual.get(key) ?? 0;
    if (want !== got) problems.push(`${key}: acknowledged ${want}, in the database ${got}`);
  }
  return problems;
}

/** Each dossier's events are 1..n with n = its version (no half-written transition, no gap, no extra). */
export async function seqProblems(db: Knex): Promise<string[]> {
  const rows = await db('dossiers as d')
    .leftJoin('dossier_events as e', 'e.dossier_id', 'd.id')
    .groupBy('d.id', 'd.code', 'd.version')
    .select('d.code', 'd.version', db.raw('count(e.id) as n'), db.raw('min(e.seq) as lo'), db.raw('max(e.seq) as hi'));
  return rows
    .filter(
      (r: { version: unknown; n: unknown; lo: unknown; hi: unknown }) =>
        !(Number(r.lo) === 1 && Number(r.hi) === Number(r.version) && Number(r.n) === Number(r.version)),
    )
    .map(
      (r: { code: string; version: unknown; n: unknown; lo: unknown; hi: unknown }) =>
        `${r.code}: version ${r.version}, ${r.n} events, seq ${r.lo}..${r.hi}`,
    );
}

export async function duplicateCodes(db: Knex): Promise<string[]> {
  const rows = (await db('dossiers').select('code').count({ n: '*' }).groupBy('code').havingRaw('count(*) > 1')) as unknown as {
    code: string;
    n: unknown;
  }[];
  return rows.map((r) => `${r.code} × ${r.n}`);
}

/** `count(*)` of a query, as a number. */
export async function countOf(q: Knex.QueryBuilder): Promise<number> {
  const [row] = await q.count({ n: '*' });
  return Number((row as { n: unknown } | undefined)?.n ?? 0);
}

/** The whole-database audit; returns the findings (and how many dossiers it verified). */
export async function auditFindings(db: Knex, blobs?: BlobStore): Promise<{ dossiers: number; events: number; findings: string[] }> {
  const findings: Finding[] = [];
  const summary = await verifyAll(db, {
    onFinding: (f) => void findings.push(f),
    progressEveryMs: 60_000,
    ...(blobs ? { blobs, hashFiles: true } : {}),
  });
  return {
    dossiers: summary.dossiers,
    events: summary.events,
    findings: findings.slice(0, 50).map((f) => `${f.dossierCode}${f.seq !== null ? ` seq ${f.seq}` : ''} ${f.kind}: ${f.message}`),
  };
}

/** The codes of one agency and day are 1..n with no gap and no repeat. */
export function codeSequenceProblems(codes: string[]): string[] {
  const seqs = codes.map((c) => Number(c.slice(c.lastIndexOf('-') + 1))).sort((a, b) => a - b);
  const problems: string[] = [];
  seqs.forEach((s, i) => {
    if (s !== i + 1) problems.push(`position ${i + 1} holds number ${s}`);
  });
  return problems.slice(0, 20);
}
