import { ROLES, UNITS, UNIT_CODES } from '../../machines/procedures';

describe('the demo centre organisation', () => {
  test('the roles are the six the engine knows', () => {
    expect([...ROLES]).toEqual(['counter', 'specialist', 'leader', 'supervisor', 'auditor', 'admin']);
  });

  test('unit codes are unique short uppercase ASCII', () => {
    expect(new Set(UNIT_CODES).size).toBe(UNITS.length);
    for (const code of UNIT_CODES) expect(code).toMatch(/^[A-Z][A-Z0-9_]{1,11}$/);
  });

  test('the commune has one counter, the two offices, its leadership and the tax office outside it', () => {
    const kindOf = (code: string) => UNITS.find((u) => u.code === code)?.kind;
    expect(kindOf('TTPVHCC')).toBe('counter');
    expect(kindOf('VHXH')).toBe('office');
    expect(kindOf('KINHTE')).toBe('office');
    expect(kindOf('LANHDAO')).toBe('leadership');
    expect(kindOf('THUE')).toBe('external');
    expect(UNITS.filter((u) => u.kind === 'counter')).toHaveLength(1);
  });
});
