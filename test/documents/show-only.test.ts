/**
 * Rule: a paper the law only asks to see (xuất trình, "bản chính để đối chiếu": the ID card shown for comparison) may
 * be marked shown, not kept at receipt, and only when the procedure version flags it `showOnly`. Any other paper is
 * kept in the dossier, so marking it shown is refused (400 naming `shownComponents.N`), and nothing changes: a clerk
 * cannot escape the digitisation rule by calling a kept paper "shown". Older versions without the flag let nothing
 * be shown; definitions worded "(xuất trình)" get the flag from the catalogue's validation and the migration.
 */
import { CATALOGUE, loadProcedures } from '../../machines/procedures';
import { wordedAsShowOnly } from '../../machines/procedures/schema';
import { documentRulesOf, receiptDigitisation } from '../../machines/documents/rules';
import { isMotcuaError } from '../../machines/engine/errors';
import { up as flagStoredDefinitions } from '../../db/migrations/20261208000100_show_only_documents';
import { BACKENDS } from '../support/backends';
import { serverForSuite } from '../support/server';
import { documentsAfterMigration, sameDayDefinition } from '../procedures/fixtures';

const doc = (name: string, extra: Record<string, unknown> = {}) => ({ name, copies: 1, original: true, ...extra });
const noDocuments = { documents: [] };

/** the 400's issues, or null when `f` does not throw */
function issuesOf(f: () => unknown): { field: string; code: string }[] | null {
  try {
    f();
    return null;
  } catch (err) {
    if (!isMotcuaError(err, 'VALIDATION_FAILED')) throw err;
    return (err.details as { issues: { field: string; code: string }[] }).issues;
  }
}

describe('rule: only a paper the procedure says is shown (xuất trình) can be marked shown, not kept', () => {
  const [def] = loadProcedures([
    sameDayDefinition({
      requiredDocuments: [
        doc('Tờ khai'),
        doc('Giấy chứng sinh'),
        doc('Giấy tờ tùy thân của người đi đăng ký (xuất trình)', { showOnly: true }),
      ],
    }),
  ]);
  const rules = documentRulesOf(def!);

  test('a paper the catalogue flags showOnly is shown: no scan, no reason, not counted', () => {
    expect(receiptDigitisation(noDocuments, rules, undefined, [2])).toMatchObject({
      required: 2,
      digitised: 0,
      missing: [0, 1],
      shown: [2],
    });
  });

  test('a paper the law keeps in the dossier cannot be marked shown: 400 naming shownComponents.N, not_show_only', () => {
    expect(issuesOf(() => receiptDigitisation(noDocuments, rules, undefined, [2, 1]))).toEqual([
      expect.objectContaining({ field: 'shownComponents.1', code: 'not_show_only' }),
    ]);
    // not even when the procedure requires digitisation and so a reason would otherwise be asked
    const strict = { ...rules, digitisation: { components: true, result: false } };
    expect(issuesOf(() => receiptDigitisation(noDocuments, strict, undefined, [0, 1, 2]))?.map((i) => i.field)).toEqual([
      'shownComponents.0',
      'shownComponents.1',
    ]);
  });

  test('an index the procedure does not have is refused too', () => {
    expect(issuesOf(() => receiptDigitisation(noDocuments, rules, undefined, [7]))).toEqual([
      expect.objectContaining({ field: 'shownComponents.0', code: 'invalid' }),
    ]);
  });

  test('an older version stored without the flag lets nothing be shown, whatever its wording', () => {
    const stored = { requiredDocuments: [doc('Tờ khai'), doc('Giấy tờ tùy thân (xuất trình)')] };
    expect(issuesOf(() => receiptDigitisation(noDocuments, documentRulesOf(stored), undefined, [1]))).toEqual([
      expect.objectContaining({ field: 'shownComponents.0', code: 'not_show_only' }),
    ]);
  });
});

