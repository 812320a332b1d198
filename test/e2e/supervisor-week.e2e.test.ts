/**
 * End to end: the supervisor's week in headless Chromium at 1366×768 (Asia/Ho_Chi_Minh), the browser's
 * clock following the server's test clock. Monday 16/03/2026, 09:00: last week (2026-W11) has one
 * dossier resolved late (B), one still open past its due date (A) and one due next week (C).
 *
 *  1. The review (SQLite and PostgreSQL): the dashboard reminds of the unsigned weeks and of February's
 *     report to the Department of Home Affairs; the supervisor opens last week's review, sees each
 *     dossier with the unit and step responsible and its apology status, records a cause and corrective
 *     action, downloads the CSV, XLSX and HTML (fetched with the token, saved from a Blob), opens the
 *     printable page, and signs the week off: the page names her (full name) and the time. Then she
 *     downloads February's report and marks it sent; the dashboard stops reminding.
 *  2. The dashboard (SQLite): periods (week, month, custom), each card and breakdown number opening a
 *     list of exactly that many dossiers, the trend chart, and the page as printed.
 *
 * Screenshots go to test-artifacts/e2e/supervisor-*.png.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import type { Command } from '../../machines/engine/commands';
import { BACKENDS } from '../support/backends';
import { ACTORS } from '../support/engine';
import { browserRun, browserTest, textOf } from '../support/browser';

const TIMEOUT = 180_000;
const approve: Command = {
  type: 'RECORD_RESULT',
  documentNumber: '20/GCN-HKD',
  documentDate: '2026-03-13',
  signer: 'Vũ Đức Thắng',
  digitised: true,
};

describe.each(BACKENDS)("the supervisor's week in a browser on $name", (backend) => {
  const codes: Record<'A' | 'B' | 'C' | 'D', string> = { A: '', B: '', C: '', D: '' };
  const run = browserRun({
    backend,
    start: '2026-03-02 09:00',
    screenshots: (name) => `supervisor-${name}-${backend.name}`,
    seed: async (run) => {
      // A: received Mon 02/03, due Thu 05/03 17:00, still at the specialist's step: overdue
      codes.A = await run.submit('2026-03-02 09:00', 'Nguyễn Văn An');
      await run.forward('2026-03-02 09:10', codes.A);
      // D: received and resolved early the same week
      codes.D = await run.submit('2026-03-02 09:30', 'Đặng Thị Dung');
      await run.forward('2026-03-02 09:40', codes.D);
      await run.act('2026-03-03 09:00', codes.D, { type: 'COMPLETE_STEP' });
      await run.act('2026-03-03 10:00', codes.D, approve, ACTORS.leader);
      // B: received Mon 09/03, due Thu 12/03 17:00, resolved Fri 13/03: late, in week 11
      codes.B = await run.submit('2026-03-09 09:00', 'Bùi Văn Bình');
      await run.forward('2026-03-09 09:10', codes.B);
      await run.act('2026-03-13 09:00', codes.B, { type: 'COMPLETE_STEP' });
      await run.act('2026-03-13 10:00', codes.B, approve, ACTORS.leader);
      // C: received Thu 12/03, due Tue 17/03: at risk at the end of week 11
      codes.C = await run.submit('2026-03-12 09:00', 'Cao Thị Cúc');
      await run.forward('2026-03-12 09:10', codes.C);
      await run.at('2026-03-16 09:00');
      await run.sweepDeadlines();
    },
  });

  /** clicks `selector` and returns the file the page saved */
  async function download(page: Page, selector: string): Promise<{ name: string; body: Buffer }> {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.locator(selector).click()]);
    const file = run.artifact(`download-${dl.suggestedFilename()}`);
    await dl.saveAs(file);
    return { name: dl.suggestedFilename(), body: fs.readFileSync(file) };
  }

  browserTest(
    "the supervisor reviews last week, records a cause, downloads the review, signs the week off, and delivers last month's report",
    async () => {
      const page = await run.signIn('supervisor');

      // the dashboard: what is still owed
      await page.locator('#unsigned-weeks').waitFor();
      expect(await page.locator('#unsigned-weeks a[data-week="2026-W11"]').count()).toBe(1);
      expect(await textOf(page, '#monthly-reminder')).toContain('Báo cáo tháng 02/2026 gửi Sở Nội vụ đã quá hạn (hạn 03/03/2026)');
      await run.shot(page, '01-dashboard');

      // last week's review, from the dashboard
      await page.locator('#review-link').click();
      await page.locator('#sec-overdue').waitFor();
      expect(page.url()).toContain('#/ra-soat');
      expect(await page.locator('#review-week').inputValue()).toBe('2026-W11');
      expect(await page.locator(`#sec-overdue tr[data-code="${codes.A}"]`).count()).toBe(1);
      expect(await page.locator(`#sec-resolved_late tr[data-code="${codes.B}"]`).count()).toBe(1);
      expect(await page.locator(`#sec-at_risk tr[data-code="${codes.C}"]`).count()).toBe(1);
      expect(await page.locator(`tr[data-code="${codes.D}"]`).count()).toBe(0);
      const rowA = page.locator(`#sec-overdue tr[data-code="${codes.A}"]`);
      expect(await rowA.textContent()).toContain('Phòng Kinh tế');
      expect(await rowA.textContent()).toContain('Chưa có phiếu xin lỗi');
      expect(await textOf(page, '#signoff-status')).toContain('Chưa ký duyệt');
      await run.shot(page, '02-review');

      // a cause and a corrective action for A
      await rowA.getByRole('button', { name: 'Ghi nguyên nhân' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Nguyên nhân chậm').fill('Chuyên viên thẩm định nghỉ phép, không có người thay.');
      await dialog.getByLabel('Biện pháp khắc phục').fill('Phân công người thay khi nghỉ phép; trình ký trong ngày 17/03.');
      await run.shot(page, '03-review-note');
      await dialog.getByRole('button', { name: 'Ghi vào biên bản' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.locator(`#sec-overdue tr[data-code="${codes.A}"] .note`).waitFor();
      expect(await textOf(page, `#sec-overdue tr[data-code="${codes.A}"] .note`)).toContain('Chuyên viên thẩm định nghỉ phép');

      // authenticated downloads, saved from the page
      const csv = await download(page, '#dl-csv');
      expect(csv.name).toBe('ra-soat-tre-han-2026-W11-centre.csv');
      const csvText = csv.body.toString('utf8');
      for (const c of [codes.A, codes.B, codes.C]) expect(csvText).toContain(c);
      expect(csvText).toContain('Chuyên viên thẩm định nghỉ phép');
      const xlsx = await download(page, '#dl-xlsx');
      expect(xlsx.name).toBe('ra-soat-tre-han-2026-W11-centre.xlsx');
      expect(xlsx.body.subarray(0, 2).toString('latin1')).toBe('PK');
      const html = await download(page, '#dl-html');
      expect(html.name).toBe('ra-soat-tre-han-2026-W11-centre.html');
      expect(html.body.toString('utf8')).toContain('Rà soát hồ sơ trễ hạn tuần 2026-W11');

      // the printable page in a new tab
      const [printable] = await Promise.all([page.context().waitForEvent('page'), page.locator('#open-print').click()]);
      await printable.waitForURL(/^blob:/);
      await printable.waitForLoadState('load');
      const printed = (await printable.locator('body').textContent()) ?? '';
      expect(printed).toContain('Báo cáo rà soát hồ sơ trễ hạn hằng tuần');
      expect(printed).toContain('Chuyên viên thẩm định nghỉ phép');
      await run.shot(printable, '04-review-printable');
      await printable.close();

      // the head of office signs the week off: who and when, by name
      await page.locator('#sign-off').click();
      await dialog.getByLabel('Kết luận (không bắt buộc)').fill('Đã rà soát 3 hồ sơ; giao Phòng Kinh tế xử lý dứt điểm hồ sơ quá hạn.');
      await dialog.getByRole('button', { name: 'Ký duyệt' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.locator('#signoff-status.signed').waitFor();
      const signed = await textOf(page, '#signoff-status');
      expect(signed).toContain('Đã ký duyệt bởi Phạm Thu Hà (Phó Giám đốc Trung tâm Phục vụ hành chính công) lúc 09:00 16/03/2026');
      expect(signed).not.toContain('supervisor');
      expect(await page.locator('[data-note]').count()).toBe(0);
      expect(await page.locator('#sign-off').count()).toBe(0);
      // readable at 1366 px: no sideways scrolling
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1366);
      await run.shot(page, '05-review-signed');

      // the dashboard no longer lists the week
      await page.locator('#nav').getByRole('link', { name: 'Bảng điều hành' }).click();
      await page.locator('#unsigned-weeks').waitFor();
      expect(await page.locator('#unsigned-weeks a[data-week="2026-W11"]').count()).toBe(0);

      // February's report: download, then mark sent; the reminder goes
      await page.locator('#monthly-reminder a').click();
      await page.locator('#monthly-table').waitFor();
      expect(await page.locator('#report-month').inputValue()).toBe('2026-02');
      expect(await textOf(page, '#monthly-status')).toContain('Đã quá hạn gửi (03/03/2026)');
      const report = await download(page, '#dl-xlsx');
      expect(report.name).toBe('bao-cao-thang-2026-02.xlsx');
      await page.locator('#monthly-status.alert-ok').waitFor();
      expect(await textOf(page, '#monthly-status')).toContain(
        'Tải về lần đầu: Phạm Thu Hà (Phó Giám đốc Trung tâm Phục vụ hành chính công), 09:00 16/03/2026',
      );
      await page.locator('#mark-sent').click();
      await dialog.getByLabel(/Ghi chú/).fill('Công văn số 25/TTPVHCC');
      await dialog.getByRole('button', { name: 'Xác nhận đã gửi' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.locator('#monthly-status', { hasText: 'Đã gửi Sở Nội vụ' }).waitFor();
      expect(await textOf(page, '#monthly-status')).toContain(
        'Đã gửi Sở Nội vụ: Phạm Thu Hà (Phó Giám đốc Trung tâm Phục vụ hành chính công), 09:00 16/03/2026 (Công văn số 25/TTPVHCC)',
      );
      expect(await page.locator('#mark-sent').count()).toBe(0);
      await run.shot(page, '06-monthly-report');
      await page.locator('#nav').getByRole('link', { name: 'Bảng điều hành' }).click();
      await page.locator('#unsigned-weeks').waitFor();
      expect(await page.locator('#monthly-reminder').count()).toBe(0);

      expect(run.problems).toEqual([]);
    },
    TIMEOUT,
  );

  (backend.name === 'sqlite' ? browserTest : test.skip)(
    'the dashboard: week, month and custom periods; every card and breakdown number opens exactly its dossiers; the trend prints',
    async () => {
      const page = await run.signIn('supervisor');
      const cardN = async (figure: string) => Number(await textOf(page, `.stat[data-figure="${figure}"] .stat-n`));
      /** follows a link and counts the rows of the list it opens */
      async function listed(link: ReturnType<Page['locator']>): Promise<number> {
        await link.click();
        await page.locator('#figure-filter').waitFor();
        await page.locator('.results:not([aria-busy])').waitFor();
        const n = await page.locator('.results table.data tbody tr').count();
        await page.goBack();
        await page.locator('#trend-chart').waitFor();
        return n;
      }

      // week 11
      await page.goto(`${run.base}/#/dieu-hanh?ky=week&ngay=2026-03-09`);
      await page.locator('#trend-chart').waitFor();
      expect(await textOf(page, '#period-label')).toBe('Tuần 11/2026 (09/03–15/03/2026)');
      expect(await cardN('late')).toBe(1);
      expect(await cardN('pendingLate')).toBe(1);
      expect(await cardN('received')).toBe(2);
      expect(await cardN('lateDossiers')).toBe(2);
      expect(await cardN('apologyMissing')).toBe(2);
      for (const figure of ['late', 'pendingLate', 'received', 'apologyMissing', 'pending']) {
        const n = await cardN(figure);
        expect({ figure, listed: await listed(page.locator(`.stat[data-figure="${figure}"]`)) }).toEqual({ figure, listed: n });
      }
      expect(await page.locator('#trend-chart rect.bar-good').count()).toBe(8);
      await run.shot(page, '07-dashboard-week');

      // the month, from the period picker
      await page.locator('#period-kind').selectOption('month');
      await page.waitForURL(/ky=month/);
      await page.locator('#trend-chart').waitFor();
      expect(await textOf(page, '#period-label')).toBe('Tháng 03/2026');
      expect(await cardN('resolved')).toBe(2);
      expect(await cardN('late')).toBe(1);
      expect(await page.locator('#trend-chart rect.bar-good').count()).toBe(6);
      // a breakdown number opens the same dossiers as its cell says
      const unitLate = page.locator('#by-unit a[data-figure="late"]').first();
      const unitN = Number(await unitLate.textContent());
      expect(await listed(unitLate)).toBe(unitN);
      const procReceived = page.locator('#by-procedure a[data-figure="received"]').first();
      const procN = Number(await procReceived.textContent());
      expect(procN).toBe(4);
      expect(await listed(procReceived)).toBe(procN);
      // the digitisation breakdowns (GET /api/metrics/digitisation, their own rollup): each rate says what it divides
      // and opens the dossiers it counts
      expect(await page.locator('#digitisation-by-unit tbody tr').count()).toBeGreaterThan(0);
      const digitisedResults = page.locator('#digitisation-by-procedure a[data-figure="digitisedResults"]').first();
      const [numerator, resolved] = ((await digitisedResults.locator('xpath=..').getAttribute('title')) ?? '').split(/[/ ]/).map(Number);
      expect(numerator).toBeGreaterThan(0);
      expect(await digitisedResults.textContent()).toBe(`${Math.round((numerator! / resolved!) * 1000) / 10}%`.replace('.', ','));
      expect(await listed(digitisedResults)).toBe(numerator);
      await run.shot(page, '08-dashboard-month');

      // printed: navigation and buttons vanish, the chart stays readable in black and white
      await page.emulateMedia({ media: 'print' });
      await run.shot(page, '09-dashboard-print');
      await page.emulateMedia({ media: 'screen' });

      // a custom range
      await page.locator('#period-kind').selectOption('custom');
      await page.locator('#period-from').fill('2026-03-02');
      await page.locator('#period-to').fill('2026-03-13');
      await page.getByRole('button', { name: 'Xem' }).click();
      await page.waitForURL(/ky=custom&tu=2026-03-02&den=2026-03-13/);
      await page.locator('#trend-chart').waitFor();
      expect(await textOf(page, '#period-note')).toContain('Từ 02/03/2026 đến 13/03/2026');
      expect(await cardN('received')).toBe(4);
      expect((await cardN('early')) + (await cardN('onTime'))).toBe(1);

      expect(run.problems).toEqual([]);
    },
    TIMEOUT,
  );
});
