import { ProcedureDefinitionError, capacityHours, loadProcedures, toHours, totalBudgetHours } from '../../machines/procedures';
import { sameDayDefinition, step } from './fixtures';

function problemsOf(input: unknown[], opts?: Parameters<typeof loadProcedures>[1]) {
  try {
    loadProcedures(input, opts);
  } catch (e) {
    if (e instanceof ProcedureDefinitionError) return e;
    throw e;
  }
  throw new Error('expected loadProcedures to throw');
}

describe('working-time arithmetic', () => {
  test('one working day is 8 working hours', () => {
    expect(toHours({ value: 3, unit: 'days' })).toBe(24);
    expect(toHours({ value: 5, unit: 'hours' })).toBe(5);
  });

  test('a same-day procedure has a capacity of one working day', () => {
    expect(capacityHours({ value: 0, unit: 'days' })).toBe(8);
    expect(capacityHours({ value: 15, unit: 'days' })).toBe(120);
  });

  test('total budget adds days and hours in working hours', () => {
    const steps = [step('a', { value: 4, unit: 'hours' }), step('b', { value: 2, unit: 'days' })];
    expect(totalBudgetHours(loadProcedures([sameDayDefinition({ processingTime: { value: 3, unit: 'days' }, steps })])[0]!)).toBe(20);
  });
});

