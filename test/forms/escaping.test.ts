/**
 * Markup injection through everything people type: the applicant's name, address and note, document
 * names, notes on steps, missing items, reasons, signers and officers, review notes. Payloads for the
 * element context (<script>), the attribute context ("><img onerror>, '><svg onload>), template
 * engines ({{…}}, ${…}) and entities (&lt;b&gt;, which must come out double-escaped). Every printed
 * form served by the API and the printable weekly review must show each payload as text only: no
 * element, no event-handler attribute, nothing evaluated. (render.test.ts checks the plain <script>
 * case field by field on the pure renderer; this file goes through the routes with the other contexts.)
 */
import request from 'supertest';
import fs from 'node:fs';
import path from 'node:path';
import { BACKENDS } from '../support/backends';
import { ACTORS, submission } from '../support/engine';
import { startServer, type TestServer } from '../support/server';
import type { Command } from '../../machines/engine/commands';
import { FORM_KINDS, type FormKind } from '../../src/forms';
import { AuthService } from '../../src/services/auth/auth-service';
import { webRoot } from '../../src/http/routes/ui';

/** each payload, and how it must appear in the page */
const PAYLOADS: [string, string][] = [
  ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
  ['"><img src=x onerror=alert(1)>', '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'],
  ["'><svg onload=alert(1)>", '&#39;&gt;&lt;svg onload=alert(1)&gt;'],
  ['{{constructor.constructor("alert(1)")()}}', '{{constructor.constructor(&quot;alert(1)&quot;)()}}'],
  ['${alert(1)}', '${alert(1)}'],
  ['&lt;b&gt;', '&amp;lt;b&amp;gt;'],
];
const EVIL = PAYLOADS.map(([p]) => p).join(' ');
const evil = (s: string) => `${s} ${EVIL}`;

/**
 * No element or attribute came from the data: no script, img, iframe or object tag, no on…= inside any
 * tag (the pages draw their own <svg> — the QR code, the trend chart — so an injected <svg onload> is
 * caught by its handler).
 */
function injected(page: string): string[] {
  const found: string[] = [];
  for (const tag of ['script', 'img', 'iframe', 'object']) if (new RegExp(`<${tag}[\\s>]`, 'i').test(page)) found.push(`<${tag}>`);
  const handler = /<[^>]*\son[a-z]+\s*=/i.exec(page);
  if (handler) found.push(handler[0].slice(0, 80));
  return found;
}

function expectEscaped(label: string, page: string) {
  expect({ label, injected: injected(page) }).toEqual({ label, injected: [] });
  for (const [payload, escaped] of PAYLOADS)
    expect({ label, payload, shown: page.includes(escaped) }).toEqual({ label, payload, shown: true });
}

