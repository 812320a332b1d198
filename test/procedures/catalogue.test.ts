import {
  CATALOGUE,
  PAUSE_REASONS,
  UNITS,
  capacityHours,
  findProcedure,
  loadProcedures,
  procedureByCode,
  totalBudgetHours,
} from '../../machines/procedures';

describe('the shipped catalogue', () => {
  test('the shipped catalogue is valid and has at least six procedures', () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(6);
    expect(() => loadProcedures(CATALOGUE)).not.toThrow();
  });

  test('every procedure is a commune-level one with a national code', () => {
    for (const p of CATALOGUE) {
      expect(p.level).toBe('commune');
      expect(p.code).toMatch(/^\d\.\d{6}$/);
    }
  });

  test('every procedure keeps its step budgets within its processing time', () => {
    for (const p of CATALOGUE) expect(totalBudgetHours(p)).toBeLessThanOrEqual(capacityHours(p.processingTime));
  });

  test('every step is handled by a unit of the centre, never by the external tax office', () => {
    const internal = new Set(UNITS.filter((u) => u.kind !== 'external').map((u) => u.code));
    for (const p of CATALOGUE) for (const s of p.steps) expect(internal.has(s.unit)).toBe(true);
  });

  test('the last step, which records the result, is a leader signing', () => {
    for (const p of CATALOGUE) expect(p.steps[p.steps.length - 1]?.role).toBe('leader');
  });

  test('the first step is the counter handing the dossier over', () => {
    for (const p of CATALOGUE) expect(p.steps[0]).toMatchObject({ role: 'counter', unit: 'TTPVHCC' });
  });

  test('the civil-status and certification procedures are same-day', () => {
    for (const code of ['1.001193', '1.000894', '1.000656', '2.000815']) {
      expect(procedureByCode(code)?.processingTime).toEqual({ value: 0, unit: 'days' });
    }
  });

  test('certified copies keep the decree cut-off of 15:00', () => {
    expect(procedureByCode('2.000815')?.cutoff).toBe('15:00');
  });

  test('household business registration takes 3 working days and the individual house permit 15', () => {
    expect(procedureByCode('1.001612')?.processingTime).toEqual({ value: 3, unit: 'days' });
    expect(procedureByCode('1.013225')?.processingTime).toEqual({ value: 15, unit: 'days' });
  });

  test('only the land procedure may pause for a financial obligation', () => {
    const withFinancialPause = CATALOGUE.filter((p) => p.pauseReasons.includes('financial_obligation'));
    expect(withFinancialPause.map((p) => p.code)).toEqual(['1.013978']);
    expect(withFinancialPause[0]?.processingTime).toEqual({ value: 20, unit: 'days' });
    expect([...PAUSE_REASONS]).toEqual(expect.arrayContaining(withFinancialPause[0]?.pauseReasons ?? []));
  });

  test('every procedure names its legal basis, result document and required documents in Vietnamese', () => {
    for (const p of CATALOGUE) {
      expect(p.legalBasis).toMatch(/(Luật|Nghị định)/);
      expect(p.resultDocument.length).toBeGreaterThan(0);
      expect(p.requiredDocuments.length).toBeGreaterThan(0);
    }
  });
});

describe('procedureByCode', () => {
  test('finds a procedure by code, with or without its version', () => {
    expect(procedureByCode('1.001193')?.name).toBe('Đăng ký khai sinh');
    expect(procedureByCode('1.001193', 1)?.name).toBe('Đăng ký khai sinh');
  });

  test('returns undefined for an unknown code or version', () => {
    expect(procedureByCode('9.999999')).toBeUndefined();
    expect(procedureByCode('1.001193', 2)).toBeUndefined();
  });
});

describe('findProcedure', () => {
  test('without a version it picks the highest version, whatever the order', () => {
    const birth = procedureByCode('1.001193')!;
    const defs = [{ ...birth, version: 3 }, birth, { ...birth, version: 2 }];
    expect(findProcedure(defs, '1.001193')?.version).toBe(3);
    expect(findProcedure(defs, '1.001193', 2)?.version).toBe(2);
  });
});
