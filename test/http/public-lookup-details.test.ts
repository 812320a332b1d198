/**
 * What the citizen's lookup says beyond the state: a supplement request lists what to bring and says the
 * clock is stopped; a late dossier says it is late and shows the apology and its new appointment; the
 * code is matched whatever its case and with the spaces around it ignored.
 */
import { BACKENDS } from '../support/backends';
import { hanoi } from '../support/engine';
import { seedLookupScenario } from '../support/lookup-scenario';
import { serverForSuite } from '../support/server';

let address = 0;
const nextAddress = () => `198.51.100.${++address}`;

describe.each(BACKENDS)("the citizen's lookup on $name", (backend) => {
  const s = serverForSuite(backend, { start: '2026-03-02 09:00' });
  const codes = { supplement: '', late: '' };
  beforeAll(async () => {
    // late (apology, new appointment Mon 09/03) and awaiting a supplement: test/support/lookup-scenario.ts
    Object.assign(codes, await seedLookupScenario(s));
  });

  const lookup = (c: string, verify = '5678') =>
    s.http
      .get(`/api/public/dossiers/${encodeURIComponent(c)}`)
      .query({ verify })
      .set('X-Forwarded-For', nextAddress());

  test('a supplement request: what to bring, as the request listed it, and a stopped clock', async () => {
    const res = await lookup(codes.supplement);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      state: 'awaiting_supplement',
      clockStopped: true,
      late: false,
      supplement: {
        requestedAt: hanoi('2026-03-05 15:00'),
        missing: ['Bản sao Căn cước công dân của chủ hộ', 'Hợp đồng thuê địa điểm kinh doanh'],
        reason: 'Thiếu giấy tờ tùy thân của chủ hộ',
      },
      apology: null,
    });
  });

  test('a late dossier: late, its statutory due date, and the apology with the new appointment', async () => {
    const res = await lookup(codes.late);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      state: 'result',
      resultReady: true,
      clockStopped: false,
      late: true,
      originalDueAt: hanoi('2026-03-05 17:00'),
      dueAt: hanoi('2026-03-09 17:00'),
      supplement: null,
      apology: {
        issuedAt: hanoi('2026-03-06 11:00'),
        reason: 'Chuyên viên nghỉ ốm, hồ sơ chậm trình ký.',
        newDueAt: hanoi('2026-03-09 17:00'),
      },
    });
  });

  test('the code is matched whatever its case, with the spaces around it ignored', async () => {
    for (const typed of [codes.late.toLowerCase(), `  ${codes.late}  `, ` ${codes.late.toLowerCase()}\t`]) {
      const res = await lookup(typed);
      expect(res.status).toBe(200);
      expect(res.body.code).toBe(codes.late);
    }
    // spaces inside a code are not a code
    const inside = await lookup(codes.late.replace('-', ' - '));
    expect(inside.status).toBe(400);
    expect(inside.body.error.details.issues[0].field).toBe('code');
  });
});
