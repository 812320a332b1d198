/**
 * The read scope is one rule with two halves: in memory (DossierAccess, every single-dossier read) and in
 * SQL (the dossier list). Over generated dossiers — random current units and random units of the people
 * who acted on them — and every role × unit, both halves must admit exactly the same dossiers.
 */
import fc from 'fast-check';
import '../support/fast-check-seed';
import { UNITS, ROLES, type Role } from '../../machines/procedures';
import type { AuthUser } from '../../src/services/auth-user';
import { DossierAccess, inReadScope, readScopeOf } from '../../src/services/dossier-access';
import { findDossiers } from '../../src/store/dossier-queries';
import { isMotcuaError } from '../../machines/engine/errors';
import { BACKENDS } from '../support/backends';
import { startEngine, submission, type StartedEngine } from '../support/engine';

const UNIT_CODES = UNITS.map((u) => u.code);
const PROCEDURE = '1.001612';

/** One generated dossier: its channel, then who reassigns it to which unit. */
const dossierArb = fc.record({
  online: fc.boolean(),
  moves: fc.array(fc.record({ actorUnit: fc.constantFrom(...UNIT_CODES), toUnit: fc.constantFrom(...UNIT_CODES) }), { maxLength: 3 }),
});

const users: AuthUser[] = [
  ...ROLES.flatMap((role) => UNIT_CODES.map((unit) => ({ username: `${role}_${unit}`, fullName: role, roles: [role], unit }))),
  { username: 'both', fullName: 'both', roles: ['specialist', 'leader'] as Role[], unit: 'VHXH' },
];

describe('read scope: pure rule', () => {
  test('an office user reads a dossier at its unit or acted on by its unit, nothing else', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...UNIT_CODES),
        fc.option(fc.constantFrom(...UNIT_CODES), { nil: null }),
        fc.array(fc.option(fc.constantFrom(...UNIT_CODES), { nil: null })),
        (own, unit, actedOnBy) => {
          const scope = readScopeOf({ username: 'u', fullName: 'u', roles: ['specialist'], unit: own });
          expect(inReadScope(scope, { unit, actedOnBy })).toBe(unit === own || actedOnBy.includes(own));
        },
      ),
    );
  });
});

describe.each(BACKENDS)('read scope: the in-memory check and the SQL filter agree ($label)', (backend) => {
  let t: StartedEngine;
  const codes: string[] = [];

  beforeAll(async () => {
    t = await startEngine(backend);
    const world = fc.sample(fc.array(dossierArb, { minLength: 12, maxLength: 12 }), 1)[0]!;
    for (const d of world) {
      const created = await t.engine.submit(submission(PROCEDURE, d.online ? 'online' : 'counter'), {
        username: 'counter',
        unit: 'TTPVHCC',
      });
      codes.push(created.code);
      if (d.online) continue; // stays submitted at no unit
      for (const m of d.moves) {
        await t.engine.act(created.code, { type: 'ASSIGN', unit: m.toUnit }, { username: `x_${m.actorUnit}`, unit: m.actorUnit });
      }
    }
  }, 60_000);

  afterAll(async () => t?.drop());

  test('every role × unit sees in the list exactly the dossiers it may open', async () => {
    const access = new DossierAccess(t.db);
    let admitted = 0;
    let refused = 0;
    for (const user of users) {
      const scope = readScopeOf(user);
      const listed = await findDossiers(t.db, { sort: 'recent', limit: 1000, scopeUnits: scope === 'all' ? undefined : [...scope] });
      const inList = new Set(listed.rows.map((r) => r.code));
      for (const code of codes) {
        const opens = await access.rowForUser(user, code).then(
          () => true,
          (err: unknown) => {
            if (isMotcuaError(err, 'FORBIDDEN')) return false;
            throw err;
          },
        );
        expect({ user: user.username, code, opens }).toEqual({ user: user.username, code, opens: inList.has(code) });
        if (opens) admitted++;
        else refused++;
      }
    }
    // the generated world exercises both answers
    expect(admitted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
