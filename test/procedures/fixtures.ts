import type { Knex } from 'knex';
import { insertProcedureVersion } from '../../src/store/procedure-store';
import type { TestServer } from '../support/server';

/** A small valid definition that tests change one field at a time. */
export function sameDayDefinition(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    code: '1.001193',
    version: 1,
    name: 'Đăng ký khai sinh',
    field: { code: 'HOTICH', name: 'Hộ tịch' },
    level: 'commune',
    processingTime: { value: 0, unit: 'days' },
    legalBasis: 'Luật Hộ tịch số 60/2014/QH13',
    fee: { amount: 0 },
    requiredDocuments: [{ name: 'Tờ khai đăng ký khai sinh', copies: 1, original: true }],
    resultDocument: 'Giấy khai sinh',
    steps: [
      { id: 'tham-dinh', name: 'Thẩm định', role: 'specialist', unit: 'VHXH', budget: { value: 4, unit: 'hours' } },
      { id: 'truong-phong', name: 'Trưởng phòng duyệt', role: 'leader', unit: 'VHXH', budget: { value: 2, unit: 'hours' } },
      { id: 'ky-cap', name: 'Lãnh đạo ký', role: 'leader', unit: 'LANHDAO', budget: { value: 2, unit: 'hours' } },
    ],
    ...overrides,
  };
}

export function step(id: string, budget: { value: number; unit: string }, extra: Record<string, unknown> = {}) {
  return { id, name: `Bước ${id}`, role: 'specialist', unit: 'KINHTE', budget, ...extra };
}

/**
 * Stores version 1 of procedure `code` with these documents as a definition written before a migration added a
 * flag, runs the migration `up`, and gives the documents as GET /api/procedures/{code} then serves them.
 */
export async function documentsAfterMigration(
  s: TestServer,
  token: string,
  code: string,
  requiredDocuments: Record<string, unknown>[],
  up: (db: Knex) => Promise<void>,
): Promise<Record<string, unknown>[]> {
  const definition = sameDayDefinition({ code, requiredDocuments });
  await insertProcedureVersion(s.engine.db, { code, version: 1, definition, createdAt: new Date().toISOString(), createdBy: 'seed' });
  await up(s.engine.db);
  const res = await s.http.get(`/api/procedures/${code}`).set('Authorization', `Bearer ${token}`);
  return res.body.requiredDocuments as Record<string, unknown>[];
}
