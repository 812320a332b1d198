/**
 * The demo centre's organisation, as data: the user roles the engine knows and the units of a
 * commune-level People's Committee after the 2025 two-tier local-government reform
 * (Ủy ban nhân dân xã/phường with its Trung tâm Phục vụ hành chính công and specialised offices).
 * A real centre edits this list; procedure definitions are validated against it.
 */

export const ROLES = ['counter', 'specialist', 'leader', 'supervisor', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** counter = receives and returns dossiers; office = handles them; leadership = signs; external = outside the commune. */
export const UNIT_KINDS = ['counter', 'office', 'leadership', 'external'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export interface Unit {
  /** short ASCII code, used in procedure steps and on the control slip */
  code: string;
  /** Vietnamese name as printed on forms */
  name: string;
  kind: UnitKind;
}

export const UNITS: readonly Unit[] = [
  { code: 'TTPVHCC', name: 'Trung tâm Phục vụ hành chính công xã', kind: 'counter' },
  // Civil status and certification officers (công chức tư pháp - hộ tịch) are placed here for the demo;
  // a province that puts them in Văn phòng HĐND và UBND edits this list.
  { code: 'VHXH', name: 'Phòng Văn hóa - Xã hội', kind: 'office' },
  // In wards the same office is called "Phòng Kinh tế, Hạ tầng và Đô thị".
  { code: 'KINHTE', name: 'Phòng Kinh tế', kind: 'office' },
  { code: 'LANHDAO', name: 'Lãnh đạo Ủy ban nhân dân xã', kind: 'leadership' },
  // The tax office determines land-related financial obligations; its time is a pause, not a step.
  { code: 'THUE', name: 'Cơ quan thuế quản lý địa bàn', kind: 'external' },
];

export const UNIT_CODES: readonly string[] = UNITS.map((u) => u.code);
