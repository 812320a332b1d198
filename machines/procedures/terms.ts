/** What a dossier pins of its procedure at submission. Pure. */
import type { ProcedureTerms } from '../dossier';
import type { ProcedureDefinition } from './schema';

/** The part of a procedure definition the chart needs, pinned into the dossier at submission. */
export function termsOf(def: ProcedureDefinition): ProcedureTerms {
  return {
    code: def.code,
    version: def.version,
    processingTime: def.processingTime,
    steps: def.steps.map((s) => ({ id: s.id, name: s.name, role: s.role, unit: s.unit, budget: s.budget })),
    maxSupplements: def.maxSupplements,
    maxReappointments: def.apology.maxReappointments,
    apologyDeadline: def.apology.deadline,
    cutoff: def.cutoff ?? null,
    pauseReasons: def.pauseReasons,
    supplementWindowDays: def.supplementWindowDays,
  };
}
