/**
 * The demo centre's procedure catalogue, validated when this module loads so that an invalid
 * catalogue stops the process at start-up instead of surfacing on a dossier.
 */
import { CERTIFICATION } from './data/certification';
import { CIVIL_STATUS } from './data/civil-status';
import { ECONOMY } from './data/economy';
import type { ProcedureDefinition } from './schema';
import { loadProcedures } from './validate';

export const CATALOGUE: ProcedureDefinition[] = loadProcedures([...CIVIL_STATUS, ...CERTIFICATION, ...ECONOMY]);

/** The definition with this code and version; without a version, the highest version of that code. */
export function procedureByCode(code: string, version?: number): ProcedureDefinition | undefined {
  return findProcedure(CATALOGUE, code, version);
}

export function findProcedure(defs: readonly ProcedureDefinition[], code: string, version?: number): ProcedureDefinition | undefined {
  const matching = defs.filter((p) => p.code === code && (version === undefined || p.version === version));
  return matching.reduce<ProcedureDefinition | undefined>(
    (best, p) => (best === undefined || p.version > best.version ? p : best),
    undefined,
  );
}
