/**
 * The procedure catalogue as users see it, and its administration: a changed definition is a new
 * version (running dossiers keep theirs); definitions are validated like the shipped catalogue.
 */
import type { EngineContext } from '../app/engine-factory';
import { loadProcedures, ProcedureDefinitionError, ProcedureDefinitionSchema, type ProcedureDefinition } from '../../machines/procedures';
import { forbidden, notFound, validationFailed } from '../../machines/engine/errors';
import { findLatestProcedure, findProcedureVersion, insertProcedureVersion, listLatestProcedures } from '../store/procedure-store';
import { hasRole, type AuthUser } from './auth-user';
import { fieldIssues } from './validate';

/** Each unknown key named as its own field (the catalogue's loader names only the object that holds it). */
function unknownFields(input: unknown) {
  const parsed = ProcedureDefinitionSchema.safeParse(input);
  return parsed.success ? [] : fieldIssues(parsed.error.issues.filter((i) => i.code === 'unrecognized_keys'));
}

/** dossiers.step_id holds 64 characters: a longer step id would fail only when a dossier reached that step */
const MAX_STEP_ID = 64;

function validate(input: unknown): ProcedureDefinition {
  const steps = (input as { steps?: unknown }).steps;
  if (Array.isArray(steps)) {
    const long = steps.flatMap((st, i) =>
      typeof (st as { id?: unknown })?.id === 'string' && (st as { id: string }).id.length > MAX_STEP_ID
        ? [{ field: `steps.${i}.id`, reason: `at most ${MAX_STEP_ID} characters` }]
        : [],
    );
    if (long.length) throw validationFailed(long, 'Định nghĩa thủ tục không hợp lệ');
  }
  try {
    return loadProcedures([input])[0]!;
  } catch (err) {
    if (err instanceof ProcedureDefinitionError) {
      const problems = err.problems
        .filter((p) => !/^Unrecognized keys?:/.test(p.message))
        .map((p) => ({ field: p.path || '(body)', reason: p.message }));
      throw validationFailed([...problems, ...unknownFields(input)], 'Định nghĩa thủ tục không hợp lệ');
    }
    throw err;
  }
}

export class ProcedureService {
  constructor(private readonly ctx: EngineContext) {}

  async list(): Promise<ProcedureDefinition[]> {
    return (await listLatestProcedures(this.ctx.db)).map((p) => p.definition as ProcedureDefinition);
  }

  async get(code: string, version?: number): Promise<ProcedureDefinition> {
    const found = version ? await findProcedureVersion(this.ctx.db, code, version) : await findLatestProcedure(this.ctx.db, code);
    if (!found) throw notFound('thủ tục', code);
    return found.definition as ProcedureDefinition;
  }

  /** POST: a procedure that does not exist yet (version 1). */
  async create(user: AuthUser, body: unknown): Promise<ProcedureDefinition> {
    if (!hasRole(user, 'admin')) throw forbidden('Chỉ quản trị viên được thêm thủ tục');
    const def = validate({ ...(body as object), version: 1 });
    if (await findLatestProcedure(this.ctx.db, def.code))
      throw validationFailed([{ field: 'code', reason: 'procedure already exists; use PUT to publish a new version' }]);
    await insertProcedureVersion(this.ctx.db, {
      code: def.code,
      version: 1,
      definition: def,
      createdAt: this.ctx.clock.now().toISOString(),
      createdBy: user.username,
    });
    return def;
  }

  /** PUT: publishes the next version of an existing procedure. */
  async publish(user: AuthUser, code: string, body: unknown): Promise<ProcedureDefinition> {
    if (!hasRole(user, 'admin')) throw forbidden('Chỉ quản trị viên được sửa thủ tục');
    const latest = await findLatestProcedure(this.ctx.db, code);
    if (!latest) throw notFound('thủ tục', code);
    const def = validate({ ...(body as object), code, version: latest.version + 1 });
    await insertProcedureVersion(this.ctx.db, {
      code,
      version: def.version,
      definition: def,
      createdAt: this.ctx.clock.now().toISOString(),
      createdBy: user.username,
    });
    return def;
  }
}
