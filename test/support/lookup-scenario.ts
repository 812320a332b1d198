/**
 * The citizen-lookup scenario shared by the API test and the browser test, on procedure 1.001612
 * (3 working days), ending at Friday 06/03/2026 14:00:
 *  - late: received Mon 02/03 (due Thu 05/03 17:00), result Fri 06/03 10:00, apology at 11:00 with the new
 *    appointment Mon 09/03;
 *  - supplement: received Thu 05/03, a supplement of two papers requested at 15:00.
 * Applicant phone …5678 (test/support/engine.ts submission()).
 */
import type { Command } from '../../machines/engine/commands';
import { ACTORS, submission } from './engine';
import type { TestServer } from './server';

/**
 * Every field the public lookup answers, sorted: the status, the clock and what the citizen must do, never the
 * applicant's name, numbers or address. Pinned here by hand, not read from the schema, so a new field is a
 * decision the tests that use it (test/http/public.test.ts, test/http/route-access-matrix.test.ts) must see.
 */
export const PUBLIC_LOOKUP_FIELDS = [
  'apology',
  'clockStopped',
  'code',
  'dueAt',
  'electronicResult',
  'late',
  'originalDueAt',
  'resultReady',
  'returned',
  'state',
  'status',
  'supplement',
];

export const LOOKUP_APOLOGY_REASON = 'Chuyên viên nghỉ ốm, hồ sơ chậm trình ký.';
export const LOOKUP_MISSING = ['Bản sao Căn cước công dân của chủ hộ', 'Hợp đồng thuê địa điểm kinh doanh'];
export const LOOKUP_SUPPLEMENT_REASON = 'Thiếu giấy tờ tùy thân của chủ hộ';

export async function seedLookupScenario(server: TestServer): Promise<{ late: string; supplement: string }> {
  const act = async (at: string, code: string, cmd: Command, actor = ACTORS.specialist) => {
    server.engine.at(at);
    await server.engine.engine.act(code, cmd, actor);
  };
  const received = async (at: string) => {
    server.engine.at(at);
    const code = (await server.engine.engine.submit(submission('1.001612'), ACTORS.counter)).code;
    await act(at, code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    await act(at, code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
    return code;
  };
  const late = await received('2026-03-02 09:00');
  await act('2026-03-06 09:00', late, { type: 'COMPLETE_STEP' });
  await act('2026-03-06 10:00', late, {
    type: 'RECORD_RESULT',
    documentNumber: '21/GCN-HKD',
    documentDate: '2026-03-06',
    signer: 'Vũ Đức Thắng',
    digitised: true,
  });
  await act(
    '2026-03-06 11:00',
    late,
    { type: 'ISSUE_APOLOGY', reason: LOOKUP_APOLOGY_REASON, signer: 'leader_kinhte', newDueDate: '2026-03-09' },
    ACTORS.counter,
  );
  const supplement = await received('2026-03-05 09:00');
  await act('2026-03-05 15:00', supplement, { type: 'REQUEST_SUPPLEMENT', missing: LOOKUP_MISSING, reason: LOOKUP_SUPPLEMENT_REASON });
  server.engine.at('2026-03-06 14:00');
  return { late, supplement };
}
