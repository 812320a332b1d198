/**
 * The one door to a dossier for a signed-in user: load the row, check the user's read scope, restore
 * the chart snapshot. Every service that reads one dossier on a user's behalf (the dossier service, the
 * audit service, the forms) goes through `loadForUser` (or `rowForUser` when the snapshot may be broken).
 *
 * The read scope is one rule with two halves: `readScopeOf` says which units a user reads for (or all);
 * a dossier is in a unit scope when it is at one of those units now or someone of one of them acted on
 * it ("the office holds it now or handled it before", docs/access-policy.md). `inReadScope` applies it
 * in memory, `findDossiers({scopeUnits})` (src/store/dossier-queries.ts) in SQL;
 * test/services/read-scope.test.ts checks that both halves agree over generated users × dossiers.
 */
import type { DossierSnapshot } from '../../machines/dossier';
import { UNITS } from '../../machines/procedures';
import { forbidden, notFound } from '../../machines/engine/errors';
import { restoreRow } from '../engine/restore-row';
import type { Db } from '../store/db';
import { unitsThatActedOn } from '../store/dossier-queries';
import { findDossierByCode, type DossierRow } from '../store/dossier-store';
import { hasRole, type AuthUser } from './auth-user';

/** `all`: every dossier; else the units whose dossiers the user may read. */
export type ReadScope = 'all' | readonly string[];

/** Who reads which dossiers: the counter and leadership see every dossier; an office sees its own. */
export function readScopeOf(user: AuthUser): ReadScope {
  if (hasRole(user, 'counter', 'supervisor', 'auditor', 'admin')) return 'all';
  if (hasRole(user, 'leader') && UNITS.some((u) => u.code === user.unit && u.kind === 'leadership')) return 'all';
  return [user.unit];
}

/** The facts the read scope looks at: where the dossier is and which units acted on it. */
export interface ScopeFacts {
  unit: string | null;
  actedOnBy: readonly (string | null)[];
}

/** Pure: the in-memory half of the read scope. */
export function inReadScope(scope: ReadScope, d: ScopeFacts): boolean {
  if (scope === 'all') return true;
  return (d.unit !== null && scope.includes(d.unit)) || d.actedOnBy.some((u) => u !== null && scope.includes(u));
}

export const OUT_OF_SCOPE = 'Hồ sơ không thuộc phạm vi của bạn';

export class DossierAccess {
  constructor(private readonly db: Db) {}

  /** 403 unless the dossier is in the user's read scope; reads the events' units only when the row alone does not decide. */
  async ensureReadable(user: AuthUser, row: Pick<DossierRow, 'id' | 'unit'>): Promise<void> {
    const scope = readScopeOf(user);
    if (inReadScope(scope, { unit: row.unit, actedOnBy: [] })) return;
    const actedOnBy = scope === 'all' ? [] : await unitsThatActedOn(this.db, row.id, scope);
    if (!inReadScope(scope, { unit: row.unit, actedOnBy })) throw forbidden(OUT_OF_SCOPE);
  }

  /** The row of a dossier the user may read: 404 when unknown, 403 when out of scope. The snapshot is not restored. */
  async rowForUser(user: AuthUser, code: string): Promise<DossierRow> {
    const row = await findDossierByCode(this.db, code);
    if (!row) throw notFound('hồ sơ', code);
    await this.ensureReadable(user, row);
    return row;
  }

  /** The row and restored snapshot of a dossier the user may read: 404 when unknown, 403 when out of scope. */
  async loadForUser(user: AuthUser, code: string): Promise<{ row: DossierRow; snapshot: DossierSnapshot }> {
    const row = await this.rowForUser(user, code);
    return { row, snapshot: (await restoreRow(this.db, row)).snapshot };
  }
}
