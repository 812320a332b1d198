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
import { createHash } from 'node:crypto';
import { ACTORS } from '../support/engine';
import { browserRun, browserTest } from '../support/browser';

const TIMEOUT = 240_000;
const pdf = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const original = pdf('giay chung nhan 125, sai ten nguoi de nghi');
const corrected = pdf('giay chung nhan 125, da dinh chinh ten');

describe('correcting a returned result in a browser', () => {
  let code = '';
  const run = browserRun({
    screenshots: 'correction-',
    fullPage: false,
    now: '2026-03-09 10:00',
    // a dossier whose signed result was recorded and handed back on 5 March (setup through the engine and the API)
    seed: async (run) => {
      await run.at('2026-03-05 09:00');
      expect((await run.api.call('POST', '/api/uploads', { as: 'leader_kinhte', bytes: original })).status).toBe(201);
      code = await run.submit('2026-03-05 09:00', 'Nguyễn Thị Hoa');
      await run.forward('2026-03-05 09:00', code);
      await run.act('2026-03-05 09:00', code, { type: 'COMPLETE_STEP' });
      await run.event('leader_kinhte', code, 'RECORD_RESULT', {
        documentNumber: '125/GCN-HKD',
        documentDate: '2026-03-05',
        signer: 'leader_kinhte',
        document: { sha256: sha(original), name: 'GCN 125.pdf', form: 'electronic_original' },
      });
      await run.act('2026-03-05 09:00', code, { type: 'RETURN_RESULT', method: 'counter' }, ACTORS.counter);
    },
  });

  browserTest(
    'the head of the office corrects a handed-over result with its reason and new file; the old ones stay, the auditor sees it',
    async () => {
      const base = run.base;
      // 1. only a leader is offered the correction
      const specialist = await run.signIn('specialist');
      await specialist.goto(`${base}/#/ho-so/${encodeURIComponent(code)}`);
      await specialist.locator('#docs-result').waitFor();
      expect(await specialist.locator('[data-action="CORRECT_RESULT"]').count()).toBe(0);

      const leader = await run.signIn('leader_kinhte');
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
      await run.shot(leader, '01-dialog');

      // 3. someone else corrected it meanwhile: VERSION_CONFLICT in words, then the second press records this one
      await run.event('leader', code, 'CORRECT_RESULT', {
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
      await run.shot(leader, '02-after');

      // 5. the auditor: the correction in the history, its file's hash, what the result said before
      const auditor = await run.signIn('auditor');
      await auditor.goto(`${base}/#/kiem-tra/${encodeURIComponent(code)}`);
      const row = auditor.locator('tr[data-type="CORRECT_RESULT"]').last();
      await row.locator('.audit-file').waitFor();
      expect(await row.locator('.audit-file').getAttribute('data-sha256')).toBe(sha(corrected));
      await row.locator('button').click();
      await auditor.locator('#audit-payload', { hasText: 'Kết quả trước khi đính chính' }).waitFor();
      await run.shot(auditor, '03-auditor');

      expect(run.problems).toStrictEqual([]);
    },
    TIMEOUT,
  );
});