describe('loading procedure definitions', () => {
  test('a valid definition loads with its defaults', () => {
    const [def] = loadProcedures([sameDayDefinition()]);
    expect(def?.code).toBe('1.001193');
    expect(def?.maxSupplements).toBe(1);
  });

  test('budgets that exactly fill a same-day procedure are accepted (4h + 2h + 2h)', () => {
    expect(() => loadProcedures([sameDayDefinition()])).not.toThrow();
  });

  test('a catalogue with step budgets exceeding the processing time is rejected with a message naming the procedure and the sum', () => {
    const steps = [step('tham-dinh', { value: 6, unit: 'hours' }), step('ky-cap', { value: 4, unit: 'hours' })];
    const error = problemsOf([sameDayDefinition({ steps })]);
    expect(error.problems).toEqual([
      {
        procedure: '1.001193 v1',
        path: 'steps',
        message: 'step budgets add up to 10 working hours, more than the processing time (0 days = 8 working hours)',
      },
    ]);
    expect(error.message).toContain(
      '1.001193 v1 steps: step budgets add up to 10 working hours, more than the processing time (0 days = 8 working hours)',
    );
  });

  test('day budgets are converted at 8 hours a day before comparing', () => {
    const steps = [step('tham-dinh', { value: 2, unit: 'days' }), step('ky-cap', { value: 9, unit: 'hours' })];
    const error = problemsOf([sameDayDefinition({ processingTime: { value: 3, unit: 'days' }, steps })]);
    expect(error.problems[0]?.message).toBe(
      'step budgets add up to 25 working hours, more than the processing time (3 days = 24 working hours)',
    );
  });

  test('an unknown role is rejected', () => {
    const steps = [step('tham-dinh', { value: 4, unit: 'hours' }, { role: 'clerk' })];
    const error = problemsOf([sameDayDefinition({ steps })]);
    expect(error.problems).toEqual([
      {
        procedure: '1.001193 v1',
        path: 'steps.0.role',
        message: 'unknown role "clerk"; expected one of counter, specialist, leader, supervisor, auditor, admin',
      },
    ]);
  });

  test('an unknown unit code is rejected', () => {
    const steps = [step('tham-dinh', { value: 4, unit: 'hours' }, { unit: 'TAICHINH' })];
    const error = problemsOf([sameDayDefinition({ steps })]);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({ path: 'steps.0.unit' });
    expect(error.problems[0]?.message).toMatch(/^unknown unit "TAICHINH"; expected one of TTPVHCC, VHXH, KINHTE/);
  });

  test('the known units can be configured', () => {
    const steps = [step('tham-dinh', { value: 4, unit: 'hours' }, { unit: 'TAICHINH' })];
    expect(() => loadProcedures([sameDayDefinition({ steps })], { units: ['TAICHINH'] })).not.toThrow();
    expect(() => loadProcedures([sameDayDefinition()], { units: ['TAICHINH'] })).toThrow(ProcedureDefinitionError);
  });

  test('duplicate codes are rejected', () => {
    const error = problemsOf([sameDayDefinition(), sameDayDefinition({ name: 'Đăng ký khai sinh (bản sao)' })]);
    expect(error.problems).toEqual([
      { procedure: '1.001193 v1', path: 'code', message: 'duplicate procedure 1.001193 v1 (also definition #1)' },
    ]);
  });

  test('two versions of the same code are not duplicates', () => {
    expect(loadProcedures([sameDayDefinition(), sameDayDefinition({ version: 2 })])).toHaveLength(2);
  });

  test('duplicate step ids inside a procedure are rejected', () => {
    const steps = [step('tham-dinh', { value: 2, unit: 'hours' }), step('tham-dinh', { value: 2, unit: 'hours' })];
    const error = problemsOf([sameDayDefinition({ steps })]);
    expect(error.problems).toEqual([
      { procedure: '1.001193 v1', path: 'steps.1.id', message: 'duplicate step id "tham-dinh" (also steps.0)' },
    ]);
  });

  test('the same step id in two procedures is fine', () => {
    expect(() => loadProcedures([sameDayDefinition(), sameDayDefinition({ code: '1.000894' })])).not.toThrow();
  });

  test('a code that does not match the pattern is rejected', () => {
    const error = problemsOf([sameDayDefinition({ code: '1001193' })]);
    expect(error.problems).toEqual([
      { procedure: '1001193 v1', path: 'code', message: 'national procedure code "1001193" does not match /^\\d\\.\\d{6}$/' },
    ]);
  });

  test('the code pattern can be configured', () => {
    const defs = [sameDayDefinition({ code: 'HN-0001' })];
    expect(() => loadProcedures(defs, { codePattern: /^[A-Z]{2}-\d{4}$/ })).not.toThrow();
    expect(() => loadProcedures([sameDayDefinition()], { codePattern: /^[A-Z]{2}-\d{4}$/g })).toThrow(/does not match/);
  });

  test('fractional days are rejected, in the processing time and in step budgets', () => {
    const steps = [step('tham-dinh', { value: 0.5, unit: 'days' })];
    const error = problemsOf([sameDayDefinition({ processingTime: { value: 1.5, unit: 'days' }, steps })]);
    expect(error.problems.map((p) => p.path)).toEqual(['processingTime.value', 'steps.0.budget.value']);
    expect(error.problems[0]?.message).toMatch(/^fractional days \(1\.5\)/);
  });

  test('all problems are reported at once', () => {
    const broken = sameDayDefinition({
      code: '1.000894',
      steps: [
        step('tham-dinh', { value: 6, unit: 'hours' }, { role: 'clerk' }),
        step('tham-dinh', { value: 4, unit: 'hours' }, { unit: 'NOWHERE' }),
      ],
    });
    const badCode = sameDayDefinition({ code: 'abc', version: 3 });
    const error = problemsOf([sameDayDefinition(), broken, sameDayDefinition(), badCode, 42]);
    expect(error.problems.map((p) => `${p.procedure} ${p.path}`)).toEqual([
      '1.000894 v1 steps.0.role',
      '1.000894 v1 steps.1.id',
      '1.000894 v1 steps.1.unit',
      '1.000894 v1 steps',
      '1.001193 v1 code',
      'abc v3 code',
      '#5 ',
    ]);
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('7 problems in procedure definitions:');
    expect(lines).toHaveLength(8);
    expect(lines[7]).toBe('#5: Invalid input: expected object, received number');
  });

  test('a missing field is reported as missing', () => {
    const { legalBasis: _omitted, ...withoutBasis } = sameDayDefinition();
    const error = problemsOf([withoutBasis]);
    expect(error.problems).toEqual([{ procedure: '1.001193 v1', path: 'legalBasis', message: 'missing (expected string)' }]);
  });

  test('the error is an Error with a name of its own', () => {
    const error = problemsOf([sameDayDefinition({ code: 'x' })]);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ProcedureDefinitionError');
  });

  test('an empty catalogue loads as empty', () => {
    expect(loadProcedures([])).toEqual([]);
  });
});
