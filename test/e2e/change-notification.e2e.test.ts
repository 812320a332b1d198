/**
 * End to end: at the counter, the applicant changes how to be told after receipt. On the dossier page the clerk
 * opens "Đổi kênh nhận thông báo", is stopped until the consent is ticked, records a new SMS number for a
 * representative, then the applicant's withdrawal of consent; the history shows both with the address masked
 * (headless Chromium at 1366×768, SQLite).
 *
 * Screenshots: test-artifacts/e2e/change-notification-dialog-1366.png, change-notification-history-1366.png.
 */
import { ACTORS, submission } from '../support/engine';
import { browserRun, browserTest } from '../support/browser';
import { findDossierByCode } from '../../src/store/dossier-store';

const TIMEOUT = 180_000;
const NOW = '2026-03-16 09:00';

describe('changing the notification channel on the dossier page', () => {
  let code = '';
  const run = browserRun({
    start: NOW,
    screenshots: 'change-notification-',
    fullPage: false,
    seed: async (run) => {
      const s = submission('1.001612', 'counter', 'Phạm Văn Đức');
      ({ code } = await run.server.engine.engine.submit(
        { ...s, applicant: { ...s.applicant, phone: '0912345678' }, notification: { channel: 'sms', consent: true } },
        ACTORS.counter,
      ));
    },
  });

  browserTest(
    'the clerk records a new number asked by a representative, then the withdrawal of consent; the history shows both, masked',
    async () => {
      const page = await run.signIn('counter');
      await page.goto(`${run.base}/#/ho-so/${encodeURIComponent(code)}`);
      await page.locator('#dossier-actions').getByRole('button', { name: 'Đổi kênh nhận thông báo' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Kênh nhận thông báo').selectOption('sms');
      await dialog.getByLabel('Số điện thoại / email nhận').fill('0987 654 321');
      await dialog.getByLabel('Người đề nghị thay người nộp (nếu có)').fill('Phạm Thị Hoa');
      await dialog.getByLabel('Lý do').fill('Đổi số điện thoại');
      await run.shot(page, 'dialog-1366');
      // without the consent ticked nothing is sent: the dialog says what is missing
      await dialog.getByRole('button', { name: 'Xác nhận' }).click();
      await dialog.getByText('Cần hỏi và đánh dấu sự đồng ý của người nộp').waitFor();
      const row = (await findDossierByCode(run.server.engine.db, code))!;
      expect((await run.server.engine.engine.get(code)).version).toBe(row.version);
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
      await run.shot(page, 'history-1366');

      const events = (await run.server.engine.engine.history(code)).filter((e) => e.type === 'CHANGE_NOTIFICATION');
      expect(events.map((e) => e.payload)).toEqual([
        { notification: { channel: 'sms', contact: '0987654321', consent: true }, onBehalf: 'Phạm Thị Hoa', reason: 'Đổi số điện thoại' },
        { notification: { channel: 'none', contact: null, consent: false }, onBehalf: null, reason: null },
      ]);
      expect(run.problems).toEqual([]);
    },
    TIMEOUT,
  );
});
