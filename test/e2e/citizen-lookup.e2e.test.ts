/**
 * End to end: the citizen's lookup (/tra-cuu, no login) in headless Chromium, on a phone (360 px wide)
 * and at 1366×768. Friday 06/03/2026, 14:00, on SQLite.
 *
 *  - A supplement request: the page lists what to bring, as the request listed it, and says the clock is
 *    stopped (no appointment counting down).
 *  - A late dossier: the page says it is late, shows the apology and its new appointment.
 *  - The code typed in lower case with spaces around it is found.
 *
 * Screenshots go to test-artifacts/e2e/citizen-*.png.
 */
import type { Page } from 'playwright-core';
import { seedLookupScenario } from '../support/lookup-scenario';
import { browserRun, browserTest, textOf } from '../support/browser';

const TIMEOUT = 120_000;

describe("the citizen's lookup in a browser", () => {
  const codes = { supplement: '', late: '' };
  const run = browserRun({
    start: '2026-03-02 09:00',
    screenshots: 'citizen-',
    seed: async (run) => {
      Object.assign(codes, await seedLookupScenario(run.server));
    },
  });

  async function look(width: number, typed: string): Promise<Page> {
    const page = await run.anonymousPage({ width });
    await page.goto(`${run.base}/tra-cuu`);
    await page.getByLabel('Mã hồ sơ').fill(typed);
    await page.locator('#verify').fill('5678');
    await page.locator('#verify').press('Enter');
    await page.locator('#answer .lookup-status').waitFor();
    return page;
  }
  const noSidewaysScroll = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

  for (const width of [360, 1366]) {
    browserTest(
      `a supplement request lists what to bring and says the clock is stopped (${width} px)`,
      async () => {
        const page = await look(width, codes.supplement);
        expect(await page.locator('#lookup-supplement li').allTextContents()).toEqual([
          'Bản sao Căn cước công dân của chủ hộ',
          'Hợp đồng thuê địa điểm kinh doanh',
        ]);
        expect(await textOf(page, '#lookup-supplement')).toContain('Lý do: Thiếu giấy tờ tùy thân của chủ hộ');
        expect(await textOf(page, '#lookup-clock')).toContain('Thời hạn giải quyết đang dừng lại');
        expect(await textOf(page, '#answer')).not.toContain('Hẹn trả kết quả:');
        expect(await noSidewaysScroll(page)).toBe(true);
        await run.shot(page, `supplement-${width}`);
        await page.close();
        expect(run.problems).toEqual([]);
      },
      TIMEOUT,
    );

    browserTest(
      `a late dossier says so and shows the apology and the new appointment; the code is found in lower case with spaces (${width} px)`,
      async () => {
        const page = await look(width, `  ${codes.late.toLowerCase()} `);
        expect(await textOf(page, '#answer h2')).toBe(`Hồ sơ ${codes.late}`);
        expect(await textOf(page, '#lookup-late')).toBe('Hồ sơ trễ hạn so với thời hạn giải quyết theo quy định (17:00 05/03/2026).');
        expect(await textOf(page, '#lookup-apology')).toContain('Lý do chậm trễ: Chuyên viên nghỉ ốm, hồ sơ chậm trình ký.');
        expect(await textOf(page, '#lookup-apology')).toContain('Ngày hẹn trả kết quả mới: 17:00 09/03/2026');
        expect(await textOf(page, '#lookup-next')).toContain('Đã có kết quả');
        expect(await noSidewaysScroll(page)).toBe(true);
        await run.shot(page, `late-${width}`);
        await page.close();
        expect(run.problems).toEqual([]);
      },
      TIMEOUT,
    );
  }
});
