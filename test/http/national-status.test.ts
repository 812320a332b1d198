/**
 * Rule: every national status code (1–10, the codes the National Public Service Portal synchronises) that the
 * chart can reach is produced: each state of a real dossier, read back through GET /api/dossiers/{code} and the
 * citizen's public lookup, carries its code. Code 6 is a pause for the applicant's financial obligation; code 7
 * is the applicant's withdrawal request, before the stop notice (8).
 */
import { BACKENDS } from '../support/backends';
import { ACTORS, submission } from '../support/engine';
import { serverForSuite } from '../support/server';
import type { Command } from '../../machines/engine/commands';

const HKD = '1.001612'; // tiep-nhan (counter) → tham-dinh (specialist, KINHTE) → ky-cap (leader, KINHTE)
const LAND = '1.013978'; // allows a pause for the financial obligation
const specialist = ACTORS.specialist;
const leader = { username: 'leader', unit: 'LANHDAO' };
const approve: Command = { type: 'RECORD_RESULT', documentNumber: '1/GCN', documentDate: '2026-03-03', signer: 'TP', digitised: true };

describe.each(BACKENDS)('national status codes on $name', (backend) => {
  const s = serverForSuite(backend);

  const act = (code: string, cmd: Command, by = specialist) => s.engine.engine.act(code, cmd, by);
  async function statusOf(code: string): Promise<{ code: number; name: string }> {
    const token = await s.login('counter');
    const res = await s.http.get(`/api/dossiers/${encodeURIComponent(code)}`).set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    const pub = await s.http
      .get(`/api/public/dossiers/${encodeURIComponent(code)}`)
      .query({ verify: '5678' })
      .set('X-Forwarded-For', `198.51.100.${code.slice(-2)}`);
    expect(pub.status).toBe(200);
    expect(pub.body.status).toBe(res.body.nationalStatus.name);
    return res.body.nationalStatus;
  }
  async function atReview(proc = HKD): Promise<string> {
    const { code } = await s.engine.engine.submit(submission(proc), ACTORS.counter);
    await act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    await act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
    return code;
  }

  test('rule: every code 1–10 is produced by the state that carries it', async () => {
    const seen = new Map<number, string>();
    const expectCode = async (code: string, n: number) => {
      const st = await statusOf(code);
      expect([code, st.code]).toEqual([code, n]);
      seen.set(st.code, st.name);
    };

    const online = (await s.engine.engine.submit(submission(HKD, 'online'), ACTORS.counter)).code;
    await expectCode(online, 1); // Mới đăng ký
    const refused = (await s.engine.engine.submit(submission(HKD, 'online'), ACTORS.counter)).code;
    await act(refused, { type: 'REFUSE', reason: 'Không thuộc thẩm quyền' }, ACTORS.counter);
    await expectCode(refused, 3); // Không được tiếp nhận
    const received = (await s.engine.engine.submit(submission(HKD), ACTORS.counter)).code;
    await expectCode(received, 2); // Được tiếp nhận

    const handling = await atReview();
    await expectCode(handling, 4); // Đang xử lý
    await act(handling, { type: 'PAUSE', reason: 'verification' });
    await expectCode(handling, 4); // a pause for verification is still "processing" nationally
    const supplement = await atReview();
    await act(supplement, { type: 'REQUEST_SUPPLEMENT', missing: ['Hợp đồng thuê'], reason: 'thiếu' });
    await expectCode(supplement, 5); // Yêu cầu bổ sung giấy tờ
    const land = await atReview(LAND);
    await act(land, { type: 'PAUSE', reason: 'financial_obligation' });
    await expectCode(land, 6); // Yêu cầu thực hiện nghĩa vụ tài chính

    const withdrawing = await atReview();
    await act(withdrawing, { type: 'REQUEST_WITHDRAWAL', reason: 'Công dân xin rút hồ sơ', via: 'counter' }, ACTORS.counter);
    await expectCode(withdrawing, 7); // Công dân yêu cầu rút hồ sơ
    await act(withdrawing, { type: 'WITHDRAW', reason: 'Dừng theo yêu cầu của công dân' }, ACTORS.counter);
    await expectCode(withdrawing, 8); // Dừng xử lý

    const done = await atReview();
    await act(done, { type: 'COMPLETE_STEP' });
    await act(done, approve, leader);
    await expectCode(done, 9); // Đã xử lý xong
    await act(done, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter);
    await expectCode(done, 10); // Đã trả kết quả

    expect([...seen.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(seen.get(7)).toBe('Công dân yêu cầu rút hồ sơ');
    expect(seen.get(8)).toBe('Dừng xử lý');
  });
});
