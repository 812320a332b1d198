/**
 * Rule: a list sorted by due date (sort=due, the counter's queues and the inbox) includes the dossiers
 * that have no due date yet (submitted online or by post and not received yet): after the dated ones,
 * oldest submission first, across pages.
 */
import { BACKENDS } from '../support/backends';
import { serverForSuite } from '../support/server';

const PROC = '1.001612';

function body(name: string, channel: 'counter' | 'online' | 'postal') {
  return {
    procedureCode: PROC,
    channel,
    applicant: { fullName: name, idNumber: '001090012345', phone: '0912345678', address: 'Hoàn Kiếm, Hà Nội' },
    documents: [{ name: 'Giấy đề nghị đăng ký hộ kinh doanh', copies: 1 }],
  };
}

interface Item {
  code: string;
  state: string;
  dueAt: string | null;
  submittedAt: string;
}

describe.each(BACKENDS)('lists sorted by due date on $name', (backend) => {
  const s = serverForSuite(backend, { signIn: ['counter'] });
  /** in submission order */
  const made: { code: string; channel: string }[] = [];
  beforeAll(async () => {
    const plan: [string, 'counter' | 'online' | 'postal'][] = [
      ['2026-03-03 09:00', 'online'],
      ['2026-03-03 09:05', 'counter'],
      ['2026-03-03 09:10', 'postal'],
      ['2026-03-03 09:15', 'counter'],
      ['2026-03-03 09:20', 'online'],
    ];
    for (const [at, channel] of plan) {
      s.engine.at(at);
      const res = await s
        .as('counter')
        .post('/api/dossiers')
        .send(body(`Người nộp ${at}`, channel));
      expect(res.status).toBe(201);
      made.push({ code: res.body.code, channel });
    }
  });

  async function all(query: string, limit: number): Promise<Item[]> {
    const out: Item[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: Item[]; nextCursor: string | null } } = await s
        .as('counter')
        .get(`/api/dossiers?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      out.push(...(res.body.items as Item[]));
      cursor = res.body.nextCursor;
    } while (cursor);
    return out;
  }

  const dated = () => made.filter((m) => m.channel === 'counter').map((m) => m.code);
  const undated = () => made.filter((m) => m.channel !== 'counter').map((m) => m.code);

  test.each([1, 2, 25])(
    'sort=due lists the dated dossiers first, then those without a due date by submission time (pages of %i)',
    async (limit) => {
      const items = await all('sort=due', limit);
      expect(items.map((i) => i.code)).toEqual([...dated(), ...undated()]);
      expect(items.slice(0, 2).every((i) => i.dueAt !== null)).toBe(true);
      expect(items.slice(2).every((i) => i.dueAt === null && i.state === 'submitted')).toBe(true);
    },
  );

  test('the counter\'s "Chờ tiếp nhận" queue (state=submitted, sort=due) shows the online and postal submissions', async () => {
    const items = await all('state=submitted,awaiting_supplement&sort=due', 20);
    expect(items.map((i) => i.code)).toEqual(undated());
  });

  test("the counter clerk's inbox (mine=1, sort=due) shows the submissions waiting for receipt, which have no due date", async () => {
    const items = await all('mine=1&state=submitted,received&sort=due', 3);
    expect(items.map((i) => i.code)).toEqual([...dated(), ...undated()]);
  });

  test('a cursor naming a flag other than undated is refused', async () => {
    const bad = Buffer.from(JSON.stringify({ k: '2026-03-03T02:00:00.000Z', id: 'x', undated: 'yes' })).toString('base64url');
    const res = await s.as('counter').get(`/api/dossiers?sort=due&cursor=${bad}`);
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0].field).toBe('cursor');
  });
});
