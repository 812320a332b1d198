/**
 * End to end: Tra cứu hồ sơ in headless Chromium at 1366×768 on SQLite. A received-date range returns
 * only the dossiers received in it, the sort changes the order (newest first / soonest due first), and
 * the CSV export holds exactly the rows the table shows, in the same order, readable by Excel (BOM).
 *
 * Screenshots go to test-artifacts/e2e/search-*.png.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { browserRun, browserTest } from '../support/browser';

const TIMEOUT = 180_000;
const NOW = '2026-03-16 09:00';

describe('searching dossiers in the browser', () => {
  /** received on 9, 11 and 13 March (same procedure, so the due dates follow the same order) */
  const codes: string[] = [];
  const run = browserRun({
    start: '2026-03-09 08:00',
    now: NOW,
    screenshots: 'search-',
    seed: async (run) => {
      for (const [at, name] of [
        ['2026-03-09 08:10', 'Nguyễn Văn An'],
        ['2026-03-11 08:10', 'Bùi Thị Bình'],
        ['2026-03-13 08:10', 'Trần Văn Cường'],
      ] as const)
        codes.push(await run.submit(at, name));
    },
  });

  const shownCodes = (page: Page) =>
    page.locator('table.data tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')));

  /** signs in and opens the app at `hash` */
  async function signIn(username: string, hash: string): Promise<Page> {
    const page = await run.signIn(username);
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    return page;
  }

  /** the codes the table shows once it holds `n` rows (or after 10 s, whatever it shows then) */
  async function settled(page: Page, n: number) {
    for (let i = 0; i < 100; i += 1) {
      const shown = await shownCodes(page);
      if (shown.length === n) return shown;
      await page.waitForTimeout(100);
    }
    return shownCodes(page);
  }

  browserTest(
    'a received-date range keeps only the dossiers received in it; the sort changes the order; the CSV holds the rows shown',
    async () => {
      const page = await signIn('supervisor', '#/tra-cuu');
      await page.locator('table.data tbody tr').first().waitFor();
      expect(await shownCodes(page)).toStrictEqual([codes[2], codes[1], codes[0]]);
      expect(await page.locator('#main').innerText()).not.toMatch(/\bnull\b|undefined/);

      await page.getByLabel('Tiếp nhận từ ngày').fill('2026-03-10');
      await page.getByLabel('Đến ngày').fill('2026-03-13');
      await page.getByRole('button', { name: 'Tìm', exact: true }).click();
      expect(await settled(page, 2)).toStrictEqual([codes[2], codes[1]]);
      expect(page.url()).toContain('receivedFrom=2026-03-10');
      await run.shot(page, 'range');

      await page.getByLabel('Sắp xếp').selectOption('due');
      await page.getByRole('button', { name: 'Tìm', exact: true }).click();
      await page.locator(`table.data tbody tr:first-child[data-code="${codes[1]}"]`).waitFor();
      expect(await shownCodes(page)).toStrictEqual([codes[1], codes[2]]);
      await run.shot(page, 'sorted-due');

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Xuất CSV' }).click()]);
      const text = await readFile((await download.path())!, 'utf8');
      expect(text.startsWith('\uFEFFMã hồ sơ,')).toBe(true);
      const lines = text.slice(1).trimEnd().split('\r\n');
      expect(lines.map((l) => l.split(',')[0])).toStrictEqual(['Mã hồ sơ', codes[1], codes[2]]);
      expect(lines[1]).toContain('Bùi Thị Bình');
      expect(run.problems).toStrictEqual([]);
    },
    TIMEOUT,
  );

  browserTest(
    "the auditor's dossier page downloads the dossier export the API offers (GET /api/dossiers/{code}/export)",
    async () => {
      const page = await signIn('auditor', `#/ho-so/${codes[0]}`);
      const button = page.getByRole('button', { name: 'Tải bản xuất hồ sơ (JSON)' });
      const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
      const doc = JSON.parse(await readFile((await download.path())!, 'utf8')) as Record<string, unknown>;
      expect(JSON.stringify(doc)).toContain(codes[0]);
      await run.shot(page, 'auditor-export');
      expect(run.problems).toStrictEqual([]);
    },
    TIMEOUT,
  );
  browserTest(
    'the CSV neutralises cells a spreadsheet would run as formulas (=, +, -, @, tab, CR), in the page and in the file',
    async () => {
      const page = await signIn('supervisor', '#/tra-cuu');
      await page.locator('table.data tbody tr').first().waitFor();
      // the builder the page uses (src/web/csv.js), called in the page
      const inputs = ['=1+1', '+1', '-1+cmd|calc', '@SUM(A1)', '\tx', '\rx', 'a,b', 'say "hi"', 'Nguyễn Văn An', '0912', null];
      const cells = await page.evaluate(`import('/ui/csv.js').then((m) => ${JSON.stringify(inputs)}.map(m.csvCell))`);
      expect(cells).toStrictEqual([
        "'=1+1",
        "'+1",
        "'-1+cmd|calc",
        "'@SUM(A1)",
        "'\tx",
        `"'\rx"`,
        '"a,b"',
        '"say ""hi"""',
        'Nguyễn Văn An',
        '0912',
        '',
      ]);
      // and in the file: an applicant whose name is a formula stays text
      const evil = '=HYPERLINK("http://evil.example","Bấm")';
      const code = await run.submit(NOW, evil);
      await page.locator('[data-search]').fill(code);
      await page.getByRole('button', { name: 'Tìm', exact: true }).click();
      expect(await settled(page, 1)).toStrictEqual([code]);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Xuất CSV' }).click()]);
      const text = await readFile((await download.path())!, 'utf8');
      expect(text).toContain(`,"'=HYPERLINK(""http://evil.example"",""Bấm"")",`);
      expect(text).not.toMatch(/(^|,)"?=HYPERLINK/m);
      expect(run.problems).toStrictEqual([]);
    },
    TIMEOUT,
  );
});
