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
import path from 'node:path';
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { BACKENDS } from '../support/backends';
import { seedLookupScenario } from '../support/lookup-scenario';
import { startServer, type TestServer } from '../support/server';
import { ARTIFACTS, browserTest, closeAll, HAVE_CHROMIUM, listenAndLaunch, requireChromium, watchForProblems } from '../support/browser';

const TIMEOUT = 120_000;

describe("the citizen's lookup in a browser", () => {
  let server: TestServer;
  let http: Server;
  let base = '';
  let browser: Browser;
  const problems: string[] = [];
  const codes = { supplement: '', late: '' };

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) return;
    server = await startServer(BACKENDS[0]!, '2026-03-02 09:00');
    Object.assign(codes, await seedLookupScenario(server));
    ({ http, base, browser } = await listenAndLaunch(server));
  }, TIMEOUT);

  afterAll(() => closeAll(browser, http, server), TIMEOUT);

  async function look(width: number, typed: string): Promise<Page> {
    const page = await browser.newPage({
      viewport: { width, height: width < 500 ? 740 : 768 },
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
    });
    watchForProblems(page, 'citizen', problems);
    await page.goto(`${base}/tra-cuu`);
    await page.getByLabel('Mã hồ sơ').fill(typed);
    await page.locator('#verify').fill('5678');
    await page.locator('#verify').press('Enter');
    await page.locator('#answer .lookup-status').waitFor();
    return page;
  }
  const text = async (page: Page, selector: string) => ((await page.locator(selector).textContent()) ?? '').replace(/\s+/g, ' ').trim();
  const noSidewaysScroll = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

  for (const width of [360, 1366]) {
    browserTest(
      `a supplement request lists what to bring and says the clock is stopped (${width} px)`,
      async () => {
        requireChromium();
        const page = await look(width, codes.supplement);
        expect(await page.locator('#lookup-supplement li').allTextContents()).toEqual([
          'Bản sao Căn cước công dân của chủ hộ',
          'Hợp đồng thuê địa điểm kinh doanh',
        ]);
        expect(await text(page, '#lookup-supplement')).toContain('Lý do: Thiếu giấy tờ tùy thân của chủ hộ');
        expect(await text(page, '#lookup-clock')).toContain('Thời hạn giải quyết đang dừng lại');
        expect(await text(page, '#answer')).not.toContain('Hẹn trả kết quả:');
        expect(await noSidewaysScroll(page)).toBe(true);
        await page.screenshot({ path: path.join(ARTIFACTS, `citizen-supplement-${width}.png`), fullPage: true });
        await page.close();
        expect(problems).toEqual([]);
      },
      TIMEOUT,
    );

    browserTest(
      `a late dossier says so and shows the apology and the new appointment; the code is found in lower case with spaces (${width} px)`,
      async () => {
        requireChromium();
        const page = await look(width, `  ${codes.late.toLowerCase()} `);
        expect(await text(page, '#answer h2')).toBe(`Hồ sơ ${codes.late}`);
        expect(await text(page, '#lookup-late')).toBe('Hồ sơ trễ hạn so với thời hạn giải quyết theo quy định (17:00 05/03/2026).');
        expect(await text(page, '#lookup-apology')).toContain('Lý do chậm trễ: Chuyên viên nghỉ ốm, hồ sơ chậm trình ký.');
        expect(await text(page, '#lookup-apology')).toContain('Ngày hẹn trả kết quả mới: 17:00 09/03/2026');
        expect(await text(page, '#lookup-next')).toContain('Đã có kết quả');
        expect(await noSidewaysScroll(page)).toBe(true);
        await page.screenshot({ path: path.join(ARTIFACTS, `citizen-late-${width}.png`), fullPage: true });
        await page.close();
        expect(problems).toEqual([]);
      },
      TIMEOUT,
    );
  }
});
