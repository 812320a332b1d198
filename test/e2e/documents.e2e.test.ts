/**
 * End to end (issue 14): a dossier's documents in headless Chromium at 1366×768 (the citizen at 360 px),
 * on SQLite with the local file store, the browser's clock following the server's.
 *
 *  1. The counter clerk picks 1.001612 and uploads the scans of two of its three required documents
 *     from the checklist, each with its progress bar; a ZIP is refused with the Vietnamese message for
 *     its code (415); the third stays paper only. The receipt records two files.
 *  2. The specialist opens the dossier: which components are digitised and which are paper only, a
 *     download of a scan (the same bytes), a new version with its reason (the history keeps both). Files
 *     over 1 MB go resumably; on the dossier page (new version, result) the upload names its dossier.
 *  3. The head of the economic office records the result with its signed file (electronic original).
 *  4. Back at the counter the return dialog offers the result file; the result is handed back.
 *  5. The citizen (360 px) downloads the electronic result from the lookup page with the 4 digits.
 *  6. A second dossier of the same applicant reuses a scan of the first instead of scanning again.
 *  7. The auditor's history shows each document event with its file's hash; the supervisor's dashboard
 *     shows the digitisation and reuse rates against their 90% targets.
 *
 * Screenshots go to test-artifacts/e2e/documents-*.png.
 */
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import type { Download, Page } from 'playwright-core';
import { browserRun, browserTest } from '../support/browser';

const TIMEOUT = 240_000;
const PROC = '1.001612';
const ID_NUMBER = '001190012345';

const pdf = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);
/** a scan large enough for the progress bar to move */
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(3 * 1024 * 1024, 7)]);
const ZIP = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(2000, 2)]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** a signed PDF over 1 MB: the page sends it resumably (tus), with its Upload-Metadata */
const bigPdf = (text: string) => Buffer.concat([pdf(text), Buffer.alloc(1536 * 1024, 0x20)]);

