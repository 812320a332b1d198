/**
 * End to end: what every staff user meets in the web UI, in headless Chromium at 1366×768
 * (Asia/Ho_Chi_Minh) on SQLite, the browser's clock following the server's test clock.
 *
 *  1. Menus follow the role: the supervisor and the read-only auditor have no intake form and no inbox
 *     (typed addresses say "no access"); every action button a dossier page shows is one the server
 *     permits that user (permittedEvents).
 *  2. A dialog closes when the user navigates away (Back, a link, a shortcut).
 *
 * Screenshots go to test-artifacts/e2e/everyone-*.png.
 */
import type { Page } from 'playwright-core';
import { ACTORS } from '../support/engine';
import { browserRun, browserTest } from '../support/browser';

const TIMEOUT = 180_000;
const NOW = '2026-03-16 09:00';

describe('what every staff user meets in the browser', () => {
  /** A: at the specialist's step (KINHTE); B: received at the counter, not yet forwarded */
  const codes = { A: '', B: '' };
  const run = browserRun({
    start: '2026-03-16 08:00',
    now: NOW,
    screenshots: 'everyone-',
    seed: async (run) => {
      codes.A = await run.submit('2026-03-16 08:10', 'Nguyễn Văn An');
      await run.act('2026-03-16 08:15', codes.A, { type: 'ASSIGN', assignee: 'counter' }, ACTORS.counter);
      await run.act('2026-03-16 08:20', codes.A, { type: 'COMPLETE_STEP' }, ACTORS.counter);
      codes.B = await run.submit('2026-03-16 08:30', 'Bùi Thị Bình');
    },
  });

  /** navigates inside the app as a link would */
  const go = (page: Page, hash: string) => page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  const navLinks = async (page: Page) => (await page.locator('#nav a:visible').allTextContents()).map((t) => t.trim());

  const permitted = async (username: string, code: string) =>
    (await run.call(username, 'GET', `/api/dossiers/${code}`)).permittedEvents as string[];

  browserTest(
    'the supervisor and the auditor see no intake form and no inbox; a typed address to either says they have no access',
    async () => {
      for (const username of ['supervisor', 'auditor']) {
        const page = await run.signIn(username);
        expect(await navLinks(page)).toStrictEqual(['Tra cứu hồ sơ', 'Bảng điều hành']);
        await run.shot(page, `01-home-${username}`);
        for (const hash of ['#/quay', '#/hop-viec']) {
          await go(page, hash);
          await page.locator('#no-access').waitFor();
          expect(await page.locator('#view h1').textContent()).toBe('Không có quyền truy cập');
          expect(await page.locator('#view form, #view table').count()).toBe(0);
        }
        await run.shot(page, `02-no-access-${username}`);
        // Alt+1 (the intake shortcut) does nothing for them
        await go(page, '#/tra-cuu');
        await page.locator('#view h1').waitFor();
        await page.keyboard.press('Alt+1');
        await page.waitForTimeout(200);
        expect(page.url()).toContain('#/tra-cuu');
      }
      const counter = await run.signIn('counter');
      expect(await navLinks(counter)).toStrictEqual(['Quầy tiếp nhận', 'Hộp việc', 'Tra cứu hồ sơ']);
      const specialist = await run.signIn('specialist');
      expect(await navLinks(specialist)).toStrictEqual(['Hộp việc', 'Tra cứu hồ sơ']);
      expect(run.problems).toStrictEqual([]);
    },
    TIMEOUT,
  );

  browserTest(
    'every action button on a dossier page is one the server permits that user',
    async () => {
      for (const username of ['specialist', 'leader_kinhte', 'counter', 'supervisor', 'auditor']) {
        const page = await run.signIn(username);
        await go(page, `#/ho-so/${codes.A}`);
        await page.locator('#dossier-code').waitFor();
        await page.locator('#act-title').waitFor();
        const shown = await page
          .locator('#dossier-actions button[data-action]')
          .evaluateAll((bs) => bs.map((b) => b.getAttribute('data-action')));
        const allowed = await permitted(username, codes.A);
        // each button shown is permitted (documents are attached in their own panel, not by an action button)
        expect({ username, notPermitted: shown.filter((t) => !allowed.includes(t!)) }).toStrictEqual({ username, notPermitted: [] });
        // the read-only users have none; the counter only records the applicant's requests: to withdraw, to be told otherwise
        const expected = { supervisor: [], auditor: [], counter: ['REQUEST_WITHDRAWAL', 'CHANGE_NOTIFICATION'] }[username];
        if (expected) expect(shown).toStrictEqual(expected);
        else expect(shown.length).toBeGreaterThan(0);
        await run.shot(page, `03-actions-${username}`);
      }
      expect(run.problems).toStrictEqual([]);
    },
    TIMEOUT,
  );

  browserTest(
    'a dialog closes when the user navigates away: Back, a menu link, a keyboard shortcut',
    async () => {
      const page = await run.signIn('leader_kinhte');
      await go(page, '#/tra-cuu');
      await page.locator('#view h1').waitFor();
      await go(page, '#/hop-viec');
      const row = page.locator(`tr[data-code="${codes.A}"]`);
      await row.waitFor();
      const dialogs = page.locator('dialog');

      await row.locator('button[data-more]').click();
      await page.locator('dialog[open]').waitFor();
      await run.shot(page, '04-dialog-open');
      await page.goBack();
      await page.waitForURL((url) => url.hash === '#/tra-cuu');
      await page.locator('#view h1').waitFor();
      expect(await dialogs.count()).toBe(0);

      await page.goForward();
      await row.waitFor();
      await row.locator('button[data-more]').click();
      await page.locator('dialog[open]').waitFor();
      await page.keyboard.press('Alt+3');
      await page.waitForURL((url) => url.hash === '#/tra-cuu');
      // the hash changes first; the router then closes the dialog and its 'close' event removes it (a task later)
      await page.waitForFunction("document.querySelectorAll('dialog').length === 0", null, { timeout: 5_000 });
      expect(await dialogs.count()).toBe(0);

      await page.goBack();
      await row.waitFor();
      await row.locator('button[data-action]').first().click();
      await page.locator('dialog[open]').waitFor();
      await go(page, `#/ho-so/${codes.A}`);
      await page.locator('#dossier-code').waitFor();
      expect(await dialogs.count()).toBe(0);
      await run.shot(page, '05-dialog-gone');
      expect(run.problems).toStrictEqual([]);
    },
    TIMEOUT,
  );

  browserTest(
    'the assignment dialog offers the step’s unit and its eligible users by name as lists, and the choice is accepted',
    async () => {
      const page = await run.signIn('leader_kinhte');
      await go(page, `#/ho-so/${codes.A}`);
      await page.locator('#dossier-actions button[data-action="ASSIGN"]').click();
      const dialog = page.locator('dialog[open]');
      await dialog.waitFor();
      const optionsOf = (name: string) =>
        dialog.locator(`select[name="${name}"] option`).evaluateAll((os) => os.map((o) => [o.getAttribute('value'), o.textContent]));
      expect(await optionsOf('unit')).toStrictEqual([['KINHTE', 'Phòng Kinh tế']]);
      expect(await optionsOf('assignee')).toStrictEqual([
        ['', '(giao cho đơn vị, chưa chọn người)'],
        ['specialist', 'Trần Văn Minh — Chuyên viên Phòng Kinh tế'],
        ['leader_kinhte', 'Vũ Đức Thắng — Trưởng phòng Kinh tế'],
      ]);
      expect(await dialog.locator('input[name="assignee"], input[name="unit"]').count()).toBe(0);
      await dialog.getByLabel('Người xử lý').selectOption('specialist');
      await run.shot(page, '06-assign-dialog');
      await dialog.getByRole('button', { name: 'Xác nhận' }).click();
      await page.locator('dialog').waitFor({ state: 'detached' });
      const after = await run.call('leader_kinhte', 'GET', `/api/dossiers/${codes.A}`);
      expect(after).toMatchObject({ unit: 'KINHTE', assignee: 'specialist' });
      expect(run.problems).toStrictEqual([]);
    },
    TIMEOUT,
  );

  browserTest(
    'people are shown by full name and title, never by username: the dossier, its timeline, the inbox and the audit view',
    async () => {
      // the API resolves them in one place (src/store/user-names.ts): the view's assignee, each event's actor and assignee
      const view = await run.call('leader_kinhte', 'GET', `/api/dossiers/${codes.A}`);
      expect(view).toMatchObject({ assignee: 'specialist', assigneeName: 'Trần Văn Minh (Chuyên viên Phòng Kinh tế)' });
      const events = await run.call('leader_kinhte', 'GET', `/api/dossiers/${codes.A}/events`);
      expect(events[0]).toMatchObject({ actor: 'counter', actorName: 'Nguyễn Thị Lan (Công chức Trung tâm Phục vụ hành chính công)' });
      expect(events.at(-1)).toMatchObject({ type: 'ASSIGN', assigneeName: 'Trần Văn Minh (Chuyên viên Phòng Kinh tế)' });

      const usernames = /\b(counter|specialist|leader_kinhte|leader|supervisor|auditor)\b/;
      const page = await run.signIn('leader_kinhte');
      await go(page, `#/ho-so/${codes.A}`);
      await page.locator('#timeline').waitFor();
      const dossierText = (await page.locator('#view').textContent()) ?? '';
      expect(dossierText).toContain('Phòng Kinh tế · Trần Văn Minh (Chuyên viên Phòng Kinh tế)');
      expect(dossierText).toContain('Nguyễn Thị Lan (Công chức Trung tâm Phục vụ hành chính công)');
      expect(dossierText).not.toMatch(usernames);
      await run.shot(page, '07-names-dossier');

      await go(page, '#/hop-viec');
      await page.locator(`tr[data-code="${codes.A}"]`).waitFor();
      const inboxText = (await page.locator('#view').textContent()) ?? '';
      expect(inboxText).toContain('Người xử lý: Trần Văn Minh (Chuyên viên Phòng Kinh tế)');
      expect(inboxText).not.toMatch(usernames);

      const auditor = await run.signIn('auditor');
      await go(auditor, `#/kiem-tra/${codes.A}`);
      await auditor.locator('#view h1').waitFor();
      await auditor.locator('#view [data-seq]').first().waitFor();
      const auditText = (await auditor.locator('#view').textContent()) ?? '';
      expect(auditText).toContain('Người thực hiệnVũ Đức Thắng (Trưởng phòng Kinh tế)');
      expect(auditText).toContain('Người được phân công assigneeTrần Văn Minh (Chuyên viên Phòng Kinh tế)');
      expect(auditText).not.toMatch(usernames);
      await run.shot(auditor, '08-names-audit');
      expect(run.problems).toStrictEqual([]);
    },
    TIMEOUT,
  );
});
