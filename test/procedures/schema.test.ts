import { ProcedureDefinitionSchema, makeProcedureDefinitionSchema } from '../../machines/procedures';
import { sameDayDefinition } from './fixtures';

describe('procedure definition schema', () => {
  test('omitted settings get their defaults: one supplement, one re-appointment, apology a day before, no financial pause', () => {
    const def = ProcedureDefinitionSchema.parse(sameDayDefinition());
    expect(def.maxSupplements).toBe(1);
    expect(def.apology).toEqual({ maxReappointments: 1, deadline: 'one_working_day_before' });
    expect(def.pauseReasons).toEqual(['verification', 'applicant_request', 'other']);
    expect(def.cutoff).toBeUndefined();
  });

  test('a same-day procedure is written as 0 days', () => {
    expect(ProcedureDefinitionSchema.safeParse(sameDayDefinition()).success).toBe(true);
  });

  test('0 hours is not a processing time', () => {
    const result = ProcedureDefinitionSchema.safeParse(sameDayDefinition({ processingTime: { value: 0, unit: 'hours' } }));
    expect(result.success).toBe(false);
  });

  test('fractional days are rejected, fractional hours are not', () => {
    const days = ProcedureDefinitionSchema.safeParse(sameDayDefinition({ processingTime: { value: 2.5, unit: 'days' } }));
    expect(days.success).toBe(false);
    expect(days.error?.issues[0]?.path).toEqual(['processingTime', 'value']);
    const hours = ProcedureDefinitionSchema.safeParse(sameDayDefinition({ processingTime: { value: 7.5, unit: 'hours' } }));
    expect(hours.success).toBe(true);
  });

  test('a step budget must be more than zero', () => {
    const def = sameDayDefinition();
    const steps = [{ id: 'ky-cap', name: 'Ký', role: 'leader', unit: 'LANHDAO', budget: { value: 0, unit: 'hours' } }];
    expect(ProcedureDefinitionSchema.safeParse({ ...def, steps }).success).toBe(false);
  });

  test('a procedure needs at least one step', () => {
    expect(ProcedureDefinitionSchema.safeParse(sameDayDefinition({ steps: [] })).success).toBe(false);
  });

  test('the cut-off is a local "HH:MM"', () => {
    expect(ProcedureDefinitionSchema.safeParse(sameDayDefinition({ cutoff: '17:00' })).success).toBe(true);
    expect(ProcedureDefinitionSchema.safeParse(sameDayDefinition({ cutoff: '5pm' })).success).toBe(false);
    expect(ProcedureDefinitionSchema.safeParse(sameDayDefinition({ cutoff: '24:00' })).success).toBe(false);
  });

  test('the fee is whole đồng, not negative', () => {
    expect(ProcedureDefinitionSchema.safeParse(sameDayDefinition({ fee: { amount: 1500.5 } })).success).toBe(false);
    expect(ProcedureDefinitionSchema.safeParse(sameDayDefinition({ fee: { amount: -1 } })).success).toBe(false);
  });

  test('misspelt keys are rejected rather than silently ignored', () => {
    const result = ProcedureDefinitionSchema.safeParse(sameDayDefinition({ maxSuplements: 2 }));
    expect(result.success).toBe(false);
  });

  test('step ids are slugs', () => {
    const def = sameDayDefinition();
    const steps = [{ id: 'Thẩm định', name: 'Thẩm định', role: 'specialist', unit: 'VHXH', budget: { value: 4, unit: 'hours' } }];
    expect(ProcedureDefinitionSchema.safeParse({ ...def, steps }).success).toBe(false);
  });

  test('the code pattern is configurable', () => {
    const provincial = makeProcedureDefinitionSchema(/^\d\.\d{6}(\.H\d{2})?$/);
    expect(provincial.safeParse(sameDayDefinition({ code: '1.013978.H36' })).success).toBe(true);
    expect(ProcedureDefinitionSchema.safeParse(sameDayDefinition({ code: '1.013978.H36' })).success).toBe(false);
  });
});
