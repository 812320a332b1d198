/**
 * Definitions change; dossiers keep the rules they started with. A changed chart and a changed
 * procedure apply to new dossiers only, and old dossiers still replay to their stored state.
 */
import { chartFor, CURRENT_CHART_VERSION, registerChartVersion, type DossierChart } from '../../machines/dossier';
import { BACKENDS } from '../support/backends';
import { ACTORS, startEngine, submission } from '../support/engine';
import { createEngineContext } from '../../src/app/engine-factory';
import { isMotcuaError } from '../../machines/engine/errors';
import { projectionDifferences } from '../../src/audit/replay';
import { findDossierByCode } from '../../src/store/dossier-store';
import { findLatestProcedure, insertProcedureVersion } from '../../src/store/procedure-store';

const HOUSEHOLD_BUSINESS = '1.001612';
const V2 = 9902;
// Version "2" of the chart: supplements are no longer limited.
registerChartVersion(V2, chartFor(CURRENT_CHART_VERSION).provide({ guards: { supplementAllowed: () => true } }) as DossierChart);

describe.each(BACKENDS)('versioned definitions on $name', (backend) => {
  test('an old dossier keeps its chart and procedure version after both change, and still replays', async () => {
    const t = await startEngine(backend);
    try {
      const old = await t.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
      expect(old.machineVersion).toBe(CURRENT_CHART_VERSION);

      // The administrator publishes a new internal process with one more step; the chart changes too.
      const latest = (await findLatestProcedure(t.db, HOUSEHOLD_BUSINESS))!;
      const def = latest.definition as { version: number; steps: { id: string; name: string; budget: unknown }[] };
      const v2def = {
        ...def,
        version: def.version + 1,
        steps: [{ ...def.steps[0]!, id: 'tiep-nhan-bo-sung', name: 'Bước mới' }, ...def.steps],
      };
      await insertProcedureVersion(t.db, {
        code: HOUSEHOLD_BUSINESS,
        version: v2def.version,
        definition: v2def,
        createdAt: new Date(0).toISOString(),
        createdBy: 'test',
      });

      const next = await createEngineContext({ url: t.dbUrl, schema: t.dbSchema, clock: t.clock, chartVersion: V2, prepare: false });
      try {
        const fresh = await next.engine.submit(submission(HOUSEHOLD_BUSINESS), ACTORS.counter);
        expect(fresh.machineVersion).toBe(V2);
        expect(fresh.procedureVersion).toBe(v2def.version);
        expect((await next.engine.snapshotOf(fresh.code)).context.procedure.steps).toHaveLength(v2def.steps.length);

        // The old dossier, moved by the new server, still follows its own (current) chart: one supplement only, old steps.
        await next.engine.act(old.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
        await next.engine.act(old.code, { type: 'REQUEST_SUPPLEMENT', missing: ['x'], reason: 'thiếu' }, ACTORS.specialist);
        await next.engine.act(old.code, { type: 'RECEIVE_SUPPLEMENT' }, ACTORS.counter);
        const second = await next.engine
          .act(old.code, { type: 'REQUEST_SUPPLEMENT', missing: ['y'], reason: 'thiếu' }, ACTORS.specialist)
          .catch((e) => e);
        expect(isMotcuaError(second, 'TRANSITION_NOT_ALLOWED')).toBe(true);
        expect((await next.engine.snapshotOf(old.code)).context.procedure.steps).toHaveLength(def.steps.length);

        // ...while the new one may ask twice.
        await next.engine.act(fresh.code, { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
        await next.engine.act(fresh.code, { type: 'REQUEST_SUPPLEMENT', missing: ['x'], reason: 'thiếu' }, ACTORS.specialist);
        await next.engine.act(fresh.code, { type: 'RECEIVE_SUPPLEMENT' }, ACTORS.counter);
        await next.engine.act(fresh.code, { type: 'REQUEST_SUPPLEMENT', missing: ['y'], reason: 'thiếu' }, ACTORS.specialist);

        for (const code of [old.code, fresh.code]) {
          const row = (await findDossierByCode(next.db, code))!;
          expect(projectionDifferences(row, await next.engine.history(code))).toEqual([]);
        }
      } finally {
        await next.close();
      }
    } finally {
      await t.drop();
    }
  });
});
