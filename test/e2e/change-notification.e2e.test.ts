/**
 * End to end: at the counter, the applicant changes how to be told after receipt. On the dossier page the clerk
 * opens "Đổi kênh nhận thông báo", is stopped until the consent is ticked, records a new SMS number for a
 * representative, then the applicant's withdrawal of consent; the history shows both with the address masked
 * (headless Chromium at 1366×768, SQLite).
 *
 * Screenshots: test-artifacts/e2e/change-notification-dialog-1366.png, change-notification-history-1366.png.
 */
import path from 'node:path';
import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { BACKENDS } from '../support/backends';
import { ACTORS, hanoi, submission } from '../support/engine';
import { startServer, type TestServer } from '../support/server';
import { ARTIFACTS, browserTest, closeAll, HAVE_CHROMIUM, listenAndLaunch, requireChromium, signInPage } from '../support/browser';
import { findDossierByCode } from '../../src/store/dossier-store';

const TIMEOUT = 180_000;
const NOW = '2026-03-16 09:00';

describe('changing the notification channel on the dossier page', () => {
  let server: TestServer;
  let web: Server;
  let base = '';
  let browser: Browser;
  const problems: string[] = [];
  let code = '';

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) return;
    server = await startServer(BACKENDS[0]!, NOW);
    const s = submission('1.001612', 'counter', 'Phạm Văn Đức');
    ({ code } = await server.engine.engine.submit(
      { ...s, applicant: { ...s.applicant, phone: '0912345678' }, notification: { channel: 'sms', consent: true } },
      ACTORS.counter,
    ));
    ({ http: web, base, browser } = await listenAndLaunch(server));
  }, TIMEOUT);

  afterAll(async () => closeAll(browser, web, server), TIMEOUT);

  browserTest(
    'the clerk records a new number asked by a representative, then the withdrawal of consent; the history shows both, masked',
    async () => {
      requireChromium();
      const { page } = await signInPage(browser, base, 'counter', new Date(hanoi(NOW)), problems);
      await page.goto(`${base}/#/ho-so/${encodeURIComponent(code)}`);
      await page.locator('#dossier-actions').getByRole('button', { name: 'Đổi kênh nhận thông báo' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Kênh nhận thông báo').selectOption('sms');
      await dialog.getByLabel('Số điện thoại / email nhận').fill('0987 654 321');
      await dialog.getByLabel('Người đề nghị thay người nộp (nếu có)').fill('Phạm Thị Hoa');
      await dialog.getByLabel('Lý do').fill('Đổi số điện thoại');
      await page.screenshot({ path: path.join(ARTIFACTS, 'change-notification-dialog-1366.png'), fullPage: false });
      // without the consent ticked nothing is sent: the dialog says what is missing
      await dialog.getByRole('button', { name: 'Xác nhận' }).click();
      await dialog.getByText('Cần hỏi và đánh dấu sự đồng ý của người nộp').waitFor();
      const row = (await findDossierByCode(server.engine.db, code))!;
      expect((await server.engine.engine.get(code)).version).toBe(row.version);
      await dialog.getByLabel('Người nộp đồng ý nhận thông báo qua kênh đã chọn').check();
      await dialog.getByRole('button', { name: 'Xác nhận' }).click();
      await dialog.waitFor({ state: 'detached' });

      // then the applicant no longer wants any message
      await page.locator('#timeline > li[data-type="CHANGE_NOTIFICATION"]').waitFor();
      await page.locator('#dossier-actions').getByRole('button', { name: 'Đổi kênh nhận thông báo' }).click();
      await dialog.getByLabel('Kênh nhận thông báo').selectOption('none');
      await dialog.getByRole('button', { name: 'Xác nhận' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.locator('#timeline > li[data-type="CHANGE_NOTIFICATION"]').nth(1).waitFor();

      const items = page.locator('#timeline > li[data-type="CHANGE_NOTIFICATION"]'); // newest first
      expect(await items.nth(0).textContent()).toContain('Nhận thông báo: Không nhận thông báo');
      const first = (await items.nth(1).textContent()) ?? '';
      expect(first).toContain('Thay đổi kênh nhận thông báo');
      expect(first).toContain('Tin nhắn SMS — ••••••4321');
      expect(first).toContain('Người đề nghị thay: Phạm Thị Hoa');
      expect(await page.locator('#timeline').textContent()).not.toContain('0987654321');
      await page.screenshot({ path: path.join(ARTIFACTS, 'change-notification-history-1366.png'), fullPage: false });

      const events = (await server.engine.engine.history(code)).filter((e) => e.type === 'CHANGE_NOTIFICATION');
      expect(events.map((e) => e.payload)).toEqual([
        { notification: { channel: 'sms', contact: '0987654321', consent: true }, onBehalf: 'Phạm Thị Hoa', reason: 'Đổi số điện thoại' },
        { notification: { channel: 'none', contact: null, consent: false }, onBehalf: null, reason: null },
      ]);
      expect(problems).toEqual([]);
    },
    TIMEOUT,
  );
});