describe('dossier documents in a browser', () => {
  const run = browserRun({ screenshots: 'documents-', fullPage: false, timeout: TIMEOUT });

  const file = (name: string, mimeType: string, buffer: Buffer) => ({ name, mimeType, buffer });
  const bytesOf = async (d: Download) => fs.readFileSync((await d.path())!);
  /** the Upload-Metadata of every resumable upload `page` creates from now on, decoded (tus: `key base64,…`) */
  const creations = async (page: Page) => {
    const seen: Record<string, string>[] = [];
    await page.route('**/api/uploads/resumable', async (route) => {
      if (route.request().method() === 'POST') {
        const header = (await route.request().allHeaders())['upload-metadata'] ?? '';
        seen.push(
          Object.fromEntries(
            header.split(',').map((pair) => {
              const [k, v] = pair.trim().split(' ');
              return [k!, Buffer.from(v ?? '', 'base64').toString('utf8')];
            }),
          ),
        );
      }
      return route.continue();
    });
    return seen;
  };

  browserTest(
    'scans go from the counter to the specialist, the signed result to the citizen; a wrong type is refused in words',
    async () => {
      await run.at('2026-03-03 09:00');
      const scan1 = pdf('to khai dang ky ho kinh doanh');

      // 1. the counter: the checklist offers an upload per required document
      const clerk = await run.signIn('counter');
      await clerk.locator('#procedure').fill(PROC);
      await clerk.locator('#procedure').press('Tab');
      const rows = clerk.locator('table.checklist tbody tr');
      await rows.first().waitFor();
      expect(await rows.locator('.c-scan .file-button').count()).toBe(3);
      // before any upload the clerk reads what the server accepts (GET /api/uploads/limits), and the dialog offers only that
      await clerk.locator('#scan-limits').filter({ hasText: 'Nhận' }).waitFor();
      expect(await clerk.locator('#scan-limits').textContent()).toBe('Nhận PDF, JPEG, PNG, XML; tối đa 256 MB mỗi tệp');
      expect(await clerk.locator('#scan-0').getAttribute('accept')).toBe(
        '.pdf,application/pdf,.jpg,.jpeg,image/jpeg,.png,image/png,.xml,application/xml',
      );
      expect(await clerk.locator('#scan-2').getAttribute('aria-describedby')).toBe('scan-limits');

      // the progress bar: every value it shows is recorded while the 3 MB scan goes up
      await clerk.evaluate(`(() => {
        const seen = (window.progressSeen = []);
        new MutationObserver((records) => {
          for (const r of records)
            if (r.target instanceof HTMLProgressElement) seen.push(r.target.getAttribute('value') ?? '');
            else for (const n of r.addedNodes) if (n instanceof Element) for (const p of n.querySelectorAll('progress')) seen.push(p.getAttribute('value') ?? '0');
        }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['value'] });
      })()`);
      const atCounter = await creations(clerk);
      await clerk.locator('#scan-0').setInputFiles(file('to-khai.pdf', 'application/pdf', scan1));
      await clerk.locator('#scan-1').setInputFiles(file('hop-dong-thue.png', 'image/png', PNG));
      await rows.nth(0).locator('.upload-item.uploaded').waitFor();
      await rows.nth(1).locator('.upload-item.uploaded').waitFor();
      // the 3 MB scan went resumably, for no dossier yet (it does not exist before the receipt)
      expect(atCounter).toEqual([{ filename: 'hop-dong-thue.png' }]);
      const progress = (await clerk.evaluate<string[]>('window.progressSeen')).map(Number);
      expect(progress.length).toBeGreaterThanOrEqual(2);
      expect(Math.max(...progress)).toBe(1);
      // a scanned document counts as received
      expect(await rows.nth(0).locator('input[type=checkbox]').isChecked()).toBe(true);
      // the optional paper (nếu có) is not counted until the applicant brings it, as the server counts
      expect(await clerk.locator('#docs-count').textContent()).toContain('đã số hóa 2/2 thành phần');

      // a ZIP named .pdf is refused by its bytes, with the message for UNSUPPORTED_MEDIA_TYPE in Vietnamese
      await clerk.locator('#scan-2').setInputFiles(file('ban-sao-cccd.pdf', 'application/pdf', ZIP));
      const refused = rows.nth(2).locator('.upload-item.failed');
      await refused.waitFor();
      expect(await refused.getAttribute('data-code')).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(await refused.locator('.upload-error').textContent()).toBe(
        'Tệp không đúng loại (đây là tệp nén ZIP): chỉ nhận PDF, ảnh JPEG, ảnh PNG, XML (văn bản điện tử có chữ ký số).',
      );
      await refused.getByRole('button', { name: 'Thử lại' }).waitFor();
      await run.shot(clerk, '01-counter-upload-refused');
      await refused.getByRole('button', { name: /^Bỏ tệp/ }).click();
      await refused.waitFor({ state: 'detached' });

      await rows.nth(2).locator('input[type=checkbox]').check();
      // brought but not scanned: now it counts, on paper only
      expect(await clerk.locator('#docs-count').textContent()).toContain('đã số hóa 2/3 thành phần (1 chỉ bản giấy)');
      await clerk.getByRole('textbox', { name: 'Họ và tên', exact: true }).fill('Nguyễn Thị Hoa');
      await clerk.getByRole('textbox', { name: 'Số CCCD / định danh', exact: true }).fill(ID_NUMBER);
      await clerk.getByRole('textbox', { name: 'Số điện thoại', exact: true }).fill('0912345678');
      await clerk.getByRole('textbox', { name: 'Địa chỉ', exact: true }).fill('Số 5 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội');
      await run.shot(clerk, '02-counter-intake-scans');
      await clerk.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
      await clerk.locator('#received-code').waitFor();
      const code = (await clerk.locator('#received-code').textContent())!.trim();
      expect(await clerk.locator('#received-scans').textContent()).toBe('2 tệp, 2/3 thành phần');
      const received = await run.call('counter', 'GET', `/api/dossiers/${code}/events`);
      expect(
        received
          .filter((e: { type: string }) => e.type === 'ATTACH_DOCUMENT')
          .map((e: { payload: { file: { sha256: string } } }) => e.payload.file.sha256),
      ).toEqual([sha(scan1), sha(PNG)]);
      await clerk.getByRole('button', { name: 'Chuyển xử lý' }).click();
      await clerk.getByRole('dialog').getByRole('button', { name: 'Chuyển', exact: true }).click();
      await clerk.locator('#received-status', { hasText: 'Đã chuyển đến Phòng Kinh tế' }).waitFor();

      // 2. the specialist sees which components are digitised, downloads one, replaces it with a reason
      await run.at('2026-03-04 10:00');
      const specialist = await run.signIn('specialist');
      await specialist.goto(`${run.base}/#/ho-so/${encodeURIComponent(code)}`);
      const panel = specialist.locator('#docs-panel');
      await panel.locator('.docs-table').waitFor();
      expect(await panel.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-digitised')))).toEqual([
        'true',
        'true',
        'false',
      ]);
      expect(await panel.locator('tbody tr').nth(2).locator('.paper-only').textContent()).toBe('Chỉ bản giấy');
      expect(await panel.locator('#docs-summary').textContent()).toContain('Đã số hóa 2/3 thành phần');
      const [download] = await Promise.all([
        specialist.waitForEvent('download'),
        panel
          .locator('[data-document-id="d1"] .doc-actions')
          .getByRole('button', { name: /^Tải về/ })
          .click(),
      ]);
      expect(download.suggestedFilename()).toBe('to-khai.pdf');
      expect((await bytesOf(download)).equals(scan1)).toBe(true);

      const scan1b = bigPdf('to khai ban ky lai');
      const onDossierPage = await creations(specialist);
      await panel.locator('[data-replace="d1"]').click();
      const replace = specialist.getByRole('dialog');
      // a picker on its own shows the limits right under it
      await replace.locator('#replace-d1-limits').filter({ hasText: 'Nhận' }).waitFor();
      expect(await replace.locator('#replace-d1-limits').textContent()).toBe('Nhận PDF, JPEG, PNG, XML; tối đa 256 MB mỗi tệp');
      await replace.locator('#replace-d1').setInputFiles(file('to-khai-ky-lai.pdf', 'application/pdf', scan1b));
      await replace.locator('.upload-item.uploaded').waitFor();
      // an upload for an existing dossier names it (Upload-Metadata `dossier`): the server checks access and the
      // dossier's size limit before the first byte
      expect(onDossierPage).toEqual([{ filename: 'to-khai-ky-lai.pdf', dossier: code }]);
      expect(await run.server.engine.db('upload_sessions').where({ dossier_code: code }).count({ n: '*' })).toEqual([{ n: 1 }]);
      await replace.getByLabel('Lý do thay thế').fill('Bản quét trước thiếu chữ ký của người nộp');
      await replace.getByRole('button', { name: 'Lưu phiên bản mới' }).click();
      await replace.waitFor({ state: 'detached' });
      const d1 = specialist.locator('#docs-panel [data-document-id="d1"]');
      await d1.locator('.doc-version', { hasText: 'Phiên bản 2' }).waitFor();
      await d1.locator('.doc-history summary').click();
      expect(await d1.locator('.doc-versions li').count()).toBe(2);
      expect(await d1.locator('.doc-versions').textContent()).toContain('Lý do thay thế: Bản quét trước thiếu chữ ký của người nộp');
      // the timeline says what happened, with the file's hash
      await specialist.locator('#timeline > li[data-type="REPLACE_DOCUMENT"] .ev-file').waitFor();
      expect(await specialist.locator('#timeline > li[data-type="REPLACE_DOCUMENT"] .hash').getAttribute('title')).toBe(
        `SHA-256: ${sha(scan1b)}`,
      );
      await run.shot(specialist, '03-specialist-documents');
      await run.event('specialist', code, 'COMPLETE_STEP', { note: 'Hồ sơ hợp lệ' });

      // 3. the head of the office records the result with its signed file
      await run.at('2026-03-05 14:00');
      const signed = bigPdf('giay chung nhan dang ky ho kinh doanh 125');
      const leader = await run.signIn('leader_kinhte');
      await leader.goto(`${run.base}/#/ho-so/${encodeURIComponent(code)}`);
      await leader.locator('#dossier-actions').getByRole('button', { name: 'Ghi kết quả' }).click();
      const record = leader.getByRole('dialog');
      await record.getByLabel('Số văn bản kết quả').fill('125/GCN-HKD');
      const resultUploads = await creations(leader);
      await record.locator('#result-file').setInputFiles(file('GCN 125.pdf', 'application/pdf', signed));
      await record.locator('.upload-item.uploaded').waitFor();
      expect(resultUploads).toEqual([{ filename: 'GCN 125.pdf', dossier: code }]);
      expect(await record.getByLabel('Bản điện tử gốc (người nộp tải về được khi tra cứu)').isChecked()).toBe(true);
      await run.shot(leader, '04-leader-result-file');
      await record.getByRole('button', { name: 'Ghi kết quả' }).click();
      await record.waitFor({ state: 'detached' });
      await leader.locator('#docs-result .doc-name', { hasText: 'GCN 125.pdf' }).waitFor();

      // 4. the return counter offers the result file, then hands the result back
      await run.at('2026-03-05 15:00');
      const back = await run.signIn('counter');
      await back.locator('#desk-search').fill(code);
      await back.locator('#desk-search').press('Enter');
      await back.locator(`.desk-results li[data-code="${code}"]`).getByRole('button', { name: 'Trả kết quả' }).click();
      const hand = back.getByRole('dialog');
      await hand.locator('#return-result-file').waitFor();
      const [resultAtCounter] = await Promise.all([
        back.waitForEvent('download'),
        hand.getByRole('button', { name: /^Tải bản kết quả/ }).click(),
      ]);
      expect((await bytesOf(resultAtCounter)).equals(signed)).toBe(true);
      await run.shot(back, '05-counter-return-result-file');
      await hand.getByRole('button', { name: 'Xác nhận trả kết quả' }).click();
      await hand.getByRole('button', { name: 'Đóng' }).click();
      expect((await run.call('counter', 'GET', `/api/dossiers/${code}`)).state).toBe('returned');

      // 5. the citizen on a phone downloads the electronic result with the code and the 4 digits
      const citizen = await run.anonymousPage({ width: 360 });
      await citizen.goto(`${run.base}/tra-cuu?ma=${encodeURIComponent(code)}`);
      await citizen.locator('#verify').fill('5678');
      await citizen.locator('#verify').press('Enter');
      await citizen.locator('#eresult-download').waitFor();
      expect(await citizen.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
      await run.shot(citizen, '06-citizen-eresult-360', { fullPage: true });
      const [eresult] = await Promise.all([citizen.waitForEvent('download'), citizen.locator('#eresult-download').click()]);
      expect((await bytesOf(eresult)).equals(signed)).toBe(true);
      await citizen.close();

      // 6. a second dossier of the same applicant: the scan of the first is reused, not scanned again
      await run.at('2026-03-06 09:00');
      const second = await run.call('counter', 'POST', '/api/dossiers', {
        procedureCode: PROC,
        channel: 'counter',
        applicant: { fullName: 'Nguyễn Thị Hoa', idNumber: ID_NUMBER, phone: '0912345678', address: 'Số 5 phố Hàng Bạc, Hà Nội' },
        documents: [{ name: 'Giấy đề nghị đăng ký hộ kinh doanh', copies: 1 }],
      });
      // a new day: the clerk signs in again (yesterday's session has expired)
      const desk = await run.signIn('counter');
      await desk.goto(`${run.base}/#/ho-so/${encodeURIComponent(second.code)}`);
      const offer = desk.locator(`#docs-panel tr[data-component="0"] [data-reuse="${code}/d1"]`);
      await offer.click();
      const reused = desk.locator('#docs-panel tr[data-component="0"] .doc-reused');
      await reused.waitFor();
      expect(await reused.textContent()).toBe(`Dùng lại từ hồ sơ ${code}`);
      expect((await run.call('counter', 'GET', `/api/dossiers/${second.code}/documents`))[0].versions[0].sha256).toBe(sha(scan1b));
      await run.shot(desk, '07-counter-reuse');

      // 7. the auditor: each document event with its file's hash; the supervisor: the rates and their targets
      const auditor = await run.signIn('auditor');
      await auditor.goto(`${run.base}/#/kiem-tra/${encodeURIComponent(code)}`);
      const fileRow = auditor.locator('tr[data-type="ATTACH_DOCUMENT"] .audit-file').first();
      await fileRow.waitFor();
      expect(await fileRow.getAttribute('data-sha256')).toBe(sha(scan1));
      expect(await auditor.locator('tr[data-type="RECORD_RESULT"] .audit-file').getAttribute('data-sha256')).toBe(sha(signed));
      await auditor.locator('tr[data-type="REPLACE_DOCUMENT"] button').click();
      await auditor.locator('#audit-payload .file-hash', { hasText: sha(scan1b) }).waitFor();
      await run.shot(auditor, '08-auditor-document-hash');

      const supervisor = await run.signIn('supervisor');
      await supervisor.goto(`${run.base}/#/dieu-hanh?ky=week&ngay=2026-03-02`);
      const rate = supervisor.locator('[data-rate="receiptDigitisedShare"]');
      await rate.waitFor();
      // two receipts this week, neither digitised: the first has both mandatory components scanned but the clerk
      // ticked the optional third ("(nếu có)") as brought, and it stayed on paper; the second has only one scan
      expect(((await rate.textContent()) ?? '').replace(/\s+/g, ' ')).toBe('Tỷ lệ số hóa hồ sơ: 0% (0/2 hồ sơ) · mục tiêu ≥ 90%: chưa đạt');
      expect(await supervisor.locator('[data-rate="digitisedShare"]').textContent()).toContain('(1/1 hồ sơ) · mục tiêu ≥ 90%: đạt');
      expect(await supervisor.locator('a.stat[data-figure="digitisedResults"] .stat-n').textContent()).toBe('1');
      await supervisor.locator('#digitisation-title').scrollIntoViewIfNeeded();
      await run.shot(supervisor, '09-dashboard-digitisation');

      expect(run.problems).toEqual([]);
    },
    TIMEOUT,
  );
});