describe('what people type is printed as text, never as markup', () => {
  let s: TestServer;
  let http: ReturnType<typeof request>;
  let counter: string;
  const pages = {} as Record<FormKind, string>;
  const headers = {} as Record<FormKind, Record<string, string>>;
  let review: string;

  beforeAll(async () => {
    s = await startServer(BACKENDS[0]!, '2026-03-03 09:00');
    http = request(s.app);
    const e = s.engine.engine;
    const act = (code: string, local: string, cmd: Command, actor = ACTORS.specialist) => {
      s.engine.at(local);
      return e.act(code, cmd, actor);
    };
    const sub = submission('1.001612', 'counter', evil('Nguyễn Thị Hoa'));

    // received, handled late with an apology, approved and returned: receipt, apology, control slip
    s.engine.at('2026-03-03 09:00');
    const late = (
      await e.submit(
        {
          ...sub,
          applicant: { ...sub.applicant, address: evil('Hoàn Kiếm') },
          documents: [{ name: evil('Giấy đề nghị'), copies: 1 }],
          note: evil('hồ sơ giấy'),
        },
        ACTORS.counter,
      )
    ).code;
    await act(late, '2026-03-03 09:30', { type: 'ASSIGN', assignee: 'counter', note: evil('chuyển') }, ACTORS.counter);
    await act(late, '2026-03-03 10:00', { type: 'COMPLETE_STEP', note: evil('đã kiểm tra') }, ACTORS.counter);
    await act(late, '2026-03-03 10:30', { type: 'ASSIGN', assignee: 'specialist' }, ACTORS.leader);
    await act(late, '2026-03-05 10:00', { type: 'COMPLETE_STEP', note: evil('thẩm định xong') });
    await act(
      late,
      '2026-03-05 11:00',
      {
        type: 'ISSUE_APOLOGY',
        reason: evil('chờ xác minh'),
        signer: evil('Trần Văn Bình'),
        responsibleStep: 'tham-dinh',
        responsibleOfficer: evil('specialist'),
        newDueDate: '2026-03-10',
      },
      ACTORS.leader,
    );
    await act(
      late,
      '2026-03-09 10:00',
      { type: 'RECORD_RESULT', documentNumber: '15/GCN-HKD', documentDate: '2026-03-09', signer: evil('Trần Văn Bình'), digitised: true },
      ACTORS.leader,
    );
    await act(late, '2026-03-10 09:00', { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter);

    // a supplement requested
    s.engine.at('2026-03-10 09:00');
    const supp = (await e.submit(sub, ACTORS.counter)).code;
    await act(supp, '2026-03-10 09:30', { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    await act(supp, '2026-03-10 10:00', { type: 'COMPLETE_STEP' }, ACTORS.counter);
    await act(supp, '2026-03-10 11:00', {
      type: 'REQUEST_SUPPLEMENT',
      missing: [evil('Bản sao hợp đồng thuê nhà')],
      reason: evil('thiếu giấy tờ'),
    });

    // refused at intake
    s.engine.at('2026-03-10 14:00');
    const refused = (await e.submit(submission('1.001612', 'online', evil('Lê Văn Nam')), ACTORS.counter)).code;
    await act(
      refused,
      '2026-03-10 15:00',
      { type: 'REFUSE', reason: evil('ngoài thẩm quyền'), signer: evil('Phó Giám đốc') },
      ACTORS.counter,
    );

    // withdrawn at the applicant's request; paused with a note
    const stopped = (await e.submit(sub, ACTORS.counter)).code;
    await act(
      stopped,
      '2026-03-10 15:10',
      { type: 'REQUEST_WITHDRAWAL', reason: evil('không còn nhu cầu'), via: 'counter' },
      ACTORS.counter,
    );
    await act(stopped, '2026-03-10 15:15', { type: 'WITHDRAW', reason: evil('dừng') }, ACTORS.counter);
    const paused = (await e.submit(sub, ACTORS.counter)).code;
    await act(paused, '2026-03-10 15:20', { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    await act(paused, '2026-03-10 15:25', { type: 'COMPLETE_STEP' }, ACTORS.counter);
    await act(paused, '2026-03-10 15:28', { type: 'PAUSE', reason: 'other', note: evil('chờ') });

    // an overdue dossier noted in the weekly review
    const overdue = (await e.submit(sub, ACTORS.counter)).code;
    await act(overdue, '2026-03-10 15:30', { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
    await act(overdue, '2026-03-10 16:00', { type: 'COMPLETE_STEP' }, ACTORS.counter);
    s.engine.at('2026-03-18 09:00');
    const auth = new AuthService(s.engine);
    counter = (await auth.login('counter', 'demo')).token;
    const bearer = async (u: string) => `Bearer ${(await auth.login(u, 'demo')).token}`;
    expect((await http.post('/api/admin/sweep').set('Authorization', await bearer('admin'))).status).toBe(200);
    const note = await http
      .post('/api/reports/weekly-late-review/notes')
      .set('Authorization', await bearer('supervisor'))
      .send({ week: '2026-W12', dossierCode: overdue, cause: evil('chờ bổ sung'), correctiveAction: evil('đôn đốc') });
    expect(note.status).toBe(201);
    review = (await http.get('/api/reports/weekly-late-review?week=2026-W12&format=html').set('Authorization', await bearer('supervisor')))
      .text;

    const codeOf: Record<FormKind, string> = {
      receipt: late,
      apology: late,
      'control-slip': late,
      supplement: supp,
      refusal: refused,
      'stop-notice': stopped,
      'pause-notice': paused,
      'return-receipt': late,
    };
    for (const kind of FORM_KINDS) {
      const res = await http.get(`/api/dossiers/${codeOf[kind]}/forms/${kind}`).set('Authorization', `Bearer ${counter}`);
      expect({ kind, status: res.status }).toEqual({ kind, status: 200 });
      pages[kind] = res.text;
      headers[kind] = res.headers as Record<string, string>;
    }
  });
  afterAll(async () => s?.close());

  test.each(FORM_KINDS)('the %s shows every payload as text only', (kind) => {
    expectEscaped(kind, pages[kind]);
  });

  test('the applicant’s name, address, note and documents are escaped on the receipt', () => {
    const name = PAYLOADS.map(([, e]) => e).join(' ');
    expect(pages.receipt).toContain(`Nguyễn Thị Hoa ${name}`);
    expect(pages.receipt).toContain(`Hoàn Kiếm ${name}`);
    expect(pages.receipt).toContain(`hồ sơ giấy ${name}`);
    expect(pages.receipt).toContain(`Giấy đề nghị ${name}`);
  });

  test('reasons, missing items, signers and the responsible officer are escaped where they are printed', () => {
    const tail = PAYLOADS.map(([, e]) => e).join(' ');
    expect(pages.supplement).toContain(`Bản sao hợp đồng thuê nhà ${tail}`);
    expect(pages.supplement).toContain(`thiếu giấy tờ ${tail}`);
    expect(pages.refusal).toContain(`ngoài thẩm quyền ${tail}`);
    expect(pages.apology).toContain(`chờ xác minh ${tail}`);
    expect(pages.apology).toContain(`Trần Văn Bình ${tail}`);
    expect(pages.apology).toContain(`specialist ${tail}`);
  });

  test('every form is served with a policy that would block a script even if one slipped through', () => {
    for (const kind of FORM_KINDS) {
      expect(headers[kind]['content-security-policy']).toMatch(/default-src 'none'/);
      expect(headers[kind]['content-security-policy']).not.toMatch(/script-src/);
      expect(headers[kind]['x-content-type-options']).toBe('nosniff');
    }
  });

  test('the printable weekly review shows names and review notes as text only', () => {
    expectEscaped('weekly review', review);
    const tail = PAYLOADS.map(([, e]) => e).join(' ');
    expect(review).toContain(`chờ bổ sung ${tail}`);
  });

  test('the web UI never turns data into markup: no innerHTML, outerHTML, insertAdjacentHTML or document.write', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (p.endsWith('.js') || p.endsWith('.html')) files.push(p);
      }
    };
    walk(webRoot());
    expect(files.length).toBeGreaterThan(5);
    const offenders = files.filter((f) =>
      /\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML\s*\(|document\.write(ln)?\s*\(|\beval\s*\(|new\s+Function\s*\(/.test(
        fs.readFileSync(f, 'utf8'),
      ),
    );
    expect(offenders.map((f) => path.relative(webRoot(), f))).toEqual([]);
  });
});