describe('rule: papers worded "(xuất trình)" are flagged showOnly in the procedure data', () => {
  test('the shipped catalogue flags every one so worded, and the original shown for a certified copy', () => {
    const flagged = CATALOGUE.flatMap((p) => p.requiredDocuments.filter((d) => d.showOnly).map((d) => `${p.code}: ${d.name}`));
    expect(flagged).toHaveLength(4);
    expect(flagged).toContain('2.000815: Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao');
    for (const p of CATALOGUE) for (const d of p.requiredDocuments) if (wordedAsShowOnly(d.name)) expect(d.showOnly).toBe(true);
  });

  test('the flag defaults to false', () => {
    expect(loadProcedures([sameDayDefinition()])[0]!.requiredDocuments[0]!.showOnly).toBe(false);
  });

  test('a paper worded "(xuất trình)" without the flag is refused, naming the field', () => {
    const def = sameDayDefinition({ requiredDocuments: [doc('Tờ khai'), doc('Giấy tờ tùy thân (xuất trình)')] });
    expect(() => loadProcedures([def])).toThrow(/requiredDocuments\.1\.showOnly: the official wording says "\(xuất trình\)"/);
  });
});

describe.each(BACKENDS)('shown, not kept over HTTP ($name)', (backend) => {
  const s = serverForSuite(backend, { signIn: ['counter'] });
  const auth = () => ({ Authorization: `Bearer ${s.token('counter')}` });
  const submission = (n: number, extra: Record<string, unknown> = {}) => ({
    procedureCode: '1.001193', // birth registration: 2 is the ID card, shown
    channel: 'counter',
    applicant: { fullName: `Người ${n}`, idNumber: `00109100${1000 + n}`, phone: `091235${1000 + n}`, address: 'Hà Nội' },
    documents: [{ name: 'Tờ khai đăng ký khai sinh (theo mẫu)', copies: 1 }],
    ...extra,
  });
  const count = async (table: string) => Number((await s.engine.db(table).count({ n: '*' }))[0]!.n);

  test('a submission marking a kept paper shown is 400 naming shownComponents.N and creates nothing', async () => {
    const [dossiers, events] = [await count('dossiers'), await count('dossier_events')];
    const res = await s.http
      .post('/api/dossiers')
      .set(auth())
      .send(submission(1, { shownComponents: [2, 1] }));
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual([expect.objectContaining({ field: 'shownComponents.1', code: 'not_show_only' })]);
    expect([await count('dossiers'), await count('dossier_events')]).toEqual([dossiers, events]);
    const ok = await s.http
      .post('/api/dossiers')
      .set(auth())
      .send(submission(1, { shownComponents: [2] }));
    expect(ok.status).toBe(201);
    const receive = (await s.engine.engine.history(ok.body.code)).find((e) => e.type === 'RECEIVE')!;
    expect(receive.payload).toMatchObject({ digitisation: { required: 2, digitised: 0, missing: [0, 1], shown: [2] } });
  });

  test('RECEIVE of a waiting dossier marking a kept paper shown is 400 and leaves it waiting', async () => {
    const online = await s.http
      .post('/api/dossiers')
      .set(auth())
      .send(submission(2, { channel: 'online' }));
    expect(online.status).toBe(201);
    const code = online.body.code as string;
    const before = await s.engine.engine.get(code);
    const receive = (shownComponents: number[]) =>
      s.http
        .post(`/api/dossiers/${code}/events`)
        .set(auth())
        .set('If-Match', String(before.version))
        .send({ type: 'RECEIVE', shownComponents });
    const refused = await receive([0]);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.issues).toEqual([expect.objectContaining({ field: 'shownComponents.0', code: 'not_show_only' })]);
    const after = await s.engine.engine.get(code);
    expect([after.state, after.version]).toEqual([before.state, before.version]);
    expect((await receive([2])).status).toBe(200);
  });

  test('a definition stored before the flag gets it from the migration, only where worded "(xuất trình)"', async () => {
    const docs = await documentsAfterMigration(
      s,
      s.token('counter'),
      '9.000778',
      [doc('Tờ khai'), doc('Giấy tờ tùy thân (xuất trình)'), doc('Bản chính để đối chiếu')],
      flagStoredDefinitions,
    );
    expect(docs.map((d) => d.showOnly ?? false)).toEqual([false, true, false]);
  });
});
