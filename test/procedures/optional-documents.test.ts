/**
 * Rule: a document the applicant brings only when it applies carries `optional: true` in the procedure's data
 * (the official list says "(nếu có)"), the catalogue's validation refuses one so worded without the flag, the API
 * serves the flag (GET /api/procedures), and definitions stored before the flag get it from the migration.
 * The counter's "Đã nhận đủ" reads the flag: test/e2e/counter-day.e2e.test.ts.
 */
import { CATALOGUE, loadProcedures, procedureByCode } from '../../machines/procedures';
import { wordedAsOptional } from '../../machines/procedures/schema';
import { up as flagStoredDefinitions } from '../../db/migrations/20261206000500_optional_documents';
import { BACKENDS } from '../support/backends';
import { serverForSuite } from '../support/server';
import { documentsAfterMigration, sameDayDefinition } from './fixtures';

const doc = (name: string, extra: Record<string, unknown> = {}) => ({ name, copies: 1, original: true, ...extra });

describe('rule: optional documents are flagged in the procedure data', () => {
  test('every document worded "(nếu có)" in the shipped catalogue is optional, and no other is', () => {
    const optional = CATALOGUE.flatMap((p) => p.requiredDocuments.filter((d) => d.optional).map((d) => `${p.code}: ${d.name}`));
    expect(optional).toHaveLength(4);
    for (const p of CATALOGUE) for (const d of p.requiredDocuments) expect(d.optional).toBe(wordedAsOptional(d.name));
    // a list of several papers is optional only when every one is: the first paper here is always required
    const land = procedureByCode('1.013978');
    const tax = land?.requiredDocuments.find((d) => d.name.startsWith('Chứng từ thực hiện nghĩa vụ tài chính'));
    expect(tax?.optional).toBe(false);
  });

  test('the flag defaults to false', () => {
    expect(loadProcedures([sameDayDefinition()])[0]!.requiredDocuments[0]!.optional).toBe(false);
  });

  test('a document worded "(nếu có)" without the flag is refused, naming the field', () => {
    const def = sameDayDefinition({ requiredDocuments: [doc('Tờ khai'), doc('Văn bản ủy quyền (nếu có)')] });
    expect(() => loadProcedures([def])).toThrow(/requiredDocuments\.1\.optional: the official wording says "\(nếu có\)"/);
    expect(() =>
      loadProcedures([sameDayDefinition({ requiredDocuments: [doc('Tờ khai'), doc('Văn bản ủy quyền (nếu có)', { optional: true })] })]),
    ).not.toThrow();
  });

  test('a document may be optional without the wording (the flag, not the text, is what counts)', () => {
    const def = sameDayDefinition({ requiredDocuments: [doc('Tờ khai'), doc('Giấy tờ chứng minh nơi cư trú', { optional: true })] });
    expect(loadProcedures([def])[0]!.requiredDocuments.map((d) => d.optional)).toEqual([false, true]);
  });
});

describe.each(BACKENDS)('the API serves the optional flag ($name)', (backend) => {
  const s = serverForSuite(backend, { signIn: ['counter'] });
  const get = (path: string) => s.as('counter').get(path);

  test('GET /api/procedures/{code} and the catalogue list carry optional on each document', async () => {
    const one = await get('/api/procedures/1.001612');
    expect(one.status).toBe(200);
    expect(one.body.requiredDocuments.map((d: { optional: boolean }) => d.optional)).toEqual([false, false, true]);
    const list = await get('/api/procedures');
    const household = (list.body as { code: string; requiredDocuments: { optional: boolean }[] }[]).find((p) => p.code === '1.001612');
    expect(household?.requiredDocuments.map((d) => d.optional)).toEqual([false, false, true]);
  });

  test('a definition stored before the flag existed gets it from the migration', async () => {
    const docs = await documentsAfterMigration(
      s,
      s.token('counter'),
      '9.000777',
      [doc('Tờ khai'), doc('Giấy ủy quyền (nếu có)'), doc('Chứng từ nộp phí; giấy tờ miễn phí (nếu có)')],
      flagStoredDefinitions,
    );
    expect(docs.map((d) => d.optional)).toEqual([false, true, false]);
  });
});
