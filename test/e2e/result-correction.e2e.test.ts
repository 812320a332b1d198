/**
 * End to end (issue 14): correcting a returned result from the dossier page, in headless Chromium at 1366×768
 * on SQLite with the local file store.
 *
 *  1. A returned dossier: the specialist has no "Đính chính kết quả"; the head of the economic office has it.
 *  2. Its dialog shows the result as it stands (number, date, signer, its file) and takes the reason, the new
 *     number and date, the signer and the corrected signed file (uploaded with its progress bar).
 *  3. Meanwhile the commune leader records another correction: the dialog answers the code VERSION_CONFLICT in
 *     words and the second press records the head's correction on top of it.
 *  4. The timeline shows the old and the new number; the result document has a second version, the first kept.
 *  5. The auditor's history shows the correction with its file's hash and what the result said before.
 *
 * Screenshots go to test-artifacts/e2e/correction-*.png.
 */
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { BACKENDS } from '../support/backends';
import { ACTORS, submission } from '../support/engine';
import { startServer, type TestServer } from '../support/server';
import { ARTIFACTS, browserTest, closeAll, HAVE_CHROMIUM, listenAndLaunch, requireChromium, signInPage } from '../support/browser';

const TIMEOUT = 240_000;
const PROC = '1.001612';
const pdf = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('correcting a returned result in a browser', () => {
  let server: TestServer;
  let http: Server;
  let base = '';
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) return;
    server = await startServer(BACKENDS[0]!);
    ({ http, base, browser } = await listenAndLaunch(server));
  }, TIMEOUT);
  afterAll(() => closeAll(browser, http, server), TIMEOUT);

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `correction-${name}.png`) });
  const signIn = async (username: string) => (await signInPage(browser, base, username, server.engine.clock.now(), problems)).page;

  /** setup through the API (what the test is about goes through the UI) */
  async function send(username: string, code: string, event: Record<string, unknown>) {
    const token = await server.login(username);
    const version = (await server.engine.engine.get(code)).version;
    const res = await server.http
      .post(`/api/dossiers/${code}/events`)
      .set('Authorization', `Bearer ${token}`)
      .set('If-Match', String(version))
      .send(event);
    if (res.status !== 200) throw new Error(`${event.type as string}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  browserTest(
    'the head of the office corrects a handed-over result with its reason and new file; the old ones stay, the auditor sees it',
    async () => {
      requireChromium();
      server.engine.at('2026-03-05 09:00');
      const original = pdf('giay chung nhan 125, sai ten nguoi de nghi');
      const corrected = pdf('giay chung nhan 125, da dinh chinh ten');
      const leaderToken = await server.login('leader_kinhte');
      expect((await server.http.post('/api/uploads').set('Authorization', `Bearer ${leaderToken}`).send(original)).status).toBe(201);
      const { code } = await server.engine.engine.submit(submission(PROC), ACTORS.counter);
      await server.engine.engine.act(code, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
      await server.engine.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.counter);
      await server.engine.engine.act(code, { type: 'COMPLETE_STEP' }, ACTORS.specialist);
      await send('leader_kinhte', code, {
        type: 'RECORD_RESULT',
        documentNumber: '125/GCN-HKD',
        documentDate: '2026-03-05',
        signer: 'leader_kinhte',
        document: { sha256: sha(original), name: 'GCN 125.pdf', form: 'electronic_original' },
      });
      await server.engine.engine.act(code, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter);
      server.engine.at('2026-03-09 10:00');

      // 1. only a leader is offered the correction
      const specialist = await signIn('specialist');
      await specialist.goto(`${base}/#/ho-so/${encodeURIComponent(code)}`);
      await specialist.locator('#docs-result').waitFor();
      expect(await specialist.locator('[data-action="CORRECT_RESULT"]').count()).toBe(0);

      const leader = await signIn('leader_kinhte');
      await leader.goto(`${base}/#/ho-so/${encodeURIComponent(code)}`);
      const button = leader.locator('#dossier-actions [data-action="CORRECT_RESULT"]');
      expect(await button.textContent()).toBe('Đính chính kết quả');
      await button.click();

      // 2. the result as it stands, then the correction's fields
      const dialog = leader.getByRole('dialog');
      await dialog.locator('#correction-current').waitFor();
      expect(await dialog.locator('#correction-current').textContent()).toContain('Số văn bản: 125/GCN-HKD');
      expect(await dialog.locator('#correction-current').textContent()).toContain('Bản số hóa: GCN 125.pdf (phiên bản 1)');
      expect(await dialog.getByLabel('Người ký').inputValue()).toBe('leader_kinhte');
      await dialog
        .getByLabel('Lý do đính chính (sai sót gì, căn cứ nào)')
        .fill('Sai họ tên người đề nghị (Nguyễn Thị Hao → Nguyễn Thị Hoa)');
      await dialog.getByLabel('Số văn bản đính chính').fill('125/GCN-HKD-ĐC');
      await dialog
        .locator('#result-file')
        .setInputFiles({ name: 'GCN 125 dinh chinh.pdf', mimeType: 'application/pdf', buffer: corrected });
      await dialog.locator('.upload-item.uploaded').waitFor();
      await shot(leader, '01-dialog');

      // 3. someone else corrected it meanwhile: VERSION_CONFLICT in words, then the second press records this one
      await send('leader', code, {
        type: 'CORRECT_RESULT',
        reason: 'Sai ngày ký',
        documentNumber: '125/GCN-HKD',
        documentDate: '2026-03-06',
        signer: 'leader',
      });
      await dialog.getByRole('button', { name: 'Ghi đính chính' }).click();
      const alert = dialog.locator('.form-error');
      await alert.filter({ hasText: 'vừa được người khác cập nhật' }).waitFor();
      expect(await alert.textContent()).toContain('bấm «Ghi đính chính» lần nữa');
      await dialog.getByRole('button', { name: 'Ghi đính chính' }).click();
      await dialog.waitFor({ state: 'detached' });

      // 4. the page: the timeline says what changed; the result document keeps its first version
      const entry = leader.locator('#timeline > li[data-type="CORRECT_RESULT"]').first();
      await entry.waitFor();
      expect(await entry.locator('.ev-title').textContent()).toBe('Đính chính kết quả đã trả');
      expect(await entry.textContent()).toContain('Số văn bản: 125/GCN-HKD → 125/GCN-HKD-ĐC');
      expect(await entry.textContent()).toContain('Lý do: Sai họ tên người đề nghị');
      expect(await entry.locator('.hash').getAttribute('title')).toBe(`SHA-256: ${sha(corrected)}`);
      const result = leader.locator('#docs-result .doc-item');
      await result.locator('.doc-version', { hasText: 'Phiên bản 2' }).waitFor();
      expect(await result.locator('.doc-name').textContent()).toBe('GCN 125 dinh chinh.pdf');
      await result.locator('.doc-history summary').click();
      expect(await result.locator('.doc-versions li').count()).toBe(2);
      expect(await leader.locator('#dossier-state, .head-badges').first().textContent()).toContain('Đã trả kết quả');
      await shot(leader, '02-after');

      // 5. the auditor: the correction in the history, its file's hash, what the result said before
      const auditor = await signIn('auditor');
      await auditor.goto(`${base}/#/kiem-tra/${encodeURIComponent(code)}`);
      const row = auditor.locator('tr[data-type="CORRECT_RESULT"]').last();
      await row.locator('.audit-file').waitFor();
      expect(await row.locator('.audit-file').getAttribute('data-sha256')).toBe(sha(corrected));
      await row.locator('button').click();
      await auditor.locator('#audit-payload', { hasText: 'Kết quả trước khi đính chính' }).waitFor();
      await shot(auditor, '03-auditor');

      expect(problems).toEqual([]);
    },
    TIMEOUT,
  );
});
