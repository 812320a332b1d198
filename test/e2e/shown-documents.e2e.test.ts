/**
 * End to end (issue 14): a paper shown, not kept (xuất trình) in headless Chromium at 1366 px, on SQLite.
 *
 *  1. The counter clerk picks birth registration (1.001193): only its ID paper, which the procedure flags showOnly,
 *     offers "Chỉ xuất trình, không lưu". The clerk scans the declaration and the birth certificate and ticks the ID
 *     paper as shown: the row counts as received, its picker goes away and the row says it needs no scan; the
 *     count reads 2/2 digitised and 1 shown. RECEIVE records digitisation.shown = [2].
 *  2. The dossier page says the ID paper was only shown (not "paper only"), and its history names it.
 *  3. The auditor's timeline shows the receipt's shown components under their label, each by its name in the
 *     procedure version (not only its index), and an attached scan's component by name.
 *
 * Screenshots go to test-artifacts/e2e/shown-*.png.
 */
import { createHash } from 'node:crypto';
import { browserRun, browserTest, textOf } from '../support/browser';

const TIMEOUT = 240_000;
const PROC = '1.001193';
const SHOWN = 'Chỉ xuất trình, không lưu';

const pdf = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);
const file = (name: string, text: string) => ({ name, mimeType: 'application/pdf', buffer: pdf(text) });
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('a paper shown, not kept, in a browser', () => {
  const run = browserRun({ screenshots: 'shown-', fullPage: false, timeout: TIMEOUT });

  browserTest(
    'the counter marks the ID paper shown, not kept; the dossier page and the auditor see it',
    async () => {
      await run.at('2026-03-03 09:00');
      const clerk = await run.signIn('counter', { width: 1366 });
      await clerk.locator('#procedure').fill(PROC);
      await clerk.locator('#procedure').press('Tab');
      const rows = clerk.locator('table.checklist tbody tr');
      await rows.first().waitFor();
      // only the paper the procedure flags showOnly offers the choice
      expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('input.shown-check') !== null))).toEqual([
        false,
        false,
        true,
      ]);

      await clerk.locator('#scan-0').setInputFiles(file('to-khai.pdf', 'to khai khai sinh'));
      await clerk.locator('#scan-1').setInputFiles(file('giay-chung-sinh.pdf', 'giay chung sinh'));
      await rows.nth(0).locator('.upload-item.uploaded').waitFor();
      await rows.nth(1).locator('.upload-item.uploaded').waitFor();
      expect(await textOf(clerk, '#docs-count')).toContain('đã số hóa 2/3 thành phần (1 chỉ bản giấy)');

      await rows.nth(2).getByLabel(SHOWN).check();
      expect(await rows.nth(2).locator('.c-check input[type=checkbox]').isChecked()).toBe(true);
      expect(await rows.nth(2).locator('.drop-zone').isVisible()).toBe(false);
      expect(await textOf(clerk, '#shown-2-status')).toBe('Đã đối chiếu bản chính và trả lại người nộp: không cần bản quét');
      expect(await textOf(clerk, '#docs-count')).toBe('Đã nhận 3/3 giấy tờ · đã số hóa 2/2 thành phần · 1 chỉ xuất trình, không lưu');

      await clerk.getByRole('textbox', { name: 'Họ và tên', exact: true }).fill('Trần Văn Bình');
      await clerk.getByRole('textbox', { name: 'Số CCCD / định danh', exact: true }).fill('001190054321');
      await clerk.getByRole('textbox', { name: 'Số điện thoại', exact: true }).fill('0912000111');
      await clerk.getByRole('textbox', { name: 'Địa chỉ', exact: true }).fill('Số 2 phố Hàng Đào, phường Hoàn Kiếm, Hà Nội');
      await clerk.locator('fieldset.docs').scrollIntoViewIfNeeded();
      await run.shot(clerk, '01-counter-shown');
      await clerk.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
      await clerk.locator('#received-code').waitFor();
      const code = (await textOf(clerk, '#received-code')).trim();
      expect(await textOf(clerk, '#received-scans')).toBe('2 tệp, 2/2 thành phần · 1 chỉ xuất trình, không lưu');
      const events = await run.call('counter', 'GET', `/api/dossiers/${code}/events`);
      const receive = events.find((e: { type: string }) => e.type === 'RECEIVE');
      expect(receive.payload.digitisation).toMatchObject({ required: 2, digitised: 2, missing: [], shown: [2] });
      expect(
        events
          .filter((e: { type: string }) => e.type === 'ATTACH_DOCUMENT')
          .map((e: { payload: { file: { sha256: string } } }) => e.payload.file.sha256),
      ).toEqual([sha(pdf('to khai khai sinh')), sha(pdf('giay chung sinh'))]);

      // 2. the dossier page: the ID paper was shown, not kept; the summary counts what the dossier keeps
      await clerk.goto(`${run.base}/#/ho-so/${encodeURIComponent(code)}`);
      const panel = clerk.locator('#docs-panel');
      await panel.locator('.docs-table').waitFor();
      expect(await panel.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-shown')))).toEqual([
        'false',
        'false',
        'true',
      ]);
      expect(await textOf(clerk, '#docs-panel tbody tr[data-component="2"] .shown-only')).toBe(SHOWN);
      expect(await panel.locator('tbody tr[data-component="2"] .paper-only').count()).toBe(0);
      expect(await textOf(clerk, '#docs-summary')).toBe(
        'Đã số hóa 2/2 thành phần hồ sơ theo quy định · 1 giấy tờ chỉ xuất trình, không lưu',
      );
      await panel.scrollIntoViewIfNeeded();
      await run.shot(clerk, '02-dossier-shown');

      // 3. the auditor's timeline: the receipt's shown components under their label
      const auditor = await run.signIn('auditor', { width: 1366 });
      await auditor.goto(`${run.base}/#/kiem-tra/${encodeURIComponent(code)}`);
      await auditor.locator('tr[data-type="RECEIVE"] button').click();
      const payload = auditor.locator('#audit-payload');
      await payload.locator('dt', { hasText: SHOWN }).waitFor();
      expect(await payload.locator('dt', { hasText: SHOWN }).textContent()).toBe(`${SHOWN} shown`);
      // each component by its name in the procedure version, its index beside it
      expect(await textOf(auditor, '#audit-payload dt:has-text("shown") + dd')).toBe(
        'Giấy tờ tùy thân của người đi đăng ký (xuất trình) (2)',
      );
      await run.shot(auditor, '03-auditor-shown');
      await auditor.locator('tr[data-type="ATTACH_DOCUMENT"] button').first().click();
      await auditor.locator('#audit-payload dt', { hasText: 'Thành phần hồ sơ' }).waitFor();
      expect(await textOf(auditor, '#audit-payload dt:has-text("Thành phần hồ sơ") + dd')).toBe('Tờ khai đăng ký khai sinh (theo mẫu) (0)');

      // an optional paper ("nếu có") the applicant did not bring is said so on the dossier page, not "paper only",
      // and left out of what the dossier keeps
      const household = await run.submit('2026-03-03 10:00', 'Lê Thị Mai', 'counter', '1.001612');
      await clerk.goto(`${run.base}/#/ho-so/${encodeURIComponent(household)}`);
      await clerk.locator('#docs-panel .docs-table').waitFor();
      expect(await textOf(clerk, '#docs-panel tbody tr[data-component="2"] .optional-absent')).toBe('Không nộp (giấy tờ nếu có)');
      expect(await textOf(clerk, '#docs-summary')).toBe(
        'Đã số hóa 0/2 thành phần hồ sơ theo quy định · các thành phần còn lại chỉ có bản giấy',
      );
      expect(run.problems).toEqual([]);
    },
    TIMEOUT,
  );
});
